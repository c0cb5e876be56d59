use std::{
    num::NonZeroUsize,
    sync::{Mutex, OnceLock, PoisonError},
};

use argon2::{
    Algorithm, Argon2, Block, Params, Version,
    password_hash::{self, Output, ParamsString, PasswordHash, Salt, SaltString},
};
use domain::NewPassword;

use crate::AppError;

/// OWASP's recommended argon2id configuration: 19 MiB, 2 iterations, 1 lane.
const ALGORITHM: Algorithm = Algorithm::Argon2id;
const VERSION: Version = Version::V0x13;
fn owasp_params() -> Params {
    Params::new(19 * 1024, 2, 1, None).expect("constant argon2 parameters are valid")
}

/// A new hash at the configured cost.
fn hash_at_owasp_cost<'a>(password: &[u8], salt: Salt<'a>) -> password_hash::Result<PasswordHash<'a>> {
    hash_in_kept_memory(ALGORITHM, VERSION, owasp_params(), password, salt)
}

/// argon2's own `hash_password` (the same PHC string), computed in work
/// memory kept from an earlier hash: allocating 19 MiB afresh for each hash
/// left the allocator either holding hundreds of megabytes after a burst of
/// sign-ins (blocks kept by its per-thread arenas) or faulting every page in
/// again for each hash (a third of the sign-in rate).
fn hash_in_kept_memory<'a>(
    algorithm: Algorithm,
    version: Version,
    params: Params,
    password: &[u8],
    salt: Salt<'a>,
) -> password_hash::Result<PasswordHash<'a>> {
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt.decode_b64(&mut salt_bytes)?;
    let output_len = params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN);
    let params_string = ParamsString::try_from(&params)?;
    let hasher = Argon2::new(algorithm, version, params);
    let output = Output::init_with(output_len, |out| {
        with_work_memory(hasher.params().block_count(), |blocks| {
            hasher.hash_password_into_with_memory(password, salt_bytes, out, blocks)
        })
        .map_err(password_hash::Error::from)
    })?;
    Ok(PasswordHash {
        algorithm: algorithm.ident(),
        version: Some(version.into()),
        params: params_string,
        salt: Some(salt),
        hash: Some(output),
    })
}

/// Lends `work` a buffer of `block_count` argon2 blocks, kept for the next
/// hash. At most one hash per core runs at a time ([`on_a_core`]), so at
/// most that many buffers exist: 19 MiB each, for the life of the server.
fn with_work_memory<T>(block_count: usize, work: impl FnOnce(&mut [Block]) -> T) -> T {
    static KEPT: Mutex<Vec<Vec<Block>>> = Mutex::new(Vec::new());
    let kept = KEPT.lock().unwrap_or_else(PoisonError::into_inner).pop();
    // One of another size (a stored hash of other parameters) is let go.
    let mut blocks = kept
        .filter(|blocks| blocks.len() == block_count)
        .unwrap_or_else(|| vec![Block::default(); block_count]);
    let result = work(&mut blocks);
    KEPT.lock().unwrap_or_else(PoisonError::into_inner).push(blocks);
    result
}

/// argon2's own verification (the parameters, salt and output of the
/// stored hash; outputs compared in constant time), in kept memory.
fn verify_in_kept_memory(candidate: &[u8], stored: &PasswordHash<'_>) -> bool {
    let (Some(salt), Some(expected)) = (stored.salt, stored.hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(version), Ok(params)) = (
        Algorithm::try_from(stored.algorithm),
        stored.version.map_or(Ok(Version::default()), Version::try_from),
        Params::try_from(stored),
    ) else {
        return false;
    };
    hash_in_kept_memory(algorithm, version, params, candidate, salt)
        .is_ok_and(|computed| computed.hash.is_some_and(|output| output == expected))
}

/// Runs argon2 work on the blocking pool (it takes tens of milliseconds of
/// CPU and must not stall the async runtime), at most one computation per
/// core at a time: each holds 19 MiB, so a burst of sign-ins would otherwise
/// start dozens at once and grow memory by hundreds of megabytes without
/// finishing any sooner. The rest wait their turn without holding a thread.
async fn on_a_core<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, tokio::task::JoinError> {
    static CORES: OnceLock<tokio::sync::Semaphore> = OnceLock::new();
    let cores = CORES.get_or_init(|| {
        tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(1, NonZeroUsize::get))
    });
    let _core = cores.acquire().await.expect("the semaphore is never closed");
    tokio::task::spawn_blocking(work).await
}

/// Hashes a new password (see [`on_a_core`]).
pub async fn hash(password: NewPassword) -> Result<String, AppError> {
    on_a_core(move || {
        let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>())
            .map_err(|e| tracing::error!(error = %e, "cannot encode a salt"))?;
        hash_at_owasp_cost(password.expose().as_bytes(), salt.as_salt())
            .map(|hash| hash.to_string())
            .map_err(|e| tracing::error!(error = %e, "cannot hash a password"))
    })
    .await
    .map_err(|e| tracing::error!(error = %e, "password hashing task failed"))
    .and_then(|result| result)
    .map_err(|()| AppError::Internal)
}

/// Vets a password someone is choosing, then hashes it. Beyond the length
/// rules of [`NewPassword`], NIST SP 800-63B asks to refuse passwords found in
/// lists of common or breached ones, repetitive or sequential ones, and ones
/// made of context (the person's own email or name): zxcvbn's bundled
/// dictionaries and pattern matchers judge exactly that.
pub async fn choose(password: NewPassword, context: Vec<String>) -> Result<String, AppError> {
    let vetted = tokio::task::spawn_blocking(move || {
        let context = context_words(&context);
        let context: Vec<&str> = context.iter().map(String::as_str).collect();
        let guessable = zxcvbn::zxcvbn(password.expose(), &context).score() < zxcvbn::Score::Two;
        (!guessable).then_some(password)
    })
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "password check failed");
        AppError::Internal
    })?;
    let password = vetted.ok_or_else(|| {
        AppError::invalid(
            "password",
            "This password is too common or too easy to guess. Choose a less predictable one.",
        )
    })?;
    hash(password).await
}

/// What a guesser knows about the person (their address, their name), as
/// whole strings and as the words in them: zxcvbn matches whole words.
fn context_words(context: &[String]) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for text in context {
        let text = text.to_lowercase();
        if let Some((local, _)) = text.split_once('@') {
            words.push(local.to_owned());
        }
        words.extend(text.split(|c: char| !c.is_alphanumeric()).filter(|w| w.len() >= 3).map(str::to_owned));
        words.push(text);
    }
    words
}

/// Checks a password against a stored hash. With no stored hash (no such
/// account, or one that never set a password) it verifies against a dummy
/// hash, so the answer takes as long either way and timing reveals nothing.
pub async fn verify(candidate: String, stored: Option<String>) -> bool {
    on_a_core(move || {
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| dummy_hash().to_owned());
        let matches = PasswordHash::new(&stored)
            .is_ok_and(|parsed| verify_in_kept_memory(candidate.as_bytes(), &parsed));
        known && matches
    })
    .await
    .unwrap_or(false)
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>()).expect("16 bytes encode");
        let secret = rand::random::<[u8; 32]>();
        hash_at_owasp_cost(&secret, salt.as_salt()).expect("hashing succeeds").to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// argon2's own hasher at the configured cost.
    fn argon2() -> Argon2<'static> {
        Argon2::new(ALGORITHM, VERSION, owasp_params())
    }

    fn password(text: &str) -> NewPassword {
        NewPassword::parse(text.to_owned()).unwrap()
    }

    #[tokio::test]
    async fn hashes_with_argon2id_at_owasp_cost_and_verifies() {
        let stored = hash(password("correct horse battery")).await.unwrap();
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{stored}");
        assert!(verify("correct horse battery".into(), Some(stored.clone())).await);
        assert!(!verify("Correct horse battery".into(), Some(stored)).await);
    }

    #[tokio::test]
    async fn common_and_predictable_passwords_are_refused() {
        for weak in ["password", "password1", "12345678", "qwertyuiop", "aaaaaaaaaa", "abcdefgh"] {
            let refused = choose(password(weak), vec![]).await;
            assert!(matches!(&refused, Err(e) if e.field() == Some("password")), "{weak}: {refused:?}");
        }
        let own_email = choose(password("ada.lovelace"), vec!["ada.lovelace@example.com".into()]).await;
        assert!(own_email.is_err(), "a password made of the person's own address");
        assert!(choose(password("violet kettle orbit 42"), vec![]).await.is_ok());
    }

    /// Hashes made by argon2's own API (all stored before kept memory) still
    /// verify, and ours verify with it: the same PHC strings either way.
    #[tokio::test]
    async fn kept_memory_hashes_are_argon2s_own() {
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        let salt = SaltString::encode_b64(&[7; 16]).unwrap();
        let theirs = argon2().hash_password(b"violet kettle", &salt).unwrap().to_string();
        let ours = hash_at_owasp_cost(b"violet kettle", salt.as_salt()).unwrap().to_string();
        assert_eq!(ours, theirs);
        assert!(verify("violet kettle".into(), Some(theirs.clone())).await);
        assert!(!verify("violet kettles".into(), Some(theirs)).await);
        let ours = hash(password("violet kettle orbit")).await.unwrap();
        assert!(argon2().verify_password(b"violet kettle orbit", &PasswordHash::new(&ours).unwrap()).is_ok());
        // Other parameters (an older, cheaper hash) verify with their own.
        let cheaper = Argon2::new(ALGORITHM, VERSION, Params::new(8 * 1024, 1, 1, None).unwrap());
        let cheaper = cheaper.hash_password(b"violet kettle", &salt).unwrap().to_string();
        assert!(verify("violet kettle".into(), Some(cheaper.clone())).await);
        assert!(!verify("violet".into(), Some(cheaper)).await);
    }

    #[tokio::test]
    async fn no_stored_hash_never_verifies() {
        assert!(!verify(String::new(), None).await);
        assert!(!verify("anything at all".into(), None).await);
        assert!(!verify("x".into(), Some("not a hash".into())).await);
    }
}
