"""A small ActivityPub peer for tests: actors with RSA keys served from a
plain-HTTP server on 127.0.0.1, and activities signed as they would be
(draft-cavage, as Mastodon signs), so tests can also sign them wrongly.
Only for hostile and unit-like input; the independent implementation is
Fedify (tests of delivery)."""
import base64
import hashlib
import json
import threading
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse

import requests
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

AS = "https://www.w3.org/ns/activitystreams"
PUBLIC = AS + "#Public"
AP_TYPE = "application/activity+json"


def b64(b):
    return base64.b64encode(b).decode()


class Peer:
    """routes: path -> (status, headers, body bytes) or a callable(path)
    returning one; every request's path is appended to hits; every POST
    (a delivery) is answered 202 and kept in posts as (path, headers with
    lower-case names, body)."""

    def __init__(self):
        self.routes, self.hits, self.posts = {}, [], []
        peer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                peer.hits.append(self.path)
                r = peer.routes.get(self.path) or peer.routes.get(self.path.split("?")[0])
                if callable(r):
                    r = r(self.path)
                status, headers, body = r or (404, {}, b"{}")
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                peer.posts.append((self.path, {k.lower(): v for k, v in self.headers.items()},
                                   body))
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *a):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def serve_json(self, path, doc, content_type=AP_TYPE, status=200):
        self.routes[path] = (status, {"Content-Type": content_type}, json.dumps(doc).encode())

    def actor(self, name, **kw):
        return Actor(self, name, **kw)

    def webfinger(self, handles):
        """Serves WebFinger for handles: {"user@host": actor id}."""
        from urllib.parse import parse_qs, urlparse as up

        def answer(path):
            res = parse_qs(up(path).query).get("resource", [""])[0]
            href = handles.get(res.removeprefix("acct:"))
            if not href:
                return (404, {}, b"{}")
            doc = {"subject": res, "links": [
                {"rel": "self", "type": AP_TYPE, "href": href}]}
            return (200, {"Content-Type": "application/jrd+json"}, json.dumps(doc).encode())
        self.routes["/.well-known/webfinger"] = answer


class Actor:
    def __init__(self, peer, name, serve=True):
        self.peer, self.name = peer, name
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.path = f"/users/{name}"
        self.id = peer.base + self.path
        self.key_id = self.id + "#main-key"
        self.n = 0
        if serve:
            peer.serve_json(self.path, self.doc())

    def pem(self):
        return self.key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()

    def doc(self, **over):
        d = {"@context": [AS, "https://w3id.org/security/v1"], "id": self.id, "type": "Person",
             "preferredUsername": self.name, "name": self.name.title(),
             "summary": "<p>remote</p>", "inbox": self.id + "/inbox",
             "outbox": self.id + "/outbox", "followers": self.id + "/followers",
             "endpoints": {"sharedInbox": self.peer.base + "/inbox"},
             "publicKey": {"id": self.key_id, "owner": self.id, "publicKeyPem": self.pem()}}
        d.update(over)
        return d

    def new_id(self, kind="activities"):
        self.n += 1
        return f"{self.id}/{kind}/{self.n}"

    def activity(self, type_, obj, **kw):
        a = {"@context": AS, "id": self.new_id(), "type": type_, "actor": self.id, "object": obj}
        a.update(kw)
        return a

    def note(self, content, to=(PUBLIC,), cc=(), **kw):
        n = {"id": self.new_id("statuses"), "type": "Note", "attributedTo": self.id,
             "content": content, "to": list(to), "cc": list(cc),
             "published": "2026-01-01T00:00:00Z"}
        n.update(kw)
        return n

    def create(self, note):
        return self.activity("Create", note, to=note.get("to", []), cc=note.get("cc", []))


def sign_headers(url, body, key, key_id, date=None, covered="(request-target) host date digest content-type",
                 digest=None):
    u = urlparse(url)
    h = {"Host": u.netloc, "Date": date or formatdate(usegmt=True),
         "Digest": digest or "SHA-256=" + b64(hashlib.sha256(body).digest()),
         "Content-Type": AP_TYPE}
    lines = []
    for name in covered.split():
        if name == "(request-target)":
            lines.append(f"(request-target): post {u.path}")
        else:
            lines.append(f"{name}: {h[name.title()]}")
    sig = key.sign("\n".join(lines).encode(), padding.PKCS1v15(), hashes.SHA256())
    h["Signature"] = (f'keyId="{key_id}",algorithm="rsa-sha256",headers="{covered}",'
                      f'signature="{b64(sig)}"')
    return h


def deliver(inbox_url, actor, activity, key=None, key_id=None, body=None, **kw):
    """POSTs activity to inbox_url signed by actor (or by key/key_id)."""
    body = body if body is not None else json.dumps(activity).encode()
    h = sign_headers(inbox_url, body, key or actor.key, key_id or actor.key_id, **kw)
    return requests.post(inbox_url, data=body, headers=h, timeout=30)
