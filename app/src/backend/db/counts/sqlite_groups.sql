-- How many organizations and teams there are, kept in `user_counts` under the scopes
-- 'organizations' and 'teams' (status ''), for the admin home page. Version 1.
create trigger group_counts_v1_organizations_insert after insert on organizations
begin
    insert into user_counts (scope, list_status, n) values ('organizations', '', 1);
end;

create trigger group_counts_v1_organizations_delete after delete on organizations
begin
    insert into user_counts (scope, list_status, n) values ('organizations', '', -1);
end;

create trigger group_counts_v1_teams_insert after insert on teams
begin
    insert into user_counts (scope, list_status, n) values ('teams', '', 1);
end;

create trigger group_counts_v1_teams_delete after delete on teams
begin
    insert into user_counts (scope, list_status, n) values ('teams', '', -1);
end;
