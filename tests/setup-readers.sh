#!/usr/bin/env bash
# Installs the report readers Stocktake did not write, into a cache outside the checkout:
#   - DuckDB (npm @duckdb/node-api) for CSV and Parquet, hyparquet (npm) as a second Parquet reader;
#   - Apache ORC's own tools (orc-contents, orc-metadata, orc-statistics), built from the team's
#     vendored source by shared/tools/build-orc-tools.sh.
# Idempotent; prints nothing when everything is in place.
set -euo pipefail
cache="${STOCKTAKE_CACHE:-$HOME/.cache/stocktake}"
node_dir="$cache/node"
if [[ ! -d "$node_dir/node_modules/@duckdb/node-api" || ! -d "$node_dir/node_modules/hyparquet" ]]; then
  mkdir -p "$node_dir"
  (cd "$node_dir" && [[ -f package.json ]] || echo '{"name":"stocktake-test-readers","private":true}' > "$node_dir/package.json")
  npm install --silent --no-audit --no-fund --prefix "$node_dir" @duckdb/node-api@1.5.6-r.1 hyparquet@1 >&2
fi
shared="$(cd "$(dirname "$0")/.." && pwd)/../shared"
[[ -d "$shared/tools" ]] || shared=/work/shared
if [[ -x "$shared/tools/build-orc-tools.sh" ]]; then
  "$shared/tools/build-orc-tools.sh" "$cache/orc-tools" >/dev/null
fi
