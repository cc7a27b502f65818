#!/bin/sh
# screenshots.sh - the README's pictures of apppw-web (make screenshots):
# runs the browser scenarios that take them, with APPPW_SCREENSHOTS set,
# and only when every one of them passes, puts the PNGs in docs/img/ as
# web-NN-step.png. The app password shown in one of them is revoked by the
# same walk before its picture is written.
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
shots=$(mktemp -d "${TMPDIR:-/tmp}/apppw-screenshots.XXXXXX")
trap 'rm -rf "$shots"' EXIT

cd "$top"
APPPW_SCREENSHOTS=$shots prove --exec '' tests/t0510-web-seed-flow.sh \
	tests/t0511-web-sign-in.sh tests/t0512-web-language.sh
mkdir -p docs/img
for f in "$shots"/*.png; do
	cp "$f" "docs/img/web-$(basename "$f")"
done
echo "screenshots: $(ls "$shots" | wc -l) pictures in docs/img/"
