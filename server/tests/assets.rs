//! How the compiled assets (`/pkg/…`) travel: the precompressed copy a
//! browser accepts, caching that never mixes two releases, and pages that
//! are never stored. A release build is not needed: each test lays out a
//! small site the way cargo-leptos does (`--precompress` writes `.br` and
//! `.gz` beside every file; fingerprinting renames `roster.wasm` to
//! `roster.<hash>.wasm` and records the hashes in `hash.txt`).

mod support;

use std::path::Path;

use reqwest::{StatusCode, header};
use support::{Answer, TestApp};
use testkit::{Backend, TestDatabase};

const JS_HASH: &str = "Jz0iN4d9Xq2hT7bLk1VwYA";
const WASM_HASH: &str = "Wm5_uR8-eK3pQ6cZs2HfOg";
const CSS_HASH: &str = "Cs7aB2dE4fG6hJ8kL0mN1p";

/// A release build's site: fingerprinted names, each file with its
/// compressed copies. The copies' bytes only say which one was sent.
fn fingerprinted_site(root: &Path) {
    let pkg = root.join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    for name in
        [format!("roster.{JS_HASH}.js"), format!("roster.{WASM_HASH}.wasm"), format!("roster.{CSS_HASH}.css")]
    {
        std::fs::write(pkg.join(&name), "plain bytes").unwrap();
        std::fs::write(pkg.join(format!("{name}.br")), "brotli bytes").unwrap();
        std::fs::write(pkg.join(format!("{name}.gz")), "gzip bytes").unwrap();
    }
    std::fs::write(root.join("hash.txt"), format!("js: {JS_HASH}\nwasm: {WASM_HASH}\ncss: {CSS_HASH}\n"))
        .unwrap();
}

/// A plain `cargo leptos build`: no fingerprints, no compressed copies.
fn plain_site(root: &Path) {
    let pkg = root.join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(pkg.join("roster.js"), "plain bytes").unwrap();
}

async fn fetch(app: &TestApp, path: &str, accept_encoding: Option<&str>) -> Answer {
    let mut request = reqwest::Client::new().get(format!("{}{path}", app.base));
    if let Some(encodings) = accept_encoding {
        request = request.header(header::ACCEPT_ENCODING, encodings);
    }
    app.browser().send(request).await
}

fn header(answer: &Answer, name: header::HeaderName) -> Option<&str> {
    answer.headers.get(name).map(|value| value.to_str().unwrap())
}

fn varies_on_encoding(answer: &Answer) -> bool {
    answer
        .headers
        .get_all(header::VARY)
        .iter()
        .flat_map(|value| value.to_str().unwrap().split(','))
        .any(|name| name.trim().eq_ignore_ascii_case("accept-encoding"))
}

#[tokio::test]
async fn a_browser_gets_the_compressed_copy_it_accepts() {
    let site = tempfile::tempdir().unwrap();
    fingerprinted_site(site.path());
    let db = TestDatabase::new(Backend::Sqlite).await;
    let app = TestApp::spawn_serving(&db, site.path()).await;
    let wasm = format!("/pkg/roster.{WASM_HASH}.wasm");

    let brotli = fetch(&app, &wasm, Some("gzip, deflate, br, zstd")).await;
    assert_eq!(brotli.status, StatusCode::OK);
    assert_eq!(header(&brotli, header::CONTENT_ENCODING), Some("br"));
    assert_eq!(header(&brotli, header::CONTENT_TYPE), Some("application/wasm"));
    assert_eq!(brotli.body, "brotli bytes");
    assert!(varies_on_encoding(&brotli), "{:?}", brotli.headers);

    let gzip = fetch(&app, &wasm, Some("gzip")).await;
    assert_eq!(header(&gzip, header::CONTENT_ENCODING), Some("gzip"));
    assert_eq!(gzip.body, "gzip bytes");
    assert!(varies_on_encoding(&gzip), "{:?}", gzip.headers);

    for accept_encoding in [None, Some("identity")] {
        let plain = fetch(&app, &wasm, accept_encoding).await;
        assert_eq!(plain.status, StatusCode::OK);
        assert_eq!(header(&plain, header::CONTENT_ENCODING), None, "{accept_encoding:?}");
        assert_eq!(plain.body, "plain bytes");
        assert!(varies_on_encoding(&plain), "a cache must not hand this copy to a brotli browser");
    }

    app.stop().await;
    db.remove().await;
}

#[tokio::test]
async fn fingerprinted_assets_are_kept_for_good_and_pages_never() {
    let site = tempfile::tempdir().unwrap();
    fingerprinted_site(site.path());
    let db = TestDatabase::new(Backend::Sqlite).await;
    let app = TestApp::spawn_serving(&db, site.path()).await;

    for file in
        [format!("roster.{JS_HASH}.js"), format!("roster.{WASM_HASH}.wasm"), format!("roster.{CSS_HASH}.css")]
    {
        let asset = fetch(&app, &format!("/pkg/{file}"), Some("br")).await;
        assert_eq!(
            header(&asset, header::CACHE_CONTROL),
            Some("public, max-age=31536000, immutable"),
            "{file}"
        );
    }

    // The page names exactly the files of the build it came with, so a
    // browser holding last release's bundle cannot run it on this page.
    let page = fetch(&app, "/sign-in", Some("br")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(header(&page, header::CACHE_CONTROL), Some("no-store"));
    for name in [
        format!("/pkg/roster.{JS_HASH}.js"),
        format!("roster.{WASM_HASH}"),
        format!("/pkg/roster.{CSS_HASH}.css"),
    ] {
        assert!(page.body.contains(&name), "the page links {name}:\n{}", page.body);
    }

    // Not there (an instance still on the previous release, say): that
    // answer must not be kept under a name that will exist.
    let missing = fetch(&app, "/pkg/roster.AAAAAAAAAAAAAAAAAAAAAA.wasm", Some("br")).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(header(&missing, header::CACHE_CONTROL), Some("no-cache"));

    app.stop().await;
    db.remove().await;
}

#[tokio::test]
async fn a_plain_build_is_sent_uncompressed_and_revalidated() {
    let site = tempfile::tempdir().unwrap();
    plain_site(site.path());
    let db = TestDatabase::new(Backend::Sqlite).await;
    let app = TestApp::spawn_serving(&db, site.path()).await;

    let asset = fetch(&app, "/pkg/roster.js", Some("br, gzip")).await;
    assert_eq!(asset.status, StatusCode::OK);
    assert_eq!(header(&asset, header::CONTENT_ENCODING), None);
    assert_eq!(asset.body, "plain bytes");
    // The same name holds another file after the next build: ask each time.
    assert_eq!(header(&asset, header::CACHE_CONTROL), Some("no-cache"));
    let last_modified =
        header(&asset, header::LAST_MODIFIED).expect("a validator to revalidate with").to_owned();

    let request = reqwest::Client::new()
        .get(format!("{}/pkg/roster.js", app.base))
        .header(header::IF_MODIFIED_SINCE, last_modified);
    let unchanged = app.browser().send(request).await;
    assert_eq!(unchanged.status, StatusCode::NOT_MODIFIED);
    assert_eq!(header(&unchanged, header::CACHE_CONTROL), Some("no-cache"));

    let page = fetch(&app, "/sign-in", None).await;
    assert_eq!(header(&page, header::CACHE_CONTROL), Some("no-store"));
    assert!(page.body.contains("/pkg/roster.js"), "{}", page.body);

    app.stop().await;
    db.remove().await;
}
