-- The audit log read newest first (GET /api/v1/audit-log): a walk down this index, page by page,
-- instead of a sort of the whole log; and by actor, for "what did this admin (or token) do".
create index audit_log_at on audit_log (at, id);
create index audit_log_actor on audit_log (actor_id, at, id);

-- The outbox read newest first, page by page (GET /api/v1/outbox).
create index email_outbox_created on email_outbox (created_at, id);
