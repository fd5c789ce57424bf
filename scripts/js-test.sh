#!/usr/bin/env bash
# Runs the masto (npm) client tests in tests/js against a server binary:
#   bash scripts/js-test.sh build/rapport
# Starts the binary on a free 127.0.0.1 port with a temporary data
# directory, creates two users and their tokens through the API with curl,
# runs node's test runner (its "# pass N" / "# fail M" summary is the
# result), stops the server with SIGTERM and checks that it exited 0 with
# no sanitizer report. Exits with node's status, or 1 if the server failed.
set -u
cd "$(dirname "$0")/.."

BIN=${1:-}
if [ -z "$BIN" ] || [ ! -x "$BIN" ]; then
	echo "usage: $0 PATH/TO/rapport" >&2
	exit 2
fi
for tool in node npm curl; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "$tool is missing: apt-get install -y nodejs npm curl" >&2
		exit 1
	fi
done

if [ ! -d tests/js/node_modules ]; then
	(cd tests/js && npm ci --no-audit --no-fund) || {
		echo "npm ci failed in tests/js" >&2
		exit 1
	}
fi

tmp=$(mktemp -d)
pid=
cleanup() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

# json_get KEY: reads a JSON object on stdin and prints one string field.
json_get() {
	node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
		const v = JSON.parse(s)[process.argv[1]];
		if (typeof v !== "string") {
			console.error("no " + process.argv[1] + " in " + s);
			process.exit(1);
		}
		process.stdout.write(v);
	});' "$1"
}

port=$(node -e 'const s = require("net").createServer();
	s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });')
base="http://127.0.0.1:$port"

export RAPPORT_LOGIN_LIMIT=100000 RAPPORT_RATE_LIMIT=1000000 RAPPORT_SIGNUP_LIMIT=100000
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:exitcode=23"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
"$BIN" serve --data "$tmp/data" --listen "127.0.0.1:$port" --domain "127.0.0.1:$port" \
	>"$tmp/server.log" 2>&1 &
pid=$!

up=0
for _ in $(seq 1 200); do
	if curl -fsS -o /dev/null "$base/api/v1/instance" 2>/dev/null; then
		up=1
		break
	fi
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done
if [ "$up" -ne 1 ]; then
	echo "the server did not start:" >&2
	tail -40 "$tmp/server.log" >&2
	exit 1
fi

# new_user NAME: prints a user access token made through the API.
new_user() {
	local app id secret app_token
	app=$(curl -fsS -X POST "$base/api/v1/apps" --data-urlencode "client_name=js-test" \
		--data-urlencode "redirect_uris=urn:ietf:wg:oauth:2.0:oob" \
		--data-urlencode "scopes=read write follow push") || return 1
	id=$(printf '%s' "$app" | json_get client_id) || return 1
	secret=$(printf '%s' "$app" | json_get client_secret) || return 1
	app_token=$(curl -fsS -X POST "$base/oauth/token" -d grant_type=client_credentials \
		--data-urlencode "client_id=$id" --data-urlencode "client_secret=$secret" \
		--data-urlencode "scope=read write follow push" | json_get access_token) || return 1
	curl -fsS -X POST "$base/api/v1/accounts" -H "Authorization: Bearer $app_token" \
		--data-urlencode "username=$1" --data-urlencode "email=$1@example.com" \
		--data-urlencode "password=correct horse battery" -d agreement=true -d locale=en |
		json_get access_token
}

tok1=$(new_user jsalice) && tok2=$(new_user jsbob) || {
	echo "could not create the test users" >&2
	tail -20 "$tmp/server.log" >&2
	exit 1
}

RAPPORT_URL=$base RAPPORT_TOKEN=$tok1 RAPPORT_TOKEN2=$tok2 node --test tests/js/*.test.mjs
node_rc=$?

kill -TERM "$pid"
wait "$pid"
server_rc=$?
pid=
if [ "$server_rc" -ne 0 ]; then
	echo "the server exited with status $server_rc" >&2
	tail -40 "$tmp/server.log" >&2
	[ "$node_rc" -ne 0 ] || node_rc=1
fi
if grep -qE 'ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:' "$tmp/server.log"; then
	echo "the server log has a sanitizer report:" >&2
	grep -A30 -E 'ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:' \
		"$tmp/server.log" | head -60 >&2
	[ "$node_rc" -ne 0 ] || node_rc=1
fi
exit "$node_rc"
