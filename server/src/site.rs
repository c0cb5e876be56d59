//! The compiled site as cargo-leptos lays it out: `pkg/roster.{js,wasm,css}`,
//! or `pkg/roster.<hash>.{js,wasm,css}` when the build fingerprinted them.

use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
};

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

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_owned())
}
