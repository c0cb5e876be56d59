use chrono::{DateTime, Utc};
use domain::{AccountStatus, DisplayName, Email, MembershipStatus, OrganizationStatus, Role};

use crate::TokenRecord;

/// Who made a change, for its audit event. `user_id` is `None` for the
/// command line and for anonymous flows such as first-run setup.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub ip: Option<String>,
    /// The API key the change was made with (on behalf of `user_id`, its creator).
    pub api_key_id: Option<i64>,
}

impl Actor {
    pub fn system() -> Self {
        Self::default()
    }
}

/// The names audit events are recorded under (shared with the pages, which label them).
pub use domain::action;

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct AuditRecord {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_user_id: Option<i64>,
    pub actor_ip: Option<String>,
    pub organization_id: Option<i64>,
    pub action: String,
    pub target_user_id: Option<i64>,
    pub details: String,
    pub api_key_id: Option<i64>,
}

pub struct NewUser {
    pub email: Email,
    pub name: DisplayName,
    pub password_hash: String,
    pub is_super_admin: bool,
}

/// A made-up person for `roster seed-demo` and the benchmark: an account and
/// its membership, with a history.
#[derive(Debug, Clone)]
pub struct SeedMember {
    pub email: Email,
    pub name: DisplayName,
    /// `None` for an invitee who has not accepted yet.
    pub password_hash: Option<String>,
    pub role: Role,
    pub status: MembershipStatus,
    pub created_at: DateTime<Utc>,
    pub joined_at: Option<DateTime<Utc>>,
    pub last_sign_in_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct UserRecord {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub is_super_admin: bool,
    #[sqlx(try_from = "String")]
    pub status: AccountStatus,
    pub created_at: DateTime<Utc>,
    pub last_sign_in_at: Option<DateTime<Utc>>,
}

/// What sign-in needs to know about an address.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SignInRecord {
    pub id: i64,
    pub password_hash: Option<String>,
    #[sqlx(try_from = "String")]
    pub status: AccountStatus,
}

pub struct NewSession {
    pub user_id: i64,
    pub token_hash: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// How the person proved who they are (OpenID Connect `amr`).
    pub amr: domain::Amr,
    /// The second step given, for the sign-in history.
    pub second_step: Option<domain::SecondStep>,
    /// The person must enroll a second factor before doing anything else.
    pub must_enroll: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SessionRecord {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub user: UserRecord,
    /// How the person signed in (OpenID Connect `amr`).
    pub amr: domain::Amr,
    /// When they last gave a second factor in this session.
    pub factor_verified_at: Option<DateTime<Utc>>,
    /// They must enroll a second factor before doing anything else.
    pub must_enroll: bool,
}

/// The row shape of a session joined with its user; both stores decode into it.
#[derive(sqlx::FromRow)]
pub(crate) struct SessionRow {
    session_id: i64,
    session_created_at: DateTime<Utc>,
    last_seen_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    revoked_at: Option<DateTime<Utc>>,
    amr: String,
    factor_verified_at: Option<DateTime<Utc>>,
    must_enroll: bool,
    #[sqlx(flatten)]
    user: UserRecord,
}

impl From<SessionRow> for SessionRecord {
    fn from(row: SessionRow) -> Self {
        Self {
            id: row.session_id,
            created_at: row.session_created_at,
            last_seen_at: row.last_seen_at,
            expires_at: row.expires_at,
            revoked_at: row.revoked_at,
            user: row.user,
            amr: domain::Amr::parse(&row.amr),
            factor_verified_at: row.factor_verified_at,
            must_enroll: row.must_enroll,
        }
    }
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct OrganizationRecord {
    pub id: i64,
    pub slug: String,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub status: OrganizationStatus,
    pub created_at: DateTime<Utc>,
}

/// An organization with its member count, for lists.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct OrganizationSummary {
    #[sqlx(flatten)]
    pub organization: OrganizationRecord,
    pub member_count: i64,
}

/// An account with every organization it belongs to, for the all-users view.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountSummary {
    pub user: UserRecord,
    pub memberships: Vec<MembershipRecord>,
}

/// One of a user's memberships, with its organization.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct MembershipRecord {
    pub organization_id: i64,
    pub slug: String,
    pub organization_name: String,
    #[sqlx(try_from = "String")]
    pub organization_status: OrganizationStatus,
    #[sqlx(try_from = "String")]
    pub role: Role,
    #[sqlx(try_from = "String")]
    pub status: MembershipStatus,
    pub joined_at: Option<DateTime<Utc>>,
}

impl MembershipRecord {
    /// Whether this membership lets its holder act in the organization.
    pub fn is_usable(&self) -> bool {
        self.status == MembershipStatus::Active && self.organization_status == OrganizationStatus::Active
    }
}

/// What the access policy needs to know about the person an action is about.
#[derive(Debug, Clone, PartialEq)]
pub struct SubjectRecord {
    pub user_id: i64,
    pub is_super_admin: bool,
    pub organization_ids: Vec<i64>,
}

/// One row of an organization's members table.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct MemberRow {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    #[sqlx(try_from = "String")]
    pub status: MembershipStatus,
    pub joined_at: Option<DateTime<Utc>>,
    pub last_sign_in_at: Option<DateTime<Utc>>,
    /// Whether they have a second factor.
    pub two_factor: bool,
}

/// How many members of an organization have one role and status: a sum
/// of the tallies of migration 0005, read without counting rows.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MemberTally {
    #[sqlx(try_from = "String")]
    pub role: Role,
    #[sqlx(try_from = "String")]
    pub status: MembershipStatus,
    pub members: i64,
}

/// An organization's invitations: those whose newest link still works, and
/// those whose newest link has expired (or was withdrawn) unanswered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct InvitationCounts {
    pub pending: i64,
    pub expired: i64,
}

/// Which invitations a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvitationFilter {
    All,
    /// The newest link still works.
    Pending,
    /// The newest link has expired, or there is none.
    Expired,
}

/// How much mail waits in the outbox, and how much gave up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OutboxCounts {
    pub queued: i64,
    pub failed: i64,
}

/// A page of members: `page` is the one actually shown, which is the last
/// one when the requested page lies past the end.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberPage {
    pub items: Vec<MemberRow>,
    pub total: i64,
    pub page: u32,
}

/// A page of results and how many there are in all.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
}

/// An email to write to the outbox with the change that causes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEmail {
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
}

/// A one-time link and the email that carries it.
#[derive(Debug, Clone)]
pub struct NewInvitation {
    pub organization_id: i64,
    pub email: Email,
    pub role: Role,
    pub token_hash: String,
    pub expires_at: DateTime<Utc>,
    pub mail: NewEmail,
}

/// An account to delete, see [`crate::Store::delete_account`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountDeletion {
    pub user_id: i64,
    /// For an org admin: the account must belong to this organization and
    /// no other, checked under the same locks as the deletion.
    pub confined_to: Option<i64>,
    /// Also erase what other records hold about the person: emails sent to
    /// them, the IP addresses of their actions, reasons written about them.
    pub with_data: bool,
}

/// A password-reset link and the email that carries it.
#[derive(Debug, Clone)]
pub struct NewPasswordReset {
    pub user_id: i64,
    /// The organization whose admin sent it; `None` when the person asked.
    pub organization_id: Option<i64>,
    pub token_hash: String,
    pub expires_at: DateTime<Utc>,
    pub mail: NewEmail,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InviteOutcome {
    Invited,
    AlreadyMember,
    AlreadyInvited,
}

/// A pending invitation, as the organization's admins see it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PendingInvitation {
    pub user_id: i64,
    pub email: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub invited_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub invited_by: Option<String>,
}

/// What the person who opens an invitation link is shown.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct InvitationRecord {
    #[sqlx(flatten)]
    pub token: TokenRecord,
    pub email: String,
    pub has_password: bool,
    pub organization_slug: String,
    pub organization_name: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub invited_by: Option<String>,
}

/// The name and password an invitee without an account chooses.
#[derive(Debug, Clone)]
pub struct NewCredentials {
    pub name: DisplayName,
    pub password_hash: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptedInvitation {
    pub user_id: i64,
    pub organization_slug: String,
}

/// Its name (`as_str`) is the one stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumString, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum OutboxStatus {
    Queued,
    Sent,
    Failed,
}

impl OutboxStatus {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

impl TryFrom<String> for OutboxStatus {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse().map_err(|_| format!("unknown outbox status {value:?}"))
    }
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct OutboxRecord {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    #[sqlx(try_from = "String")]
    pub status: OutboxStatus,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::OutboxStatus;

    #[test]
    fn outbox_statuses_read_back_as_stored() {
        for status in [OutboxStatus::Queued, OutboxStatus::Sent, OutboxStatus::Failed] {
            assert_eq!(OutboxStatus::try_from(status.as_str().to_owned()), Ok(status));
        }
        assert_eq!(OutboxStatus::Queued.as_str(), "queued");
        assert!(OutboxStatus::try_from("Queued".to_owned()).is_err());
    }
}
