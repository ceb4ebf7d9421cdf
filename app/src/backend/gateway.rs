//! The gateway check (SPEC §10): may this API key call this path? Answered from memory when
//! nothing changed, so a gateway can ask on every request.
//!
//! The cache holds the products' path prefixes, the live gateway tokens and the keys asked about:
//! what a live key grants, and the hashes of keys found to be unknown or revoked (one and the same
//! lookup), so a client retrying a dead key costs no query either. It belongs to one
//! value of the shared change counter (`gateway_state.generation`, moved by every change that
//! alters an answer) and is dropped as a whole when a higher value is known: this process's own
//! commits make it known at once, other instances' within [`POLL_INTERVAL`]. A key read from the
//! store is kept only if the counter did not move since before the read, so a key revoked
//! meanwhile is never cached. Expiry and a rotated key's grace are compared with the clock on
//! every check, so they need no invalidation. When the counter could not be read for
//! [`STALE_AFTER`], nothing is answered from memory: a database that is down makes checks fail
//! (503), never pass on stale answers.

use super::db::KeyGrant;
use super::{AppState, Millis};
use crate::domain::apps::{GATEWAY_TOKEN_PREFIX, KEY_PREFIX};
use crate::error::AppError;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// How often an instance reads the shared change counter: a change made on another instance is
/// seen within this (and one check's time), well inside the one second SPEC §10 allows.
pub const POLL_INTERVAL: Duration = Duration::from_millis(250);
/// How old the last successful read of the counter may be before memory is not trusted.
pub const STALE_AFTER: Duration = Duration::from_secs(2);
/// Keys kept in memory at most; past it the cache starts again (each entry is a few hundred bytes).
const MAX_KEYS: usize = 1_000_000;
/// Unknown keys kept in memory at most; past it that set starts again. Smaller than [`MAX_KEYS`]:
/// random keys sprayed through a gateway would otherwise grow it, and each one is asked once.
const MAX_UNKNOWN: usize = 100_000;
/// The length of every key Portico issues: the prefix and 43 characters of base64url.
const KEY_LENGTH: usize = KEY_PREFIX.len() + 43;

/// The gateway's cache, shared by every request of this process.
#[derive(Clone)]
pub struct GatewayCache {
    inner: Arc<Inner>,
}

impl Default for GatewayCache {
    fn default() -> Self {
        Self {
            inner: Arc::new(Inner {
                started: Instant::now(),
                polled_at: AtomicU64::new(0),
                snapshot: RwLock::default(),
            }),
        }
    }
}

struct Inner {
    started: Instant,
    /// Milliseconds from `started` to just after the last successful poll (0: never).
    polled_at: AtomicU64,
    snapshot: RwLock<Snapshot>,
}

#[derive(Default)]
struct Snapshot {
    /// The counter's value this snapshot was loaded at; `None` before the first load.
    epoch: Option<i64>,
    /// Products' prefixes, longest first, with their ids.
    routes: Vec<(String, String)>,
    tokens: HashSet<String>,
    keys: HashMap<String, Arc<KeyGrant>>,
    /// Hashes of keys that were neither issued nor live when this snapshot's epoch was current.
    /// Issuing a key does not move the counter: a new key is 256 fresh random bits, so its hash
    /// cannot have been asked about before.
    unknown: HashSet<String>,
}

/// The answer of a check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// The gateway token is missing, unknown or revoked.
    BadGatewayToken,
    /// The key is missing, unknown, revoked or expired: 401.
    UnknownKey,
    /// A live key whose plan does not cover the product of this path: 403.
    NotCovered(Arc<KeyGrant>),
    /// 200.
    Allowed(Arc<KeyGrant>),
}

impl GatewayCache {
    /// Reads the shared change counter (run every [`POLL_INTERVAL`]).
    pub async fn poll(&self, state: &AppState) -> Result<(), super::db::StoreError> {
        state.store.poll_gateway_generation().await?;
        let at = self.inner.started.elapsed().as_millis() as u64 + 1;
        self.inner.polled_at.store(at, Ordering::Release);
        Ok(())
    }

    /// Whether the counter was read recently enough to answer from memory.
    fn trusted(&self) -> bool {
        let at = self.inner.polled_at.load(Ordering::Acquire);
        at > 0
            && self.inner.started.elapsed().as_millis() as u64
                <= at + STALE_AFTER.as_millis() as u64
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Snapshot> {
        self.inner
            .snapshot
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Snapshot> {
        self.inner
            .snapshot
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Makes the snapshot current for `epoch` (or newer), reading the routes and tokens when the
    /// counter moved past it. An older epoch never replaces a newer snapshot.
    async fn refresh(&self, state: &AppState, epoch: i64, trusted: bool) -> Result<(), AppError> {
        if trusted && self.read().epoch.is_some_and(|e| e >= epoch) {
            return Ok(());
        }
        let (mut routes, tokens) = state.store.gateway_routes().await?;
        routes.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        let mut snapshot = self.write();
        if !trusted || snapshot.epoch.is_none_or(|e| e < epoch) {
            *snapshot = Snapshot {
                epoch: Some(epoch),
                routes,
                tokens: tokens.into_iter().collect(),
                ..Snapshot::default()
            };
        }
        Ok(())
    }

    /// What the key with `hash` grants, from memory or (once per change) from the store.
    async fn grant(
        &self,
        state: &AppState,
        epoch: i64,
        trusted: bool,
        hash: &str,
    ) -> Result<Option<Arc<KeyGrant>>, AppError> {
        if trusted {
            let snapshot = self.read();
            if let Some(grant) = snapshot.keys.get(hash) {
                return Ok(Some(grant.clone()));
            }
            if snapshot.unknown.contains(hash) {
                return Ok(None);
            }
        }
        let grant = state.store.key_grant(hash).await?.map(Arc::new);
        let mut snapshot = self.write();
        // Kept only if no change came since before the read (the snapshot is still the one of
        // the epoch seen then), so a key revoked meanwhile is never put back.
        if trusted
            && snapshot.epoch == Some(epoch)
            && state.store.gateway_generation_seen() == epoch
        {
            match &grant {
                Some(grant) => {
                    if snapshot.keys.len() >= MAX_KEYS {
                        snapshot.keys.clear();
                    }
                    snapshot.keys.insert(hash.to_owned(), grant.clone());
                }
                None => {
                    if snapshot.unknown.len() >= MAX_UNKNOWN {
                        snapshot.unknown.clear();
                    }
                    snapshot.unknown.insert(hash.to_owned());
                }
            }
        }
        Ok(grant)
    }
}

/// Lowercase hex SHA-256, as keys and gateway tokens are stored.
pub fn hash(secret: &str) -> String {
    use sha2::Digest as _;
    hex::encode(sha2::Sha256::digest(secret.as_bytes()))
}

/// A new secret `prefix` + 256 bits from the OS's generator (base64url): the value shown once,
/// its hash to store, and its visible start (the prefix and 8 characters).
pub fn new_secret(prefix: &str) -> (String, String, String) {
    use base64::Engine as _;
    use rand::RngCore as _;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let secret = format!(
        "{prefix}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    );
    let visible = secret.chars().take(prefix.len() + 8).collect();
    (hash(&secret), visible, secret)
}

/// A new API key: (hash, visible prefix, key).
pub fn new_key() -> (String, String, String) {
    new_secret(KEY_PREFIX)
}

/// A new gateway token: (hash, visible prefix, token).
pub fn new_gateway_token() -> (String, String, String) {
    new_secret(GATEWAY_TOKEN_PREFIX)
}

/// The path a gateway asks about, without its query, when it is unambiguous; `None` for a path
/// that upstreams may read differently: dot segments (`/a/../b`), empty segments (`//`), a
/// backslash, a `;` (path parameters, which some servers strip), or a percent-encoded dot, slash,
/// backslash, percent sign or semicolon. Such a path is refused (403), never resolved: the
/// upstream behind the gateway receives the path as the caller sent it, and whatever it makes
/// of `%2e%2e` must not reach another product. Prefixes are then matched on the path as sent,
/// case included.
pub fn gateway_path(uri: &str) -> Option<&str> {
    let path = uri.split(['?', '#']).next().unwrap_or("");
    if !path.starts_with('/') || path.contains(['\\', ';']) || path.contains("//") {
        return None;
    }
    if path
        .split('/')
        .any(|segment| segment == "." || segment == "..")
    {
        return None;
    }
    let bytes = path.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'%' {
            let code = bytes.get(i + 1..i + 3)?;
            let encoded = std::str::from_utf8(code).ok()?.to_ascii_lowercase();
            if matches!(encoded.as_str(), "2e" | "2f" | "5c" | "25" | "3b") {
                return None;
            }
        }
    }
    Some(path)
}

/// Whether a grant is live at `now`: before its expiry and, for a rotated key, its grace's end.
fn live(grant: &KeyGrant, now: Millis) -> bool {
    grant.expires_at.is_none_or(|t| now < t) && grant.valid_until.is_none_or(|t| now < t)
}

/// The one gateway check: `gateway_token` authenticates the gateway, `key` is the caller's API
/// key, `uri` the path it calls. `GET /gateway/v1/auth` and `POST /gateway/v1/keys/verify` (and
/// anything else that checks a key) call this.
pub async fn check(
    state: &AppState,
    gateway_token: Option<&str>,
    key: Option<&str>,
    uri: &str,
) -> Result<Decision, AppError> {
    let cache = &state.gateway;
    let epoch = state.store.gateway_generation_seen();
    let trusted = cache.trusted();
    cache.refresh(state, epoch, trusted).await?;
    let token_ok = gateway_token
        .filter(|t| t.starts_with(GATEWAY_TOKEN_PREFIX) && t.len() == KEY_LENGTH)
        .is_some_and(|t| cache.read().tokens.contains(&hash(t)));
    if !token_ok {
        return Ok(Decision::BadGatewayToken);
    }
    let Some(key) = key.filter(|k| k.starts_with(KEY_PREFIX) && k.len() == KEY_LENGTH) else {
        return Ok(Decision::UnknownKey);
    };
    let Some(grant) = cache.grant(state, epoch, trusted, &hash(key)).await? else {
        return Ok(Decision::UnknownKey);
    };
    if !live(&grant, state.clock.now()) {
        return Ok(Decision::UnknownKey);
    }
    let covered = gateway_path(uri).is_some_and(|path| {
        cache
            .read()
            .routes
            .iter()
            .find(|(prefix, _)| path.starts_with(prefix.as_str()))
            .is_some_and(|(_, product)| *product == grant.product_id)
    });
    Ok(if covered {
        Decision::Allowed(grant)
    } else {
        Decision::NotCovered(grant)
    })
}

/// `X-Portico-Rate-Limit`: "100/60s", or "unlimited".
pub fn rate_header(grant: &KeyGrant) -> String {
    match grant.terms.rate {
        None => "unlimited".into(),
        Some((n, seconds)) => format!("{n}/{seconds}s"),
    }
}

/// `X-Portico-Quota`: "10000/day", or "unlimited".
pub fn quota_header(grant: &KeyGrant) -> String {
    match grant.terms.quota {
        None => "unlimited".into(),
        Some((n, period)) => format!("{n}/{}", period.as_str()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ambiguous_paths_are_refused_and_the_rest_kept_as_sent() {
        assert_eq!(
            gateway_path("/payments/v1/charges?x=1"),
            Some("/payments/v1/charges")
        );
        assert_eq!(gateway_path("/payments/"), Some("/payments/"));
        assert_eq!(gateway_path("/Payments/A%20b"), Some("/Payments/A%20b"));
        for refused in [
            "/payments/../ledger/x",
            "/payments/./x",
            "/payments/..",
            "/payments/%2e%2e/ledger/x",
            "/payments/%2E%2E/ledger/x",
            "/payments%2F..%2Fledger/",
            "/payments/%5c..%5cledger",
            "/payments/%252e%252e/ledger",
            "/payments/..;/ledger/x",
            "/payments/x;jsessionid=1",
            "/payments\\..\\ledger",
            "//payments/x",
            "/payments//x",
            "payments/x",
            "",
            "/payments/%2",
        ] {
            assert_eq!(gateway_path(refused), None, "{refused}");
        }
    }

    #[test]
    fn secrets_are_long_random_and_recognizable() {
        let (hash1, visible, key) = new_key();
        assert!(key.starts_with("ptc_"));
        assert_eq!(key.len(), KEY_LENGTH);
        assert_eq!(visible, key[..12]);
        assert_eq!(hash1, hash(&key));
        assert_eq!(hash1.len(), 64);
        let (_, _, other) = new_key();
        assert_ne!(key, other);
        let (_, _, token) = new_gateway_token();
        assert!(token.starts_with("ptg_") && token.len() == KEY_LENGTH);
    }
}
