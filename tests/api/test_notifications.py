"""Notifications (every type, filters, paging, dismiss, clear, visibility)
and read markers with unread counts."""
import re
import time

import pytest
import requests
from mastodon import Mastodon
from conftest import NOT_FOUND

OUT_OF_SCOPE = {"error": "This action is outside the authorized scopes"}
NO_AUTH = {"error": "This method requires an authenticated user"}
TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


@pytest.fixture(autouse=True)
def _inboxes(open_inboxes):
    """Mentions between people who have not talked: message requests would
    hold them (test_requests.py covers that)."""


def client(server, user):
    return Mastodon(access_token=user.token, api_base_url=server.base)


def post(user, text, **kw):
    r = user.post("/api/v1/statuses", data=dict(status=text, **kw))
    assert r.status_code == 200, r.text
    return r.json()["id"]


def notes(user, **params):
    r = user.get("/api/v1/notifications", params=params)
    assert r.status_code == 200, r.text
    return r.json()


def summary(user, **params):
    """(type, actor id, status id or None) of each notification, newest first."""
    return [(n["type"], n["account"]["id"], n["status"]["id"] if "status" in n else None)
            for n in notes(user, **params)]


def unread(user, **params):
    r = user.get("/api/v1/notifications/unread_count", params=params)
    assert r.status_code == 200, r.text
    return r.json()


def wait_for_status_note(user, status_id, secs=10):
    """"status" notifications are written by the background worker, shortly
    after the post."""
    deadline = time.time() + secs
    while time.time() < deadline:
        if any(n["type"] == "status" and n["status"]["id"] == str(status_id)
               for n in notes(user)):
            return
        time.sleep(0.02)
    raise AssertionError(f"no status notification for {status_id}")


def error(r, status, body=None):
    assert r.status_code == status, (r.status_code, r.text)
    assert r.headers["Content-Type"].startswith("application/json")
    if body is not None:
        assert r.json() == body
    return r.json()


def test_every_notification_type(server, alice, bob):
    carol = server.user()
    carol.patch("/api/v1/accounts/update_credentials", data={"locked": "true"})
    ma, mb = client(server, alice), client(server, bob)
    mb.account_follow(alice.id)                                     # follow
    hello = ma.status_post("hello world")
    mb.status_favourite(hello["id"])                                # favourite
    mb.status_reblog(hello["id"])                                   # reblog
    mention = mb.status_post(f"@{alice.name} hi there")             # mention
    ma.account_follow(bob.id, notify=True)
    news = mb.status_post("news from bob")                          # status
    wait_for_status_note(alice, news["id"])
    ma.status_reblog(news["id"])
    mb.status_update(news["id"], "news from bob, corrected")        # update
    alice.post(f"/api/v1/accounts/{carol.id}/follow")               # follow_request (carol)
    got = ma.notifications()
    assert [(n["type"], str(n["account"]["id"])) for n in got] == [
        ("update", bob.id), ("status", bob.id), ("mention", bob.id), ("reblog", bob.id),
        ("favourite", bob.id), ("follow", bob.id)]
    assert [n["status"]["id"] if "status" in n else None for n in got] == [
        news["id"], news["id"], mention["id"], hello["id"], hello["id"], None]
    raw = notes(alice)
    for n in raw:
        assert set(n) == {"id", "type", "created_at", "account", "group_key"} | \
            ({"status"} if n["type"] != "follow" else set())
        assert n["group_key"] == "ungrouped-" + n["id"] and TIME.match(n["created_at"])
    fav = raw[4]
    assert fav["status"]["favourites_count"] == 1 and fav["status"]["reblogs_count"] == 1
    assert fav["status"]["favourited"] is False and fav["status"]["account"]["id"] == alice.id
    assert raw[0]["status"]["content"] == "<p>news from bob, corrected</p>"
    assert raw[0]["status"]["reblogged"] is True
    assert summary(carol) == [("follow_request", alice.id, None)]
    # bob hears of alice's follow and of her reblog, once each.
    assert summary(bob) == [("reblog", alice.id, str(news["id"])), ("follow", alice.id, None)]


def test_filters(server, alice, bob):
    carol = server.user()
    bob.post(f"/api/v1/accounts/{alice.id}/follow")
    s = post(alice, "status")
    m1 = post(bob, f"@{alice.name} one")
    carol.post(f"/api/v1/statuses/{s}/favourite")
    m2 = post(carol, f"@{alice.name} two")
    everything = [("mention", carol.id, m2), ("favourite", carol.id, s),
                  ("mention", bob.id, m1), ("follow", bob.id, None)]
    assert summary(alice) == everything
    assert summary(alice, **{"types[]": "mention"}) == [everything[0], everything[2]]
    assert summary(alice, **{"types[]": ["follow", "favourite"]}) == \
        [everything[1], everything[3]]
    assert summary(alice, **{"exclude_types[]": ["mention", "follow"]}) == [everything[1]]
    assert summary(alice, account_id=bob.id) == [everything[2], everything[3]]
    assert summary(alice, account_id=bob.id, **{"types[]": "follow"}) == [everything[3]]
    assert summary(alice, **{"types[]": ["mention"], "exclude_types[]": ["mention"]}) == []
    assert summary(alice, **{"types[]": "nonsense"}) == []
    assert summary(alice, **{"exclude_types[]": "nonsense"}) == everything
    assert summary(alice, account_id="999999") == []
    got = client(server, alice).notifications(types=["mention"], account_id=carol.id)
    assert [str(n["status"]["id"]) for n in got] == [m2]
    got = client(server, alice).notifications(exclude_types=["mention", "favourite"])
    assert [n["type"] for n in got] == ["follow"]
    r = alice.get("/api/v1/notifications", params={"account_id": "bob"})
    assert error(r, 422)["details"].keys() == {"account_id"}


def test_pagination(server, alice, bob):
    ids = [post(bob, f"@{alice.name} number {i}") for i in range(35)]
    notif = [n["id"] for n in notes(alice, limit=40)]
    assert len(notif) == 30  # at most 30 a page
    assert [n["status"]["id"] for n in notes(alice, limit=30)] == ids[::-1][:30]
    r = alice.get("/api/v1/notifications")
    page = [n["id"] for n in r.json()]
    assert page == notif[:15]  # 15 by default
    link = r.headers["Link"]
    assert link == (f'<{server.base}/api/v1/notifications?max_id={page[-1]}>; rel="next", '
                    f'<{server.base}/api/v1/notifications?min_id={page[0]}>; rel="prev"')
    m = client(server, alice)
    p1 = m.notifications(limit=20)
    p2 = m.fetch_next(p1)
    assert [str(n["status"]["id"]) for n in p1 + p2] == ids[::-1]
    assert m.fetch_next(p2) is None
    everything = [n["id"] for n in notes(alice, limit=20)] + \
        [n["id"] for n in notes(alice, limit=20, max_id=notif[19])]
    assert [n["id"] for n in notes(alice, min_id=everything[30], limit=3)] == everything[27:30]
    assert [n["id"] for n in notes(alice, since_id=everything[30], limit=3)] == everything[:3]
    assert [n["id"] for n in notes(alice, max_id=everything[2], since_id=everything[5])] == \
        everything[3:5]


def test_single_dismiss_and_clear(server, alice, bob):
    bob.post(f"/api/v1/accounts/{alice.id}/follow")
    m = post(bob, f"@{alice.name} hello")
    mine = notes(alice)
    assert [n["type"] for n in mine] == ["mention", "follow"]
    r = alice.get(f"/api/v1/notifications/{mine[0]['id']}")
    assert r.status_code == 200 and r.json() == mine[0]
    assert client(server, alice).notifications(id=mine[1]["id"])["type"] == "follow"
    # Another user's notification is not found, and stays.
    for path in [f"/api/v1/notifications/{mine[0]['id']}", "/api/v1/notifications/999999",
                 "/api/v1/notifications/abc"]:
        error(bob.get(path), 404, NOT_FOUND)
        error(bob.post(path + "/dismiss"), 404, NOT_FOUND)
    assert notes(alice) == mine
    r = alice.post(f"/api/v1/notifications/{mine[0]['id']}/dismiss")
    assert r.status_code == 200 and r.json() == {}
    assert notes(alice) == mine[1:]
    error(alice.post(f"/api/v1/notifications/{mine[0]['id']}/dismiss"), 404, NOT_FOUND)
    error(alice.get(f"/api/v1/notifications/{mine[0]['id']}"), 404, NOT_FOUND)
    post(bob, f"@{alice.name} again")
    carol = server.user()
    post(carol, f"@{bob.name} for bob")
    client(server, alice).notifications_clear()
    assert notes(alice) == [] and unread(alice) == {"count": 0}
    assert summary(bob)[0][0] == "mention"  # others' notifications stay
    assert alice.get(f"/api/v1/statuses/{m}").status_code == 200  # and the statuses


def test_notifications_follow_visibility(server, alice, bob):
    alice.post(f"/api/v1/accounts/{bob.id}/follow", data={"notify": "true"})
    secret = post(bob, "followers only", visibility="private")
    public = post(bob, "for everyone")
    wait_for_status_note(alice, public)
    assert summary(alice) == [("status", bob.id, public), ("status", bob.id, secret)]
    secret_note = notes(alice)[1]["id"]
    # Unfollowing hides the private status and so its notification.
    alice.post(f"/api/v1/accounts/{bob.id}/unfollow")
    assert summary(alice) == [("status", bob.id, public)]
    error(alice.get(f"/api/v1/notifications/{secret_note}"), 404, NOT_FOUND)
    assert unread(alice) == {"count": 1}
    # A deleted status takes its notifications with it.
    gone = post(bob, f"@{alice.name} soon gone")
    assert summary(alice)[0] == ("mention", bob.id, gone)
    assert bob.delete(f"/api/v1/statuses/{gone}").status_code == 200
    assert summary(alice) == [("status", bob.id, public)]
    # A block hides the blocked account's notifications.
    assert summary(bob) == []  # alice's follow notification went with the follow
    hey = post(alice, f"@{bob.name} hey")
    carol = server.user()
    carol.post(f"/api/v1/statuses/{public}/favourite")
    assert summary(bob) == [("favourite", carol.id, public), ("mention", alice.id, hey)]
    bob.post(f"/api/v1/accounts/{carol.id}/block")
    assert summary(bob) == [("mention", alice.id, hey)]
    assert unread(bob) == {"count": 1}
    bob.post(f"/api/v1/accounts/{carol.id}/unblock")
    assert summary(bob) == [("favourite", carol.id, public), ("mention", alice.id, hey)]


def test_markers_and_unread_count(server, alice, bob):
    m = client(server, alice)
    assert alice.get("/api/v1/markers", params={"timeline[]": ["home", "notifications"]}) \
        .json() == {}
    assert alice.get("/api/v1/markers").json() == {}
    mentions = [post(bob, f"@{alice.name} {i}") for i in range(3)]
    nids = [n["id"] for n in notes(alice)][::-1]  # oldest first
    assert [n["status"]["id"] for n in notes(alice)] == mentions[::-1]
    assert unread(alice) == {"count": 3}
    got = m.markers_set(["notifications"], [int(nids[0])])
    assert got["notifications"]["last_read_id"] == int(nids[0])
    assert got["notifications"]["version"] == 0
    assert unread(alice) == {"count": 2}
    assert unread(alice, limit=1) == {"count": 1}
    assert unread(alice, **{"types[]": "follow"}) == {"count": 0}
    r = alice.post("/api/v1/markers", data={"notifications[last_read_id]": nids[1],
                                            "home[last_read_id]": mentions[2],
                                            "lists[last_read_id]": "5"})
    assert r.status_code == 200, r.text
    j = r.json()
    assert set(j) == {"home", "notifications"}
    assert j["notifications"]["last_read_id"] == nids[1] and j["notifications"]["version"] == 1
    assert j["home"] == {"last_read_id": mentions[2], "version": 0,
                         "updated_at": j["home"]["updated_at"]}
    assert TIME.match(j["home"]["updated_at"])
    assert unread(alice) == {"count": 1}
    got = alice.get("/api/v1/markers", params={"timeline[]": ["home", "notifications",
                                                              "nonsense"]})
    assert got.json() == j
    assert alice.get("/api/v1/markers", params={"timeline": "home"}).json() == \
        {"home": j["home"]}
    assert m.markers_get(["notifications"])["notifications"]["version"] == 1
    # Bad values change nothing: not even the valid marker sent with them.
    for body, status in [({"notifications": {"last_read_id": "abc"}}, 422),
                         ({"home": {"last_read_id": "7"}, "notifications": {"last_read_id": "x"}},
                          422),
                         ({"notifications": {}}, 400), ({"home": "12"}, 400),
                         ({"home": {"last_read_id": "-3"}}, 422)]:
        r = alice.post("/api/v1/markers", json=body)
        err = error(r, status)
        assert "last_read_id" in err["error"], err
    assert alice.get("/api/v1/markers", params={"timeline[]": ["home", "notifications"]}) \
        .json() == j
    assert alice.post("/api/v1/markers", json={"lists": {"last_read_id": "5"}}).json() == {}
    # Markers are per user.
    assert bob.get("/api/v1/markers", params={"timeline[]": "notifications"}).json() == {}
    assert unread(bob) == {"count": 0}


def test_unread_count_cap(server, alice, bob):
    for i in range(3):
        post(bob, f"@{alice.name} {i}")
    assert unread(alice, limit=2) == {"count": 2}
    assert unread(alice, limit=0) == {"count": 3}
    assert unread(alice, limit=5000) == {"count": 3}
    assert unread(alice, account_id=bob.id) == {"count": 3}
    assert unread(alice, account_id=alice.id) == {"count": 0}


def test_scopes_and_auth(server, alice, bob):
    post(bob, f"@{alice.name} hi")
    nid = notes(alice)[0]["id"]
    read_only = {"Authorization": "Bearer " + server.token(alice.email, scopes="read")}
    r = requests.get(server.url("/api/v1/notifications"), headers=read_only)
    assert r.status_code == 200 and [n["id"] for n in r.json()] == [nid]
    for path in [f"/api/v1/notifications/{nid}/dismiss", "/api/v1/notifications/clear"]:
        error(requests.post(server.url(path), headers=read_only), 403, OUT_OF_SCOPE)
    error(requests.post(server.url("/api/v1/markers"), headers=read_only,
                        data={"notifications[last_read_id]": nid}), 403, OUT_OF_SCOPE)
    statuses_only = {"Authorization": "Bearer " +
                     server.token(alice.email, scopes="read:statuses write:statuses")}
    for path in ["/api/v1/notifications", f"/api/v1/notifications/{nid}",
                 "/api/v1/notifications/unread_count"]:
        error(requests.get(server.url(path), headers=statuses_only), 403, OUT_OF_SCOPE)
    assert requests.get(server.url("/api/v1/markers"), headers=statuses_only).json() == {}
    for path in ["/api/v1/notifications", f"/api/v1/notifications/{nid}",
                 "/api/v1/notifications/unread_count", "/api/v1/markers"]:
        error(requests.get(server.url(path)), 401, NO_AUTH)
    for path in [f"/api/v1/notifications/{nid}/dismiss", "/api/v1/notifications/clear",
                 "/api/v1/markers"]:
        error(requests.post(server.url(path)), 401, NO_AUTH)
    assert [n["id"] for n in notes(alice)] == [nid]
    assert unread(alice) == {"count": 1}
