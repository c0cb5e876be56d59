//! SCIM bodies in and out: a request's JSON (its attribute names compared
//! without regard to case, RFC 7643 §2.1), and a response with the SCIM
//! media type and what it did for the log.

use axum::{
    body::Bytes,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde_json::{Map, Value};

use super::{CONTENT_TYPE, Outcome, error::ScimError};

/// A request body as a JSON object.
pub fn object(bytes: &Bytes) -> Result<Map<String, Value>, ScimError> {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(_) => Err(ScimError::bad("invalidSyntax", "The request body must be a JSON object.")),
        Err(error) => {
            Err(ScimError::bad("invalidSyntax", format!("The request body is not valid JSON: {error}.")))
        }
    }
}

/// The value of `name` in `object`, whatever the case of its key.
pub fn field<'a>(object: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    object
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value)
        .filter(|v| !v.is_null())
}

/// A text attribute: absent and `null` are `None`; anything but a string is refused.
pub fn text<'a>(object: &'a Map<String, Value>, name: &str) -> Result<Option<&'a str>, ScimError> {
    match field(object, name) {
        None => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(_) => Err(ScimError::invalid_value(format!("{name} must be a string."))),
    }
}

/// A boolean attribute, also in the string form Microsoft Entra ID sends (`"False"`).
pub fn boolean(value: &Value, name: &str) -> Result<bool, ScimError> {
    match value {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(false),
        _ => Err(ScimError::invalid_value(format!("{name} must be true or false."))),
    }
}

/// A successful SCIM response.
pub struct Scim {
    pub status: StatusCode,
    pub body: Option<Value>,
    pub location: Option<String>,
    pub outcome: Option<String>,
}

impl Scim {
    pub fn ok(body: Value) -> Self {
        Self { status: StatusCode::OK, body: Some(body), location: None, outcome: None }
    }

    pub fn created(body: Value, location: String) -> Self {
        Self { status: StatusCode::CREATED, body: Some(body), location: Some(location), outcome: None }
    }

    pub fn no_content() -> Self {
        Self { status: StatusCode::NO_CONTENT, body: None, location: None, outcome: None }
    }

    /// Says in the request log what the change did.
    pub fn noting(mut self, outcome: impl Into<String>) -> Self {
        self.outcome = Some(outcome.into());
        self
    }
}

impl IntoResponse for Scim {
    fn into_response(self) -> Response {
        let mut response = match self.body {
            Some(body) => {
                let mut response = (self.status, body.to_string()).into_response();
                response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
                response
            }
            None => self.status.into_response(),
        };
        if let Some(location) = self.location.and_then(|l| HeaderValue::from_str(&l).ok()) {
            response.headers_mut().insert(header::LOCATION, location);
        }
        if let Some(outcome) = self.outcome {
            response.extensions_mut().insert(Outcome(outcome));
        }
        response
    }
}
