//! The emails Roster sends, as plain text and HTML. Every value that comes
//! from a person (names, organization names) is escaped in the HTML part.

use chrono::{DateTime, Utc};
use domain::Role;
use html_escape::encode_text as escape;
use store::NewEmail;

pub struct Invitation<'a> {
    pub recipient: &'a str,
    pub organization: &'a str,
    pub inviter: &'a str,
    pub role: Role,
    pub link: &'a str,
    pub expires_at: DateTime<Utc>,
}

fn role_summary(role: Role) -> &'static str {
    match role {
        Role::Admin => "manage the organization's members",
        Role::Editor | Role::Viewer => "manage your own profile and sessions",
    }
}

pub fn invitation(invitation: &Invitation) -> NewEmail {
    let Invitation { recipient, organization, inviter, role, link, expires_at } = invitation;
    let expires = expires_at.format("%-d %B %Y at %H:%M UTC").to_string();
    let summary = role_summary(*role);
    let body_text = format!(
        "{inviter} invited you to join {organization} on Roster as {article} {role}, \
         to {summary}.\n\n\
         Accept the invitation:\n{link}\n\n\
         The link works once and expires on {expires}. If it has expired, ask {inviter} for a new one.\n\n\
         If you did not expect this invitation, you can ignore this email.\n",
        article = article(*role),
    );
    let body_html = format!(
        "<!DOCTYPE html><html><body style=\"font-family: sans-serif; line-height: 1.5\">\
         <p>{inviter} invited you to join <strong>{organization}</strong> on Roster as {article} {role}, \
         to {summary}.</p>\
         <p><a href=\"{link}\">Accept the invitation</a></p>\
         <p>The link works once and expires on {expires}. If it has expired, ask {inviter} for a new one.</p>\
         <p>If you did not expect this invitation, you can ignore this email.</p>\
         </body></html>",
        inviter = escape(inviter),
        organization = escape(organization),
        article = article(*role),
        link = html_escape::encode_double_quoted_attribute(link),
    );
    NewEmail {
        recipient: (*recipient).to_owned(),
        subject: format!("{inviter} invited you to {organization} on Roster"),
        body_text,
        body_html,
    }
}

pub struct PasswordReset<'a> {
    pub recipient: &'a str,
    /// The admin who sent it, or `None` when the person asked themselves.
    pub sent_by: Option<&'a str>,
    pub link: &'a str,
    pub expires_at: DateTime<Utc>,
}

pub fn password_reset(reset: &PasswordReset) -> NewEmail {
    let PasswordReset { recipient, sent_by, link, expires_at } = reset;
    let expires = expires_at.format("%-d %B %Y at %H:%M UTC").to_string();
    let why = match sent_by {
        Some(admin) => format!("{admin} asked Roster to send you a link to choose a new password."),
        None => "Someone, probably you, asked to choose a new password for your Roster account.".to_owned(),
    };
    let body_text = format!(
        "{why}\n\n\
         Choose a new password:\n{link}\n\n\
         The link works once and expires on {expires}. Choosing a new password signs you out everywhere.\n\n\
         If you did not ask for this, you can ignore this email: your password stays as it is.\n",
    );
    let body_html = format!(
        "<!DOCTYPE html><html><body style=\"font-family: sans-serif; line-height: 1.5\">\
         <p>{why}</p>\
         <p><a href=\"{link}\">Choose a new password</a></p>\
         <p>The link works once and expires on {expires}. Choosing a new password signs you out everywhere.</p>\
         <p>If you did not ask for this, you can ignore this email: your password stays as it is.</p>\
         </body></html>",
        why = escape(&why),
        link = html_escape::encode_double_quoted_attribute(link),
    );
    NewEmail {
        recipient: (*recipient).to_owned(),
        subject: "Choose a new password for Roster".to_owned(),
        body_text,
        body_html,
    }
}

fn article(role: Role) -> &'static str {
    if role.as_str().starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" }
}

/// The email telling someone an admin removed their second factors.
pub struct TwoFactorReset<'a> {
    pub recipient: &'a str,
    pub reset_by: &'a str,
    pub sign_in_link: &'a str,
}

pub fn two_factor_reset(reset: &TwoFactorReset) -> NewEmail {
    let TwoFactorReset { recipient, reset_by, sign_in_link } = reset;
    let body_text = format!(
        "{reset_by} removed the authenticator apps, passkeys and recovery codes of your Roster account, \
         and signed you out everywhere.\n\n\
         Sign in with your password and set up a second factor again:\n{sign_in_link}\n\n\
         If you did not ask for this, tell {reset_by} or your administrator at once.\n",
    );
    let body_html = format!(
        "<!DOCTYPE html><html><body style=\"font-family: sans-serif; line-height: 1.5\">\
         <p>{reset_by} removed the authenticator apps, passkeys and recovery codes of your Roster account, \
         and signed you out everywhere.</p>\
         <p><a href=\"{link}\">Sign in and set up a second factor again</a></p>\
         <p>If you did not ask for this, tell {reset_by} or your administrator at once.</p>\
         </body></html>",
        reset_by = escape(reset_by),
        link = html_escape::encode_double_quoted_attribute(sign_in_link),
    );
    NewEmail {
        recipient: (*recipient).to_owned(),
        subject: "Your second factors for Roster were reset".to_owned(),
        body_text,
        body_html,
    }
}

/// The email a person an identity provider added (over SCIM) gets, to
/// choose the password their new account does not have yet.
pub struct Welcome<'a> {
    pub recipient: &'a str,
    pub organization: &'a str,
    pub link: &'a str,
    pub expires_at: DateTime<Utc>,
}

pub fn welcome(welcome: &Welcome) -> NewEmail {
    let Welcome { recipient, organization, link, expires_at } = welcome;
    let expires = expires_at.format("%-d %B %Y at %H:%M UTC").to_string();
    let body_text = format!(
        "{organization} added you to Roster.\n\n\
         Choose a password for your account:\n{link}\n\n\
         The link works once and expires on {expires}. If it has expired, ask an admin of {organization} to send you a password link.\n",
    );
    let body_html = format!(
        "<!DOCTYPE html><html><body style=\"font-family: sans-serif; line-height: 1.5\">\
         <p>{organization} added you to Roster.</p>\
         <p><a href=\"{link}\">Choose a password</a></p>\
         <p>The link works once and expires on {expires}. If it has expired, ask an admin of {organization} to send you a password link.</p>\
         </body></html>",
        organization = escape(organization),
        link = html_escape::encode_double_quoted_attribute(link),
    );
    NewEmail {
        recipient: (*recipient).to_owned(),
        subject: format!("{organization} added you to Roster"),
        body_text,
        body_html,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(organization: &str, inviter: &str) -> NewEmail {
        invitation(&Invitation {
            recipient: "ada@example.com",
            organization,
            inviter,
            role: Role::Editor,
            link: "https://roster.example.com/invite?token=abc",
            expires_at: "2026-12-02T10:00:00Z".parse().unwrap(),
        })
    }

    #[test]
    fn a_reset_email_carries_the_link_and_escapes_the_admin_name() {
        let mail = password_reset(&PasswordReset {
            recipient: "ada@example.com",
            sent_by: Some("<b>Mallory</b>"),
            link: "https://roster.example.com/reset-password?token=abc",
            expires_at: "2026-12-02T10:00:00Z".parse().unwrap(),
        });
        assert!(mail.body_text.contains("https://roster.example.com/reset-password?token=abc"));
        assert!(mail.body_text.contains("2 December 2026 at 10:00 UTC"));
        assert!(
            mail.body_html.contains("&lt;b&gt;Mallory&lt;/b&gt;") && !mail.body_html.contains("<b>Mallory")
        );
        let asked = password_reset(&PasswordReset {
            recipient: "ada@example.com",
            sent_by: None,
            link: "https://roster.example.com/reset-password?token=abc",
            expires_at: "2026-12-02T10:00:00Z".parse().unwrap(),
        });
        assert!(asked.body_text.starts_with("Someone, probably you"));
    }

    #[test]
    fn names_the_organization_inviter_role_link_and_expiry() {
        let mail = sample("Acme", "Grace Hopper");
        assert_eq!(mail.subject, "Grace Hopper invited you to Acme on Roster");
        for part in [
            "Acme",
            "Grace Hopper",
            "as an editor",
            "https://roster.example.com/invite?token=abc",
            "2 December 2026",
        ] {
            assert!(mail.body_text.contains(part), "{part} missing from:\n{}", mail.body_text);
        }
        assert!(mail.body_html.contains("href=\"https://roster.example.com/invite?token=abc\""));
    }

    #[test]
    fn markup_in_names_is_escaped_in_html() {
        let mail = sample("<script>alert(1)</script>", "Eve <eve@example.com>");
        assert!(!mail.body_html.contains("<script>"));
        assert!(mail.body_html.contains("&lt;script&gt;"));
        assert!(mail.body_text.contains("<script>"), "plain text is shown as text");
    }
}
