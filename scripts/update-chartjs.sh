#!/usr/bin/env bash
# Refreshes the Chart.js bundle embedded in HTML reports (so reports work offline). Needs npm.
set -euo pipefail
version=${1:-4.5.1}
tmp=$(mktemp -d)
(cd "$tmp" && npm init -y >/dev/null && npm install "chart.js@$version" >/dev/null)
dest="$(dirname "$0")/../src/Lodestar.Cli/Report"
cp "$tmp/node_modules/chart.js/dist/chart.umd.min.js" "$dest/chart.umd.min.js"
cp "$tmp/node_modules/chart.js/LICENSE.md" "$dest/chart.js.LICENSE.md"
echo "chart.js $version -> $dest"
