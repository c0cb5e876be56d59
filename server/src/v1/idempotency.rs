//! `Idempotency-Key` on POST: the first answer to a key's request is kept in
//! the database with a fingerprint of the request, and a retry with the
//! same idempotency key gets that answer again without doing anything; the
//! same key with another request is refused.
//!
//! The claim is taken before the change and the answer recorded after it,
//! in their own transactions (the change keeps its one transaction with its
//! audit event): a retry that arrives while the first request is still
//! running hears 409, and an answer that failed on the server's side is
//! forgotten so the retry runs again.

use app::ssr::AppState;
use axum::{
    Json,
    http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use chrono::Utc;
use sha2::{Digest, Sha256};

use super::{auth::Key, problem::Problem};

pub const HEADER: &str = "idempotency-key";
/// Set on an answer replayed from an earlier request.
pub const REPLAYED: &str = "idempotent-replayed";
const MAX_KEY_CHARS: usize = 255;

/// What a POST handler answers: a status and a JSON body.
pub type Answer = Result<(StatusCode, serde_json::Value), Problem>;

/// Runs `change` once per idempotency key (when the request has one) and answers.
pub async fn once(
    state: &AppState,
    key: &Key,
    headers: &HeaderMap,
    path: &str,
    body: &[u8],
    change: impl Future<Output = Answer>,
) -> Response {
    let Some(value) = headers.get(HEADER) else {
        return respond(change.await);
    };
    let idempotency_key = match value.to_str() {
        Ok(text)
            if (1..=MAX_KEY_CHARS).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            text
        }
        _ => {
            return Problem::invalid(
                "Idempotency-Key",
                format!("An idempotency key is 1 to {MAX_KEY_CHARS} visible ASCII characters."),
            )
            .into_response();
        }
    };
    let fingerprint = fingerprint(path, body);
    let store = &state.store;
    let earlier = match store.claim_idempotent(key.id(), idempotency_key, &fingerprint, Utc::now()).await {
        Ok(earlier) => earlier,
        Err(error) => return Problem::from(error).into_response(),
    };
    if let Some(earlier) = earlier {
        return replay(earlier, &fingerprint);
    }
    let answer = change.await;
    let (status, json) = match &answer {
        Ok((status, json)) => (*status, json.clone()),
        Err(problem) => (problem.status_code(), serde_json::to_value(problem).unwrap_or_default()),
    };
    let recorded = if status.is_server_error() {
        store.release_idempotent(key.id(), idempotency_key).await
    } else {
        store
            .finish_idempotent(key.id(), idempotency_key, i32::from(status.as_u16()), &json.to_string())
            .await
    };
    if let Err(error) = recorded {
        tracing::error!(%error, "recording an idempotent answer failed");
    }
    respond(answer)
}

fn respond(answer: Answer) -> Response {
    match answer {
        Ok((status, json)) => (status, Json(json)).into_response(),
        Err(problem) => problem.into_response(),
    }
}

/// SHA-256 of the path and body: a retry must be the very same request.
fn fingerprint(path: &str, body: &[u8]) -> String {
    let mut hash = Sha256::new();
    hash.update(path.as_bytes());
    hash.update([0]);
    hash.update(body);
    format!("{:x}", hash.finalize())
}

fn replay(earlier: store::IdempotentResponse, fingerprint: &str) -> Response {
    if earlier.fingerprint != fingerprint {
        let mut problem = Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency_key_reused",
            "This idempotency key was used for another request. Use a new key for a new request.",
        );
        problem.field = Some("Idempotency-Key".to_owned());
        return problem.into_response();
    }
    if earlier.status == 0 {
        return Problem::new(
            StatusCode::CONFLICT,
            "conflict",
            "The first request with this idempotency key is still being answered. Retry in a moment.",
        )
        .into_response();
    }
    let status = u16::try_from(earlier.status)
        .ok()
        .and_then(|status| StatusCode::from_u16(status).ok())
        .unwrap_or(StatusCode::OK);
    let content_type = if status.is_success() { "application/json" } else { super::problem::CONTENT_TYPE };
    let mut response = (status, earlier.body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(HeaderName::from_static(REPLAYED), HeaderValue::from_static("true"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fingerprint_tells_path_and_body_apart() {
        assert_eq!(fingerprint("/v1/a", b"{}"), fingerprint("/v1/a", b"{}"));
        assert_ne!(fingerprint("/v1/a", b"{}"), fingerprint("/v1/b", b"{}"));
        assert_ne!(fingerprint("/v1/a", b"{\"x\":1}"), fingerprint("/v1/a", b"{}"));
        assert_ne!(fingerprint("/v1/a", b"b"), fingerprint("/v1/ab", b""));
    }
}
