"""Message requests through both APIs: Rapport's /api/rapport/v1/requests and
Mastodon 4.3's notification requests and policy, driven with Mastodon.py (its
1.8 has no methods for them, so its request helper is used, which keeps its
error handling and Link paging) and requests. A stranger's direct message or
mention never notifies, waits in requests, and accepting releases it; bad
input gets a JSON 4xx and changes nothing."""
import pytest
from mastodon import Mastodon, MastodonAPIError, MastodonNotFoundError

from conftest import NOT_FOUND


def client(server, user):
    return Mastodon(access_token=user.token, api_base_url=server.base,
                    version_check_mode="none")


def api(m, method, path, params=None):
    """Mastodon.py's own request helper (auth, errors, pagination)."""
    return m._Mastodon__api_request(method, path, params or {})


def post(user, text, **kw):
    r = user.post("/api/v1/statuses", data=dict(status=text, **kw))
    assert r.status_code == 200, r.text
    return r.json()["id"]


def ok(r):
    assert r.status_code == 200, (r.status_code, r.text)
    return r.json()


def error(r, status, body=None):
    assert r.status_code == status, (r.status_code, r.text)
    assert r.headers["Content-Type"].startswith("application/json")
    j = r.json()
    assert isinstance(j.get("error"), str)
    if body is not None:
        assert j == body
    return j


def mentions_of(user):
    return [n["status"]["id"] for n in ok(user.get("/api/v1/notifications"))
            if n["type"] == "mention"]


def home_ids(user):
    return [s["id"] for s in ok(user.get("/api/v1/timelines/home"))]


def conversation_ids(user):
    return [c["last_status"]["id"] for c in ok(user.get("/api/v1/conversations"))]


def rapport_requests(user):
    return ok(user.get("/api/rapport/v1/requests"))


def state(user):
    """What a bad request must leave unchanged."""
    return (rapport_requests(user), ok(user.get("/api/v2/notifications/policy")),
            mentions_of(user), conversation_ids(user))


def test_stranger_dm_waits_then_accept_releases(server, alice, bob):
    ma, mb = client(server, alice), client(server, bob)
    dm = mb.status_post(f"@{alice.name} hello, we have not met", visibility="direct")
    mention = mb.status_post(f"@{alice.name} have a look")
    dm, mention = dict(dm, id=str(dm["id"])), dict(mention, id=str(mention["id"]))
    # No notification, not in the home feed or conversations, nothing unread.
    assert ma.notifications() == []
    assert dm["id"] not in home_ids(alice)
    assert conversation_ids(alice) == []
    assert ok(alice.get("/api/v1/notifications/unread_count")) == {"count": 0}
    # The sender's side is as usual.
    assert conversation_ids(bob) == [dm["id"]]
    # Rapport's requests: the sender, how many, the last one, no label.
    [q] = rapport_requests(alice)
    assert q["account"]["id"] == str(bob.id)
    assert q["count"] == 2
    assert q["last_status"]["id"] == mention["id"]
    assert q["labels"] == []
    # Mastodon's: the same request, with notifications_count as a string.
    [mq] = api(ma, "GET", "/api/v1/notifications/requests")
    assert mq["id"] == int(q["id"])
    assert mq["account"]["id"] == int(bob.id)  # Mastodon.py turns ids into ints
    assert mq["notifications_count"] == "2"
    assert mq["last_status"]["id"] == int(mention["id"])
    assert api(ma, "GET", f"/api/v1/notifications/requests/{q['id']}")["id"] == mq["id"]
    policy = api(ma, "GET", "/api/v2/notifications/policy")
    assert policy["summary"] == {"pending_requests_count": 1,
                                 "pending_notifications_count": 2}
    # The recipient may open the message (they are mentioned); others may not.
    assert ok(alice.get(f"/api/v1/statuses/{dm['id']}"))["id"] == dm["id"]
    carol = server.user()
    error(carol.get(f"/api/v1/statuses/{dm['id']}"), 404, NOT_FOUND)
    # Accept: released into notifications, the home feed and conversations.
    assert api(ma, "POST", f"/api/v1/notifications/requests/{q['id']}/accept") == {}
    assert sorted(mentions_of(alice)) == sorted([dm["id"], mention["id"]])
    assert dm["id"] in home_ids(alice)
    [conv] = ok(alice.get("/api/v1/conversations"))
    assert conv["last_status"]["id"] == dm["id"] and conv["unread"] is True
    assert rapport_requests(alice) == []
    assert api(ma, "GET", "/api/v1/notifications/requests/merged") == {"merged": True}
    # Later messages notify at once.
    again = mb.status_post(f"@{alice.name} thanks!", visibility="direct")
    assert mentions_of(alice)[0] == str(again["id"])
    assert rapport_requests(alice) == []


def test_rapport_accept_and_decline(server, alice, bob):
    carol = server.user()
    post(bob, f"@{alice.name} one", visibility="direct")
    post(carol, f"@{alice.name} two", visibility="direct")
    ids = {q["account"]["id"] for q in rapport_requests(alice)}
    assert ids == {bob.id, carol.id}
    assert ok(alice.post(f"/api/rapport/v1/requests/{bob.id}/accept")) == {
        "account_id": bob.id, "released": 1}
    assert ok(alice.post(f"/api/rapport/v1/requests/{carol.id}/decline")) == {
        "account_id": carol.id, "dismissed": 1}
    assert rapport_requests(alice) == []
    assert len(mentions_of(alice)) == 1
    # Declined is not accepted: carol's next message waits again.
    post(carol, f"@{alice.name} three", visibility="direct")
    assert [q["count"] for q in rapport_requests(alice)] == [1]
    assert len(mentions_of(alice)) == 1
    post(bob, f"@{alice.name} four", visibility="direct")
    assert len(mentions_of(alice)) == 2


def waiting_ids(user):
    return [x["status"]["id"] for x in ok(user.get("/api/rapport/v1/waiting"))]


def test_accepted_requests_reach_waiting(server, alice, bob):
    """Held messages are not in "waiting" (docs/SOCIAL.md, "Know your
    connections"); accepting a request, through either API, puts them
    there; declining does not."""
    carol, dave = server.user(), server.user()
    q1 = post(bob, f"@{alice.name} how do I join the club?")
    q2 = post(carol, f"@{alice.name} is the club open on Sundays?")
    q3 = post(dave, f"@{alice.name} what does it cost?")
    assert waiting_ids(alice) == []
    assert ok(alice.post(f"/api/rapport/v1/requests/{bob.id}/accept"))["released"] == 1
    assert waiting_ids(alice) == [q1]
    [mq] = [q for q in rapport_requests(alice) if q["account"]["id"] == carol.id]
    ma = client(server, alice)
    assert api(ma, "POST", f"/api/v1/notifications/requests/{mq['id']}/accept") == {}
    assert waiting_ids(alice) == [q2, q1]
    assert ok(alice.post(f"/api/rapport/v1/requests/{dave.id}/decline"))["dismissed"] == 1
    assert q3 not in waiting_ids(alice)
    assert waiting_ids(alice) == [q2, q1]


def test_following_or_talking_lets_through(server, alice, bob):
    carol = server.user()
    dave = server.user()
    alice.post(f"/api/v1/accounts/{bob.id}/follow")
    # To two people: one to a new follower alone, within 10 minutes of the
    # follow, is the auto-DM detector's (test_detectors.py).
    dm = post(bob, f"@{alice.name} @{dave.name} hi", visibility="direct")
    assert mentions_of(alice) == [dm]
    # alice answered carol once: they have talked.
    root = post(carol, "a question for anyone")
    post(alice, f"@{carol.name} an answer", in_reply_to_id=root)
    m = post(carol, f"@{alice.name} thank you")
    assert mentions_of(alice)[0] == m
    assert rapport_requests(alice) == []


def test_replies_in_own_conversation_get_through(server, alice, bob):
    carol = server.user()
    root = post(alice, "what do you think?")
    r1 = post(bob, f"@{alice.name} yes", in_reply_to_id=root)
    r2 = post(carol, f"@{bob.name} @{alice.name} no", in_reply_to_id=r1)
    assert sorted(mentions_of(alice)) == sorted([r1, r2])
    assert rapport_requests(alice) == []


def test_dismiss_and_bulk(server, alice):
    ma = client(server, alice)
    senders = [server.user() for _ in range(4)]
    for s in senders:
        post(s, f"@{alice.name} hello", visibility="direct")
    reqs = api(ma, "GET", "/api/v1/notifications/requests")
    assert len(reqs) == 4
    by_sender = {q["account"]["id"]: str(q["id"]) for q in reqs}
    ids = [by_sender[int(s.id)] for s in senders]
    assert api(ma, "POST", f"/api/v1/notifications/requests/{ids[0]}/dismiss") == {}
    assert api(ma, "POST", "/api/v1/notifications/requests/accept", {"id[]": ids[1:3]}) == {}
    assert api(ma, "POST", "/api/v1/notifications/requests/dismiss", {"id[]": ids[3:]}) == {}
    assert api(ma, "GET", "/api/v1/notifications/requests") == []
    assert len(mentions_of(alice)) == 2
    assert api(ma, "GET", "/api/v2/notifications/policy")["summary"] == {
        "pending_requests_count": 0, "pending_notifications_count": 0}


def test_link_paging(server, alice):
    ma = client(server, alice)
    for _ in range(5):
        post(server.user(), f"@{alice.name} hi", visibility="direct")
    page = api(ma, "GET", "/api/v1/notifications/requests", {"limit": 2})
    seen = []
    while page:
        seen += [q["id"] for q in page]
        page = ma.fetch_next(page)
    assert len(seen) == 5 and len(set(seen)) == 5
    assert seen == sorted(seen, reverse=True)
    r = alice.get("/api/rapport/v1/requests", params={"limit": 2})
    assert 'rel="next"' in r.headers["Link"]


def test_policy_patch(server, alice, bob):
    ma = client(server, alice)
    p = api(ma, "GET", "/api/v2/notifications/policy")
    assert {k: v for k, v in p.items() if k != "summary"} == {
        "for_not_following": "filter", "for_not_followers": "accept",
        "for_new_accounts": "accept", "for_private_mentions": "filter",
        "for_limited_accounts": "filter"}
    p = api(ma, "PATCH", "/api/v2/notifications/policy",
            {"for_not_following": "accept", "for_private_mentions": "drop"})
    assert p["for_not_following"] == "accept" and p["for_private_mentions"] == "drop"
    assert p["for_limited_accounts"] == "filter"
    m = post(bob, f"@{alice.name} public hello")
    post(bob, f"@{alice.name} private hello", visibility="direct")
    assert mentions_of(alice) == [m]          # mentions accepted, DMs dropped
    assert rapport_requests(alice) == []      # dropped: no request either
    v1 = api(ma, "GET", "/api/v1/notifications/policy")
    assert v1["filter_not_following"] is False and v1["filter_private_mentions"] is True
    v1 = api(ma, "PATCH", "/api/v1/notifications/policy", {"filter_new_accounts": True})
    assert v1["filter_new_accounts"] is True
    assert api(ma, "GET", "/api/v2/notifications/policy")["for_new_accounts"] == "filter"
    # JSON bodies and PUT work too (masto sends them).
    r = alice.put("/api/v2/notifications/policy", json={"for_not_followers": "drop"})
    assert ok(r)["for_not_followers"] == "drop"


@pytest.mark.parametrize("body", [
    {"for_not_following": "maybe"}, {"for_private_mentions": ""},
    {"for_new_accounts": "ACCEPT"}, {"for_not_followers": ["drop"]}])
def test_bad_policy_values(server, alice, body):
    before = state(alice)
    j = error(alice.patch("/api/v2/notifications/policy", json=body), 422)
    assert list(body)[0] in j["error"]
    assert state(alice) == before


def test_bad_v1_policy_value(server, alice):
    before = state(alice)
    error(alice.patch("/api/v1/notifications/policy", data={"filter_not_following": "maybe"}),
          422)
    assert state(alice) == before


def test_unknown_and_others_requests(server, alice, bob):
    carol = server.user()
    post(carol, f"@{alice.name} for alice", visibility="direct")
    post(carol, f"@{bob.name} for bob", visibility="direct")
    [bobs] = rapport_requests(bob)
    [alices] = rapport_requests(alice)
    before_a, before_b = state(alice), state(bob)
    for path in (f"/api/v1/notifications/requests/{bobs['id']}",
                 "/api/v1/notifications/requests/123456789",
                 "/api/v1/notifications/requests/nonsense"):
        error(alice.get(path), 404, NOT_FOUND)
        error(alice.post(path + "/accept"), 404, NOT_FOUND)
        error(alice.post(path + "/dismiss"), 404, NOT_FOUND)
    # Rapport's API is by sender: someone with no request, unknown, malformed.
    for who in (bob.id, "123456789", "x"):
        error(alice.post(f"/api/rapport/v1/requests/{who}/accept"), 404, NOT_FOUND)
        error(alice.post(f"/api/rapport/v1/requests/{who}/decline"), 404, NOT_FOUND)
    # Bulk: one bad id spoils the batch, nothing changes.
    for bad in (bobs["id"], "123456789", "x"):
        for act in ("accept", "dismiss"):
            error(alice.post(f"/api/v1/notifications/requests/{act}",
                             data={"id[]": [alices["id"], bad]}), 404, NOT_FOUND)
    error(alice.post("/api/v1/notifications/requests/accept"), 400)
    error(alice.post("/api/v1/notifications/requests/accept",
                     data={"id[]": [alices["id"]] * 101}), 422)
    assert state(alice) == before_a and state(bob) == before_b
    # Mastodon.py sees the 404 as its error.
    with pytest.raises(MastodonNotFoundError):
        api(client(server, alice), "POST", f"/api/v1/notifications/requests/{bobs['id']}/accept")


def test_scopes_and_auth(server, alice):
    from conftest import with_scopes
    reader = with_scopes(server, alice, "read:notifications")
    ok(reader.get("/api/v1/notifications/requests"))
    ok(reader.get("/api/rapport/v1/requests"))
    error(reader.patch("/api/v2/notifications/policy", data={"for_new_accounts": "drop"}), 403)
    error(reader.post("/api/v1/notifications/requests/accept", data={"id[]": ["1"]}), 403)
    other = with_scopes(server, alice, "read:statuses")
    error(other.get("/api/v2/notifications/policy"), 403)
    import requests
    r = requests.get(server.url("/api/rapport/v1/requests"))
    error(r, 401)
    with pytest.raises(MastodonAPIError):
        api(client(server, other), "GET", "/api/v1/notifications/requests")


def test_blocked_sender_leaves_requests(server, alice, bob):
    post(bob, f"@{alice.name} hi", visibility="direct")
    assert len(rapport_requests(alice)) == 1
    ok(alice.post(f"/api/v1/accounts/{bob.id}/block"))
    assert rapport_requests(alice) == []
    assert ok(alice.get("/api/v2/notifications/policy"))["summary"]["pending_requests_count"] == 0
    error(alice.post(f"/api/rapport/v1/requests/{bob.id}/accept"), 404, NOT_FOUND)
    # Blocked while waiting: nothing more is held.
    post(bob, f"@{alice.name} again", visibility="direct")
    ok(alice.post(f"/api/v1/accounts/{bob.id}/unblock"))
    assert [q["count"] for q in rapport_requests(alice)] == [1]


def test_deleted_message_leaves_request(server, alice, bob):
    dm = post(bob, f"@{alice.name} oops", visibility="direct")
    assert len(rapport_requests(alice)) == 1
    ok(bob.delete(f"/api/v1/statuses/{dm}"))
    assert rapport_requests(alice) == []
