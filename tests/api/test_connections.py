"""Know your connections (docs/SOCIAL.md, "Know your connections"): how we
met, recorded on follow and editable, in Relationship JSON only for its
owner; reconnect, unknown and waiting; bad input changes nothing."""
import time

import pytest

from conftest import masto, store_connect, with_scopes

BASE = "/api/rapport/v1"


def post(user, text, reply_to=None, **extra):
    data = {"status": text, **extra}
    if reply_to:
        data["in_reply_to_id"] = reply_to
    r = user.post("/api/v1/statuses", data=data)
    assert r.status_code == 200, r.text
    return r.json()


def relationship(user, other):
    r = user.get("/api/v1/accounts/relationships", params={"id[]": other.id})
    assert r.status_code == 200, r.text
    return r.json()[0]


def drained(server, timeout=20):
    """Returns once the events outbox is empty: favourites and boosts reach
    the contact rows in the transaction that drains them (the row's
    deletion and the contacts commit together)."""
    db = store_connect(server.data)
    try:
        deadline = time.time() + timeout
        while db.execute("SELECT COUNT(*) FROM events").fetchone()[0]:
            assert time.time() < deadline, "the events outbox was not drained"
            time.sleep(0.05)
    finally:
        db.close()


def api(m, method, path, params=None):
    return m._Mastodon__api_request(method, path, params or {})


def test_how_we_met_through_mastodon_py(server, alice, bob):
    p = post(bob, "Anyone else riding to the coast on Saturday?")
    post(alice, "@%s count me in" % bob.name, reply_to=p["id"])
    m = masto(server, alice)
    rel = m.account_follow(int(bob.id))
    met = rel["rapport"]["how_we_met"]
    assert str(met["status_id"]) == p["id"]
    assert met["text"] is None and met["at"]
    # Edited by its owner, stored and shown as plain text.
    words = "<b>the coast ride</b> & coffee"
    r = alice.put(f"{BASE}/connections/{bob.id}", json={"how": words})
    assert r.status_code == 200, r.text
    assert r.json()["text"] == words and r.json()["status_id"] == p["id"]
    rel = m.account_relationships(int(bob.id))[0]
    assert rel["rapport"]["how_we_met"]["text"] == words
    assert alice.get(f"{BASE}/connections/{bob.id}").json()["text"] == words
    # POST works as PUT; "" clears.
    r = alice.post(f"{BASE}/connections/{bob.id}", json={"how": ""})
    assert r.status_code == 200 and r.json()["text"] is None
    # Only the owner sees it: bob's relationship with alice has none.
    assert relationship(bob, alice)["rapport"] == {"how_we_met": None}
    assert bob.get(f"{BASE}/connections/{alice.id}").status_code == 404


def test_how_we_met_none_and_favourite(server, alice, bob):
    carol = server.user()
    r = alice.post(f"/api/v1/accounts/{carol.id}/follow")
    assert r.status_code == 200
    met = r.json()["rapport"]["how_we_met"]
    assert met["status_id"] is None and met["text"] is None and met["at"]
    p = post(bob, "a photo of the harbour")
    assert alice.post(f"/api/v1/statuses/{p['id']}/favourite").status_code == 200
    r = alice.post(f"/api/v1/accounts/{bob.id}/follow")
    assert r.json()["rapport"]["how_we_met"]["status_id"] == p["id"]


def test_how_we_met_bad_input_changes_nothing(server, alice, bob):
    alice.post(f"/api/v1/accounts/{bob.id}/follow")
    ok = alice.put(f"{BASE}/connections/{bob.id}", json={"how": "the co-op"})
    assert ok.status_code == 200
    path = f"{BASE}/connections/{bob.id}"
    bad = [
        (alice.put(path, json={"how": "x" * 501}), 422),
        (alice.put(path, json={"how": 12}), 422),
        (alice.put(path, json={"how": {"a": 1}}), 422),
        (alice.put(path, json={}), 422),
        (alice.put(path, data="{not json", headers={**alice.headers,
                                                     "Content-Type": "application/json"}), 400),
        (alice.put(f"{BASE}/connections/999999999", json={"how": "x"}), 404),
        (alice.put(f"{BASE}/connections/notanid", json={"how": "x"}), 404),
        (alice.put(f"{BASE}/connections/{alice.id}", json={"how": "x"}), 422),
        # carol is someone alice neither follows nor met.
        (alice.put(f"{BASE}/connections/{server.user().id}", json={"how": "x"}), 404),
        (alice.get(f"{BASE}/connections/999999999"), 404),
    ]
    for r, status in bad:
        assert r.status_code == status, (r.request.url, r.text)
        assert isinstance(r.json()["error"], str)
    assert alice.get(path).json()["text"] == "the co-op"
    # bob cannot reach alice's connection: his own (none) is a 404.
    assert bob.put(f"{BASE}/connections/{alice.id}", json={"how": "x"}).status_code == 404
    assert alice.get(path).json()["text"] == "the co-op"
    assert relationship(alice, bob)["rapport"]["how_we_met"]["text"] == "the co-op"


def test_unknown_followers_paged(server, alice):
    carol, dave, erin = server.user(), server.user(), server.user()
    for u in (carol, dave, erin):
        assert u.post(f"/api/v1/accounts/{alice.id}/follow").status_code == 200
    # alice answers dave: he is no longer someone she never talked with.
    p = post(dave, "first post")
    post(alice, "@%s welcome!" % dave.name, reply_to=p["id"])
    r = alice.get(f"{BASE}/connections/unknown")
    assert r.status_code == 200, r.text
    assert [x["account"]["id"] for x in r.json()] == [erin.id, carol.id]
    assert all(x["followed_at"] for x in r.json())
    m = masto(server, alice)
    page = api(m, "GET", f"{BASE}/connections/unknown", {"limit": 1})
    seen = [page[0]["account"]["id"]]
    while True:
        page = m.fetch_next(page)
        if not page:
            break
        seen += [x["account"]["id"] for x in page]
    assert [str(x) for x in seen] == [erin.id, carol.id]


def test_reconnect_lists_quiet_mutuals(server, alice, bob):
    carol = server.user()
    for x, y in ((alice, bob), (bob, alice), (alice, carol), (carol, alice)):
        assert x.post(f"/api/v1/accounts/{y.id}/follow").status_code == 200
    r = alice.get(f"{BASE}/connections/reconnect")
    assert r.status_code == 200, r.text
    items = r.json()
    assert sorted(x["account"]["id"] for x in items) == sorted([bob.id, carol.id])
    for x in items:
        assert x["last_interaction_at"] is None and "never" in x["reason"]
    # carol boosts alice: they talked today, either way counts.
    p = post(alice, "new blog post")
    assert carol.post(f"/api/v1/statuses/{p['id']}/reblog").status_code == 200
    drained(server)
    assert [x["account"]["id"] for x in alice.get(f"{BASE}/connections/reconnect").json()] \
        == [bob.id]
    assert [x["account"]["id"] for x in carol.get(f"{BASE}/connections/reconnect").json()] \
        == []
    # Paging: one at a time through the Link header.
    dave = server.user()
    dave.post(f"/api/v1/accounts/{alice.id}/follow")
    alice.post(f"/api/v1/accounts/{dave.id}/follow")
    m = masto(server, alice)
    page = api(m, "GET", f"{BASE}/connections/reconnect", {"limit": 1})
    seen = [page[0]["account"]["id"]]
    while True:
        page = m.fetch_next(page)
        if not page:
            break
        seen += [x["account"]["id"] for x in page]
    assert sorted(str(x) for x in seen) == sorted([bob.id, dave.id])
    assert alice.get(f"{BASE}/connections/reconnect",
                     params={"max_id": "nonsense"}).status_code == 422


def test_waiting_classified_answered_muted(server, alice, bob):
    carol, dave = server.user(), server.user()
    # bob's mention outside alice's threads reaches her: she follows him
    # (a stranger's would wait in requests, test_requests.py).
    assert alice.post(f"/api/v1/accounts/{bob.id}/follow").status_code == 200
    p = post(alice, "Our new release is out")
    plain = post(bob, "@%s congrats" % alice.name, reply_to=p["id"])
    question = post(carol, "@%s how do I upgrade from the old one?" % alice.name,
                    reply_to=p["id"])
    p2 = post(alice, "Upgrade notes")
    crit = post(dave, "@%s the upgrade is broken for me" % alice.name, reply_to=p2["id"])
    other_thread = post(bob, "@%s ¿hay alguna guía en español?" % alice.name)
    r = alice.get(f"{BASE}/waiting")
    assert r.status_code == 200, r.text
    items = r.json()
    assert [(x["status"]["id"], x["kind"]) for x in items] == [
        (crit["id"], "criticism"), (other_thread["id"], "question"),
        (question["id"], "question"), (plain["id"], "other")]
    assert all(x["waiting_since"] for x in items)
    # Paging with Mastodon.py.
    m = masto(server, alice)
    page = api(m, "GET", f"{BASE}/waiting", {"limit": 3})
    assert len(page) == 3
    rest = m.fetch_next(page)
    assert [str(x["status"]["id"]) for x in rest] == [plain["id"]]
    # alice answers carol in the thread: what came before in that thread
    # (bob's congratulations too) is settled; dave's, in another, is not.
    post(alice, "@%s see the upgrade guide" % carol.name, reply_to=question["id"])
    ids = [x["status"]["id"] for x in alice.get(f"{BASE}/waiting").json()]
    assert ids == [crit["id"], other_thread["id"]]
    # Muted and blocked senders are left out.
    assert alice.post(f"/api/v1/accounts/{bob.id}/mute").status_code == 200
    ids = [x["status"]["id"] for x in alice.get(f"{BASE}/waiting").json()]
    assert ids == [crit["id"]]
    later = post(dave, "@%s still broken" % alice.name, reply_to=crit["id"])
    assert alice.post(f"/api/v1/accounts/{dave.id}/block").status_code == 200
    assert alice.get(f"{BASE}/waiting").json() == []
    assert later["id"]
    assert alice.get(f"{BASE}/waiting", params={"max_id": "x1"}).status_code == 422


def test_scopes(server, alice, bob):
    alice.post(f"/api/v1/accounts/{bob.id}/follow")
    reader = with_scopes(server, alice, "read:follows")
    assert reader.get(f"{BASE}/connections/reconnect").status_code == 200
    assert reader.get(f"{BASE}/connections/unknown").status_code == 200
    assert reader.get(f"{BASE}/connections/{bob.id}").status_code == 200
    assert reader.put(f"{BASE}/connections/{bob.id}", json={"how": "x"}).status_code == 403
    assert reader.get(f"{BASE}/waiting").status_code == 403
    writer = with_scopes(server, alice, "write:follows")
    assert writer.put(f"{BASE}/connections/{bob.id}", json={"how": "x"}).status_code == 200
    notes = with_scopes(server, alice, "read:notifications")
    assert notes.get(f"{BASE}/waiting").status_code == 200
    anon = server.url(f"{BASE}/waiting")
    import requests
    assert requests.get(anon).status_code == 401
