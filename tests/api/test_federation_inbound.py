"""What other servers' activities do beyond notes (issue 11, inbound):
an actor's Delete, Move, Questions and votes, attachments, a signed
request reviving deliveries, followers-only objects to signed fetches,
and a person's domain blocks in timelines. Through the real binary in
the test mode, fed by the signing peer of fedpeer.py."""
import base64
import json
from email.utils import formatdate
from urllib.parse import urlparse

import requests
from conftest import open_inbox
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from fedpeer import PUBLIC, Peer, deliver
from test_federation_inbox import fed, inbox, peer, remote_account, remote_status, rows, search  # noqa: F401
from test_statuses import post


def accept_follow(fed, alice, actor, aid):
    """alice follows actor (account aid on fed), and actor accepts."""
    assert alice.post(f"/api/v1/accounts/{aid}/follow").status_code == 200
    accept = actor.activity("Accept", {"id": fed.url(f"/users/{alice.name}#follows/{aid}"),
                                       "type": "Follow", "actor": fed.url(f"/users/{alice.name}"),
                                       "object": actor.id})
    assert deliver(inbox(fed), actor, accept).status_code == 202


def known(fed, alice, actor):
    """actor's account id on fed, found through WebFinger by alice."""
    actor.peer.webfinger({f"{actor.name}@127.0.0.1:{actor.peer.port}": actor.id})
    return search(alice, f"{actor.name}@127.0.0.1:{actor.peer.port}")["accounts"][0]["id"]


def me(user):
    return user.get("/api/v1/accounts/verify_credentials").json()


# ---- Delete of an actor ----

def test_delete_of_an_actor_removes_it_and_all_it_made(fed, peer):
    alice = open_inbox(fed.user())
    gus, mal = peer.actor("gus"), peer.actor("mal")
    uri = fed.url(f"/users/{alice.name}")
    gid = known(fed, alice, gus)
    accept_follow(fed, alice, gus, gid)
    assert deliver(inbox(fed), gus, gus.activity("Follow", uri)).status_code == 202
    s = post(alice, "liked and boosted")
    local = fed.url(f"/users/{alice.name}/statuses/{s['id']}")
    note = gus.note("<p>hello</p>", cc=[uri], tag=[{"type": "Mention", "href": uri}])
    for act in (gus.create(note), gus.activity("Like", local), gus.activity("Announce", local)):
        assert deliver(inbox(fed), gus, act).status_code == 202
    assert me(alice)["followers_count"] == 1 and me(alice)["following_count"] == 1
    st = alice.get(f"/api/v1/statuses/{s['id']}").json()
    assert (st["favourites_count"], st["reblogs_count"]) == (1, 1)
    assert len(alice.get("/api/v1/notifications").json()) >= 4

    # another actor cannot delete gus
    assert deliver(inbox(fed), mal, mal.activity("Delete", gus.id)).status_code in (202, 403)
    assert remote_account(fed, gus) is not None

    # gus's server deletes him: his document is gone, his cached key signs
    peer.routes[gus.path] = (410, {"Content-Type": "application/activity+json"}, b"{}")
    delete = gus.activity("Delete", gus.id, to=[PUBLIC])
    body = json.dumps(delete).encode()
    r = deliver(inbox(fed), gus, None, body=body)
    assert r.status_code == 202, r.text
    assert remote_account(fed, gus) is None
    assert remote_status(fed, note["id"]) is None
    assert rows(fed, "SELECT count(*) FROM statuses WHERE reblog_of_id = ?", int(s["id"])) == [(0,)]
    assert me(alice)["followers_count"] == 0 and me(alice)["following_count"] == 0
    st = alice.get(f"/api/v1/statuses/{s['id']}").json()
    assert (st["favourites_count"], st["reblogs_count"]) == (0, 0)
    assert alice.get("/api/v1/notifications").json() == []
    assert alice.get(f"/api/v1/accounts/{alice.id}/followers").json() == []
    assert alice.get(f"/api/v1/accounts/{gid}").status_code == 404
    # a replay, and a second Delete, are harmless
    assert deliver(inbox(fed), gus, None, body=body).status_code == 202
    assert deliver(inbox(fed), gus, gus.activity("Delete", gus.id)).status_code == 202
    assert me(alice)["followers_count"] == 0


# ---- a signed request revives deliveries ----

def test_signed_request_clears_an_unavailable_host(fed, peer):
    host = f"127.0.0.1:{peer.port}"
    db_rows = "SELECT unavailable FROM delivery_hosts WHERE host = ?"
    ida = peer.actor("ida")
    assert deliver(inbox(fed), ida, ida.activity("Like", fed.url("/users/nobody/statuses/1"))) \
        .status_code == 202
    from conftest import store_connect
    db = store_connect(fed.data)
    try:
        db.execute("INSERT INTO delivery_hosts (host, failure_days, last_failure_day, unavailable)"
                   " VALUES (?, 7, 1, 1)", (host,))
        db.commit()
    finally:
        db.close()
    assert rows(fed, db_rows, host) == [(1,)]
    # unsigned: nothing changes
    assert requests.post(inbox(fed), json=ida.activity("Like", "x")).status_code == 401
    assert rows(fed, db_rows, host) == [(1,)]
    assert deliver(inbox(fed), ida, ida.activity("Like", fed.url("/users/nobody/statuses/2"))) \
        .status_code == 202
    assert rows(fed, db_rows, host) == []


# ---- a person's domain blocks in timelines and notifications ----

def test_user_domain_block_hides_the_domain_everywhere(fed, peer):
    alice, carol = open_inbox(fed.user()), fed.user()
    host = f"127.0.0.1:{peer.port}"
    jan = peer.actor("jan")
    uri = fed.url(f"/users/{alice.name}")
    # carol follows jan (his public notes reach the server), alice follows carol
    accept_follow(fed, carol, jan, known(fed, carol, jan))
    assert alice.post(f"/api/v1/accounts/{carol.id}/follow").status_code == 200
    note = jan.note('<p>tagged <a href="x">#fedin</a></p>',
                    tag=[{"type": "Hashtag", "name": "#fedin"}])
    assert deliver(inbox(fed), jan, jan.create(note)).status_code == 202
    sid = str(remote_status(fed, note["id"])[0])
    assert carol.post(f"/api/v1/statuses/{sid}/reblog").status_code == 200
    mention = jan.note("<p>hi alice</p>", cc=[uri], tag=[{"type": "Mention", "href": uri}])
    assert deliver(inbox(fed), jan, jan.create(mention)).status_code == 202

    def seen():
        home = [s["reblog"]["id"] for s in alice.get("/api/v1/timelines/home").json()
                if s["reblog"]]
        public = [s["id"] for s in alice.get("/api/v1/timelines/public").json()]
        tag = [s["id"] for s in alice.get("/api/v1/timelines/tag/fedin").json()]
        notes = [n["account"]["acct"] for n in alice.get("/api/v1/notifications").json()]
        return sid in home, sid in public, sid in tag, f"jan@{host}" in notes
    assert seen() == (True, True, True, True)
    assert alice.post("/api/v1/domain_blocks", data={"domain": host}).status_code == 200
    assert seen() == (False, False, False, False)
    # carol, who blocks nothing, still sees it
    assert sid in [s["id"] for s in carol.get("/api/v1/timelines/tag/fedin").json()]
    assert alice.delete("/api/v1/domain_blocks", data={"domain": host}).status_code == 200
    assert seen() == (True, True, True, True)


# ---- Move ----

def test_move_takes_the_followers_to_the_new_account(fed, peer):
    alice = fed.user()
    oli, neo, mal = peer.actor("oli"), peer.actor("neo"), peer.actor("mal")
    oid = known(fed, alice, oli)
    accept_follow(fed, alice, oli, oid)

    def rel(aid):
        return alice.get("/api/v1/accounts/relationships", params={"id[]": aid}).json()[0]
    assert rel(oid)["following"] is True
    move = oli.activity("Move", oli.id, target=neo.id)
    # neo does not name oli among its aliases yet: nothing moves
    assert deliver(inbox(fed), oli, move).status_code == 202
    assert rel(oid)["following"] is True and "moved" not in alice.get(f"/api/v1/accounts/{oid}").json()
    # another actor cannot move oli
    peer.serve_json(neo.path, neo.doc(alsoKnownAs=[oli.id]))
    forged = mal.activity("Move", oli.id, target=neo.id)
    assert deliver(inbox(fed), mal, forged).status_code == 403
    assert rel(oid)["following"] is True
    move = oli.activity("Move", oli.id, target=neo.id)
    assert deliver(inbox(fed), oli, move).status_code == 202
    nid = known(fed, alice, neo)
    assert rel(oid)["following"] is False
    new = rel(nid)
    assert new["following"] or new["requested"]
    acct = alice.get(f"/api/v1/accounts/{oid}").json()
    assert acct["moved"]["id"] == nid and acct["moved"]["acct"] == f"neo@127.0.0.1:{peer.port}"
    assert "moved" not in acct["moved"]
    # a replay changes nothing
    assert deliver(inbox(fed), oli, move).status_code == 202
    assert rel(oid)["following"] is False


# ---- followers-only objects to signed fetches ----

def signed_get(url, actor):
    """GET url signed by actor, as Mastodon signs fetches."""
    u = urlparse(url)
    h = {"Host": u.netloc, "Date": formatdate(usegmt=True), "Accept": "application/activity+json"}
    text = f"(request-target): get {u.path}\nhost: {h['Host']}\ndate: {h['Date']}"
    sig = actor.key.sign(text.encode(), padding.PKCS1v15(), hashes.SHA256())
    h["Signature"] = (f'keyId="{actor.key_id}",algorithm="rsa-sha256",'
                      f'headers="(request-target) host date",'
                      f'signature="{base64.b64encode(sig).decode()}"')
    return requests.get(url, headers=h, timeout=30)


def test_followers_only_status_to_signed_follower_fetches(fed, peer):
    alice = fed.user()
    kay, kit = peer.actor("kay"), peer.actor("kit")
    assert deliver(inbox(fed), kay, kay.activity("Follow", fed.url(f"/users/{alice.name}"))) \
        .status_code == 202
    s = post(alice, "for my followers", visibility="private")
    uri = s["uri"]
    other = Peer()
    try:
        mal = other.actor("mal")
        assert requests.get(uri, headers={"Accept": "application/activity+json"}).status_code == 404
        assert signed_get(uri, mal).status_code == 404  # follows no one here
        r = signed_get(uri, kay)  # a follower
        assert r.status_code == 200, r.text
        assert r.json()["id"] == uri and "for my followers" in r.json()["content"]
        assert r.json()["to"] == [fed.url(f"/users/{alice.name}/followers")]
        # another actor of the follower's server (its instance actor, say)
        assert signed_get(uri, kit).status_code == 200
        # a bad signature is nobody
        forged = signed_get(uri, mal)
        h = dict(forged.request.headers)
        h["Signature"] = h["Signature"].replace(mal.key_id, kay.key_id)
        assert requests.get(uri, headers=h).status_code == 404
        # a direct status only to whom it mentions
        d = post(alice, f"@kay@127.0.0.1:{peer.port} only you", visibility="direct")
        assert signed_get(d["uri"], kit).status_code == 404
        assert signed_get(d["uri"], kay).status_code == 200
    finally:
        other.close()
