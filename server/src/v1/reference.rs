//! The API's reference page at `/docs/api/`: Swagger UI, vendored into the
//! binary (no CDN), reading `/v1/openapi.json`. Its files are served here
//! with a policy of their own: Swagger UI's scripts are files of this origin
//! (its configuration too, in `swagger-initializer.js`), so nothing inline
//! has to be allowed, and "Try it out" may only call this origin.

use std::sync::{Arc, LazyLock};

use axum::{
    Router,
    extract::Path,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use utoipa_swagger_ui::Config;

use app::ssr::AppState;

/// Where the page lives; outside `/v1`, which holds only documented routes.
pub const PATH: &str = "/docs/api/";

/// Swagger UI's own files need scripts, styles and images of this origin
/// (and `data:` images, which its stylesheet uses for icons); requests only
/// to this origin; no frames, no forms, no plug-ins. The hash allows the one
/// fixed `<style>` the pinned Swagger UI (5.32.6) adds, and nothing else inline.
const POLICY: &str = "default-src 'none'; script-src 'self'; \
    style-src 'self' 'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='; img-src 'self' data:; \
    connect-src 'self'; font-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

static CONFIG: LazyLock<Arc<Config<'static>>> = LazyLock::new(|| {
    Arc::new(
        Config::new(["/v1/openapi.json"])
            // The default sends the document to validator.swagger.io.
            .validator_url("none")
            .try_it_out_enabled(false)
            .persist_authorization(false)
            .display_operation_id(false),
    )
});

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/docs/api", get(|| async { Redirect::permanent(PATH) }))
        .route(PATH, get(|| file(Path(String::new()))))
        .route("/docs/api/{*file}", get(file))
}

async fn file(Path(file): Path<String>) -> Response {
    let found = match utoipa_swagger_ui::serve(&file, CONFIG.clone()) {
        Ok(found) => found,
        Err(error) => {
            tracing::error!(%error, "the API reference could not be served");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let Some(found) = found else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mut response = found.bytes.into_owned().into_response();
    let headers = response.headers_mut();
    if let Ok(content_type) = HeaderValue::from_str(&found.content_type) {
        headers.insert(header::CONTENT_TYPE, content_type);
    }
    if found.gzpipped {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(POLICY));
    response
}
