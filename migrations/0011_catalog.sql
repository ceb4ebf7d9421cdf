-- The catalog (issue 16, SPEC §9): API products, plans, and catalogs whose visibility and
-- audience decide who sees which product and which plans are offered for it.

create table api_products (
    id text primary key,
    -- The product's identifier and its URL (/catalog/{name}): lowercase letters, digits, hyphens.
    name text not null check (length(name) between 1 and 64),
    display_name text not null check (length(display_name) between 1 and 100),
    summary text not null default '',
    -- Markdown; rendered and sanitized when shown, never stored as HTML.
    description text not null default '',
    getting_started text not null default '',
    published integer not null default 0 check (published in (0, 1)),
    -- Lowercase tags, each between commas (",payments,cards,"), so one tag is a `like` match.
    tags text not null default '',
    -- The path prefix the gateway check matches (SPEC §10), "/payments/": starts and ends with "/".
    gateway_prefix text not null check (length(gateway_prefix) between 3 and 200),
    created_at bigint not null,
    updated_at bigint not null
);
create unique index api_products_name on api_products (name);
create unique index api_products_gateway_prefix on api_products (lower(gateway_prefix));
create index api_products_display_name on api_products (lower(display_name), id);

create table plans (
    id text primary key,
    name text not null check (length(name) between 1 and 100),
    display_name text not null check (length(display_name) between 1 and 100),
    description text not null default '',
    -- "Rate limit": rate_requests per rate_seconds; both null for "Unlimited".
    rate_requests bigint,
    rate_seconds bigint,
    -- "Usage quota": quota_requests per quota_period; both null for "Unlimited".
    quota_requests bigint,
    quota_period text check (quota_period in ('hour', 'day', 'month')),
    -- "Key expires after": null for never.
    key_expiry_days bigint,
    auto_approve integer not null default 0 check (auto_approve in (0, 1)),
    created_at bigint not null,
    updated_at bigint not null,
    check ((rate_requests is null) = (rate_seconds is null)),
    check ((quota_requests is null) = (quota_period is null))
);
create unique index plans_name_lower on plans (lower(name));

create table catalogs (
    id text primary key,
    name text not null check (length(name) between 1 and 100),
    -- "public": anyone, signed in or not; "private": only the audience (and admins).
    visibility text not null check (visibility in ('public', 'private')),
    created_at bigint not null,
    updated_at bigint not null
);
create unique index catalogs_name_lower on catalogs (lower(name));
create index catalogs_public on catalogs (visibility);

create table catalog_products (
    catalog_id text not null references catalogs (id) on delete cascade,
    product_id text not null references api_products (id) on delete cascade,
    primary key (catalog_id, product_id)
);
create index catalog_products_product on catalog_products (product_id);

create table catalog_plans (
    catalog_id text not null references catalogs (id) on delete cascade,
    plan_id text not null references plans (id) on delete cascade,
    primary key (catalog_id, plan_id)
);
create index catalog_plans_plan on catalog_plans (plan_id);

-- A private catalog's audience: teams, and whole organizations (all their teams, now and later).
create table catalog_audience_teams (
    catalog_id text not null references catalogs (id) on delete cascade,
    team_id text not null references teams (id) on delete cascade,
    primary key (catalog_id, team_id)
);
create index catalog_audience_teams_team on catalog_audience_teams (team_id);

create table catalog_audience_organizations (
    catalog_id text not null references catalogs (id) on delete cascade,
    organization_id text not null references organizations (id) on delete cascade,
    primary key (catalog_id, organization_id)
);
create index catalog_audience_organizations_organization on catalog_audience_organizations (organization_id);
