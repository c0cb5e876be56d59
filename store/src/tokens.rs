//! One-time tokens: setup, invitation and password-reset links, stored as hashes.

use chrono::{DateTime, Utc};

use crate::TokenProblem;

/// Its name (`as_str`) is the one stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum TokenKind {
    Setup,
    Invitation,
    PasswordReset,
}

impl TokenKind {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct TokenRecord {
    pub id: i64,
    pub user_id: Option<i64>,
    pub organization_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl TokenRecord {
    /// Whether the token can be redeemed at `now`; a used token reports
    /// "used" even once it has also expired, since that is the better answer.
    pub fn check(&self, now: DateTime<Utc>) -> Result<(), TokenProblem> {
        if self.used_at.is_some() {
            Err(TokenProblem::Used)
        } else if self.revoked_at.is_some() {
            Err(TokenProblem::Revoked)
        } else if now >= self.expires_at {
            Err(TokenProblem::Expired)
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    fn token(now: DateTime<Utc>) -> TokenRecord {
        TokenRecord {
            id: 1,
            user_id: None,
            organization_id: None,
            created_at: now,
            expires_at: now + Duration::hours(1),
            used_at: None,
            revoked_at: None,
        }
    }

    #[test]
    fn a_token_is_usable_until_it_expires() {
        let now = Utc::now();
        let token = token(now);
        assert_eq!(token.check(now), Ok(()));
        assert_eq!(token.check(now + Duration::minutes(59)), Ok(()));
        assert_eq!(token.check(now + Duration::hours(1)), Err(TokenProblem::Expired));
    }

    #[test]
    fn used_and_revoked_tokens_say_so() {
        let now = Utc::now();
        let used = TokenRecord { used_at: Some(now), ..token(now) };
        assert_eq!(used.check(now + Duration::days(1)), Err(TokenProblem::Used));
        let revoked = TokenRecord { revoked_at: Some(now), ..token(now) };
        assert_eq!(revoked.check(now), Err(TokenProblem::Revoked));
    }

    #[test]
    fn stored_names_stay_as_released() {
        let kinds =
            [TokenKind::Setup, TokenKind::Invitation, TokenKind::PasswordReset].map(TokenKind::as_str);
        assert_eq!(kinds, ["setup", "invitation", "password_reset"]);
    }
}
