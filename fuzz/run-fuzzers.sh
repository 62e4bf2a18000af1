#!/usr/bin/env bash
# Runs each libFuzzer target of BUILD_DIR for SECONDS, starting from (and adding to) a working
# copy of its seed corpus; prints executions per target. Crashers are written to
# BUILD_DIR/crashes/NAME/: copy them into fuzz/corpus/NAME/ as regression inputs once fixed.
#   usage: run-fuzzers.sh BUILD_DIR SECONDS
set -euo pipefail
build="$1"
seconds="$2"
here="$(cd "$(dirname "$0")" && pwd)"
status=0
for target in "$build"/fuzz/fuzz_*; do
  name="$(basename "$target")"
  name="${name#fuzz_}"
  work="$build/corpus-work/$name"
  crashes="$build/crashes/$name"
  mkdir -p "$work" "$crashes"
  cp -n "$here/corpus/$name"/* "$work/" 2>/dev/null || true
  log="$build/fuzz-$name.log"
  if "$target" "$work" -max_total_time="$seconds" -artifact_prefix="$crashes/" -print_final_stats=1 \
      >"$log" 2>&1; then
    result="ok"
  else
    result="CRASH (see $log and $crashes)"
    status=1
  fi
  execs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')"
  printf '%-18s %12s executions in %ss  %s\n' "$name" "$execs" "$seconds" "$result"
done
exit $status
