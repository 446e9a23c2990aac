#!/bin/sh
# Copy the front-end packages the demo map and the browser tests use out of the npm
# registry into the repository, with each package's licence and version beside its files.
# The page never loads anything from elsewhere at run time. Needs node/npm; run it again
# after changing a version below, and commit the result.
set -eu
cd "$(dirname "$0")/.."
LEAFLET=1.9.4
WORLD_ATLAS=2.0.2
TOPOJSON_CLIENT=3.1.0
VIS_TIMELINE=8.5.4
TIMELINEJS=3.9.11
WORK=.npm-vendor  # git-ignored
rm -rf "$WORK" && mkdir -p "$WORK"
npm install --prefix "$WORK" --no-audit --no-fund --no-save --silent \
  "leaflet@$LEAFLET" "world-atlas@$WORLD_ATLAS" "topojson-client@$TOPOJSON_CLIENT" \
  "vis-timeline@$VIS_TIMELINE" "@knight-lab/timelinejs@$TIMELINEJS"
M="$WORK/node_modules"

vendor() {  # vendor <destination> <package> <version> <file>...
  destination=$1 package=$2 version=$3
  shift 3
  rm -rf "$destination" && mkdir -p "$destination"
  for file in "$@"; do cp "$M/$package/$file" "$destination/"; done
  cp "$M/$package"/LICENSE* "$destination/"
  printf '%s %s from the npm registry (scripts/vendor-frontend.sh); licence: %s\n' \
    "$package" "$version" "$(ls "$M/$package" | grep '^LICENSE' | tr '\n' ' ')" \
    > "$destination/VERSION"
}

DEMO=timeline_api/demo/static/vendor
vendor "$DEMO/leaflet" leaflet "$LEAFLET" dist/leaflet.js dist/leaflet.css
# The outlines are runtime data (the seed loader places countries inside them); the demo
# map is served the same file from there.
vendor timeline_api/data/world-atlas world-atlas "$WORLD_ATLAS" countries-110m.json
echo "Country outlines: Natural Earth 1:110m Admin 0 (public domain, naturalearthdata.com), as TopoJSON by world-atlas (ISC licence)." \
  >> timeline_api/data/world-atlas/VERSION
vendor "$DEMO/topojson-client" topojson-client "$TOPOJSON_CLIENT" dist/topojson-client.min.js
# Only the browser tests use vis-timeline and TimelineJS (the exports' real consumers).
vendor tests/e2e/vendor/vis-timeline vis-timeline "$VIS_TIMELINE" \
  standalone/umd/vis-timeline-graph2d.min.js styles/vis-timeline-graph2d.min.css
vendor tests/e2e/vendor/timelinejs @knight-lab/timelinejs "$TIMELINEJS" \
  dist/js/timeline.js dist/css/timeline.css
rm -rf "$WORK"
