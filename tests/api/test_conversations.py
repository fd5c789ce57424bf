"""Direct conversations through real clients: direct statuses grouped per
set of participants, unread flags, reading, hiding one's own view,
pagination by last status, and nobody else ever seeing them."""
import copy
import pytest
import requests
from mastodon import Mastodon
from conftest import NOT_FOUND, masto, with_scopes

CONVERSATION_KEYS = {"id", "unread", "accounts", "last_status"}


@pytest.fixture(autouse=True)
def _inboxes(open_inboxes):
    """Direct messages between people who have not talked: message requests
    would hold them (test_requests.py covers that)."""



def dm(author, text, **params):
    r = author.post("/api/v1/statuses", data=dict(params, status=text, visibility="direct"))
    assert r.status_code == 200, r.text
    assert r.json()["visibility"] == "direct"
    return r.json()


def convs(user, **params):
    r = user.get("/api/v1/conversations", params=params)
    assert r.status_code == 200, r.text
    for c in r.json():
        assert set(c) == CONVERSATION_KEYS, c
        assert c["id"].isdigit()
    return r.json()


def summary(user):
    """(account ids, unread, last status id) of each conversation, newest first."""
    return [([a["id"] for a in c["accounts"]], c["unread"], c["last_status"]["id"])
            for c in convs(user)]


def by_id(*users):
    return [u.id for u in sorted(users, key=lambda u: int(u.id))]


def block(a, b):
    r = a.post(f"/api/v1/accounts/{b.id}/block")
    if r.status_code == 404:
        pytest.skip("POST /api/v1/accounts/:id/block is not implemented yet (routes_social.inc)")
    assert r.status_code == 200, r.text


def test_dm_between_two(server, alice, bob):
    s1 = dm(alice, f"@{bob.name} hello")
    got = convs(bob)
    assert len(got) == 1
    c = got[0]
    assert c["unread"] is True
    assert [a["id"] for a in c["accounts"]] == [alice.id]
    assert c["accounts"][0]["acct"] == alice.name
    assert c["last_status"]["id"] == s1["id"]
    assert c["last_status"]["content"] == s1["content"]
    assert c["last_status"]["visibility"] == "direct"
    assert summary(alice) == [([bob.id], False, s1["id"])]  # your own message is read
    # The reply lands in the same conversation for both.
    s2 = dm(bob, f"@{alice.name} hi back", in_reply_to_id=s1["id"])
    assert summary(alice) == [([bob.id], True, s2["id"])]
    assert summary(bob) == [([alice.id], False, s2["id"])]
    # Each participant has a row of their own.
    assert convs(alice)[0]["id"] != convs(bob)[0]["id"]
    assert convs(bob)[0]["id"] == c["id"]
    # Mastodon.py reads the same thing.
    mc = masto(server, bob).conversations()
    assert [(x["id"], x["unread"], x["last_status"]["id"]) for x in mc] == [
        (int(c["id"]), False, int(s2["id"]))]


def test_groups_by_participant_set(server, alice, bob):
    carol = server.user()
    three = dm(alice, f"@{bob.name} @{carol.name} all of us")
    two = dm(alice, f"@{bob.name} just you")
    assert summary(bob) == [([alice.id], True, two["id"]),
                            (by_id(alice, carol), True, three["id"])]
    assert summary(carol) == [(by_id(alice, bob), True, three["id"])]
    assert summary(alice) == [([bob.id], False, two["id"]),
                              (by_id(bob, carol), False, three["id"])]
    # carol answers everyone: the three-person conversation moves up.
    reply = dm(carol, f"@{alice.name} @{bob.name} hello both", in_reply_to_id=three["id"])
    assert summary(bob) == [(by_id(alice, carol), True, reply["id"]),
                            ([alice.id], True, two["id"])]
    assert summary(carol) == [(by_id(alice, bob), False, reply["id"])]
    # A new thread among the same two people is the same conversation.
    again = dm(bob, f"@{alice.name} new topic")
    assert summary(alice) == [([bob.id], True, again["id"]),
                              (by_id(bob, carol), True, reply["id"])]
    assert len(convs(bob)) == 2 and len(convs(carol)) == 1


def test_dm_to_yourself(server, alice):
    note = dm(alice, "a note to self")
    assert summary(alice) == [([alice.id], False, note["id"])]


def test_read_flips_unread(server, alice, bob):
    s1 = dm(alice, f"@{bob.name} unread?")
    cid = convs(bob)[0]["id"]
    m = masto(server, bob)
    done = m.conversations_read(int(cid))
    assert (done["id"], done["unread"], done["last_status"]["id"]) == (int(cid), False,
                                                                      int(s1["id"]))
    assert [a["id"] for a in done["accounts"]] == [int(alice.id)]
    assert summary(bob) == [([alice.id], False, s1["id"])]
    r = bob.post(f"/api/v1/conversations/{cid}/read")  # again: still fine
    assert r.status_code == 200 and r.json()["unread"] is False
    s2 = dm(alice, f"@{bob.name} and now?")
    assert summary(bob) == [([alice.id], True, s2["id"])]
    assert convs(bob)[0]["id"] == cid


def test_third_party_never_sees_it(server, alice, bob):
    dave = server.user()
    s1 = dm(alice, f"@{bob.name} secret")
    cid = convs(bob)[0]["id"]
    aid = convs(alice)[0]["id"]
    assert convs(dave) == []
    for target in (cid, aid):
        r = dave.post(f"/api/v1/conversations/{target}/read")
        assert r.status_code == 404 and r.json() == NOT_FOUND
        r = dave.delete(f"/api/v1/conversations/{target}")
        assert r.status_code == 404 and r.json() == NOT_FOUND
    # Nor can alice touch bob's row, or bob alice's.
    r = alice.post(f"/api/v1/conversations/{cid}/read")
    assert r.status_code == 404 and r.json() == NOT_FOUND
    assert bob.delete(f"/api/v1/conversations/{aid}").status_code == 404
    assert summary(bob) == [([alice.id], True, s1["id"])]
    assert summary(alice) == [([bob.id], False, s1["id"])]
    for bad in ("abc", "0", "99999999999999999"):
        assert bob.post(f"/api/v1/conversations/{bad}/read").status_code == 404
        assert bob.delete(f"/api/v1/conversations/{bad}").status_code == 404
    # The status itself stays hidden too.
    assert dave.get(f"/api/v1/statuses/{s1['id']}").status_code == 404


def test_delete_hides_it_for_one_user_only(server, alice, bob):
    s1 = dm(alice, f"@{bob.name} to be hidden")
    cid = convs(bob)[0]["id"]
    r = bob.delete(f"/api/v1/conversations/{cid}")
    assert (r.status_code, r.json()) == (200, {})
    assert convs(bob) == []
    assert summary(alice) == [([bob.id], False, s1["id"])]
    r = bob.delete(f"/api/v1/conversations/{cid}")
    assert r.status_code == 404 and r.json() == NOT_FOUND
    # The status is still there; a new message brings the conversation back.
    assert bob.get(f"/api/v1/statuses/{s1['id']}").status_code == 200
    s2 = dm(alice, f"@{bob.name} are you there?")
    assert summary(bob) == [([alice.id], True, s2["id"])]
    assert convs(bob)[0]["id"] != cid


def test_deleting_the_last_status_moves_back(server, alice, bob):
    s1 = dm(alice, f"@{bob.name} first")
    s2 = dm(bob, f"@{alice.name} second", in_reply_to_id=s1["id"])
    assert summary(alice) == [([bob.id], True, s2["id"])]
    assert bob.delete(f"/api/v1/statuses/{s2['id']}").status_code == 200
    assert summary(alice) == [([bob.id], True, s1["id"])]
    assert summary(bob) == [([alice.id], False, s1["id"])]  # bob had answered it
    # Deleting an older message leaves the conversation where it is.
    s3 = dm(alice, f"@{bob.name} third", in_reply_to_id=s1["id"])
    assert alice.delete(f"/api/v1/statuses/{s1['id']}").status_code == 200
    assert summary(bob) == [([alice.id], True, s3["id"])]
    # With every message gone, so is the conversation.
    assert alice.delete(f"/api/v1/statuses/{s3['id']}").status_code == 200
    assert convs(alice) == [] and convs(bob) == []


def test_pagination_by_last_status(server, alice):
    people = [server.user() for _ in range(3)]
    sent = [dm(alice, f"@{p.name} hi") for p in people]
    newest = [s["id"] for s in reversed(sent)]
    r = alice.get("/api/v1/conversations", params={"limit": 2})
    page = r.json()
    assert [c["last_status"]["id"] for c in page] == newest[:2]
    link = r.headers["Link"]
    assert link == (f'<{server.base}/api/v1/conversations?limit=2&max_id={newest[1]}>; '
                    f'rel="next", <{server.base}/api/v1/conversations?limit=2&min_id='
                    f'{newest[0]}>; rel="prev"')
    rest = convs(alice, limit=2, max_id=newest[1])
    assert [c["last_status"]["id"] for c in rest] == newest[2:]
    assert [c["last_status"]["id"] for c in convs(alice, min_id=newest[2])] == newest[:2]
    assert [c["last_status"]["id"] for c in convs(alice, since_id=newest[1])] == newest[:1]
    last = alice.get("/api/v1/conversations", params={"limit": 2, "max_id": newest[1]})
    assert 'rel="next"' not in last.headers["Link"]
    m = masto(server, alice)
    first = m.conversations(limit=2)
    assert [x["last_status"]["id"] for x in first] == [int(i) for i in newest[:2]]
    assert [x["last_status"]["id"] for x in m.fetch_next(first)] == [int(newest[2])]


def test_trailing_slash_and_scopes(server, alice, bob):
    dm(alice, f"@{bob.name} scopes")
    assert len(bob.get("/api/v1/conversations/").json()) == 1
    reader = with_scopes(server, bob, "read:statuses")
    assert len(reader.get("/api/v1/conversations").json()) == 1
    cid = convs(bob)[0]["id"]
    r = reader.post(f"/api/v1/conversations/{cid}/read")
    assert r.status_code == 403
    writer = with_scopes(server, bob, "write:conversations")
    r = writer.get("/api/v1/conversations")
    assert r.status_code == 403
    assert r.json() == {"error": "This action is outside the authorized scopes"}
    r = requests.get(server.url("/api/v1/conversations"))
    assert r.status_code == 401
    assert convs(bob)[0]["unread"] is True  # the refused read changed nothing
    r = writer.post(f"/api/v1/conversations/{cid}/read")
    assert r.status_code == 200 and r.json()["unread"] is False
    assert convs(bob)[0]["unread"] is False


def test_blocked_authors_last_status_is_hidden(server, alice, bob):
    s1 = dm(alice, f"@{bob.name} before the block")
    cid = convs(bob)[0]["id"]
    block(bob, alice)
    assert convs(bob) == []
    r = bob.post(f"/api/v1/conversations/{cid}/read")
    assert r.status_code == 200, r.text
    assert r.json()["last_status"] is None and r.json()["unread"] is False
    assert summary(alice) == [([bob.id], False, s1["id"])]
