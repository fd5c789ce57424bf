#!/usr/bin/python3
"""A loopback sink that plays many ActivityPub servers, for the delivery
benchmarks: N listening ports on 127.0.0.1, each a "host" that answers
every POST 202 and counts it; with --hang K, K more ports accept
connections and never answer.

  fedsink.py N PORTS_FILE STATS_FILE [--hang K]

PORTS_FILE gets one port per line (the N answering ones first, then the
hanging ones). STATS_FILE is rewritten at most every 50 ms and on exit
with {"posts": total, "hosts": distinct hosts posted to, "first": t,
"last": t} (Unix seconds). Stops on SIGTERM."""
import asyncio
import json
import os
import signal
import sys
import time

stats = {"posts": 0, "hosts": 0, "first": None, "last": None}
seen = set()
times = []
dirty = False


def write_stats(path):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(stats, f)
    os.replace(tmp, path)


async def answer(reader, writer, port):
    global dirty
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            if length:
                await reader.readexactly(length)
            now = time.time()
            stats["posts"] += 1
            seen.add(port)
            stats["hosts"] = len(seen)
            stats["first"] = stats["first"] or now
            stats["last"] = now
            times.append(now)
            dirty = True
            writer.write(b"HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n")
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
        pass
    finally:
        writer.close()


hung = []


async def hang(reader, writer):
    hung.append(writer)  # kept open, never answered


async def main():
    global dirty
    n = int(sys.argv[1])
    ports_file, stats_file = sys.argv[2], sys.argv[3]
    k = int(sys.argv[5]) if len(sys.argv) > 5 and sys.argv[4] == "--hang" else 0
    servers, ports = [], []
    for i in range(n + k):
        if i < n:
            s = await asyncio.start_server(lambda r, w, i=i: answer(r, w, i), "127.0.0.1", 0,
                                           backlog=256)
        else:
            s = await asyncio.start_server(hang, "127.0.0.1", 0, backlog=256)
        servers.append(s)
        ports.append(s.sockets[0].getsockname()[1])
    with open(ports_file, "w") as f:
        f.write("".join(f"{p}\n" for p in ports))
    write_stats(stats_file)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    while not stop.is_set():
        try:
            await asyncio.wait_for(stop.wait(), 0.05)
        except asyncio.TimeoutError:
            pass
        if dirty:
            dirty = False
            write_stats(stats_file)
    write_stats(stats_file)
    if os.environ.get("FEDSINK_TIMES"):
        with open(os.environ["FEDSINK_TIMES"], "w") as f:
            f.write("".join(f"{t:.4f}\n" for t in times))


if __name__ == "__main__":
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    asyncio.run(main())
