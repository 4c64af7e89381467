#!/usr/bin/env bash
# Builds assets/plotly-partial.min.js: plotly.js with only the trace types the pack draws, so the
# HTML pack carries ~1.2 MB of library instead of the full 4.8 MB bundle (maps, 3D, WebGL...).
#
# The built file is committed: building a pack needs neither node nor npm. Rebuild it when
#   - the python plotly package is upgraded (the bundle must be the plotly.js version that
#     plotly.py writes figures for: tests/test_plotly_bundle.py fails until it is), or
#   - charts/figures.py draws a trace type the bundle lacks (the same test names it); add it to
#     TRACES below.
# Usage, from the project root (needs node >= 20 and npm; downloads into a temporary folder):
#   scripts/build-plotly-bundle.sh            # python: .venv/bin/python, else python3
#   PYTHON=/path/to/python scripts/build-plotly-bundle.sh
set -euo pipefail

TRACES="bar funnel"  # plotly.js/lib/<name>.js; scatter comes with the core
ESBUILD_VERSION=0.25.12
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/assets/plotly-partial.min.js"
python=${PYTHON:-$( [ -x "$root/.venv/bin/python" ] && echo "$root/.venv/bin/python" || echo python3 )}
version=$("$python" -c "from plotly.offline import get_plotlyjs_version; print(get_plotlyjs_version())")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm init -y >/dev/null
# --ignore-scripts: plotly.js's own install scripts only serve its development
npm install --no-audit --no-fund --ignore-scripts --loglevel=error \
  "plotly.js@$version" "esbuild@$ESBUILD_VERSION" >/dev/null

{
  echo "var Plotly = require('plotly.js/lib/core');"
  echo "Plotly.register(["
  for trace in $TRACES; do echo "  require('plotly.js/lib/$trace'),"; done
  echo "]);"
  echo "module.exports = Plotly;"
} > entry.js

# the same esbuild settings as plotly.js's own build (esbuild-config.js); CSS is only imported
# for map traces, which the bundle leaves out
npx esbuild entry.js --bundle --minify --format=iife --global-name=Plotly \
  --define:global=window --define:define.amd=false --target=es2016 --loader:.css=empty \
  --legal-comments=eof --log-level=warning \
  --banner:js="/*! plotly.js v$version, partial bundle: $TRACES (scripts/build-plotly-bundle.sh). MIT license, Copyright Plotly, Inc. */" \
  --outfile=bundle.js
if grep -qi "</script" bundle.js; then
  echo "the bundle holds '</script': it cannot be inlined in the HTML pack" >&2; exit 1
fi
mv bundle.js "$out"
echo "$out: plotly.js v$version ($TRACES), $(wc -c < "$out") bytes"
