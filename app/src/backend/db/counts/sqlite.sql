-- The user counts' triggers on SQLite (row by row; see migration 0009). Version 1.
create trigger user_counts_v1_users_insert after insert on users
when new.role in ('consumer-admin', 'consumer-team-member')
begin
    insert into user_counts (scope, list_status, n)
    values ('', new.list_status, 1), ('o:' || new.organization_id, new.list_status, 1);
end;

create trigger user_counts_v1_users_delete after delete on users
when old.role in ('consumer-admin', 'consumer-team-member')
begin
    insert into user_counts (scope, list_status, n)
    values ('', old.list_status, -1), ('o:' || old.organization_id, old.list_status, -1);
end;

create trigger user_counts_v1_users_update after update of list_status, organization_id, role on users
when old.list_status is not new.list_status or old.organization_id is not new.organization_id
    or old.role is not new.role
begin
    insert into user_counts (scope, list_status, n)
    select '', old.list_status, -1 where old.role in ('consumer-admin', 'consumer-team-member')
    union all select 'o:' || old.organization_id, old.list_status, -1
        where old.role in ('consumer-admin', 'consumer-team-member')
    union all select '', new.list_status, 1 where new.role in ('consumer-admin', 'consumer-team-member')
    union all select 'o:' || new.organization_id, new.list_status, 1
        where new.role in ('consumer-admin', 'consumer-team-member');
    update team_memberships set list_status = new.list_status
    where user_id = new.id and list_status is not new.list_status;
end;

-- A new membership takes its user's status; the update below counts it.
create trigger user_counts_v1_memberships_insert after insert on team_memberships
begin
    update team_memberships set list_status = (select u.list_status from users u where u.id = new.user_id)
    where user_id = new.user_id and team_id = new.team_id;
end;

create trigger user_counts_v1_memberships_update after update of list_status, team_id on team_memberships
when old.list_status is not new.list_status or old.team_id is not new.team_id
begin
    insert into user_counts (scope, list_status, n)
    select 't:' || old.team_id, old.list_status, -1 where old.list_status is not null
    union all select 't:' || new.team_id, new.list_status, 1 where new.list_status is not null;
end;

create trigger user_counts_v1_memberships_delete after delete on team_memberships
when old.list_status is not null
begin
    insert into user_counts (scope, list_status, n) values ('t:' || old.team_id, old.list_status, -1);
end;
