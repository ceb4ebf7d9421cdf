//! argon2id hashing off the async runtime, with bounded concurrency, memory reused between
//! hashes, and a dummy hash for unknown users.

use argon2::password_hash::{Output, ParamsString, PasswordHash, Salt, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use std::sync::{Arc, Mutex};
use tokio::sync::Semaphore;

/// Hashes and verifies passwords on the blocking pool, at most `permits` at a time, so a burst of
/// logins cannot starve the runtime or exhaust memory.
///
/// Each hash works in 19 MiB of memory. Allocated anew for every hash, those blocks stayed with
/// the process after a burst of sign-ins (the allocator keeps large freed blocks in the arenas of
/// the blocking threads that used them: measured 93 → 521 MB after 150 sign-ins). Here a hash
/// borrows a block set from `memory` and gives it back, so there are never more sets than
/// permits, and the process's memory for hashing is bounded by `permits` × 19 MiB.
#[derive(Clone)]
pub struct PasswordHasher {
    permits: Arc<Semaphore>,
    params: Params,
    dummy_hash: Arc<str>,
    memory: Arc<Mutex<Vec<Vec<Block>>>>,
}

#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("argon2: {0}")]
    Argon2(String),
    #[error("hashing task failed: {0}")]
    Join(#[from] tokio::task::JoinError),
    #[error("hasher closed")]
    Closed,
}

impl PasswordHasher {
    /// OWASP's argon2id minimum: m = 19 MiB, t = 2, p = 1.
    pub fn new(permits: usize) -> Result<Self, HashError> {
        let params =
            Params::new(19 * 1024, 2, 1, None).map_err(|e| HashError::Argon2(e.to_string()))?;
        let dummy = "portico dummy password for unknown users";
        let mut blocks = Vec::new();
        let dummy_hash = hash_blocking(&params, dummy, &mut blocks)?;
        let memory = Arc::new(Mutex::new(vec![blocks]));
        Ok(Self {
            permits: Arc::new(Semaphore::new(permits.max(1))),
            params,
            dummy_hash: dummy_hash.into(),
            memory,
        })
    }

    /// Runs `work` on the blocking pool with a block set from the pool, which it gives back
    /// after; only ever called under a permit, so the pool never holds more sets than permits.
    async fn with_memory<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Vec<Block>) -> Result<T, HashError> + Send + 'static,
    ) -> Result<T, HashError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| HashError::Closed)?;
        let memory = self.memory.clone();
        tokio::task::spawn_blocking(move || {
            let mut blocks = take(&memory).unwrap_or_default();
            let result = work(&mut blocks);
            give_back(&memory, blocks);
            result
        })
        .await?
    }

    pub async fn hash(&self, password: &str) -> Result<String, HashError> {
        let params = self.params.clone();
        let password = password.to_owned();
        self.with_memory(move |blocks| hash_blocking(&params, &password, blocks))
            .await
    }

    /// Verifies `password` against `hash`; with no hash (unknown user, or no password set) it
    /// verifies against a dummy so the time taken does not tell the two apart, and answers false.
    pub async fn verify(&self, password: &str, hash: Option<&str>) -> Result<bool, HashError> {
        let real = hash.is_some();
        let hash = hash
            .map(str::to_owned)
            .unwrap_or_else(|| self.dummy_hash.to_string());
        let password = password.to_owned();
        let ok = self
            .with_memory(move |blocks| verify_blocking(&password, &hash, blocks))
            .await?;
        Ok(ok && real)
    }
}

fn argon2_error(e: impl std::fmt::Display) -> HashError {
    HashError::Argon2(e.to_string())
}

/// A block set from the pool, if one is free.
fn take(memory: &Mutex<Vec<Vec<Block>>>) -> Option<Vec<Block>> {
    memory.lock().ok()?.pop()
}

fn give_back(memory: &Mutex<Vec<Vec<Block>>>, blocks: Vec<Block>) {
    if let Ok(mut pool) = memory.lock() {
        pool.push(blocks);
    }
}

/// The argon2 output of `len` bytes for `password` and `salt`, computed in `blocks` (grown to
/// what `argon2`'s parameters need).
fn compute(
    argon2: &Argon2<'_>,
    password: &str,
    salt: Salt<'_>,
    len: usize,
    blocks: &mut Vec<Block>,
) -> Result<Output, HashError> {
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt.decode_b64(&mut salt_bytes).map_err(argon2_error)?;
    blocks.resize(argon2.params().block_count(), Block::default());
    Output::init_with(len, |out| {
        argon2
            .hash_password_into_with_memory(
                password.as_bytes(),
                salt_bytes,
                out,
                blocks.as_mut_slice(),
            )
            .map_err(|_| argon2::password_hash::Error::Crypto)
    })
    .map_err(argon2_error)
}

/// A new PHC string (`$argon2id$v=19$m=…`) for `password`, as `argon2`'s own `hash_password`
/// writes it, computed in `blocks`.
fn hash_blocking(
    params: &Params,
    password: &str,
    blocks: &mut Vec<Block>,
) -> Result<String, HashError> {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let output = compute(
        &argon2,
        password,
        salt.as_salt(),
        Params::DEFAULT_OUTPUT_LEN,
        blocks,
    )?;
    let hash = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(params).map_err(argon2_error)?,
        salt: Some(salt.as_salt()),
        hash: Some(output),
    };
    Ok(hash.to_string())
}

/// Whether `password` matches the PHC string `hash`, computed in `blocks` with the algorithm,
/// version and parameters the string names; the comparison takes the same time whatever differs.
fn verify_blocking(password: &str, hash: &str, blocks: &mut Vec<Block>) -> Result<bool, HashError> {
    let parsed = PasswordHash::new(hash).map_err(argon2_error)?;
    let algorithm = Algorithm::try_from(parsed.algorithm).map_err(argon2_error)?;
    let version = match parsed.version {
        Some(v) => Version::try_from(v).map_err(argon2_error)?,
        None => Version::default(),
    };
    let params = Params::try_from(&parsed).map_err(argon2_error)?;
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return Ok(false);
    };
    let argon2 = Argon2::new(algorithm, version, params);
    let computed = compute(&argon2, password, salt, expected.len(), blocks)?;
    // `Output`'s equality is constant-time.
    Ok(computed == expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn verifies(hasher: &PasswordHasher, password: &str, hash: Option<&str>) -> bool {
        hasher.verify(password, hash).await.expect("verify")
    }

    #[tokio::test]
    async fn hashes_with_argon2id_owasp_parameters_and_verifies() {
        let hasher = PasswordHasher::new(2).expect("hasher");
        let hash = hasher.hash("correct horse battery").await.expect("hash");
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verifies(&hasher, "correct horse battery", Some(&hash)).await);
        assert!(!verifies(&hasher, "wrong horse battery", Some(&hash)).await);
        assert!(!verifies(&hasher, "portico dummy password for unknown users", None).await);
    }

    #[tokio::test]
    async fn hashes_made_by_the_argon2_crate_itself_still_verify() {
        use argon2::password_hash::PasswordHasher as _;
        let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
        let params = Params::new(8 * 1024, 1, 1, None).expect("params");
        let theirs = Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password(b"an older long password", &salt)
            .expect("hash")
            .to_string();
        let hasher = PasswordHasher::new(1).expect("hasher");
        assert!(verifies(&hasher, "an older long password", Some(&theirs)).await);
        assert!(!verifies(&hasher, "an older long passwore", Some(&theirs)).await);
        // And ours verify with the crate's own verifier.
        use argon2::password_hash::PasswordVerifier as _;
        let ours = hasher.hash("a new long password").await.expect("hash");
        let parsed = PasswordHash::new(&ours).expect("parse");
        assert!(
            Argon2::default()
                .verify_password(b"a new long password", &parsed)
                .is_ok()
        );
    }

    #[tokio::test]
    async fn the_memory_pool_never_holds_more_block_sets_than_permits() {
        let hasher = PasswordHasher::new(2).expect("hasher");
        let mut tasks = Vec::new();
        for i in 0..8 {
            let hasher = hasher.clone();
            tasks.push(tokio::spawn(async move {
                hasher.hash(&format!("password number {i}")).await
            }));
        }
        for task in tasks {
            task.await.expect("join").expect("hash");
        }
        let pool = hasher.memory.lock().expect("pool");
        assert!(pool.len() <= 2, "{} block sets for 2 permits", pool.len());
        assert!(pool.iter().all(|b| b.len() == 19 * 1024));
    }
}
