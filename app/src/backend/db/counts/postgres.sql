-- The user counts' triggers on Postgres (once per statement, from its transition tables, so a
-- change of 10,000 users adds a handful of rows; see migration 0009). Version 1.
create function user_counts_v1_users() returns trigger language plpgsql as $$
begin
    if tg_op = 'INSERT' then
        insert into user_counts (scope, list_status, n)
        select k.scope, k.list_status, count(*) from new_rows r
        cross join lateral (values ('', r.list_status), ('o:' || r.organization_id, r.list_status))
            as k (scope, list_status)
        where r.role in ('consumer-admin', 'consumer-team-member')
        group by k.scope, k.list_status;
    elsif tg_op = 'DELETE' then
        insert into user_counts (scope, list_status, n)
        select k.scope, k.list_status, -count(*) from old_rows r
        cross join lateral (values ('', r.list_status), ('o:' || r.organization_id, r.list_status))
            as k (scope, list_status)
        where r.role in ('consumer-admin', 'consumer-team-member')
        group by k.scope, k.list_status;
    else
        insert into user_counts (scope, list_status, n)
        select k.scope, k.list_status, sum(k.n) from (
            select r.list_status, r.organization_id, r.role, -1 as n from old_rows r
            union all select r.list_status, r.organization_id, r.role, 1 from new_rows r
        ) d
        cross join lateral (values ('', d.list_status, d.n), ('o:' || d.organization_id, d.list_status, d.n))
            as k (scope, list_status, n)
        where d.role in ('consumer-admin', 'consumer-team-member')
        group by k.scope, k.list_status
        having sum(k.n) <> 0;
        update team_memberships m set list_status = r.list_status from new_rows r
        where m.user_id = r.id and m.list_status is distinct from r.list_status;
    end if;
    return null;
end $$;

create trigger user_counts_v1_users_insert after insert on users
referencing new table as new_rows for each statement execute function user_counts_v1_users();
create trigger user_counts_v1_users_delete after delete on users
referencing old table as old_rows for each statement execute function user_counts_v1_users();
create trigger user_counts_v1_users_update after update on users
referencing old table as old_rows new table as new_rows
for each statement execute function user_counts_v1_users();

-- A new membership takes its user's status.
create function user_counts_v1_membership_status() returns trigger language plpgsql as $$
begin
    new.list_status := (select u.list_status from users u where u.id = new.user_id);
    return new;
end $$;
create trigger user_counts_v1_memberships_status before insert on team_memberships
for each row execute function user_counts_v1_membership_status();

create function user_counts_v1_memberships() returns trigger language plpgsql as $$
begin
    if tg_op = 'INSERT' then
        insert into user_counts (scope, list_status, n)
        select 't:' || r.team_id, r.list_status, count(*) from new_rows r
        where r.list_status is not null group by r.team_id, r.list_status;
    elsif tg_op = 'DELETE' then
        insert into user_counts (scope, list_status, n)
        select 't:' || r.team_id, r.list_status, -count(*) from old_rows r
        where r.list_status is not null group by r.team_id, r.list_status;
    else
        insert into user_counts (scope, list_status, n)
        select 't:' || d.team_id, d.list_status, sum(d.n) from (
            select r.team_id, r.list_status, -1 as n from old_rows r
            union all select r.team_id, r.list_status, 1 from new_rows r
        ) d
        where d.list_status is not null
        group by d.team_id, d.list_status
        having sum(d.n) <> 0;
    end if;
    return null;
end $$;

create trigger user_counts_v1_memberships_insert after insert on team_memberships
referencing new table as new_rows for each statement execute function user_counts_v1_memberships();
create trigger user_counts_v1_memberships_delete after delete on team_memberships
referencing old table as old_rows for each statement execute function user_counts_v1_memberships();
create trigger user_counts_v1_memberships_update after update on team_memberships
referencing old table as old_rows new table as new_rows
for each statement execute function user_counts_v1_memberships();
