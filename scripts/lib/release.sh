# Sourced by scripts/run, scripts/test and scripts/bench: how cargo-leptos
# builds the release they serve, test and measure (`build_release`).
#
# --precompress writes a brotli (.br) and a gzip (.gz) copy beside every file
# of the site; the server sends the one a browser accepts.
#
# LEPTOS_HASH_FILES fingerprints the assets (roster.<hash>.wasm), which the
# server lets browsers keep for a year. Only here, not in Cargo.toml:
# `cargo leptos watch` rebuilds under the plain names without renaming them
# again, and would leave pages naming the first build's files.
# LEPTOS_HASH_FILE_NAME is relative to the binary's directory (target/release):
# this puts the hashes inside the site they describe, target/site/hash.txt,
# where the server looks for them, so a copy of target/site carries its own.
# shellcheck disable=SC2034 # used by the scripts that source this file
release_env=(LEPTOS_HASH_FILES=true LEPTOS_HASH_FILE_NAME=../site/hash.txt)
# shellcheck disable=SC2034
release_flags=(--release --precompress)

# Builds the server and every bundle: the console's into target/site, then
# each smaller one (app::bundles, project roster-<name>) into
# target/site/pkg/<name>, with its own hash file. In this order: building the
# console empties target/site.
build_release() {
  env "${release_env[@]}" cargo leptos build --project roster "${release_flags[@]}"
  local bundle
  for bundle in sign-in members; do
    env LEPTOS_HASH_FILES=true LEPTOS_HASH_FILE_NAME="../site/pkg/$bundle/hash.txt" \
      cargo leptos build --project "roster-$bundle" --frontend-only "${release_flags[@]}"
  done
}
