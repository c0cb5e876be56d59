use std::{num::NonZeroUsize, sync::OnceLock};

use argon2::{
    Algorithm, Argon2, Params, Version,
    password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
};
use domain::NewPassword;

use crate::AppError;

/// OWASP's recommended argon2id configuration: 19 MiB, 2 iterations, 1 lane.
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("constant argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
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
        argon2()
            .hash_password(password.expose().as_bytes(), &salt)
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
            .map(|parsed| argon2().verify_password(candidate.as_bytes(), &parsed).is_ok())
            .unwrap_or(false);
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
        argon2().hash_password(&secret, &salt).expect("hashing succeeds").to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[tokio::test]
    async fn no_stored_hash_never_verifies() {
        assert!(!verify(String::new(), None).await);
        assert!(!verify("anything at all".into(), None).await);
        assert!(!verify("x".into(), Some("not a hash".into())).await);
    }
}
