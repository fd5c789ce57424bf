"""Two `rapport serve` processes on one PostgreSQL database (the PostgreSQL
pass only): what is written through one is read through the other at once,
never stale, with every cache on (row cache, render cache); a stream on one
receives what is posted through the other, with its visibility rules; and
when a process's listener connection is killed, nothing stale is read while
it is away or after it is back; a token revoked, ended by a new password or
whose login is disabled through one is refused by the other at once, though
the other had it cached; and every change made through A that decides
what a home timeline's first page shows (B keeps that page in memory,
store/homecache.c) is in B's very next read of it."""
import copy
import json
import threading
import time

import pytest
import requests

from conftest import (PASSWORD, PG, Server, _PgConn, db_env, open_inbox, run_cli,
                      store_connect)

pytestmark = pytest.mark.skipif(not PG, reason="several processes share a PostgreSQL store")

WAIT = 5.0


@pytest.fixture(scope="module")
def pair():
    a = Server(env={"RAPPORT_NODE_ID": "1", "RAPPORT_STREAM_HEARTBEAT_MS": "250"}).start()
    b = Server(env={"RAPPORT_NODE_ID": "2", "RAPPORT_STREAM_HEARTBEAT_MS": "250"}, data=a.data)
    b.domain = a.domain  # one community, two processes
    b.start()
    yield a, b
    assert b.stop() == 0
    assert a.stop() == 0


def on(server, user):
    """The same account, talking to another process."""
    u = copy.copy(user)
    u.server = server
    return u


def listeners(data):
    db = store_connect(data)
    try:
        return db.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name ="
                          " 'rapport-listen' AND datname = current_database()").fetchone()[0]
    finally:
        db.close()


def wait_listeners(server, n):
    deadline = time.time() + 20
    while listeners(server.data) != n:
        assert time.time() < deadline, "the listeners did not connect"
        time.sleep(0.05)


def post(user, text, **kw):
    r = user.post("/api/v1/statuses", json={"status": text, **kw})
    assert r.status_code == 200, r.text
    return r.json()


def ok(r):
    assert r.status_code == 200, r.text
    return r.json()


def in_list(items, sid):
    return next((s for s in items if s["id"] == sid), None)


def test_writes_through_a_are_read_through_b(pair):
    a, b = pair
    alice, bob = a.user(), a.user()
    bob_b, alice_b = on(b, bob), on(b, alice)
    ok(bob.post(f"/api/v1/accounts/{alice.id}/follow"))
    first = post(alice, "first words")
    # B reads (and caches) alice's status, her account and bob's home.
    for _ in range(2):
        assert in_list(ok(bob_b.get("/api/v1/timelines/home")), first["id"])
        ok(alice_b.get(f"/api/v1/accounts/{alice.id}/statuses"))
        assert b"first words" in requests.get(b.url(f"/@{alice.name}")).content
    for n in range(1, 4):
        ok(bob.post(f"/api/v1/statuses/{first['id']}/favourite" if n % 2 else
                    f"/api/v1/statuses/{first['id']}/unfavourite"))
        seen = in_list(ok(bob_b.get("/api/v1/timelines/home")), first["id"])
        assert seen["favourited"] == bool(n % 2)
        assert seen["favourites_count"] == n % 2
        seen = in_list(ok(alice_b.get(f"/api/v1/accounts/{alice.id}/statuses")), first["id"])
        assert seen["favourites_count"] == n % 2
    # A new status, then an edit: counters, text and the profile page.
    second = post(alice, "second words")
    home = ok(bob_b.get("/api/v1/timelines/home"))
    assert home[0]["id"] == second["id"]
    assert home[0]["account"]["statuses_count"] == 2
    assert ok(bob_b.get(f"/api/v1/accounts/{alice.id}"))["statuses_count"] == 2
    ok(alice.put(f"/api/v1/statuses/{first['id']}", json={"status": "first words, edited"}))
    seen = in_list(ok(bob_b.get("/api/v1/timelines/home")), first["id"])
    assert "first words, edited" in seen["content"] and seen["edited_at"]
    page = requests.get(b.url(f"/@{alice.name}")).text
    assert "first words, edited" in page and "second words" in page
    # A follow changes both accounts' counters.
    carol = a.user()
    ok(carol.post(f"/api/v1/accounts/{alice.id}/follow"))
    assert in_list(ok(alice_b.get(f"/api/v1/accounts/{alice.id}/statuses")),
                   second["id"])["account"]["followers_count"] == 2
    # A deletion: gone from every list and page of B.
    ok(alice.delete(f"/api/v1/statuses/{second['id']}"))
    assert not in_list(ok(bob_b.get("/api/v1/timelines/home")), second["id"])
    assert not in_list(ok(alice_b.get(f"/api/v1/accounts/{alice.id}/statuses")), second["id"])
    assert bob_b.get(f"/api/v1/statuses/{second['id']}").status_code == 404
    assert "second words" not in requests.get(b.url(f"/@{alice.name}")).text
    assert ok(alice_b.get(f"/api/v1/accounts/{alice.id}"))["statuses_count"] == 1


class SSE:
    """Reads one SSE stream in a thread: events as (event, data) pairs."""

    def __init__(self, server, token, path):
        self.resp = requests.get(server.url(path), headers={"Authorization": "Bearer " + token},
                                 stream=True, timeout=(5, 60))
        assert self.resp.status_code == 200, self.resp.text
        self.events = []
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self):
        event = {}
        try:
            for line in self.resp.iter_lines(chunk_size=None, decode_unicode=True):
                if line == "":
                    if event.get("event"):
                        self.events.append((event["event"], event.get("data")))
                    event = {}
                elif not line.startswith(":"):
                    key, _, value = line.partition(": ")
                    event[key] = value
        except Exception:  # closed by the test
            pass

    def ids(self, event="update"):
        return [json.loads(d)["id"] for e, d in self.events if e == event]

    def wait(self, pred):
        deadline = time.time() + WAIT
        while time.time() < deadline and not pred():
            time.sleep(0.02)
        return pred()

    def close(self):
        self.resp.close()


def test_streams_on_b_receive_posts_through_a(pair):
    a, b = pair
    alice, bob, carol = a.user(), a.user(), a.user()
    ok(bob.post(f"/api/v1/accounts/{alice.id}/follow"))
    public = SSE(b, carol.token, "/api/v1/streaming/public")
    bob_home = SSE(b, bob.token, "/api/v1/streaming/user")
    carol_home = SSE(b, carol.token, "/api/v1/streaming/user")
    time.sleep(0.3)  # the streams are registered
    try:
        shown = post(alice, "for everyone")
        private = post(alice, "for followers", visibility="private")
        mention = post(alice, f"@{bob.name} a word for you", visibility="private")
        assert public.wait(lambda: shown["id"] in public.ids())
        assert bob_home.wait(lambda: {shown["id"], private["id"], mention["id"]}
                             <= set(bob_home.ids()))
        assert bob_home.wait(lambda: any(json.loads(d)["status"]["id"] == mention["id"]
                                         for e, d in bob_home.events if e == "notification"))
        ok(alice.delete(f"/api/v1/statuses/{shown['id']}"))
        assert public.wait(lambda: ("delete", shown["id"]) in public.events)
        time.sleep(0.5)  # anything wrongly sent has arrived
        assert private["id"] not in public.ids() and mention["id"] not in public.ids()
        assert not carol_home.ids() and not [e for e, _ in carol_home.events
                                             if e == "notification"]
        assert public.ids().count(shown["id"]) == 1
    finally:
        for s in (public, bob_home, carol_home):
            s.close()


def test_a_lost_listener_reads_nothing_stale(pair):
    a, b = pair
    alice, bob, carol = a.user(), a.user(), a.user()
    bob_b = on(b, bob)
    for who in (alice, carol):
        ok(bob.post(f"/api/v1/accounts/{who.id}/follow"))
    one, two = post(carol, "one"), post(alice, "two")

    def count(sid, **page):
        """Through B's home timeline, a page that holds only that status."""
        return in_list(ok(bob_b.get("/api/v1/timelines/home", params=page)),
                       sid)["favourites_count"]

    below_two, above_one = {"max_id": two["id"]}, {"min_id": one["id"]}
    assert count(one["id"], **below_two) == 0 and count(two["id"], **above_one) == 0  # cached in B
    url, name = db_env(a.data)["RAPPORT_DB"].rsplit("/", 1)
    db = _PgConn(url + "/postgres")
    try:
        # The listeners cannot connect again until the test lets them.
        db.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        db.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE"
                   " application_name = 'rapport-listen' AND datname = ?", (name,))
        ok(bob.post(f"/api/v1/statuses/{one['id']}/favourite"))
        ok(bob.post(f"/api/v1/statuses/{two['id']}/favourite"))
        assert count(one["id"], **below_two) == 1  # while B's listener is away
    finally:
        db.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        db.close()
    wait_listeners(a, 2)
    assert count(two["id"], **above_one) == 1  # once it is back: read for the first time since
    ok(bob.post(f"/api/v1/statuses/{two['id']}/unfavourite"))
    assert count(two["id"], **above_one) == 0 and count(one["id"], **below_two) == 1


def test_tokens_ended_through_a_are_refused_by_b(pair):
    a, b = pair
    u = a.user()
    uid, second, third = u.id, a.token(u.email), a.token(u.email)
    staff = a.user()
    run_cli("user", "role", staff.name, "moderator", data=a.data)
    staff_h = {"Authorization": "Bearer " + a.token(
        staff.email, scopes="read write admin:read admin:write")}

    def status_on_b(tok):
        return requests.get(b.url("/api/v1/accounts/verify_credentials"),
                            headers={"Authorization": "Bearer " + tok}).status_code

    for _ in range(2):  # B resolves (and caches) every token
        assert [status_on_b(t) for t in (u.token, second, third)] == [200, 200, 200]
    r = requests.post(a.url("/oauth/revoke"), data={
        "client_id": u.app["client_id"], "client_secret": u.app["client_secret"],
        "token": u.token})
    assert r.status_code == 200, r.text
    assert status_on_b(u.token) == 401
    # A new password, set through A with the second token, ends the third.
    r = requests.post(a.url("/api/rapport/v1/account/password"),
                      headers={"Authorization": "Bearer " + second},
                      data={"current_password": PASSWORD, "password": "a new password 1"})
    assert r.status_code == 200, r.text
    assert [status_on_b(second), status_on_b(third)] == [200, 401]
    # A login disabled through A: its account's tokens are refused by B.
    r = requests.post(a.url(f"/api/v1/admin/accounts/{uid}/action"), headers=staff_h,
                      data={"type": "disable"})
    assert r.status_code == 200, r.text
    assert status_on_b(second) == 403


def test_suspension_through_a_is_refused_by_b(pair):
    """A suspension set or lifted through A reaches B's token cache at once
    (the trigger of migration 29: the accounts' own notices, which every new
    status sends for its counters, no longer drop the account's tokens)."""
    a, b = pair
    u = a.user()
    staff = a.user()
    run_cli("user", "role", staff.name, "moderator", data=a.data)
    staff_h = {"Authorization": "Bearer " + a.token(
        staff.email, scopes="read write admin:read admin:write")}

    def status_on_b():
        return requests.get(b.url("/api/v1/accounts/verify_credentials"),
                            headers={"Authorization": "Bearer " + u.token}).status_code

    for _ in range(2):  # B resolves (and caches) the token
        assert status_on_b() == 200
    post(u, "a status through A: its account's counters change")
    assert status_on_b() == 200
    r = requests.post(a.url(f"/api/v1/admin/accounts/{u.id}/action"), headers=staff_h,
                      data={"type": "suspend"})
    assert r.status_code == 200, r.text
    assert status_on_b() == 403
    r = requests.post(a.url(f"/api/v1/admin/accounts/{u.id}/unsuspend"), headers=staff_h)
    assert r.status_code == 200, r.text
    assert status_on_b() == 200


# ---- home's first page, kept by B (store/homecache.c) ----

def home_b(user):
    """The first page of the user's home, as B shows it."""
    return ok(user.get("/api/v1/timelines/home"))


def warm(user):
    """B reads the first page twice: it is cached from then on."""
    for _ in range(2):
        home_b(user)


def shown(items, sid):
    """The status sid as a home page shows it, itself or reblogged."""
    for s in items:
        if s["id"] == sid:
            return s
        if s.get("reblog") and s["reblog"]["id"] == sid:
            return s["reblog"]
    return None


def staff_of(a):
    staff = a.user()
    run_cli("user", "role", staff.name, "moderator", data=a.data)
    return {"Authorization": "Bearer " + a.token(
        staff.email, scopes="read write admin:read admin:write")}


def test_home_on_b_shows_a_new_post_and_a_deletion_through_a(pair):
    a, b = pair
    alice, bob = a.user(), a.user()
    bob_b = on(b, bob)
    ok(bob.post(f"/api/v1/accounts/{alice.id}/follow"))
    old = post(alice, "an older post")
    warm(bob_b)
    new = post(alice, "a newer post, fanned out through A")
    assert [s["id"] for s in home_b(bob_b)][:2] == [new["id"], old["id"]]
    ok(alice.delete(f"/api/v1/statuses/{new['id']}"))
    assert [s["id"] for s in home_b(bob_b)] == [old["id"]]


def test_home_on_b_shows_the_viewers_flags_set_through_a(pair):
    a, b = pair
    alice, bob = a.user(), a.user()
    bob_b = on(b, bob)
    ok(bob.post(f"/api/v1/accounts/{alice.id}/follow"))
    theirs, mine = post(alice, "to favourite"), post(bob, "to pin")
    warm(bob_b)
    for act, flag, sid in (("favourite", "favourited", theirs["id"]),
                           ("reblog", "reblogged", theirs["id"]),
                           ("bookmark", "bookmarked", theirs["id"]),
                           ("pin", "pinned", mine["id"])):
        ok(bob.post(f"/api/v1/statuses/{sid}/{act}"))
        assert shown(home_b(bob_b), sid)[flag] is True, act
        ok(bob.post(f"/api/v1/statuses/{sid}/un{act}"))
        assert shown(home_b(bob_b), sid)[flag] is False, act


def test_home_on_b_follows_and_unfollows_through_a(pair):
    a, b = pair
    alice, bob = a.user(), a.user()
    bob_b = on(b, bob)
    private = post(alice, "for my followers", visibility="private")
    warm(bob_b)
    assert not shown(home_b(bob_b), private["id"])
    ok(bob.post(f"/api/v1/accounts/{alice.id}/follow"))
    assert shown(home_b(bob_b), private["id"])
    ok(bob.post(f"/api/v1/accounts/{alice.id}/unfollow"))
    assert not shown(home_b(bob_b), private["id"])


def test_home_on_b_hides_blocked_and_muted_through_a(pair):
    a, b = pair
    alice, carol, dave, bob = a.user(), a.user(), a.user(), a.user()
    bob_b = on(b, bob)
    for who in (alice, carol, dave):
        ok(bob.post(f"/api/v1/accounts/{who.id}/follow"))
    by = {who.id: post(who, "seen by bob")["id"] for who in (alice, carol, dave)}
    warm(bob_b)
    ok(bob.post(f"/api/v1/accounts/{carol.id}/mute"))
    assert [shown(home_b(bob_b), by[w.id]) is not None for w in (alice, carol, dave)] \
        == [True, False, True]
    ok(bob.post(f"/api/v1/accounts/{carol.id}/unmute"))
    assert shown(home_b(bob_b), by[carol.id])
    ok(bob.post(f"/api/v1/accounts/{alice.id}/block"))
    assert not shown(home_b(bob_b), by[alice.id])
    # dave blocks bob: bob no longer sees dave's statuses
    assert shown(home_b(bob_b), by[dave.id])
    ok(dave.post(f"/api/v1/accounts/{bob.id}/block"))
    assert not shown(home_b(bob_b), by[dave.id])


def test_home_on_b_hides_a_domain_blocked_through_a(pair):
    a, b = pair
    carol, bob = a.user(), a.user()
    bob_b = on(b, bob)
    ok(bob.post(f"/api/v1/accounts/{carol.id}/follow"))
    far = post(carol, "from far away")["id"]
    db = store_connect(a.data)
    try:  # carol's account as if it came from another server
        db.execute("UPDATE accounts SET domain = 'far.example' WHERE id = ?", (int(carol.id),))
    finally:
        db.close()
    warm(bob_b)
    assert shown(home_b(bob_b), far)
    ok(bob.post("/api/v1/domain_blocks", data={"domain": "far.example"}))
    assert not shown(home_b(bob_b), far)
    assert bob.delete("/api/v1/domain_blocks", data={"domain": "far.example"}).status_code == 200
    assert shown(home_b(bob_b), far)


def test_home_on_b_hides_an_account_suspended_through_a(pair):
    a, b = pair
    alice, bob = a.user(), a.user()
    bob_b = on(b, bob)
    staff_h = staff_of(a)
    ok(bob.post(f"/api/v1/accounts/{alice.id}/follow"))
    sid = post(alice, "before the suspension")["id"]
    warm(bob_b)
    assert shown(home_b(bob_b), sid)
    r = requests.post(a.url(f"/api/v1/admin/accounts/{alice.id}/action"), headers=staff_h,
                      data={"type": "suspend"})
    assert r.status_code == 200, r.text
    assert not shown(home_b(bob_b), sid)


TEMPLATE = ("Hi {name}, great to connect with you here! I help people like you grow "
            "their audience, reply and I will send the details")


def test_home_on_b_shows_detector_flags_set_through_a(pair):
    a, b = pair
    alice = a.user()
    alice_b = on(b, alice)
    people = [open_inbox(a.user()) for _ in range(3)]
    sent = [post(alice, f"@{p.name} " + TEMPLATE.format(name=p.name), visibility="direct")
            for p in people[:2]]
    warm(alice_b)
    assert [shown(home_b(alice_b), s["id"])["rapport"]["flags"] for s in sent] == [[], []]
    # The third copy flags the earlier two (the template shows).
    third = people[2]
    post(alice, f"@{third.name} " + TEMPLATE.format(name=third.name), visibility="direct")
    assert [shown(home_b(alice_b), s["id"])["rapport"]["flags"] for s in sent] \
        == [["automated", "templated"]] * 2
