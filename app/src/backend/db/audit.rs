//! The audit log: who changed what, and when. Every audited write takes a [`By`] (the actor and
//! the time) and names its [`Subject`]; [`Tx::audit`] writes the entry in the change's own
//! transaction, so a change and its entry commit together or not at all.

use super::{Millis, StoreResult, Tx, new_id};
use crate::domain::audit::{AuditEntry, AuditFilter};
use sqlx::Row as _;

/// Who makes a change, and when. `actor` is `None` for what the system does by itself (the
/// first admin's creation, a sign-in attempt by someone unknown) and for a person acting on
/// their own account before they have one (a registration).
#[derive(Debug, Clone, Copy)]
pub struct By<'a> {
    pub actor: Option<&'a str>,
    pub now: Millis,
    /// The API token's name when the change came through the REST API.
    pub via: Option<&'a str>,
}

impl<'a> By<'a> {
    /// A change made by the signed-in user `actor_id`.
    pub fn user(actor_id: &'a str, now: Millis) -> Self {
        Self {
            actor: Some(actor_id),
            now,
            via: None,
        }
    }

    /// A change made by the admin `actor_id` through the REST API with the token named `token`.
    pub fn token(actor_id: &'a str, token: &'a str, now: Millis) -> Self {
        Self {
            actor: Some(actor_id),
            now,
            via: Some(token),
        }
    }

    /// A change with no one signed in behind it.
    pub fn system(now: Millis) -> Self {
        Self {
            actor: None,
            now,
            via: None,
        }
    }
}

/// What an audit entry is about: the kind of thing and its id.
#[derive(Debug, Clone, Copy)]
pub enum Subject<'a> {
    User(&'a str),
    /// A sign-in attempt with an address that is no account's.
    UnknownLogin,
    Organization(&'a str),
    Team(&'a str),
    InviteCode(&'a str),
    /// An email template, by its kind.
    EmailTemplate(&'a str),
    /// A setting, by its key.
    Setting(&'a str),
    Product(&'a str),
    Plan(&'a str),
    Catalog(&'a str),
    App(&'a str),
    AccessRequest(&'a str),
    GatewayToken(&'a str),
    ApiToken(&'a str),
}

impl Subject<'_> {
    /// The stored `subject_type` and `subject_id`.
    fn parts(&self) -> (&'static str, Option<&str>) {
        match *self {
            Self::User(id) => ("user", Some(id)),
            Self::UnknownLogin => ("login", None),
            Self::Organization(id) => ("organization", Some(id)),
            Self::Team(id) => ("team", Some(id)),
            Self::InviteCode(id) => ("invite_code", Some(id)),
            Self::EmailTemplate(kind) => ("email_template", Some(kind)),
            Self::Setting(key) => ("setting", Some(key)),
            Self::Product(id) => ("api_product", Some(id)),
            Self::Plan(id) => ("plan", Some(id)),
            Self::Catalog(id) => ("catalog", Some(id)),
            Self::App(id) => ("app", Some(id)),
            Self::AccessRequest(id) => ("access_request", Some(id)),
            Self::GatewayToken(id) => ("gateway_token", Some(id)),
            Self::ApiToken(id) => ("api_token", Some(id)),
        }
    }
}

impl Tx {
    /// Appends an entry to the audit log in this transaction.
    pub async fn audit(
        &mut self,
        by: By<'_>,
        action: &str,
        subject: Subject<'_>,
        detail: &str,
    ) -> StoreResult<()> {
        let (subject_type, subject_id) = subject.parts();
        sqlx::query(
            "insert into audit_log (id, at, actor_id, action, subject_type, subject_id, detail, via) \
             values ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(new_id())
        .bind(by.now)
        .bind(by.actor)
        .bind(action)
        .bind(subject_type)
        .bind(subject_id)
        .bind(detail)
        .bind(by.via)
        .execute(&mut **self)
        .await?;
        Ok(())
    }
}

impl super::Store {
    /// Up to `limit` entries matching `filter`, newest first, older than `after` (the `(at, id)`
    /// of the last entry of the previous page).
    pub async fn audit_entries(
        &self,
        filter: &AuditFilter,
        after: Option<(Millis, &str)>,
        limit: i64,
    ) -> StoreResult<Vec<AuditEntry>> {
        let older = if after.is_some() {
            "and (a.at < $4 or (a.at = $4 and a.id < $5))"
        } else {
            "and $4 = 0 and $5 = ''"
        };
        let (at, id) = after.unwrap_or((0, ""));
        sqlx::query(&format!(
            "select a.id, a.at, a.actor_id, actor.email as actor_email, a.via, a.action, \
             a.subject_type, a.subject_id, a.detail from audit_log a \
             left join users actor on actor.id = a.actor_id \
             where ($1 = '' or a.subject_type = $1) and ($2 = '' or a.subject_id = $2) \
             and ($3 = '' or a.actor_id = $3) {older} \
             order by a.at desc, a.id desc limit $6"
        ))
        .bind(filter.subject_type.trim())
        .bind(filter.subject_id.trim())
        .bind(filter.actor_id.trim())
        .bind(at)
        .bind(id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(AuditEntry {
                id: r.try_get("id")?,
                at: r.try_get("at")?,
                actor_id: r.try_get("actor_id")?,
                actor_email: r.try_get("actor_email")?,
                via: r.try_get("via")?,
                action: r.try_get("action")?,
                subject_type: r.try_get("subject_type")?,
                subject_id: r.try_get("subject_id")?,
                detail: r.try_get("detail")?,
            })
        })
        .collect()
    }
}
