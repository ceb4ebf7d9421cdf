-- Consumer self-service: invite codes for registration, and the counters behind rate limits.

-- A code an admin hands out; registering with it places the account in `team_id` and approves it.
-- The code is shown again to admins (it is shared with many people), so it is kept as is:
-- 128 random bits, base64url.
create table invite_codes (
    id text primary key,
    code text not null unique,
    team_id text not null,
    organization_id text not null,
    quota integer not null check (quota between 1 and 100000),
    -- Accounts created with the code; the check keeps it within the quota under any concurrency.
    used integer not null default 0 check (used >= 0 and used <= quota),
    expires_at bigint not null,
    active integer not null default 1 check (active in (0, 1)),
    created_by text references users (id) on delete set null,
    created_at bigint not null,
    foreign key (team_id, organization_id) references teams (id, organization_id) on delete cascade
);
create index invite_codes_created on invite_codes (created_at, id);

-- Fixed-window attempt counters (login, registration, password reset, invitations), shared by
-- every instance through the database. `bucket` is the limit's name and the SHA-256 of what it
-- counts (an email or a client address), never the value itself.
create table rate_limits (
    bucket text not null,
    window_start bigint not null,
    hits integer not null,
    primary key (bucket, window_start)
);
create index rate_limits_window on rate_limits (window_start);
