"""PostgreSQL (its pass only): every connection of a server whose backends
are terminated, as a restart of PostgreSQL or an administrator ends them,
is made again: the writer, the readers and the listener. The calls after
the loss succeed, reads and writes alike, and see what was written before
it; the server goes on with its caches exact."""
import pytest

from conftest import PG, store_connect

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
