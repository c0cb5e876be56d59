use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::Utc;
use sha2::{Digest, Sha256};
use store::{StoreError, TokenKind, TokenRecord};

use super::AppState;
use crate::{AppError, error::LinkProblem};

/// A fresh secret for a session cookie or a link. `clear` goes to the person
/// exactly once; only `hash` is stored (DESIGN invariant 3).
pub struct IssuedToken {
    pub clear: String,
    pub hash: String,
}

/// 256 bits from a cryptographically secure generator, URL-safe.
pub fn issue() -> IssuedToken {
    let clear = URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>());
    IssuedToken { hash: hash(&clear), clear }
}

/// The stored form of a token. The tokens carry 256 bits of entropy, so a
/// fast unsalted hash is enough: there is nothing to brute-force.
pub fn hash(clear: &str) -> String {
    format!("{:x}", Sha256::digest(clear.as_bytes()))
}

/// The stored token of `kind` for a link's `clear` token, if it can still
/// be redeemed; otherwise why not (unknown, expired, used, withdrawn), so a
/// page can say so before anyone fills in its form.
pub async fn redeemable(state: &AppState, kind: TokenKind, clear: &str) -> Result<TokenRecord, AppError> {
    let record =
        state.store.find_token(kind, &hash(clear)).await?.ok_or(AppError::Link(LinkProblem::Invalid))?;
    record.check(Utc::now()).map_err(StoreError::Token)?;
    Ok(record)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_unique_and_stored_only_as_hashes() {
        let a = issue();
        let b = issue();
        assert_eq!(a.clear.len(), 43, "32 bytes in unpadded base64");
        assert_ne!(a.clear, b.clear);
        assert_ne!(a.hash, a.clear);
        assert_eq!(a.hash, hash(&a.clear));
        assert_eq!(a.hash.len(), 64);
    }
}
