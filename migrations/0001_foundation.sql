-- Portico's foundation schema. Written once for SQLite and Postgres (sqlx Any driver):
-- ids are text (UUIDv7, so they sort by creation), times are integer Unix milliseconds,
-- flags are integer 0/1 or text states, because Any decodes only integers, floats, text and blobs.

create table organizations (
    id text primary key,
    name text not null check (length(name) between 1 and 100),
    -- 1 only for "Default Organization"; the partial unique index keeps it to exactly one.
    is_default integer not null default 0 check (is_default in (0, 1)),
    created_at bigint not null,
    updated_at bigint not null
);
create unique index organizations_name_lower on organizations (lower(name));
create unique index organizations_one_default on organizations (is_default) where is_default = 1;

create table teams (
    id text primary key,
    organization_id text not null references organizations (id) on delete cascade,
    name text not null check (length(name) between 1 and 100),
    -- The organization's "<name> All users" team: exactly one per organization.
    is_default integer not null default 0 check (is_default in (0, 1)),
    created_at bigint not null,
    updated_at bigint not null,
    -- Target of the composite foreign key that keeps memberships inside one organization.
    unique (id, organization_id)
);
create unique index teams_name_lower on teams (organization_id, lower(name));
create unique index teams_one_default on teams (organization_id) where is_default = 1;

-- Admins and consumers share one table: the email is the login on one login page.
create table users (
    id text primary key,
    email text not null check (length(email) between 3 and 254),
    first_name text not null default '',
    last_name text not null default '',
    role text not null check (role in ('super-admin', 'provider-admin', 'consumer-admin', 'consumer-team-member')),
    -- Admins belong to no organization; consumers to exactly one.
    organization_id text references organizations (id),
    status text not null default 'active' check (status in ('active', 'inactive')),
    -- How the account came to be, for the derived "Pending approval" status of later issues.
    approval text not null default 'approved' check (approval in ('approved', 'pending', 'rejected')),
    password_hash text,
    must_change_password integer not null default 0 check (must_change_password in (0, 1)),
    created_at bigint not null,
    updated_at bigint not null,
    unique (id, organization_id),
    check (
        (role in ('super-admin', 'provider-admin') and organization_id is null)
        or (role in ('consumer-admin', 'consumer-team-member') and organization_id is not null)
    )
);
create unique index users_email_lower on users (lower(email));
create index users_organization on users (organization_id);
create index users_created on users (created_at, id);

-- A user's teams are all in its organization: both foreign keys carry organization_id.
create table team_memberships (
    user_id text not null,
    team_id text not null,
    organization_id text not null,
    created_at bigint not null,
    primary key (user_id, team_id),
    foreign key (user_id, organization_id) references users (id, organization_id) on delete cascade,
    foreign key (team_id, organization_id) references teams (id, organization_id) on delete cascade
);
create index team_memberships_team on team_memberships (team_id);

-- Only the SHA-256 of a session id is stored; the id itself lives in the cookie.
create table sessions (
    id_hash text primary key,
    user_id text not null references users (id) on delete cascade,
    created_at bigint not null,
    expires_at bigint not null,
    last_seen_at bigint not null
);
create index sessions_user on sessions (user_id);
create index sessions_expires on sessions (expires_at);

-- Invitation, password-reset and admin-setup links; only the token's SHA-256 is stored.
create table one_time_tokens (
    id text primary key,
    token_hash text not null unique,
    purpose text not null check (purpose in ('invitation', 'password_reset', 'admin_setup')),
    user_id text references users (id) on delete cascade,
    created_by text references users (id) on delete set null,
    created_at bigint not null,
    expires_at bigint not null,
    used_at bigint,
    revoked_at bigint
);
create index one_time_tokens_user on one_time_tokens (user_id, purpose);

-- Every email is written here in the transaction that causes it and sent by a worker.
create table email_outbox (
    id text primary key,
    kind text not null,
    to_address text not null,
    subject text not null,
    html_body text not null,
    text_body text not null,
    status text not null default 'queued' check (status in ('queued', 'sending', 'sent', 'failed', 'held')),
    attempts integer not null default 0,
    next_attempt_at bigint not null,
    -- A worker that claims a message leases it until then; another instance may take it after.
    locked_until bigint,
    last_error text,
    related_token_id text references one_time_tokens (id) on delete set null,
    created_at bigint not null,
    sent_at bigint
);
create index email_outbox_due on email_outbox (status, next_attempt_at);

create table settings (
    key text primary key,
    value text not null,
    updated_at bigint not null
);

create table audit_log (
    id text primary key,
    at bigint not null,
    actor_id text references users (id) on delete set null,
    action text not null,
    subject_type text not null,
    subject_id text,
    detail text not null default ''
);
create index audit_log_subject on audit_log (subject_type, subject_id, at);
