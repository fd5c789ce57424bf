"""The fault test of several processes: two `rapport serve` processes on one
PostgreSQL database behind nginx (deploy/nginx.conf.in, two upstream
lines), Mastodon.py clients posting, replying, favouriting and following
through it, and one process killed with SIGKILL midway. The clients carry
on through the other (nginx passes what it could not deliver to the next
upstream; a client retries a write that got no answer, with its
idempotency key), no acknowledged write is lost, every background job
(the events outbox, "status" notifications to followers who asked) is done
once, and every counter equals its rows afterwards."""
import random
import threading
import time

import pytest
import requests
from mastodon import Mastodon, MastodonNetworkError, MastodonServerError

from conftest import PG, Server, db_env, kill_server, store_connect
from test_deploy import nginx_in_front

pytestmark = pytest.mark.skipif(not PG, reason="several processes share a PostgreSQL "
                                               "database only")

CLIENTS = 4
BEFORE_KILL = 3.0  # seconds of traffic through both processes
AFTER_KILL = 4.0   # ... and through the survivor
WORDS = ("tea garden river lamp violin orbit maple pebble comet harbor lantern "
         "meadow quartz saffron tundra walnut").split()


def process(tmp_path, name, node, url=None):
    env = {"RAPPORT_TRUSTED_PROXIES": "127.0.0.1", "RAPPORT_NODE_ID": str(node)}
    if url:
        env["RAPPORT_DB"] = url
    (tmp_path / name).mkdir()
    s = Server(env=env, data=tmp_path / name)
    s.domain = "social.test"  # one community, whichever process answers
    return s.start()


def retried(what, fn, deadline):
    """Calls fn until it answers: a write that got no answer (its process
    died, nginx said 502) is sent again, with the same idempotency key."""
    while True:
        try:
            return fn()
        except (MastodonNetworkError, MastodonServerError) as e:
            if time.time() > deadline:
                raise AssertionError(f"{what}: no answer through the surviving process: {e}")
            time.sleep(0.1)


class Client(threading.Thread):
    def __init__(self, n, user, base, cert, others, stop):
        super().__init__(daemon=True)
        self.n, self.user, self.others, self.stop = n, user, others, stop
        session = requests.Session()
        session.verify = str(cert)
        session.trust_env = False
        self.m = Mastodon(access_token=user.token, api_base_url=base, session=session,
                          request_timeout=10, version_check_mode="none")
        self.rng = random.Random(n)
        self.posts, self.replies, self.favourites, self.follows = [], [], [], []
        self.peers = []  # every client, this one included
        self.after_kill = 0
        self.killed = None  # an Event set when a process has been killed
        self.error = None

    def text(self, i):
        return f"{' '.join(self.rng.sample(WORDS, 5))} {self.user.name} {i}"

    def step(self, i, seen):
        deadline = time.time() + 15
        kind = i % 4
        if kind == 0 or not seen:
            s = retried("post", lambda: self.m.status_post(
                self.text(i), idempotency_key=f"{self.user.name}-{i}"), deadline)
            self.posts.append(s["id"])
        elif kind == 1:
            target = self.rng.choice(seen)
            s = retried("reply", lambda: self.m.status_post(
                self.text(i), in_reply_to_id=target,
                idempotency_key=f"{self.user.name}-{i}"), deadline)
            self.replies.append(s["id"])
        elif kind == 2:
            target = self.rng.choice(seen)
            retried("favourite", lambda: self.m.status_favourite(target), deadline)
            self.favourites.append(target)
        else:
            other = self.rng.choice(self.others)
            retried("follow", lambda: self.m.account_follow(other, notify=True), deadline)
            self.follows.append(other)

    def run(self):
        try:
            i = 0
            while not self.stop.is_set():
                seen = [sid for c in self.peers if c is not self for sid in c.posts]
                self.step(i, seen)
                if self.killed is not None and self.killed.is_set():
                    self.after_kill += 1
                i += 1
        except Exception as e:  # reported by the test
            self.error = e


def wait_drained(db, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        left = db.execute("SELECT (SELECT COUNT(*) FROM events) + (SELECT COUNT(*) FROM jobs)"
                          ).fetchone()[0]
        if left == 0:
            return
        time.sleep(0.2)
    raise AssertionError("the background queues were not drained by the surviving process")


def answered_by(a, b, path, get):
    """Which of a and b logged the request get() makes for path (its access
    log line is written once the answer is sent: waited for)."""
    count = lambda: [p.log.read_text(errors="replace").count(f"GET {path} ")  # noqa: E731
                     for p in (a, b)]
    before = count()
    r = get()
    assert r.status_code == 200, r.text
    deadline = time.time() + 5
    while True:
        grew = [x - y for x, y in zip(count(), before)]
        if sum(grew) or time.time() > deadline:
            break
        time.sleep(0.01)
    assert sorted(grew) == [0, 1], grew
    return [a, b][grew.index(1)]


def served_by(user, base, cert, a, b):
    """Which of a and b answers user's requests through nginx (deploy/
    nginx.conf.in keeps a signed-in client on one process): the process
    whose log shows the request for user's own account."""
    path = f"/api/v1/accounts/{user.id}"
    return answered_by(a, b, path, lambda: requests.get(
        base + path, headers={"Authorization": f"Bearer {user.token}"}, verify=str(cert)))


def users_on_both(a, b, base, cert, each):
    """Signs up users until each of a and b serves `each` of them."""
    on = {a: [], b: []}
    for _ in range(40):
        if min(len(v) for v in on.values()) >= each:
            break
        u = a.user()
        on[served_by(u, base, cert, a, b)].append(u)
    assert min(len(v) for v in on.values()) >= each, "nginx sent every client to one process"
    return on[a][:each] + on[b][:each]


def test_sigkill_of_one_process_behind_nginx(tmp_path):
    a = process(tmp_path, "a", 0)
    url = db_env(a.data)["RAPPORT_DB"]
    b = process(tmp_path, "b", 1, url)
    try:
        with nginx_in_front(tmp_path / "nginx", [f"127.0.0.1:{a.port}",
                                                 f"127.0.0.1:{b.port}"]) as (https, _, cert):
            # Half the clients on each process, so that half lose theirs.
            users = users_on_both(a, b, https, cert, CLIENTS // 2)
            # Everyone asked to hear of everyone's new statuses: each post
            # makes a "status" notification job.
            for u in users:
                for v in users:
                    if u is not v:
                        r = u.post(f"/api/v1/accounts/{v.id}/follow", data={"notify": "true"})
                        assert r.status_code == 200 and r.json()["notifying"], r.text
            clients = run_scenario(a, b, users, https, cert)
        db = store_connect(a.data)
        wait_drained(db)
        check_store(db, clients)
        db.close()
    finally:
        if a.proc:
            a.stop()
        assert b.stop() == 0


def test_a_signed_in_client_stays_on_one_process(tmp_path):
    """nginx sends each signed-in client to the same process while it is up
    (what it reads stays in that process's caches), and a request without a
    token by its URL; when a client's process dies, its reads go on through
    the other at once (nginx passes a GET that found no process on to the
    next)."""
    a = process(tmp_path, "a", 0)
    b = process(tmp_path, "b", 1, db_env(a.data)["RAPPORT_DB"])
    try:
        with nginx_in_front(tmp_path / "nginx", [f"127.0.0.1:{a.port}",
                                                 f"127.0.0.1:{b.port}"]) as (https, _, cert):
            users = users_on_both(a, b, https, cert, 1)
            for u in users:
                home = served_by(u, https, cert, a, b)
                assert all(served_by(u, https, cert, a, b) is home for _ in range(10))
            # Without a token: one URL always from one process, and the
            # URLs spread over both.
            path = "/api/v1/timelines/public"

            def anonymous(query):
                return answered_by(a, b, path, lambda: requests.get(
                    f"{https}{path}?{query}", verify=str(cert)))
            first = [anonymous(f"limit={n}") for n in range(1, 25)]
            assert set(first) == {a, b}
            assert [anonymous(f"limit={n}") for n in range(1, 25)] == first
            kill_server(a)
            for u in users:
                r = requests.get(https + "/api/v1/timelines/home",
                                 headers={"Authorization": f"Bearer {u.token}"},
                                 verify=str(cert))
                assert r.status_code == 200, r.text
    finally:
        if a.proc:
            a.stop()
        assert b.stop() == 0


def run_scenario(a, b, users, https, cert):
    stop, killed = threading.Event(), threading.Event()
    ids = [u.id for u in users]
    clients = [Client(n, u, https, cert, [i for i in ids if i != u.id], stop)
               for n, u in enumerate(users)]
    for c in clients:
        c.peers, c.killed = clients, killed
    for c in clients:
        c.start()
    time.sleep(BEFORE_KILL)
    kill_server(a)
    killed.set()
    time.sleep(AFTER_KILL)
    stop.set()
    for c in clients:
        c.join(30)
    for c in clients:
        assert c.error is None, c.error
        # Each client went on working through the other process.
        assert c.after_kill > 0
    # Both processes answered before the kill (nginx spreads the load).
    log_a = a.log.read_text(errors="replace")
    assert "POST /api/v1/statuses" in log_a
    assert "POST /api/v1/statuses" in b.log.read_text(errors="replace")
    return clients


def check_store(db, clients):
    one = lambda sql, *p: db.execute(sql, p).fetchone()[0]  # noqa: E731
    for c in clients:
        # No acknowledged write is lost.
        for sid in c.posts + c.replies:
            assert one("SELECT COUNT(*) FROM statuses WHERE id = ?", int(sid)) == 1, sid
        for sid in c.favourites:
            assert one("SELECT COUNT(*) FROM favourites WHERE account_id = ? AND status_id = ?",
                       int(c.user.id), int(sid)) == 1
        for other in c.follows:
            assert one("SELECT COUNT(*) FROM follows WHERE account_id = ? AND target_id = ?",
                       int(c.user.id), int(other)) == 1
    # Counters equal rows.
    assert db.execute(
        "SELECT a.id FROM accounts a WHERE a.statuses_count <>"
        " (SELECT COUNT(*) FROM statuses s WHERE s.account_id = a.id)"
        " OR a.followers_count <> (SELECT COUNT(*) FROM follows f WHERE f.target_id = a.id)"
        " OR a.following_count <> (SELECT COUNT(*) FROM follows f WHERE f.account_id = a.id)"
    ).fetchall() == []
    assert db.execute(
        "SELECT s.id FROM statuses s WHERE s.favourites_count <>"
        " (SELECT COUNT(*) FROM favourites f WHERE f.status_id = s.id)"
        " OR s.replies_count <> (SELECT COUNT(*) FROM statuses r WHERE r.in_reply_to_id = s.id)"
    ).fetchall() == []
    # Every notification once: favourites (in the request) and "status"
    # notifications (the notify jobs, drained by either process).
    assert db.execute(
        "SELECT account_id, from_account_id, type, status_id FROM notifications"
        " GROUP BY account_id, from_account_id, type, status_id HAVING COUNT(*) > 1"
    ).fetchall() == []
    favs = sum(len(set(c.favourites)) for c in clients)
    assert one("SELECT COUNT(*) FROM notifications WHERE type = 'favourite'") == favs
    # No job lost: every post told each of the author's followers once.
    for c in clients:
        for sid in c.posts:
            assert one("SELECT COUNT(*) FROM notifications WHERE type = 'status'"
                       " AND status_id = ?", int(sid)) == len(clients) - 1, sid
