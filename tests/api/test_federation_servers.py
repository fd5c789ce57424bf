"""Rapport with Rapport: three servers on loopback in the test mode
(RAPPORT_FEDERATION_INSECURE=1), each delivering to the others' inboxes
through its delivery worker and applying what it receives through its
inbox. Everything goes through the public API of each side: handles are
found with resolve=true search, and what one side does is waited for on
the other (deliveries are background work)."""
import re
import time

import pytest
from conftest import Server, masto, open_inbox
from test_statuses import post

INSECURE = {"RAPPORT_FEDERATION_INSECURE": "1"}


@pytest.fixture(scope="module")
def net():
    servers = [Server(env=INSECURE).start() for _ in range(3)]
    yield servers
    for s in servers:
        assert s.stop() == 0


def wait_for(check, what, timeout=15):
    """Polls check() until it returns something true; fails after timeout."""
    deadline = time.time() + timeout
    while True:
        got = check()
        if got:
            return got
        if time.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def handle(user):
    return f"{user.name}@{user.server.domain}"


def find(user, other):
    """The id, on user's server, of other (a user of another server)."""
    r = user.get("/api/v2/search", params={"q": handle(other), "resolve": "true",
                                            "type": "accounts"})
    assert r.status_code == 200, r.text
    accounts = r.json()["accounts"]
    assert [a["acct"] for a in accounts] == [handle(other)], r.text
    return accounts[0]["id"]


def relationship(user, account_id):
    r = user.get("/api/v1/accounts/relationships", params={"id[]": account_id})
    assert r.status_code == 200, r.text
    return r.json()[0]


def follow(user, other):
    """user follows other (on another server) and waits for the Accept."""
    oid = find(user, other)
    r = user.post(f"/api/v1/accounts/{oid}/follow")
    assert r.status_code == 200, r.text
    wait_for(lambda: relationship(user, oid)["following"], f"{handle(other)}'s Accept")
    return oid


def home_status(user, text):
    """The status on user's home timeline whose content holds text."""
    def check():
        for s in user.get("/api/v1/timelines/home", params={"limit": 40}).json():
            if text in s["content"]:
                return s
        return None
    return check


def notification(user, kind, text=None):
    def check():
        for n in user.get("/api/v1/notifications", params={"limit": 40}).json():
            if n["type"] == kind and (text is None or (n.get("status") and
                                                       text in n["status"]["content"])):
                return n
        return None
    return check


def inbox_posts(server):
    """How many activities server's inboxes have been sent so far."""
    text = server.log.read_text(errors="replace")
    return len(re.findall(r" POST /(?:users/\w+/)?inbox ", text))


def test_follow_post_reply_favourite_boost_edit_delete(net):
    a, b, _ = net
    alice, bob = a.user(), b.user()
    follow(alice, bob)
    # bob's server lists alice among bob's followers
    bob_followers = bob.get(f"/api/v1/accounts/{bob.id}/followers").json()
    assert [f["acct"] for f in bob_followers] == [handle(alice)]

    # a post reaches the follower's home timeline on the other server
    mine = post(bob, "hello from server b")
    there = wait_for(home_status(alice, "hello from server b"), "bob's post on A")
    assert there["account"]["acct"] == handle(bob)
    assert there["uri"] == mine["uri"]

    # a reply, a favourite and a boost come back to bob
    reply = post(alice, f"@{handle(bob)} answered", in_reply_to_id=there["id"])
    wait_for(notification(bob, "mention", "answered"), "alice's reply on B")
    ctx = wait_for(lambda: bob.get(f"/api/v1/statuses/{mine['id']}/context").json()
                   ["descendants"], "the reply in bob's thread")
    assert ctx[0]["uri"] == reply["uri"]
    assert alice.post(f"/api/v1/statuses/{there['id']}/favourite").status_code == 200
    wait_for(notification(bob, "favourite"), "alice's favourite on B")
    assert alice.post(f"/api/v1/statuses/{there['id']}/unfavourite").status_code == 200
    wait_for(lambda: bob.get(f"/api/v1/statuses/{mine['id']}").json()["favourites_count"] == 0,
             "the Undo(Like) on B")
    assert alice.post(f"/api/v1/statuses/{there['id']}/reblog").status_code == 200
    wait_for(notification(bob, "reblog"), "alice's boost on B")

    # an edit and a deletion follow the status
    r = bob.put(f"/api/v1/statuses/{mine['id']}", data={"status": "hello, edited"})
    assert r.status_code == 200, r.text
    wait_for(lambda: "hello, edited" in alice.get(f"/api/v1/statuses/{there['id']}")
             .json().get("content", ""), "the edit on A")
    assert bob.delete(f"/api/v1/statuses/{mine['id']}").status_code == 200
    wait_for(lambda: alice.get(f"/api/v1/statuses/{there['id']}").status_code == 404,
             "the deletion on A")


def test_locked_account_answers_the_request(net):
    a, b, _ = net
    alice, carol = a.user(), b.user()
    assert carol.patch("/api/v1/accounts/update_credentials",
                       data={"locked": "true"}).status_code == 200
    cid = find(alice, carol)
    rel = alice.post(f"/api/v1/accounts/{cid}/follow").json()
    assert rel["requested"] is True and rel["following"] is False
    reqs = wait_for(lambda: carol.get("/api/v1/follow_requests").json(), "the request on B")
    assert reqs[0]["acct"] == handle(alice)
    # not yet: alice still only asked
    assert relationship(alice, cid)["requested"] is True
    r = carol.post(f"/api/v1/follow_requests/{reqs[0]['id']}/authorize")
    assert r.status_code == 200, r.text
    wait_for(lambda: relationship(alice, cid)["following"], "carol's Accept on A")


def test_mentions_and_direct_messages_both_ways(net):
    a, b, _ = net
    alice, bob = a.user(), b.user()
    # they follow each other (a stranger's mention would wait among
    # message requests)
    follow(alice, bob)
    follow(bob, alice)
    post(alice, f"hi @{handle(bob)}, a mention")
    wait_for(notification(bob, "mention", "a mention"), "the mention on B")
    dm = post(alice, f"@{handle(bob)} just for you", visibility="direct")
    # a direct message that starts a conversation waits among bob's
    # message requests (the default policy), on his own server
    def held():
        for q in bob.get("/api/v1/notifications/requests").json():
            if q["account"]["acct"] == handle(alice):
                return q["last_status"]
        return None
    got = wait_for(held, "the DM on B")
    assert got["visibility"] == "direct" and "just for you" in got["content"]
    assert got["uri"] == dm["uri"]
    # bob's answer is part of the conversation alice started: it notifies
    back = post(bob, f"@{handle(alice)} and back to you", visibility="direct",
                in_reply_to_id=got["id"])
    n = wait_for(notification(alice, "mention", "back to you"), "the answer on A")
    assert n["status"]["visibility"] == "direct"
    assert n["status"]["in_reply_to_id"] == dm["id"]
    assert n["status"]["uri"] == back["uri"]


def test_followers_only_never_reaches_a_non_followers_server(net):
    a, b, c = net
    alice, bob, carol, dave = a.user(), b.user(), b.user(), c.user()
    follow(alice, bob)
    follow(dave, carol)  # C knows B, but nobody on C follows bob
    before = inbox_posts(c)
    post(bob, "followers only, please", visibility="private")
    got = wait_for(home_status(alice, "followers only"), "the private post on A")
    assert got["visibility"] == "private"
    # carol's public post reaches C: had bob's reached it, it came first
    post(carol, "public from carol")
    wait_for(home_status(dave, "public from carol"), "carol's post on C")
    assert inbox_posts(c) - before == 1
    found = dave.get("/api/v2/search", params={"q": "followers only"}).json()["statuses"]
    assert found == []


def test_block_ends_the_follow_on_the_other_server(net):
    a, b, _ = net
    alice, bob = a.user(), b.user()
    bid = follow(alice, bob)
    aid = find(bob, alice)
    assert bob.post(f"/api/v1/accounts/{aid}/block").status_code == 200
    wait_for(lambda: not relationship(alice, bid)["following"], "the Block on A")
    post(bob, "after the block")
    time.sleep(1)
    assert home_status(alice, "after the block")() is None


def test_poll_and_votes_between_servers(net):
    a, b, _ = net
    alice, bob = a.user(), b.user()
    follow(bob, alice)
    r = alice.post("/api/v1/statuses", data={"status": "lunch?", "poll[options][]": ["pizza", "soup"],
                                             "poll[expires_in]": "3600"})
    assert r.status_code == 200, r.text
    mine = r.json()
    there = wait_for(home_status(bob, "lunch?"), "the poll on B")
    assert [o["title"] for o in there["poll"]["options"]] == ["pizza", "soup"]
    r = bob.post(f"/api/v1/polls/{there['poll']['id']}/votes", data={"choices[]": "1"})
    assert r.status_code == 200, r.text
    wait_for(lambda: alice.get(f"/api/v1/statuses/{mine['id']}").json()["poll"]["options"][1]
             ["votes_count"] == 1, "bob's vote on A")
    assert alice.get(f"/api/v1/statuses/{mine['id']}").json()["poll"]["voters_count"] == 1


def test_a_mastodon_app_follows_and_undoes_across_servers(net):
    """What an app does with a remote account, through Mastodon.py and the
    endpoints apps call: resolve (a handle, an actor's URL, the accounts
    search), follow, boost and take it back (Undo(Announce)), mute, and
    the other side's block taken back (Undo(Block))."""
    a, b, _ = net
    alice, bob, carol = a.user(), b.user(), b.user()
    m = masto(a, alice)
    found = m.search_v2(handle(bob), resolve=True, result_type="accounts")["accounts"]
    assert [x["acct"] for x in found] == [handle(bob)]
    bid = found[0]["id"]
    assert m.account_follow(bid)["requested"] is True
    wait_for(lambda: m.account_relationships(bid)[0]["following"], "bob's Accept through the app")
    # an actor's URL, and the accounts search some apps use for mentions
    by_url = alice.get("/api/v2/search", params={"q": b.url(f"/users/{carol.name}"),
                                                 "resolve": "true"}).json()["accounts"]
    assert [x["acct"] for x in by_url] == [handle(carol)]
    r = alice.get("/api/v1/accounts/search", params={"q": handle(carol), "resolve": "true"})
    assert [x["acct"] for x in r.json()] == [handle(carol)], r.text

    # a boost, then its Undo
    mine = post(bob, "boost me, then take it back")
    there = wait_for(home_status(alice, "boost me"), "bob's post on A")
    m.status_reblog(there["id"])
    wait_for(lambda: bob.get(f"/api/v1/statuses/{mine['id']}").json()["reblogs_count"] == 1,
             "the boost on B")
    m.status_unreblog(there["id"])
    wait_for(lambda: bob.get(f"/api/v1/statuses/{mine['id']}").json()["reblogs_count"] == 0,
             "the Undo(Announce) on B")
    # a favourite, its Undo, and a favourite again: the second Like is a new
    # activity (B keeps the ids it received: a replay has no second effect)
    def favourites_on_b(n):
        return lambda: bob.get(f"/api/v1/statuses/{mine['id']}").json()["favourites_count"] == n
    m.status_favourite(there["id"])
    wait_for(favourites_on_b(1), "the Like on B")
    m.status_unfavourite(there["id"])
    wait_for(favourites_on_b(0), "the Undo(Like) on B")
    m.status_favourite(there["id"])
    wait_for(favourites_on_b(1), "the second Like on B")

    # a muted remote account's posts arrive but stay out of her home
    m.account_mute(bid)
    post(bob, "said while muted")
    wait_for(lambda: any("while muted" in s["content"] for s in
                         alice.get(f"/api/v1/accounts/{bid}/statuses").json()),
             "the muted post on A")
    assert home_status(alice, "while muted")() is None
    m.account_unmute(bid)

    # bob blocks alice (her follow ends), then takes the block back: she
    # may follow him again
    aid = find(bob, alice)
    assert bob.post(f"/api/v1/accounts/{aid}/block").status_code == 200
    wait_for(lambda: not relationship(alice, bid)["following"], "the Block on A")
    assert bob.post(f"/api/v1/accounts/{aid}/unblock").status_code == 200

    def followed_again():
        alice.post(f"/api/v1/accounts/{bid}/follow")
        time.sleep(0.3)
        return relationship(alice, bid)["following"]
    wait_for(followed_again, "alice following bob again after the Undo(Block)")


def test_mention_of_an_account_not_known_yet(net):
    """A post that mentions someone on another server whom nobody here has
    looked up yet finds them through WebFinger before it is written: the
    mention is linked, and their server gets the post (Mastodon's
    ProcessMentionsService)."""
    a, b, _ = net
    alice, carol = a.user(), open_inbox(b.user())
    mine = post(alice, f"hello @{handle(carol)}, we have not met")
    assert [m["acct"] for m in mine["mentions"]] == [handle(carol)]
    wait_for(notification(carol, "mention", "we have not met"), "the mention on B")
    # a handle that names nobody stays text
    r = post(alice, f"hello @nobody@{b.domain}")
    assert r["mentions"] == []
