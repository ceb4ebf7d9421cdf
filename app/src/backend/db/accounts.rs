//! Consumer self-service in the store: registration (with or without an invite code), approvals,
//! password reset links, password changes and the account page's own data.

use super::outbox::{NewEmail, insert_email, queue_to_admins};
use super::users::{Person, commit_user_change, consume_token, person_of, revoke_live_invitations};
use super::{DEFAULT_ORGANIZATION_ID, Millis, Store, StoreError, StoreResult, Tx, new_id};
use crate::domain::account::{AccountView, Registrant};
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

/// What a password reset link is; reading it consumes nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResetLookup {
    Valid {
        email: String,
    },
    Expired,
    Used,
    /// A newer link was sent, or the account changed since.
    Replaced,
    Unknown,
}

/// Only accounts that can sign in get reset links: active, approved, their address confirmed.
const CAN_SIGN_IN: &str =
    "u.status = 'active' and u.approval = 'approved' and u.email_confirmed = 1";

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
        commit_user_change(tx, &id, Some(&id), "user.registered", detail, now).await?;
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
        commit_user_change(
            tx,
            &user_id,
            Some(&user_id),
            "user.registered_again",
            "email to confirm",
            now,
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
        commit_user_change(tx, &user_id, Some(&user_id), "email.confirmed", "", now).await?;
        Ok(Confirmed { user_id, approved })
    }

    /// Queues one email on its own (a notice that needs no other change).
    pub async fn queue_email(&self, email: &NewEmail, now: Millis) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        insert_email(&mut tx, email, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Registrants waiting for a decision and those declined, oldest first.
    pub async fn registrants(&self) -> StoreResult<Vec<Registrant>> {
        let rows = sqlx::query(
            "select u.id, u.first_name, u.last_name, u.email, u.approval, u.created_at from users u \
             where u.approval in ('pending', 'rejected') and u.email_confirmed = 1 \
             and u.role in ('consumer-admin', 'consumer-team-member') \
             order by u.approval, u.created_at, u.id limit 500",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Registrant {
                    id: r.try_get("id")?,
                    first_name: r.try_get("first_name")?,
                    last_name: r.try_get("last_name")?,
                    email: r.try_get("email")?,
                    rejected: r.try_get::<String, _>("approval")? == "rejected",
                    created_at: r.try_get("created_at")?,
                })
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
        actor_id: &str,
        now: Millis,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let from = if approve {
            "('pending', 'rejected')"
        } else {
            "('pending')"
        };
        let row = sqlx::query(&format!(
            "select u.first_name, u.last_name, u.email from users u where u.id = $1 and u.email_confirmed = 1 \
             and u.approval in {from} and u.role in ('consumer-admin', 'consumer-team-member')"
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
            .bind(now)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        if !approve {
            sqlx::query("delete from sessions where user_id = $1")
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
        }
        insert_email(&mut tx, &email(&person), now).await?;
        let action = if approve {
            "registration.approved"
        } else {
            "registration.rejected"
        };
        commit_user_change(tx, user_id, Some(actor_id), action, "", now).await?;
        Ok(())
    }

    /// Replaces the account's live reset link with a new one and queues its email; answers
    /// false, writing nothing, when no account that can sign in has this email.
    pub async fn issue_password_reset(
        &self,
        email: &str,
        token_hash: &str,
        expires_at: Millis,
        compose: impl FnOnce(&Person, &str) -> NewEmail,
        actor_id: Option<&str>,
        now: Millis,
    ) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let Some(row) = sqlx::query(&format!(
            "select u.id, u.first_name, u.last_name, u.email from users u \
             where lower(u.email) = lower($1) and {CAN_SIGN_IN}{}",
            self.dialect.lock_row()
        ))
        .bind(email)
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(false);
        };
        let user_id: String = row.try_get("id")?;
        let person = person_of(&row)?;
        revoke_live_resets(&mut tx, &user_id, now).await?;
        let token_id = new_id();
        sqlx::query(
            "insert into one_time_tokens (id, token_hash, purpose, user_id, created_by, created_at, expires_at) \
             values ($1, $2, 'password_reset', $3, $4, $5, $6)",
        )
        .bind(&token_id)
        .bind(token_hash)
        .bind(&user_id)
        .bind(actor_id)
        .bind(now)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        insert_email(&mut tx, &compose(&person, &token_id), now).await?;
        let detail = if actor_id.is_some() {
            "sent by an admin"
        } else {
            "requested"
        };
        commit_user_change(tx, &user_id, actor_id, "password_reset.sent", detail, now).await?;
        Ok(true)
    }

    /// What a reset link is.
    pub async fn reset_token(&self, token_hash: &str, now: Millis) -> StoreResult<ResetLookup> {
        let row = sqlx::query(&format!(
            "select i.expires_at, i.used_at, i.revoked_at, u.email, \
             case when {CAN_SIGN_IN} then 1 else 0 end as can_sign_in \
             from one_time_tokens i join users u on u.id = i.user_id \
             where i.token_hash = $1 and i.purpose = 'password_reset'"
        ))
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            return Ok(ResetLookup::Unknown);
        };
        Ok(if row.try_get::<Option<Millis>, _>("used_at")?.is_some() {
            ResetLookup::Used
        } else if row.try_get::<Option<Millis>, _>("revoked_at")?.is_some()
            || row.try_get::<i64, _>("can_sign_in")? == 0
        {
            ResetLookup::Replaced
        } else if row.try_get::<Millis, _>("expires_at")? <= now {
            ResetLookup::Expired
        } else {
            ResetLookup::Valid {
                email: row.try_get("email")?,
            }
        })
    }

    /// Consumes a reset link and sets the new password in one transaction (of concurrent uses
    /// exactly one succeeds); every session of the account ends and "password changed" is
    /// queued. Answers the user's id; `NotFound` when the link cannot be used.
    pub async fn reset_password(
        &self,
        token_hash: &str,
        password_hash: &str,
        changed: impl FnOnce(&Person) -> NewEmail,
        now: Millis,
    ) -> StoreResult<String> {
        let mut tx = self.begin_write().await?;
        consume_token(&mut tx, token_hash, "password_reset", now).await?;
        let row = sqlx::query(&format!(
            "select u.id, u.first_name, u.last_name, u.email from one_time_tokens i \
             join users u on u.id = i.user_id where i.token_hash = $1 and {CAN_SIGN_IN}"
        ))
        .bind(token_hash)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        let user_id: String = row.try_get("id")?;
        let person = person_of(&row)?;
        set_password(&mut tx, &user_id, password_hash, None, now).await?;
        revoke_live_resets(&mut tx, &user_id, now).await?;
        revoke_live_invitations(&mut tx, &user_id, now).await?;
        insert_email(&mut tx, &changed(&person), now).await?;
        commit_user_change(tx, &user_id, Some(&user_id), "password.reset", "", now).await?;
        Ok(user_id)
    }

    /// Sets a signed-in user's new password, ends their other sessions and queues "password
    /// changed".
    pub async fn change_password(
        &self,
        user_id: &str,
        password_hash: &str,
        keep_session: &str,
        changed: impl FnOnce(&Person) -> NewEmail,
        now: Millis,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query("select first_name, last_name, email from users where id = $1")
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        let person = person_of(&row)?;
        set_password(&mut tx, user_id, password_hash, Some(keep_session), now).await?;
        revoke_live_resets(&mut tx, user_id, now).await?;
        insert_email(&mut tx, &changed(&person), now).await?;
        commit_user_change(tx, user_id, Some(user_id), "password.changed", "", now).await?;
        Ok(())
    }

    /// The signed-in person's own account: names, email, organization and teams.
    pub async fn account(&self, user_id: &str) -> StoreResult<Option<AccountView>> {
        let Some(row) = sqlx::query(
            "select u.first_name, u.last_name, u.email, u.role, o.name as organization \
             from users u left join organizations o on o.id = u.organization_id where u.id = $1",
        )
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let teams = sqlx::query(
            "select t.name from team_memberships m join teams t on t.id = m.team_id \
             where m.user_id = $1 order by t.is_default desc, lower(t.name)",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| r.try_get("name"))
        .collect::<Result<_, _>>()?;
        Ok(Some(AccountView {
            first_name: row.try_get("first_name")?,
            last_name: row.try_get("last_name")?,
            email: row.try_get("email")?,
            role: row.try_get("role")?,
            organization: row.try_get("organization")?,
            teams,
        }))
    }

    /// Changes the signed-in person's own names.
    pub async fn rename_self(
        &self,
        user_id: &str,
        first_name: &str,
        last_name: &str,
        now: Millis,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "update users set first_name = $1, last_name = $2, updated_at = $3 where id = $4",
        )
        .bind(first_name)
        .bind(last_name)
        .bind(now)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        commit_user_change(tx, user_id, Some(user_id), "user.renamed_self", "", now).await
    }

    /// Ends every session of the user (sign out everywhere).
    pub async fn end_all_sessions(&self, user_id: &str) -> StoreResult<()> {
        sqlx::query("delete from sessions where user_id = $1")
            .bind(user_id)
            .execute(&self.pool)
            .await?;
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

pub(super) async fn revoke_live_resets(tx: &mut Tx, user_id: &str, now: Millis) -> StoreResult<()> {
    sqlx::query(
        "update one_time_tokens set revoked_at = $1 where user_id = $2 and purpose = 'password_reset' \
         and used_at is null and revoked_at is null",
    )
    .bind(now)
    .bind(user_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Stores a new password hash and ends the user's sessions but `keep_session`.
async fn set_password(
    tx: &mut Tx,
    user_id: &str,
    password_hash: &str,
    keep_session: Option<&str>,
    now: Millis,
) -> StoreResult<()> {
    sqlx::query(
        "update users set password_hash = $1, must_change_password = 0, updated_at = $2 where id = $3",
    )
    .bind(password_hash)
    .bind(now)
    .bind(user_id)
    .execute(&mut **tx)
    .await?;
    sqlx::query("delete from sessions where user_id = $1 and id_hash <> $2")
        .bind(user_id)
        .bind(keep_session.unwrap_or(""))
        .execute(&mut **tx)
        .await?;
    Ok(())
}
