#!/usr/bin/env bash
# make bench: seeds a community, starts Rapport on it and drives each
# scenario with wrk (32 connections), measures nginx serving a 2 KB file
# in the same run as the machine's ceiling, and writes
# build/bench/results.json and a table.
#   BENCH=quick  1k accounts / 50k posts (default: 10k / 1M)
#   DURATION=10  seconds per scenario
#   BASE=/path/to/another/rapport  measures that binary too, in the same
#                run: each binary seeds its own store (same parameters) and
#                every scenario runs against both, one after the other
#   SCENARIOS="favourite profile_page"  only these scenarios on the big
#                store (after the ceiling), and home_timeline for the pages'
#                ratio; the burst, trust, flatness and web app runs are
#                skipped and the report shows what was measured
#   DB=pg        measures this tree's binary with the store on PostgreSQL too
#                (label "pg"), in a throwaway cluster made by pg_virtualenv for
#                the run; its seed is made anew each run (COPY)
#   PROCS=2      with DB=pg: the read scenarios through nginx from one process,
#                then from two on the same database (bench/procs.py prints the
#                ratio; any N >= 2 works)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${DB:-}" = pg ] && [ -z "${RAPPORT_BENCH_PG:-}" ]; then
	# The whole run inside the cluster's environment (PG* variables).
	export RAPPORT_BENCH_PG=1
	exec pg_virtualenv -v 15 -t -o shared_buffers=512MB -o max_connections=200 "$0" "$@"
fi
B=${B:-build}
OUT="$B/bench"
mkdir -p "$OUT"
PY=/usr/bin/python3

# The federation scenarios run alone (bench/federation.py).
case "${BENCH:-}" in
deliver_fanout | deliver_hang | inbox)
	make --no-print-directory -j"$(nproc)" B="$B" "$B/rapport" >/dev/null
	exec "$PY" bench/federation.py "$BENCH" "$B/rapport" "$OUT"
	;;
esac

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
# The rate limits count every request as a deployed server does (on
# PostgreSQL, in the shared table), with limits no run reaches.
NO_REFUSAL=1000000000
CONNS=32
THREADS=2
BURST_POSTS=2000

free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

echo "== building"
make --no-print-directory -j"$(nproc)" B="$B" all >/dev/null

# The binaries measured: "new" (this tree's build) and, with BASE, "base".
LABELS=(new)
declare -A BIN=([new]="$PWD/$B/rapport")
if [ -n "${BASE:-}" ]; then
	[ -x "$BASE" ] || { echo "BASE=$BASE is not an executable" >&2; exit 1; }
	LABELS+=(base)
	BIN[base]="$(cd "$(dirname "$BASE")" && pwd)/$(basename "$BASE")"
fi

if [ -n "${RAPPORT_BENCH_PG:-}" ]; then
	LABELS+=(pg)
	BIN[pg]="$PWD/$B/rapport"
fi
# The servers reach PostgreSQL through its Unix socket, as docs/DEPLOY.md
# recommends when both run on one machine (a round trip over TCP on loopback
# costs more CPU on both sides); its peer authentication wants a role named
# after this user.
if [ -n "${RAPPORT_BENCH_PG:-}" ]; then
	PGSOCK=$(psql -XAtc "SHOW unix_socket_directories" | cut -d, -f1)
	ME=$(id -un)
	[ "$(psql -XAtc "SELECT 1 FROM pg_roles WHERE rolname = '$ME'")" = 1 ] || createuser -s "$ME"
fi
pg_url() { echo "postgresql://$ME@/$1?host=$PGSOCK&port=${PGPORT:-5432}"; }
# sql LABEL DIR QUERY: one query on a store: the SQLite file or the database.
sql() {
	if [ "$1" = pg ]; then psql -XAtq -d "$(cat "$2.db")" -c "$3"
	else sqlite3 "$2/rapport.db" "$3"; fi
}

# What produced a seed: the binary (sha256) and the schema version it
# migrates to. A cached seed is used only by the binary that made it.
declare -A KEY
for l in "${LABELS[@]}"; do
	sha=$(sha256sum "${BIN[$l]}" | cut -c1-64)
	tmp=$(mktemp -d)
	"${BIN[$l]}" user list --data "$tmp" >/dev/null 2>&1
	schema=$(sqlite3 "$tmp/rapport.db" "SELECT MAX(version) FROM schema_version")
	rm -rf "$tmp"
	KEY[$l]="s$schema-${sha:0:16}"
	[ "$l" != pg ] || KEY[$l]="pg-$$"
	printf '%s\n' "binary ${BIN[$l]}" "sha256 $sha" "schema $schema" >"$OUT/$l.stamp"
done

# seed LABEL POSTS: the label's binary seeds a pristine store once; it is
# reused while its stamp matches. Prints the directory.
seed() {
	local l="$1" posts="$2"
	local dir="$OUT/seed-$ACCOUNTS-$posts-${KEY[$l]}"
	local stamp
	stamp="$(cat "$OUT/$l.stamp") accounts $ACCOUNTS posts $posts seed 42"
	if [ ! -f "$dir/seed.json" ] || [ "$(cat "$dir.stamp" 2>/dev/null)" != "$stamp" ]; then
		rm -rf "$dir" "$dir".*
		local db=()
		if [ "$l" = pg ]; then
			createdb "seed_$posts"
			pg_url "seed_$posts" >"$dir.db"
			db=(--db "$(cat "$dir.db")")
		fi
		echo "  $l: seeding $ACCOUNTS accounts / $posts posts into $dir" >&2
		local t0=$SECONDS
		"${BIN[$l]}" seed --data "$dir" "${db[@]}" --accounts "$ACCOUNTS" --posts "$posts" \
			--seed 42 --tokens "$dir.tokens" 2>&1 | grep -v " info " >&2 || true
		[ -f "$dir/seed.json" ] || { echo "seeding $dir with ${BIN[$l]} failed" >&2; exit 1; }
		echo "  $l: seeded in $((SECONDS - t0)) s" >&2
		echo "{\"seed_s\": $((SECONDS - t0))}" >"$dir.seeded.json"
		sql "$l" "$dir" "SELECT id FROM statuses WHERE visibility = 0 \
			AND reblog_of_id IS NULL ORDER BY random() LIMIT 20000" >"$dir.ids"
		echo "$stamp" >"$dir.stamp"
	fi
	# Public pages (/@user/:id): "username status_id" lines.
	[ -f "$dir.pages" ] || sql "$l" "$dir" "SELECT a.username || ' ' || s.id \
		FROM statuses s JOIN accounts a ON a.id = s.account_id WHERE s.visibility = 0 \
		AND s.reblog_of_id IS NULL ORDER BY random() LIMIT 20000" >"$dir.pages"
	echo "$dir"
}

echo "== seeding (cached in $OUT/seed-*)"
declare -A BIG SMALLDIR
for l in "${LABELS[@]}"; do
	BIG[$l]=$(seed "$l" "$POSTS")
	SMALLDIR[$l]=$(seed "$l" "$SMALL")
done
# Seeds of these sizes that no binary of this run can use go.
for d in "$OUT/seed-$ACCOUNTS-$POSTS"* "$OUT/seed-$ACCOUNTS-$SMALL"*; do
	[ -e "$d" ] || continue
	keep=""
	for l in "${LABELS[@]}"; do
		case "$d" in "${BIG[$l]}"* | "${SMALLDIR[$l]}"*) keep=1 ;; esac
	done
	[ -n "$keep" ] || rm -rf "$d"
done

declare -A PID PORT
NGX_DIR="$OUT/nginx"
PROBE_PID=""
cleanup() {
	for l in "${!PID[@]}"; do
		kill "${PID[$l]}" 2>/dev/null && wait "${PID[$l]}" 2>/dev/null || true
	done
	[ -n "$PROBE_PID" ] && kill "$PROBE_PID" 2>/dev/null || true
	[ -f "$NGX_DIR/nginx.pid" ] && kill "$(cat "$NGX_DIR/nginx.pid")" 2>/dev/null || true
}
trap cleanup EXIT

# serve LABEL DIR [ENV...]: the label's binary on a working copy of the
# seeded store, on a free port.
serve() {
	local l="$1" dir="$2"
	shift 2
	local work="$OUT/work-$l" db=()
	rm -rf "$work"
	cp -r "$dir" "$work"
	if [ "$l" = pg ]; then
		# A working copy of the seeded database, as the file is copied.
		dropdb --if-exists work_pg
		local seeded
		seeded=$(cat "$dir.db")
		seeded=${seeded%%\?*}
		createdb -T "${seeded##*/}" work_pg
		pg_url work_pg >"$work.db"
		db=(--db "$(cat "$work.db")")
	fi
	PORT[$l]=$(free_port)
	env RAPPORT_RATE_LIMIT=$NO_REFUSAL RAPPORT_LOGIN_LIMIT=$NO_REFUSAL \
		RAPPORT_SIGNUP_LIMIT=$NO_REFUSAL RAPPORT_WEB_DIR="$PWD/$B/web" "$@" \
		"${BIN[$l]}" serve --data "$work" "${db[@]}" --listen "127.0.0.1:${PORT[$l]}" \
		--domain "127.0.0.1:${PORT[$l]}" ${RAPPORT_THREADS:+--threads $RAPPORT_THREADS} \
		>"$OUT/$l/server.log" 2>&1 &
	PID[$l]=$!
	for _ in $(seq 100); do
		curl -sf "http://127.0.0.1:${PORT[$l]}/api/v1/instance" >/dev/null && return 0
		sleep 0.1
	done
	echo "server $l did not start" >&2
	exit 1
}

stop_server() {
	kill "${PID[$1]}"
	wait "${PID[$1]}" || true
	unset "PID[$1]"
}

# run NAME LABEL DIR [EXTRA] [FILE]: one wrk run against LABEL's server;
# figures go to $OUT/LABEL/FILE.json (FILE defaults to NAME). Reads are
# first driven for WARMUP seconds, unrecorded: the figures are those of a
# running server, whose caches hold what its users read (the cold first
# seconds are in FILE-cold.json).
WARMUP=${WARMUP:-10}
run() {
	local name="$1" l="$2" dir="$3" extra="${4:-0}" file="${5:-$1}"
	local url="http://127.0.0.1:${PORT[$l]}" o="$OUT/$l/$file"
	case "$name" in
	post_status | favourite) ;;
	*)
		WRK_OUT="$o-cold.json" WRK_SCENARIO="$name" WRK_PAGES="$dir.pages" \
			wrk -t$THREADS -c$CONNS -d${WARMUP}s --latency -s bench/scenario.lua "$url" -- \
			"$name" "$dir.tokens" "$dir.ids" "$extra" "$o-cold.json" >"$o-cold.wrk" 2>&1
		;;
	esac
	WRK_OUT="$o.json" WRK_SCENARIO="$name" WRK_PAGES="$dir.pages" \
		wrk -t$THREADS -c$CONNS -d${DURATION}s --latency -s bench/scenario.lua "$url" -- \
		"$name" "$dir.tokens" "$dir.ids" "$extra" "$o.json" >"$o.wrk" 2>&1
	echo "  $l $file: $(cat "$o.json")"
}

# Posts by accounts with more than RAPPORT_FANOUT_INLINE followers reach
# their followers through the job queue: time its drain.
drain() {
	local work="$OUT/work-$1"
	local backlog t0
	backlog=$(sql "$1" "$work" "SELECT COUNT(*) FROM jobs")
	t0=$(date +%s.%N)
	while [ "$(sql "$1" "$work" "SELECT COUNT(*) FROM jobs")" != 0 ]; do
		sleep 0.2
	done
	local took
	took=$(printf "%.2f" "$(echo "$(date +%s.%N) - $t0" | bc)")
	echo "  $1 fan-out backlog after post_status: $backlog jobs, drained in ${took}s"
	echo "{\"backlog\": $backlog, \"drain_s\": $took}" >"$OUT/$1/fanout.json"
}

# burst LABEL: a freshly started server; BURST_POSTS posts from 32
# connections as fast as they are answered, and beside them a probe
# reading a home timeline every ~10 ms, recording its longest wait. wrk
# runs for its whole -d unless interrupted: it is, once the burst's
# threads have all had their answers. Its timeout is raised from 2 s so
# that a stall is measured, not counted apart as timeouts.
burst() {
	local l="$1" dir="${BIG[$1]}"
	serve "$l" "$dir" RAPPORT_SLOW_SQL_MS=100
	local url="http://127.0.0.1:${PORT[$l]}" done="$OUT/$l/burst.done"
	rm -f "$done"
	WRK_OUT="$OUT/$l/probe.json" wrk -t1 -c1 -d300s --timeout 60s -s bench/probe.lua "$url" -- \
		"$dir.tokens" >"$OUT/$l/probe.wrk" 2>&1 &
	PROBE_PID=$!
	WRK_OUT="$OUT/$l/burst.json" wrk -t$THREADS -c$CONNS -d300s --timeout 60s -s bench/burst.lua "$url" -- \
		"$dir.tokens" $((BURST_POSTS / THREADS)) "$done" >"$OUT/$l/burst.wrk" 2>&1 &
	local burst_pid=$!
	local t0=$SECONDS
	while [ "$(cat "$done" 2>/dev/null | wc -l)" -lt $THREADS ] && kill -0 $burst_pid 2>/dev/null
	do
		sleep 0.05
	done
	local took=$((SECONDS - t0))
	kill -INT $burst_pid $PROBE_PID 2>/dev/null || true
	wait $burst_pid || true
	wait "$PROBE_PID" || true
	PROBE_PID=""
	stop_server "$l"
	grep "slow sql" "$OUT/$l/server.log" | cut -c1-200 >"$OUT/$l/burst-slow.log" || true
	echo "  $l burst (about ${took} s): $(cat "$OUT/$l/burst.json")"
	echo "  $l probe: $(cat "$OUT/$l/probe.json")"
	echo "  $l statements over 100 ms: $(wc -l <"$OUT/$l/burst-slow.log")" \
		"(in $OUT/$l/burst-slow.log)"
}

# trust LABEL: a background trust recomputation over the seeded store while
# wrk reads home timelines. After the one at start has been written, one
# reply changes the reply edges (RAPPORT_TRUST_INTERVAL=2 lets the worker
# start the next at once); its duration is the server's log line, the
# reads' latency is wrk's over the whole run.
trust() {
	local l="$1" dir="${BIG[$1]}" log="$OUT/$1/server.log"
	serve "$l" "$dir" RAPPORT_TRUST_INTERVAL=2
	local url="http://127.0.0.1:${PORT[$l]}" o="$OUT/$l/trust_home" i
	for i in $(seq 600); do grep -q "trust: .* written" "$log" && break; sleep 0.1; done
	WRK_OUT="$o.json" WRK_SCENARIO=home_timeline WRK_PAGES="$dir.pages" \
		wrk -t$THREADS -c$CONNS -d${DURATION}s --latency -s bench/scenario.lua "$url" -- \
		home_timeline "$dir.tokens" "$dir.ids" 0 "$o.json" >"$o.wrk" 2>&1 &
	local wrk_pid=$!
	sleep 2
	curl -sf -o /dev/null -H "Authorization: Bearer $(head -1 "$dir.tokens" | cut -f3)" \
		--data-urlencode "status=a reply that changes the reply edges" \
		--data-urlencode "in_reply_to_id=$(head -1 "$dir.ids")" "$url/api/v1/statuses"
	wait $wrk_pid
	stop_server "$l"
	local ms
	ms=$(grep -o "written, [0-9]* ms" "$log" | sed -n 2p | grep -o "[0-9]*" || true)
	echo "{\"trust_ms\": ${ms:-null}, \"home_timeline\": $(cat "$o.json")}" >"$OUT/$l/trust.json"
	echo "  $l trust recomputed in ${ms:-?} ms while reading: $(cat "$o.json")"
}

for l in "${LABELS[@]}"; do
	rm -rf "${OUT:?}/$l"
	mkdir -p "$OUT/$l"
done

echo "== nginx ceiling (2 KB static file)"
rm -rf "$NGX_DIR"
mkdir -p "$NGX_DIR/www"
head -c 2048 /dev/zero | tr '\0' 'r' >"$NGX_DIR/www/static.html"
NPORT=$(free_port)
sed -e "s|@DIR@|$PWD/$NGX_DIR|g" -e "s|@PORT@|$NPORT|g" bench/nginx.conf.in >"$NGX_DIR/nginx.conf"
nginx -c "$PWD/$NGX_DIR/nginx.conf" -p "$PWD/$NGX_DIR" -e "$PWD/$NGX_DIR/nginx-error.log"
sleep 0.3
WRK_OUT="$OUT/ceiling.json" WRK_SCENARIO=static \
	wrk -t$THREADS -c$CONNS -d${DURATION}s --latency -s bench/scenario.lua \
	"http://127.0.0.1:$NPORT" -- static "${BIG[new]}.tokens" "${BIG[new]}.ids" 0 \
	"$OUT/ceiling.json" >"$OUT/ceiling.wrk" 2>&1
echo "  ceiling: $(cat "$OUT/ceiling.json")"
kill "$(cat "$NGX_DIR/nginx.pid")"
rm -f "$NGX_DIR/nginx.pid"

ALL="home_timeline conversations_feed public_timeline status_context account_statuses
	profile_page status_page post_status favourite"
if [ -z "${SCENARIOS:-}" ]; then
	echo "== burst: $BURST_POSTS posts from $CONNS connections right after start"
	for l in "${LABELS[@]}"; do burst "$l"; done

	echo "== trust recomputed during home_timeline ($ACCOUNTS accounts)"
	for l in "${LABELS[@]}"; do trust "$l"; done

	echo "== home_timeline on $SMALL posts (flatness check)"
	for l in "${LABELS[@]}"; do
		serve "$l" "${SMALLDIR[$l]}"
		run home_timeline "$l" "${SMALLDIR[$l]}" 0 home_timeline_small
		stop_server "$l"
	done
fi

echo "== rapport on $POSTS posts"
for l in "${LABELS[@]}"; do serve "$l" "${BIG[$l]}"; done
# The web app (this tree's build/web) in chromium: home's first statuses.
[ -n "${SCENARIOS:-}" ] ||
	node bench/web_home.mjs "http://127.0.0.1:${PORT[new]}" "${BIG[new]}.tokens" "$OUT/web_home.json"
chosen=""
for s in $ALL; do
	case " home_timeline ${SCENARIOS:-$ALL} " in *" $s "*) chosen="$chosen $s" ;; esac
done
for s in $chosen; do
	for l in "${LABELS[@]}"; do
		ROOT=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["thread_root"])' \
			"${BIG[$l]}/seed.json")
		run "$s" "$l" "${BIG[$l]}" "$ROOT"
		[ "$s" != post_status ] || drain "$l"
	done
done
for l in "${LABELS[@]}"; do
	awk '/VmHWM/ {print $2}' "/proc/${PID[$l]}/status" >"$OUT/$l/rss_kb"
	stop_server "$l"
done

"$PY" bench/report.py "$OUT" "$ACCOUNTS" "$POSTS" "$SMALL" "${LABELS[@]}"

# PROCS=N (with DB=pg): the read scenarios through one nginx, first with one
# process behind it, then with N on the same database (node ids 0..N-1), in
# this run; bench/procs.py compares them.
READS="home_timeline conversations_feed public_timeline status_context account_statuses
	profile_page status_page"
procs_run() { # N: N processes on a working copy of the PostgreSQL seed, behind nginx
	local n="$1" l="pg$1" ups="" i
	BIN[$l]="${BIN[pg]}"
	mkdir -p "$OUT/$l"
	serve pg "${BIG[pg]}"
	PID[$l]=${PID[pg]}
	unset "PID[pg]"
	ups="        server 127.0.0.1:${PORT[pg]};"
	for i in $(seq 1 $((n - 1))); do
		local p
		p=$(free_port)
		env RAPPORT_RATE_LIMIT=$NO_REFUSAL RAPPORT_LOGIN_LIMIT=$NO_REFUSAL \
			RAPPORT_SIGNUP_LIMIT=$NO_REFUSAL RAPPORT_NODE_ID="$i" \
			RAPPORT_WEB_DIR="$PWD/$B/web" "${BIN[pg]}" serve --data "$OUT/work-pg" \
			--db "$(cat "$OUT/work-pg.db")" --listen "127.0.0.1:$p" --domain "127.0.0.1:${PORT[pg]}" \
			${RAPPORT_THREADS:+--threads $RAPPORT_THREADS} >"$OUT/$l/server-$i.log" 2>&1 &
		PID[$l-$i]=$!
		for _ in $(seq 100); do
			curl -sf "http://127.0.0.1:$p/api/v1/instance" >/dev/null && break
			sleep 0.1
		done
		ups="$ups"$'\n'"        server 127.0.0.1:$p;"
	done
	rm -rf "$NGX_DIR" && mkdir -p "$NGX_DIR"
	PORT[$l]=$(free_port)
	UPS="$ups" $PY -c 'import os,sys; t=open(sys.argv[1]).read(); print(t.replace("@UPSTREAMS@", os.environ["UPS"]).replace("@DIR@", sys.argv[2]).replace("@PORT@", sys.argv[3]))' \
		bench/nginx-proxy.conf.in "$PWD/$NGX_DIR" "${PORT[$l]}" >"$NGX_DIR/nginx.conf"
	nginx -c "$PWD/$NGX_DIR/nginx.conf" -p "$PWD/$NGX_DIR" -e "$PWD/$NGX_DIR/nginx-error.log"
	sleep 0.3
	local root
	root=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["thread_root"])' "${BIG[pg]}/seed.json")
	for s in $READS; do
		case " ${SCENARIOS:-$READS} " in *" $s "*) run "$s" "$l" "${BIG[pg]}" "$root" ;; esac
	done
	kill "$(cat "$NGX_DIR/nginx.pid")" && rm -f "$NGX_DIR/nginx.pid"
	for i in "${!PID[@]}"; do
		case "$i" in "$l" | "$l"-*) stop_server "$i" ;; esac
	done
}
if [ -n "${RAPPORT_BENCH_PG:-}" ] && [ "${PROCS:-1}" -ge 2 ]; then
	echo "== PostgreSQL reads through nginx: one process, then ${PROCS}"
	procs_run 1
	procs_run "$PROCS"
	"$PY" bench/procs.py "$OUT" "$PROCS"
fi
