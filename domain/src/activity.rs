//! The vocabulary of activity: what audit events are called, and how a
//! sign-in attempt ended.

use serde::{Deserialize, Serialize};
use strum::{Display, EnumString, IntoStaticStr};

/// The names audit events are recorded under. They are stored, so a name
/// never changes once released.
pub mod action {
    pub const USER_CREATED: &str = "user.created";
    /// An account's sign-in address changed (by the organization's directory, over SCIM).
    pub const EMAIL_CHANGED: &str = "account.email_changed";
    pub const USER_RENAMED: &str = "user.renamed";
    /// A first-run setup link printed (by `roster` at start, until setup is done).
    pub const SETUP_LINK_ISSUED: &str = "setup.link_issued";
    pub const SETUP_COMPLETED: &str = "setup.completed";
    pub const SIGNED_IN: &str = "session.signed_in";
    pub const SIGNED_OUT: &str = "session.signed_out";
    /// A session ended by its owner from another one, or by an admin.
    pub const SESSION_ENDED: &str = "session.ended";
    /// "Sign out everywhere else".
    pub const OTHER_SESSIONS_ENDED: &str = "session.others_ended";
    pub const PASSWORD_CHANGED: &str = "password.changed";
    pub const ACCOUNT_SUSPENDED: &str = "account.suspended";
    pub const ACCOUNT_REACTIVATED: &str = "account.reactivated";
    pub const ORGANIZATION_CREATED: &str = "organization.created";
    pub const ORGANIZATION_RENAMED: &str = "organization.renamed";
    pub const ORGANIZATION_SUSPENDED: &str = "organization.suspended";
    pub const ORGANIZATION_REACTIVATED: &str = "organization.reactivated";
    pub const MEMBER_ADDED: &str = "member.added";
    pub const MEMBER_ROLE_CHANGED: &str = "member.role_changed";
    pub const MEMBER_SUSPENDED: &str = "member.suspended";
    pub const MEMBER_REACTIVATED: &str = "member.reactivated";
    pub const MEMBER_REMOVED: &str = "member.removed";
    pub const ACCOUNT_DELETED: &str = "account.deleted";
    pub const MEMBER_INVITED: &str = "member.invited";
    pub const INVITATION_RESENT: &str = "invitation.resent";
    pub const INVITATION_REVOKED: &str = "invitation.revoked";
    pub const INVITATION_ACCEPTED: &str = "invitation.accepted";
    pub const EMAIL_RETRIED: &str = "email.retried";
    pub const MEMBERS_SEEDED: &str = "members.seeded";
    pub const PASSWORD_RESET_SENT: &str = "password_reset.sent";
    pub const PASSWORD_RESET_COMPLETED: &str = "password_reset.completed";
    pub const APP_CREATED: &str = "app.created";
    pub const APP_UPDATED: &str = "app.updated";
    pub const APP_SECRET_ROTATED: &str = "app.secret_rotated";
    pub const APP_DISABLED: &str = "app.disabled";
    pub const APP_ENABLED: &str = "app.enabled";
    pub const APP_DELETED: &str = "app.deleted";
    /// A person signed in to an application with Roster (OpenID Connect).
    pub const APP_SIGNED_IN: &str = "app.signed_in";
    /// A person signed out of an application through Roster (RP-initiated logout).
    pub const APP_SIGNED_OUT: &str = "app.signed_out";
    /// An admin, or the person, ended their session in an application.
    pub const APP_SESSION_ENDED: &str = "app.session_ended";
    pub const SIGNING_KEY_ADDED: &str = "signing_key.added";
    pub const WEBHOOK_CREATED: &str = "webhook.created";
    pub const WEBHOOK_UPDATED: &str = "webhook.updated";
    pub const WEBHOOK_SECRET_ROTATED: &str = "webhook.secret_rotated";
    /// Disabled by an admin, or by Roster after a day of failed deliveries.
    pub const WEBHOOK_DISABLED: &str = "webhook.disabled";
    pub const WEBHOOK_ENABLED: &str = "webhook.enabled";
    pub const WEBHOOK_DELETED: &str = "webhook.deleted";
    pub const WEBHOOK_TEST_SENT: &str = "webhook.test_sent";
    pub const WEBHOOK_RESENT: &str = "webhook.resent";
    /// A key for the management API (`/v1`) made, of the installation or an organization.
    pub const API_KEY_CREATED: &str = "api_key.created";
    pub const API_KEY_REVOKED: &str = "api_key.revoked";
    /// A bearer token for the organization's SCIM service provider (`/scim/v2`).
    pub const SCIM_TOKEN_CREATED: &str = "scim_token.created";
    pub const SCIM_TOKEN_REVOKED: &str = "scim_token.revoked";
    /// The display name of a role's SCIM group, or whether SCIM sends welcome emails.
    pub const SCIM_SETTINGS_CHANGED: &str = "scim.settings_changed";
    /// An authenticator app or passkey added, or one removed by its owner.
    pub const TWO_FACTOR_ADDED: &str = "two_factor.added";
    pub const TWO_FACTOR_REMOVED: &str = "two_factor.removed";
    pub const RECOVERY_CODES_GENERATED: &str = "two_factor.recovery_codes_generated";
    /// An admin removed every second factor of someone who was locked out.
    pub const TWO_FACTOR_RESET: &str = "two_factor.reset";
    /// Who must use a second factor, for an organization or for super admins.
    pub const TWO_FACTOR_POLICY_CHANGED: &str = "two_factor.policy_changed";
}

/// Every action with its label, in the order the audit log's filter lists them.
pub const ACTIONS: [(&str, &str); 58] = [
    (action::SIGNED_IN, "Signed in"),
    (action::SIGNED_OUT, "Signed out"),
    (action::SESSION_ENDED, "Session ended"),
    (action::OTHER_SESSIONS_ENDED, "Signed out everywhere else"),
    (action::PASSWORD_CHANGED, "Password changed"),
    (action::PASSWORD_RESET_SENT, "Password reset sent"),
    (action::PASSWORD_RESET_COMPLETED, "Password reset completed"),
    (action::MEMBER_INVITED, "Invited"),
    (action::INVITATION_RESENT, "Invitation resent"),
    (action::INVITATION_REVOKED, "Invitation withdrawn"),
    (action::INVITATION_ACCEPTED, "Invitation accepted"),
    (action::MEMBER_ADDED, "Member added"),
    (action::MEMBER_ROLE_CHANGED, "Role changed"),
    (action::MEMBER_SUSPENDED, "Member suspended"),
    (action::MEMBER_REACTIVATED, "Member reactivated"),
    (action::MEMBER_REMOVED, "Removed from organization"),
    (action::ACCOUNT_SUSPENDED, "Account suspended"),
    (action::ACCOUNT_REACTIVATED, "Account reactivated"),
    (action::ACCOUNT_DELETED, "Account deleted"),
    (action::USER_CREATED, "Account created"),
    (action::USER_RENAMED, "Name changed"),
    (action::EMAIL_CHANGED, "Email address changed"),
    (action::SETUP_LINK_ISSUED, "Setup link issued"),
    (action::SETUP_COMPLETED, "First-run setup completed"),
    (action::ORGANIZATION_CREATED, "Organization created"),
    (action::ORGANIZATION_RENAMED, "Organization renamed"),
    (action::ORGANIZATION_SUSPENDED, "Organization suspended"),
    (action::ORGANIZATION_REACTIVATED, "Organization reactivated"),
    (action::EMAIL_RETRIED, "Email retried"),
    (action::MEMBERS_SEEDED, "Demo members added"),
    (action::APP_SIGNED_IN, "Signed in to an app"),
    (action::APP_SIGNED_OUT, "Signed out of an app"),
    (action::APP_SESSION_ENDED, "App session ended"),
    (action::APP_CREATED, "App registered"),
    (action::APP_UPDATED, "App changed"),
    (action::APP_SECRET_ROTATED, "App secret replaced"),
    (action::APP_DISABLED, "App disabled"),
    (action::APP_ENABLED, "App enabled"),
    (action::APP_DELETED, "App deleted"),
    (action::SIGNING_KEY_ADDED, "Signing key added"),
    (action::WEBHOOK_CREATED, "Webhook registered"),
    (action::WEBHOOK_UPDATED, "Webhook changed"),
    (action::WEBHOOK_SECRET_ROTATED, "Webhook secret rotated"),
    (action::WEBHOOK_DISABLED, "Webhook disabled"),
    (action::WEBHOOK_ENABLED, "Webhook enabled"),
    (action::WEBHOOK_DELETED, "Webhook deleted"),
    (action::WEBHOOK_TEST_SENT, "Webhook test event sent"),
    (action::WEBHOOK_RESENT, "Webhook delivery resent"),
    (action::API_KEY_CREATED, "API key created"),
    (action::API_KEY_REVOKED, "API key revoked"),
    (action::SCIM_TOKEN_CREATED, "SCIM token created"),
    (action::SCIM_TOKEN_REVOKED, "SCIM token revoked"),
    (action::SCIM_SETTINGS_CHANGED, "Provisioning settings changed"),
    (action::TWO_FACTOR_ADDED, "Second factor added"),
    (action::TWO_FACTOR_REMOVED, "Second factor removed"),
    (action::RECOVERY_CODES_GENERATED, "Recovery codes generated"),
    (action::TWO_FACTOR_RESET, "Two-factor reset"),
    (action::TWO_FACTOR_POLICY_CHANGED, "Two-factor requirement changed"),
];

/// What a person reads for an action; an unknown name (from a newer
/// release, say) reads as itself.
pub fn action_label(action: &str) -> &str {
    ACTIONS.iter().find(|(name, _)| *name == action).map_or(action, |(_, label)| label)
}

/// How a sign-in attempt on an existing account ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(Display, EnumString, IntoStaticStr)]
#[strum(serialize_all = "snake_case", parse_err_ty = String, parse_err_fn = unknown_outcome)]
pub enum SignInOutcome {
    Succeeded,
    WrongPassword,
    /// The account has no password yet (an invitation not accepted).
    NoPassword,
    /// The right password, on a suspended account.
    Suspended,
    /// Refused before the password was checked: too many recent attempts.
    RateLimited,
    /// The right password, then a wrong code or passkey at the second step.
    WrongCode,
}

impl SignInOutcome {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Succeeded => "Signed in",
            Self::WrongPassword => "Wrong password",
            Self::NoPassword => "No password set yet",
            Self::Suspended => "Refused: suspended",
            Self::RateLimited => "Refused: too many attempts",
            Self::WrongCode => "Wrong second factor",
        }
    }
}

fn unknown_outcome(name: &str) -> String {
    format!("unknown sign-in outcome {name:?}")
}

impl TryFrom<String> for SignInOutcome {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_one_label() {
        let mut names: Vec<_> = ACTIONS.iter().map(|(name, _)| *name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ACTIONS.len());
        assert_eq!(action_label(action::MEMBER_ROLE_CHANGED), "Role changed");
        assert_eq!(action_label("something.new"), "something.new");
    }

    #[test]
    fn outcomes_round_trip_through_their_stored_names() {
        for outcome in [
            SignInOutcome::Succeeded,
            SignInOutcome::WrongPassword,
            SignInOutcome::NoPassword,
            SignInOutcome::Suspended,
            SignInOutcome::RateLimited,
            SignInOutcome::WrongCode,
        ] {
            assert_eq!(outcome.as_str().parse::<SignInOutcome>(), Ok(outcome));
        }
        assert!("maybe".parse::<SignInOutcome>().is_err());
    }

    /// The names are stored: they never change.
    #[test]
    fn outcome_names_are_the_stored_ones() {
        assert_eq!(
            [
                SignInOutcome::Succeeded,
                SignInOutcome::WrongPassword,
                SignInOutcome::NoPassword,
                SignInOutcome::Suspended,
                SignInOutcome::RateLimited,
            ]
            .map(SignInOutcome::as_str),
            ["succeeded", "wrong_password", "no_password", "suspended", "rate_limited"]
        );
    }
}
