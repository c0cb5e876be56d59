/// Why a one-time token cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenProblem {
    Unknown,
    Expired,
    Used,
    Revoked,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("an account with this email address already exists")]
    EmailTaken,
    #[error("the token cannot be used: {0:?}")]
    Token(TokenProblem),
    #[error("setup is already complete: a super admin exists")]
    SetupDone,
    #[error("no such record")]
    NotFound,
    #[error("an organization with this URL name already exists")]
    SlugTaken,
    /// The change would leave an organization without an active admin
    /// (DESIGN invariant 1).
    #[error("an organization must keep at least one active admin")]
    LastAdmin,
    #[error("this person is already a member of the organization")]
    AlreadyMember,
    /// Another member of the organization has this SCIM `externalId`.
    #[error("another member has this external id")]
    ExternalIdTaken,
    /// An invitation tried to set a password on an account that has one.
    #[error("the account already exists; sign in to accept")]
    AccountExists,
    /// An org admin tried to delete an account that also belongs to
    /// another organization.
    #[error("the account belongs to another organization too")]
    BelongsElsewhere,
    /// A suspended account asked for something only an active one may do.
    #[error("the account is suspended")]
    AccountSuspended,
    /// A passkey with this credential ID is registered already.
    #[error("this passkey is registered already")]
    PasskeyTaken,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl StoreError {
    /// Maps the users table's unique index on email to [`StoreError::EmailTaken`].
    pub(crate) fn from_insert_user(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::Database(db) if db.is_unique_violation() => Self::EmailTaken,
            _ => Self::Database(error),
        }
    }

    pub(crate) fn from_insert_organization(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::Database(db) if db.is_unique_violation() => Self::SlugTaken,
            _ => Self::Database(error),
        }
    }

    pub(crate) fn from_insert_factor(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::Database(db) if db.is_unique_violation() => Self::PasskeyTaken,
            _ => Self::Database(error),
        }
    }

    pub(crate) fn from_insert_member(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::Database(db) if db.is_unique_violation() => Self::AlreadyMember,
            _ => Self::Database(error),
        }
    }
}
