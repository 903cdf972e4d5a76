#!/usr/bin/env bash
# Renders the presentation starter's deck (the one test/e2e/journey-evidence builds) to PNGs in
# docs/cards/journey-slides/, for looking at. Needs LibreOffice (soffice) and poppler-utils
# (pdftoppm): `apt-get install libreoffice-impress poppler-utils`. Not part of npm test.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
SLIDES_GALLERY_OUT="$work/journey-slides.pptx" npx mocha test/e2e/journey-evidence.e2e.test.ts >/dev/null
soffice --headless --convert-to pdf --outdir "$work" "$work/journey-slides.pptx" >/dev/null
out=docs/cards/journey-slides
rm -rf "$out" && mkdir -p "$out"
pdftoppm -png -r 60 "$work/journey-slides.pdf" "$out/slide"
ls "$out"
