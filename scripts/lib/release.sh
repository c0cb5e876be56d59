# Sourced by scripts/run, scripts/test and scripts/bench: how cargo-leptos
# builds the release they serve, test and measure.
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
#
# Use: env "${release_env[@]}" cargo leptos build "${release_flags[@]}"
# shellcheck disable=SC2034 # used by the scripts that source this file
release_env=(LEPTOS_HASH_FILES=true LEPTOS_HASH_FILE_NAME=../site/hash.txt)
# shellcheck disable=SC2034
release_flags=(--release --precompress)
