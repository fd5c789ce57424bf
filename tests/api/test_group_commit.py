"""Group commit: concurrent writes share one transaction and one COMMIT
(SQLite and PostgreSQL alike), each in a savepoint of its own. A request that fails inside the
transaction, after it wrote, undoes only its own changes: the others in the
same commit keep theirs, and each is answered once its changes are
committed."""
import os
import subprocess
import tempfile
import threading
from pathlib import Path

import pytest
import requests

from conftest import BIN, PG, TEST_ENV, db_env, store_connect


def session(user):
    s = requests.Session()
    s.headers["Authorization"] = "Bearer " + user.token
    return s


def test_failures_inside_a_shared_commit_undo_only_their_own(server):
    poster, pinner, blocker, follower = (server.user() for _ in range(4))
    own = [pinner.post("/api/v1/statuses", data={"status": f"pin me {i}"}).json()["id"]
           for i in range(12)]
    assert blocker.post(f"/api/v1/accounts/{follower.id}/block").status_code == 200

    posts, pins, follows = [], [], []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def post_many(n):
        s = session(poster)
        start.wait()
        for i in range(20):
            r = s.post(server.url("/api/v1/statuses"), data={"status": f"group {n} {i}"})
            with lock:
                posts.append((r.status_code, r.json()))

    def pin_some(ids):
        # A pin past the limit is written, counted and then undone by
        # failing: the failing savepoint must take only that pin along.
        s = session(pinner)
        start.wait()
        for sid in ids:
            r = s.post(server.url(f"/api/v1/statuses/{sid}/pin"))
            with lock:
                pins.append((sid, r.status_code, r.json()))

    def follow_blocked():
        # Refused inside the transaction (the block is checked there).
        s = session(follower)
        start.wait()
        for _ in range(10):
            r = s.post(server.url(f"/api/v1/accounts/{blocker.id}/follow"))
            with lock:
                follows.append((r.status_code, r.json()))

    threads = [threading.Thread(target=post_many, args=(n,)) for n in range(4)]
    threads += [threading.Thread(target=pin_some, args=(own[k::3],)) for k in range(3)]
    threads.append(threading.Thread(target=follow_blocked))
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    # Every post was acknowledged, once, and is there.
    assert [c for c, _ in posts] == [200] * 80
    ids = {j["id"] for _, j in posts}
    assert len(ids) == 80
    assert {j["content"] for _, j in posts} == {
        f"<p>group {n} {i}</p>" for n in range(4) for i in range(20)}
    for sid in ids:
        assert poster.get(f"/api/v1/statuses/{sid}").status_code == 200
    assert poster.get(f"/api/v1/accounts/{poster.id}").json()["statuses_count"] == 80

    # Exactly PINS_MAX pins held; the others failed with their own error
    # and left nothing.
    ok = {sid for sid, c, _ in pins if c == 200}
    refused = [(c, j) for _, c, j in pins if c != 200]
    assert len(ok) == 5 and len(refused) == 7
    for c, j in refused:
        assert c == 422
        assert j["error"] == "Validation failed: you can pin at most 5 statuses"
    r = pinner.get(f"/api/v1/accounts/{pinner.id}/statuses", params={"pinned": "true"})
    assert {s["id"] for s in r.json()} == ok
    for sid in own:
        assert pinner.get(f"/api/v1/statuses/{sid}").json()["pinned"] is (sid in ok)

    # Every follow was refused and none was made.
    assert follows == [(403, {"error": "This action is not allowed"})] * 10
    rel = follower.get("/api/v1/accounts/relationships", params={"id[]": blocker.id}).json()
    assert rel[0]["following"] is False and rel[0]["requested"] is False
    assert blocker.get(f"/api/v1/accounts/{blocker.id}").json()["followers_count"] == 0

    db = store_connect(server.data)
    assert db.execute("SELECT COUNT(*) FROM pins WHERE account_id = ?",
                      (int(pinner.id),)).fetchone()[0] == 5
    assert db.execute("SELECT COUNT(*) FROM statuses WHERE account_id = ?",
                      (int(poster.id),)).fetchone()[0] == 80
    assert db.execute("SELECT COUNT(*) FROM follows WHERE account_id = ?",
                      (int(follower.id),)).fetchone()[0] == 0
    db.close()


@pytest.mark.skipif(not PG, reason="the SQLite pass runs test_group with the unit tests")
def test_unit_group_commit_on_postgresql():
    """tests/unit/test_group.c (answered only after the commit, a failure
    undoes only its own member) against PostgreSQL, from the same build as
    the server under test."""
    unit = Path(BIN).parent / "tests" / "test_group"
    if not unit.exists():
        pytest.skip(f"{unit} is not built")
    with tempfile.TemporaryDirectory() as d:
        env = dict(TEST_ENV, RAPPORT_TEST_PG_URL=db_env(d)["RAPPORT_DB"])
        p = subprocess.run([str(unit)], capture_output=True, text=True, timeout=300,
                           env={**os.environ, **env})
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
