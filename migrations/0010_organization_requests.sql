-- Organization requests (issue 15, SPEC §8.3): a consumer of the default organization asks for
-- their company's organization; an admin approves (creating it, with the requester as its
-- consumer admin) or rejects it. Decided requests are kept as the record of who asked.
create table organization_requests (
    id text primary key,
    requester_id text not null references users (id) on delete cascade,
    name text not null check (length(name) between 1 and 100),
    status text not null check (status in ('pending', 'approved', 'rejected')),
    -- The rejection's reason, shown to the requester and emailed.
    reason text,
    -- The organization an approval created (kept null if it is deleted later).
    organization_id text references organizations (id) on delete set null,
    created_at bigint not null,
    decided_at bigint,
    decided_by text references users (id) on delete set null
);
-- One pending request per consumer, and one per name (any case): races end in the database.
create unique index organization_requests_one_per_requester on organization_requests (requester_id) where status = 'pending';
create unique index organization_requests_one_per_name on organization_requests (lower(name)) where status = 'pending';
create index organization_requests_requester on organization_requests (requester_id, created_at);
