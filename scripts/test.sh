#!/usr/bin/env bash
# Runs every suite and ends with one line across all of them:
# "N passed, M failed". Exits non-zero when anything failed.
# Suites: C unit tests (normal and ASan+UBSan builds; the threaded ones
# also under ThreadSanitizer), API tests with real clients against the
# normal binary and against the ASan+UBSan binary (and the normal one
# again with the store on PostgreSQL), the masto client tests,
# the web app's unit tests (Vitest) and browser tests (Playwright driving
# Debian's chromium; screenshots in $B/screenshots).
set -u
cd "$(dirname "$0")/.."
B=${B:-build}
PY=/usr/bin/python3 # Debian's, with pytest, requests and Mastodon.py
passed=0
failed=0
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:exitcode=23"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export TSAN_OPTIONS="exitcode=66"

# count_cmocka FILE RC: adds the counts of a cmocka run.
count_cmocka() {
	local p f
	p=$(grep -oE '^\[  PASSED  \] [0-9]+' "$1" | grep -oE '[0-9]+$' | tail -1)
	f=$(grep -oE '^\[  FAILED  \] [0-9]+ test' "$1" | grep -oE '[0-9]+' | tail -1)
	p=${p:-0}
	f=${f:-0}
	if [ "$2" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi # crashed or sanitizer report
	passed=$((passed + p))
	failed=$((failed + f))
}

# count_pytest FILE RC
count_pytest() {
	local line p f e
	line=$(grep -E '^(=+ )?[0-9]+ (passed|failed|error)' "$1" | tail -1)
	p=$(echo "$line" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+')
	f=$(echo "$line" | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+')
	e=$(echo "$line" | grep -oE '[0-9]+ error' | grep -oE '[0-9]+')
	p=${p:-0}
	f=$((${f:-0} + ${e:-0}))
	if [ "$2" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	passed=$((passed + p))
	failed=$((failed + f))
}

run_unit() { # DIR LABEL
	local t out rc
	for t in "$1"/test_*; do
		[ -x "$t" ] || continue
		out="$log/$(basename "$t").$2"
		echo "== unit $(basename "$t") ($2)"
		"$t" >"$out" 2>&1
		rc=$?
		grep -E '^\[  (FAILED|ERROR)|^\[  PASSED|runtime error|Sanitizer' "$out"
		[ $rc -ne 0 ] && tail -40 "$out"
		count_cmocka "$out" $rc
	done
}

run_api() { # BIN LABEL
	local out="$log/api.$2" rc
	echo "== api tests against $1 ($2)"
	RAPPORT_BIN="$1" timeout 900 "$PY" -m pytest -q -p no:cacheprovider -rfE tests/api \
		>"$out" 2>&1
	rc=$?
	tail -25 "$out"
	count_pytest "$out" $rc
}

# The PostgreSQL pass runs beside the ASan pass: each pass mostly waits on
# its servers (alone, one keeps about one of the two cores busy), so
# together they take little longer than the longer one.
api_pg_start() { # BIN LABEL: the same API suite with the store on PostgreSQL, in a
	# throwaway cluster that pg_virtualenv makes and removes (its PG* variables
	# name it; conftest.py gives each data directory a database of its own).
	# The cluster is thrown away: fsync=off spares the disk (the server still
	# commits with synchronous_commit on; no test kills PostgreSQL itself).
	# pytest writes to $out; the cluster's own messages (its log when a
	# command fails) go to $out.cluster; the exit status to $out.rc. The
	# timeout only bounds a hang: on a loaded machine the pass, beside the
	# ASan one, it was cut off at 15 minutes, half done (it takes 6 on a quiet one).
	local out="$log/api.$2"
	(
		RAPPORT_BIN="$1" RAPPORT_TEST_PG=1 timeout 1800 pg_virtualenv -v 15 -t -o fsync=off \
			sh -c '"$0" -m pytest -q -p no:cacheprovider -rfE tests/api >"$1" 2>&1' \
			"$PY" "$out" >"$out.cluster" 2>&1
		echo $? >"$out.rc"
	) &
	api_pg_pid=$!
}

api_pg_finish() { # BIN LABEL: waits for api_pg_start's pass and counts it
	local out="$log/api.$2" rc
	wait "$api_pg_pid"
	rc=$(cat "$out.rc" 2>/dev/null || echo 1)
	echo "== api tests against $1 on PostgreSQL ($2)"
	tail -25 "$out"
	count_pytest "$out" "$rc"
}

run_fuzz() { # SECONDS: each libFuzzer harness is one test
	echo "== fuzz (${1}s per harness)"
	local out="$log/fuzz"
	B="$B" scripts/fuzz.sh "$1" >"$out" 2>&1
	cat "$out"
	passed=$((passed + $(grep -c ': ok' "$out")))
	failed=$((failed + $(grep -c ': FAILED' "$out")))
}

tap_failures() { # FILE: what each failed test of a TAP log said (its YAML block)
	awk '/^ *not ok / { on = 1; n = 0 }
		on { print; if (++n >= 40 || /^ *\.\.\.$/) on = 0 }' "$1"
}

run_js() { # BIN LABEL: the masto (npm) client against the real binary
	local out="$log/js.$2" rc p f
	echo "== masto client tests against $1 ($2)"
	bash scripts/js-test.sh "$1" >"$out" 2>&1
	rc=$?
	grep -E '^# (pass|fail)' "$out"
	tap_failures "$out"
	p=$(grep -oE '^# pass [0-9]+' "$out" | grep -oE '[0-9]+' | tail -1)
	f=$(grep -oE '^# fail [0-9]+' "$out" | grep -oE '[0-9]+' | tail -1)
	p=${p:-0}
	f=${f:-0}
	if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then f=1; tail -30 "$out"; fi
	passed=$((passed + p))
	failed=$((failed + f))
}

run_web_unit() { # Vitest: the web app's own logic
	local out="$log/web-unit" rc p f
	echo "== web app unit tests (vitest)"
	B="$B" bash scripts/web-test.sh unit >"$out" 2>&1
	rc=$?
	grep -E '^not ok' "$out"
	p=$(grep -cE '^ok ' "$out")
	f=$(grep -cE '^not ok ' "$out")
	if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then f=1; tail -30 "$out"; fi
	echo "# pass $p"
	echo "# fail $f"
	passed=$((passed + p))
	failed=$((failed + f))
}

run_web() { # BIN LABEL SHOTS: the web app in chromium against the real binary
	local out="$log/web.$2" rc p f
	echo "== web app browser tests against $1 ($2)"
	B="$B" bash scripts/web-test.sh browser "$1" "$3" >"$out" 2>&1
	rc=$?
	grep -E '^# (pass|fail)' "$out"
	tap_failures "$out"
	p=$(grep -oE '^# pass [0-9]+' "$out" | grep -oE '[0-9]+' | tail -1)
	f=$(grep -oE '^# fail [0-9]+' "$out" | grep -oE '[0-9]+' | tail -1)
	p=${p:-0}
	f=${f:-0}
	if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then f=1; tail -30 "$out"; fi
	passed=$((passed + p))
	failed=$((failed + f))
}

run_unit "$B/tests" normal
run_unit "$B/asan/tests" asan
run_unit "$B/tsan/tests" tsan
run_api "$B/rapport" normal
api_pg_start "$B/rapport" postgresql
run_api "$B/asan/rapport" asan
api_pg_finish "$B/rapport" postgresql
run_js "$B/rapport" normal
run_js "$B/asan/rapport" asan
run_web_unit
run_web "$B/rapport" normal "$B/screenshots"
run_web "$B/asan/rapport" asan "$log/screenshots-asan"
run_fuzz 10

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
