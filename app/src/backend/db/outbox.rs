//! The email outbox: written in the transaction of the change that causes an email, read by the
//! delivery worker, which leases each message so no two instances send it at once.
//!
//! A message that carries a one-time link (invitation, password reset) is stored with a marker in
//! place of the link's secret, and the secret in a column of its own: the worker puts it back
//! only when it hands the message to SMTP, delivery clears it, and the outbox view shows it only
//! while the link is live and only to an admin who may act for the recipient
//! ([`may_see_link`]).

use super::{By, CONSUMER_ROLE, Millis, Store, StoreResult, Subject, Tx, new_id};
use crate::domain::Role;
pub use crate::domain::outbox::OutboxMessage;
use sqlx::Row as _;

/// Stands in the stored bodies where the secret of the message's link goes.
pub const LINK_MARKER: &str = "[[portico:link-secret]]";
/// What the outbox view shows instead of a link its viewer may not see, or that is dead.
pub const LINK_HIDDEN: &str = "[link hidden]";

/// An email to queue.
#[derive(Debug, Clone)]
pub struct NewEmail {
    pub kind: String,
    pub to_address: String,
    pub subject: String,
    pub html_body: String,
    pub text_body: String,
    pub related_token_id: Option<String>,
    /// The secret that the bodies' link carries (the token in `…?token=`): stored apart from the
    /// bodies, which keep [`LINK_MARKER`] in its place.
    pub link_secret: Option<String>,
}

/// After this many failed attempts a message is marked failed and waits for a manual "Retry".
pub const MAX_ATTEMPTS: i64 = 8;

pub(super) async fn insert_email(
    tx: &mut Tx,
    email: &NewEmail,
    now: Millis,
) -> StoreResult<String> {
    tx.mail_queued();
    let id = new_id();
    let hide = |body: &str| match email.link_secret.as_deref() {
        Some(secret) if !secret.is_empty() => body.replace(secret, LINK_MARKER),
        _ => body.to_owned(),
    };
    sqlx::query(
        "insert into email_outbox (id, kind, to_address, subject, html_body, text_body, status, attempts, \
         next_attempt_at, related_token_id, link_secret, created_at) \
         values ($1, $2, $3, $4, $5, $6, 'queued', 0, $7, $8, $9, $7)",
    )
    .bind(&id)
    .bind(&email.kind)
    .bind(&email.to_address)
    .bind(hide(&email.subject))
    .bind(hide(&email.html_body))
    .bind(hide(&email.text_body))
    .bind(now)
    .bind(email.related_token_id.as_deref())
    .bind(email.link_secret.as_deref())
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// How long one notice of a kind to the admins stands for every event of that kind after it.
pub const ADMIN_NOTICE_WINDOW_MS: Millis = 15 * 60 * 1000;

/// Queues `email` to every active admin, unless a notice of the same kind went to them within
/// the last `ADMIN_NOTICE_WINDOW_MS`: then the earlier one stands for this event too (its page,
/// Approvals or the user's page, lists them all), so a flood of registrations or invitation
/// requests sends the admins one email a window, not one each. Answers whether it queued.
pub(super) async fn queue_to_admins(
    tx: &mut Tx,
    email: &NewEmail,
    now: Millis,
) -> StoreResult<bool> {
    let recent: i64 =
        sqlx::query("select count(*) as n from email_outbox where kind = $1 and created_at > $2")
            .bind(&email.kind)
            .bind(now - ADMIN_NOTICE_WINDOW_MS)
            .fetch_one(&mut **tx)
            .await?
            .try_get("n")?;
    if recent > 0 {
        return Ok(false);
    }
    let admins = sqlx::query(&format!(
        "select u.email from users u where {} and u.status = 'active' order by u.email",
        super::ADMIN_ROLE
    ))
    .fetch_all(&mut **tx)
    .await?;
    for admin in admins {
        let to: String = admin.try_get("email")?;
        let email = NewEmail {
            to_address: to,
            ..email.clone()
        };
        insert_email(tx, &email, now).await?;
    }
    Ok(true)
}

/// Whether `viewer` may see the live link in a message to `recipient` (`None`: no account has
/// that address). Links to consumers are what the outbox without SMTP exists for; an admin's own
/// links are theirs; a super admin may act for a provider admin. Nobody sees the link of an
/// admin of their own rank or higher, so no provider admin reads a way into a super admin's
/// account, and no admin into another's.
pub fn may_see_link(viewer: (&str, Role), recipient: Option<(&str, Role)>) -> bool {
    match recipient {
        None => true,
        Some((id, _)) if id == viewer.0 => true,
        Some((_, role)) if !role.is_admin() => true,
        Some((_, Role::ProviderAdmin)) => viewer.1 == Role::SuperAdmin,
        Some(_) => false,
    }
}

/// Whether `viewer` sees a message to `recipient` at all: a provider admin never sees another
/// admin's mail; a super admin sees every message (with the links it may not see hidden).
fn may_see_message(viewer: (&str, Role), recipient: Option<(&str, Role)>) -> bool {
    match recipient {
        Some((id, role)) if role.is_admin() && id != viewer.0 => viewer.1 == Role::SuperAdmin,
        _ => true,
    }
}

/// `text` with the marker replaced by the secret, or by [`LINK_HIDDEN`].
fn reveal(text: String, secret: Option<&str>) -> String {
    if text.contains(LINK_MARKER) {
        text.replace(LINK_MARKER, secret.unwrap_or(LINK_HIDDEN))
    } else {
        text
    }
}

const COLUMNS: &str = "o.id, o.kind, o.to_address, o.subject, o.html_body, o.text_body, o.status, o.attempts, \
     o.last_error, o.created_at, o.sent_at, o.next_attempt_at, o.link_secret";

/// A stored message with its link's secret put back when `secret` says so.
fn message(row: &sqlx::any::AnyRow, secret: Option<&str>) -> StoreResult<OutboxMessage> {
    Ok(OutboxMessage {
        id: row.try_get("id")?,
        kind: row.try_get("kind")?,
        to_address: row.try_get("to_address")?,
        subject: reveal(row.try_get("subject")?, secret),
        html_body: reveal(row.try_get("html_body")?, secret),
        text_body: reveal(row.try_get("text_body")?, secret),
        status: row.try_get("status")?,
        attempts: row.try_get("attempts")?,
        last_error: row.try_get("last_error")?,
        created_at: row.try_get("created_at")?,
        sent_at: row.try_get("sent_at")?,
        next_attempt_at: row.try_get("next_attempt_at")?,
    })
}

/// A message leased to one worker: what it hands to SMTP (its link's secret put back) and the
/// lease that entitles it to.
#[derive(Debug, Clone)]
pub struct Leased {
    pub message: OutboxMessage,
    pub lease_id: String,
}

impl Store {
    /// Leases up to `limit` due messages until `lease_until`. A message is due when queued and its
    /// time has come, or when another worker's lease on it ran out. Each lease is taken with a
    /// conditional update under a fresh lease id, so of two workers racing for a message only one
    /// gets it, and a worker whose lease ran out can tell (`renew_lease`).
    pub async fn claim_due_emails(
        &self,
        now: Millis,
        lease_until: Millis,
        limit: i64,
    ) -> StoreResult<Vec<Leased>> {
        let candidates = sqlx::query(
            "select id from email_outbox where (status = 'queued' and next_attempt_at <= $1) \
             or (status = 'sending' and locked_until < $1) order by next_attempt_at, id limit $2",
        )
        .bind(now)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        let mut claimed = Vec::new();
        for row in candidates {
            let id: String = row.try_get("id")?;
            let lease_id = new_id();
            let taken = sqlx::query(
                "update email_outbox set status = 'sending', locked_until = $1, lease_id = $2, \
                 attempts = attempts + 1 where id = $3 and ((status = 'queued' and next_attempt_at <= $4) \
                 or (status = 'sending' and locked_until < $4))",
            )
            .bind(lease_until)
            .bind(&lease_id)
            .bind(&id)
            .bind(now)
            .execute(&self.pool)
            .await?
            .rows_affected();
            if taken == 1
                && let Some(row) = sqlx::query(&format!(
                    "select {COLUMNS} from email_outbox o where o.id = $1 and o.lease_id = $2"
                ))
                .bind(&id)
                .bind(&lease_id)
                .fetch_optional(&self.pool)
                .await?
            {
                let secret: Option<String> = row.try_get("link_secret")?;
                claimed.push(Leased {
                    message: message(&row, Some(secret.as_deref().unwrap_or(LINK_HIDDEN)))?,
                    lease_id,
                });
            }
        }
        Ok(claimed)
    }

    /// Extends the worker's lease on a message to `until`, right before it goes to SMTP; false
    /// when the lease is no longer this worker's (it ran out and another worker took the
    /// message, or it was delivered): then the worker must not send it.
    pub async fn renew_lease(
        &self,
        id: &str,
        lease_id: &str,
        now: Millis,
        until: Millis,
    ) -> StoreResult<bool> {
        Ok(sqlx::query(
            "update email_outbox set locked_until = $1 where id = $2 and lease_id = $3 \
             and status = 'sending' and locked_until >= $4",
        )
        .bind(until)
        .bind(id)
        .bind(lease_id)
        .bind(now)
        .execute(&self.pool)
        .await?
        .rows_affected()
            == 1)
    }

    /// Records that the SMTP server accepted the message, and forgets its link's secret.
    pub async fn mark_email_sent(&self, id: &str, now: Millis) -> StoreResult<()> {
        sqlx::query(
            "update email_outbox set status = 'sent', sent_at = $1, locked_until = null, lease_id = null, \
             last_error = null, link_secret = null where id = $2 and status = 'sending'",
        )
        .bind(now)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records a failed attempt under the worker's lease: back to the queue at `retry_at`, or
    /// failed for good after `MAX_ATTEMPTS`.
    pub async fn mark_email_failed(
        &self,
        id: &str,
        lease_id: &str,
        error: &str,
        retry_at: Millis,
    ) -> StoreResult<()> {
        sqlx::query(
            "update email_outbox set status = case when attempts >= $1 then 'failed' else 'queued' end, \
             next_attempt_at = $2, locked_until = null, lease_id = null, last_error = $3 \
             where id = $4 and lease_id = $5 and status = 'sending'",
        )
        .bind(MAX_ATTEMPTS)
        .bind(retry_at)
        .bind(error)
        .bind(id)
        .bind(lease_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Puts a failed (or waiting) message back in the queue at once; the admin's "Retry". Only
    /// for messages the admin may see.
    pub async fn retry_email(
        &self,
        id: &str,
        viewer: (&str, Role),
        now: Millis,
    ) -> StoreResult<bool> {
        let recipient = sqlx::query(
            "select u.id as recipient_id, u.role as recipient_role from email_outbox o \
             left join users u on lower(u.email) = lower(o.to_address) where o.id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(super::StoreError::NotFound)?;
        if !may_see_message(
            viewer,
            recipient_of(&recipient)?
                .as_ref()
                .map(|(i, r)| (i.as_str(), *r)),
        ) {
            return Err(super::StoreError::NotFound);
        }
        let queued = sqlx::query(
            "update email_outbox set status = 'queued', next_attempt_at = $1, attempts = 0 \
             where id = $2 and status in ('failed', 'queued')",
        )
        .bind(now)
        .bind(id)
        .execute(&self.pool)
        .await?
        .rows_affected()
            == 1;
        if queued {
            self.mail_wakeup.notify_one();
        }
        Ok(queued)
    }

    /// The newest messages first, for Settings > Email > Outbox, as `viewer` may see them: a
    /// provider admin sees no other admin's mail, and a link shows only while it is live,
    /// undelivered, and addressed to someone the viewer may act for ([`may_see_link`]).
    pub async fn list_outbox(
        &self,
        viewer: (&str, Role),
        now: Millis,
        limit: i64,
    ) -> StoreResult<Vec<OutboxMessage>> {
        Ok(self
            .outbox_page(viewer, now, None, limit)
            .await?
            .into_iter()
            .filter_map(|(message, _)| message)
            .collect())
    }

    /// A keyset page of the outbox, newest first, older than `after` (the `(created_at, id)` of
    /// the previous page's last row): each row with its sort keys, and `None` in place of a
    /// message `viewer` may not see (so a page may show fewer, but the walk skips nothing).
    pub async fn outbox_page(
        &self,
        viewer: (&str, Role),
        now: Millis,
        after: Option<(Millis, &str)>,
        limit: i64,
    ) -> StoreResult<Vec<(Option<OutboxMessage>, Vec<String>)>> {
        let older = if after.is_some() {
            "and (o.created_at < $5 or (o.created_at = $5 and o.id < $6))"
        } else {
            "and $5 = 0 and $6 = ''"
        };
        let (at, id) = after.unwrap_or((0, ""));
        let rows = sqlx::query(&format!(
            "select {COLUMNS}, u.id as recipient_id, u.role as recipient_role, \
             case when t.id is not null and t.used_at is null and t.revoked_at is null and t.expires_at > $1 \
             then 1 when o.kind = '{confirm}' and u.email_confirmed = 0 and u.email_confirm_expires_at > $1 \
             then 1 else 0 end as link_live \
             from email_outbox o left join users u on lower(u.email) = lower(o.to_address) \
             left join one_time_tokens t on t.id = o.related_token_id \
             where ($2 = 'super-admin' or u.id is null or u.id = $3 \
             or {CONSUMER_ROLE}) {older} \
             order by o.created_at desc, o.id desc limit $4",
            confirm = super::registrations::CONFIRMATION_KIND
        ))
        .bind(now)
        .bind(viewer.1.as_str())
        .bind(viewer.0)
        .bind(limit)
        .bind(at)
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let mut list = Vec::with_capacity(rows.len());
        for row in &rows {
            let keys = vec![
                row.try_get::<i64, _>("created_at")?.to_string(),
                row.try_get::<String, _>("id")?,
            ];
            let recipient = recipient_of(row)?;
            let recipient = recipient.as_ref().map(|(i, r)| (i.as_str(), *r));
            if !may_see_message(viewer, recipient) {
                list.push((None, keys));
                continue;
            }
            let secret: Option<String> = row.try_get("link_secret")?;
            let live = row.try_get::<i64, _>("link_live")? == 1;
            let shown = secret.filter(|_| live && may_see_link(viewer, recipient));
            list.push((Some(message(row, shown.as_deref())?), keys));
        }
        Ok(list)
    }

    /// Deletes delivered messages older than `sent_before` (the retention period), and forgets
    /// the secrets of links that can no longer be used (used, revoked or expired).
    pub async fn prune_outbox(&self, sent_before: Millis, now: Millis) -> StoreResult<u64> {
        let deleted =
            sqlx::query("delete from email_outbox where status = 'sent' and sent_at < $1")
                .bind(sent_before)
                .execute(&self.pool)
                .await?
                .rows_affected();
        sqlx::query(
            "update email_outbox set link_secret = null where link_secret is not null and ((kind <> $2 \
             and not exists (select 1 from one_time_tokens t where t.id = email_outbox.related_token_id \
             and t.used_at is null and t.revoked_at is null and t.expires_at > $1)) \
             or (kind = $2 and not exists (select 1 from users c where lower(c.email) = lower(email_outbox.to_address) \
             and c.email_confirmed = 0 and c.email_confirm_expires_at > $1)))",
        )
        .bind(now)
        .bind(super::registrations::CONFIRMATION_KIND)
        .execute(&self.pool)
        .await?;
        Ok(deleted)
    }
}

/// The account a message goes to, from the `recipient_id` and `recipient_role` columns of a
/// left join on the recipient's address.
fn recipient_of(row: &sqlx::any::AnyRow) -> StoreResult<Option<(String, Role)>> {
    let id: Option<String> = row.try_get("recipient_id")?;
    let role: Option<String> = row.try_get("recipient_role")?;
    Ok(match (id, role.as_deref().and_then(Role::parse)) {
        (Some(id), Some(role)) => Some((id, role)),
        _ => None,
    })
}

impl Store {
    /// Queues a notice to every active admin (at most one of its kind a window, see
    /// `queue_to_admins`) and notes the event on `user_id`'s audit trail.
    pub async fn notify_admins(
        &self,
        user_id: &str,
        action: &str,
        email: &NewEmail,
        now: Millis,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let sent = super::outbox::queue_to_admins(&mut tx, email, now).await?;
        let detail = if sent {
            "admins emailed"
        } else {
            "admins already emailed in this window"
        };
        tx.audit(By::system(now), action, Subject::User(user_id), detail)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Queues one email on its own (a notice that needs no other change).
    pub async fn queue_email(&self, email: &NewEmail, now: Millis) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        insert_email(&mut tx, email, now).await?;
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_show_only_to_admins_who_may_act_for_the_recipient() {
        let superadmin = ("s", Role::SuperAdmin);
        let provider = ("p", Role::ProviderAdmin);
        let consumer = Some(("c", Role::ConsumerTeamMember));
        for viewer in [superadmin, provider] {
            assert!(may_see_link(viewer, consumer));
            assert!(may_see_link(viewer, None));
            assert!(may_see_link(viewer, Some((viewer.0, viewer.1))));
            assert!(!may_see_link(viewer, Some(("s2", Role::SuperAdmin))));
        }
        assert!(may_see_link(superadmin, Some(("p2", Role::ProviderAdmin))));
        assert!(!may_see_link(provider, Some(("p2", Role::ProviderAdmin))));
        assert!(!may_see_message(provider, Some(("s", Role::SuperAdmin))));
        assert!(!may_see_message(
            provider,
            Some(("p2", Role::ProviderAdmin))
        ));
        assert!(may_see_message(
            superadmin,
            Some(("p2", Role::ProviderAdmin))
        ));
    }

    #[test]
    fn the_marker_is_replaced_by_the_secret_or_hidden() {
        let body = format!("go to https://x/invite?token={LINK_MARKER} now");
        assert_eq!(
            reveal(body.clone(), Some("abc")),
            "go to https://x/invite?token=abc now"
        );
        assert_eq!(
            reveal(body, None),
            format!("go to https://x/invite?token={LINK_HIDDEN} now")
        );
    }
}
