#!/usr/bin/python3
"""Streaming benchmark: one `rapport serve` holding many SSE streams.

    python3 bench/streams.py [--bin build/rapport] [--conns 5000] [--receivers 1000]
                             [--posts 10] [--accounts 1100] [--json out.json] [--keep]

Seeds a fresh data directory with `rapport seed` (--accounts accounts, a
bearer token each), starts the binary on a free loopback port, then opens
--conns streams with asyncio (Debian's python3, no other package):
--receivers on /api/v1/streaming/public, each with a different account's
token (so each is a viewer of its own, checked and rendered for itself),
the rest on /api/v1/streaming/user/notification with the tokens in turn
(held, idle: nothing they subscribe to is posted). It reads the server's resident memory (VmRSS)
before and once every stream is open and has had its first heartbeat
window to settle, then posts --posts public statuses one at a time and
measures, for each, the time from the moment the POST was sent until each
receiver has read its `update` event: the delivery latency, whose p50, p99
and maximum over all receivers and posts are reported. Prints a table and,
with --json, writes the figures. Exits 1 if a receiver missed a post."""
import argparse
import asyncio
import json
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def call(base, method, path, body=None, token=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def seed(binary, data, accounts):
    """Seeds accounts (and a few posts); their tokens, the first one the
    poster's."""
    tokfile = os.path.join(data, "tokens.tsv")
    subprocess.run([binary, "seed", "--data", os.path.join(data, "d"), "--accounts",
                    str(accounts), "--posts", "2000", "--seed", "7", "--tokens", tokfile],
                   check=True, capture_output=True)
    with open(tokfile) as f:
        return [line.split("\t")[2] for line in f if line.strip()]


class Stream:
    def __init__(self):
        self.got = {}  # status id -> monotonic time read
        self.reader = self.writer = None


async def open_stream(port, token, path, st, opened):
    st.reader, st.writer = await asyncio.open_connection("127.0.0.1", port, limit=1 << 20)
    st.writer.write(f"GET {path} HTTP/1.1\r\nHost: bench\r\n"
                    f"Authorization: Bearer {token}\r\n\r\n".encode())
    await st.writer.drain()
    status = await st.reader.readline()
    assert b" 200 " in status, status
    while (await st.reader.readline()) not in (b"\r\n", b""):
        pass
    opened.set_result(True) if not opened.done() else None


async def read_stream(st):
    """Reads chunked SSE lines; notes when each update arrives."""
    event = None
    while True:
        line = await st.reader.readline()
        if not line:
            return
        line = line.rstrip(b"\r\n")
        if line.startswith(b"event: "):
            event = line[7:]
        elif line.startswith(b"data: ") and event == b"update":
            # {"id":"123",...: the id without parsing the whole status
            at = time.monotonic()
            start = line.find(b'"id":"') + 6
            st.got[line[start:line.find(b'"', start)].decode()] = at


async def opener(port, tokens, specs, batch=200):
    streams = []
    for i in range(0, len(specs), batch):
        chunk = []
        for k, path in enumerate(specs[i:i + batch], i):
            st, fut = Stream(), asyncio.get_running_loop().create_future()
            chunk.append((st, open_stream(port, tokens[k % len(tokens)], path, st, fut)))
        await asyncio.gather(*(c for _, c in chunk))
        streams += [st for st, _ in chunk]
    return streams


async def bench(args, base, port, tokens, pid):
    specs = (["/api/v1/streaming/public"] * args.receivers +
             ["/api/v1/streaming/user/notification"] * (args.conns - args.receivers))
    before = rss_kb(pid)
    t0 = time.monotonic()
    streams = await opener(port, tokens[1:], specs)
    opened_s = time.monotonic() - t0
    readers = [asyncio.create_task(read_stream(st)) for st in streams]
    await asyncio.sleep(2)
    after = rss_kb(pid)
    receivers = streams[:args.receivers]
    lat, missed = [], 0
    loop = asyncio.get_running_loop()
    for i in range(args.posts):
        sent = time.monotonic()
        s = await loop.run_in_executor(None, call, base, "POST", "/api/v1/statuses",
                                       {"status": f"bench post {i}"}, tokens[0])
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not all(s["id"] in r.got for r in receivers):
            await asyncio.sleep(0.005)
        for r in receivers:
            if s["id"] in r.got:
                lat.append((r.got[s["id"]] - sent) * 1000)
            else:
                missed += 1
        await asyncio.sleep(0.5)
    peak = rss_kb(pid)
    for t in readers:
        t.cancel()
    for st in streams:
        st.writer.close()
    lat.sort()
    return {
        "connections": args.conns, "receivers": args.receivers, "posts": args.posts,
        "open_s": round(opened_s, 2),
        "rss_before_mb": round(before / 1024, 1), "rss_open_mb": round(after / 1024, 1),
        "rss_added_mb": round((after - before) / 1024, 1),
        "rss_after_posts_mb": round(peak / 1024, 1),
        "delivery_p50_ms": round(statistics.median(lat), 1) if lat else None,
        "delivery_p99_ms": round(lat[int(len(lat) * 0.99) - 1], 1) if lat else None,
        "delivery_max_ms": round(lat[-1], 1) if lat else None,
        "missed": missed,
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "rapport"))
    ap.add_argument("--conns", type=int, default=5000)
    ap.add_argument("--receivers", type=int, default=1000)
    ap.add_argument("--posts", type=int, default=10)
    ap.add_argument("--accounts", type=int, default=1100)
    ap.add_argument("--json")
    ap.add_argument("--keep", action="store_true", help="keep the data directory and log")
    args = ap.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, args.conns + 1024), hard))
    port = free_port()
    data = tempfile.mkdtemp(prefix="rapport-streams-")
    tokens = seed(args.bin, data, args.accounts)
    env = dict(os.environ, RAPPORT_RATE_LIMIT="0", RAPPORT_SIGNUP_LIMIT="0",
               RAPPORT_MAX_CONNECTIONS=str(args.conns + 1000))
    log = open(os.path.join(data, "server.log"), "wb")
    proc = subprocess.Popen([args.bin, "serve", "--data", os.path.join(data, "d"), "--listen",
                             f"127.0.0.1:{port}", "--domain", f"127.0.0.1:{port}"],
                            stdout=log, stderr=log, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/api/v1/streaming/health", timeout=1)
                break
            except OSError:
                time.sleep(0.05)
        res = asyncio.run(bench(args, base, port, tokens, proc.pid))
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
        log.close()
        if args.keep:
            print("data and server.log in", data)
        else:
            shutil.rmtree(data, ignore_errors=True)
    for k, v in res.items():
        print(f"{k:22} {v}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(res, f, indent=1)
    return 1 if res["missed"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
