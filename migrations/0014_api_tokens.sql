-- API tokens (SPEC §11): an admin's key to the REST API.
create table api_tokens (
    id text primary key,
    name text not null check (length(name) between 1 and 100),
    -- The admin the token acts as: it never has more power than they have, none while they are
    -- deactivated, and it goes with them.
    admin_id text not null references users (id) on delete cascade,
    access text not null check (access in ('read', 'write')),
    -- SHA-256 of the token, lowercase hex.
    hash text not null,
    prefix text not null,
    created_at bigint not null,
    -- null: never expires.
    expires_at bigint,
    -- Written at most once a minute per token.
    last_used_at bigint,
    revoked_at bigint
);
create unique index api_tokens_hash on api_tokens (hash);
create index api_tokens_admin on api_tokens (admin_id, created_at);

-- A change made through the REST API names the token it came with ("via"); null for the UI.
alter table audit_log add column via text;
