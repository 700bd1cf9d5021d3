#!/usr/bin/env bash
# Builds the two web apps with Trunk (release) and puts them into frontend/dist, which the
# backend embeds: the portal at the top (served at `/`), the desk in desk/ (served under `/desk/`).
# Each .wasm, .js and .css also gets its .br and .gz, which the server sends to browsers that
# accept them. Trunk builds into a staging folder first, and only files whose content changed are
# copied into frontend/dist, so an unchanged app does not make the release backend recompile.
# Usage: scripts/spa.sh   (Makefile's `spa` target runs it when frontend/ or shared/ changed)
set -euo pipefail
cd "$(dirname "$0")/.."

STAGE="${CARGO_TARGET_DIR:-$PWD/target}/spa-stage"
DIST=frontend/dist
rm -rf "$STAGE"
mkdir -p "$STAGE"

trunk build --offline --release=true frontend/portal/index.html --dist "$STAGE/portal" --public-url /
trunk build --offline --release=true frontend/desk/index.html --dist "$STAGE/desk" --public-url /desk/
# The portal's files at the top, the desk's in desk/ (Trunk cleans its --dist, so they are built
# apart and put together here).
mv "$STAGE/desk" "$STAGE/portal/desk"
STAGE="$STAGE/portal"

# Precompressed copies. gzip -n leaves out name and time, so the same input gives the same bytes.
find "$STAGE" -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' \) | while read -r file; do
  gzip -9 -n -c "$file" >"$file.gz"
  brotli -q 11 -f -o "$file.br" "$file"
done

# Copy what changed, drop what went away.
mkdir -p "$DIST"
(cd "$STAGE" && find . -type f) | while read -r file; do
  if ! cmp -s "$STAGE/$file" "$DIST/$file"; then
    mkdir -p "$(dirname "$DIST/$file")"
    cp "$STAGE/$file" "$DIST/$file"
  fi
done
(cd "$DIST" && find . -type f) | while read -r file; do
  [ -e "$STAGE/$file" ] || rm -f "$DIST/$file"
done
find "$DIST" -mindepth 1 -type d -empty -delete
