"""The home cache's two rarer paths (store/homecache.c), the PostgreSQL pass
only: two `rapport serve` processes on one database, B keeping first home
pages in memory while the changes are made through A.

- "h*": a statement that changes the home inputs of more than 7000
  accounts names none of them (migration 30's triggers, schema_pg.c); every
  process forgets every home page it keeps. Here the statement is the
  fan-out of a status by an account that 7100 local accounts follow,
  delivered in the request (RAPPORT_FANOUT_INLINE above that), which inserts
  7100 feeds' rows at once.
- the flags' overflow: a page whose viewer has more flag rows over the
  batch's range than the cache keeps (HOME_FLAGS_MAX, store_internal.h) is
  kept without them, and its flags are read with each request."""
import re
import select
import time
import uuid

import pytest

from conftest import PG, Server, _PgConn, db_env, store_connect
from test_processes import home_b, ok, on, post, warm

pytestmark = pytest.mark.skipif(not PG, reason="several processes share a PostgreSQL store")

ENV = {"RAPPORT_FANOUT_INLINE": "1000000"}
HITS = re.compile(rb"home cache: (\d+) hits")


@pytest.fixture(scope="module")
def pair():
    a = Server(env={**ENV, "RAPPORT_NODE_ID": "1"}).start()
    b = Server(env={**ENV, "RAPPORT_NODE_ID": "2"}, data=a.data)
    b.domain = a.domain  # one community, two processes
    b.start()
    yield a, b
    assert a.stop() == 0
    assert b.stop() == 0  # last: the log they share ends with B's figures
    # B's warm reads were answered by its home cache (logged when it stops).
    assert int(HITS.findall(b.log.read_bytes())[-1]) > 0


def add_followers(server, target, n):
    """n local accounts that follow target, written straight into the
    store: making them through the API would take minutes."""
    db = store_connect(server.data)
    tag, now = "f" + uuid.uuid4().hex[:8], int(time.time() * 1000)
    try:
        db.execute(
            "INSERT INTO accounts (username, username_key, uri, url, created_at,"
            " updated_at, following_count) SELECT ? || g, ? || g, ? || g, ? || g, ?, ?, 1"
            " FROM generate_series(1, ?) g",
            (tag, tag, server.url(f"/users/{tag}"), server.url(f"/@{tag}"), now, now, n))
        db.execute("INSERT INTO follows (account_id, target_id, created_at) SELECT id, ?, ?"
                   " FROM accounts WHERE username_key LIKE ?", (int(target), now, tag + "%"))
        db.execute("UPDATE accounts SET followers_count = followers_count + ? WHERE id = ?",
                   (n, int(target)))
    finally:
        db.close()


class Notices:
    """What the store NOTIFYs on the channel the processes listen to."""

    def __init__(self, server):
        self.db = _PgConn(db_env(server.data)["RAPPORT_DB"])
        self.db.execute("LISTEN rapport")

    def until(self, payload, timeout=10.0):
        """Every payload heard, once `payload` is among them."""
        heard, conn = [], self.db.conn
        deadline = time.time() + timeout
        while payload not in heard and time.time() < deadline:
            select.select([conn], [], [], 0.1)
            conn.poll()
            heard += [n.payload for n in conn.notifies]
            conn.notifies.clear()
        return heard

    def close(self):
        self.db.close()


def test_a_fanout_past_7000_feeds_clears_every_processes_home_pages(pair):
    a, b = pair
    star, bob = a.user(), a.user()
    bob_b = on(b, bob)
    ok(bob.post(f"/api/v1/accounts/{star.id}/follow"))
    add_followers(a, star.id, 7100)
    old = post(star, "before the crowd came")
    for viewer in (bob, bob_b):
        warm(viewer)
        assert [s["id"] for s in home_b(viewer)] == [old["id"]]
    notices = Notices(a)
    try:
        new = post(star, "to 7101 feeds in one statement")
        heard = notices.until("h*")
    finally:
        notices.close()
    # The feeds' rows went in as one statement, named by "h*" alone; no
    # other notice of that commit forgot every home page ("*").
    assert "h*" in heard and "*" not in heard, heard
    for viewer in (bob_b, bob):
        assert [s["id"] for s in home_b(viewer)] == [new["id"], old["id"]]


def flags_of(items):
    """Each status's (favourited, reblogged, bookmarked), by id, as a page
    shows it (a reblog's flags are its status's)."""
    out = {}
    for s in items:
        t = s["reblog"] or s
        out.setdefault(t["id"], (t["favourited"], t["reblogged"], t["bookmarked"]))
    return out


def test_a_home_page_with_more_flags_than_kept_shows_them_and_their_changes(pair):
    a, b = pair
    alice, bob = a.user(), a.user()
    bob_b = on(b, bob)
    ok(bob.post(f"/api/v1/accounts/{alice.id}/follow"))
    ids = [post(alice, f"note {i}")["id"] for i in range(44)]
    # 40 favourites, 40 bookmarks and 3 reblogs over the batch's range: 83
    # flag rows, where a cached page keeps 32 at most; each status has its
    # own mix.
    faved = set(ids) - {ids[i] for i in (0, -3, -10, -30)}
    marked = set(ids) - {ids[i] for i in (1, -4, -11, -31)}
    boosted = {ids[i] for i in (-3, -4, -5)}
    for sid in ids:
        for act, chosen in (("favourite", faved), ("bookmark", marked), ("reblog", boosted)):
            if sid in chosen:
                ok(bob.post(f"/api/v1/statuses/{sid}/{act}"))

    def expect(page):
        return {sid: (sid in faved, sid in boosted, sid in marked) for sid in page}

    for params in ({}, {"limit": 40}):
        first = flags_of(ok(bob_b.get("/api/v1/timelines/home", params=params)))
        again = flags_of(ok(bob_b.get("/api/v1/timelines/home", params=params)))
        assert len(first) >= 17 and first == again == expect(first)
    # Through A: one status unfavourited, another unbookmarked.
    gone, unmarked = ids[-1], ids[-5]
    ok(bob.post(f"/api/v1/statuses/{gone}/unfavourite"))
    ok(bob.post(f"/api/v1/statuses/{unmarked}/unbookmark"))
    faved.discard(gone)
    marked.discard(unmarked)
    for _ in range(2):
        seen = flags_of(home_b(bob_b))
        assert seen[gone][0] is False and seen[unmarked][2] is False
        assert seen == expect(seen)
