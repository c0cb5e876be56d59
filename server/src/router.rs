use app::{
    App, shell,
    ssr::{AppState, bundles::Bundles},
};
use axum::{Router, middleware::from_fn, middleware::from_fn_with_state, routing::get};
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, file_and_error_handler_with_context, generate_route_list};
use tower::ServiceBuilder;
use tower_http::{
    services::{ServeDir, ServeFile},
    trace::{DefaultOnResponse, TraceLayer},
};
use tracing::Level;

use crate::{audit_export, export, health, middleware, oidc, scim, site, v1};

/// Every route Roster answers: health checks, the pages, the server
/// functions (`/api/…`), the OpenID Connect provider, the management API
/// (`/v1/…`) with its reference page (`/docs/api/`), the SCIM service provider
/// (`/scim/v2/…`) and the compiled assets (`/pkg/…`).
pub fn build(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let bundles = Bundles(site::bundles(&state.leptos_options));
    let context = {
        let state = state.clone();
        move || {
            provide_context(state.clone());
            provide_context(bundles.clone());
        }
    };
    let page = {
        let options = state.leptos_options.clone();
        move || shell(options.clone())
    };
    // Files are served here rather than by the fallback: leptos_axum's file
    // handler reads response headers from whatever reactive owner is current
    // on the thread, and could take a page being rendered at the same moment
    // its Content-Security-Policy (the page then went out with the non-page
    // policy, which blocks its own scripts).
    let site_root = std::path::PathBuf::from(&*state.leptos_options.site_root);
    let pkg = site_root.join(&*state.leptos_options.site_pkg_dir);
    // A release build leaves `.br` and `.gz` copies beside each file
    // (cargo-leptos `--precompress`); without them the plain file is sent.
    let assets = ServiceBuilder::new()
        .layer(from_fn(middleware::asset_caching::add))
        .service(ServeDir::new(pkg).precompressed_br().precompressed_gzip());
    Router::new()
        .nest_service("/pkg", assets)
        .route_service("/favicon.svg", ServeFile::new(site_root.join("favicon.svg")))
        // The passkey prompts' plain script: not fingerprinted, so asked
        // about each time (a new release may change it).
        .route_service(
            "/passkeys.js",
            ServiceBuilder::new()
                .layer(from_fn(middleware::asset_caching::add))
                .service(ServeFile::new(site_root.join("passkeys.js"))),
        )
        .route("/healthz", get(health::live))
        .route("/readyz", get(health::ready))
        .route("/orgs/{slug}/members.csv", get(export::members_csv))
        .route("/orgs/{slug}/audit.csv", get(audit_export::organization_csv))
        .route("/audit.csv", get(audit_export::global_csv))
        .merge(oidc::router(oidc::Provider::new(state.clone())))
        .merge(v1::router())
        .merge(v1::reference::router())
        .merge(scim::router(state.clone()))
        .leptos_routes_with_context(&state, routes, context.clone(), page)
        .fallback(file_and_error_handler_with_context::<AppState, _>(context, shell))
        .layer(from_fn_with_state(state.clone(), middleware::session::authenticate))
        .layer(from_fn(middleware::form_text::require_text))
        .layer(from_fn(middleware::error_status::from_error))
        .layer(from_fn(middleware::security_headers::add))
        .layer(from_fn(middleware::cross_site::refuse))
        .layer(
            // The span names the path only: query strings can carry tokens.
            TraceLayer::new_for_http()
                .make_span_with(|request: &axum::http::Request<_>| {
                    tracing::info_span!("request", method = %request.method(), path = request.uri().path())
                })
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .with_state(state)
}
