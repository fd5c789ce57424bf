"""The streaming API: Server-Sent Events and WebSocket streams, read by
Mastodon.py's StreamListener and by a plain reader, with the timelines'
rules applied per subscriber (the authorization matrix over streams),
tokens and scopes checked, heartbeats, and slow readers dropped."""
import base64
import json
import os
import socket
import struct
import threading
import time

import pytest
import requests
from mastodon import Mastodon, StreamListener

import media_files as mf
from conftest import PASSWORD, Server, run_cli

WAIT = 2.0


@pytest.fixture(scope="module")
def server():
    """A server of this module's own, with heartbeats every 250 ms: a
    reader closed by a test then notices at once."""
    s = Server(env={"RAPPORT_STREAM_HEARTBEAT_MS": "250"}).start()
    yield s
    assert s.stop() == 0


@pytest.fixture
def alice(server):
    return server.user()


@pytest.fixture
def bob(server):
    return server.user()


class SSE:
    """Reads one SSE stream in a thread: events as (event, data) pairs,
    comment lines apart."""

    def __init__(self, server, token, path):
        self.resp = requests.get(server.url(path), headers={"Authorization": "Bearer " + token},
                                 stream=True, timeout=(5, 60))
        assert self.resp.status_code == 200, self.resp.text
        assert self.resp.headers["Content-Type"].startswith("text/event-stream")
        self.events, self.comments, self.ended = [], [], False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        event = {}
        try:
            for line in self.resp.iter_lines(chunk_size=None, decode_unicode=True):
                if line.startswith(":"):
                    self.comments.append(line)
                elif line == "":
                    if event:
                        self.events.append((event.get("event"), event.get("data")))
                    event = {}
                else:
                    key, _, value = line.partition(": ")
                    event[key] = value
        except Exception:  # closed by the test or the server
            pass
        self.ended = True

    def wait(self, pred, timeout=WAIT):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if pred(self):
                return True
            time.sleep(0.02)
        return pred(self)

    def updates(self, event="update"):
        return [json.loads(d)["id"] for e, d in self.events if e == event]

    def deletes(self):
        return [d for e, d in self.events if e == "delete"]

    def close(self):
        self.resp.close()


def post(user, text, **kw):
    r = user.post("/api/v1/statuses", json={"status": text, **kw})
    assert r.status_code == 200, r.text
    return r.json()


def test_health(server):
    r = requests.get(server.url("/api/v1/streaming/health"))
    assert r.status_code == 200 and r.text == "OK"


def test_bad_tokens_and_scopes_are_refused(server, alice):
    paths = ["/api/v1/streaming/user", "/api/v1/streaming/public", "/api/v1/streaming"]
    for path in paths:
        assert requests.get(server.url(path)).status_code == 401
        r = requests.get(server.url(path), headers={"Authorization": "Bearer nope"})
        assert r.status_code == 401 and "error" in r.json()
        r = requests.get(server.url(path), params={"access_token": "nope"})
        assert r.status_code == 401
    # An app's own token (no user) streams nothing.
    app = server.app()
    tok = requests.post(server.url("/oauth/token"), data={
        "grant_type": "client_credentials", "client_id": app["client_id"],
        "client_secret": app["client_secret"], "scope": "read"}).json()["access_token"]
    r = requests.get(server.url("/api/v1/streaming/public"),
                     headers={"Authorization": "Bearer " + tok})
    assert r.status_code == 401
    # Scopes: write alone reads no stream; read:statuses is not enough for
    # the notification stream.
    write_only = server.token(alice.email, scopes="write")
    r = requests.get(server.url("/api/v1/streaming/user"),
                     headers={"Authorization": "Bearer " + write_only})
    assert r.status_code == 401
    statuses = server.token(alice.email, scopes="read:statuses")
    r = requests.get(server.url("/api/v1/streaming/user/notification"),
                     headers={"Authorization": "Bearer " + statuses})
    assert r.status_code == 401
    # Parameters: a hashtag stream needs its tag, a list must be one's own.
    r = alice.get("/api/v1/streaming/hashtag")
    assert r.status_code == 400
    r = alice.get("/api/v1/streaming/list", params={"list": "123"})
    assert r.status_code == 404
    # The WebSocket path without a WebSocket handshake.
    r = alice.get("/api/v1/streaming", params={"stream": "user"})
    assert r.status_code == 400


def test_mastodon_py_stream_user(server, alice, bob):
    """Mastodon.py's stream_user gets an update and a notification."""
    assert alice.post(f"/api/v1/accounts/{bob.id}/follow").status_code == 200
    m = Mastodon(access_token=alice.token, api_base_url=server.base)
    got = {"update": [], "notification": []}

    class Listener(StreamListener):
        def on_update(self, status):
            got["update"].append(status)

        def on_notification(self, notification):
            got["notification"].append(notification)

    handle = m.stream_user(Listener(), run_async=True)
    try:
        deadline = time.time() + 5
        while not handle.is_receiving() and time.time() < deadline:
            time.sleep(0.02)
        s = post(bob, "hello alice's home")
        t0 = time.time()
        while not got["update"] and time.time() - t0 < WAIT:
            time.sleep(0.02)
        assert [u["id"] for u in got["update"]] == [int(s["id"])]
        assert got["update"][0]["content"] == s["content"]
        mention = post(bob, f"@{alice.name} a question for you")
        t0 = time.time()
        while not got["notification"] and time.time() - t0 < WAIT:
            time.sleep(0.02)
        assert len(got["notification"]) == 1
        n = got["notification"][0]
        assert n["type"] == "mention" and n["status"]["id"] == int(mention["id"])
        assert n["account"]["id"] == int(bob.id)
    finally:
        handle.close()


def test_authorization_matrix_over_streams(server):
    """Each subscriber's streams carry what its timelines show: followers-
    only posts only to followers, direct messages only to the addressed,
    blocked and muted authors filtered, deletions only where the status
    could be seen."""
    author, follower, stranger, blocker, muter, addressed = (server.user() for _ in range(6))
    for u in (follower, muter):
        assert u.post(f"/api/v1/accounts/{author.id}/follow").status_code == 200
    # The addressed has talked with the author, so the message is no
    # stranger's request (docs/SOCIAL.md) and reaches them.
    post(addressed, f"@{author.name} hello")
    assert blocker.post(f"/api/v1/accounts/{author.id}/follow").status_code == 200
    assert blocker.post(f"/api/v1/accounts/{author.id}/block").status_code == 200
    assert muter.post(f"/api/v1/accounts/{author.id}/mute").status_code == 200
    watchers = {u: {p: SSE(server, u.token, "/api/v1/streaming/" + p)
                    for p in ("user", "public", "direct")}
                for u in (follower, stranger, blocker, muter, addressed)}
    try:
        public = post(author, "for everyone", visibility="public")
        private = post(author, "for my followers", visibility="private")
        direct = post(author, f"@{addressed.name} just you", visibility="direct")
        end = post(author, "the end", visibility="public")
        assert watchers[follower]["user"].wait(lambda s: end["id"] in s.updates())
        assert watchers[stranger]["public"].wait(lambda s: end["id"] in s.updates())
        assert watchers[addressed]["direct"].wait(
            lambda s: any(e == "conversation" for e, _ in s.events))
        r = author.delete(f"/api/v1/statuses/{private['id']}")
        assert r.status_code == 200
        assert watchers[follower]["user"].wait(lambda s: private["id"] in s.deletes())
        time.sleep(0.5)  # anything wrongly sent would have arrived by now

        def ids(u, p):
            return watchers[u][p].updates()

        assert ids(follower, "user") == [public["id"], private["id"], end["id"]]
        assert ids(follower, "public") == [public["id"], end["id"]]
        assert ids(stranger, "user") == []
        assert ids(stranger, "public") == [public["id"], end["id"]]
        assert ids(addressed, "user") == [direct["id"]]
        assert ids(addressed, "public") == [public["id"], end["id"]]
        for u in (blocker, muter):
            assert ids(u, "user") == [] and ids(u, "public") == []
        for u in (follower, stranger, blocker, muter):
            assert watchers[u]["direct"].events == []
            for p in ("user", "public"):
                assert direct["id"] not in json.dumps(watchers[u][p].events)
        conv = [json.loads(d) for e, d in watchers[addressed]["direct"].events
                if e == "conversation"]
        assert [c["last_status"]["id"] for c in conv] == [direct["id"]]
        assert [a["id"] for a in conv[0]["accounts"]] == [author.id]
        # The deletion of the followers-only post: its readers, not others.
        assert private["id"] in watchers[follower]["user"].deletes()
        assert private["id"] not in watchers[stranger]["user"].deletes()
        assert private["id"] not in watchers[stranger]["public"].deletes()
        assert private["id"] not in watchers[blocker]["user"].deletes()
    finally:
        for per in watchers.values():
            for s in per.values():
                s.close()


def test_edits_favourites_and_hashtags(server, alice, bob):
    assert bob.post(f"/api/v1/accounts/{alice.id}/follow").status_code == 200
    home = SSE(server, bob.token, "/api/v1/streaming/user")
    tag = SSE(server, bob.token, "/api/v1/streaming/hashtag?tag=StreamTest")
    notes = SSE(server, alice.token, "/api/v1/streaming/user/notification")
    try:
        s = post(alice, "first words #streamtest")
        assert tag.wait(lambda x: x.updates() == [s["id"]])
        r = alice.put(f"/api/v1/statuses/{s['id']}", json={"status": "second words #streamtest"})
        assert r.status_code == 200
        assert home.wait(lambda x: x.updates("status.update") == [s["id"]])
        edited = [json.loads(d) for e, d in home.events if e == "status.update"][0]
        assert "second words" in edited["content"] and edited["edited_at"]
        assert bob.post(f"/api/v1/statuses/{s['id']}/favourite").status_code == 200
        assert notes.wait(lambda x: [e for e, _ in x.events] == ["notification"])
        n = json.loads(notes.events[0][1])
        assert n["type"] == "favourite" and n["status"]["id"] == s["id"]
        # The notification stream has no statuses.
        assert tag.updates() == [s["id"]] and notes.updates() == []
    finally:
        for x in (home, tag, notes):
            x.close()


def test_heartbeat(make_server):
    srv = make_server(env={"RAPPORT_STREAM_HEARTBEAT_MS": "200"})
    u = srv.user()
    s = SSE(srv, u.token, "/api/v1/streaming/public")
    try:
        assert s.wait(lambda x: ":thump" in x.comments, timeout=3)
    finally:
        s.close()


def test_slow_reader_is_dropped(make_server):
    """A reader that stops reading is dropped once its unsent bytes pass
    the cap, and the others go on."""
    srv = make_server(env={"RAPPORT_STREAM_BUFFER": "16384", "RAPPORT_STREAM_HEARTBEAT_MS": "250"})
    u = srv.user()
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", srv.port))
    sock.sendall(f"GET /api/v1/streaming/public HTTP/1.1\r\nHost: x\r\n"
                 f"Authorization: Bearer {u.token}\r\n\r\n".encode())
    good = SSE(srv, u.token, "/api/v1/streaming/public")
    try:
        text = "x" * 400
        dropped = False
        for i in range(600):
            post(u, f"{text} {i}")
            if i % 20 == 19 and "more than 16384 bytes unread" in srv.log.read_text():
                dropped = True
                break
        assert dropped, "the slow reader was never dropped"
        last = post(u, "after the drop")
        # the good reader has hundreds of updates to read first: on a loaded
        # machine (PostgreSQL beside the ASan pass) that took over 2 s
        assert good.wait(lambda x: last["id"] in x.updates(), timeout=15)
        # The slow reader's connection ends: reading it reaches the end.
        sock.settimeout(10)
        try:
            while sock.recv(65536):
                pass
        except ConnectionResetError:
            pass
    finally:
        sock.close()
        good.close()


# ---- WebSocket, with a minimal client (RFC 6455) ----

class WS:
    def __init__(self, server, path, protocol=None, headers=None):
        self.sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
        key = base64.b64encode(os.urandom(16)).decode()
        extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
        if protocol:
            extra += f"Sec-WebSocket-Protocol: {protocol}\r\n"
        self.sock.sendall((f"GET {path} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                           f"Sec-WebSocket-Version: 13\r\n{extra}\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            assert chunk, head
            head += chunk
        self.status = int(head.split()[1])
        self.headers = head.decode()
        self.buf = b""

    def send(self, obj, opcode=1):
        data = json.dumps(obj).encode()
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
        assert len(data) < 126
        self.sock.sendall(bytes([0x80 | opcode, 0x80 | len(data)]) + mask + masked)

    def _read(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def frame(self):
        b0, b1 = self._read(2)
        n = b1 & 0x7F
        if n == 126:
            n = struct.unpack("!H", self._read(2))[0]
        elif n == 127:
            n = struct.unpack("!Q", self._read(8))[0]
        return b0 & 0x0F, self._read(n)

    def message(self):
        while True:
            op, data = self.frame()
            if op == 1:
                return json.loads(data)

    def close(self):
        self.sock.close()


def test_websocket_subscribe_and_token_in_protocol(server, alice, bob):
    assert alice.post(f"/api/v1/accounts/{bob.id}/follow").status_code == 200
    # The token as the subprotocol, which is echoed as browsers require.
    ws = WS(server, "/api/v1/streaming", protocol=alice.token)
    try:
        assert ws.status == 101
        assert f"Sec-WebSocket-Protocol: {alice.token}" in ws.headers
        ws.send({"type": "subscribe", "stream": "nonsense"})
        assert ws.message() == {"error": "Unknown stream type", "status": 400}
        ws.send({"type": "subscribe", "stream": "user"})
        ws.send({"type": "subscribe", "stream": "hashtag", "tag": "WsTag"})
        time.sleep(0.2)
        s = post(bob, "over the socket #wstag")
        got = [ws.message(), ws.message()]
        streams = sorted(m["stream"] for m in got)
        assert streams == [["hashtag", "wstag"], ["user"]]
        for m in got:
            assert m["event"] == "update" and json.loads(m["payload"])["id"] == s["id"]
        ws.send({"type": "unsubscribe", "stream": "hashtag", "tag": "wstag"})
        time.sleep(0.2)
        s2 = post(bob, "again #wstag")
        m = ws.message()
        assert m["stream"] == ["user"] and json.loads(m["payload"])["id"] == s2["id"]
        r = bob.delete(f"/api/v1/statuses/{s2['id']}")
        assert r.status_code == 200
        m = ws.message()
        assert m == {"stream": ["user"], "event": "delete", "payload": s2["id"]}
    finally:
        ws.close()
    # The `stream` parameter subscribes at once; the token as a parameter.
    ws = WS(server, f"/api/v1/streaming?stream=public&access_token={alice.token}")
    try:
        assert ws.status == 101
        time.sleep(0.2)
        s = post(bob, "public, over the socket")
        m = ws.message()
        assert m["stream"] == ["public"] and json.loads(m["payload"])["id"] == s["id"]
    finally:
        ws.close()
    bad = WS(server, "/api/v1/streaming", protocol="not-a-token")
    assert bad.status == 401
    bad.close()


def test_websocket_ping(make_server):
    srv = make_server(env={"RAPPORT_STREAM_HEARTBEAT_MS": "200"})
    u = srv.user()
    ws = WS(srv, "/api/v1/streaming", headers={"Authorization": "Bearer " + u.token})
    try:
        assert ws.status == 101
        op, _ = ws.frame()
        assert op == 0x9  # ping
    finally:
        ws.close()


def test_streams_end_when_the_account_may_no_longer_read(make_server):
    """Suspending an account, changing its password (other sessions are
    signed out) or deleting it ends its open streams; others' go on."""
    srv = make_server(env={"RAPPORT_STREAM_HEARTBEAT_MS": "250"})
    mod, target, other = srv.user(), srv.user(), srv.user()
    run_cli("user", "role", mod.name, "moderator", data=srv.data)
    admin_tok = srv.token(mod.email, scopes="read write admin:read admin:write")
    watched = SSE(srv, target.token, "/api/v1/streaming/user")
    bystander = SSE(srv, other.token, "/api/v1/streaming/user")
    try:
        r = requests.post(srv.url(f"/api/v1/admin/accounts/{target.id}/action"),
                          headers={"Authorization": "Bearer " + admin_tok},
                          data={"type": "suspend", "text": "spam"})
        assert r.status_code == 200, r.text
        assert watched.wait(lambda x: x.ended, timeout=3)
        assert not bystander.ended
    finally:
        watched.close()

    s = SSE(srv, other.token, "/api/v1/streaming/user")
    try:
        r = other.post("/api/rapport/v1/account/password",
                       json={"current_password": PASSWORD, "password": "another long password"})
        assert r.status_code == 200, r.text
        assert s.wait(lambda x: x.ended, timeout=3)
    finally:
        s.close()
        bystander.close()


def test_public_media_streams(server, alice, bob):
    """public:media, public:local:media and public:remote:media carry only
    statuses with media, over SSE (only_media=true) and WebSocket."""
    sse = SSE(server, alice.token, "/api/v1/streaming/public/local?only_media=true")
    ws = WS(server, "/api/v1/streaming", protocol=alice.token)
    try:
        assert ws.status == 101
        for name in ("public:media", "public:remote:media"):
            ws.send({"type": "subscribe", "stream": name})
        time.sleep(0.2)
        post(bob, "words only")
        r = bob.post("/api/v1/media", files={"file": ("x.png", mf.png(8, 8), "image/png")})
        assert r.status_code == 200, r.text
        pic = post(bob, "a picture", media_ids=[r.json()["id"]])
        m = ws.message()
        assert m["stream"] == ["public:media"] and json.loads(m["payload"])["id"] == pic["id"]
        assert sse.wait(lambda s: s.updates() == [pic["id"]])
        time.sleep(0.2)
        assert sse.updates() == [pic["id"]]
    finally:
        ws.close()
        sse.close()


def test_list_and_local_streams(server, alice, bob):
    """A list stream (SSE and WebSocket) carries its members' posts only;
    public/local carries local public posts (each as its timeline does)."""
    carol = server.user()
    for u in (bob, carol):
        assert alice.post(f"/api/v1/accounts/{u.id}/follow").status_code == 200
    lst = alice.post("/api/v1/lists", json={"title": "streamed"}).json()
    r = alice.post(f"/api/v1/lists/{lst['id']}/accounts", json={"account_ids": [bob.id]})
    assert r.status_code == 200, r.text
    sse = SSE(server, alice.token, f"/api/v1/streaming/list?list={lst['id']}")
    local = SSE(server, alice.token, "/api/v1/streaming/public/local")
    ws = WS(server, "/api/v1/streaming", protocol=alice.token)
    try:
        assert ws.status == 101
        ws.send({"type": "subscribe", "stream": "list", "list": lst["id"]})
        time.sleep(0.2)
        other = post(carol, "not on the list")
        member = post(bob, "on the list")
        quiet = post(bob, "unlisted, on the list", visibility="unlisted")
        m = ws.message()
        assert m["stream"] == ["list", lst["id"]] and json.loads(m["payload"])["id"] == member["id"]
        assert json.loads(ws.message()["payload"])["id"] == quiet["id"]
        assert sse.wait(lambda s: s.updates() == [member["id"], quiet["id"]])
        assert local.wait(lambda s: s.updates() == [other["id"], member["id"]])
        time.sleep(0.3)
        assert sse.updates() == [member["id"], quiet["id"]]
        assert local.updates() == [other["id"], member["id"]]
    finally:
        ws.close()
        sse.close()
        local.close()
