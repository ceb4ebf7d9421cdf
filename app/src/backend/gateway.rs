//! The gateway check (SPEC §10): may this API key call this path? Answered from memory when
//! nothing changed, so a gateway can ask on every request.
//!
//! The cache holds the products' path prefixes, the live gateway tokens and the keys asked about
//! (live ones only: an unknown and a revoked key are the same database lookup). It is dropped as a
//! whole when the change counter moves: this process's committed changes move it at once
//! (`Store::local_gateway_changes`), other instances' within [`POLL_INTERVAL`] (`gateway_state`).
//! Expiry and a rotated key's grace are compared with the clock on every check, so they need
//! no invalidation.

use super::db::KeyGrant;
use super::{AppState, Millis};
use crate::domain::apps::{GATEWAY_TOKEN_PREFIX, KEY_PREFIX};
use crate::error::AppError;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, RwLock};

/// How often an instance reads the shared change counter: a change made on another instance is
/// seen within this (and one check's time), well inside the one second SPEC §10 allows.
pub const POLL_INTERVAL: std::time::Duration = std::time::Duration::from_millis(250);
/// Keys kept in memory at most; past it the cache starts again (each entry is a few hundred bytes).
const MAX_KEYS: usize = 1_000_000;
/// The length of every key Portico issues: the prefix and 43 characters of base64url.
const KEY_LENGTH: usize = KEY_PREFIX.len() + 43;

/// The gateway's cache, shared by every request of this process.
#[derive(Clone, Default)]
pub struct GatewayCache {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    /// The shared counter as last polled.
    polled: AtomicI64,
    snapshot: RwLock<Snapshot>,
}

#[derive(Default)]
struct Snapshot {
    /// (polled counter, this process's counter) when loaded; `None` before the first load.
    epoch: Option<(i64, u64)>,
    /// Products' prefixes (lowercase), longest first, with their ids.
    routes: Vec<(String, String)>,
    tokens: HashSet<String>,
    keys: HashMap<String, Arc<KeyGrant>>,
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
        let generation = state.store.gateway_generation().await?;
        self.inner.polled.store(generation, Ordering::Release);
        Ok(())
    }

    fn epoch(&self, state: &AppState) -> (i64, u64) {
        (
            self.inner.polled.load(Ordering::Acquire),
            state.store.local_gateway_changes(),
        )
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

    /// Makes the snapshot current for `epoch`, reading the routes and tokens when it moved.
    async fn refresh(&self, state: &AppState, epoch: (i64, u64)) -> Result<(), AppError> {
        if self.read().epoch == Some(epoch) {
            return Ok(());
        }
        let (mut routes, tokens) = state.store.gateway_routes().await?;
        for route in &mut routes {
            route.0 = route.0.to_lowercase();
        }
        routes.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        let mut snapshot = self.write();
        if snapshot.epoch != Some(epoch) {
            *snapshot = Snapshot {
                epoch: Some(epoch),
                routes,
                tokens: tokens.into_iter().collect(),
                keys: HashMap::new(),
            };
        }
        Ok(())
    }

    /// What the key with `hash` grants, from memory or (once per change) from the store.
    async fn grant(
        &self,
        state: &AppState,
        epoch: (i64, u64),
        hash: &str,
    ) -> Result<Option<Arc<KeyGrant>>, AppError> {
        if let Some(grant) = self.read().keys.get(hash) {
            return Ok(Some(grant.clone()));
        }
        let Some(grant) = state.store.key_grant(hash).await? else {
            return Ok(None);
        };
        let grant = Arc::new(grant);
        let mut snapshot = self.write();
        // Read before a change committed: kept only if no change came since (the epoch is the
        // one seen before the read), so a revoked key is never put back.
        if snapshot.epoch == Some(epoch) {
            if snapshot.keys.len() >= MAX_KEYS {
                snapshot.keys.clear();
            }
            snapshot.keys.insert(hash.to_owned(), grant.clone());
        }
        Ok(Some(grant))
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

/// The path a gateway asks about, as prefixes are matched: without its query, percent-decoded,
/// with `.` and `..` segments resolved and repeated slashes folded, lowercase. Decoding first
/// means `/payments/%2e%2e/admin/` is matched as `/admin/`, never as `/payments/`.
pub fn normalize_path(uri: &str) -> String {
    let path = uri.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_decode(path);
    let mut segments: Vec<&str> = Vec::new();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    let mut out = String::with_capacity(decoded.len() + 1);
    for segment in &segments {
        out.push('/');
        out.push_str(segment);
    }
    // A trailing slash (or a path that is only "/") is kept, so "/payments/" matches itself.
    if decoded.ends_with('/')
        || decoded.ends_with("/.")
        || decoded.ends_with("/..")
        || out.is_empty()
    {
        out.push('/');
    }
    out.to_lowercase()
}

fn percent_decode(input: &str) -> String {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex_value(bytes[i + 1]), hex_value(bytes[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
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
    let epoch = cache.epoch(state);
    cache.refresh(state, epoch).await?;
    let token_ok = gateway_token
        .filter(|t| t.starts_with(GATEWAY_TOKEN_PREFIX) && t.len() == KEY_LENGTH)
        .is_some_and(|t| cache.read().tokens.contains(&hash(t)));
    if !token_ok {
        return Ok(Decision::BadGatewayToken);
    }
    let Some(key) = key.filter(|k| k.starts_with(KEY_PREFIX) && k.len() == KEY_LENGTH) else {
        return Ok(Decision::UnknownKey);
    };
    let Some(grant) = cache.grant(state, epoch, &hash(key)).await? else {
        return Ok(Decision::UnknownKey);
    };
    if !live(&grant, state.clock.now()) {
        return Ok(Decision::UnknownKey);
    }
    let path = normalize_path(uri);
    let covered = cache
        .read()
        .routes
        .iter()
        .find(|(prefix, _)| path.starts_with(prefix.as_str()))
        .is_some_and(|(_, product)| *product == grant.product_id);
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
    fn paths_are_matched_after_decoding_and_resolving_dots() {
        assert_eq!(
            normalize_path("/payments/v1/charges?x=1"),
            "/payments/v1/charges"
        );
        assert_eq!(normalize_path("/payments/"), "/payments/");
        assert_eq!(normalize_path("/payments"), "/payments");
        assert_eq!(normalize_path("/payments/../admin/x"), "/admin/x");
        assert_eq!(normalize_path("/payments/%2e%2e/admin/x"), "/admin/x");
        assert_eq!(normalize_path("/payments%2F..%2Fadmin/"), "/admin/");
        assert_eq!(normalize_path("//payments//v1"), "/payments/v1");
        assert_eq!(normalize_path("/PAYMENTS/x"), "/payments/x");
        assert_eq!(normalize_path("/../../"), "/");
        assert_eq!(normalize_path(""), "/");
        assert_eq!(normalize_path("/a/%zz/%"), "/a/%zz/%");
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
