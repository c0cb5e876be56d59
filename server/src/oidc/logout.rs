//! RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0): an app
//! sends the person here to sign out of Roster too.
//!
//! When the `id_token_hint` names an app session made from the Roster
//! session of this browser, that session ends at once, with every app
//! session made from it (those apps are told over the back-channel). In
//! every other case the specification requires asking first, so a link
//! cannot sign anyone out of Roster unawares: a page asks, and only its own
//! form (a same-origin POST: the cross-site guard refuses others) signs out.
//! An app session named by a hint always ends; a browser without a Roster
//! session has nothing else to end. Then the person goes back to a
//! registered post-logout URI, or to Roster's sign-in page.

use app::ssr::{RequestContext, sessions};
use axum::{
    Extension,
    body::Bytes,
    http::{HeaderValue, StatusCode, Uri, header},
    response::{Html, IntoResponse, Redirect, Response},
};
use chrono::Utc;
use store::{Actor, StoreError};
use url::Url;

use super::{
    Provider,
    error::{error_page, no_store},
    params::Params,
};

pub async fn get(
    Extension(provider): Extension<Provider>,
    Extension(context): Extension<RequestContext>,
    uri: Uri,
) -> Response {
    sign_out(&provider, &context, uri.query().unwrap_or(""), Asked::No).await
}

pub async fn post(
    Extension(provider): Extension<Provider>,
    Extension(context): Extension<RequestContext>,
    body: Bytes,
) -> Response {
    sign_out(&provider, &context, std::str::from_utf8(&body).unwrap_or("\0"), Asked::IfConfirmed).await
}

/// Whether the request may be the answer to [`confirmation_page`]: only a
/// POST can be, since the cross-site guard keeps other sites' POSTs out.
#[derive(Clone, Copy, PartialEq)]
enum Asked {
    No,
    IfConfirmed,
}

/// The field [`confirmation_page`]'s form adds.
const CONFIRM: &str = "confirm";

fn refused(detail: &str) -> Response {
    error_page(StatusCode::BAD_REQUEST, "This sign-out link does not work", detail)
}

async fn sign_out(provider: &Provider, context: &RequestContext, query: &str, asked: Asked) -> Response {
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
    let store = &provider.state.store;
    let back = match params.get("post_logout_redirect_uri") {
        Some(uri) => {
            let app = match &client_id {
                Some(client_id) => store.find_app_by_client_id(client_id).await.ok().flatten(),
                None => None,
            };
            match (app, Url::parse(uri)) {
                (Some(app), Ok(url)) if app.post_logout_redirect_uris.contains(uri) => Some(url),
                _ => return refused("The address to return to is not one the application registered."),
            }
        }
        None => None,
    };
    let grant = match &hint {
        Some(hint) => match store.find_grant(&hint.sid).await {
            Ok(grant) => grant,
            Err(error) => {
                tracing::error!(%error, "could not read an app session");
                return error_page(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong",
                    "Try again later.",
                );
            }
        },
        None => None,
    };
    let by = context.actor();
    let now = Utc::now();
    let session = context.session.as_ref();
    let made_here =
        matches!((&grant, session), (Some(grant), Some(session)) if grant.session_id == Some(session.id));
    let confirmed = asked == Asked::IfConfirmed && params.get(CONFIRM) == Some("yes");
    if session.is_some() && !made_here && !confirmed {
        return confirmation_page(&params, back.as_ref());
    }
    if let Some(grant) = &grant {
        let ended = if made_here {
            store.sign_out_of_app(&grant.sid, by.clone(), now).await
        } else {
            store.revoke_grant(grant.app_id, grant.grant_id, now).await.map(|_| ())
        };
        match ended {
            Ok(()) | Err(StoreError::NotFound) => {}
            Err(error) => tracing::error!(%error, "could not end an app session"),
        }
    }
    if let Some(session) = session
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
    if session.is_some()
        && let Ok(cookie) =
            HeaderValue::from_str(&sessions::expired_cookie(provider.state.settings.secure_cookies()))
    {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

/// Asks whether to sign out of Roster, repeating the request's parameters
/// in a form that posts them back with [`CONFIRM`].
fn confirmation_page(params: &Params, back: Option<&Url>) -> Response {
    let fields: String = ["id_token_hint", "client_id", "post_logout_redirect_uri", "state"]
        .into_iter()
        .filter_map(|name| params.get(name).map(|value| (name, value)))
        .map(|(name, value)| {
            format!(
                "<input type=\"hidden\" name=\"{name}\" value=\"{}\">",
                html_escape::encode_double_quoted_attribute(value)
            )
        })
        .collect();
    let body = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Sign out of Roster? · Roster</title></head>\
         <body><main><h1>Sign out of Roster?</h1>\
         <p>An application asked to sign you out. Signing out ends your Roster session in this browser \
         and your sign-ins to applications made from it.</p>\
         <form method=\"post\" action=\"/oauth2/logout\">{fields}\
         <input type=\"hidden\" name=\"{CONFIRM}\" value=\"yes\">\
         <button type=\"submit\">Sign out</button></form>\
         <p><a href=\"/\">Stay signed in</a></p></main></body></html>"
    );
    // The form posts here, and the answer redirects to the app: a form's
    // redirect must also be a permitted form action.
    let form_action = match back {
        Some(url) => format!("'self' {}", url.origin().ascii_serialization()),
        None => "'self'".to_owned(),
    };
    let policy =
        format!("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action {form_action}");
    let mut response = (StatusCode::OK, no_store(), Html(body)).into_response();
    if let Ok(policy) = HeaderValue::from_str(&policy) {
        response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    response
}
