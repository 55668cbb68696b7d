#!/usr/bin/env bash
# Puts a few real photographs, as lossless PNGs, into the directory given (default
# target/test-photos): astronaut, chelsea (a cat), coffee and camera (grey), from Debian's
# python3-skimage package (BSD-licensed scikit-image sample data). The .deb is downloaded and
# unpacked, not installed, so nothing else is pulled in. Used by the TF.js cross-check tests.
set -euo pipefail
out="${1:-target/test-photos}"
photos=(astronaut.png chelsea.png coffee.png camera.png)
have=0
for p in "${photos[@]}"; do [ -s "$out/$p" ] && have=$((have + 1)); done
if [ "$have" -eq "${#photos[@]}" ]; then
  exit 0
fi
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
if ! apt-get download python3-skimage >/dev/null 2>&1; then
  apt-get update -qq >/dev/null
  apt-get download python3-skimage >/dev/null
fi
dpkg-deb -x python3-skimage_*.deb x
cd - >/dev/null
for p in "${photos[@]}"; do
  cp "$tmp/x/usr/lib/python3/dist-packages/skimage/data/$p" "$out/$p"
done
echo "test photos in $out: ${photos[*]}"
