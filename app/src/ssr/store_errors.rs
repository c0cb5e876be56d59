use domain::policy::Refusal;
use store::{StoreError, TokenProblem};

use crate::{AppError, error::LinkProblem};

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::EmailTaken => {
                AppError::invalid("email", "An account with this email address already exists.")
            }
            StoreError::Token(problem) => AppError::Link(match problem {
                TokenProblem::Unknown => LinkProblem::Invalid,
                TokenProblem::Expired => LinkProblem::Expired,
                TokenProblem::Used => LinkProblem::Used,
                TokenProblem::Revoked => LinkProblem::Revoked,
            }),
            StoreError::SetupDone => {
                AppError::Conflict("Roster is already set up. Sign in instead.".to_owned())
            }
            StoreError::NotFound => AppError::NotFound,
            StoreError::SlugTaken => {
                AppError::invalid("slug", "Another organization already uses this URL name. Choose another.")
            }
            StoreError::LastAdmin => AppError::Conflict(
                "An organization must keep at least one active admin. Make someone else an admin first."
                    .to_owned(),
            ),
            StoreError::AlreadyMember => AppError::Conflict("This person is already a member.".to_owned()),
            StoreError::ExternalIdTaken => {
                AppError::Conflict("Another member has this external id.".to_owned())
            }
            StoreError::AccountExists => AppError::Conflict(
                "This address already has an account: sign in to accept the invitation.".to_owned(),
            ),
            StoreError::AccountSuspended => AppError::AccountSuspended,
            StoreError::PasskeyTaken => AppError::Conflict("This passkey is registered already.".to_owned()),
            StoreError::BelongsElsewhere => Refusal::BelongsElsewhere.into(),
            StoreError::Database(_) | StoreError::Migrate(_) => {
                tracing::error!(error = %error, "database error");
                AppError::Internal
            }
        }
    }
}
