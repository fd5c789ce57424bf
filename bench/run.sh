#!/usr/bin/env bash
# make bench: seeds a community, starts Rapport on it and drives each
# scenario with wrk (32 connections), measures nginx serving a 2 KB file
# in the same run as the machine's ceiling, and writes
# build/bench/results.json and a table.
#   BENCH=quick  1k accounts / 50k posts (default: 10k / 1M)
#   DURATION=10  seconds per scenario
set -euo pipefail
cd "$(dirname "$0")/.."
B=${B:-build}
OUT="$B/bench"
mkdir -p "$OUT"
PY=/usr/bin/python3

need=""
for p in wrk nginx-light sqlite3 bc; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need="$need $p"
done
if [ -n "$need" ]; then
	if [ "$(id -u)" = 0 ]; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
	else
		echo "bench needs:$need — run: sudo apt-get install -y$need" >&2
		exit 1
	fi
fi

if [ "${BENCH:-}" = quick ]; then ACCOUNTS=1000; POSTS=50000; SMALL=5000
else ACCOUNTS=10000; POSTS=1000000; SMALL=100000; fi
DURATION=${DURATION:-10}
CONNS=32
THREADS=2

free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# seed DIR ACCOUNTS POSTS: a pristine seeded store, made once and reused.
seed() {
	local dir="$1"
	if [ ! -f "$dir/seed.json" ]; then
		rm -rf "$dir"
		"$B/rapport" seed --data "$dir" --accounts "$2" --posts "$3" --seed 42 \
			--tokens "$dir.tokens" 2>&1 | grep -v " info " || true
	fi
	[ -f "$dir/seed.json" ] || { echo "seeding $dir failed" >&2; exit 1; }
}

SRV_PID=""
NGX_DIR="$OUT/nginx"
cleanup() {
	[ -n "$SRV_PID" ] && kill "$SRV_PID" 2>/dev/null && wait "$SRV_PID" 2>/dev/null || true
	[ -f "$NGX_DIR/nginx.pid" ] && kill "$(cat "$NGX_DIR/nginx.pid")" 2>/dev/null || true
}
trap cleanup EXIT

# serve DIR: a working copy of the seeded store, served on a free port.
serve() {
	local work="$OUT/work"
	rm -rf "$work"
	cp -r "$1" "$work"
	PORT=$(free_port)
	RAPPORT_RATE_LIMIT=0 RAPPORT_LOGIN_LIMIT=0 RAPPORT_SIGNUP_LIMIT=0 RAPPORT_WEB_DIR="$B/web" \
		"$B/rapport" serve --data "$work" --listen "127.0.0.1:$PORT" \
		--domain "127.0.0.1:$PORT" ${RAPPORT_THREADS:+--threads $RAPPORT_THREADS} \
		>"$OUT/server.log" 2>&1 &
	SRV_PID=$!
	for _ in $(seq 100); do
		curl -sf "http://127.0.0.1:$PORT/api/v1/instance" >/dev/null && return 0
		sleep 0.1
	done
	echo "server did not start" >&2
	exit 1
}

stop_server() {
	kill "$SRV_PID"
	wait "$SRV_PID" || true
	SRV_PID=""
}

# run NAME URL SEEDDIR [EXTRA]: one wrk run; figures go to $OUT/NAME.json.
# Reads are first driven for WARMUP seconds, unrecorded: the figures are
# those of a running server, whose caches hold what its users read (the
# cold first seconds are in $OUT/LABEL-cold.json).
WARMUP=${WARMUP:-10}
run() {
	local name="$1" url="$2" dir="$3" extra="${4:-0}" label="${5:-$1}"
	case "$name" in
	post_status | favourite | static) ;;
	*)
		WRK_OUT="$OUT/$label-cold.json" WRK_SCENARIO="$name" \
			wrk -t$THREADS -c$CONNS -d${WARMUP}s --latency -s bench/scenario.lua "$url" -- \
			"$name" "$dir.tokens" "$dir.ids" "$extra" "$OUT/$label-cold.json" \
			>"$OUT/$label-cold.wrk" 2>&1
		;;
	esac
	WRK_OUT="$OUT/$label.json" WRK_SCENARIO="$name" \
		wrk -t$THREADS -c$CONNS -d${DURATION}s --latency -s bench/scenario.lua "$url" -- \
		"$name" "$dir.tokens" "$dir.ids" "$extra" "$OUT/$label.json" >"$OUT/$label.wrk" 2>&1
	echo "  $label: $(cat "$OUT/$label.json")"
}

echo "== building"
make --no-print-directory -j"$(nproc)" B="$B" all >/dev/null

BIG="$OUT/seed-$ACCOUNTS-$POSTS"
SMALLDIR="$OUT/seed-$ACCOUNTS-$SMALL"
echo "== seeding $ACCOUNTS accounts / $POSTS posts (cached in $BIG)"
seed "$BIG" "$ACCOUNTS" "$POSTS"
seed "$SMALLDIR" "$ACCOUNTS" "$SMALL"
for d in "$BIG" "$SMALLDIR"; do
	[ -f "$d.ids" ] || sqlite3 "$d/rapport.db" "SELECT id FROM statuses WHERE visibility = 0 \
		AND reblog_of_id IS NULL ORDER BY random() LIMIT 20000" >"$d.ids"
	[ -f "$d.pages" ] || sqlite3 "$d/rapport.db" "SELECT a.username || ' ' || s.id FROM statuses s \
		JOIN accounts a ON a.id = s.account_id WHERE s.visibility = 0 \
		AND s.reblog_of_id IS NULL ORDER BY random() LIMIT 20000" >"$d.pages"
done
export WRK_PAGES="$BIG.pages" # public pages: /@user/:id

echo "== nginx ceiling (2 KB static file)"
rm -rf "$NGX_DIR"
mkdir -p "$NGX_DIR/www"
head -c 2048 /dev/zero | tr '\0' 'r' >"$NGX_DIR/www/static.html"
NPORT=$(free_port)
sed -e "s|@DIR@|$PWD/$NGX_DIR|g" -e "s|@PORT@|$NPORT|g" bench/nginx.conf.in >"$NGX_DIR/nginx.conf"
nginx -c "$PWD/$NGX_DIR/nginx.conf" -p "$PWD/$NGX_DIR" -e "$PWD/$NGX_DIR/nginx-error.log"
sleep 0.3
run static "http://127.0.0.1:$NPORT" "$BIG" 0 ceiling
kill "$(cat "$NGX_DIR/nginx.pid")"
rm -f "$NGX_DIR/nginx.pid"

ROOT=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["thread_root"])' "$BIG/seed.json")
echo "== home_timeline on $SMALL posts (flatness check)"
serve "$SMALLDIR"
run home_timeline "http://127.0.0.1:$PORT" "$SMALLDIR" 0 home_timeline_small
stop_server

echo "== rapport on $POSTS posts"
serve "$BIG"
# The web app in chromium: home's first statuses after navigation.
node bench/web_home.mjs "http://127.0.0.1:$PORT" "$BIG.tokens" "$OUT/web_home.json"
for s in home_timeline conversations_feed public_timeline status_context account_statuses \
	profile_page status_page post_status favourite; do
	run "$s" "http://127.0.0.1:$PORT" "$BIG" "$ROOT"
	if [ "$s" = post_status ]; then
		# Posts by accounts with more than RAPPORT_FANOUT_INLINE followers
		# reach their followers through the job queue: time its drain.
		BACKLOG=$(sqlite3 "$OUT/work/rapport.db" "SELECT COUNT(*) FROM jobs")
		T0=$(date +%s.%N)
		while [ "$(sqlite3 "$OUT/work/rapport.db" "SELECT COUNT(*) FROM jobs")" != 0 ]; do
			sleep 0.2
		done
		DRAIN=$(printf "%.2f" "$(echo "$(date +%s.%N) - $T0" | bc)")
		echo "  fan-out backlog after post_status: $BACKLOG jobs, drained in ${DRAIN}s"
		echo "{\"backlog\": $BACKLOG, \"drain_s\": $DRAIN}" >"$OUT/fanout.json"
	fi
done
RSS=$(awk '/VmHWM/ {print $2}' /proc/$SRV_PID/status)
stop_server

"$PY" bench/report.py "$OUT" "$ACCOUNTS" "$POSTS" "$SMALL" "$RSS"
