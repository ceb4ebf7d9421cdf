-- The users table's exact total without filters is every user less the admins: SQLite counts a
-- whole table from its smallest index (1M users: ~13 ms) but a count with the consumer roles
-- tests each entry (~70 ms). This partial index holds the admins alone, so counting them is free.
create index users_admins on users (role) where role in ('super-admin', 'provider-admin');
