-- The users table at a million consumers. Its status filter reads two columns kept by the store
-- in the transaction of every change that affects them (Store::refresh_list_status):
--   invite_expires_at: expiry of the user's pending invitation, if any;
--   list_status: the shown status without the clock ('invited' past invite_expires_at reads as
--   'not-invited'), so every filter is an index range.
alter table users add column invite_expires_at bigint;
alter table users add column list_status text not null default 'active'
    check (list_status in ('active', 'inactive', 'invited', 'not-invited', 'pending'));

update users set invite_expires_at = (
    select max(i.expires_at) from one_time_tokens i
    where i.user_id = users.id and i.purpose = 'invitation' and i.used_at is null and i.revoked_at is null
);
update users set list_status = case
    when status = 'inactive' or approval = 'rejected' then 'inactive'
    when approval = 'pending' then 'pending'
    when password_hash is not null then 'active'
    when invite_expires_at is not null then 'invited'
    else 'not-invited' end;

create index users_list_status on users (list_status, created_at, id);
-- Prefix search on names (email has its unique lower(email) index) and the name sort's keyset.
create index users_first_name_lower on users (lower(first_name));
create index users_last_name_lower on users (lower(last_name));
create index users_full_name_lower on users (lower(first_name || ' ' || last_name));
create index users_name_sort on users (lower(last_name), lower(first_name), id);
