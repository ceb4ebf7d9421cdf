-- The users table's search at a million consumers. A search matching many users spent most of its
-- time in the capped count, which read the table row of every match for its role: the name key
-- indexes now carry the role, so the count never leaves them (SQLite, a full-name prefix matching
-- 10,000 users: count 1.40 -> 0.24 ms, measured on a copy of the benchmark database). The search
-- no longer compares the first name alone: a name that starts with it starts "first last" too.
--
-- Collation "binary": the search is a byte range (`key >= 'gra' and key < 'gra' || U+10FFFF`),
-- which only means "starts with" under a bytewise collation. SQLite's BINARY is its default; on
-- Postgres the store creates a collation of that name from "C" before migrating
-- (Dialect::before_migrations), so a database created with a linguistic collation (en_US, ICU)
-- still finds exactly the names that start with what was typed, on an index. The email keeps its
-- unique index on lower(email) for uniqueness; Postgres uses an index for the email range only in
-- the range's own collation, hence users_search_email.
drop index users_first_name_lower;
drop index users_last_name_lower;
drop index users_full_name_lower;
create index users_search_email on users ((lower(email) collate "binary"), role);
create index users_search_last_name on users ((lower(last_name) collate "binary"), role);
create index users_search_full_name on users ((lower(first_name || ' ' || last_name) collate "binary"), role);
