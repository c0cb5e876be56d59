//! Path parameters, refused as problem details naming the parameter (axum's
//! own rejection is plain text).

use axum::{
    extract::{FromRequestParts, RawPathParams, path::ErrorKind, rejection::PathRejection},
    http::request::Parts,
};
use serde::de::DeserializeOwned;

use super::problem::Problem;

pub struct Path<T>(pub T);

impl<T, S> FromRequestParts<S> for Path<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Self(value)),
            Err(PathRejection::FailedToDeserializePathParams(error)) => {
                let field = match error.kind() {
                    ErrorKind::ParseErrorAtKey { key, .. } | ErrorKind::InvalidUtf8InPathParam { key } => {
                        key.clone()
                    }
                    // A tuple's parameters are counted: name the one at that place.
                    ErrorKind::ParseErrorAtIndex { index, .. } => {
                        let names = RawPathParams::from_request_parts(parts, state).await.ok();
                        let name =
                            names.and_then(|names| names.iter().nth(*index).map(|(name, _)| name.to_owned()));
                        name.unwrap_or_else(|| "path".to_owned())
                    }
                    // A single parameter (`Path<i64>`): it is the path's only one.
                    ErrorKind::ParseError { .. } => {
                        let names = RawPathParams::from_request_parts(parts, state).await.ok();
                        let only = names.and_then(|names| {
                            let mut names = names.iter().map(|(name, _)| name.to_owned());
                            names.next().filter(|_| names.next().is_none())
                        });
                        only.unwrap_or_else(|| "path".to_owned())
                    }
                    _ => "path".to_owned(),
                };
                Err(Problem::invalid(&field, format!("The path is not understood: {}.", error.body_text())))
            }
            Err(other) => Err(Problem::invalid("path", other.body_text())),
        }
    }
}
