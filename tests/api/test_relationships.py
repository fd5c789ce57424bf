"""Follows, follow requests, blocks, mutes, notes and the relationships
endpoint, through Mastodon.py for the happy paths and requests for errors."""
import time

import requests
from mastodon import Mastodon
from conftest import NOT_FOUND

NOT_ALLOWED = {"error": "This action is not allowed"}
OUT_OF_SCOPE = {"error": "This action is outside the authorized scopes"}
NO_AUTH = {"error": "This method requires an authenticated user"}
NO_RELATION = {"following": False, "showing_reblogs": False, "notifying": False,
               "languages": None, "followed_by": False, "blocking": False, "blocked_by": False,
               "muting": False, "muting_notifications": False, "requested": False,
               "requested_by": False, "domain_blocking": False, "endorsed": False, "note": ""}


def client(server, user):
    return Mastodon(access_token=user.token, api_base_url=server.base)


class Rel(dict):
    """Mastodon's keys of a relationship, compared exactly; Rapport's own
    `rapport` must be there too (its how_we_met is checked by
    test_connections.py)."""

    def __eq__(self, other):
        if not isinstance(other, dict) or set(other.get("rapport") or {}) != {"how_we_met"}:
            return False
        return dict(self) == {k: v for k, v in other.items() if k != "rapport"}

    __hash__ = None


def rel(other, **kw):
    """The relationship JSON expected with other: everything false but kw."""
    return Rel(NO_RELATION, id=other.id, **kw)


def relationship(user, other):
    r = user.get("/api/v1/accounts/relationships", params={"id[]": [other.id]})
    # A 404 here means the route table sends the path to /api/v1/accounts/:id.
    assert r.status_code == 200, r.text
    assert len(r.json()) == 1, r.json()
    return r.json()[0]


def counts(server, user):
    j = requests.get(server.url(f"/api/v1/accounts/{user.id}")).json()
    return j["followers_count"], j["following_count"]


def ids(accounts):
    return [str(a["id"]) for a in accounts]


def home_ids(user):
    r = user.get("/api/v1/timelines/home", params={"limit": 40})
    assert r.status_code == 200, r.text
    return [s["id"] for s in r.json()]


def post(user, text, **kw):
    r = user.post("/api/v1/statuses", data=dict(status=text, **kw))
    assert r.status_code == 200, r.text
    return r.json()["id"]


def lock(user):
    r = user.patch("/api/v1/accounts/update_credentials", data={"locked": "true"})
    assert r.status_code == 200 and r.json()["locked"] is True, r.text


def error(r, status, body):
    assert r.status_code == status, (r.status_code, r.text)
    assert r.headers["Content-Type"].startswith("application/json")
    assert r.json() == body


def test_follow_options_and_unfollow(server, alice, bob):
    ma = client(server, alice)
    r = ma.account_follow(bob.id)
    assert dict(r, id=str(r["id"])) == rel(bob, following=True, showing_reblogs=True)
    assert counts(server, alice) == (0, 1) and counts(server, bob) == (1, 0)
    # Following again changes the options given and keeps the others.
    r = alice.post(f"/api/v1/accounts/{bob.id}/follow", data={"reblogs": "0", "notify": "1"})
    assert r.json() == rel(bob, following=True, notifying=True)
    r = alice.post(f"/api/v1/accounts/{bob.id}/follow", json={"notify": False})
    assert r.json() == rel(bob, following=True)
    r = alice.post(f"/api/v1/accounts/{bob.id}/follow")
    assert r.json() == rel(bob, following=True)
    assert counts(server, alice) == (0, 1) and counts(server, bob) == (1, 0)
    assert relationship(bob, alice) == rel(alice, followed_by=True)
    r = ma.account_unfollow(bob.id)
    assert dict(r, id=str(r["id"])) == rel(bob)
    assert counts(server, alice) == (0, 0) and counts(server, bob) == (0, 0)
    # Unfollowing what one does not follow changes nothing.
    assert alice.post(f"/api/v1/accounts/{bob.id}/unfollow").json() == rel(bob)
    assert counts(server, alice) == (0, 0) and counts(server, bob) == (0, 0)


def test_counts_equal_rows_through_every_sequence(server):
    a, b, c = server.user(), server.user(), server.user()
    users = (a, b, c)
    follows = set()

    def check():
        for u in users:
            followers = sorted(x.id for (x, y) in follows if y is u)
            following = sorted(y.id for (x, y) in follows if x is u)
            assert counts(server, u) == (len(followers), len(following)), u.name
            got = requests.get(server.url(f"/api/v1/accounts/{u.id}/followers"))
            assert sorted(ids(got.json())) == followers
            got = requests.get(server.url(f"/api/v1/accounts/{u.id}/following"))
            assert sorted(ids(got.json())) == following

    def follow(x, y, status=200):
        r = x.post(f"/api/v1/accounts/{y.id}/follow")
        assert r.status_code == status, r.text

    follow(a, b); follows.add((a, b)); check()
    follow(a, b); check()
    follow(b, a); follow(c, a); follow(a, c); follows |= {(b, a), (c, a), (a, c)}; check()
    a.post(f"/api/v1/accounts/{b.id}/unfollow"); follows.discard((a, b)); check()
    a.post(f"/api/v1/accounts/{b.id}/unfollow"); check()
    # A block ends the follows both ways.
    a.post(f"/api/v1/accounts/{c.id}/block"); follows -= {(a, c), (c, a)}; check()
    follow(c, a, 403); follow(a, c, 403); check()
    a.post(f"/api/v1/accounts/{c.id}/block"); check()
    a.post(f"/api/v1/accounts/{c.id}/unblock"); check()
    # Requests count for nothing until authorized.
    lock(c)
    follow(a, c); check()
    assert c.post(f"/api/v1/follow_requests/{a.id}/reject").status_code == 200; check()
    follow(a, c); follow(b, c); check()
    assert c.post(f"/api/v1/follow_requests/{a.id}/authorize").status_code == 200
    follows.add((a, c)); check()
    b.post(f"/api/v1/accounts/{c.id}/unfollow"); check()
    assert c.post(f"/api/v1/follow_requests/{b.id}/authorize").status_code == 404; check()
    c.post(f"/api/v1/accounts/{a.id}/block"); follows.discard((a, c)); check()
    b.post(f"/api/v1/accounts/{a.id}/unfollow"); follows.discard((b, a)); check()
    assert follows == set()


def test_locked_account_and_follow_requests(server, alice, bob):
    carol = server.user()
    lock(bob)
    secret = post(bob, "for followers only", visibility="private")
    ma, mb = client(server, alice), client(server, bob)
    r = ma.account_follow(bob.id, reblogs=False, notify=True)
    assert dict(r, id=str(r["id"])) == rel(bob, requested=True, notifying=True)
    assert counts(server, alice) == (0, 0) and counts(server, bob) == (0, 0)
    assert relationship(bob, alice) == rel(alice, requested_by=True)
    assert ids(mb.follow_requests()) == [alice.id]
    assert [(n["type"], str(n["account"]["id"])) for n in mb.notifications()] == \
        [("follow_request", alice.id)]
    # A request grants nothing.
    error(alice.get(f"/api/v1/statuses/{secret}"), 404, NOT_FOUND)
    assert secret not in home_ids(alice)
    # carol asks too; bob turns her down.
    carol.post(f"/api/v1/accounts/{bob.id}/follow")
    assert ids(mb.follow_requests()) == [carol.id, alice.id]
    r = mb.follow_request_reject(carol.id)
    assert dict(r, id=str(r["id"])) == rel(carol)
    error(bob.post(f"/api/v1/follow_requests/{carol.id}/reject"), 404, NOT_FOUND)
    error(bob.post(f"/api/v1/follow_requests/{carol.id}/authorize"), 404, NOT_FOUND)
    assert counts(server, carol) == (0, 0)
    # Authorizing makes the follow with the options asked for.
    r = mb.follow_request_authorize(alice.id)
    assert dict(r, id=str(r["id"])) == rel(alice, followed_by=True)
    assert relationship(alice, bob) == rel(bob, following=True, notifying=True)
    assert counts(server, alice) == (0, 1) and counts(server, bob) == (1, 0)
    assert mb.follow_requests() == []
    assert mb.notifications() == []  # the request's notification went with it
    r = alice.get(f"/api/v1/statuses/{secret}")
    assert r.status_code == 200 and r.json()["id"] == secret
    assert secret in home_ids(alice)
    # Following a locked account one already follows only changes options.
    r = alice.post(f"/api/v1/accounts/{bob.id}/follow", data={"reblogs": "true"})
    assert r.json() == rel(bob, following=True, showing_reblogs=True, notifying=True)
    assert mb.follow_requests() == []


def test_unfollow_withdraws_a_request(server, alice, bob):
    lock(bob)
    alice.post(f"/api/v1/accounts/{bob.id}/follow")
    assert len(bob.get("/api/v1/notifications").json()) == 1
    r = alice.post(f"/api/v1/accounts/{bob.id}/unfollow")
    assert r.json() == rel(bob)
    assert bob.get("/api/v1/follow_requests").json() == []
    assert bob.get("/api/v1/notifications").json() == []
    assert counts(server, alice) == (0, 0) and counts(server, bob) == (0, 0)


def test_follow_fills_home_feed_and_unfollow_empties_it(server, alice, bob):
    carol = server.user()
    public = [post(bob, f"post {i}") for i in range(22)]
    private = post(bob, "followers only", visibility="private")
    post(bob, f"@{carol.name} just us", visibility="direct")
    reply_to_carol = post(bob, "a reply", in_reply_to_id=post(carol, "carol here"))
    assert home_ids(alice) == []
    alice.post(f"/api/v1/accounts/{bob.id}/follow")
    # The 20 newest that alice may see, newest first: no direct status, no
    # reply to someone she does not follow.
    assert home_ids(alice) == [private] + public[::-1][:19]
    assert reply_to_carol not in home_ids(alice)
    alice.post(f"/api/v1/accounts/{bob.id}/unfollow")
    assert home_ids(alice) == []
    # Following carol first lets the reply in.
    alice.post(f"/api/v1/accounts/{carol.id}/follow")
    alice.post(f"/api/v1/accounts/{bob.id}/follow")
    assert reply_to_carol in home_ids(alice)


def test_follow_without_reblogs(server, alice, bob):
    carol = server.user()
    original = post(carol, "worth sharing")
    r = bob.post(f"/api/v1/statuses/{original}/reblog")
    assert r.status_code == 200
    wrapper = r.json()["id"]
    own = post(bob, "my own")
    alice.post(f"/api/v1/accounts/{bob.id}/follow", data={"reblogs": "false"})
    assert home_ids(alice) == [own]
    alice.post(f"/api/v1/accounts/{bob.id}/unfollow")
    alice.post(f"/api/v1/accounts/{bob.id}/follow")
    assert home_ids(alice) == [own, wrapper]


def test_block_severs_both_ways_and_hides(server, alice, bob):
    ma = client(server, alice)
    alice.post(f"/api/v1/accounts/{bob.id}/follow")
    bob.post(f"/api/v1/accounts/{alice.id}/follow")
    a1 = post(alice, "alice speaks")
    b1 = post(bob, "bob speaks")
    assert a1 in home_ids(bob) and b1 in home_ids(alice)
    r = ma.account_block(bob.id)
    assert dict(r, id=str(r["id"])) == rel(bob, blocking=True)
    assert relationship(bob, alice) == rel(alice, blocked_by=True)
    assert counts(server, alice) == (0, 0) and counts(server, bob) == (0, 0)
    error(bob.get(f"/api/v1/statuses/{a1}"), 404, NOT_FOUND)
    error(alice.get(f"/api/v1/statuses/{b1}"), 404, NOT_FOUND)
    assert home_ids(bob) == [b1] and home_ids(alice) == [a1]
    error(bob.post(f"/api/v1/accounts/{alice.id}/follow"), 403, NOT_ALLOWED)
    error(alice.post(f"/api/v1/accounts/{bob.id}/follow"), 403, NOT_ALLOWED)
    assert counts(server, alice) == (0, 0) and counts(server, bob) == (0, 0)
    assert ids(ma.blocks()) == [bob.id]
    assert bob.get("/api/v1/blocks").json() == []
    # Blocking again changes nothing; unblocking restores no follow.
    assert alice.post(f"/api/v1/accounts/{bob.id}/block").json() == rel(bob, blocking=True)
    r = ma.account_unblock(bob.id)
    assert dict(r, id=str(r["id"])) == rel(bob)
    assert ma.blocks() == []
    assert bob.get(f"/api/v1/statuses/{a1}").json()["id"] == a1
    assert counts(server, alice) == (0, 0) and counts(server, bob) == (0, 0)


def test_blocked_accounts_leave_follower_lists(server, alice, bob):
    target, viewer = server.user(), server.user()
    alice.post(f"/api/v1/accounts/{target.id}/follow")
    bob.post(f"/api/v1/accounts/{target.id}/follow")
    target.post(f"/api/v1/accounts/{alice.id}/follow")
    viewer.post(f"/api/v1/accounts/{alice.id}/block")
    bob.post(f"/api/v1/accounts/{viewer.id}/block")
    followers = f"/api/v1/accounts/{target.id}/followers"
    following = f"/api/v1/accounts/{target.id}/following"
    assert ids(requests.get(server.url(followers)).json()) == [bob.id, alice.id]
    assert ids(alice.get(followers).json()) == [bob.id, alice.id]
    assert viewer.get(followers).json() == []  # one it blocks, one that blocks it
    assert viewer.get(following).json() == []
    # An account that blocks the viewer shows it neither of its lists.
    outsider = server.user()
    assert ids(outsider.get(following).json()) == [alice.id]
    target.post(f"/api/v1/accounts/{outsider.id}/block")
    assert outsider.get(followers).json() == []
    assert outsider.get(following).json() == []
    assert ids(requests.get(server.url(following)).json()) == [alice.id]
    # ...and it leaves other accounts' lists for the viewer.
    assert outsider.get(f"/api/v1/accounts/{alice.id}/followers").json() == []
    assert ids(bob.get(f"/api/v1/accounts/{alice.id}/followers").json()) == [target.id]


def test_mute_hides_statuses_and_notifications(server, alice, bob):
    ma = client(server, alice)
    alice.post(f"/api/v1/accounts/{bob.id}/follow")
    b1 = post(bob, "before the mute")
    assert home_ids(alice) == [b1]
    r = ma.account_mute(bob.id)
    assert dict(r, id=str(r["id"])) == rel(bob, following=True, showing_reblogs=True,
                                           muting=True, muting_notifications=True)
    assert home_ids(alice) == []
    b2 = post(bob, f"@{alice.name} are you there?")
    assert home_ids(alice) == []
    assert alice.get("/api/v1/notifications").json() == []
    muted = ma.mutes()
    assert ids(muted) == [bob.id] and muted[0]["mute_expires_at"] is None
    assert bob.get("/api/v1/mutes").json() == []
    r = ma.account_unmute(bob.id)
    assert dict(r, id=str(r["id"])) == rel(bob, following=True, showing_reblogs=True)
    assert home_ids(alice) == [b2, b1]
    assert ma.mutes() == []
    # Muting without notifications hides statuses but lets mentions through.
    r = alice.post(f"/api/v1/accounts/{bob.id}/mute", data={"notifications": "false"})
    assert r.json() == rel(bob, following=True, showing_reblogs=True, muting=True)
    b3 = post(bob, f"@{alice.name} now?")
    assert home_ids(alice) == []
    assert [(n["type"], n["status"]["id"]) for n in alice.get("/api/v1/notifications").json()] \
        == [("mention", b3)]


def test_mute_duration_expires(server, alice, bob):
    b1 = post(bob, "hello")
    alice.post(f"/api/v1/accounts/{bob.id}/follow")
    before = time.time()
    r = alice.post(f"/api/v1/accounts/{bob.id}/mute", data={"duration": "1"})
    assert r.json() == rel(bob, following=True, showing_reblogs=True, muting=True,
                           muting_notifications=True)
    muted = alice.get("/api/v1/mutes").json()
    assert ids(muted) == [bob.id] and muted[0]["mute_expires_at"].endswith("Z")
    assert home_ids(alice) == []
    time.sleep(max(0, 1.5 - (time.time() - before)))
    assert relationship(alice, bob) == rel(bob, following=True, showing_reblogs=True)
    assert alice.get("/api/v1/mutes").json() == []
    assert home_ids(alice) == [b1]
    b2 = post(bob, f"@{alice.name} back again")
    assert [n["status"]["id"] for n in alice.get("/api/v1/notifications").json()] == [b2]


def test_relationships_endpoint(server, alice, bob):
    carol, dave, eve = server.user(), server.user(), server.user()
    lock(carol)
    alice.post(f"/api/v1/accounts/{bob.id}/follow", data={"reblogs": "false", "notify": "true"})
    bob.post(f"/api/v1/accounts/{alice.id}/follow")
    alice.post(f"/api/v1/accounts/{carol.id}/follow")
    dave.post(f"/api/v1/accounts/{alice.id}/block")
    alice.post(f"/api/v1/accounts/{eve.id}/mute", data={"notifications": "false"})
    alice.post(f"/api/v1/accounts/{bob.id}/note", data={"comment": "Met at FOSDEM"})
    r = alice.get("/api/v1/accounts/relationships",
                  params={"id[]": [bob.id, carol.id, "999999", dave.id, eve.id, bob.id, "x",
                                   alice.id]})
    assert r.status_code == 200, r.text
    assert r.json() == [
        rel(bob, following=True, notifying=True, followed_by=True, note="Met at FOSDEM"),
        rel(carol, requested=True, showing_reblogs=True),
        rel(dave, blocked_by=True),
        rel(eve, muting=True),
        rel(alice),
    ]
    assert alice.get("/api/v1/accounts/relationships", params={"id": bob.id}).json()[0]["id"] \
        == bob.id
    assert alice.get("/api/v1/accounts/relationships").json() == []
    assert relationship(carol, alice) == rel(alice, requested_by=True)
    assert relationship(bob, alice) == rel(alice, following=True, showing_reblogs=True,
                                           followed_by=True)
    got = client(server, alice).account_relationships([eve.id, dave.id])
    assert [str(x["id"]) for x in got] == [eve.id, dave.id]
    assert got[0]["muting"] is True and got[1]["blocked_by"] is True
    # The scope is read:follows; a token without it is refused.
    statuses_only = server.token(alice.email, scopes="read:statuses")
    r = requests.get(server.url("/api/v1/accounts/relationships"), params={"id": bob.id},
                     headers={"Authorization": "Bearer " + statuses_only})
    error(r, 403, OUT_OF_SCOPE)
    error(requests.get(server.url("/api/v1/accounts/relationships"), params={"id": bob.id}),
          401, NO_AUTH)


def test_followers_pagination(server):
    target = server.user()
    followers = [server.user() for _ in range(45)]
    for f in followers:
        assert f.post(f"/api/v1/accounts/{target.id}/follow").status_code == 200
    newest_first = [f.id for f in reversed(followers)]
    m = client(server, followers[0])
    page1 = m.account_followers(target.id, limit=20)
    assert ids(page1) == newest_first[:20]
    page2 = m.fetch_next(page1)
    assert ids(page2) == newest_first[20:40]
    page3 = m.fetch_next(page2)
    assert ids(page3) == newest_first[40:]
    assert m.fetch_next(page3) is None
    # Anonymous readers get the default of 40 and a Link header, next first.
    r = requests.get(server.url(f"/api/v1/accounts/{target.id}/followers"))
    assert ids(r.json()) == newest_first[:40]
    link = r.headers["Link"]
    assert link.startswith("<" + server.url(f"/api/v1/accounts/{target.id}/followers?max_id="))
    assert 'rel="next"' in link.split(",")[0] and 'rel="prev"' in link.split(",")[1]
    r = requests.get(server.url(f"/api/v1/accounts/{target.id}/followers"),
                     params={"limit": 100})
    assert ids(r.json()) == newest_first and 'rel="next"' not in r.headers["Link"]
    # The prev link of page 2 leads back to page 1.
    r = requests.get(server.url(f"/api/v1/accounts/{target.id}/followers"),
                     params={"limit": 20})
    nxt = r.headers["Link"].split(">")[0][1:]
    r2 = requests.get(nxt)
    assert ids(r2.json()) == newest_first[20:40]
    prev = r2.headers["Link"].split(", ")[1].split(">")[0][1:]
    assert ids(requests.get(prev).json()) == newest_first[:20]
    assert ids(m.account_following(followers[0].id)) == [target.id]
    assert counts(server, target) == (45, 0)


def test_remove_from_followers(server, alice, bob):
    bob.post(f"/api/v1/accounts/{alice.id}/follow")
    a1 = post(alice, "hi", visibility="private")
    assert a1 in home_ids(bob)
    r = client(server, alice).account_remove_from_followers(bob.id)
    assert dict(r, id=str(r["id"])) == rel(bob)
    assert counts(server, alice) == (0, 0) and counts(server, bob) == (0, 0)
    assert home_ids(bob) == []
    error(bob.get(f"/api/v1/statuses/{a1}"), 404, NOT_FOUND)


def test_notes(server, alice, bob):
    r = client(server, alice).account_note_set(bob.id, "how we met")
    assert dict(r, id=str(r["id"])) == rel(bob, note="how we met")
    assert relationship(bob, alice) == rel(alice)  # notes are private
    r = alice.post(f"/api/v1/accounts/{bob.id}/note", json={"comment": "é" * 2000})
    assert r.status_code == 200 and r.json()["note"] == "é" * 2000
    r = alice.post(f"/api/v1/accounts/{bob.id}/note", json={"comment": "x" * 2001})
    assert r.status_code == 422 and "comment" in r.json()["details"]
    assert relationship(alice, bob)["note"] == "é" * 2000
    assert alice.post(f"/api/v1/accounts/{bob.id}/note", data={"comment": ""}).json() == rel(bob)
    error(alice.post("/api/v1/accounts/999999/note", data={"comment": "x"}), 404, NOT_FOUND)


def test_errors_change_nothing(server, alice, bob):
    for path in ["follow", "block", "mute"]:
        error(alice.post(f"/api/v1/accounts/{alice.id}/{path}"), 403, NOT_ALLOWED)
    for path in ["follow", "unfollow", "block", "unblock", "mute", "unmute", "note",
                 "remove_from_followers"]:
        error(alice.post(f"/api/v1/accounts/999999/{path}"), 404, NOT_FOUND)
        error(alice.post(f"/api/v1/accounts/abc/{path}"), 404, NOT_FOUND)
    for path in ["followers", "following"]:
        error(requests.get(server.url(f"/api/v1/accounts/999999/{path}")), 404, NOT_FOUND)
    for path in ["authorize", "reject"]:
        error(alice.post(f"/api/v1/follow_requests/{bob.id}/{path}"), 404, NOT_FOUND)
        error(alice.post(f"/api/v1/follow_requests/999999/{path}"), 404, NOT_FOUND)
    for bad in ["abc", "-5", "1.5", "99999999999"]:
        r = alice.post(f"/api/v1/accounts/{bob.id}/mute", data={"duration": bad})
        assert r.status_code == 422 and "duration" in r.json()["details"], (bad, r.text)
    assert alice.get("/api/v1/mutes").json() == []
    # Scopes: a read-only token cannot follow; no token is 401.
    read_only = server.token(alice.email, scopes="read")
    r = requests.post(server.url(f"/api/v1/accounts/{bob.id}/follow"),
                      headers={"Authorization": "Bearer " + read_only})
    error(r, 403, OUT_OF_SCOPE)
    r = requests.get(server.url("/api/v1/follow_requests"),
                     headers={"Authorization": "Bearer " + read_only})
    assert r.status_code == 200 and r.json() == []
    follows_only = server.token(alice.email, scopes="write:follows")
    r = requests.post(server.url(f"/api/v1/accounts/{bob.id}/block"),
                      headers={"Authorization": "Bearer " + follows_only})
    error(r, 403, OUT_OF_SCOPE)
    for path in ["follow", "unfollow", "block", "unblock", "mute", "unmute", "note"]:
        error(requests.post(server.url(f"/api/v1/accounts/{bob.id}/{path}")), 401, NO_AUTH)
    for path in ["/api/v1/follow_requests", "/api/v1/blocks", "/api/v1/mutes"]:
        error(requests.get(server.url(path)), 401, NO_AUTH)
    assert counts(server, alice) == (0, 0) and counts(server, bob) == (0, 0)
    assert alice.get("/api/v1/blocks").json() == []
    assert relationship(alice, bob) == rel(bob)
