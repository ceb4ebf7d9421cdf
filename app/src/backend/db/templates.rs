//! Email templates that admins edited; the defaults live in `backend::mail`, which the store does not import.

use super::{By, Store, StoreResult, Subject};
use crate::domain::email_template::MailTemplate;
use sqlx::Row as _;

impl Store {
    /// The edited template of `kind`, if an admin edited it.
    pub async fn email_template(&self, kind: &str) -> StoreResult<Option<MailTemplate>> {
        let row = sqlx::query(
            "select kind, subject, text_body, html_body from email_templates where kind = $1",
        )
        .bind(kind)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(MailTemplate {
                kind: r.try_get("kind")?,
                subject: r.try_get("subject")?,
                text: r.try_get("text_body")?,
                html: r.try_get("html_body")?,
                edited: true,
            })
        })
        .transpose()
    }

    /// Stores an edited template (validation already happened).
    pub async fn save_email_template(
        &self,
        template: &MailTemplate,
        by: By<'_>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "insert into email_templates (kind, subject, text_body, html_body, updated_by, updated_at) \
             values ($1, $2, $3, $4, $5, $6) on conflict (kind) do update set subject = excluded.subject, \
             text_body = excluded.text_body, html_body = excluded.html_body, \
             updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        )
        .bind(&template.kind)
        .bind(&template.subject)
        .bind(&template.text)
        .bind(&template.html)
        .bind(by.actor)
        .bind(by.now)
        .execute(&mut *tx)
        .await?;
        tx.audit(
            by,
            "email_template.saved",
            Subject::EmailTemplate(&template.kind),
            "",
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Goes back to the default template of `kind`.
    pub async fn reset_email_template(&self, kind: &str, by: By<'_>) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("delete from email_templates where kind = $1")
            .bind(kind)
            .execute(&mut *tx)
            .await?;
        tx.audit(by, "email_template.reset", Subject::EmailTemplate(kind), "")
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
