"""The inbox through the real binary in the test mode
(RAPPORT_FEDERATION_INSECURE=1), fed by a small peer on 127.0.0.1 that
serves actor documents and signs activities itself (fedpeer.py): what
each activity does, and the attack catalogue of issue 11, each refused
with nothing stored."""
import json
import subprocess
import time
from email.utils import formatdate

import pytest
import requests
from conftest import BIN, TEST_ENV, Server, free_port, open_inbox, run_cli, store_connect
from fedpeer import AS, PUBLIC, Peer, deliver, sign_headers
from test_statuses import post

AP = {"Accept": "application/activity+json"}


@pytest.fixture(scope="module")
def fed():
    s = Server(env={"RAPPORT_FEDERATION_INSECURE": "1"}).start()
    yield s
    assert s.stop() == 0


@pytest.fixture
def peer():
    p = Peer()
    yield p
    p.close()


def rows(server, sql, *args):
    db = store_connect(server.data)
    try:
        return [tuple(r) for r in db.execute(sql, args).fetchall()]
    finally:
        db.close()


def remote_account(server, actor):
    r = rows(server, "SELECT id FROM accounts WHERE uri = ?", actor.id)
    return r[0][0] if r else None


def remote_status(server, uri):
    r = rows(server, "SELECT id, content, visibility FROM statuses WHERE uri = ?", uri)
    return r[0] if r else None


def inbox(server):
    return server.url("/inbox")


def test_create_note_mentioning_local_user(fed, peer):
    alice = open_inbox(fed.user())
    bob = peer.actor("bob")
    alice_uri = fed.url(f"/users/{alice.name}")
    note = bob.note('<p>hi <a href="%s">@%s</a></p>' % (alice_uri, alice.name),
                    to=[alice_uri], tag=[{"type": "Mention", "href": alice_uri}])
    r = deliver(inbox(fed), bob, bob.create(note))
    assert r.status_code == 202, r.text
    sid, content, vis = remote_status(fed, note["id"])
    assert vis == 3  # direct: addressed to alice only
    n = alice.get("/api/v1/notifications").json()
    mention = [x for x in n if x["type"] == "mention"]
    assert mention and mention[0]["account"]["acct"] == f"bob@127.0.0.1:{peer.port}"
    assert mention[0]["status"]["uri"] == note["id"]


def test_hostile_html_is_sanitised(fed, peer):
    alice = open_inbox(fed.user())
    bob = peer.actor("bob")
    uri = fed.url(f"/users/{alice.name}")
    html = ('<p onclick="x()">hi <script>alert(1)</script><a href="javascript:alert(1)">j</a>'
            '<img src=x onerror="alert(1)"><a href="https://ok.test/" style="x">ok</a></p>')
    note = bob.note(html, cc=[uri], tag=[{"type": "Mention", "href": uri}])
    assert deliver(inbox(fed), bob, bob.create(note)).status_code == 202
    _, content, vis = remote_status(fed, note["id"])
    assert vis == 0
    for bad in ("script", "javascript:", "onerror", "onclick", "<img", "style="):
        assert bad not in content, content
    assert 'href="https://ok.test/"' in content and 'rel="nofollow noopener"' in content
    # and on the API's output path
    st = [x for x in alice.get("/api/v1/notifications").json() if x["type"] == "mention"][0]
    assert "script" not in st["status"]["content"] and "javascript:" not in st["status"]["content"]


def test_follow_like_undo_and_replay(fed, peer):
    alice = fed.user()
    bob = peer.actor("bob")
    uri = fed.url(f"/users/{alice.name}")
    r = deliver(fed.url(f"/users/{alice.name}/inbox"), bob, bob.activity("Follow", uri))
    assert r.status_code == 202, r.text
    followers = alice.get(f"/api/v1/accounts/{alice.id}/followers").json()
    assert [a["acct"] for a in followers] == [f"bob@127.0.0.1:{peer.port}"]
    carol = fed.user()
    carol.post(f"/api/v1/accounts/{alice.id}/follow")
    s = post(alice, "liked")
    # a home feed is kept for local followers only: bob's server gets it by delivery
    deadline = time.time() + 5
    while s["id"] not in [x["id"] for x in carol.get("/api/v1/timelines/home").json()]:
        assert time.time() < deadline, "the post never reached a local follower's home"
        time.sleep(0.05)
    assert rows(fed, "SELECT COUNT(*) FROM home_feed WHERE account_id = ?",
                remote_account(fed, bob)) == [(0,)]
    like = bob.activity("Like", fed.url(f"/users/{alice.name}/statuses/{s['id']}"))
    body = json.dumps(like).encode()
    h = sign_headers(inbox(fed), body, bob.key, bob.key_id)
    assert requests.post(inbox(fed), data=body, headers=h).status_code == 202
    assert alice.get(f"/api/v1/statuses/{s['id']}").json()["favourites_count"] == 1
    undo = bob.activity("Undo", like)
    assert deliver(inbox(fed), bob, undo).status_code == 202
    assert alice.get(f"/api/v1/statuses/{s['id']}").json()["favourites_count"] == 0
    # the same signed Like again: received before, no second effect
    assert requests.post(inbox(fed), data=body, headers=h).status_code == 202
    assert alice.get(f"/api/v1/statuses/{s['id']}").json()["favourites_count"] == 0
    undo_follow = bob.activity("Undo", {"type": "Follow", "actor": bob.id, "object": uri,
                                        "id": bob.id + "/follow/1"})
    assert deliver(inbox(fed), bob, undo_follow).status_code == 202
    followers = alice.get(f"/api/v1/accounts/{alice.id}/followers").json()
    assert [a["id"] for a in followers] == [carol.id]


def test_undo_by_id_of_a_follow_and_an_announce(fed, peer):
    # an Undo naming what it undoes by id alone, as Mastodon's
    # handle_reference resolves it: only the actor's own act is undone
    alice = fed.user()
    bob, eve = peer.actor("bobref"), peer.actor("everef")
    uri = fed.url(f"/users/{alice.name}")
    s = post(alice, "boost me")
    note = fed.url(f"/users/{alice.name}/statuses/{s['id']}")
    follow = bob.activity("Follow", uri)
    boost = bob.activity("Announce", note, to=[PUBLIC])
    for act in (follow, boost):
        assert deliver(inbox(fed), bob, act).status_code == 202
    assert len(alice.get(f"/api/v1/accounts/{alice.id}/followers").json()) == 1
    assert alice.get(f"/api/v1/statuses/{s['id']}").json()["reblogs_count"] == 1
    # another actor naming bob's ids: not found for it, nothing changes
    for act in (follow, boost):
        r = deliver(inbox(fed), eve, eve.activity("Undo", act["id"]))
        assert r.status_code == 202, r.text
    assert len(alice.get(f"/api/v1/accounts/{alice.id}/followers").json()) == 1
    assert alice.get(f"/api/v1/statuses/{s['id']}").json()["reblogs_count"] == 1
    # an unknown id: accepted, nothing changes
    assert deliver(inbox(fed), bob, bob.activity("Undo", bob.id + "#nothing")).status_code == 202
    assert alice.get(f"/api/v1/statuses/{s['id']}").json()["reblogs_count"] == 1
    # bob's own, by id (a string, or an object with no type)
    assert deliver(inbox(fed), bob, bob.activity("Undo", follow["id"])).status_code == 202
    assert alice.get(f"/api/v1/accounts/{alice.id}/followers").json() == []
    undo = bob.activity("Undo", {"id": boost["id"]})
    assert deliver(inbox(fed), bob, undo).status_code == 202
    assert alice.get(f"/api/v1/statuses/{s['id']}").json()["reblogs_count"] == 0
    assert rows(fed, "SELECT COUNT(*) FROM statuses WHERE reblog_of_id = ?", int(s["id"])) == [(0,)]


def test_locked_account_gets_a_request(fed, peer):
    alice = fed.user()
    alice.patch("/api/v1/accounts/update_credentials", data={"locked": "true"})
    bob = peer.actor("bob")
    r = deliver(inbox(fed), bob, bob.activity("Follow", fed.url(f"/users/{alice.name}")))
    assert r.status_code == 202
    reqs = alice.get("/api/v1/follow_requests").json()
    assert [a["acct"] for a in reqs] == [f"bob@127.0.0.1:{peer.port}"]
    assert alice.get(f"/api/v1/accounts/{alice.id}/followers").json() == []


# ---- the attack catalogue: each refused, nothing stored ----

def hostile_create(fed, peer, name="mallory"):
    alice = fed.user()
    m = peer.actor(name)
    uri = fed.url(f"/users/{alice.name}")
    note = m.note("<p>hostile</p>", cc=[uri], tag=[{"type": "Mention", "href": uri}])
    return m, note, m.create(note)


def assert_nothing_stored(fed, actor, note):
    assert remote_account(fed, actor) is None
    assert remote_status(fed, note["id"]) is None


def test_key_of_another_actor(fed, peer):
    m, note, act = hostile_create(fed, peer)
    eve = peer.actor("eve")
    # eve's key signs mallory's activity
    r = deliver(inbox(fed), m, act, key=eve.key, key_id=eve.key_id)
    assert r.status_code == 401, r.text
    assert remote_status(fed, note["id"]) is None
    assert remote_account(fed, m) is None


def test_a_rotated_key_is_fetched_again_once(fed, peer):
    """A cached key that fails is refreshed once (the actor fetched again):
    a rotated key then verifies; another failure within the minute is 401
    without a fetch, so bad signatures cannot make us fetch."""
    from cryptography.hazmat.primitives.asymmetric import rsa
    alice = open_inbox(fed.user())
    rot = peer.actor("rot")
    uri = fed.url(f"/users/{alice.name}")

    def note(text):
        return rot.note(f"<p>{text}</p>", cc=[uri], tag=[{"type": "Mention", "href": uri}])

    def fetches():
        return peer.hits.count(rot.path)
    first = note("first key")
    assert deliver(inbox(fed), rot, rot.create(first)).status_code == 202
    # fetched more than a minute ago (the least time between two fetches)
    db = store_connect(fed.data)
    try:
        db.execute("UPDATE remote_actors SET fetched_at = fetched_at - 120000 WHERE key_id = ?",
                   (rot.key_id,))
        db.commit()
    finally:
        db.close()
    before = fetches()
    rot.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    peer.serve_json(rot.path, rot.doc())
    second = note("second key")
    r = deliver(inbox(fed), rot, rot.create(second))
    assert r.status_code == 202, r.text
    assert remote_status(fed, second["id"]) is not None
    assert fetches() == before + 1
    rot.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    peer.serve_json(rot.path, rot.doc())
    third = note("third key, too soon")
    assert deliver(inbox(fed), rot, rot.create(third)).status_code == 401
    assert remote_status(fed, third["id"]) is None
    assert fetches() == before + 1


@pytest.mark.parametrize("what", ["body", "digest", "date", "covered"])
def test_altered_request(fed, peer, what):
    m, note, act = hostile_create(fed, peer)
    body = json.dumps(act).encode()
    h = sign_headers(inbox(fed), body, m.key, m.key_id)
    if what == "body":
        body = body.replace(b"hostile", b"altered")
    elif what == "digest":
        h["Digest"] = "SHA-256=" + "A" * 43 + "="
    elif what == "date":
        h["Date"] = formatdate(time.time() - 60, usegmt=True)
    else:
        h["Content-Type"] = "application/ld+json"
    r = requests.post(inbox(fed), data=body, headers=h)
    assert r.status_code in (400, 401), r.text
    assert remote_status(fed, note["id"]) is None


@pytest.mark.parametrize("offset", [-66 * 60, 61 * 60])
def test_date_outside_window(fed, peer, offset):
    m, note, act = hostile_create(fed, peer)
    r = deliver(inbox(fed), m, act, date=formatdate(time.time() + offset, usegmt=True))
    assert r.status_code == 401, r.text
    assert_nothing_stored(fed, m, note)


def test_unsigned(fed, peer):
    m, note, act = hostile_create(fed, peer)
    r = requests.post(inbox(fed), json=act, headers={"Content-Type": "application/activity+json"})
    assert r.status_code == 401
    assert_nothing_stored(fed, m, note)


@pytest.mark.parametrize("doc", ["other-id", "other-host", "html", "json", "no-context"])
def test_fetched_actor_document_rules(fed, peer, doc):
    m, note, act = hostile_create(fed, peer)
    d = m.doc()
    ct = "application/activity+json"
    if doc == "other-id":
        d["id"] = m.id + "x"
    elif doc == "other-host":
        d["id"] = d["id"].replace("127.0.0.1", "localhost")
    elif doc == "html":
        ct = "text/html"
    elif doc == "json":
        ct = "application/json"
    else:
        d["@context"] = "https://example.com/ns"
    peer.serve_json(m.path, d, content_type=ct)
    r = deliver(inbox(fed), m, act)
    assert r.status_code == 401, r.text
    assert_nothing_stored(fed, m, note)


def test_ld_json_with_profile_is_accepted(fed, peer):
    m, note, act = hostile_create(fed, peer, "carol")
    peer.serve_json(m.path, m.doc(),
                    content_type='application/ld+json; profile="https://www.w3.org/ns/activitystreams"')
    assert deliver(inbox(fed), m, act).status_code == 202
    assert remote_status(fed, note["id"]) is not None


def test_key_behind_redirects(fed, peer):
    """Redirects are followed (signed again each time), at most three."""
    m, note, act = hostile_create(fed, peer, "dave")
    for i in range(4):
        peer.routes[f"/hop{i}"] = (302, {"Location": peer.base + f"/hop{i + 1}"}, b"")
    peer.routes["/hop4"] = peer.routes[m.path]
    r = deliver(inbox(fed), m, act, key_id=peer.base + "/hop0#main-key")
    assert r.status_code == 503  # the key could not be fetched
    assert_nothing_stored(fed, m, note)
    assert "/hop3" in peer.hits and "/hop4" not in peer.hits


@pytest.mark.parametrize("target", ["http://10.0.0.1/actor", "http://169.254.169.254/latest",
                                    "http://[::ffff:192.168.0.1]/a", "file:///etc/passwd"])
def test_ssrf_key_fetch(fed, peer, target):
    m, note, act = hostile_create(fed, peer)
    peer.routes["/redirect"] = (302, {"Location": target}, b"")
    for key_id in (target + "#main-key", peer.base + "/redirect#main-key"):
        r = deliver(inbox(fed), m, act, key_id=key_id)
        assert r.status_code in (401, 503), r.text
    assert_nothing_stored(fed, m, note)


def test_ssrf_loopback_outside_test_mode(server, peer):
    """Without the test mode, loopback (and plain http) is never fetched."""
    m = peer.actor("mallory")
    alice = server.user()
    uri = server.url(f"/users/{alice.name}")
    note = m.note("<p>x</p>", cc=[uri])
    for key_id in (m.key_id, m.key_id.replace("http://", "https://")):
        r = deliver(server.url("/inbox"), m, m.create(note), key_id=key_id)
        assert r.status_code in (401, 503), r.text
    assert m.path not in peer.hits
    assert remote_account(server, m) is None


def test_deep_nesting_and_large_bodies(fed, peer):
    m, note, act = hostile_create(fed, peer)
    body = (json.dumps(act)[:-1] + ',"deep":' + "[" * 5000 + "]" * 5000 + "}").encode()
    r = deliver(inbox(fed), m, act, body=body)
    assert r.status_code == 400, r.text
    big = json.dumps(dict(act, pad="x" * (10 << 20))).encode()
    r = deliver(inbox(fed), m, act, body=big)
    assert r.status_code == 413
    assert_nothing_stored(fed, m, note)


def test_cyclic_reply_chain_is_bounded(fed, peer):
    alice = fed.user()
    m = peer.actor("loop")
    uri = fed.url(f"/users/{alice.name}")
    a = m.note("<p>a</p>", id=m.id + "/statuses/a", inReplyTo=m.id + "/statuses/b")
    b = m.note("<p>b</p>", id=m.id + "/statuses/b", inReplyTo=m.id + "/statuses/a")
    peer.serve_json("/users/loop/statuses/a", dict(a, **{"@context": AS}))
    peer.serve_json("/users/loop/statuses/b", dict(b, **{"@context": AS}))
    start = dict(a, id=m.id + "/statuses/c", inReplyTo=a["id"], cc=[uri],
                 tag=[{"type": "Mention", "href": uri}])
    r = deliver(inbox(fed), m, m.create(start))
    assert r.status_code == 202, r.text
    fetched = [h for h in peer.hits if "/statuses/" in h]
    assert 1 <= len(fetched) <= 12, fetched


def test_object_on_another_host(fed, peer):
    m, note, act = hostile_create(fed, peer)
    note["id"] = "http://localhost:1/statuses/1"
    r = deliver(inbox(fed), m, act)
    assert r.status_code == 403
    assert remote_status(fed, note["id"]) is None


def test_delete_or_update_of_another_actors_objects(fed, peer):
    alice = open_inbox(fed.user())
    bob, m = peer.actor("bob"), peer.actor("mallory")
    uri = fed.url(f"/users/{alice.name}")
    note = bob.note("<p>mine</p>", cc=[uri], tag=[{"type": "Mention", "href": uri}])
    assert deliver(inbox(fed), bob, bob.create(note)).status_code == 202
    assert deliver(inbox(fed), m, m.activity("Delete", note["id"])).status_code == 403
    assert remote_status(fed, note["id"]) is not None
    local = post(alice, "local")
    local_uri = fed.url(f"/users/{alice.name}/statuses/{local['id']}")
    assert deliver(inbox(fed), m, m.activity("Delete", local_uri)).status_code == 403
    assert alice.get(f"/api/v1/statuses/{local['id']}").status_code == 200
    # an Update of bob sent by mallory changes nothing
    r = deliver(inbox(fed), m, m.activity("Update", bob.doc(name="Pwned")))
    assert r.status_code == 202
    assert rows(fed, "SELECT display_name FROM accounts WHERE uri = ?", bob.id) == [("Bob",)]
    # bob's own Delete works
    assert deliver(inbox(fed), bob, bob.activity("Delete", note["id"])).status_code == 202
    assert remote_status(fed, note["id"]) is None


def test_status_served_at_its_uri(fed):
    alice = fed.user()
    s = post(alice, "hello #fedi")
    uri = fed.url(f"/users/{alice.name}/statuses/{s['id']}")
    assert s["uri"] == uri
    r = requests.get(uri, headers=AP)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/activity+json")
    n = r.json()
    assert n["id"] == uri and n["type"] == "Note" and n["attributedTo"] == fed.url(f"/users/{alice.name}")
    assert n["to"] == [PUBLIC] and "hello" in n["content"]
    assert any(t["type"] == "Hashtag" for t in n["tag"])
    r = requests.get(uri, headers={"Accept": "text/html"}, allow_redirects=False)
    assert r.status_code in (302, 303) and r.headers["Location"].endswith(f"/@{alice.name}/{s['id']}")
    r = requests.get(fed.url(f"/@{alice.name}/{s['id']}"), headers=AP)
    assert r.json()["id"] == uri
    private = post(alice, "secret", visibility="private")
    r = requests.get(fed.url(f"/users/{alice.name}/statuses/{private['id']}"), headers=AP)
    assert r.status_code == 404


def test_insecure_mode_needs_loopback(tmp_path):
    env = dict(__import__("os").environ, **TEST_ENV, RAPPORT_FEDERATION_INSECURE="1")
    p = subprocess.run([BIN, "serve", "--data", str(tmp_path), "--listen", f"0.0.0.0:{free_port()}"],
                       capture_output=True, text=True, env=env, timeout=30)
    assert p.returncode != 0
    assert "RAPPORT_FEDERATION_INSECURE is for tests" in p.stderr


# ---- resolving handles and URLs, remote follows ----

def search(user, q, **kw):
    r = user.get("/api/v2/search", params=dict(q=q, resolve="true", **kw))
    assert r.status_code == 200, r.text
    return r.json()


def test_search_resolves_a_handle_through_webfinger(fed, peer):
    alice = fed.user()
    frank = peer.actor("frank")
    host = f"127.0.0.1:{peer.port}"
    peer.webfinger({f"frank@{host}": frank.id})
    found = search(alice, f"@frank@{host}")["accounts"]
    assert [a["acct"] for a in found] == [f"frank@{host}"]
    assert found[0]["url"] == frank.id and found[0]["display_name"] == "Frank"
    # without resolve, or anonymously, nothing is fetched
    hits = len(peer.hits)
    assert requests.get(fed.url("/api/v2/search"),
                        params={"q": f"@frank@{host}", "resolve": "true"}).status_code == 401
    assert len(peer.hits) == hits


def test_webfinger_loop_back_check(fed, peer):
    """A handle whose WebFinger names an actor that calls itself by
    another handle, which does not lead back to it, makes no account."""
    alice = fed.user()
    liar = peer.actor("liar")
    victim = peer.actor("victim")
    host = f"127.0.0.1:{peer.port}"
    # liar@host points at liar's actor, whose preferredUsername is "ceo";
    # ceo@host points at victim
    peer.serve_json(liar.path, liar.doc(preferredUsername="ceo"))
    peer.webfinger({f"liar@{host}": liar.id, f"ceo@{host}": victim.id})
    assert search(alice, f"liar@{host}")["accounts"] == []
    assert remote_account(fed, liar) is None


def test_search_resolves_a_status_url(fed, peer):
    alice = fed.user()
    gina = peer.actor("gina")
    note = gina.note("<p>findable</p>")
    peer.serve_json(f"/users/gina/statuses/{note['id'].rsplit('/', 1)[1]}",
                    dict(note, **{"@context": AS}))
    found = search(alice, note["id"])["statuses"]
    assert [s["uri"] for s in found] == [note["id"]]
    assert found[0]["account"]["acct"] == f"gina@127.0.0.1:{peer.port}"
    # a status whose document names another id is not made
    other = gina.note("<p>liar</p>")
    peer.serve_json(f"/users/gina/statuses/{other['id'].rsplit('/', 1)[1]}",
                    dict(other, id=note["id"] + "x", **{"@context": AS}))
    assert search(alice, other["id"])["statuses"] == []
    assert remote_status(fed, other["id"]) is None


def test_remote_follow_waits_for_accept(fed, peer):
    alice = fed.user()
    hank = peer.actor("hank")
    peer.webfinger({f"hank@127.0.0.1:{peer.port}": hank.id})
    hid = search(alice, f"hank@127.0.0.1:{peer.port}")["accounts"][0]["id"]
    rel = alice.post(f"/api/v1/accounts/{hid}/follow").json()
    assert rel["requested"] is True and rel["following"] is False
    accept = hank.activity("Accept", {"id": fed.url(f"/users/{alice.name}#follows/{hid}"),
                                      "type": "Follow", "actor": fed.url(f"/users/{alice.name}"),
                                      "object": hank.id})
    assert deliver(fed.url(f"/users/{alice.name}/inbox"), hank, accept).status_code == 202
    rel = alice.get("/api/v1/accounts/relationships", params={"id[]": hid}).json()[0]
    assert rel["following"] is True and rel["requested"] is False
    # an Accept by someone else of alice's follow of hank does nothing
    # (and a Reject by hank ends the follow)
    reject = hank.activity("Reject", fed.url(f"/users/{alice.name}#follows/{hid}"))
    assert deliver(fed.url("/inbox"), hank, reject).status_code == 202
    rel = alice.get("/api/v1/accounts/relationships", params={"id[]": hid}).json()[0]
    assert rel["following"] is False


def test_accept_by_another_actor_is_ignored(fed, peer):
    alice = fed.user()
    ivy, mal = peer.actor("ivy"), peer.actor("mallory")
    peer.webfinger({f"ivy@127.0.0.1:{peer.port}": ivy.id})
    iid = search(alice, f"ivy@127.0.0.1:{peer.port}")["accounts"][0]["id"]
    alice.post(f"/api/v1/accounts/{iid}/follow")
    forged = mal.activity("Accept", {"type": "Follow", "actor": fed.url(f"/users/{alice.name}"),
                                     "object": ivy.id})
    assert deliver(fed.url("/inbox"), mal, forged).status_code == 202
    rel = alice.get("/api/v1/accounts/relationships", params={"id[]": iid}).json()[0]
    assert rel["following"] is False and rel["requested"] is True


# ---- domain rules ----

def test_admin_domain_block_and_limit(make_server, peer):
    s = make_server(env={"RAPPORT_FEDERATION_INSECURE": "1"})
    alice = s.user()
    uri = s.url(f"/users/{alice.name}")
    host = f"127.0.0.1:{peer.port}"
    jo = peer.actor("jo")
    note = jo.note("<p>before</p>", cc=[uri], tag=[{"type": "Mention", "href": uri}])
    assert deliver(s.url("/inbox"), jo, jo.create(note)).status_code == 202
    # limited: a mention from an account nobody here follows is dropped
    run_cli("domain", "limit", host, data=s.data)
    limited = jo.note("<p>limited</p>", cc=[uri], tag=[{"type": "Mention", "href": uri}])
    assert deliver(s.url("/inbox"), jo, jo.create(limited)).status_code == 202
    assert remote_status(s, limited["id"]) is None
    # blocked: refused outright, even with the key known
    assert "blocked" in run_cli("domain", "block", f"http://{host}/", data=s.data).stdout
    after = jo.note("<p>after</p>", cc=[uri], tag=[{"type": "Mention", "href": uri}])
    assert deliver(s.url("/inbox"), jo, jo.create(after)).status_code == 403
    assert remote_status(s, after["id"]) is None
    kim = peer.actor("kim")  # an unknown actor of the domain: not even fetched
    hits = len(peer.hits)
    assert deliver(s.url("/inbox"), kim, kim.create(kim.note("<p>x</p>", cc=[uri]))).status_code == 403
    assert len(peer.hits) == hits
    run_cli("domain", "unblock", host, data=s.data)
    assert deliver(s.url("/inbox"), jo, jo.create(after)).status_code == 202
    assert run_cli("domain", "block", "not a domain", data=s.data, check=False).returncode == 2


def test_user_domain_blocks(fed, peer):
    alice = open_inbox(fed.user())
    host = f"127.0.0.1:{peer.port}"
    lee = peer.actor("lee")
    uri = fed.url(f"/users/{alice.name}")
    assert deliver(inbox(fed), lee, lee.activity("Follow", uri)).status_code == 202
    assert len(alice.get(f"/api/v1/accounts/{alice.id}/followers").json()) == 1
    r = alice.post("/api/v1/domain_blocks", data={"domain": host})
    assert r.status_code == 200, r.text
    assert alice.get("/api/v1/domain_blocks").json() == [host]
    # its followers are gone, and its follows and mentions are dropped
    assert alice.get(f"/api/v1/accounts/{alice.id}/followers").json() == []
    assert deliver(inbox(fed), lee, lee.activity("Follow", uri)).status_code == 202
    assert alice.get(f"/api/v1/accounts/{alice.id}/followers").json() == []
    n = lee.note("<p>hey</p>", to=[uri], tag=[{"type": "Mention", "href": uri}])
    assert deliver(inbox(fed), lee, lee.create(n)).status_code == 202
    assert [x for x in alice.get("/api/v1/notifications").json() if x["type"] == "mention"] == []
    assert alice.post("/api/v1/domain_blocks", data={"domain": "a b"}).status_code == 422
    assert alice.post("/api/v1/domain_blocks", data={"domain": fed.domain}).status_code == 422
    assert alice.delete("/api/v1/domain_blocks", data={"domain": host}).status_code == 200
    assert alice.get("/api/v1/domain_blocks").json() == []


def test_update_of_a_note_only_if_newer(fed, peer):
    alice = open_inbox(fed.user())
    bob, m = peer.actor("bob"), peer.actor("mallory")
    uri = fed.url(f"/users/{alice.name}")
    note = bob.note("<p>first</p>", cc=[uri], tag=[{"type": "Mention", "href": uri}])
    assert deliver(inbox(fed), bob, bob.create(note)).status_code == 202
    sid = remote_status(fed, note["id"])[0]
    edit = dict(note, content="<p>second <script>x</script></p>", updated="2026-01-02T00:00:00Z")
    assert deliver(inbox(fed), bob, bob.activity("Update", edit)).status_code == 202
    st = alice.get(f"/api/v1/statuses/{sid}").json()
    assert "second" in st["content"] and "script" not in st["content"] and st["edited_at"]
    older = dict(note, content="<p>stale</p>", updated="2026-01-01T12:00:00Z")
    assert deliver(inbox(fed), bob, bob.activity("Update", older)).status_code == 202
    assert "second" in alice.get(f"/api/v1/statuses/{sid}").json()["content"]
    forged = dict(note, content="<p>forged</p>", updated="2026-01-03T00:00:00Z")
    assert deliver(inbox(fed), m, m.activity("Update", forged)).status_code == 403
    assert "second" in alice.get(f"/api/v1/statuses/{sid}").json()["content"]
    hist = alice.get(f"/api/v1/statuses/{sid}/history").json()
    assert len(hist) == 2


def test_remote_reply_counts_like_a_local_one(fed, peer):
    """A reply from another server goes through the core's paths: it is in
    the thread, in "waiting for you", and in the replies count."""
    alice = open_inbox(fed.user())
    bob = peer.actor("bob")
    s = post(alice, "Our new release is out")
    parent = fed.url(f"/users/{alice.name}/statuses/{s['id']}")
    uri = fed.url(f"/users/{alice.name}")
    reply = bob.note(f'<p><a href="{uri}">@{alice.name}</a> how do I upgrade from the old one?</p>',
                     cc=[uri], inReplyTo=parent, tag=[{"type": "Mention", "href": uri}])
    assert deliver(inbox(fed), bob, bob.create(reply)).status_code == 202
    rid = str(remote_status(fed, reply["id"])[0])
    ctx = alice.get(f"/api/v1/statuses/{s['id']}/context").json()
    assert [d["id"] for d in ctx["descendants"]] == [rid]
    assert alice.get(f"/api/v1/statuses/{s['id']}").json()["replies_count"] == 1
    waiting = alice.get("/api/rapport/v1/waiting").json()
    assert [(w["status"]["id"], w["kind"]) for w in waiting] == [(rid, "question")]
    # her answer settles it
    answer = post(alice, f"@bob@127.0.0.1:{peer.port} run the migration first",
                  in_reply_to_id=rid)
    assert alice.get("/api/rapport/v1/waiting").json() == []
    # the handle with its port is a mention of bob (test mode)
    assert [m["acct"] for m in answer["mentions"]] == [f"bob@127.0.0.1:{peer.port}"]


def test_full_text_search_follows_the_remote_indexable(fed, peer):
    """A remote account's public posts are found by full-text search only
    when its actor opts in with indexable (Mastodon's default is not to),
    and as soon as an Update says so."""
    alice, carol = open_inbox(fed.user()), fed.user()
    nia = peer.actor("nia")
    peer.serve_json(nia.path, nia.doc(discoverable=True, indexable=False))
    uri = fed.url(f"/users/{alice.name}")
    note = nia.note("<p>quokkas of zanzibar</p>", cc=[uri],
                    tag=[{"type": "Mention", "href": uri}])
    assert deliver(inbox(fed), nia, nia.create(note)).status_code == 202
    assert remote_status(fed, note["id"]) is not None

    def found():
        r = carol.get("/api/v2/search", params={"q": "zanzibar", "type": "statuses"})
        assert r.status_code == 200, r.text
        return [s["uri"] for s in r.json()["statuses"]]
    assert found() == []
    upd = nia.activity("Update", nia.doc(discoverable=True, indexable=True))
    assert deliver(inbox(fed), nia, upd).status_code == 202
    assert found() == [note["id"]]
    upd = nia.activity("Update", nia.doc(discoverable=False, indexable=True))
    assert deliver(inbox(fed), nia, upd).status_code == 202
    assert found() == []


def test_replays_racing_the_original_apply_once(fed, peer):
    # the id is claimed in the transaction of the activity's first write:
    # copies POSTed at once are all answered 202 and make one status
    from concurrent.futures import ThreadPoolExecutor
    alice = fed.user()
    carol = peer.actor("carol")
    note = carol.note("<p>once</p>", to=[fed.url(f"/users/{alice.name}")])
    body = json.dumps(carol.create(note)).encode()
    h = sign_headers(inbox(fed), body, carol.key, carol.key_id)
    with ThreadPoolExecutor(8) as ex:
        codes = list(ex.map(lambda _: requests.post(inbox(fed), data=body, headers=h).status_code,
                            range(16)))
    assert codes == [202] * 16
    assert rows(fed, "SELECT COUNT(*) FROM statuses WHERE uri = ?", note["id"]) == [(1,)]
    claimed = json.loads(body)["id"]
    assert rows(fed, "SELECT COUNT(*) FROM inbox_seen WHERE activity = ?", claimed) == [(1,)]
