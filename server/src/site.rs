//! The compiled site as cargo-leptos lays it out: `pkg/roster.{js,wasm,css}`,
//! or `pkg/roster.<hash>.{js,wasm,css}` when the build fingerprinted them,
//! and each smaller bundle as a site of its own inside `pkg/<name>`, served
//! with the console's files.

use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
};

use app::bundles::Bundle;
use leptos::prelude::LeptosOptions;

/// Where a fingerprinting build records the hashed names: inside the site
/// it describes rather than next to the binary (cargo-leptos's default), so
/// that a copy of the site always brings its own names and a binary never
/// points at another build's files. `scripts/lib/release.sh` has
/// cargo-leptos write it here.
const HASH_FILE: &str = "hash.txt";

/// Leptos's options for the site at `site_root`, naming the fingerprinted
/// files when the build made them and the plain ones otherwise (a debug or
/// `cargo leptos watch` build, or no build at all in the Rust tests).
pub fn leptos_options(bind: SocketAddr, site_root: &Path) -> LeptosOptions {
    let hash_file = absolute(&site_root.join(HASH_FILE));
    LeptosOptions::builder()
        .output_name("roster")
        .site_root(site_root.to_string_lossy().as_ref())
        .site_pkg_dir("pkg")
        .site_addr(bind)
        .hash_files(hash_file.is_file())
        // Leptos joins this onto the directory of the running executable; an
        // absolute path replaces that directory.
        .hash_file(hash_file.to_string_lossy().as_ref().into())
        .build()
}

/// Leptos's options for each smaller bundle the build made (see
/// `app::bundles`): a site of its own in the console's `pkg/<name>`. A
/// bundle that is missing (`cargo leptos watch`, the Rust tests) is left out,
/// and its pages are sent with the console bundle, which has them too.
pub fn bundles(console: &LeptosOptions) -> Vec<(Bundle, LeptosOptions)> {
    let pkg = Path::new(&*console.site_root).join(&*console.site_pkg_dir);
    Bundle::ALL
        .into_iter()
        .filter_map(|bundle| {
            let site_root = pkg.join(bundle.name());
            let hash_file = absolute(&site_root.join(HASH_FILE));
            let fingerprinted = hash_file.is_file();
            if !fingerprinted && !site_root.join("pkg/roster.wasm").is_file() {
                return None;
            }
            let options = LeptosOptions::builder()
                .output_name("roster")
                .site_root(site_root.to_string_lossy().as_ref())
                // The path the page links: its files, inside the console's.
                .site_pkg_dir(format!("{}/{}/pkg", console.site_pkg_dir, bundle.name()))
                .site_addr(console.site_addr)
                .hash_files(fingerprinted)
                .hash_file(hash_file.to_string_lossy().as_ref().into())
                .build();
            Some((bundle, options))
        })
        .collect()
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_owned())
}
