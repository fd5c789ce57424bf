#!/usr/bin/env bash
# bash bench/media.sh: media processing figures (not a test).
#  1. a 12-megapixel JPEG (4000x3000) processed by the worker: the time the
#     worker logs for each of 5 uploads (decode, orientation, resize to
#     8.3 MP, JPEG and WebP preview, blurhash);
#  2. home_timeline with wrk (2 threads, 8 connections, DURATION seconds)
#     on a seeded store (1,000 accounts / 50,000 posts), alone, then while
#     uploads of that JPEG keep 4 or more waiting for the worker.
# Prints the figures and writes $B/bench/media/results.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
B=${B:-build}
OUT="$B/bench/media"
DURATION=${DURATION:-10}
mkdir -p "$OUT"
for p in wrk curl ffmpeg; do
	command -v "$p" >/dev/null || { echo "bench/media.sh needs $p" >&2; exit 1; }
done
make --no-print-directory -j"$(nproc)" B="$B" "$B/rapport" >/dev/null
BIN="$PWD/$B/rapport"

SEED="$OUT/seed"
if [ ! -f "$SEED/seed.json" ]; then
	rm -rf "$SEED"
	"$BIN" seed --data "$SEED" --accounts 1000 --posts 50000 --seed 42 \
		--tokens "$SEED.tokens" 2>&1 | grep -v " info " || true
fi
touch "$SEED.ids"
WORK="$OUT/work"
rm -rf "$WORK"
cp -r "$SEED" "$WORK"
PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
URL="http://127.0.0.1:$PORT"
env RAPPORT_RATE_LIMIT=0 RAPPORT_MEDIA_RATE_LIMIT=0 "$BIN" serve --data "$WORK" \
	--listen "127.0.0.1:$PORT" --domain "127.0.0.1:$PORT" >"$OUT/server.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf "$URL/api/v1/instance" >/dev/null && break; sleep 0.1; done

JPEG="$OUT/12mp.jpg"
[ -f "$JPEG" ] || ffmpeg -nostdin -v error -y -f lavfi -i "testsrc2=size=4000x3000:rate=1" \
	-frames:v 1 -q:v 3 "$JPEG"
TOKEN=$(head -1 "$SEED.tokens" | cut -f3)

echo "== 12-MP JPEG ($(stat -c %s "$JPEG") bytes), processed 5 times"
for _ in 1 2 3 4 5; do
	curl -sf -o /dev/null -H "Authorization: Bearer $TOKEN" -F "file=@$JPEG;type=image/jpeg" \
		"$URL/api/v1/media"
done
grep -oE 'media [0-9]+ \(image/jpeg, image\): ready in [0-9]+ ms \([0-9]+ ms CPU' \
	"$OUT/server.log" | sed -E 's/.*ready in ([0-9]+) ms \(([0-9]+) ms CPU/\1 ms wall, \2 ms CPU/' |
	tee "$OUT/process.txt"

home() { # LABEL
	WRK_OUT="$OUT/$1.json" wrk -t2 -c8 -d"${DURATION}s" --latency -s bench/scenario.lua "$URL" -- home_timeline \
		"$SEED.tokens" "$SEED.ids" "" "$OUT/$1.json" >"$OUT/$1.wrk" 2>&1
	echo "$1: $(grep -E '^ +(50|99)%' "$OUT/$1.wrk" | tr -s ' ' | tr '\n' ' ')" \
		"$(grep -E 'Requests/sec' "$OUT/$1.wrk" | tr -s ' ')"
}

echo "== home_timeline alone"
home alone | tee "$OUT/results.txt"
echo "== home_timeline while uploads are processed (4 or more waiting)"
n0=$(grep -c 'ready in' "$OUT/server.log")
(for _ in $(seq 40); do
	curl -sf -o /dev/null -H "Authorization: Bearer $TOKEN" -F "file=@$JPEG;type=image/jpeg" \
		"$URL/api/v2/media" &
	sleep 0.25
done; wait) &
UP=$!
sleep 2
home uploading | tee -a "$OUT/results.txt"
kill $UP 2>/dev/null || true
wait $UP 2>/dev/null || true
n1=$(grep -c 'ready in' "$OUT/server.log")
echo "uploads processed during the run: $((n1 - n0))" | tee -a "$OUT/results.txt"
sort -t, -k2 -n "$OUT/process.txt" | sed -n 3p | sed 's/^/12-MP JPEG, median by CPU: /' |
	tee -a "$OUT/results.txt"
