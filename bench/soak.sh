#!/usr/bin/env bash
# make soak: 200 connections mixing reads and writes for SOAK_SECONDS
# (default 240; the whole run stays under 5 minutes). Passes when there
# were no errors and the server's RSS grew less than 10 % between the end
# of the warm-up (the first 40 % of the run: each pooled SQLite connection
# fills its page cache as it meets new pages) and the end. The render cache
# is given 16 MB here, less than this store's statuses need, so it is full
# (and evicting) before the warm-up ends: its bound is checked by the unit
# tests, and what the growth check sees is what nothing bounds - a leak.
set -euo pipefail
cd "$(dirname "$0")/.."
B=${B:-build}
OUT="$B/soak"
SECS=${SOAK_SECONDS:-240}
PY=/usr/bin/python3
mkdir -p "$OUT"
command -v wrk >/dev/null || { echo "soak needs wrk: apt-get install -y wrk" >&2; exit 1; }
make --no-print-directory -j"$(nproc)" B="$B" all >/dev/null
SEED="$B/bench/seed-1000-50000"
if [ ! -f "$SEED/seed.json" ]; then
	rm -rf "$SEED"
	"$B/rapport" seed --data "$SEED" --accounts 1000 --posts 50000 --seed 42 \
		--tokens "$SEED.tokens" | grep -v " info " || true
	sqlite3 "$SEED/rapport.db" "SELECT id FROM statuses WHERE visibility = 0 AND \
		reblog_of_id IS NULL ORDER BY random() LIMIT 20000" >"$SEED.ids"
fi
rm -rf "$OUT/work"
cp -r "$SEED" "$OUT/work"
PORT=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
RAPPORT_RATE_LIMIT=0 RAPPORT_RENDER_CACHE_MB=16 "$B/rapport" serve --data "$OUT/work" --listen "127.0.0.1:$PORT" \
	--domain "127.0.0.1:$PORT" >"$OUT/server.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/api/v1/instance" >/dev/null && break; sleep 0.1; done
ROOT=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["thread_root"])' "$SEED/seed.json")
rss() { awk '/VmRSS/ {print $2}' "/proc/$PID/status"; }
WRK_OUT="$OUT/soak.json" WRK_SCENARIO=mixed \
	wrk -t2 -c200 -d"${SECS}s" --timeout 10s --latency -s bench/scenario.lua \
	"http://127.0.0.1:$PORT" -- mixed "$SEED.tokens" "$SEED.ids" "$ROOT" "$OUT/soak.json" \
	>"$OUT/wrk.log" 2>&1 &
WRK=$!
sleep $((SECS * 2 / 5))
R0=$(rss)
wait $WRK
R1=$(rss)
kill -TERM $PID
wait $PID && RC=0 || RC=$?
trap - EXIT
"$PY" - "$OUT/soak.json" "$R0" "$R1" "$RC" "$SECS" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
r0, r1, rc, secs = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
growth = (r1 - r0) / r0 * 100
errors = r["errors"] + r["non_2xx"]
print(f"soak {secs}s, 200 connections: {r['requests']} requests, {r['rps']:.0f} req/s, "
      f"p99 {r['p99_ms']:.1f} ms, errors {errors}, RSS {r0//1024} -> {r1//1024} MB "
      f"({growth:+.1f} %), server exit {rc}")
ok = errors == 0 and growth < 10 and rc == 0
print("soak: PASS" if ok else "soak: FAIL")
sys.exit(0 if ok else 1)
PY
