-- Security hardening (issue 12).

-- The secret of the one-time link an email carries is kept here, not in its bodies: the bodies
-- hold a marker in its place, the worker puts the secret back only when it hands the message to
-- SMTP, and the column is cleared once the message is delivered. The outbox view shows the link
-- only while it is live and only to an admin who may act for its recipient.
alter table email_outbox add column link_secret text;
-- The lease a worker took on a message it is sending: it sends only while this is still its own
-- (a conditional update right before SMTP), so two instances never send one message twice.
alter table email_outbox add column lease_id text;
create index email_outbox_sent on email_outbox (sent_at) where status = 'sent';
-- Notices to the admins are coalesced: one of a kind per window (see `queue_to_admins`).
create index email_outbox_kind on email_outbox (kind, created_at);

-- Delivered messages written before this migration kept their live links in their bodies.
update email_outbox set
  text_body = '(Removed: this email carried a one-time link.)',
  html_body = '<p>(Removed: this email carried a one-time link.)</p>'
  where status = 'sent' and related_token_id is not null;

-- Sessions end after a time without use (an idle timeout) besides their absolute lifetime.
create index sessions_last_seen on sessions (last_seen_at);

-- A browser that signed in to an account before keeps a device token: the per-account lock that
-- stops password guessing does not shut it out (OWASP's device cookies). Only the SHA-256 of the
-- token is stored.
create table device_tokens (
    token_hash text primary key,
    user_id text not null references users (id) on delete cascade,
    created_at bigint not null,
    expires_at bigint not null
);
create index device_tokens_user on device_tokens (user_id);

-- A self-registered account proves it owns its address before it can be used: the link mailed
-- to it confirms it. Accounts from before (and those made by admins) count as confirmed. Only
-- the SHA-256 of the link's token is stored; a new registration of a still unconfirmed address
-- replaces it.
alter table users add column email_confirmed integer not null default 1 check (email_confirmed in (0, 1));
alter table users add column email_confirm_hash text;
alter table users add column email_confirm_expires_at bigint;
create unique index users_email_confirm on users (email_confirm_hash) where email_confirm_hash is not null;
