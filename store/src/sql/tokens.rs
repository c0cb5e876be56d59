//! One-time tokens (setup, invitation and reset links), redeemed inside the caller's transaction.

use chrono::{DateTime, Utc};

use super::{Conn, DbStore};
use crate::{Result, StoreError, TokenProblem, dialect::Dialect, tokens::TokenKind, tokens::TokenRecord};

/// The one-time token of `kind` with this hash, locked for the
/// caller's transaction (SQLite: the whole database is, by the write
/// transaction), so a concurrent redemption waits and then sees it
/// used; refused unless it can be redeemed at `at`.
pub(super) async fn redeemable_token(
    conn: &mut Conn,
    kind: TokenKind,
    token_hash: &str,
    at: DateTime<Utc>,
) -> Result<TokenRecord> {
    let token: TokenRecord = sqlx::query_as(&format!(
        "SELECT id, user_id, organization_id, created_at, expires_at, used_at, revoked_at
         FROM tokens WHERE kind = $1 AND token_hash = $2{}",
        DbStore::FOR_UPDATE
    ))
    .bind(kind.as_str())
    .bind(token_hash)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::Token(TokenProblem::Unknown))?;
    token.check(at).map_err(StoreError::Token)?;
    Ok(token)
}
