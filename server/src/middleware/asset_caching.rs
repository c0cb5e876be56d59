use axum::{
    extract::Request,
    http::{HeaderValue, StatusCode, header},
    middleware::Next,
    response::Response,
};

/// A name that changes whenever the content does: kept for a year, never
/// asked about again.
const FINGERPRINTED: &str = "public, max-age=31536000, immutable";
/// Any other name may hold different bytes after the next release: the
/// browser keeps the file but asks each time (`ServeDir` answers
/// `If-Modified-Since` with 304), so a page never runs an old bundle.
const REVALIDATE: &str = "no-cache";

/// How browsers may keep a compiled asset (`/pkg/…`), and that the answer
/// depends on `Accept-Encoding` (the same path is sent as brotli, gzip or
/// plain bytes, whichever the browser accepts and the build precompressed).
pub async fn add(request: Request, next: Next) -> Response {
    let fingerprinted = request.uri().path().rsplit('/').next().is_some_and(is_fingerprinted);
    let mut response = next.run(request).await;
    let found = response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED;
    let cache_control = if fingerprinted && found { FINGERPRINTED } else { REVALIDATE };
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache_control));
    headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    response
}

/// Whether `file_name` is one cargo-leptos's `hash-files` made:
/// `<stem>.<hash>.<extension>`, the hash being the file's MD5 in unpadded
/// base64url (22 characters), as in `roster.Xq2…Zw.wasm`.
fn is_fingerprinted(file_name: &str) -> bool {
    let mut parts = file_name.rsplit('.');
    let (Some(_extension), Some(hash), Some(stem)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    !stem.is_empty()
        && hash.len() == 22
        && hash.bytes().all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_')
}

#[cfg(test)]
mod tests {
    use super::is_fingerprinted;

    #[test]
    fn recognises_the_names_cargo_leptos_hashes() {
        assert!(is_fingerprinted("roster.hP3_k-9ZqRw0aBcDeFgHiJ.wasm"));
        assert!(is_fingerprinted("roster.hP3_k-9ZqRw0aBcDeFgHiJ.js"));
        assert!(is_fingerprinted("__wasm_split.hP3_k-9ZqRw0aBcDeFgHiJ.js"));
    }

    #[test]
    fn plain_names_are_not_fingerprinted() {
        for name in [
            "roster.wasm",
            "roster.js",
            "roster.css",
            "roster_bg.wasm",
            "inline0.js",
            // A hash-like part that is not between a stem and an extension.
            "hP3_k-9ZqRw0aBcDeFgHiJ.wasm",
            // 21 characters, or one that base64url never writes.
            "roster.hP3_k-9ZqRw0aBcDeFgHi.wasm",
            "roster.hP3_k-9ZqRw0aBcDeFgHi+.wasm",
        ] {
            assert!(!is_fingerprinted(name), "{name}");
        }
    }
}
