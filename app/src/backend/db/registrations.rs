//! Self-registration in the store: an account made unconfirmed (in an invite code's team or the
//! default one), its address confirmed by the mailed link, and an admin's approval.

use super::outbox::{NewEmail, insert_email, queue_to_admins};
use super::users::{Person, commit_user_change, person_of};
use super::{
    By, CONSUMER_ROLE, DEFAULT_ORGANIZATION_ID, Millis, Store, StoreError, StoreResult, Tx, new_id,
};
use crate::domain::account::Registrant;
use sqlx::Row as _;

/// A registration that passed validation; the password is already hashed.
pub struct NewRegistration<'a> {
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub email: &'a str,
    pub password_hash: &'a str,
    /// Approved at once (auto-approval); a valid invite code approves regardless.
    pub approved: bool,
    pub invite_code: Option<&'a str>,
    /// The SHA-256 of the link that confirms the address, and when it stops working.
    pub confirm_hash: &'a str,
    pub confirm_expires_at: Millis,
}

/// What confirming an address did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirmed {
    pub user_id: String,
    /// Usable at once (auto-approval or an invite code); otherwise it now awaits an admin.
    pub approved: bool,
}

/// The emails an address confirmation queues, composed by the caller for each outcome.
pub struct RegistrationEmails {
    /// To the registrant when the account is usable at once.
    pub welcome: NewEmail,
    /// To the registrant when the account awaits approval.
    pub received: NewEmail,
    /// To every active admin when the account awaits approval (`to_address` is filled in), at
    /// most one a window (`queue_to_admins`).
    pub to_admins: NewEmail,
}

/// What became of a registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Registered {
    Created {
        user_id: String,
        approved: bool,
    },
    /// The email belongs to an account already; nothing was written.
    EmailTaken,
    /// The invite code cannot be used; nothing was written.
    CodeRefused(CodeRefusal),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeRefusal {
    Unknown,
    Inactive,
    Expired,
    UsedUp,
}

/// The kind of the email that carries a confirmation link.
pub const CONFIRMATION_KIND: &str = "email_confirmation";

/// Forgets the secrets of confirmation links mailed to `email` (used or replaced).
async fn forget_confirmation_links(tx: &mut Tx, email: &str) -> StoreResult<()> {
    sqlx::query(
        "update email_outbox set link_secret = null where kind = $1 and lower(to_address) = lower($2)",
    )
    .bind(CONFIRMATION_KIND)
    .bind(email)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Store {
    /// Creates the registrant's account, in an invite code's team (counting it against the quota)
    /// or in the default organization's default team, unconfirmed, with the email that carries
    /// its confirmation link, in one transaction. Nothing else happens until the link is used.
    pub async fn register(
        &self,
        reg: &NewRegistration<'_>,
        confirmation: &NewEmail,
        now: Millis,
    ) -> StoreResult<Registered> {
        let mut tx = self.begin_write().await?;
        let (organization_id, team_id, approved) = match reg.invite_code {
            Some(code) => match take_invite_code(&mut tx, code, now).await? {
                Ok((organization_id, team_id)) => (organization_id, team_id, true),
                Err(refusal) => return Ok(Registered::CodeRefused(refusal)),
            },
            None => {
                let team: String = sqlx::query(
                    "select id from teams where organization_id = $1 and is_default = 1",
                )
                .bind(DEFAULT_ORGANIZATION_ID)
                .fetch_one(&mut *tx)
                .await?
                .try_get("id")?;
                (DEFAULT_ORGANIZATION_ID.to_owned(), team, reg.approved)
            }
        };
        let id = new_id();
        let inserted = sqlx::query(
            "insert into users (id, email, first_name, last_name, role, organization_id, status, approval, \
             password_hash, must_change_password, email_confirmed, email_confirm_hash, \
             email_confirm_expires_at, created_at, updated_at) \
             values ($1, $2, $3, $4, 'consumer-team-member', $5, 'active', $6, $7, 0, 0, $8, $9, $10, $10)",
        )
        .bind(&id)
        .bind(reg.email)
        .bind(reg.first_name)
        .bind(reg.last_name)
        .bind(&organization_id)
        .bind(if approved { "approved" } else { "pending" })
        .bind(reg.password_hash)
        .bind(reg.confirm_hash)
        .bind(reg.confirm_expires_at)
        .bind(now)
        .execute(&mut *tx)
        .await;
        match inserted.map_err(StoreError::from) {
            Ok(_) => {}
            Err(StoreError::Unique { .. }) => return Ok(Registered::EmailTaken),
            Err(e) => return Err(e),
        }
        sqlx::query(
            "insert into team_memberships (user_id, team_id, organization_id, created_at) values ($1, $2, $3, $4)",
        )
        .bind(&id)
        .bind(&team_id)
        .bind(&organization_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        insert_email(&mut tx, confirmation, now).await?;
        let detail = match (reg.invite_code.is_some(), approved) {
            (true, _) => "with an invite code; email to confirm",
            (false, true) => "approved automatically; email to confirm",
            (false, false) => "awaiting approval; email to confirm",
        };
        commit_user_change(tx, By::user(&id, now), "user.registered", &id, detail).await?;
        Ok(Registered::Created {
            user_id: id,
            approved,
        })
    }

    /// A new registration of an address whose account never confirmed it: the account takes the
    /// new names and password and a new confirmation link (the old one stops working), and the
    /// link is mailed. Whoever confirms must know the newest password, so an earlier squatter
    /// of the address gains nothing. Answers false, writing nothing, when no unconfirmed
    /// account has this address.
    pub async fn renew_registration(
        &self,
        reg: &NewRegistration<'_>,
        confirmation: &NewEmail,
        now: Millis,
    ) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let Some(row) = sqlx::query(&format!(
            "select u.id from users u where lower(u.email) = lower($1) and u.email_confirmed = 0{}",
            self.dialect.lock_row()
        ))
        .bind(reg.email)
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(false);
        };
        let user_id: String = row.try_get("id")?;
        sqlx::query(
            "update users set first_name = $1, last_name = $2, password_hash = $3, email_confirm_hash = $4, \
             email_confirm_expires_at = $5, updated_at = $6 where id = $7",
        )
        .bind(reg.first_name)
        .bind(reg.last_name)
        .bind(reg.password_hash)
        .bind(reg.confirm_hash)
        .bind(reg.confirm_expires_at)
        .bind(now)
        .bind(&user_id)
        .execute(&mut *tx)
        .await?;
        forget_confirmation_links(&mut tx, reg.email).await?;
        insert_email(&mut tx, confirmation, now).await?;
        let by = By::user(&user_id, now);
        commit_user_change(
            tx,
            by,
            "user.registered_again",
            &user_id,
            "email to confirm",
        )
        .await?;
        Ok(true)
    }

    /// The account a live confirmation link belongs to: its id, email and password hash.
    pub async fn confirmation_owner(
        &self,
        confirm_hash: &str,
        now: Millis,
    ) -> StoreResult<Option<(String, String, Option<String>)>> {
        let row = sqlx::query(
            "select id, email, password_hash from users where email_confirm_hash = $1 \
             and email_confirm_expires_at > $2 and email_confirmed = 0",
        )
        .bind(confirm_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok((
                r.try_get("id")?,
                r.try_get("email")?,
                r.try_get("password_hash")?,
            ))
        })
        .transpose()
    }

    /// Uses a confirmation link (of concurrent uses exactly one gets through; `NotFound` for a
    /// dead link) and queues what follows: the welcome email when the account is approved, or
    /// "registration received" and a notice to the admins when it now awaits approval.
    pub async fn confirm_email(
        &self,
        confirm_hash: &str,
        emails: RegistrationEmails,
        now: Millis,
    ) -> StoreResult<Confirmed> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "select id, email, approval from users where email_confirm_hash = $1 \
             and email_confirm_expires_at > $2 and email_confirmed = 0",
        )
        .bind(confirm_hash)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        let user_id: String = row.try_get("id")?;
        let email: String = row.try_get("email")?;
        let approved = row.try_get::<String, _>("approval")? == "approved";
        let confirmed = sqlx::query(
            "update users set email_confirmed = 1, email_confirm_hash = null, email_confirm_expires_at = null, \
             updated_at = $1 where id = $2 and email_confirmed = 0 and email_confirm_hash = $3",
        )
        .bind(now)
        .bind(&user_id)
        .bind(confirm_hash)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if confirmed != 1 {
            return Err(StoreError::NotFound);
        }
        forget_confirmation_links(&mut tx, &email).await?;
        if approved {
            insert_email(&mut tx, &emails.welcome, now).await?;
        } else {
            insert_email(&mut tx, &emails.received, now).await?;
            queue_to_admins(&mut tx, &emails.to_admins, now).await?;
        }
        commit_user_change(tx, By::user(&user_id, now), "email.confirmed", &user_id, "").await?;
        Ok(Confirmed { user_id, approved })
    }

    /// Registrants waiting for a decision and those declined, oldest first.
    pub async fn registrants(&self) -> StoreResult<Vec<Registrant>> {
        Ok(self
            .registrant_page(None, 500)
            .await?
            .into_iter()
            .map(|(row, _)| row)
            .collect())
    }

    /// A keyset page of the registrants (waiting first, then declined, each oldest first) after
    /// the row whose sort keys are `after`; each row with its own sort keys.
    pub async fn registrant_page(
        &self,
        after: Option<&[String]>,
        limit: i64,
    ) -> StoreResult<Vec<(Registrant, Vec<String>)>> {
        let (later, keys) = match after {
            Some([approval, at, id]) => (
                "and (u.approval, u.created_at, u.id) > ($1, $2, $3)",
                (
                    approval.as_str(),
                    at.parse::<i64>().unwrap_or(0),
                    id.as_str(),
                ),
            ),
            _ => ("and $1 = '' and $2 = 0 and $3 = ''", ("", 0, "")),
        };
        let rows = sqlx::query(&format!(
            "select u.id, u.first_name, u.last_name, u.email, u.approval, u.created_at from users u \
             where u.approval in ('pending', 'rejected') and u.email_confirmed = 1 \
             and {CONSUMER_ROLE} {later} order by u.approval, u.created_at, u.id limit $4"
        ))
        .bind(keys.0)
        .bind(keys.1)
        .bind(keys.2)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let approval: String = r.try_get("approval")?;
                let row = Registrant {
                    id: r.try_get("id")?,
                    first_name: r.try_get("first_name")?,
                    last_name: r.try_get("last_name")?,
                    email: r.try_get("email")?,
                    rejected: approval == "rejected",
                    created_at: r.try_get("created_at")?,
                };
                let keys = vec![approval, row.created_at.to_string(), row.id.clone()];
                Ok((row, keys))
            })
            .collect()
    }

    /// Approves a pending (or declined) registrant, or declines a pending one, and queues the
    /// email that tells them. A declined registrant's sessions end.
    pub async fn decide_registration(
        &self,
        user_id: &str,
        approve: bool,
        email: impl FnOnce(&Person) -> NewEmail,
        by: By<'_>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let from = if approve {
            "('pending', 'rejected')"
        } else {
            "('pending')"
        };
        let row = sqlx::query(&format!(
            "select u.first_name, u.last_name, u.email from users u where u.id = $1 and u.email_confirmed = 1 \
             and u.approval in {from} and {CONSUMER_ROLE}"
        ))
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::Conflict(
            "This registration was already decided, or no longer exists.",
        ))?;
        let person = person_of(&row)?;
        sqlx::query("update users set approval = $1, updated_at = $2 where id = $3")
            .bind(if approve { "approved" } else { "rejected" })
            .bind(by.now)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        if !approve {
            sqlx::query("delete from sessions where user_id = $1")
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
        }
        insert_email(&mut tx, &email(&person), by.now).await?;
        let action = if approve {
            "registration.approved"
        } else {
            "registration.rejected"
        };
        commit_user_change(tx, by, action, user_id, "").await?;
        Ok(())
    }
}

/// Takes one use of an invite code, or says why it cannot be used. Answers the code's
/// organization and team. The conditional update is what keeps the quota under concurrency.
async fn take_invite_code(
    tx: &mut Tx,
    code: &str,
    now: Millis,
) -> StoreResult<Result<(String, String), CodeRefusal>> {
    let taken = sqlx::query(
        "update invite_codes set used = used + 1 where code = $1 and active = 1 \
         and expires_at > $2 and used < quota",
    )
    .bind(code)
    .bind(now)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    let row = sqlx::query(
        "select organization_id, team_id, active, expires_at, used, quota from invite_codes where code = $1",
    )
    .bind(code)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(row) = row else {
        return Ok(Err(CodeRefusal::Unknown));
    };
    if taken == 1 {
        return Ok(Ok((
            row.try_get("organization_id")?,
            row.try_get("team_id")?,
        )));
    }
    Ok(Err(if row.try_get::<i64, _>("active")? == 0 {
        CodeRefusal::Inactive
    } else if row.try_get::<Millis, _>("expires_at")? <= now {
        CodeRefusal::Expired
    } else {
        CodeRefusal::UsedUp
    }))
}
