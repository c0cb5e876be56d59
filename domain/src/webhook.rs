//! Webhooks: the events Roster announces, what an endpoint's registration
//! must look like, and which network addresses a delivery may go to.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use strum::{EnumString, IntoStaticStr};
use url::Url;

use crate::action;

/// An event an endpoint may subscribe to. The names are sent (`type`) and
/// stored, so a name never changes once released.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, EnumString, IntoStaticStr)]
pub enum WebhookEvent {
    #[strum(serialize = "member.invited")]
    MemberInvited,
    #[strum(serialize = "member.joined")]
    MemberJoined,
    #[strum(serialize = "member.role_changed")]
    MemberRoleChanged,
    #[strum(serialize = "member.suspended")]
    MemberSuspended,
    #[strum(serialize = "member.reactivated")]
    MemberReactivated,
    #[strum(serialize = "member.removed")]
    MemberRemoved,
    #[strum(serialize = "account.suspended")]
    AccountSuspended,
    #[strum(serialize = "account.reactivated")]
    AccountReactivated,
    #[strum(serialize = "account.deleted")]
    AccountDeleted,
    #[strum(serialize = "password_reset.sent")]
    PasswordResetSent,
    #[strum(serialize = "password_reset.completed")]
    PasswordResetCompleted,
    #[strum(serialize = "organization.created")]
    OrganizationCreated,
    #[strum(serialize = "organization.renamed")]
    OrganizationRenamed,
    #[strum(serialize = "organization.suspended")]
    OrganizationSuspended,
}

/// The type of the event "Send a test event" sends; no endpoint subscribes to it.
pub const TEST_EVENT: &str = "webhook.test";

impl WebhookEvent {
    /// Every event, in the order the registration form lists them.
    pub const ALL: [WebhookEvent; 14] = [
        WebhookEvent::MemberInvited,
        WebhookEvent::MemberJoined,
        WebhookEvent::MemberRoleChanged,
        WebhookEvent::MemberSuspended,
        WebhookEvent::MemberReactivated,
        WebhookEvent::MemberRemoved,
        WebhookEvent::AccountSuspended,
        WebhookEvent::AccountReactivated,
        WebhookEvent::AccountDeleted,
        WebhookEvent::PasswordResetSent,
        WebhookEvent::PasswordResetCompleted,
        WebhookEvent::OrganizationCreated,
        WebhookEvent::OrganizationRenamed,
        WebhookEvent::OrganizationSuspended,
    ];

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::MemberInvited => "Member invited",
            Self::MemberJoined => "Member joined (invitation accepted or added)",
            Self::MemberRoleChanged => "Member's role changed",
            Self::MemberSuspended => "Member suspended",
            Self::MemberReactivated => "Member reactivated",
            Self::MemberRemoved => "Member removed",
            Self::AccountSuspended => "Account suspended",
            Self::AccountReactivated => "Account reactivated",
            Self::AccountDeleted => "Account deleted",
            Self::PasswordResetSent => "Password reset sent",
            Self::PasswordResetCompleted => "Password reset completed",
            Self::OrganizationCreated => "Organization created",
            Self::OrganizationRenamed => "Organization renamed",
            Self::OrganizationSuspended => "Organization suspended",
        }
    }

    /// The event an audit action announces, if any: the audit log is where
    /// every change is written, so it is where deliveries are queued.
    pub fn for_audit_action(audit_action: &str) -> Option<Self> {
        Some(match audit_action {
            action::MEMBER_INVITED => Self::MemberInvited,
            action::INVITATION_ACCEPTED | action::MEMBER_ADDED => Self::MemberJoined,
            action::MEMBER_ROLE_CHANGED => Self::MemberRoleChanged,
            action::MEMBER_SUSPENDED => Self::MemberSuspended,
            action::MEMBER_REACTIVATED => Self::MemberReactivated,
            action::MEMBER_REMOVED => Self::MemberRemoved,
            action::ACCOUNT_SUSPENDED => Self::AccountSuspended,
            action::ACCOUNT_REACTIVATED => Self::AccountReactivated,
            action::ACCOUNT_DELETED => Self::AccountDeleted,
            action::PASSWORD_RESET_SENT => Self::PasswordResetSent,
            action::PASSWORD_RESET_COMPLETED => Self::PasswordResetCompleted,
            action::ORGANIZATION_CREATED => Self::OrganizationCreated,
            action::ORGANIZATION_RENAMED => Self::OrganizationRenamed,
            action::ORGANIZATION_SUSPENDED => Self::OrganizationSuspended,
            _ => return None,
        })
    }

    /// The status a member or account had before and has after the event,
    /// for the events that are a change of status.
    pub fn status_change(self) -> Option<(&'static str, &'static str)> {
        match self {
            Self::MemberSuspended | Self::AccountSuspended => Some(("active", "suspended")),
            Self::MemberReactivated | Self::AccountReactivated => Some(("suspended", "active")),
            Self::OrganizationSuspended => Some(("active", "suspended")),
            _ => None,
        }
    }
}

/// A URL longer than this is refused (no receiver needs one).
pub const MAX_URL_CHARS: usize = 2_000;
pub const MAX_DESCRIPTION_CHARS: usize = 200;

/// An endpoint's registration, valid by construction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookSettings {
    pub url: Url,
    pub description: String,
    /// At least one, each once, in [`WebhookEvent::ALL`]'s order.
    pub events: Vec<WebhookEvent>,
}

/// What is wrong with a registration; each names its field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookSettingsError {
    #[error("Enter the endpoint's address, such as https://example.com/webhooks.")]
    UrlMissing,
    #[error("The address must be a full http:// or https:// URL, such as https://example.com/webhooks.")]
    UrlInvalid,
    #[error("The address cannot hold a user name, a password or a #fragment.")]
    UrlCredentials,
    #[error("The address is too long (at most {MAX_URL_CHARS} characters).")]
    UrlTooLong,
    #[error("The description is too long (at most {MAX_DESCRIPTION_CHARS} characters).")]
    DescriptionTooLong,
    #[error("Choose at least one event.")]
    NoEvents,
    #[error("Unknown event: {0}.")]
    UnknownEvent(String),
}

impl WebhookSettingsError {
    /// The form field the problem is about.
    pub fn field(&self) -> &'static str {
        match self {
            Self::UrlMissing | Self::UrlInvalid | Self::UrlCredentials | Self::UrlTooLong => "url",
            Self::DescriptionTooLong => "description",
            Self::NoEvents | Self::UnknownEvent(_) => "events",
        }
    }
}

impl WebhookSettings {
    pub fn parse(url: &str, description: &str, events: &[String]) -> Result<Self, WebhookSettingsError> {
        Ok(Self {
            url: parse_url(url)?,
            description: parse_description(description)?,
            events: parse_events(events)?,
        })
    }
}

fn parse_url(input: &str) -> Result<Url, WebhookSettingsError> {
    let input = input.trim();
    if input.is_empty() {
        return Err(WebhookSettingsError::UrlMissing);
    }
    if input.chars().count() > MAX_URL_CHARS {
        return Err(WebhookSettingsError::UrlTooLong);
    }
    let url = Url::parse(input).map_err(|_| WebhookSettingsError::UrlInvalid)?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(WebhookSettingsError::UrlInvalid);
    }
    if !url.username().is_empty() || url.password().is_some() || url.fragment().is_some() {
        return Err(WebhookSettingsError::UrlCredentials);
    }
    Ok(url)
}

fn parse_description(input: &str) -> Result<String, WebhookSettingsError> {
    let description = input.trim();
    if description.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(WebhookSettingsError::DescriptionTooLong);
    }
    Ok(description.to_owned())
}

fn parse_events(names: &[String]) -> Result<Vec<WebhookEvent>, WebhookSettingsError> {
    let mut events = Vec::with_capacity(names.len());
    for name in names {
        let event: WebhookEvent = name
            .trim()
            .parse()
            .map_err(|_| WebhookSettingsError::UnknownEvent(name.chars().take(50).collect()))?;
        if !events.contains(&event) {
            events.push(event);
        }
    }
    if events.is_empty() {
        return Err(WebhookSettingsError::NoEvents);
    }
    events.sort();
    Ok(events)
}

/// Whether a delivery may go to `ip`: not loopback, private, link-local,
/// carrier-grade NAT, multicast, broadcast or unspecified, so a webhook
/// cannot be aimed at Roster's own network (SSRF). IPv4 addresses written
/// as IPv6 (`::ffff:10.0.0.1`) count as what they are.
pub fn is_public_address(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(ip) => is_public_v4(ip),
        IpAddr::V6(ip) => match ip.to_ipv4_mapped() {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(ip),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    let carrier_grade_nat = a == 100 && (64..128).contains(&b);
    let this_network = a == 0;
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_unspecified()
        || ip.is_documentation()
        || carrier_grade_nat
        || this_network
        || a >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    let unique_local = (first & 0xfe00) == 0xfc00;
    let link_local = (first & 0xffc0) == 0xfe80;
    // 64:ff9b::/96 translates to IPv4: judged by the address it carries.
    if ip.segments()[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        let [.., a, b, c, d] = ip.octets();
        return is_public_v4(Ipv4Addr::new(a, b, c, d));
    }
    !(ip.is_loopback() || ip.is_unspecified() || ip.is_multicast() || unique_local || link_local)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_reads_back_from_its_name() {
        for event in WebhookEvent::ALL {
            assert_eq!(event.as_str().parse::<WebhookEvent>(), Ok(event));
        }
        assert_eq!(WebhookEvent::MemberRoleChanged.as_str(), "member.role_changed");
    }

    #[test]
    fn audit_actions_announce_their_events() {
        assert_eq!(
            WebhookEvent::for_audit_action(action::INVITATION_ACCEPTED),
            Some(WebhookEvent::MemberJoined)
        );
        assert_eq!(
            WebhookEvent::for_audit_action(action::MEMBER_ROLE_CHANGED),
            Some(WebhookEvent::MemberRoleChanged)
        );
        assert_eq!(WebhookEvent::for_audit_action(action::SIGNED_IN), None);
        for event in WebhookEvent::ALL {
            assert!(
                crate::ACTIONS.iter().any(|(name, _)| WebhookEvent::for_audit_action(name) == Some(event)),
                "{event:?} is announced by no audit action"
            );
        }
    }

    #[test]
    fn registrations_are_checked_field_by_field() {
        let events =
            vec!["member.removed".to_owned(), "member.invited".to_owned(), "member.removed".to_owned()];
        let settings = WebhookSettings::parse(" https://example.com/hooks ", " Billing ", &events).unwrap();
        assert_eq!(settings.url.as_str(), "https://example.com/hooks");
        assert_eq!(settings.description, "Billing");
        assert_eq!(settings.events, [WebhookEvent::MemberInvited, WebhookEvent::MemberRemoved]);

        let field = |url: &str, description: &str, events: &[&str]| {
            let events: Vec<String> = events.iter().map(|e| e.to_string()).collect();
            WebhookSettings::parse(url, description, &events).unwrap_err().field()
        };
        assert_eq!(field("", "", &["member.invited"]), "url");
        assert_eq!(field("ftp://example.com", "", &["member.invited"]), "url");
        assert_eq!(field("example.com/hooks", "", &["member.invited"]), "url");
        assert_eq!(field("https://user:pw@example.com", "", &["member.invited"]), "url");
        assert_eq!(field("https://example.com/#x", "", &["member.invited"]), "url");
        assert_eq!(
            field(&format!("https://example.com/{}", "a".repeat(2_000)), "", &["member.invited"]),
            "url"
        );
        assert_eq!(field("https://example.com", &"d".repeat(201), &["member.invited"]), "description");
        assert_eq!(field("https://example.com", "", &[]), "events");
        assert_eq!(field("https://example.com", "", &["member.exploded"]), "events");
    }

    #[test]
    fn only_public_addresses_receive_deliveries() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a00:1",
        ] {
            assert!(!is_public_address(private.parse().unwrap()), "{private}");
        }
        for public in ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"] {
            assert!(is_public_address(public.parse().unwrap()), "{public}");
        }
    }
}
