//! The short notice a page shows after a change ("Name saved."). After a
//! form posted without JavaScript, the server's redirect back carries it as
//! `notice=<key>` in the address: only a key from this fixed list, whose
//! words are written here, so a link can never make a page say something
//! of its own.

/// The query parameter that carries a notice across a redirect.
pub const NOTICE_PARAM: &str = "notice";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    NameSaved,
    PasswordChanged,
    OtherSessionsEnded,
    OrganizationRenamed,
    OrganizationSuspended,
    OrganizationReactivated,
    InvitationResent,
    InvitationRevoked,
    SessionEnded,
    TwoFactorReset,
}

impl Notice {
    pub const ALL: [Notice; 10] = [
        Self::NameSaved,
        Self::PasswordChanged,
        Self::OtherSessionsEnded,
        Self::OrganizationRenamed,
        Self::OrganizationSuspended,
        Self::OrganizationReactivated,
        Self::InvitationResent,
        Self::InvitationRevoked,
        Self::SessionEnded,
        Self::TwoFactorReset,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Self::NameSaved => "name-saved",
            Self::PasswordChanged => "password-changed",
            Self::OtherSessionsEnded => "other-sessions-ended",
            Self::OrganizationRenamed => "organization-renamed",
            Self::OrganizationSuspended => "organization-suspended",
            Self::OrganizationReactivated => "organization-reactivated",
            Self::InvitationResent => "invitation-resent",
            Self::InvitationRevoked => "invitation-revoked",
            Self::SessionEnded => "session-ended",
            Self::TwoFactorReset => "two-factor-reset",
        }
    }

    /// The notice an address names, if it names one.
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|notice| notice.key() == key)
    }

    pub fn message(self) -> &'static str {
        match self {
            Self::NameSaved => "Your name is saved.",
            Self::PasswordChanged => "Your password is changed. Your other sessions are signed out.",
            Self::OtherSessionsEnded => "Your other sessions are signed out.",
            Self::OrganizationRenamed => "The organization is renamed.",
            Self::OrganizationSuspended => "The organization is suspended.",
            Self::OrganizationReactivated => "The organization is active again.",
            Self::InvitationResent => "The invitation is sent again.",
            Self::InvitationRevoked => "The invitation is revoked.",
            Self::SessionEnded => "The session is ended.",
            Self::TwoFactorReset => {
                "Their second factors are removed and they are signed out. They will set up a new one."
            }
        }
    }
}

/// `query` with `notice` set to `notice`'s key (and any notice it carried
/// before left out), the rest in its order.
pub fn with_notice(query: &str, notice: Notice) -> String {
    let kept = domain::query::pairs(query).into_iter().filter(|(key, _)| key != NOTICE_PARAM);
    let kept: Vec<(String, String)> = kept.collect();
    let pairs = kept.iter().map(|(key, value)| (key.as_str(), value.as_str()));
    domain::query::join(pairs.chain([(NOTICE_PARAM, notice.key())]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_listed_keys_are_notices() {
        assert_eq!(Notice::from_key("name-saved"), Some(Notice::NameSaved));
        assert_eq!(Notice::from_key("<script>"), None);
        assert_eq!(Notice::from_key("Your account is deleted"), None);
        assert_eq!(
            Notice::from_key(Notice::OrganizationReactivated.key()),
            Some(Notice::OrganizationReactivated)
        );
    }

    #[test]
    fn a_notice_replaces_the_last_and_keeps_the_rest() {
        assert_eq!(with_notice("", Notice::NameSaved), "notice=name-saved");
        assert_eq!(
            with_notice("page=2&notice=name-saved&q=a%20b", Notice::PasswordChanged),
            "page=2&q=a%20b&notice=password-changed"
        );
    }
}
