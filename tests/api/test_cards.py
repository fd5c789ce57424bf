"""Link preview cards: a status's first link gets a card from the page's
OpenGraph / HTML meta, fetched in the background from a page server this
test starts on 127.0.0.1 (the server under test gets
RAPPORT_FETCH_ALLOW_LOOPBACK=1; without it loopback is refused). Hostile
pages (script, markup in the metadata, a huge page, not HTML) give no
card or a plain-text one, and the card is escaped on the public pages.
Card images are our own copies, processed as uploads are."""
import http.server
import threading
import time

import pytest
import requests

import media_files as mf

OG_PAGE = b"""<!doctype html><html><head>
<meta property="og:title" content="The &amp; Title">
<meta property="og:description" content="  A   description
 on two lines  ">
<meta property="og:image" content="/img/cover.png">
<meta property="og:site_name" content="Example Site">
<title>Not this one</title>
</head><body><p>hello</p></body></html>"""

PLAIN_PAGE = b"""<html><head><title>Plain &lt;title&gt;</title>
<meta name="description" content="From the meta description">
</head><body></body></html>"""

HOSTILE_PAGE = b"""<html><head>
<meta property="og:title" content="<script>alert(1)</script>&quot;Boom&quot;">
<meta property="og:description" content="<img src=x onerror=alert(2)>\xe2\x80\xaereversed">
<meta property="og:image" content="javascript:alert(3)">
<script>document.title = "<b>scripted</b>"</script>
</head><body><script>alert(4)</script></body></html>"""


COVER = mf.jpeg_with_gps(800, 400)  # upright it is 400 x 800


class Pages(http.server.BaseHTTPRequestHandler):
    hits = []

    def log_message(self, *a):
        pass

    def do_GET(self):
        Pages.hits.append(self.path)
        if self.path.startswith("/badimg"):
            self.reply(200, "text/html", OG_PAGE.replace(b"/img/cover.png", b"/img/zip.png"))
        elif self.path.startswith("/og"):
            self.reply(200, "text/html; charset=utf-8", OG_PAGE)
        elif self.path.startswith("/plain"):
            self.reply(200, "text/html", PLAIN_PAGE)
        elif self.path.startswith("/hostile"):
            self.reply(200, "text/html", HOSTILE_PAGE)
        elif self.path.startswith("/huge"):
            head = b"<html><head><meta property='og:title' content='huge'>"
            self.reply(200, "text/html", head + b"<p>" * (3 << 20))
        elif self.path == "/img/cover.png":
            self.reply(200, "image/png", COVER)
        elif self.path == "/img/zip.png":
            self.reply(200, "image/png", mf.zip_bytes())
        elif self.path.startswith("/image"):
            self.reply(200, "image/png", b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
        elif self.path.startswith("/missing"):
            self.reply(404, "text/html", OG_PAGE)
        elif self.path.startswith("/redirect"):
            self.send_response(302)
            self.send_header("Location", "/og?via=redirect")
            self.end_headers()
        else:
            self.reply(404, "text/plain", b"no")

    def reply(self, status, ctype, body):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass


@pytest.fixture(scope="module")
def pages():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


@pytest.fixture(scope="module")
def loopback_server(tmp_path_factory):
    from conftest import Server
    s = Server(env={"RAPPORT_FETCH_ALLOW_LOOPBACK": "1",
                    "RAPPORT_MEDIA_SWEEP_INTERVAL": "1"}).start()
    yield s
    assert s.stop() == 0


def post(user, text, **params):
    r = user.post("/api/v1/statuses", data=dict(params, status=text))
    assert r.status_code == 200, r.text
    return r.json()


def wait_for(path, user, timeout=15):
    """Waits until the page server was asked for path and the server had
    time to store what it made of it; returns the status's card."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if any(h.startswith(path) for h in Pages.hits):
            break
        time.sleep(0.05)
    else:
        raise AssertionError(f"{path} was never fetched")
    return None


def card_of(user, status_id, timeout=15, expect=True):
    deadline = time.time() + timeout
    while time.time() < deadline:
        card = user.get(f"/api/v1/statuses/{status_id}").json()["card"]
        if card is not None or not expect:
            return card
        time.sleep(0.1)
    return None


def settled(user, status_id, path):
    """The card after the page at path was fetched and judged."""
    wait_for(path, user)
    time.sleep(1.0)  # the fetch has ended; its result is saved right after
    return user.get(f"/api/v1/statuses/{status_id}").json()["card"]


def test_opengraph_card(loopback_server, pages):
    alice = loopback_server.user()
    url = pages + "/og"
    st = post(alice, f"Look at {url} and https://example.invalid/second")
    # fetched in the background: null until then (the fetch may win the race
    # with this response, so that is not asserted)
    card = card_of(alice, st["id"])
    assert card is not None
    assert card["url"] == url and card["type"] == "link"
    assert card["title"] == "The & Title"
    assert card["description"] == "A description on two lines"
    # the image is our copy: upright, stripped, in a 640-pixel box, WebP
    assert card["image"].startswith(loopback_server.base + "/media/") and "/img/" not in str(card)
    assert (card["width"], card["height"]) == (320, 640) and len(card["blurhash"]) == 28
    img = requests.get(card["image"])
    assert img.headers["Content-Type"] == "image/webp"
    assert mf.image_size(img.content) == (320, 640)
    assert b"Exif" not in img.content and b"GPS" not in img.content
    page = requests.get(loopback_server.url(f"/@{alice.name}/{st['id']}")).text
    assert card["image"] in page and pages + "/img" not in page
    time.sleep(2.5)  # the sweep (every second here) keeps the file a card names
    assert requests.get(card["image"]).status_code == 200
    assert card["provider_name"] == "Example Site"
    assert card["provider_url"] == pages + "/"
    # the same card in timelines and for anonymous readers
    tl = [s for s in alice.get("/api/v1/timelines/home").json() if s["id"] == st["id"]]
    assert tl[0]["card"] == card
    assert requests.get(loopback_server.url(f"/api/v1/statuses/{st['id']}")).json()["card"] == card
    # a second status with the same link reuses the cached card: no new fetch
    before = len([h for h in Pages.hits if h == "/og"])
    st2 = post(alice, f"again {url}")
    assert card_of(alice, st2["id"]) == card
    time.sleep(0.5)
    assert len([h for h in Pages.hits if h == "/og"]) == before


def test_card_image_that_is_no_image(loopback_server, pages):
    alice = loopback_server.user()
    st = post(alice, pages + "/badimg")
    card = card_of(alice, st["id"])
    assert card["title"] == "The & Title"
    assert card["image"] is None and card["blurhash"] is None and card["width"] == 0
    assert "/img/zip.png" in Pages.hits


def test_plain_html_meta_and_redirect(loopback_server, pages):
    alice = loopback_server.user()
    st = post(alice, pages + "/plain")
    card = card_of(alice, st["id"])
    assert card["title"] == "Plain <title>"
    assert card["description"] == "From the meta description"
    assert card["image"] is None and card["provider_name"] == "127.0.0.1"
    st = post(alice, pages + "/redirect")
    card = card_of(alice, st["id"])
    assert card["title"] == "The & Title" and card["url"] == pages + "/redirect"


def test_hostile_pages(loopback_server, pages):
    alice = loopback_server.user()
    st = post(alice, pages + "/hostile")
    card = card_of(alice, st["id"])
    # markup in the metadata is text, never markup; bidi overrides are dropped
    assert card["title"] == '<script>alert(1)</script>"Boom"'
    assert card["description"] == "<img src=x onerror=alert(2)>reversed"
    assert card["image"] is None  # not http(s)
    # the public page shows it escaped
    page = requests.get(loopback_server.url(f"/@{alice.name}/{st['id']}")).text
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page
    assert 'href="javascript' not in page
    # a page past the size cap, an image, a 404: no card, and nothing breaks
    for path in ("/huge", "/image", "/missing"):
        st = post(alice, pages + path)
        assert settled(alice, st["id"], path) is None, path
    assert loopback_server.proc.poll() is None


def test_no_card_for_direct_messages_mentions_or_tags(loopback_server, pages):
    alice, bob = loopback_server.user(), loopback_server.user()
    st = post(alice, f"@{bob.name} secret {pages}/og?dm", visibility="direct")
    st2 = post(alice, f"#tag and @{bob.name} only")
    time.sleep(1.0)
    assert not any(h == "/og?dm" for h in Pages.hits)
    assert alice.get(f"/api/v1/statuses/{st['id']}").json()["card"] is None
    assert alice.get(f"/api/v1/statuses/{st2['id']}").json()["card"] is None


def test_edit_changes_the_card(loopback_server, pages):
    alice = loopback_server.user()
    st = post(alice, pages + "/og?edit")
    assert card_of(alice, st["id"])["title"] == "The & Title"
    r = alice.put(f"/api/v1/statuses/{st['id']}", data={"status": pages + "/plain?edit"})
    assert r.status_code == 200, r.text
    deadline = time.time() + 15
    while time.time() < deadline:
        card = alice.get(f"/api/v1/statuses/{st['id']}").json()["card"]
        if card and card["title"] == "Plain <title>":
            break
        time.sleep(0.1)
    assert card["title"] == "Plain <title>"
    r = alice.put(f"/api/v1/statuses/{st['id']}", data={"status": "no link now"})
    assert r.json()["card"] is None


def test_loopback_is_refused_without_the_test_switch(server, pages):
    alice = server.user()
    st = post(alice, pages + "/og?refused")
    time.sleep(1.5)
    assert not any(h == "/og?refused" for h in Pages.hits)
    assert alice.get(f"/api/v1/statuses/{st['id']}").json()["card"] is None


def test_trending_links_are_talked_about(loopback_server, pages):
    """A link trends when people share it in a conversation; one that is
    only posted, by however many, does not (docs/SOCIAL.md, "Trends")."""
    s = loopback_server
    a, b, c, d = s.user(), s.user(), s.user(), s.user()
    talked, posted = pages + "/og?trend", pages + "/plain?trend"
    first = post(a, f"what do you make of {talked}")
    reply = post(b, f"@{a.name} agreed, {talked} is right", in_reply_to_id=first["id"])
    post(a, f"@{b.name} thanks", in_reply_to_id=reply["id"])
    alone = [post(u, f"read this {posted}") for u in (c, d)]
    for user, st in ((a, first), (b, reply), (c, alone[0]), (d, alone[1])):
        assert card_of(user, st["id"]) is not None
    got = requests.get(s.url("/api/v1/trends/links")).json()
    assert [x["url"] for x in got] == [talked]
    link = got[0]
    assert link["title"] == "The & Title" and link["type"] == "link"
    assert len(link["history"]) == 7
    assert link["history"][0]["accounts"] == "2" and link["history"][0]["uses"] == "2"
    # two people, and a thread with two turns after its first
    assert link["rapport"]["score"] == 2 + 3 * 2
