#!/usr/bin/env bash
# ctest `conformance`: ceph/s3-tests' test_s3.py (../shared/s3-tests, pinned) against the given
# stocktake binary; fails when fewer tests pass than min-passing.txt records, or when the server
# does not survive the run. Exit 77 (skipped) when the suite is not on this machine.
# usage: run-s3-tests.sh STOCKTAKE_BINARY [MIN_PASSING_FILE]
#   S3TESTS_HOME   where the suite and its runner are (default: ../shared/s3-tests beside the
#                  checkout, else /work/shared/s3-tests)
#   S3TESTS_KEEP   directory to keep the outcome file and pytest log in (default: a temp dir,
#                  removed; its path is printed on failure)
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bin=$(readlink -f "${1:?stocktake binary}")
min_file=${2:-$here/min-passing.txt}
home=${S3TESTS_HOME:-$here/../../../shared/s3-tests}
[[ -x "$home/run-stocktake.sh" ]] || home=/work/shared/s3-tests
if [[ ! -x "$home/run-stocktake.sh" ]]; then
  echo "s3-tests not found (set S3TESTS_HOME): skipped"
  exit 77
fi
min=$(tr -dc '0-9' < "$min_file")
work=$(mktemp -d /var/tmp/stocktake-conformance.XXXXXX)
keep=${S3TESTS_KEEP:-}
cleanup() { [[ -z "$keep" ]] && rm -rf "$work"; }
trap cleanup EXIT
# run-stocktake.sh starts PROJECT/build/release/stocktake: a project dir whose release binary is
# the one under test (the debug build, in CI). Its own suite copy, so runs never share one.
mkdir -p "$work/proj/build/release"
ln -s "$bin" "$work/proj/build/release/stocktake"
start=$(date +%s)
out=$(S3TESTS_DIR="$work/suite" "$home/run-stocktake.sh" "$work/proj" "$work/results.txt" 2>&1)
rc=$?
secs=$(($(date +%s) - start))
echo "$out" | tail -n 5
[[ -n "$keep" ]] && mkdir -p "$keep" && cp "$work"/results.* "$keep"/ 2>/dev/null
passed=$(awk '$1=="passed"{n++} END{print n+0}' "$work/results.txt" 2>/dev/null || echo 0)
total=$(wc -l < "$work/results.txt" 2>/dev/null || echo 0)
echo "s3-tests: $passed of $total passed in ${secs}s (at least $min required; binary $bin)"
fail=0
if ((rc != 0)); then echo "FAIL: the runner exited $rc"; fail=1; fi
if ! grep -q "server alive after the run" <<<"$out"; then echo "FAIL: the server died"; fail=1; fi
if ((passed < min)); then
  echo "FAIL: $passed passing < $min recorded in $min_file; first failures:"
  grep -E '^(failed|error) ' "$work/results.txt" 2>/dev/null | head -n 20
  fail=1
fi
if ((fail)); then
  keep=${keep:-$work}  # leave the outcomes for inspection
  echo "outcomes and pytest log: $keep"
fi
exit $fail
