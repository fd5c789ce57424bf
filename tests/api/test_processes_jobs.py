"""Several `rapport serve` processes on one PostgreSQL database share its
background queues and its rate limits: a job is claimed by one process
(FOR UPDATE SKIP LOCKED, and a lease while its work runs outside a
transaction), taken over when that process dies, and not done twice; two
processes together allow what one would. The queue claims on SQLite (one
process owns the store) are covered by the rest of the suite."""
import collections
import http.server
import threading
import time

import pytest
import requests

from conftest import PG, db_env, kill_server, store_connect

pytestmark = pytest.mark.skipif(not PG, reason="several processes share a PostgreSQL "
                                               "database only")


def second(make_server, first, tmp_path, env=None):
    """Another process on first's database, with node id 1."""
    (tmp_path / "second").mkdir(exist_ok=True)
    return make_server(env={**(env or {}), "RAPPORT_DB": db_env(first.data)["RAPPORT_DB"],
                            "RAPPORT_NODE_ID": "1"}, data=tmp_path / "second")


def test_two_processes_enforce_one_rate_limit(make_server, tmp_path):
    env = {"RAPPORT_RATE_LIMIT": "12", "RAPPORT_RATE_WINDOW": "300"}
    a = make_server(env=env)
    b = second(make_server, a, tmp_path, env)
    u = a.user()  # by address, three requests: the token's own window starts now
    seen = []
    for i in range(12):
        srv = a if i % 2 else b
        r = requests.get(srv.url("/api/v1/accounts/verify_credentials"), headers=u.headers)
        assert r.status_code == 200, (i, r.text)
        seen.append(int(r.headers["X-RateLimit-Remaining"]))
    # One count, whichever process answered.
    assert seen == list(range(11, -1, -1))
    for srv in (a, b):
        r = requests.get(srv.url("/api/v1/accounts/verify_credentials"), headers=u.headers)
        assert r.status_code == 429 and r.json()["error"]
        assert 1 <= int(r.headers["Retry-After"]) <= 300


def test_far_from_the_limit_a_process_tells_the_store_its_hits_in_batches(make_server):
    # A window read with h of its limit L counted lets a process count
    # (L - h) / 16 more by itself: a round trip per hit only near the limit.
    a = make_server(env={"RAPPORT_RATE_LIMIT": "1600", "RAPPORT_RATE_WINDOW": "300",
                         "RAPPORT_SLOW_SQL_MS": "0"})
    u = a.user()
    offset = a.log.stat().st_size
    seen = []
    for _ in range(40):
        r = requests.get(a.url("/api/v1/accounts/verify_credentials"), headers=u.headers)
        assert r.status_code == 200, r.text
        seen.append(int(r.headers["X-RateLimit-Remaining"]))
    # one process counts every hit, told to the store or not
    assert seen == list(range(seen[0], seen[0] - 40, -1))
    log = a.log.read_bytes()[offset:].decode(errors="replace")
    told = log.count("INSERT INTO rate_limits")
    assert 1 <= told <= 2, told  # one per hit before: 40


def test_two_processes_counting_in_batches_hold_the_limit(make_server, tmp_path):
    # Each process may count a share of what was left by itself, so
    # together they let through at most one share more than the limit.
    env = {"RAPPORT_RATE_LIMIT": "160", "RAPPORT_RATE_WINDOW": "300"}
    a = make_server(env=env)
    b = second(make_server, a, tmp_path, env)
    u = a.user()
    first = requests.get(a.url("/api/v1/accounts/verify_credentials"), headers=u.headers)
    assert first.status_code == 200
    allowed = 160 - int(first.headers["X-RateLimit-Remaining"])  # the token's hits so far
    refused = {a.port: 0, b.port: 0}
    for i in range(400):
        srv = a if i % 2 else b
        r = requests.get(srv.url("/api/v1/accounts/verify_credentials"), headers=u.headers)
        if r.status_code == 200:
            allowed += 1
        else:
            assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1, r.text
            refused[srv.port] += 1
    assert 160 <= allowed <= 160 + 160 // 16, allowed
    assert refused[a.port] > 100 and refused[b.port] > 100


class Slow(http.server.BaseHTTPRequestHandler):
    """A page server that takes its time: ?sleep=S on the first request of
    a path, SLOW seconds otherwise. Counts the requests of each path."""
    hits = collections.Counter()
    lock = threading.Lock()
    SLOW = 0.7

    def log_message(self, *a):
        pass

    def do_GET(self):
        path, _, query = self.path.partition("?")
        with Slow.lock:
            Slow.hits[path] += 1
            first = Slow.hits[path] == 1
        wait = float(query[6:]) if first and query.startswith("sleep=") else Slow.SLOW
        time.sleep(wait)
        body = f"<html><head><title>page {path}</title></head></html>".encode()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass


@pytest.fixture
def pages():
    Slow.hits.clear()
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    srv.daemon_threads = True
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


def card(srv, user, status_id, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        r = requests.get(srv.url(f"/api/v1/statuses/{status_id}"), headers=user.headers)
        if r.json()["card"]:
            return r.json()["card"]
        time.sleep(0.1)
    raise AssertionError(f"status {status_id} got no card")


def test_link_previews_are_fetched_once_by_two_processes(make_server, tmp_path, pages):
    env = {"RAPPORT_FETCH_ALLOW_LOOPBACK": "1"}
    a = make_server(env=env)
    b = second(make_server, a, tmp_path, env)
    u = a.user()
    posted = []
    for i in range(8):
        srv = a if i % 2 else b
        r = requests.post(srv.url("/api/v1/statuses"), headers=u.headers,
                          data={"status": f"read {pages}/p{i}"})
        assert r.status_code == 200, r.text
        posted.append((i, r.json()["id"]))
    for i, sid in posted:
        assert card(a, u, sid)["title"] == f"page /p{i}"
    # Each page was asked for once, though both processes' workers ran.
    assert dict(Slow.hits) == {f"/p{i}": 1 for i in range(8)}


def test_a_job_its_process_died_holding_is_taken_over(make_server, tmp_path, pages):
    # The first process claims the card and dies while fetching it; the
    # second takes it once the claim's lease has ended.
    env = {"RAPPORT_FETCH_ALLOW_LOOPBACK": "1", "RAPPORT_JOB_LEASE": "2"}
    a = make_server(env=env)
    u = a.user()
    r = u.post("/api/v1/statuses", data={"status": f"see {pages}/stuck?sleep=60"})
    assert r.status_code == 200
    sid = r.json()["id"]
    deadline = time.time() + 15
    while not Slow.hits["/stuck"] and time.time() < deadline:
        time.sleep(0.05)
    assert Slow.hits["/stuck"] == 1
    kill_server(a)
    b = second(make_server, a, tmp_path, env)
    assert card(b, u, sid)["title"] == "page /stuck"
    assert Slow.hits["/stuck"] == 2


def test_a_rate_limit_that_cannot_be_counted_refuses(make_server):
    # Fail closed: without its shared counter a request is refused with a
    # 500, not let through uncounted, and writes nothing.
    a = make_server(env={"RAPPORT_RATE_LIMIT": "100"})
    u = a.user()
    db = store_connect(a.data)
    db.execute("ALTER TABLE rate_limits RENAME TO rate_limits_gone")
    try:
        r = u.post("/api/v1/statuses", data={"status": "uncounted"})
        assert r.status_code == 500 and r.json()["error"]
    finally:
        db.execute("ALTER TABLE rate_limits_gone RENAME TO rate_limits")
    assert db.execute("SELECT COUNT(*) FROM statuses").fetchone()[0] == 0
    db.close()
    assert u.post("/api/v1/statuses", data={"status": "counted"}).status_code == 200
