"""What a server must tell others beyond statuses and relations, through
the real binary in the test mode with a peer that records deliveries
(fedpeer.py): a deleted account's Delete (to its followers' and every
known server, signed with its key, which goes once they are sent), a
suspension's Update of the actor (and the unsuspension's), a forwarded
report's Flag, and the admin's domain rules, one table for the admin API
and `rapport domain`, enforced by the inbox."""
import base64
import json
import time

import pytest
import requests
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

import media_files as mf
from conftest import PASSWORD, open_inbox, run_cli, store_connect
from fedpeer import Peer, deliver

from test_federation_inbox import AP, fed, peer  # noqa: F401 (the same server and peer)

ADMIN_SCOPES = "read write follow push admin:read admin:write"


@pytest.fixture
def peer2():
    p = Peer()
    yield p
    p.close()


def admin(server):
    u = server.user()
    run_cli("user", "role", u.name, "admin", data=server.data)
    u.admin_headers = {"Authorization": "Bearer " + server.token(u.email, scopes=ADMIN_SCOPES)}
    return u


def rows(server, sql, *args):
    db = store_connect(server.data)
    try:
        return [tuple(r) for r in db.execute(sql, args).fetchall()]
    finally:
        db.close()


def received(peer, kind, pred=lambda a: True, timeout=20):
    """The activities of type kind the peer was sent (with their POST),
    waiting until one satisfies pred."""
    deadline = time.monotonic() + timeout
    while True:
        got = [(json.loads(body), path, h) for path, h, body in list(peer.posts)]
        got = [g for g in got if g[0].get("type") == kind]
        if any(pred(g[0]) for g in got) or time.monotonic() > deadline:
            return got
        time.sleep(0.1)


def verify(path, headers, body, pem):
    """Checks a draft-cavage signature of a POST of body to path."""
    params = dict(p.split("=", 1) for p in headers["signature"].split(","))
    params = {k: v.strip('"') for k, v in params.items()}
    lines = []
    for name in params["headers"].split():
        lines.append(f"(request-target): post {path}" if name == "(request-target)"
                     else f"{name}: {headers[name]}")
    key = serialization.load_pem_public_key(pem.encode())
    key.verify(base64.b64decode(params["signature"]), "\n".join(lines).encode(),
               padding.PKCS1v15(), hashes.SHA256())
    return params["keyId"]


def followed_by(fed, peer, user, name):
    """A remote actor of peer follows user; returns it once accepted."""
    actor = peer.actor(name)
    uri = fed.url(f"/users/{user.name}")
    assert deliver(fed.url("/inbox"), actor, actor.activity("Follow", uri)).status_code == 202
    assert received(peer, "Accept", lambda a: a["actor"] == uri)
    return actor


def test_deleted_account_sends_delete_of_the_actor(fed, peer, peer2):
    alice = open_inbox(fed.user())
    aid, uri = int(alice.id), fed.url(f"/users/{alice.name}")
    pem = requests.get(uri, headers=AP).json()["publicKey"]["publicKeyPem"]
    followed_by(fed, peer, alice, "bob")
    # a server that only ever wrote to someone here hears of it too
    carol = peer2.actor("carol")
    note = carol.note("<p>hello</p>", cc=[uri], tag=[{"type": "Mention", "href": uri}])
    assert deliver(fed.url("/inbox"), carol, carol.create(note)).status_code == 202
    mine = fed.user()  # an account no server knows has no key and sends nothing
    assert mine.post("/api/rapport/v1/account/delete",
                     data={"password": PASSWORD}).status_code == 200

    assert alice.post("/api/rapport/v1/account/delete",
                      data={"password": PASSWORD}).status_code == 200
    for p in (peer, peer2):
        got = received(p, "Delete", lambda a: a["object"] == uri)
        deletes = [g for g in got if g[0]["object"] == uri]
        assert len(deletes) == 1, got
        act, path, headers = deletes[0]
        assert path == "/inbox"  # the shared inbox, once per server
        assert act["actor"] == uri and act["id"] == uri + "#delete"
        assert act["to"] == ["https://www.w3.org/ns/activitystreams#Public"]
        body = [b for q, h, b in p.posts if q == path and json.loads(b)["type"] == "Delete"][0]
        assert verify(path, headers, body, pem) == uri + "#main-key"
    assert not any(json.loads(b).get("actor") == fed.url(f"/users/{mine.name}")
                   for _, _, b in peer.posts + peer2.posts)
    # the key went with the last delivery; the tombstone stays
    deadline = time.monotonic() + 10
    while rows(fed, "SELECT 1 FROM actor_keys WHERE account_id = ?", aid):
        assert time.monotonic() < deadline, "the deleted account's key was kept"
        time.sleep(0.1)
    assert rows(fed, "SELECT 1 FROM account_tombstones WHERE account_id = ?", aid)
    assert requests.get(uri, headers=AP).status_code in (404, 410)


def test_suspension_sends_update_of_the_actor(fed, peer):
    staff, alice = admin(fed), fed.user()
    uri = fed.url(f"/users/{alice.name}")
    followed_by(fed, peer, alice, "dan")
    r = requests.post(fed.url(f"/api/v1/admin/accounts/{alice.id}/action"),
                      headers=staff.admin_headers, data={"type": "suspend", "text": "spam"})
    assert r.status_code == 200, r.text
    got = received(peer, "Update", lambda a: a["object"].get("suspended") is True)
    ups = [a for a, _, _ in got if a["actor"] == uri]
    assert len(ups) == 1 and ups[0]["object"]["id"] == uri, got
    person = ups[0]["object"]
    assert person["suspended"] is True and person["summary"] == "" and person["attachment"] == []
    assert person["publicKey"]["id"] == uri + "#main-key"
    # its document says so too, as Mastodon serves a suspended actor
    assert requests.get(uri, headers=AP).json()["suspended"] is True
    r = requests.post(fed.url(f"/api/v1/admin/accounts/{alice.id}/unsuspend"),
                      headers=staff.admin_headers)
    assert r.status_code == 200, r.text
    got = received(peer, "Update", lambda a: a["actor"] == uri and "suspended" not in a["object"])
    assert [a for a, _, _ in got if "suspended" not in a["object"]], got
    assert "suspended" not in requests.get(uri, headers=AP).json()


def test_suspended_remote_account_stops_following(fed, peer):
    staff, alice = admin(fed), fed.user()
    fay = followed_by(fed, peer, alice, "fay")
    follow = [a for a, _, _ in received(peer, "Accept")][0]["object"]
    fid = rows(fed, "SELECT id FROM accounts WHERE uri = ?", fay.id)[0][0]
    assert alice.get(f"/api/v1/accounts/{alice.id}").json()["followers_count"] == 1
    r = requests.post(fed.url(f"/api/v1/admin/accounts/{fid}/action"),
                      headers=staff.admin_headers, data={"type": "suspend"})
    assert r.status_code == 200, r.text
    # Mastodon's reject_remote_follows!: its server hears a Reject of the follow
    got = received(peer, "Reject")
    assert len(got) == 1, got
    reject, path, _ = got[0]
    assert path == "/users/fay/inbox" and reject["actor"] == fed.url(f"/users/{alice.name}")
    assert reject["object"]["id"] == follow["id"] and reject["object"]["actor"] == fay.id
    assert alice.get(f"/api/v1/accounts/{alice.id}").json()["followers_count"] == 0
    assert not received(peer, "Update", timeout=0)  # a remote actor is not ours to update


def test_forwarded_report_sends_flag(fed, peer):
    alice = open_inbox(fed.user())
    uri = fed.url(f"/users/{alice.name}")
    eve = peer.actor("eve")
    note = eve.note("<p>buy now</p>", cc=[uri], tag=[{"type": "Mention", "href": uri}])
    assert deliver(fed.url("/inbox"), eve, eve.create(note)).status_code == 202
    sid = rows(fed, "SELECT id FROM statuses WHERE uri = ?", note["id"])[0][0]
    eid = rows(fed, "SELECT id FROM accounts WHERE uri = ?", eve.id)[0][0]
    r = alice.post("/api/v1/reports", data={"account_id": str(eid), "status_ids[]": [str(sid)],
                                            "comment": "spam, kept", "forward": "false"})
    assert r.status_code == 200, r.text
    r = alice.post("/api/v1/reports", data={"account_id": str(eid), "status_ids[]": [str(sid)],
                                            "comment": "spam, forwarded", "forward": "true",
                                            "category": "spam"})
    assert r.status_code == 200 and r.json()["forwarded"] is True, r.text
    got = received(peer, "Flag")
    assert len(got) == 1, got
    flag, path, headers = got[0]
    assert path == "/users/eve/inbox"  # the account's own inbox, as Mastodon sends it
    assert flag["actor"] == fed.url("/actor")
    assert flag["object"] == [eve.id, note["id"]]
    assert flag["content"] == "spam, forwarded"
    pem = requests.get(fed.url("/actor"), headers=AP).json()["publicKey"]["publicKeyPem"]
    body = [b for q, h, b in peer.posts if json.loads(b)["type"] == "Flag"][0]
    assert verify(path, headers, body, pem) == fed.url("/actor#main-key")
    # a report of a local account goes nowhere
    bob = fed.user()
    r = alice.post("/api/v1/reports", data={"account_id": bob.id, "forward": "true"})
    assert r.status_code == 200
    time.sleep(0.5)
    assert len(received(peer, "Flag", timeout=0)) == 1


def queue(server, actor_id, inbox, host):
    """A delivery of a made-up activity by actor_id, due now."""
    db = store_connect(server.data)
    try:
        body = json.dumps({"type": "Create", "actor": server.url("/users/ghost")})
        aid = db.execute("INSERT INTO fed_activities (actor_id, body, created_at)"
                         " VALUES (?, ?, 0) RETURNING id", (actor_id, body)).fetchone()[0]
        did = db.execute("INSERT INTO deliveries (activity_id, inbox, host, next_at)"
                         " VALUES (?, ?, ?, 0) RETURNING id", (aid, inbox, host)).fetchone()[0]
        db.commit()
        return did
    finally:
        db.close()


def test_delivery_no_key_can_sign_is_dropped(fed, peer):
    """A delivery whose actor is no account of ours (gone with its key, or
    remote) is dropped with a log line, not taken again forever."""
    bob = peer.actor("bob")
    assert deliver(fed.url("/inbox"), bob, bob.activity(
        "Follow", fed.url(f"/users/{fed.user().name}"))).status_code == 202
    remote = rows(fed, "SELECT id FROM accounts WHERE uri = ?", bob.id)[0][0]
    host = f"127.0.0.1:{peer.port}"
    ids = [queue(fed, actor, f"http://{host}/inbox", host) for actor in (987654321, remote)]
    deadline = time.monotonic() + 15
    while any(rows(fed, "SELECT 1 FROM deliveries WHERE id = ?", i) for i in ids):
        assert time.monotonic() < deadline, "an unsignable delivery is still queued"
        time.sleep(0.2)
    log = fed.log.read_text(errors="replace")
    assert log.count("has no key to sign it") >= 2
    assert "actor 987654321 of activity" in log
    assert not [b for _, _, b in peer.posts if b"ghost" in b]


def test_admin_api_and_cli_domain_rules_are_one(make_server, peer):
    s = make_server(env={"RAPPORT_FEDERATION_INSECURE": "1"})
    staff, alice = admin(s), s.user()
    h = staff.admin_headers
    uri = s.url(f"/users/{alice.name}")
    host = f"127.0.0.1:{peer.port}"
    jo = peer.actor("jo")

    def create(text):
        n = jo.note(f"<p>{text}</p>", cc=[uri], tag=[{"type": "Mention", "href": uri}])
        return deliver(s.url("/inbox"), jo, jo.create(n)).status_code, n["id"]

    assert create("known")[0] == 202
    # blocked through the admin API: the inbox refuses the domain
    r = requests.post(s.url("/api/v1/admin/domain_blocks"), headers=h,
                      data={"domain": host, "severity": "suspend"})
    assert r.status_code == 200, r.text
    block = r.json()
    assert block["domain"] == host
    code, nid = create("refused")
    assert code == 403
    assert not rows(s, "SELECT 1 FROM statuses WHERE uri = ?", nid)
    # and so do its subdomains (Mastodon's rule_for), before any fetch
    sub = Peer()
    try:
        kim = sub.actor("kim")
        kim.id = kim.id.replace("127.0.0.1", "sub.blocked.test")
        kim.key_id = kim.id + "#main-key"
        requests.post(s.url("/api/v1/admin/domain_blocks"), headers=h,
                      data={"domain": f"*.blocked.test:{sub.port}", "severity": "suspend"})
        r = deliver(s.url("/inbox"), kim, kim.create(kim.note("<p>x</p>", cc=[uri])))
        assert r.status_code == 403, r.text
    finally:
        sub.close()
    # the command line sees and changes the same rule: limited = silenced
    assert "limited" in run_cli("domain", "limit", host, data=s.data).stdout
    listed = requests.get(s.url("/api/v1/admin/domain_blocks"), headers=h).json()
    mine = [b for b in listed if b["domain"] == host]
    assert len(mine) == 1 and mine[0]["id"] == block["id"] and mine[0]["severity"] == "silence"
    code, nid = create("limited")
    assert code == 202 and not rows(s, "SELECT 1 FROM statuses WHERE uri = ?", nid)
    # removed through the admin API: accepted again
    assert requests.delete(s.url(f"/api/v1/admin/domain_blocks/{block['id']}"),
                           headers=h).status_code == 200
    code, nid = create("welcome back")
    assert code == 202 and rows(s, "SELECT 1 FROM statuses WHERE uri = ?", nid)
    # the command line's block is one the admin API lists, and removes
    assert "blocked" in run_cli("domain", "block", host, data=s.data).stdout
    listed = requests.get(s.url("/api/v1/admin/domain_blocks"), headers=h).json()
    blocked = [b for b in listed if b["domain"] == host]
    assert len(blocked) == 1 and blocked[0]["severity"] == "suspend"
    assert create("again")[0] == 403
    assert "no rule" in run_cli("domain", "unblock", host, data=s.data).stdout
    assert "no rule" in run_cli("domain", "unblock", host, data=s.data).stdout
    assert create("open")[0] == 202
    # every change is in the audit log, the command line's without an actor
    log = requests.get(s.url("/api/rapport/v1/admin/audit"), headers=h).json()
    steps = [(e["action"], e["actor"]) for e in reversed(log) if e["target_type"] == "domain_block"]
    assert steps == [("create_domain_block", staff.name), ("create_domain_block", staff.name),
                     ("update_domain_block", None), ("destroy_domain_block", staff.name),
                     ("create_domain_block", None), ("destroy_domain_block", None)], steps


def test_a_status_with_media_sends_its_attachments(fed, peer):
    """A status's pictures travel with its Note as Mastodon sends them: a
    Document each, with the file's URL and type, alt text, blurhash, focal
    point and size; the Note at the status's URI says the same."""
    alice = open_inbox(fed.user())
    followed_by(fed, peer, alice, "bob")
    up = alice.post("/api/v1/media", files={"file": ("x.png", mf.png(30, 20), "image/png")},
                    data={"description": "A red field", "focus": "0.5,-0.25"})
    assert up.status_code == 200, up.text
    st = alice.post("/api/v1/statuses", json={"status": "look", "media_ids": [up.json()["id"]]})
    assert st.status_code == 200, st.text
    uri = fed.url(f"/users/{alice.name}/statuses/{st.json()['id']}")
    got = received(peer, "Create", lambda a: a["object"]["id"] == uri)
    note = [a for a, _, _ in got if a["object"]["id"] == uri][0]["object"]
    m = up.json()
    want = [{"type": "Document", "mediaType": "image/png", "url": m["url"],
             "name": "A red field", "blurhash": m["blurhash"], "focalPoint": [0.5, -0.25],
             "width": 30, "height": 20}]
    assert note["attachment"] == want
    assert requests.get(uri, headers=AP).json()["attachment"] == want
    assert requests.get(m["url"]).status_code == 200
