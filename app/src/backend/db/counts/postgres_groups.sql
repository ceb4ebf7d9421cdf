-- How many organizations and teams there are, kept in `user_counts` under the scopes
-- 'organizations' and 'teams' (status ''), for the admin home page; once per statement, from its
-- transition tables. Version 1.
create function group_counts_v1() returns trigger language plpgsql as $$
begin
    if tg_op = 'INSERT' then
        insert into user_counts (scope, list_status, n)
        select tg_argv[0], '', count(*) from new_rows having count(*) > 0;
    else
        insert into user_counts (scope, list_status, n)
        select tg_argv[0], '', -count(*) from old_rows having count(*) > 0;
    end if;
    return null;
end $$;

create trigger group_counts_v1_organizations_insert after insert on organizations
referencing new table as new_rows for each statement execute function group_counts_v1('organizations');
create trigger group_counts_v1_organizations_delete after delete on organizations
referencing old table as old_rows for each statement execute function group_counts_v1('organizations');
create trigger group_counts_v1_teams_insert after insert on teams
referencing new table as new_rows for each statement execute function group_counts_v1('teams');
create trigger group_counts_v1_teams_delete after delete on teams
referencing old table as old_rows for each statement execute function group_counts_v1('teams');
