//! Email: templates with named variables, the SMTP transport, and the outbox delivery worker.

use super::AppState;
use super::db::{Leased, OutboxMessage};
use lettre::Message;
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::TlsParameters;
use secrecy::ExposeSecret as _;
use std::sync::Arc;
use std::time::Duration;

mod defaults;
mod smtp;
pub use defaults::*;
use smtp::Security;

/// A shipped default: a message's parts, each a template with `{{ name }}` variables. `kind`
/// names it in the outbox and in Settings > Email > Templates.
pub struct Template {
    pub kind: &'static str,
    pub subject: &'static str,
    pub text: &'static str,
    pub html: &'static str,
}

pub use crate::domain::email_template::MailTemplate;

impl Template {
    pub fn owned(&self) -> MailTemplate {
        MailTemplate {
            kind: self.kind.to_owned(),
            subject: self.subject.to_owned(),
            text: self.text.to_owned(),
            html: self.html.to_owned(),
            edited: false,
        }
    }
}

/// The template in use for `default`'s kind: the admin's edited version, or the default.
pub async fn load(
    state: &AppState,
    default: &Template,
) -> Result<MailTemplate, super::db::StoreError> {
    Ok(state
        .store
        .email_template(default.kind)
        .await?
        .unwrap_or_else(|| default.owned()))
}

/// Replaces each `{{ name }}` with its value; HTML-escaped when `html`. Unknown names become empty.
pub fn render(template: &str, vars: &[(&str, &str)], html: bool) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find("}}") else {
            out.push_str(&rest[start..]);
            return out;
        };
        let name = rest[start + 2..start + end].trim();
        let value = vars
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| *v)
            .unwrap_or("");
        if html {
            out.push_str(&escape_html(value));
        } else {
            out.push_str(value);
        }
        rest = &rest[start + end + 2..];
    }
    out.push_str(rest);
    out
}

/// HTML-escapes text for an element or a quoted attribute (also the API reference's texts).
pub(crate) fn escape_html(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Subject, text and HTML of a template with its variables.
pub fn compose(template: &MailTemplate, vars: &[(&str, &str)]) -> (String, String, String) {
    (
        render(&template.subject, vars, false),
        render(&template.text, vars, false),
        render(&template.html, vars, true),
    )
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("PORTICO_SMTP_URL: {0}")]
    Url(String),
    #[error("PORTICO_SMTP_FROM: {0}")]
    From(String),
}

/// Sends outbox messages over SMTP, on pooled connections (see [`smtp`]).
#[derive(Clone)]
pub struct Mailer {
    pool: Arc<smtp::Pool>,
    from: Mailbox,
}

impl Mailer {
    /// `smtp://user:pass@host:587` uses STARTTLS, `smtps://host` TLS, and `?tls=none` or
    /// `?tls=opportunistic` on `smtp://` relax that for a local catcher.
    pub fn new(url: &secrecy::SecretString, from: &str) -> Result<Self, MailError> {
        let url =
            url::Url::parse(url.expose_secret()).map_err(|_| MailError::Url("not a URL".into()))?;
        let host = url
            .host_str()
            .ok_or_else(|| MailError::Url("no host".into()))?
            .to_owned();
        let tls = url
            .query_pairs()
            .find(|(k, _)| k == "tls")
            .map(|(_, v)| v.into_owned());
        let tls_params =
            || TlsParameters::new(host.clone()).map_err(|e| MailError::Url(e.to_string()));
        let (security, port) = match (url.scheme(), tls.as_deref()) {
            ("smtps", _) => (Security::Wrapper(tls_params()?), 465),
            ("smtp", Some("none")) => (Security::None, 25),
            ("smtp", Some("opportunistic")) => (Security::Opportunistic(tls_params()?), 587),
            ("smtp", None | Some("required")) => (Security::Required(tls_params()?), 587),
            _ => {
                return Err(MailError::Url(
                    "use smtp:// or smtps://, with tls=none|opportunistic|required".into(),
                ));
            }
        };
        let credentials = (!url.username().is_empty()).then(|| {
            Credentials::new(
                percent_decode(url.username()),
                percent_decode(url.password().unwrap_or_default()),
            )
        });
        let from: Mailbox = from
            .parse()
            .map_err(|e: lettre::address::AddressError| MailError::From(e.to_string()))?;
        Ok(Self {
            pool: Arc::new(smtp::Pool::new(smtp::Server {
                host,
                port: url.port().unwrap_or(port),
                security,
                credentials,
                timeout: Duration::from_secs(30),
            })),
            from,
        })
    }

    pub async fn send(&self, message: &OutboxMessage) -> Result<(), String> {
        let to: Mailbox = message
            .to_address
            .parse()
            .map_err(|e: lettre::address::AddressError| e.to_string())?;
        let email = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&message.subject)
            .message_id(Some(format!("<{}@portico>", message.id)))
            .multipart(MultiPart::alternative_plain_html(
                message.text_body.clone(),
                message.html_body.clone(),
            ))
            .map_err(|e| e.to_string())?;
        self.pool.send(email.envelope(), &email.formatted()).await
    }
}

/// The user or password of a URL as written: percent-escapes decoded, and nothing else (a `+`
/// stays a plus; form decoding made it a space and cut the value at `&`).
fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// How many messages one delivery pass claims and sends at once, each on its own connection.
const BATCH: i64 = 20;

/// How long a worker holds a message it is sending before another may take it.
const LEASE: Duration = Duration::from_secs(2 * 60);

/// Wait before the next attempt: 5 s, 10 s, 20 s … at most an hour.
pub fn backoff_ms(attempts: i64) -> i64 {
    let exp = attempts.clamp(1, 20) - 1;
    (5_000i64 << exp).min(60 * 60 * 1000)
}

/// Delivers due outbox messages until `shutdown` is set; wakes when a committed transaction queued an email (`Store::wait_for_mail`) or every second.
pub async fn run_worker(
    state: AppState,
    mailer: Mailer,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
) {
    loop {
        if *shutdown.borrow() {
            return;
        }
        let delivered = deliver_due(&state, &mailer).await;
        if delivered == 0 {
            tokio::select! {
                () = state.store.wait_for_mail() => {}
                () = tokio::time::sleep(Duration::from_secs(1)) => {}
                changed = shutdown.changed() => {
                    if changed.is_err() {
                        return;
                    }
                }
            }
        }
    }
}

/// One pass over the due messages; answers how many it attempted.
pub async fn deliver_due(state: &AppState, mailer: &Mailer) -> usize {
    deliver_due_with_lease(state, mailer, LEASE).await
}

/// One pass with leases of `lease`. A message goes to SMTP only after the worker renewed its own
/// lease on it (a conditional update), and the send is cut off at half the lease, so a lease
/// cannot run out while its message is on the wire: another instance that takes a message whose
/// lease ran out is then the only one sending it.
pub async fn deliver_due_with_lease(state: &AppState, mailer: &Mailer, lease: Duration) -> usize {
    let lease_ms = lease.as_millis() as i64;
    let now = state.clock.now();
    let claimed = match state
        .store
        .claim_due_emails(now, now + lease_ms, BATCH)
        .await
    {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "outbox: could not claim messages");
            return 0;
        }
    };
    // Each message waits on the SMTP server's answers and on two writes of its own; sent
    // together, those waits overlap (measured with `portico-bench --emails`), and each message
    // still goes out only under its own renewed lease.
    let attempted = claimed.len();
    let mut sending = tokio::task::JoinSet::new();
    for leased in claimed {
        let (state, mailer) = (state.clone(), mailer.clone());
        sending.spawn(async move { deliver_one(&state, &mailer, &leased, lease).await });
    }
    while let Some(done) = sending.join_next().await {
        if let Err(e) = done {
            tracing::error!(error = %e, "outbox: a delivery task failed");
        }
    }
    attempted
}

/// Sends one leased message if its lease can still be renewed, and records the result.
async fn deliver_one(state: &AppState, mailer: &Mailer, leased: &Leased, lease: Duration) {
    let lease_ms = lease.as_millis() as i64;
    let message = &leased.message;
    let now = state.clock.now();
    match state
        .store
        .renew_lease(&message.id, &leased.lease_id, now, now + lease_ms)
        .await
    {
        Ok(true) => {}
        Ok(false) => {
            tracing::info!(id = %message.id, "outbox: lease ran out before sending; another worker has the message");
            return;
        }
        Err(e) => {
            tracing::error!(id = %message.id, error = %e, "outbox: could not renew a lease");
            return;
        }
    }
    let result = match tokio::time::timeout(lease / 2, mailer.send(message)).await {
        Ok(result) => result,
        Err(_) => Err(format!(
            "the SMTP server did not finish within {} s",
            (lease / 2).as_secs_f32()
        )),
    };
    let now = state.clock.now();
    let recorded = match &result {
        Ok(()) => {
            tracing::info!(id = %message.id, kind = %message.kind, "email delivered to the SMTP server");
            state.store.mark_email_sent(&message.id, now).await
        }
        Err(error) => {
            tracing::warn!(id = %message.id, attempt = message.attempts, %error, "email delivery failed");
            state
                .store
                .mark_email_failed(
                    &message.id,
                    &leased.lease_id,
                    error,
                    now + backoff_ms(message.attempts),
                )
                .await
        }
    };
    if let Err(e) = recorded {
        tracing::error!(id = %message.id, error = %e, "outbox: could not record the delivery result");
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_default_template_is_listed_and_uses_only_its_variables() {
        use crate::domain::email_template::{TEMPLATES, template_info, validate};
        assert_eq!(DEFAULTS.len(), TEMPLATES.len());
        for default in DEFAULTS {
            let (_, vars) = template_info(default.kind).expect(default.kind);
            assert_eq!(
                validate(&vars, default.subject, default.text, default.html),
                Ok(()),
                "{}",
                default.kind
            );
        }
    }

    use super::*;

    #[test]
    fn renders_variables_and_escapes_them_in_html() {
        let vars = [
            ("user.first_name", "<b>Ada</b>"),
            ("portal_name", "Portico"),
        ];
        assert_eq!(
            render(
                "Hi {{ user.first_name }} of {{portal_name}}{{ unknown }}!",
                &vars,
                false
            ),
            "Hi <b>Ada</b> of Portico!"
        );
        assert_eq!(
            render("<p>{{ user.first_name }}</p>", &vars, true),
            "<p>&lt;b&gt;Ada&lt;/b&gt;</p>"
        );
        assert_eq!(render("broken {{ tail", &vars, true), "broken {{ tail");
    }

    #[test]
    fn smtp_credentials_are_percent_decoded_not_form_decoded() {
        assert_eq!(percent_decode("a+b%26c%40d"), "a+b&c@d");
        assert_eq!(percent_decode("p%2Bq"), "p+q");
        assert_eq!(percent_decode("100%"), "100%");
    }

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        assert_eq!(backoff_ms(1), 5_000);
        assert_eq!(backoff_ms(2), 10_000);
        assert_eq!(backoff_ms(30), 3_600_000);
    }
}
