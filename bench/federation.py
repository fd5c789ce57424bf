#!/usr/bin/python3
"""Federation benchmarks (docs/BENCHMARKS.md, "Federation").

  federation.py SCENARIO RAPPORT_BIN OUT_DIR

deliver_fanout: one post by an account with 10,000 remote followers on 500
  hosts (bench/fedsink.py plays them on loopback ports), while wrk reads
  home timelines on 32 connections: how long until every host got its POST
  (one per shared inbox), and home_timeline's latency meanwhile.
deliver_hang: the same with one more host that accepts connections and
  never answers (holding 20 of the followers): the other 500 must be
  served as fast, and the reads not slowed.

inbox: N (INBOX_ACTIVITIES, 5,000) Creates signed by 20 remote actors
  (tests/api/fedpeer.py serves them), pre-signed here, then POSTed to the
  shared inbox by wrk on 32 connections, each once: statuses kept a second.

The store is a seeded community (1,000 accounts, 50,000 posts; cached in
OUT_DIR) plus the remote accounts, written with SQL before the server
starts. Prints one JSON line and writes OUT_DIR/SCENARIO.json."""
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request

HOSTS, FOLLOWERS = 500, 10000
HERE = os.path.dirname(os.path.abspath(__file__))


def free_port():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def seed(binary, out):
    d = os.path.join(out, "fed-seed")
    if not os.path.exists(os.path.join(d, "seed.json")):
        shutil.rmtree(d, ignore_errors=True)
        subprocess.run([binary, "seed", "--data", d, "--accounts", "1000", "--posts", "50000",
                        "--seed", "42", "--tokens", d + ".tokens"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return d


def add_followers(db, poster, ports, hang_ports):
    """FOLLOWERS remote accounts spread over the sink's hosts, following poster."""
    con = sqlite3.connect(db)
    now = int(time.time() * 1000)
    base = 7 << 58
    hosts = ports + hang_ports
    rows, inboxes, follows = [], [], []
    for i in range(FOLLOWERS + 20 * len(hang_ports)):
        h = i % HOSTS if i < FOLLOWERS else HOSTS + (i - FOLLOWERS) // 20
        dom = f"h{h}.bench"
        uri = f"https://{dom}/users/f{i}"
        rows.append((base + i, f"f{i}", f"f{i}", dom, uri, uri, now, now))
        addr = f"http://127.0.0.1:{hosts[h]}"
        inboxes.append((base + i, f"{addr}/users/f{i}/inbox", f"{addr}/inbox",
                        uri + "#main-key", "", now))
        follows.append((base + 2 * FOLLOWERS + i, base + i, poster, now))
    con.executemany("INSERT INTO accounts (id, username, username_key, domain, uri, url,"
                    " created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)", rows)
    con.executemany("INSERT INTO remote_actors (account_id, inbox, shared_inbox, key_id,"
                    " public_pem, fetched_at) VALUES (?,?,?,?,?,?)", inboxes)
    con.executemany("INSERT INTO follows (id, account_id, target_id, created_at)"
                    " VALUES (?,?,?,?)", follows)
    con.execute("UPDATE accounts SET followers_count = followers_count + ? WHERE id = ?",
                (len(follows), poster))
    con.commit()
    con.close()


def inbox_bench(binary, out, n):
    """N signed Creates (each a Note to a local account) from remote actors
    served on loopback, pre-signed by this process (the signing load
    generator), then POSTed by wrk on 32 connections after one untimed
    activity per actor: how many a second the inbox verifies and applies."""
    sys.path.insert(0, os.path.join(HERE, "..", "tests", "api"))
    from fedpeer import Peer, sign_headers
    work = os.path.join(out, "inbox-work")
    shutil.rmtree(work, ignore_errors=True)
    port = free_port()
    env = dict(os.environ, RAPPORT_RATE_LIMIT="0", RAPPORT_LOGIN_LIMIT="0",
               RAPPORT_SIGNUP_LIMIT="0", RAPPORT_FEDERATION_INSECURE="1")
    subprocess.run([binary, "user", "add", "alice", "--email", "alice@example.com", "--data",
                    work, "--password", "correct horse battery"], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peer = Peer()
    actors = [peer.actor(f"a{i}") for i in range(20)]
    url = f"http://127.0.0.1:{port}"
    alice = f"{url}/users/alice"
    reqs = os.path.join(out, "inbox.requests")
    t0 = time.time()
    with open(reqs, "wb") as f:
        for i in range(n):
            a = actors[i % len(actors)]
            note = a.note(f"<p>note {i}</p>", to=[alice])
            body = json.dumps(a.create(note)).encode()
            h = sign_headers(url + "/inbox", body, a.key, a.key_id)
            f.write(b"/inbox\n%d\n" % len(h))
            for k, v in h.items():
                f.write(f"{k}: {v}\n".encode())
            f.write(b"%d\n" % len(body) + body + b"\n")
    signed_s = time.time() - t0
    log = open(os.path.join(out, "inbox-server.log"), "w")
    srv = subprocess.Popen([binary, "serve", "--data", work, "--listen", f"127.0.0.1:{port}",
                            "--domain", f"127.0.0.1:{port}"], env=env, stdout=log, stderr=log)
    warm = 0
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(url + "/api/v1/instance")
                break
            except OSError:
                time.sleep(0.1)
        # a warm-up, untimed: one activity per actor, so each key is fetched
        # and the instance actor's own key (which signs those fetches) is
        # made before the timed run, as on a server that has been up a while
        for a in actors:
            body = json.dumps(a.create(a.note("<p>warm-up</p>", to=[alice]))).encode()
            h = sign_headers(url + "/inbox", body, a.key, a.key_id)
            urllib.request.urlopen(urllib.request.Request(url + "/inbox", body, h))
        warm = len(actors)
        wrk_out = os.path.join(out, "inbox-wrk.json")
        subprocess.run(["wrk", "-t2", "-c32", f"-d{max(10, n // 100)}s", "--latency", "-s",
                        os.path.join(HERE, "inbox.lua"), url, "--", reqs, wrk_out],
                       env=dict(os.environ, WRK_OUT=wrk_out), check=True,
                       stdout=subprocess.DEVNULL)
        w = read_json(wrk_out)
    finally:
        srv.terminate()
        srv.wait(30)
        peer.close()
    con = sqlite3.connect(os.path.join(work, "rapport.db"))
    kept = con.execute("SELECT COUNT(*) FROM statuses WHERE uri IS NOT NULL").fetchone()[0] - warm
    con.close()
    # wrk runs on after the last request; the server's log times the POSTs
    times = [line[:23] for line in open(os.path.join(out, "inbox-server.log"))
             if " POST /inbox 202 " in line][warm:]
    span = None
    if len(times) > 1:
        from datetime import datetime
        t = [datetime.strptime(x, "%Y-%m-%dT%H:%M:%S.%f") for x in (times[0], times[-1])]
        span = (t[1] - t[0]).total_seconds()
    return {"scenario": "inbox", "activities": n, "signed_in_s": round(signed_s, 2),
            "accepted": len(times), "statuses_kept": kept, "seconds": span,
            "applied_per_s": round(kept / span, 1) if span else None,
            "p50_ms": w.get("p50_ms"), "p99_ms": w.get("p99_ms")}


def read_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def main():
    scenario, binary, out = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3]
    hang = 1 if scenario == "deliver_hang" else 0
    os.makedirs(out, exist_ok=True)
    if scenario == "inbox":
        res = inbox_bench(binary, out, int(os.environ.get("INBOX_ACTIVITIES", "5000")))
        print(json.dumps(res))
        with open(os.path.join(out, "inbox.json"), "w") as f:
            json.dump(res, f)
        return
    d = seed(binary, out)
    work = os.path.join(out, "fed-work")
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(d, work)
    procs = []
    try:
        ports_file, stats_file = os.path.join(out, "sink.ports"), os.path.join(out, "sink.json")
        for f in (ports_file, stats_file):
            if os.path.exists(f):
                os.remove(f)
        sink = subprocess.Popen([sys.executable, os.path.join(HERE, "fedsink.py"), str(HOSTS),
                                 ports_file, stats_file, "--hang", str(hang)])
        procs.append(sink)
        while not os.path.exists(stats_file):
            time.sleep(0.05)
        ports = [int(x) for x in open(ports_file).read().split()]
        with open(d + ".tokens") as f:
            first = f.readline().split("\t")
        poster, token = int(first[0]), first[2]
        add_followers(os.path.join(work, "rapport.db"), poster, ports[:HOSTS], ports[HOSTS:])
        port = free_port()
        env = dict(os.environ, RAPPORT_RATE_LIMIT="0", RAPPORT_LOGIN_LIMIT="0",
                   RAPPORT_FETCH_ALLOW_LOOPBACK="1")
        log = open(os.path.join(out, f"{scenario}-server.log"), "w")
        srv = subprocess.Popen([binary, "serve", "--data", work, "--listen",
                                f"127.0.0.1:{port}", "--domain", f"127.0.0.1:{port}"],
                               env=env, stdout=log, stderr=log)
        procs.append(srv)
        url = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                urllib.request.urlopen(url + "/api/v1/instance")
                break
            except OSError:
                time.sleep(0.1)
        reads = os.environ.get("FED_READS", "1") != "0"  # 0: the delivery alone

        def reads_for(seconds, name):
            path = os.path.join(out, f"{scenario}-{name}.json")
            env_wrk = dict(os.environ, WRK_OUT=path, WRK_SCENARIO="home_timeline")
            return path, subprocess.Popen(
                ["wrk", "-t2", "-c32", f"-d{seconds}s", "--latency", "-s",
                 os.path.join(HERE, "scenario.lua"), url, "--", "home_timeline",
                 d + ".tokens", d + ".tokens", "0", path], env=env_wrk,
                stdout=subprocess.DEVNULL)

        alone = {}
        if reads:  # the same reads without a delivery, for comparison
            path, wrk = reads_for(12, "home-alone")
            procs.append(wrk)
            wrk.wait()
            alone = read_json(path)
        wrk_out, wrk = reads_for(12 if reads else 1, "home")
        procs.append(wrk)
        time.sleep(3)
        body = urllib.parse.urlencode({"status": "to ten thousand followers"}).encode()
        req = urllib.request.Request(url + "/api/v1/statuses", data=body,
                                     headers={"Authorization": "Bearer " + token})
        t0 = time.time()
        urllib.request.urlopen(req).read()
        took = None
        while time.time() - t0 < 120:
            s = read_json(stats_file)
            if s.get("hosts", 0) >= HOSTS:
                took = s["last"] - t0
                break
            time.sleep(0.05)
        wrk.wait()
        s = read_json(stats_file)
        home = read_json(wrk_out)
        res = {"scenario": scenario, "followers": FOLLOWERS, "hosts": HOSTS,
               "hanging_hosts": hang, "posts_received": s.get("posts"),
               "hosts_reached": s.get("hosts"),
               "delivered_s": round(took, 3) if took is not None else None,
               "home_timeline": home, "home_timeline_alone": alone}
        print(json.dumps(res))
        with open(os.path.join(out, f"{scenario}.json"), "w") as f:
            json.dump(res, f)
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(15)
                except subprocess.TimeoutExpired:
                    p.kill()


if __name__ == "__main__":
    main()
