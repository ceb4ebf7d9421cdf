-- Apps, access requests, API keys and gateway tokens (issue 17, SPEC §10).

create table apps (
    id text primary key,
    name text not null check (length(name) between 1 and 100),
    description text not null default '',
    -- Who besides the owner sees it: 'personal' (no one), 'team' (members of the owner's teams),
    -- 'organization' (the owner's organization). In the default organization always 'personal'.
    visibility text not null check (visibility in ('personal', 'team', 'organization')),
    owner_id text not null references users (id) on delete cascade,
    -- The owner's organization, kept with the owner (a move makes the app Personal and follows).
    organization_id text not null references organizations (id),
    created_at bigint not null,
    updated_at bigint not null
);
create unique index apps_owner_name on apps (owner_id, lower(name));
create index apps_organization on apps (organization_id, visibility);
create index apps_name on apps (lower(name), id);

-- A request for a plan of a product for an app; once approved it is the credential, whose key
-- (one or, during a rotation's grace period, two) lives in api_keys.
create table access_requests (
    id text primary key,
    app_id text not null references apps (id) on delete cascade,
    product_id text not null references api_products (id) on delete cascade,
    plan_id text not null references plans (id) on delete cascade,
    requester_id text references users (id) on delete set null,
    comment text not null default '',
    status text not null check (status in ('pending', 'approved', 'rejected', 'revoked')),
    reason text not null default '',
    created_at bigint not null,
    decided_at bigint,
    decided_by text,
    -- The key's visible start ("ptc_AbCd1234"), when it was issued (shown) and when it expires
    -- (null: never). An approved request without issued_at waits for its owner to see its key.
    key_prefix text not null default '',
    issued_at bigint,
    expires_at bigint,
    revoked_at bigint
);
-- "One live request per app, product and plan": pending, or approved and not revoked.
create unique index access_requests_live on access_requests (app_id, product_id, plan_id)
    where status in ('pending', 'approved');
create index access_requests_status on access_requests (status, created_at, id);
create index access_requests_app on access_requests (app_id, created_at);
create index access_requests_product on access_requests (product_id, status);
create index access_requests_plan on access_requests (plan_id, status);

create table api_keys (
    -- SHA-256 of the whole key, lowercase hex: the key itself is never stored.
    hash text primary key,
    request_id text not null references access_requests (id) on delete cascade,
    created_at bigint not null,
    -- Null for the current key; a rotated key's end of grace.
    valid_until bigint
);
create index api_keys_request on api_keys (request_id);

create table gateway_tokens (
    id text primary key,
    name text not null check (length(name) between 1 and 100),
    -- SHA-256 of the token, lowercase hex.
    hash text not null,
    prefix text not null,
    created_at bigint not null,
    created_by text,
    revoked_at bigint
);
create unique index gateway_tokens_hash on gateway_tokens (hash);

-- Bumped in every transaction that changes what a gateway check answers (keys, requests, plans,
-- products, gateway tokens, an owner's status): instances poll it and drop their cached answers.
create table gateway_state (
    id integer primary key check (id = 1),
    generation bigint not null
);
insert into gateway_state (id, generation) values (1, 0);
