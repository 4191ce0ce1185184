#!/usr/bin/env bash
# Renders the app icons in public/icons/ from public/favicon.svg's mark (the PNGs are committed;
# run this again when the mark changes). Needs rsvg-convert (Debian: librsvg2-bin).
#   icon-192.png, icon-512.png   the rounded square, as browsers and the install prompt ask for
#   maskable-512.png             full bleed, the mark inside the central 80% safe zone
#   apple-touch-icon.png         180 px, full bleed (iOS rounds the corners itself)
set -euo pipefail
cd "$(dirname "$0")/.."
out=public/icons
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Full bleed, the mark 1.1x around the centre: about 60% of the width, inside the 80% safe circle.
cat > "$tmp/maskable.svg" <<'SVG'
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" fill="#0f766e"/><path d="M41.5 22.5a13 13 0 1 0 0 19" fill="none" stroke="#fff" stroke-width="7" stroke-linecap="round" transform="translate(-3.2 -3.2) scale(1.1)"/></svg>
SVG
for size in 192 512; do
  rsvg-convert -w "$size" -h "$size" public/favicon.svg -o "$out/icon-$size.png"
done
rsvg-convert -w 512 -h 512 "$tmp/maskable.svg" -o "$out/maskable-512.png"
rsvg-convert -w 180 -h 180 "$tmp/maskable.svg" -o "$out/apple-touch-icon.png"
ls -l "$out"
