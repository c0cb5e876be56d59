//! Second factors: their kinds, how a session was signed in (`amr`), who
//! must use one, and the names people give them.

use serde::{Deserialize, Serialize};
use strum::{Display, EnumString, IntoStaticStr};

use crate::Role;

/// A second factor a person can enroll.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(Display, EnumString, IntoStaticStr)]
#[strum(serialize_all = "snake_case", parse_err_ty = String, parse_err_fn = unknown_kind)]
pub enum FactorKind {
    /// An authenticator app's six-digit codes (RFC 6238).
    Totp,
    /// A passkey or security key (WebAuthn).
    Passkey,
}

impl FactorKind {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Totp => "Authenticator app",
            Self::Passkey => "Passkey",
        }
    }
}

fn unknown_kind(name: &str) -> String {
    format!("unknown factor kind {name:?}")
}

impl TryFrom<String> for FactorKind {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

/// What proved the second step of a sign-in, as the sign-in history names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(Display, EnumString, IntoStaticStr)]
#[strum(serialize_all = "snake_case", parse_err_ty = String, parse_err_fn = unknown_proof)]
pub enum SecondStep {
    Totp,
    Passkey,
    RecoveryCode,
}

impl SecondStep {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Totp => "authenticator app",
            Self::Passkey => "passkey",
            Self::RecoveryCode => "recovery code",
        }
    }

    /// Its OpenID Connect `amr` value (RFC 8176): `otp` for a code, `hwk`
    /// for a key bound to hardware (a passkey), `kba`-like recovery codes
    /// are one-time passwords too.
    pub fn amr(self) -> &'static str {
        match self {
            Self::Totp | Self::RecoveryCode => "otp",
            Self::Passkey => "hwk",
        }
    }
}

fn unknown_proof(name: &str) -> String {
    format!("unknown second step {name:?}")
}

impl TryFrom<String> for SecondStep {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

/// How a session was signed in: the `amr` values of RFC 8176, stored space
/// separated (`pwd`, `pwd otp`, `pwd hwk`, or `hwk user` for a passkey alone).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amr(Vec<String>);

impl Amr {
    pub fn password() -> Self {
        Self(vec!["pwd".to_owned()])
    }

    pub fn password_and(step: SecondStep) -> Self {
        Self(vec!["pwd".to_owned(), step.amr().to_owned()])
    }

    /// A passkey alone, which verified its user (PIN or biometrics): two
    /// factors in one device.
    pub fn passkey_alone() -> Self {
        Self(vec!["hwk".to_owned(), "user".to_owned()])
    }

    pub fn parse(stored: &str) -> Self {
        Self(stored.split_whitespace().map(str::to_owned).collect())
    }

    pub fn stored(&self) -> String {
        self.0.join(" ")
    }

    pub fn values(&self) -> &[String] {
        &self.0
    }

    /// More than a password: the session's `acr` is then [`ACR_MFA`].
    pub fn is_multi_factor(&self) -> bool {
        self.0.iter().any(|v| v == "otp" || v == "hwk")
    }

    pub fn acr(&self) -> &'static str {
        if self.is_multi_factor() { ACR_MFA } else { ACR_PASSWORD }
    }
}

/// The `acr` values Roster's tokens carry: a password alone, or more.
pub const ACR_PASSWORD: &str = "urn:roster:acr:password";
pub const ACR_MFA: &str = "urn:roster:acr:mfa";

/// Whom an organization requires to use a second factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[derive(Display, EnumString, IntoStaticStr)]
#[strum(serialize_all = "lowercase", parse_err_ty = String, parse_err_fn = unknown_requirement)]
pub enum TwoFactorRequirement {
    #[default]
    Off,
    Admins,
    Everyone,
}

impl TwoFactorRequirement {
    pub const ALL: [Self; 3] = [Self::Off, Self::Admins, Self::Everyone];

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Off => "Nobody (each person may still enroll)",
            Self::Admins => "Admins",
            Self::Everyone => "Everyone",
        }
    }

    /// Whether a member with this role (in an active membership) must use a second factor.
    pub fn applies_to(self, role: Role) -> bool {
        match self {
            Self::Off => false,
            Self::Admins => role == Role::Admin,
            Self::Everyone => true,
        }
    }
}

fn unknown_requirement(name: &str) -> String {
    format!("unknown two-factor requirement {name:?}")
}

impl TryFrom<String> for TwoFactorRequirement {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

/// The longest name of a factor ("YubiKey 5C", "Work phone").
pub const MAX_FACTOR_NAME_CHARS: usize = 60;

/// A factor's name: trimmed, 1–60 characters, no control characters.
pub fn factor_name(input: &str) -> Result<String, &'static str> {
    let name = input.trim();
    if name.is_empty() {
        return Err("Give it a name you will recognise, such as “Work phone”.");
    }
    if name.chars().count() > MAX_FACTOR_NAME_CHARS {
        return Err("Use at most 60 characters.");
    }
    if name.chars().any(char::is_control) {
        return Err("Use letters, digits and punctuation only.");
    }
    Ok(name.to_owned())
}

/// A six-digit code as typed: spaces and dashes dropped ("123 456").
pub fn totp_code(input: &str) -> Option<String> {
    let digits: String = input.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    (digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirements_apply_to_the_roles_they_name() {
        assert!(!TwoFactorRequirement::Off.applies_to(Role::Admin));
        assert!(TwoFactorRequirement::Admins.applies_to(Role::Admin));
        assert!(!TwoFactorRequirement::Admins.applies_to(Role::Editor));
        assert!(TwoFactorRequirement::Everyone.applies_to(Role::Viewer));
        for requirement in TwoFactorRequirement::ALL {
            assert_eq!(requirement.as_str().parse::<TwoFactorRequirement>(), Ok(requirement));
        }
    }

    #[test]
    fn amr_says_how_many_factors() {
        assert_eq!(Amr::password().stored(), "pwd");
        assert!(!Amr::password().is_multi_factor());
        let otp = Amr::password_and(SecondStep::RecoveryCode);
        assert_eq!(otp.stored(), "pwd otp");
        assert_eq!(Amr::parse(&otp.stored()), otp);
        assert_eq!(Amr::password_and(SecondStep::Passkey).acr(), ACR_MFA);
        assert_eq!(Amr::passkey_alone().values(), ["hwk", "user"]);
        assert_eq!(Amr::password().acr(), ACR_PASSWORD);
    }

    #[test]
    fn codes_are_six_digits_however_typed() {
        assert_eq!(totp_code(" 123 456 ").as_deref(), Some("123456"));
        assert_eq!(totp_code("123-456").as_deref(), Some("123456"));
        for bad in ["12345", "1234567", "12345a", "", "１２３４５６"] {
            assert_eq!(totp_code(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn factor_names_are_short_and_printable() {
        assert_eq!(factor_name("  Work phone "), Ok("Work phone".to_owned()));
        assert!(factor_name(" ").is_err());
        assert!(factor_name(&"x".repeat(61)).is_err());
        assert!(factor_name("a\u{0}b").is_err());
    }
}
