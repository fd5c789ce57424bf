#!/usr/bin/env bash
# Runs every libFuzzer harness for N seconds (default 60). A crash, a leak
# or an abort() from a harness's own invariant fails it; the input is kept
# in $B/fuzz/crashes. Prints "fuzz NAME: ok" or "fuzz NAME: FAILED" per harness.
set -u
cd "$(dirname "$0")/.."
B=${B:-build}
secs=${1:-60}
rc=0
mkdir -p "$B/fuzz/crashes"
for bin in "$B"/fuzz/fuzz_*; do
	[ -x "$bin" ] || continue
	name=$(basename "$bin" | sed 's/^fuzz_//')
	work=$(mktemp -d)
	if "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=0 \
		-artifact_prefix="$B/fuzz/crashes/$name-" "$work" "fuzz/corpus/$name" \
		>"$B/fuzz/$name.log" 2>&1; then
		echo "fuzz $name: ok ($(grep -oE 'cov: [0-9]+' "$B/fuzz/$name.log" | tail -1), ${secs}s)"
	else
		echo "fuzz $name: FAILED"
		tail -30 "$B/fuzz/$name.log"
		rc=1
	fi
	rm -rf "$work"
done
exit $rc
