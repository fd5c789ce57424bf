"""What other servers' activities do beyond notes (issue 11, inbound):
an actor's Delete, Move, Questions and votes, attachments, a signed
request reviving deliveries, followers-only objects to signed fetches,
and a person's domain blocks in timelines. Through the real binary in
the test mode, fed by the signing peer of fedpeer.py."""
import base64
import json
import time
from email.utils import formatdate
from urllib.parse import urlparse

import requests
from conftest import open_inbox, run_cli, store_connect
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


# ---- an actor's own Update; remote replies in the figures ----

def test_update_of_the_actor_by_itself_refreshes_it(fed, peer):
    alice = fed.user()
    una = peer.actor("una")
    uid = known(fed, alice, una)
    assert alice.get(f"/api/v1/accounts/{uid}").json()["display_name"] == "Una"
    upd = una.activity("Update", una.doc(name="Una Ltd", summary="<p>new <script>x</script></p>",
                                         manuallyApprovesFollowers=True))
    assert deliver(inbox(fed), una, upd).status_code == 202
    a = alice.get(f"/api/v1/accounts/{uid}").json()
    assert a["display_name"] == "Una Ltd" and a["locked"] is True
    assert "new" in a["note"] and "script" not in a["note"]


def test_remote_reply_in_the_figures_and_the_conversations_feed(fed, peer):
    """A reply from another server is a turn of the thread as a local one
    is: in the Conversations feed and in the social-capital figures."""
    alice = open_inbox(fed.user())
    rex = peer.actor("rex")
    xid = known(fed, alice, rex)
    accept_follow(fed, alice, rex, xid)
    s = post(alice, "what do you all think of the new bridge?")
    uri = fed.url(f"/users/{alice.name}")
    reply = rex.note(f'<p><a href="{uri}">@{alice.name}</a> the cycle lane is great</p>',
                     cc=[uri], inReplyTo=fed.url(f"/users/{alice.name}/statuses/{s['id']}"),
                     tag=[{"type": "Mention", "href": uri}],
                     published=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
    assert deliver(inbox(fed), rex, rex.create(reply)).status_code == 202
    rid = str(remote_status(fed, reply["id"])[0])
    feed = alice.get("/api/rapport/v1/timelines/conversations").json()
    mine = [x for x in feed if x["id"] == rid]
    assert mine and "replied to you" in mine[0]["rapport"]["why"], feed

    def card():
        r = alice.get(f"/api/rapport/v1/accounts/{alice.id}/social")
        assert r.status_code == 200, r.text
        return {k: v["value"] for k, v in r.json().items() if isinstance(v, dict)}
    before = card()
    post(alice, f"@rex@127.0.0.1:{peer.port} it is", in_reply_to_id=rid)
    after = card()
    # her answer to the remote reply: the reply is answered, the thread has
    # three turns by two people
    assert after["reciprocity"] == 1 and before["reciprocity"] != 1, (before, after)
    assert after["depth"] == 1 and before["depth"] == 0, (before, after)


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

    # another Move within Mastodon's cooldown (7 days) is ignored
    zed = peer.actor("zed")
    peer.serve_json(zed.path, zed.doc(alsoKnownAs=[oli.id]))

    def moved_to():
        return rows(fed, "SELECT moved_to_account_id FROM accounts WHERE id = ?", int(oid))[0][0]
    assert deliver(inbox(fed), oli, oli.activity("Move", oli.id, target=zed.id)).status_code == 202
    assert moved_to() == int(nid)
    # and passes once the last one is older
    db = store_connect(fed.data)
    try:
        db.execute("UPDATE accounts SET moved_at = moved_at - ? WHERE id = ?",
                   (8 * 86400000, int(oid)))
        db.commit()
    finally:
        db.close()
    assert deliver(inbox(fed), oli, oli.activity("Move", oli.id, target=zed.id)).status_code == 202
    assert moved_to() == remote_account(fed, zed)


def test_update_of_an_actor_naming_moved_to(fed, peer):
    """An actor's Update with movedTo marks it moved when the target names
    it in alsoKnownAs, as for Move; its followers stay."""
    alice = fed.user()
    pia, pax = peer.actor("pia"), peer.actor("pax")
    pid = known(fed, alice, pia)
    accept_follow(fed, alice, pia, pid)

    def moved_to():
        return rows(fed, "SELECT moved_to_account_id FROM accounts WHERE id = ?", int(pid))[0][0]
    # pax does not name pia among its aliases: nothing moves
    upd = pia.activity("Update", pia.doc(movedTo=pax.id))
    assert deliver(inbox(fed), pia, upd).status_code == 202
    assert moved_to() == 0
    peer.serve_json(pax.path, pax.doc(alsoKnownAs=[pia.id]))
    upd = pia.activity("Update", pia.doc(movedTo=pax.id))
    assert deliver(inbox(fed), pia, upd).status_code == 202
    xid = remote_account(fed, pax)
    assert moved_to() == xid
    acct = alice.get(f"/api/v1/accounts/{pid}").json()
    assert acct["moved"]["id"] == str(xid)
    rel = alice.get("/api/v1/accounts/relationships", params={"id[]": pid}).json()[0]
    assert rel["following"] is True


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


def test_signed_fetch_refused_to_whom_the_author_blocks(fed, peer):
    """Mastodon's StatusPolicy: a signed fetch gets nothing from an author
    who blocks the signer or its domain, or whose instance blocks it."""
    alice = fed.user()
    kay, kit = peer.actor("kay"), peer.actor("kit")
    assert deliver(inbox(fed), kay, kay.activity("Follow", fed.url(f"/users/{alice.name}"))) \
        .status_code == 202
    priv, pub = post(alice, "for my followers", visibility="private"), post(alice, "for everyone")
    private, public = priv["uri"], pub["uri"]
    page = fed.url(f"/@{alice.name}/{pub['id']}")  # the Note at the page too
    other = Peer()
    try:
        mal = other.actor("mal")
        assert signed_get(private, kit).status_code == 200  # kay's server
        assert signed_get(fed.url(f"/@{alice.name}/{priv['id']}"), kit).status_code == 200
        assert signed_get(public, mal).status_code == 200
        assert signed_get(page, mal).status_code == 200
        # alice blocks kit: kit gets neither, though its server hosts kay
        kid = remote_account(fed, kit)
        assert alice.post(f"/api/v1/accounts/{kid}/block").status_code == 200
        assert signed_get(private, kit).status_code == 404
        assert signed_get(public, kit).status_code == 404
        assert signed_get(private, kay).status_code == 200
        # alice blocks mal's domain
        r = alice.post("/api/v1/domain_blocks", data={"domain": f"127.0.0.1:{other.port}"})
        assert r.status_code == 200
        assert signed_get(public, mal).status_code == 404
        assert signed_get(page, mal).status_code == 404
        for url in (public, page):  # to anyone unsigned, as before
            assert requests.get(url, headers={"Accept": "application/activity+json"}) \
                .status_code == 200
        # the instance blocks kay's domain, whose key is cached here
        run_cli("domain", "block", f"127.0.0.1:{peer.port}", data=fed.data)
        assert signed_get(private, kay).status_code == 404
        assert signed_get(public, kay).status_code == 404
    finally:
        run_cli("domain", "unblock", f"127.0.0.1:{peer.port}", data=fed.data)
        other.close()


# ---- attachments ----

def test_remote_attachments(fed, peer):
    alice = open_inbox(fed.user())
    ann = peer.actor("ann")
    uri = fed.url(f"/users/{alice.name}")
    img = {"type": "Document", "mediaType": "image/png", "url": "https://cdn.test/a.png",
           "name": 'a cat "><script>x</script>', "blurhash": "UBL_:rOpGG-oBUNG,qRj2so|=eE1w^n4S5NH",
           "width": 800, "height": 600}
    att = [img,
           {"type": "Video", "mediaType": "video/mp4",
            "url": [{"type": "Link", "href": "https://cdn.test/v.mp4"}]},
           {"type": "Document", "mediaType": "image/png", "url": "javascript:alert(1)"},
           {"type": "Document", "mediaType": "image/png", "url": "https://cdn.test/x y.png"},
           {"type": "Audio", "mediaType": "audio/mpeg", "url": "https://cdn.test/s.mp3"},
           {"type": "Image", "url": "https://cdn.test/b.jpg"},
           {"type": "Image", "url": "https://cdn.test/fifth.jpg"}]
    note = ann.note("<p>look</p>", cc=[uri], tag=[{"type": "Mention", "href": uri}],
                    attachment=att)
    assert deliver(inbox(fed), ann, ann.create(note)).status_code == 202
    sid = remote_status(fed, note["id"])[0]
    st = alice.get(f"/api/v1/statuses/{sid}").json()
    media = st["media_attachments"]
    assert [(m["type"], m["remote_url"]) for m in media] == [
        ("image", "https://cdn.test/a.png"), ("video", "https://cdn.test/v.mp4"),
        ("audio", "https://cdn.test/s.mp3"), ("image", "https://cdn.test/b.jpg")]
    m = media[0]
    assert m["url"] == m["remote_url"] and m["description"] == img["name"]
    assert m["blurhash"] == img["blurhash"]
    assert m["meta"]["original"]["width"] == 800 and m["meta"]["original"]["height"] == 600
    assert media[1]["preview_url"] is None
    # on the public page of the thread, the alt text is escaped
    s = post(alice, "a thread")
    reply = ann.note("<p>reply</p>", cc=[uri], inReplyTo=fed.url(f"/users/{alice.name}/statuses/{s['id']}"),
                     tag=[{"type": "Mention", "href": uri}], attachment=[img])
    assert deliver(inbox(fed), ann, ann.create(reply)).status_code == 202
    rid = remote_status(fed, reply["id"])[0]
    page = requests.get(fed.url(f"/@{alice.name}/{s['id']}")).text
    assert "https://cdn.test/a.png" in page, page
    assert "<script>x" not in page and "&lt;script&gt;" in page
    assert alice.get(f"/api/v1/statuses/{rid}").json()["media_attachments"][0]["url"] \
        == "https://cdn.test/a.png"


# ---- Questions and votes ----

def question(actor, to, options, multiple=False, **kw):
    q = actor.note("<p>which?</p>", cc=[to], tag=[{"type": "Mention", "href": to}], type="Question",
                   **kw)
    q["anyOf" if multiple else "oneOf"] = [
        {"type": "Note", "name": n, "replies": {"type": "Collection", "totalItems": c}}
        for n, c in options]
    return q


def test_remote_poll_and_a_local_vote_on_it(fed, peer):
    alice = open_inbox(fed.user())
    pia = peer.actor("pia")
    uri = fed.url(f"/users/{alice.name}")
    q = question(pia, uri, [("tea", 3), ("coffee", 1)], endTime="2099-01-01T00:00:00Z",
                 votersCount=4)
    assert deliver(inbox(fed), pia, pia.create(q)).status_code == 202
    sid = remote_status(fed, q["id"])[0]
    poll = alice.get(f"/api/v1/statuses/{sid}").json()["poll"]
    assert [(o["title"], o["votes_count"]) for o in poll["options"]] == [("tea", 3), ("coffee", 1)]
    assert poll["multiple"] is False and poll["voters_count"] == 4 and poll["expired"] is False
    assert poll["expires_at"].startswith("2099-01-01")
    # alice votes: her server sends a Note named after the option to pia
    r = alice.post(f"/api/v1/polls/{poll['id']}/votes", data={"choices[]": "1"})
    assert r.status_code == 200, r.text
    import time
    deadline = time.time() + 15
    while not [b for _, _, b in peer.posts if json.loads(b).get("type") == "Create"] and time.time() < deadline:
        time.sleep(0.1)
    votes = [(p, json.loads(b)) for p, _, b in peer.posts if json.loads(b).get("type") == "Create"]
    assert len(votes) == 1, peer.posts
    path, body = votes[0]
    assert path == "/users/pia/inbox" and body["actor"] == uri
    assert body["object"]["type"] == "Note" and body["object"]["name"] == "coffee"
    assert body["object"]["inReplyTo"] == q["id"] and body["object"]["to"] == [pia.id]
    # the poll's server tells the new counts, then that it closed
    q2 = question(pia, uri, [("tea", 3), ("coffee", 2)], id=q["id"], votersCount=5,
                  closed="2026-01-02T00:00:00Z")
    assert deliver(inbox(fed), pia, pia.activity("Update", q2)).status_code == 202
    poll = alice.get(f"/api/v1/statuses/{sid}").json()["poll"]
    assert [o["votes_count"] for o in poll["options"]] == [3, 2]
    assert poll["expired"] is True and poll["voters_count"] == 5 and poll["voted"] is True
    # the worker tells alice it ended; pia's own server tells pia
    deadline = time.time() + 15
    while not [n for n in alice.get("/api/v1/notifications").json() if n["type"] == "poll"]:
        assert time.time() < deadline, "no poll notification"
        time.sleep(0.2)
    assert rows(fed, "SELECT count(*) FROM notifications WHERE account_id = ?",
                remote_account(fed, pia)) == [(0,)]


def test_remote_votes_count_on_a_local_poll(fed, peer):
    alice = fed.user()
    vic, val = peer.actor("vic"), peer.actor("val")
    s = alice.post("/api/v1/statuses", data={"status": "pick", "poll[options][]": ["a", "b", "c"],
                                             "poll[expires_in]": "3600", "poll[multiple]": "true"})
    assert s.status_code == 200, s.text
    s = s.json()
    uri = fed.url(f"/users/{alice.name}")

    def vote(actor, name):
        n = {"id": actor.new_id("votes"), "type": "Note", "name": name, "attributedTo": actor.id,
             "inReplyTo": s["uri"], "to": [uri]}
        assert deliver(inbox(fed), actor, actor.create(n)).status_code == 202
        return n
    n = vote(vic, "b")
    vote(vic, "c")
    vote(vic, "c")  # the same choice again: counted once
    vote(val, "b")
    vote(val, "nope")  # no such option
    poll = alice.get(f"/api/v1/statuses/{s['id']}").json()["poll"]
    assert [o["votes_count"] for o in poll["options"]] == [0, 2, 1]
    assert poll["voters_count"] == 2 and poll["votes_count"] == 3
    assert remote_status(fed, n["id"]) is None  # a vote is no status
    single = alice.post("/api/v1/statuses", data={"status": "one", "poll[options][]": ["x", "y"],
                                                  "poll[expires_in]": "3600"}).json()
    for name in ("x", "y"):
        v = {"id": vic.new_id("votes"), "type": "Note", "name": name, "attributedTo": vic.id,
             "inReplyTo": single["uri"], "to": [uri]}
        assert deliver(inbox(fed), vic, vic.create(v)).status_code == 202
    poll = alice.get(f"/api/v1/statuses/{single['id']}").json()["poll"]
    assert [o["votes_count"] for o in poll["options"]] == [1, 0]
