//! SMTP connections: opened with `TCP_NODELAY` and kept for the next message.
//!
//! lettre's own pooled transport opens sockets with Nagle's algorithm on, and writes a message's
//! closing `\r\n.\r\n` as its own small write after the body. Nagle holds that write until the
//! server acknowledges the body, which the server delays (40 ms on Linux) because it has nothing
//! to say before the end of the message: every message waited ~45 ms (measured with `strace -tt`,
//! docs/benchmarks.md). Here the socket is opened by us with `TCP_NODELAY` and handed to lettre's
//! connection (`connect_with_transport`), which then does the SMTP: greeting, STARTTLS, AUTH and
//! the message. Implicit TLS (`smtps://`) needs TLS before the greeting, which lettre only does on
//! a socket it opens itself; those connections keep the stall but are pooled the same way.

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, DEFAULT_MECHANISMS};
use lettre::transport::smtp::client::{AsyncSmtpConnection, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// How the connection is secured, as `PORTICO_SMTP_URL` asks.
#[derive(Clone)]
pub enum Security {
    /// Plain text (`?tls=none`), for a local catcher.
    None,
    /// STARTTLS when the server offers it (`?tls=opportunistic`).
    Opportunistic(TlsParameters),
    /// STARTTLS or no message (`smtp://`, the default).
    Required(TlsParameters),
    /// TLS from the first byte (`smtps://`).
    Wrapper(TlsParameters),
}

/// Where the server is and how to sign in to it.
#[derive(Clone)]
pub struct Server {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub credentials: Option<Credentials>,
    /// Cuts off opening a connection (TCP, greeting, TLS, sign-in).
    pub timeout: Duration,
}

/// A connection unused since `since`.
struct Idle {
    connection: AsyncSmtpConnection,
    since: Instant,
}

/// A connection idle this long is closed instead of reused (servers commonly close them after
/// a minute or more).
const CLOSE_AFTER: Duration = Duration::from_secs(50);
/// At most this many idle connections are kept.
const MAX_IDLE: usize = 32;

/// Connections to one SMTP server: a message takes an idle one or opens a new one, and gives it
/// back when the server accepted or refused the message (a broken connection is dropped).
pub struct Pool {
    server: Server,
    hello: ClientId,
    idle: Mutex<Vec<Idle>>,
}

impl Pool {
    pub fn new(server: Server) -> Self {
        Self {
            server,
            hello: ClientId::default(),
            idle: Mutex::new(Vec::new()),
        }
    }

    /// Sends one message (`formatted` as lettre's `Message::formatted` gives it).
    pub async fn send(&self, envelope: &Envelope, formatted: &[u8]) -> Result<(), String> {
        let mut connection = self.take().await?;
        let result = connection.send(envelope, formatted).await;
        if connection.has_broken() {
            connection.abort().await;
        } else {
            let mut idle = self.idle.lock().await;
            if idle.len() < MAX_IDLE {
                idle.push(Idle {
                    connection,
                    since: Instant::now(),
                });
            }
        }
        result.map(|_| ()).map_err(|e| e.to_string())
    }

    /// The most recently used idle connection that still answers, or a new one.
    async fn take(&self) -> Result<AsyncSmtpConnection, String> {
        loop {
            let Some(Idle {
                mut connection,
                since,
            }) = self.idle.lock().await.pop()
            else {
                break;
            };
            // A NOOP first, as lettre's pool does: a connection the server closed meanwhile is
            // replaced here instead of failing the message.
            if since.elapsed() < CLOSE_AFTER && connection.test_connected().await {
                return Ok(connection);
            }
            connection.abort().await;
        }
        let server = &self.server;
        match tokio::time::timeout(server.timeout, self.open()).await {
            Ok(opened) => opened,
            Err(_) => Err(format!(
                "no connection to {}:{} within {} s",
                server.host,
                server.port,
                server.timeout.as_secs()
            )),
        }
    }

    /// Opens, secures and signs in a new connection.
    async fn open(&self) -> Result<AsyncSmtpConnection, String> {
        let failed = |e: lettre::transport::smtp::Error| e.to_string();
        let server = &self.server;
        let mut connection = match &server.security {
            Security::Wrapper(tls) => AsyncSmtpConnection::connect_tokio1(
                (server.host.as_str(), server.port),
                Some(server.timeout),
                &self.hello,
                Some(tls.clone()),
                None,
            )
            .await
            .map_err(failed)?,
            _ => {
                let stream = tokio::net::TcpStream::connect((server.host.as_str(), server.port))
                    .await
                    .map_err(|e| {
                        format!("cannot connect to {}:{}: {e}", server.host, server.port)
                    })?;
                stream.set_nodelay(true).map_err(|e| e.to_string())?;
                AsyncSmtpConnection::connect_with_transport(Box::new(stream), &self.hello)
                    .await
                    .map_err(failed)?
            }
        };
        match &server.security {
            Security::Opportunistic(tls) if connection.can_starttls() => {
                connection
                    .starttls(tls.clone(), &self.hello)
                    .await
                    .map_err(failed)?;
            }
            Security::Required(tls) => connection
                .starttls(tls.clone(), &self.hello)
                .await
                .map_err(failed)?,
            _ => {}
        }
        if let Some(credentials) = &server.credentials {
            connection
                .auth(DEFAULT_MECHANISMS, credentials)
                .await
                .map_err(failed)?;
        }
        Ok(connection)
    }
}
