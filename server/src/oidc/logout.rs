//! RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0): an app
//! sends the person here to sign out of Roster too. The app session the
//! `id_token_hint` names ends, with the Roster session in this browser and
//! every app session made from it (those apps are told over the
//! back-channel); then the person goes back to a registered
//! post-logout URI, or to Roster's sign-in page.

use app::ssr::{RequestContext, sessions};
use axum::{
    Extension,
    body::Bytes,
    http::{HeaderValue, StatusCode, Uri, header},
    response::{IntoResponse, Redirect, Response},
};
use chrono::Utc;
use store::{Actor, StoreError};
use url::Url;

use super::{Provider, error::error_page, params::Params};

pub async fn get(
    Extension(provider): Extension<Provider>,
    Extension(context): Extension<RequestContext>,
    uri: Uri,
) -> Response {
    sign_out(&provider, &context, uri.query().unwrap_or("")).await
}

pub async fn post(
    Extension(provider): Extension<Provider>,
    Extension(context): Extension<RequestContext>,
    body: Bytes,
) -> Response {
    sign_out(&provider, &context, std::str::from_utf8(&body).unwrap_or("\0")).await
}

fn refused(detail: &str) -> Response {
    error_page(StatusCode::BAD_REQUEST, "This sign-out link does not work", detail)
}

async fn sign_out(provider: &Provider, context: &RequestContext, query: &str) -> Response {
    let params = match Params::parse(query.as_bytes()) {
        Ok(params) => params,
        Err(error) => return refused(&error.error_description),
    };
    let hint = match params.get("id_token_hint") {
        Some(token) => match provider.read_id_token_hint(token).await {
            Some(claims) => Some(claims),
            None => return refused("The id_token_hint is not an ID token Roster issued."),
        },
        None => None,
    };
    let client_id = match (hint.as_ref().map(|h| h.aud.as_str()), params.get("client_id")) {
        (Some(aud), Some(client_id)) if aud != client_id => {
            return refused("The client_id is not the application the ID token was issued to.");
        }
        (Some(aud), _) => Some(aud.to_owned()),
        (None, client_id) => client_id.map(str::to_owned),
    };
    let back = match params.get("post_logout_redirect_uri") {
        Some(uri) => {
            let app = match &client_id {
                Some(client_id) => provider.state.store.find_app_by_client_id(client_id).await.ok().flatten(),
                None => None,
            };
            match (app, Url::parse(uri)) {
                (Some(app), Ok(url)) if app.post_logout_redirect_uris.contains(uri) => Some(url),
                _ => return refused("The address to return to is not one the application registered."),
            }
        }
        None => None,
    };
    let store = &provider.state.store;
    let by = context.actor();
    let now = Utc::now();
    if let Some(hint) = &hint {
        match store.sign_out_of_app(&hint.sid, by.clone(), now).await {
            Ok(()) | Err(StoreError::NotFound) => {}
            Err(error) => tracing::error!(%error, "could not end an app session"),
        }
    }
    if let Some(session) = &context.session
        && let Err(error) = store.sign_out_everywhere_from(session.id, Actor { ..by }, now).await
    {
        tracing::error!(%error, "could not end a Roster session");
    }
    let mut response = match back {
        Some(mut url) => {
            if let Some(state) = params.get("state") {
                url.query_pairs_mut().append_pair("state", state);
            }
            Redirect::to(url.as_str()).into_response()
        }
        None => Redirect::to("/sign-in").into_response(),
    };
    if context.session.is_some()
        && let Ok(cookie) =
            HeaderValue::from_str(&sessions::expired_cookie(provider.state.settings.secure_cookies()))
    {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}
