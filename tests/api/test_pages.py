"""The open web: public profile and post pages without JavaScript, their
metadata, Accept negotiation, Atom and RSS feeds (parsed by feedparser),
the sitemap and robots.txt, the built app's static files (ETags, 304,
gzip, traversal attempts), header policies, and profile links verified by
rel="me" through the SSRF-safe fetcher. Pages must pass `tidy -errors`."""
import gzip
import http.client
import http.server
import os
import re
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path

import feedparser
import pytest
import requests
from conftest import BIN, TEST_ENV, free_port
from test_statuses import post

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
HOSTILE_NAME = "<script>alert('n')</script>\"q"
HOSTILE_NOTE = "Hi <b>x</b> \"quoted\" & 'single' <img src=x onerror=alert(1)>"


def page(server, path, **kw):
    headers = dict(HTML, **kw.pop("headers", {}))
    return requests.get(server.url(path), headers=headers, **kw)


def tidy_errors(html):
    """tidy's errors (not warnings) for a document; '' when it is valid."""
    with tempfile.NamedTemporaryFile("w", suffix=".html", delete=False) as f:
        f.write(html)
    try:
        p = subprocess.run(["tidy", "-errors", "-q", f.name], capture_output=True, text=True)
    finally:
        os.unlink(f.name)
    assert p.returncode in (0, 1, 2), p
    return p.stderr.strip() if p.returncode == 2 else ""


def assert_no_user_markup(html):
    """No user-supplied tag or script URL survives: the only script is ours."""
    assert "<script>alert" not in html and "<img src=x" not in html
    assert re.findall(r"<script[^>]*>", html) == [
        m for m in re.findall(r"<script[^>]*>", html) if re.match(r'<script src="/pages/share-', m)]
    assert "javascript:" not in " ".join(re.findall(r'(?:href|src)="([^"]*)"', html))
    assert "onerror=alert" not in html.replace("onerror=alert(1)&gt;", "")


def hostile_user(server):
    u = server.user()
    r = u.patch("/api/v1/accounts/update_credentials", data={
        "display_name": HOSTILE_NAME, "note": HOSTILE_NOTE,
        "fields_attributes[0][name]": "<b>site</b>",
        "fields_attributes[0][value]": "https://example.com/\"><script>x</script>",
        "fields_attributes[1][name]": "js",
        "fields_attributes[1][value]": "javascript:alert(document.cookie)"})
    assert r.status_code == 200, r.text
    return u


def profile_url(server, user):
    return f"{server.base}/@{user.name}"


# ---- profile ----

def test_profile_page_shows_public_and_unlisted_posts_escaped(server):
    u = hostile_user(server)
    pub = post(u, "public <script>alert(1)</script> #pagetest https://example.com/a?b=1&c=2")
    unl = post(u, "unlisted one", visibility="unlisted")
    priv = post(u, "private secret", visibility="private")
    dm = post(u, "direct secret", visibility="direct")
    r = page(server, f"/@{u.name}")
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "text/html; charset=utf-8"
    assert r.headers["Cache-Control"] == "public, max-age=60"
    assert "Accept" in r.headers["Vary"]
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    html = r.text
    assert f'id="s{pub["id"]}"' in html and f'id="s{unl["id"]}"' in html
    assert priv["id"] not in html and dm["id"] not in html and "secret" not in html
    # the formatter's HTML is kept once, not escaped twice
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&amp;lt;" not in html
    assert 'href="https://example.com/a?b=1&amp;c=2"' in html
    assert "&lt;script&gt;alert(&#39;n&#39;)&lt;/script&gt;&quot;q" in html
    assert_no_user_markup(html)
    canonical = profile_url(server, u)
    assert f'<link rel="canonical" href="{canonical}">' in html
    assert f'<meta property="og:url" content="{canonical}">' in html
    assert '<meta property="og:type" content="profile">' in html
    assert '<meta name="twitter:card" content="summary">' in html
    assert re.search(r'<meta name="description" content="Hi &lt;b&gt;x&lt;/b&gt; &quot;quoted', html)
    assert f'<title>{"&lt;script&gt;alert(&#39;n&#39;)&lt;/script&gt;&quot;q"} (@{u.name}@' in html
    assert f'href="{canonical}.atom"' in html and f'href="{canonical}.rss"' in html
    # the field with a link says rel="me"; the javascript: one is text
    assert 'rel="me nofollow noopener noreferrer"' not in html  # not a clean URL
    assert "<dd>javascript:alert(document.cookie)</dd>" in html
    # share buttons: hidden until the external script shows them
    assert 'class="copy-link" data-done="Link copied" hidden' in html
    assert tidy_errors(html) == ""


def test_profile_fields_link_with_rel_me(server, alice):
    r = alice.patch("/api/v1/accounts/update_credentials", data={
        "fields_attributes[0][name]": "Web", "fields_attributes[0][value]": "https://example.com/me"})
    assert r.status_code == 200
    html = page(server, f"/@{alice.name}").text
    assert ('<a href="https://example.com/me" rel="me nofollow noopener noreferrer">'
            'https://example.com/me</a>') in html
    assert "No public posts yet." in html
    assert tidy_errors(html) == ""


def test_unknown_profile_and_remote_handles_are_404_pages(server, alice):
    for path in ["/@nobody_" + uuid.uuid4().hex[:8], f"/@{alice.name}@elsewhere.example",
                 "/@bad%20name", "/@" + "x" * 40, "/@%3Cscript%3E"]:
        r = page(server, path)
        assert r.status_code == 404, path
        assert r.headers["Content-Type"].startswith("text/html")
        assert r.headers["Cache-Control"] == "no-store"
        assert "<h1>Not found</h1>" in r.text and "noindex" in r.text
        assert "<script>" not in r.text
        assert tidy_errors(r.text) == ""


def test_accept_negotiation_on_profile_and_post(server, alice):
    s = post(alice, "negotiated")
    r = requests.get(server.url(f"/@{alice.name}"), headers={"Accept": "application/json"})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/json")
    assert r.json()["id"] == alice.id and r.json()["url"] == profile_url(server, alice)
    assert "Accept" in r.headers["Vary"]
    r = requests.get(server.url(f"/@{alice.name}/{s['id']}"),
                     headers={"Accept": "application/json;q=0.9, text/html;q=0.1"})
    assert r.status_code == 200 and r.json()["id"] == s["id"]
    # ActivityPub's types get the actor (tests/api/test_actors.py) and the
    # post's Note (tests/api/test_federation_inbox.py)
    for accept in ["application/activity+json",
                   'application/ld+json; profile="https://www.w3.org/ns/activitystreams"']:
        r = requests.get(server.url(f"/@{alice.name}"), headers={"Accept": accept})
        assert r.status_code == 200, accept
        assert r.headers["Content-Type"].startswith("application/activity+json")
        assert r.json()["id"] == server.url(f"/users/{alice.name}")
        r = requests.get(server.url(f"/@{alice.name}/{s['id']}"), headers={"Accept": accept})
        assert r.status_code == 200, accept
        assert r.headers["Content-Type"].startswith("application/activity+json")
        assert r.json()["id"] == server.url(f"/users/{alice.name}/statuses/{s['id']}")
        assert r.json()["type"] == "Note"
    r = requests.get(server.url(f"/@{alice.name}"),
                     headers={"Accept": "text/html;q=0, application/json;q=0"})
    assert r.status_code == 406 and "error" in r.json()
    # no Accept, or anything: the page
    assert requests.get(server.url(f"/@{alice.name}"),
                        headers={"Accept": None}).headers["Content-Type"].startswith("text/html")
    r = requests.get(server.url("/@nobody_x1"), headers={"Accept": "application/json"})
    assert r.status_code == 404 and r.json() == {"error": "Record not found"}


# ---- a post and its thread ----

def test_post_page_shows_the_public_thread(server, alice, bob):
    root = post(alice, "root of the thread")
    r1 = post(bob, f"@{alice.name} first reply", in_reply_to_id=root["id"])
    r2 = post(alice, f"@{bob.name} nested <b>reply</b>", in_reply_to_id=r1["id"])
    hidden = post(bob, f"@{alice.name} private reply", in_reply_to_id=root["id"],
                  visibility="private")
    r3 = post(bob, f"@{alice.name} second reply", in_reply_to_id=root["id"], visibility="unlisted")
    r = page(server, f"/@{bob.name}/{r1['id']}")
    assert r.status_code == 200 and r.headers["Cache-Control"] == "public, max-age=60"
    html = r.text
    # ancestors, the post itself (focused), its descendants; nothing private
    assert html.index(f'id="s{root["id"]}"') < html.index(f'id="s{r1["id"]}"') < html.index(
        f'id="s{r2["id"]}"')
    assert f'class="status focus" id="s{r1["id"]}"' in html
    assert hidden["id"] not in html and "private reply" not in html
    assert r3["id"] not in html  # a sibling, not a descendant of r1
    assert "nested &lt;b&gt;reply&lt;/b&gt;" in html
    canonical = f"{profile_url(server, bob)}/{r1['id']}"
    assert f'<link rel="canonical" href="{canonical}">' in html
    assert '<meta property="og:type" content="article">' in html
    assert f'data-share-url="{canonical}"' in html
    assert tidy_errors(html) == ""
    # the root shows both public-or-unlisted replies, nested
    html = page(server, f"/@{alice.name}/{root['id']}").text
    for s in (r1, r2, r3):
        assert f'id="s{s["id"]}"' in html
    assert re.search(r'<ol class="thread"><li><article class="status" id="s%s".*?'
                     r'<ol class="thread"><li><article class="status" id="s%s"'
                     % (r1["id"], r2["id"]), html)
    assert tidy_errors(html) == ""


def test_post_pages_that_do_not_exist_are_404(server, alice, bob):
    s = post(alice, "mine")
    priv = post(alice, "private", visibility="private")
    dm = post(alice, f"@{bob.name} direct", visibility="direct")
    reblog = alice.post(f"/api/v1/statuses/{post(bob, 'bobs')['id']}/reblog").json()
    gone = post(alice, "deleted")
    assert alice.delete(f"/api/v1/statuses/{gone['id']}").status_code == 200
    for path in [f"/@{bob.name}/{s['id']}", f"/@{alice.name}/{priv['id']}",
                 f"/@{alice.name}/{dm['id']}", f"/@{alice.name}/{reblog['id']}",
                 f"/@{alice.name}/{gone['id']}", f"/@{alice.name}/123", f"/@{alice.name}/abc",
                 f"/@{alice.name}/-1", f"/@nobody_zz/{s['id']}"]:
        r = page(server, path)
        assert r.status_code == 404, path
        assert "<h1>Not found</h1>" in r.text


# ---- feeds ----

def parse_feed(server, path):
    r = requests.get(server.url(path))
    assert r.status_code == 200, (path, r.text)
    f = feedparser.parse(r.content)
    assert not f.bozo, f.get("bozo_exception")
    return r, f


def test_account_feeds_validate(server):
    u = hostile_user(server)
    first = post(u, "first <script>alert(1)</script> & more #feedtest")
    time.sleep(0.01)
    warned = post(u, "behind a warning", spoiler_text="CW <b>")
    post(u, "unlisted stays off feeds", visibility="unlisted")
    post(u, "private", visibility="private")
    own = post(u, "a reply to myself", in_reply_to_id=first["id"])
    post(server.user(), f"@{u.name} someone else's reply", in_reply_to_id=first["id"])
    for ext, ctype in (("atom", "application/atom+xml"), ("rss", "application/rss+xml")):
        r, f = parse_feed(server, f"/@{u.name}.{ext}")
        assert r.headers["Content-Type"] == f"{ctype}; charset=utf-8"
        assert r.headers["Cache-Control"] == "public, max-age=60"
        assert "<script>" not in r.text
        # public posts, threads of one's own included, newest first
        links = [e.link for e in f.entries]
        assert links == [f"{profile_url(server, u)}/{own['id']}",
                         f"{profile_url(server, u)}/{warned['id']}",
                         f"{profile_url(server, u)}/{first['id']}"], ext
        assert f.feed.title.startswith(HOSTILE_NAME)
        assert f.feed.link == profile_url(server, u)
        e = f.entries[2]
        assert e.published_parsed is not None
        assert time.strftime("%Y-%m-%dT%H:%M:%S", e.published_parsed) == first["created_at"][:19]
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in (e.get("summary") or e.content[0].value)
        assert f.entries[1].title == "CW <b>"
    _, f = parse_feed(server, f"/@{u.name}.atom")
    assert f.entries[1].id == f"{profile_url(server, u)}/{warned['id']}"
    assert f.entries[1].updated_parsed is not None


def test_tag_feed_and_unknown_feeds(server, alice, bob):
    t = "tagfeed" + uuid.uuid4().hex[:6]
    a = post(alice, f"about #{t}")
    b = post(bob, f"also #{t.upper()}")
    post(bob, f"quiet #{t}", visibility="unlisted")
    _, f = parse_feed(server, f"/tags/{t.upper()}.rss")
    assert [e.link for e in f.entries] == [f"{profile_url(server, bob)}/{b['id']}",
                                           f"{profile_url(server, alice)}/{a['id']}"]
    assert f.feed.title == f"#{t}"
    _, f = parse_feed(server, "/tags/nothing_here_yet.rss")
    assert f.entries == []
    assert requests.get(server.url("/@nobody_qq.atom")).status_code == 404
    assert requests.get(server.url("/@nobody_qq.rss")).status_code == 404


def test_sitemap_and_robots(server, alice, bob):
    assert bob.patch("/api/v1/accounts/update_credentials",
                     data={"discoverable": "false"}).status_code == 200
    r = requests.get(server.url("/sitemap.xml"))
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/xml")
    assert f"<loc>{profile_url(server, alice)}</loc>" in r.text
    assert f"<loc>{profile_url(server, bob)}</loc>" not in r.text
    assert 'content="noindex, noarchive"' in page(server, f"/@{bob.name}").text
    r = requests.get(server.url("/robots.txt"))
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/plain")
    assert f"Sitemap: {server.base}/sitemap.xml" in r.text
    assert "Disallow: /api/" in r.text


# ---- header policies ----

def test_form_pages_have_no_inline_code(server):
    r = requests.get(server.url("/auth/sign_up"))
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    csp = r.headers["Content-Security-Policy"]
    assert csp.startswith("default-src 'none'") and "unsafe-inline" not in csp
    assert "<style" not in r.text and "<script" not in r.text
    css = re.search(r'<link rel="stylesheet" href="(/pages/style-[0-9a-f]{16}\.css)">', r.text)
    assert css
    s = requests.get(server.url(css.group(1)))
    assert s.status_code == 200 and s.headers["Content-Type"] == "text/css; charset=utf-8"
    assert s.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert requests.get(server.url(css.group(1)), headers={
        "If-None-Match": s.headers["ETag"]}).status_code == 304
    assert requests.get(server.url("/pages/style-0000000000000000.css")).status_code == 404
    assert tidy_errors(r.text) == ""


def test_share_script_is_external(server, alice):
    html = page(server, f"/@{alice.name}").text
    src = re.search(r'<script src="(/pages/share-[0-9a-f]{16}\.js)" defer></script>', html)
    r = requests.get(server.url(src.group(1)))
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/javascript")
    assert "navigator.share" in r.text and "navigator.clipboard" in r.text


# ---- the built app's static files ----

@pytest.fixture
def web_dir(tmp_path):
    web = tmp_path / "web"
    (web / "assets").mkdir(parents=True)
    (web / "index.html").write_text("<!DOCTYPE html><title>app shell</title>")
    js = b"console.log('rapport');\n" * 50
    (web / "assets" / "index-3fa2b1c9.js").write_bytes(js)
    (web / "assets" / "index-3fa2b1c9.js.gz").write_bytes(gzip.compress(js))
    (web / "assets" / "plain.css").write_text("body{}")
    (web / "assets" / ".secret").write_text("hidden")
    (tmp_path / "outside.txt").write_text("outside the web directory")
    (web / "assets" / "escape.txt").symlink_to(tmp_path / "outside.txt")
    (web / "assets" / "linkdir").symlink_to(tmp_path)
    return web


def raw_get(server, path, headers=None):
    """A request line sent as it is (no client-side normalisation of ..)."""
    c = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    c.putrequest("GET", path, skip_accept_encoding=True)
    for k, v in (headers or {}).items():
        c.putheader(k, v)
    c.endheaders()
    r = c.getresponse()
    body = r.read()
    c.close()
    return r.status, dict(r.getheaders()), body


def test_static_files_etags_and_gzip(make_server, web_dir):
    s = make_server(env={"RAPPORT_WEB_DIR": str(web_dir)})
    r = requests.get(s.url("/assets/index-3fa2b1c9.js"), headers={"Accept-Encoding": "identity"})
    assert r.status_code == 200 and r.content == b"console.log('rapport');\n" * 50
    assert r.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert r.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert r.headers["Vary"] == "Accept-Encoding" and "Content-Encoding" not in r.headers
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    etag = r.headers["ETag"]
    assert re.fullmatch(r'"[0-9a-f]+-[0-9a-f]+"', etag)
    r304 = requests.get(s.url("/assets/index-3fa2b1c9.js"),
                        headers={"Accept-Encoding": "identity", "If-None-Match": etag})
    assert r304.status_code == 304 and r304.content == b"" and r304.headers["ETag"] == etag
    assert requests.get(s.url("/assets/index-3fa2b1c9.js"), headers={
        "Accept-Encoding": "identity", "If-None-Match": '"other"'}).status_code == 200
    # gzip for clients that take it: a different representation, its own ETag
    status, h, body = raw_get(s, "/assets/index-3fa2b1c9.js", {"Accept-Encoding": "gzip, br"})
    assert status == 200 and h["Content-Encoding"] == "gzip" and h["Vary"] == "Accept-Encoding"
    assert gzip.decompress(body) == b"console.log('rapport');\n" * 50
    assert h["ETag"] != etag
    status, h, _ = raw_get(s, "/assets/index-3fa2b1c9.js",
                           {"Accept-Encoding": "gzip", "If-None-Match": h["ETag"]})
    assert status == 304
    status, h, body = raw_get(s, "/assets/index-3fa2b1c9.js", {"Accept-Encoding": "gzip;q=0"})
    assert status == 200 and "Content-Encoding" not in h
    # not hashed: revalidated
    r = requests.get(s.url("/assets/plain.css"))
    assert r.headers["Cache-Control"] == "no-cache" and r.headers["Content-Type"].startswith("text/css")
    # the app's shell at / and at its own routes, for browsers
    for path in ["/", "/home", "/notifications/mentions"]:
        r = page(s, path)
        assert r.status_code == 200 and r.text == "<!DOCTYPE html><title>app shell</title>", path
        assert r.headers["Cache-Control"] == "no-cache"
        csp = r.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "connect-src 'self'" in csp
        assert "unsafe-inline" not in csp
    # programs still get JSON 404 for unknown paths, and the API prefixes never the shell
    r = requests.get(s.url("/home"), headers={"Accept": "application/json"})
    assert r.status_code == 404 and r.json() == {"error": "Record not found"}
    r = page(s, "/api/v1/nothing")
    assert r.status_code == 404 and r.json() == {"error": "Record not found"}
    assert requests.post(s.url("/home"), headers=HTML).status_code == 404


def test_static_refuses_traversal(make_server, web_dir):
    s = make_server(env={"RAPPORT_WEB_DIR": str(web_dir)})
    attempts = ["/assets/../index.html", "/assets/%2e%2e/index.html", "/assets/..%2findex.html",
                "/assets/%2e%2e%2f%2e%2e%2foutside.txt", "/assets/../../outside.txt",
                "/assets//etc/passwd", "/assets/%2fetc%2fpasswd", "/assets/.secret",
                "/assets/escape.txt", "/assets/linkdir/outside.txt",
                "/assets/x%00/../../outside.txt", "/assets/%00../../outside.txt", "/assets/%252e%252e/outside.txt",
                "/assets/..\\outside.txt", "/assets/nothing.js", "/assets/"]
    for path in attempts:
        status, _, body = raw_get(s, path)
        assert status in (400, 404), (path, status)
        assert b"outside the web directory" not in body and b"hidden" not in body, path
    # A NUL ends the path where it is: what is left must itself be a file here.
    status, _, body = raw_get(s, "/assets/index-3fa2b1c9.js%00/../../../outside.txt")
    assert status == 200 and body == b"console.log('rapport');\n" * 50


def test_landing_page_until_the_app_is_built(make_server, tmp_path):
    s = make_server(env={"RAPPORT_WEB_DIR": str(tmp_path / "missing")})
    r = page(s, "/")
    assert r.status_code == 200 and "Create an account" in r.text
    assert r.headers["Cache-Control"] == "no-store"
    r = page(s, "/home")
    assert r.status_code == 404 and "<h1>Not found</h1>" in r.text
    assert requests.get(s.url("/assets/index.js")).status_code == 404


# ---- rel="me" verification ----

class Site(http.server.ThreadingHTTPServer):
    """A small web site on loopback: path -> (status, headers, body)."""

    def __init__(self):
        self.pages = {}
        self.hits = []
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                site.hits.append(self.path)
                status, headers, body = site.pages.get(self.path, (404, {}, b"no"))
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *a):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server_address[1]}"
        threading.Thread(target=self.serve_forever, daemon=True).start()


@pytest.fixture
def site():
    s = Site()
    yield s
    s.shutdown()
    s.server_close()


def set_fields(user, values):
    data = {}
    for i, v in enumerate(values):
        data[f"fields_attributes[{i}][name]"] = f"f{i}"
        data[f"fields_attributes[{i}][value]"] = v
    r = user.patch("/api/v1/accounts/update_credentials", data=data)
    assert r.status_code == 200, r.text
    return r.json()


def fields_when_checked(user, n_hits_site, site, want_hits, timeout=15):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if len(site.hits) >= want_hits:
            time.sleep(0.3)
            break
        time.sleep(0.05)
    return user.get("/api/v1/accounts/verify_credentials").json()["fields"]


def test_rel_me_links_are_verified(make_server, site):
    s = make_server(env={"RAPPORT_FETCH_ALLOW_LOOPBACK": "1"})
    u = s.user()
    me = f"{s.base}/@{u.name}"
    site.pages["/good"] = (200, {"Content-Type": "text/html"},
                           f'<html><a href="{me}" rel="me">me</a></html>'.encode())
    site.pages["/norel"] = (200, {"Content-Type": "text/html"}, f'<a href="{me}">x</a>'.encode())
    site.pages["/moved"] = (302, {"Location": "/good"}, b"")
    site.pages["/metadata"] = (302, {"Location": "http://169.254.169.254/latest/meta-data"}, b"")
    site.pages["/private"] = (302, {"Location": "http://10.0.0.1/"}, b"")
    site.pages["/big"] = (200, {"Content-Type": "text/html"},
                          b" " * (1 << 20) + f'<a rel="me" href="{me}">'.encode())
    loop = [f"{site.base}/{p}" for p in ("good", "norel", "moved", "metadata")]
    got = set_fields(u, loop)
    assert [f["verified_at"] for f in got["fields"]] == [None] * 4
    fields = fields_when_checked(u, 0, site, 5)
    marks = [f["verified_at"] for f in fields]
    assert marks[0] and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", marks[0])
    assert marks[1] is None and marks[2] and marks[3] is None
    # the public page shows the check
    html = page(s, f"/@{u.name}").text
    assert html.count("&#10003; verified") == 2
    assert tidy_errors(html) == ""
    # redirects to private addresses and oversized pages are not verified
    site.hits.clear()
    set_fields(u, [f"{site.base}/private", f"{site.base}/big", f"{site.base}/good"])
    fields = fields_when_checked(u, 0, site, 3)
    assert [bool(f["verified_at"]) for f in fields] == [False, False, True]
    # an unchanged link keeps its mark through an edit
    before = fields[2]["verified_at"]
    got = set_fields(u, [f"{site.base}/good", "plain text"])
    assert got["fields"][0]["verified_at"] == before and got["fields"][1]["verified_at"] is None


def test_loopback_is_refused_without_the_test_switch(make_server, site):
    s = make_server()
    u = s.user()
    site.pages["/good"] = (200, {}, f'<a rel="me" href="{s.base}/@{u.name}">'.encode())
    set_fields(u, [f"{site.base}/good"])
    time.sleep(1.5)
    assert site.hits == []
    assert u.get("/api/v1/accounts/verify_credentials").json()["fields"][0]["verified_at"] is None


def test_the_test_switch_needs_a_loopback_listener(tmp_path):
    env = dict(os.environ, **TEST_ENV, RAPPORT_FETCH_ALLOW_LOOPBACK="1")
    p = subprocess.run([BIN, "serve", "--data", str(tmp_path), "--listen",
                        f"192.0.2.1:{free_port()}"], env=env, capture_output=True, text=True,
                       timeout=30)
    assert p.returncode != 0
    assert "RAPPORT_FETCH_ALLOW_LOOPBACK is for tests" in p.stderr


def test_pages_show_changes_at_once(server, alice, bob):
    """Rendered articles are cached: counters, edits, names and deletions
    must still show in the very next page."""
    s = post(alice, "cached once")
    reply = post(bob, f"@{alice.name} a reply", in_reply_to_id=s["id"])
    for path in (f"/@{alice.name}", f"/@{alice.name}/{s['id']}"):
        assert "0 favourites" in page(server, path).text
    assert bob.post(f"/api/v1/statuses/{s['id']}/favourite").status_code == 200
    assert alice.put(f"/api/v1/statuses/{s['id']}", data={"status": "edited text"}).status_code == 200
    assert alice.patch("/api/v1/accounts/update_credentials",
                       data={"display_name": "Renamed Alice"}).status_code == 200
    for path in (f"/@{alice.name}", f"/@{alice.name}/{s['id']}"):
        html = page(server, path).text
        art = re.search(r'<article class="status[^"]*" id="s%s".*?</article>' % s["id"], html).group(0)
        assert "1 favourite<" in art and "edited text" in art and "cached once" not in art
        assert "Renamed Alice" in art and "<span>edited</span>" in art
    assert bob.delete(f"/api/v1/statuses/{reply['id']}").status_code == 200
    assert reply["id"] not in page(server, f"/@{alice.name}/{s['id']}").text
