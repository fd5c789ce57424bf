"""Crash consistency: clients post, reply and favourite concurrently while
the server is killed with SIGKILL at a random moment. After a restart every
status whose POST was answered 200 is there, every counter equals its rows,
and SQLite's integrity check passes. Five rounds on the same store."""
import random
import threading
import time

import requests

from conftest import PG, kill_server, store_connect

INVARIANTS = {
    "statuses_count": "SELECT COUNT(*) FROM accounts a WHERE statuses_count <>"
                      " (SELECT COUNT(*) FROM statuses s WHERE s.account_id = a.id)",
    "followers_count": "SELECT COUNT(*) FROM accounts a WHERE followers_count <>"
                       " (SELECT COUNT(*) FROM follows f WHERE f.target_id = a.id)",
    "following_count": "SELECT COUNT(*) FROM accounts a WHERE following_count <>"
                       " (SELECT COUNT(*) FROM follows f WHERE f.account_id = a.id)",
    "replies_count": "SELECT COUNT(*) FROM statuses s WHERE replies_count <>"
                     " (SELECT COUNT(*) FROM statuses r WHERE r.in_reply_to_id = s.id)",
    "favourites_count": "SELECT COUNT(*) FROM statuses s WHERE favourites_count <>"
                        " (SELECT COUNT(*) FROM favourites f WHERE f.status_id = s.id)",
    "reblogs_count": "SELECT COUNT(*) FROM statuses s WHERE reblogs_count <>"
                     " (SELECT COUNT(*) FROM statuses r WHERE r.reblog_of_id = s.id)",
}


def client(server, user, acked, stop, rnd):
    s = requests.Session()
    s.headers["Authorization"] = "Bearer " + user.token
    mine = []
    while not stop.is_set():
        try:
            kind = rnd.random()
            if kind < 0.15 and acked:
                r = s.post(server.url(f"/api/v1/statuses/{rnd.choice(acked)}/favourite"),
                           timeout=5)
            elif kind < 0.25 and acked:
                r = s.post(server.url(f"/api/v1/statuses/{rnd.choice(acked)}/reblog"), timeout=5)
            else:
                data = {"status": f"crash test {rnd.random()}"}
                if kind < 0.5 and acked:
                    data["in_reply_to_id"] = rnd.choice(acked)
                r = s.post(server.url("/api/v1/statuses"), data=data, timeout=5)
                if r.status_code == 200:
                    acked.append(r.json()["id"])
                    mine.append(r.json()["id"])
        except requests.RequestException:
            return


def test_sigkill_loses_no_acknowledged_write(make_server):
    s = make_server()
    users = [s.user() for _ in range(4)]
    for a in users:  # a follow graph, so fan-out writes happen too
        for b in users:
            if a is not b:
                assert a.post(f"/api/v1/accounts/{b.id}/follow").status_code == 200
    rnd = random.Random(7)
    acked = []
    for rounds in range(5):
        stop = threading.Event()
        threads = [threading.Thread(target=client,
                                    args=(s, u, acked, stop, random.Random(rnd.random())))
                   for u in users]
        for t in threads:
            t.start()
        time.sleep(0.3 + rnd.random())
        kill_server(s)
        stop.set()
        for t in threads:
            t.join()
        s.start()
        db = store_connect(s.data)
        if not PG:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        for name, sql in INVARIANTS.items():
            assert db.execute(sql).fetchone()[0] == 0, name
        present = {str(r[0]) for r in db.execute("SELECT id FROM statuses")}
        missing = [i for i in acked if i not in present]
        assert not missing, f"round {rounds}: acknowledged statuses lost: {missing[:5]}"
        db.close()
        # The server answers for every one of them too.
        for i in rnd.sample(acked, min(20, len(acked))):
            assert users[0].get(f"/api/v1/statuses/{i}").status_code == 200
    assert len(acked) > 50  # the clients really were writing
