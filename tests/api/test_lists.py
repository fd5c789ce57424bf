"""Lists through real clients: creating, reading, renaming and deleting
lists, their members (only accounts the owner follows, all or nothing), the
list timeline, and another user's list being "not found" everywhere."""
import copy
import pytest
import requests
from mastodon import Mastodon
from conftest import NOT_FOUND, masto, with_scopes



def follow(a, b):
    """a follows b."""
    r = a.post(f"/api/v1/accounts/{b.id}/follow")
    assert r.status_code == 200, r.text
    assert r.json()["following"] is True


def post(user, status, **params):
    r = user.post("/api/v1/statuses", data=dict(params, status=status))
    assert r.status_code == 200, r.text
    return r.json()


def new_list(user, title="friends", **params):
    r = user.post("/api/v1/lists", data=dict(params, title=title))
    assert r.status_code == 200, r.text
    return r.json()


BUILTIN = {"id": "1", "title": "Conversations", "replies_policy": "followed",
           "exclusive": False}


def own(found):
    """The lists a user made: the built-in one (test_conversations_feed.py)
    comes first in every answer."""
    assert found[0] == BUILTIN or found[0]["id"] == 1, found
    return found[1:]


def lists(user):
    r = user.get("/api/v1/lists")
    assert r.status_code == 200, r.text
    return own(r.json())


def member_ids(user, list_id, **params):
    r = user.get(f"/api/v1/lists/{list_id}/accounts", params=params)
    assert r.status_code == 200, r.text
    return [a["id"] for a in r.json()]


def assert_not_found(r):
    assert r.status_code == 404, r.text
    assert r.json() == NOT_FOUND


def assert_invalid(r, field):
    assert r.status_code == 422, r.text
    j = r.json()
    assert j["error"].startswith("Validation failed"), j
    assert field in j["details"], j


# ---- the list itself ----

def test_list_crud_with_mastodon_py(server, alice):
    m = masto(server, alice)
    assert own(m.lists()) == []
    made = m.list_create("Friends")
    assert isinstance(made["id"], int)
    assert (made["title"], made["replies_policy"], made["exclusive"]) == ("Friends", "list", False)
    assert set(made) == {"id", "title", "replies_policy", "exclusive"}
    assert m.list(made["id"]) == made
    assert own(m.lists()) == [made]
    renamed = m.list_update(made["id"], "Close friends")
    assert renamed == dict(made, title="Close friends")
    assert own(m.lists()) == [renamed]
    m.list_delete(made["id"])
    assert own(m.lists()) == []
    assert_not_found(alice.get(f"/api/v1/lists/{made['id']}"))
    assert_not_found(alice.delete(f"/api/v1/lists/{made['id']}"))


def test_list_every_parameter_form_and_json(server, alice):
    a = alice.post("/api/v1/lists", data={"title": "news", "replies_policy": "followed",
                                          "exclusive": "1"})
    assert a.status_code == 200, a.text
    a = a.json()
    assert (a["title"], a["replies_policy"], a["exclusive"]) == ("news", "followed", True)
    b = alice.post("/api/v1/lists", json={"title": "Ünïcode ✨", "replies_policy": "none",
                                          "exclusive": False})
    assert b.status_code == 200, b.text
    b = b.json()
    assert (b["title"], b["replies_policy"], b["exclusive"]) == ("Ünïcode ✨", "none", False)
    assert lists(alice) == [a, b]  # oldest first
    # PUT changes only what it is given.
    r = alice.put(f"/api/v1/lists/{a['id']}", json={"replies_policy": "list"})
    assert r.status_code == 200, r.text
    assert r.json() == dict(a, replies_policy="list")
    r = alice.put(f"/api/v1/lists/{a['id']}", data={"exclusive": "false", "title": "n2"})
    assert r.json() == dict(a, replies_policy="list", exclusive=False, title="n2")
    assert alice.get(f"/api/v1/lists/{a['id']}").json() == r.json()
    d = alice.delete(f"/api/v1/lists/{b['id']}")
    assert (d.status_code, d.json()) == (200, {})
    assert lists(alice) == [r.json()]


def test_list_validation_changes_nothing(server, alice):
    for body in [{}, {"title": ""}, {"title": "   "}, {"title": "x" * 101}]:
        assert_invalid(alice.post("/api/v1/lists", data=body), "title")
    assert_invalid(alice.post("/api/v1/lists", data={"title": "t", "replies_policy": "all"}),
                   "replies_policy")
    assert lists(alice) == []
    ok = new_list(alice, "é" * 100)  # 100 characters is the limit, not 100 bytes
    assert ok["title"] == "é" * 100
    for body in [{"title": ""}, {"title": "y" * 101}]:
        assert_invalid(alice.put(f"/api/v1/lists/{ok['id']}", data=body), "title")
    assert_invalid(alice.put(f"/api/v1/lists/{ok['id']}", data={"replies_policy": "x"}),
                   "replies_policy")
    assert lists(alice) == [ok]
    for bad in ["abc", "0", "-1", "99999999999999999999"]:
        assert_not_found(alice.get(f"/api/v1/lists/{bad}"))


def test_at_most_50_lists(server):
    u = server.user()
    for i in range(50):
        new_list(u, f"l{i}")
    r = u.post("/api/v1/lists", data={"title": "one too many"})
    assert r.status_code == 422, r.text
    assert r.json()["error"] == "Validation failed: you can have at most 50 lists"
    assert [l["title"] for l in lists(u)] == [f"l{i}" for i in range(50)]


def test_list_scopes(server, alice):
    reader = with_scopes(server, alice, "read")
    r = reader.post("/api/v1/lists", data={"title": "x"})
    assert r.status_code == 403 and r.json()["error"] == (
        "This action is outside the authorized scopes")
    assert lists(reader) == []
    writer = with_scopes(server, alice, "write:lists")
    made = new_list(writer, "w")
    r = writer.get("/api/v1/lists")
    assert r.status_code == 403
    r = writer.get(f"/api/v1/accounts/{alice.id}/lists")
    assert r.status_code == 403
    granular = with_scopes(server, alice, "read:lists write:lists")
    assert lists(granular) == [made]
    assert new_list(granular, "g")["title"] == "g"
    for path in ["/api/v1/lists", f"/api/v1/lists/{made['id']}"]:
        anon = requests.get(server.url(path))
        assert anon.status_code == 401
        assert anon.json() == {"error": "This method requires an authenticated user"}
    r = reader.delete(f"/api/v1/lists/{made['id']}")
    assert r.status_code == 403
    assert [l["title"] for l in lists(alice)] == ["w", "g"]


# ---- members ----

def test_members_must_be_followed_all_or_nothing(server, alice, bob):
    carol, dave = server.user(), server.user()
    follow(alice, bob)
    follow(alice, carol)
    m = masto(server, alice)
    lst = new_list(alice)
    lid = lst["id"]
    # dave is not followed: the whole request fails and bob is not added.
    r = alice.post(f"/api/v1/lists/{lid}/accounts", data={"account_ids[]": [bob.id, dave.id]})
    assert_invalid(r, "account_ids")
    assert r.json()["error"] == (f"Validation failed: you must follow @{dave.name} to add them "
                                 f"to a list")
    assert member_ids(alice, lid) == []
    # An unknown account is "not found", again with nothing added.
    r = alice.post(f"/api/v1/lists/{lid}/accounts",
                   data={"account_ids[]": [bob.id, "9" * 18]})
    assert_not_found(r)
    r = alice.post(f"/api/v1/lists/{lid}/accounts", data={"account_ids[]": [bob.id, "x"]})
    assert_not_found(r)
    # Yourself: you do not follow yourself.
    assert_invalid(alice.post(f"/api/v1/lists/{lid}/accounts",
                              data={"account_ids[]": [alice.id]}), "account_ids")
    assert member_ids(alice, lid) == []
    r = alice.post(f"/api/v1/lists/{lid}/accounts", data={})
    assert r.status_code == 400 and r.json() == {"error": "Missing parameter: account_ids"}

    m.list_accounts_add(lid, [int(bob.id), int(carol.id)])
    expected = sorted([bob.id, carol.id], key=int, reverse=True)  # newest account first
    assert member_ids(alice, lid) == expected
    assert [str(a["id"]) for a in m.list_accounts(lid)] == expected
    assert [a["acct"] for a in alice.get(f"/api/v1/lists/{lid}/accounts").json()] == [
        bob.name if bob.id == expected[0] else carol.name,
        carol.name if bob.id == expected[0] else bob.name]
    # Adding a member twice is refused, and so is the request around it.
    r = alice.post(f"/api/v1/lists/{lid}/accounts", json={"account_ids": [bob.id]})
    assert_invalid(r, "account_ids")
    assert r.json()["error"] == f"Validation failed: @{bob.name} is already on this list"
    assert member_ids(alice, lid) == expected
    # account_lists shows the owner's lists holding the account.
    other = new_list(alice, "other")
    assert [l["id"] for l in m.account_lists(int(bob.id))] == [int(lid)]
    assert alice.get(f"/api/v1/accounts/{bob.id}/lists").json() == [lst]
    assert alice.get(f"/api/v1/accounts/{dave.id}/lists").json() == []
    assert_not_found(alice.get(f"/api/v1/accounts/{'9' * 18}/lists"))
    # Removing: unknown members are ignored, the others go.
    m.list_accounts_delete(lid, [int(bob.id)])
    assert member_ids(alice, lid) == [carol.id]
    r = alice.delete(f"/api/v1/lists/{lid}/accounts", json={"account_ids": [bob.id, dave.id]})
    assert (r.status_code, r.json()) == (200, {})
    assert member_ids(alice, lid) == [carol.id]
    assert alice.get(f"/api/v1/accounts/{bob.id}/lists").json() == []
    r = alice.delete(f"/api/v1/lists/{lid}/accounts", data={})
    assert r.status_code == 400 and member_ids(alice, lid) == [carol.id]
    # Deleting the list drops its memberships with it.
    assert member_ids(alice, other["id"]) == []
    assert alice.delete(f"/api/v1/lists/{lid}").status_code == 200
    assert alice.get(f"/api/v1/accounts/{carol.id}/lists").json() == []


def test_members_pagination_and_limit_zero(server, alice):
    people = [server.user() for _ in range(3)]
    for p in people:
        follow(alice, p)
    lid = new_list(alice)["id"]
    r = alice.post(f"/api/v1/lists/{lid}/accounts",
                   data={"account_ids[]": [p.id for p in people]})
    assert (r.status_code, r.json()) == (200, {})
    ids = sorted([p.id for p in people], key=int, reverse=True)
    first = alice.get(f"/api/v1/lists/{lid}/accounts", params={"limit": 2})
    assert [a["id"] for a in first.json()] == ids[:2]
    link = first.headers["Link"]
    nxt = f"{server.base}/api/v1/lists/{lid}/accounts?limit=2&max_id={ids[1]}"
    assert link.startswith(f'<{nxt}>; rel="next", ')
    assert link.endswith(f'?limit=2&min_id={ids[0]}>; rel="prev"')
    assert member_ids(alice, lid, limit=2, max_id=ids[1]) == ids[2:]
    assert member_ids(alice, lid, min_id=ids[2]) == ids[:2]
    assert member_ids(alice, lid, since_id=ids[1]) == ids[:1]
    every = alice.get(f"/api/v1/lists/{lid}/accounts", params={"limit": 0})
    assert [a["id"] for a in every.json()] == ids
    assert "Link" not in every.headers or 'rel="next"' not in every.headers["Link"]
    assert member_ids(alice, lid, limit=1) == ids[:1]


def test_list_timeline_shows_members_only(server, alice, bob):
    carol = server.user()
    follow(alice, bob)
    follow(alice, carol)
    lid = new_list(alice)["id"]
    masto(server, alice).list_accounts_add(lid, [int(bob.id)])
    b1 = post(bob, "bob one")
    c1 = post(carol, "carol one")
    b2 = post(bob, "bob two", visibility="unlisted")
    a1 = post(alice, "alice herself")
    tl = masto(server, alice).timeline_list(lid)
    assert [str(s["id"]) for s in tl] == [b2["id"], b1["id"]]
    # Membership changes show at once.
    masto(server, alice).list_accounts_add(lid, [int(carol.id)])
    r = alice.get(f"/api/v1/timelines/list/{lid}")
    assert [s["id"] for s in r.json()] == [b2["id"], c1["id"], b1["id"]]
    assert a1["id"] not in [s["id"] for s in r.json()]


def test_another_users_list_is_not_found_everywhere(server, alice, bob):
    follow(alice, bob)
    follow(bob, alice)
    lst = new_list(alice, "mine")
    lid = lst["id"]
    masto(server, alice).list_accounts_add(lid, [int(bob.id)])
    calls = [
        bob.get(f"/api/v1/lists/{lid}"),
        bob.put(f"/api/v1/lists/{lid}", data={"title": "stolen"}),
        bob.delete(f"/api/v1/lists/{lid}"),
        bob.get(f"/api/v1/lists/{lid}/accounts"),
        bob.post(f"/api/v1/lists/{lid}/accounts", data={"account_ids[]": [alice.id]}),
        bob.delete(f"/api/v1/lists/{lid}/accounts", data={"account_ids[]": [bob.id]}),
        bob.get(f"/api/v1/timelines/list/{lid}"),
    ]
    for r in calls:
        assert_not_found(r)
    assert lists(bob) == []
    assert bob.get(f"/api/v1/accounts/{bob.id}/lists").json() == []
    assert lists(alice) == [lst]
    assert member_ids(alice, lid) == [bob.id]


def test_unfollow_and_block_take_members_off_lists(server, alice, bob):
    carol = server.user()
    follow(alice, bob)
    follow(alice, carol)
    lst = new_list(alice)
    r = alice.post(f"/api/v1/lists/{lst['id']}/accounts", data={"account_ids[]": [bob.id, carol.id]})
    assert r.status_code == 200, r.text
    members = lambda: sorted(a["id"] for a in alice.get(f"/api/v1/lists/{lst['id']}/accounts").json())
    assert members() == sorted([bob.id, carol.id])
    assert alice.post(f"/api/v1/accounts/{bob.id}/unfollow").status_code == 200
    assert members() == [carol.id]
    assert alice.post(f"/api/v1/accounts/{carol.id}/block").status_code == 200
    assert members() == []
