"""PostgreSQL (its pass only): every connection of a server whose backends
are terminated, as a restart of PostgreSQL or an administrator ends them,
is made again: the writer, the readers and the listener. The calls after
the loss succeed, reads and writes alike, and see what was written before
it; the server goes on with its caches exact. A read caught by the loss
while it runs is run again on a new connection, and the request succeeds;
a write caught by it changes nothing and is answered 503 with Retry-After.
The node id's lock, lost with its connection, is taken again; a process
whose node id another took meanwhile stops (its ids would collide)."""
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import BIN, PG, db_env, free_port, store_connect

NODE_LOCK = 1382117500  # STORE_NODE_LOCK_BASE + node id 0

pytestmark = pytest.mark.skipif(not PG, reason="PostgreSQL's backends")


def terminate_all(data):
    """Ends every backend on the server's database but this one's, waiting
    for each to be gone. Returns how many there were."""
    db = store_connect(data)
    try:
        return db.execute(
            "SELECT COUNT(*) FROM (SELECT pg_terminate_backend(pid, 5000) FROM"
            " pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid()) AS t").fetchone()[0]
    finally:
        db.close()


def test_terminated_backends_are_replaced(make_server):
    srv = make_server()
    alice, bob = srv.user(), srv.user()
    bob.post(f"/api/v1/accounts/{alice.id}/follow").raise_for_status()
    first = alice.post("/api/v1/statuses", data={"status": "before the loss"})
    assert first.status_code == 200, first.text
    assert bob.get("/api/v1/timelines/home").status_code == 200

    text = "before the loss"
    for round_ in range(2):
        # the writer, the readers, the listener and the node id's lock
        assert terminate_all(srv.data) >= 3
        for i in range(3):
            r = alice.post("/api/v1/statuses", data={"status": f"after {round_}.{i}"})
            assert r.status_code == 200, r.text
            home = bob.get("/api/v1/timelines/home")
            assert home.status_code == 200, home.text
            r = alice.get(f"/api/v1/statuses/{first.json()['id']}")
            assert r.status_code == 200 and text in r.json()["content"], r.text
        r = alice.put(f"/api/v1/statuses/{first.json()['id']}",
                      data={"status": f"edited {round_}"})
        assert r.status_code == 200, r.text
        # the edit is read back, not a cached copy of the status
        text = f"edited {round_}"
        got = bob.get(f"/api/v1/statuses/{first.json()['id']}")
        assert text in got.json()["content"], got.text
    texts = [s["content"] for s in bob.get("/api/v1/timelines/home?limit=40").json()]
    assert sum("after " in t for t in texts) == 6, texts


HOLDER = ("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted"
          " AND objid::bigint = ? AND database = (SELECT oid FROM pg_database"
          " WHERE datname = current_database())")


def holder(db):
    row = db.execute(HOLDER, (NODE_LOCK,)).fetchone()
    return row[0] if row else None


def test_the_node_id_lock_is_taken_again(make_server):
    srv = make_server()
    db = store_connect(srv.data)
    try:
        first = holder(db)
        assert first
        db.execute("SELECT pg_terminate_backend(?, 5000)", (first,))
        deadline = time.time() + 15
        while time.time() < deadline and holder(db) in (None, first):
            time.sleep(0.1)
        again = holder(db)
        assert again and again != first, again
    finally:
        db.close()
    # a second process with the same node id is still refused
    p = subprocess.run([BIN, "serve", "--data", str(srv.data / "second"), "--listen",
                        f"127.0.0.1:{free_port()}"], capture_output=True, text=True,
                       timeout=30, env={**srv.env, **db_env(srv.data)})
    assert p.returncode == 1 and "another process on this database has node id 0" in p.stderr
    assert srv.user().get("/api/v1/accounts/verify_credentials").status_code == 200


def test_a_process_whose_node_id_was_taken_stops(make_server):
    srv = make_server()
    db = store_connect(srv.data)
    try:
        for _ in range(5):  # taken before the server takes it again
            db.execute("SELECT pg_terminate_backend(?, 5000)", (holder(db),))
            if db.execute("SELECT pg_try_advisory_lock(?)", (NODE_LOCK,)).fetchone()[0]:
                break
        else:
            pytest.fail("the server always took its node id's lock again first")
        rc = srv.proc.wait(timeout=30)  # it stops by itself, as on SIGTERM
        assert rc == 0
        assert "another process took node id 0" in srv.log.read_text()
    finally:
        db.close()


# Every request below reads at least one of these, whatever is cached.
LOCKED = ("accounts", "users", "tokens", "statuses", "home_feed", "follows")
WAITING = ("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()"
           " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()")


def caches_forgotten(srv):
    """Ends the server's connections and waits for its listener to be back:
    it forgets every cached row, so the next request reads the store."""
    terminate_all(srv.data)
    db = store_connect(srv.data)
    try:
        deadline = time.time() + 15
        while time.time() < deadline and not db.execute(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name ="
                " 'rapport-listen' AND state = 'idle'").fetchone()[0]:
            time.sleep(0.05)
    finally:
        db.close()


def caught_by_the_loss(srv, call, tables=LOCKED):
    """Runs call() while tables it uses are locked, so that its
    statement waits on the server's connection; ends every backend of the
    server while it waits (the loss is noticed in the middle of the
    request, not before it), then lets the tables go. Returns call()'s
    response."""
    caches_forgotten(srv)
    db, watch = store_connect(srv.data), store_connect(srv.data)
    pool = ThreadPoolExecutor(1)
    try:
        db.execute("BEGIN")
        db.execute(f"LOCK TABLE {', '.join(tables)} IN ACCESS EXCLUSIVE MODE")
        got = pool.submit(call)
        deadline = time.time() + 15
        while not watch.execute(WAITING).fetchone()[0]:
            assert time.time() < deadline and not got.done(), "no statement waited"
            time.sleep(0.02)
        watch.execute("SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity"
                      " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                      " AND pid <> ?", (db.execute("SELECT pg_backend_pid()").fetchone()[0],))
        db.execute("ROLLBACK")
        return got.result(timeout=30)
    finally:
        db.close()
        watch.close()
        pool.shutdown()


def test_a_read_caught_by_the_loss_is_run_again(make_server):
    srv = make_server()
    alice, bob = srv.user(), srv.user()
    bob.post(f"/api/v1/accounts/{alice.id}/follow").raise_for_status()
    st = alice.post("/api/v1/statuses", data={"status": "read through the loss"}).json()
    reads = {
        "home": (lambda: bob.get("/api/v1/timelines/home"),
                 lambda j: [s["id"] for s in j] == [st["id"]]),
        "status": (lambda: bob.get(f"/api/v1/statuses/{st['id']}"),
                   lambda j: j["id"] == st["id"] and "through the loss" in j["content"]),
        "account": (lambda: bob.get(f"/api/v1/accounts/{alice.id}"),
                    lambda j: j["id"] == alice.id and j["statuses_count"] == 1),
        "public": (lambda: bob.get("/api/v1/timelines/public"),
                   lambda j: st["id"] in [s["id"] for s in j]),
        "verify_credentials": (lambda: alice.get("/api/v1/accounts/verify_credentials"),
                               lambda j: j["id"] == alice.id),
    }
    wrong = []
    for name, (call, right) in reads.items():
        r = caught_by_the_loss(srv, call)
        if r.status_code != 200 or not right(r.json()):
            wrong.append((name, r.status_code, r.text))
    assert not wrong
    assert "runs again" in srv.log.read_text()


def test_a_write_caught_by_the_loss_changes_nothing(make_server):
    srv = make_server()
    alice = srv.user()
    # the status's own home row is written in its transaction, nothing
    # outside it reads that table: the loss catches the transaction
    r = caught_by_the_loss(srv, lambda: alice.post("/api/v1/statuses",
                                                   data={"status": "lost with it"}),
                           tables=("home_feed",))
    assert r.status_code == 503, r.text
    assert r.headers["Retry-After"] == "1"
    assert r.json()["error"] == "The database is unavailable: try again"
    db = store_connect(srv.data)
    try:
        assert db.execute("SELECT COUNT(*) FROM statuses").fetchone()[0] == 0
    finally:
        db.close()
    me = alice.get("/api/v1/accounts/verify_credentials").json()
    assert me["statuses_count"] == 0
    # written again, it is written once
    r = alice.post("/api/v1/statuses", data={"status": "lost with it"})
    assert r.status_code == 200, r.text
    assert [s["id"] for s in alice.get(f"/api/v1/accounts/{alice.id}/statuses").json()] \
        == [r.json()["id"]]
