use leptos::server_fn::{
    Bytes,
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

/// Why a link from an email or the console cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkProblem {
    Invalid,
    Expired,
    Used,
    Revoked,
}

/// The one error type of every server function. It crosses the network as
/// JSON, so the browser can show the same specific message the server chose;
/// internal failures are logged on the server and shown without detail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Please sign in to continue.")]
    Unauthenticated,
    /// Also the answer for anything outside the caller's scope, so that a
    /// request cannot tell "forbidden" from "absent".
    #[error("Not found.")]
    NotFound,
    #[error("{message}")]
    Invalid { field: String, message: String },
    #[error("Email or password is incorrect.")]
    WrongCredentials,
    #[error("This account is suspended. Contact your administrator to restore access.")]
    AccountSuspended,
    /// Someone who must use a second factor has not enrolled one yet.
    #[error("Set up a second factor to continue: your organization requires one.")]
    EnrollmentRequired,
    /// A sensitive action, and the session's last second factor is older
    /// than 15 minutes.
    #[error("Confirm it is you: enter a code from your authenticator app or a recovery code.")]
    SecondFactorRequired,
    #[error("{}", link_message(*.0))]
    Link(LinkProblem),
    #[error("{0}")]
    Conflict(String),
    /// Too many requests of one kind from one address or about one account.
    #[error("Too many attempts. Wait a while, then try again.")]
    RateLimited,
    /// A limit on how much of something one may do, with what is left.
    #[error("{0}")]
    QuotaExceeded(String),
    #[error("The request was not understood: {0}")]
    BadRequest(String),
    #[error("Roster could not be reached. Check your connection and try again.")]
    Unreachable,
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
}

fn link_message(problem: LinkProblem) -> &'static str {
    match problem {
        LinkProblem::Invalid => "This link is not valid. Check that you copied all of it.",
        LinkProblem::Expired => "This link has expired. Ask for a new one.",
        LinkProblem::Used => "This link has already been used.",
        LinkProblem::Revoked => "This link has been withdrawn. A newer one replaces it.",
    }
}

impl AppError {
    pub fn invalid(field: &str, message: impl ToString) -> Self {
        Self::Invalid { field: field.to_owned(), message: message.to_string() }
    }

    /// The HTTP status a response carrying this error should have.
    pub fn status(&self) -> u16 {
        match self {
            Self::Unauthenticated | Self::WrongCredentials => 401,
            Self::AccountSuspended | Self::EnrollmentRequired | Self::SecondFactorRequired => 403,
            Self::NotFound => 404,
            Self::Conflict(_) => 409,
            Self::RateLimited | Self::QuotaExceeded(_) => 429,
            Self::Link(LinkProblem::Expired | LinkProblem::Used | LinkProblem::Revoked) => 410,
            Self::Invalid { .. } | Self::BadRequest(_) | Self::Link(LinkProblem::Invalid) => 400,
            Self::Unreachable => 503,
            Self::Internal => 500,
        }
    }

    /// The form field this error is about, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Invalid { field, .. } => Some(field),
            _ => None,
        }
    }
}

/// How an error crosses the network: the typed error for the browser, and
/// its message for anyone reading the response (scripts, logs, people).
#[derive(Serialize, Deserialize)]
struct WireError {
    error: AppError,
    message: String,
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(error: ServerFnErrorErr) -> Self {
        match error {
            ServerFnErrorErr::Args(message)
            | ServerFnErrorErr::MissingArg(message)
            | ServerFnErrorErr::Deserialization(message) => Self::BadRequest(message),
            ServerFnErrorErr::Request(_) => Self::Unreachable,
            _ => Self::Internal,
        }
    }

    fn ser(&self) -> Bytes {
        let wire = WireError { error: self.clone(), message: self.to_string() };
        serde_json::to_vec(&wire)
            .map(Bytes::from)
            .unwrap_or_else(|_| Bytes::from_static(b"{\"error\":\"Internal\"}"))
    }

    fn de(data: Bytes) -> Self {
        serde_json::from_slice::<WireError>(&data)
            .map(|wire| wire.error)
            .unwrap_or_else(|e| Self::from_server_fn_error(ServerFnErrorErr::Deserialization(e.to_string())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_say_what_happened() {
        assert_eq!(
            AppError::Link(LinkProblem::Expired).to_string(),
            "This link has expired. Ask for a new one."
        );
        assert_eq!(AppError::invalid("email", "Enter an email address.").field(), Some("email"));
    }

    #[test]
    fn errors_cross_the_network_with_their_message() {
        let error = AppError::invalid("email", "Enter an email address.");
        let bytes = error.ser();
        let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(json["message"], "Enter an email address.");
        assert_eq!(AppError::de(bytes), error);
        assert!(matches!(AppError::de(Bytes::from_static(b"garbage")), AppError::BadRequest(_)));
    }

    #[test]
    fn malformed_requests_are_client_errors() {
        let error = AppError::from_server_fn_error(ServerFnErrorErr::Args("missing field `email`".into()));
        assert_eq!(error.status(), 400);
        assert!(error.to_string().contains("missing field"));
    }
}
