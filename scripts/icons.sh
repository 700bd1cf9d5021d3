#!/usr/bin/env bash
# Writes frontend/icons.svg, the web apps' icons: a sprite of the Lucide icons they use (lucide-static
# from the npm registry, ISC licence), each a <symbol> drawn with `<svg><use href="#bell"/>`
# (ui::components::icon). Trunk puts it into each app's document; it is committed, so building
# needs no network. Run this to add an icon (name it below) or to take a newer Lucide.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=1.87.0
ICONS="bell user-plus eye eye-off paperclip circle-check rotate-ccw x plus search"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "lucide-static@$VERSION" >/dev/null && tar xzf lucide-static-*.tgz)

{
  echo "<!-- Lucide $VERSION (lucide-static on npm), ISC licence: https://lucide.dev/license. Written by scripts/icons.sh. -->"
  echo '<svg xmlns="http://www.w3.org/2000/svg" aria-hidden="true" style="display: none">'
  for name in $ICONS; do
    file="$work/package/icons/$name.svg"
    [ -f "$file" ] || { echo "error: Lucide $VERSION has no icon $name" >&2; exit 1; }
    # The icon's drawing: what is inside its <svg> element, on one line.
    body=$(sed -e '1,/^>$/d' -e '/^<\/svg>/d' "$file" | tr -s ' \n' ' ' | sed -e 's/^ //' -e 's/ $//')
    printf '  <symbol id="%s" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">%s</symbol>\n' "$name" "$body"
  done
  echo '</svg>'
} >frontend/icons.svg
echo "wrote frontend/icons.svg ($(echo $ICONS | wc -w) icons, Lucide $VERSION)"
