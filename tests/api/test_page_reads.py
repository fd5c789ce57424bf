"""What a public status page, a feed and an account's statuses read (the
PostgreSQL pass only, where every statement is a round trip): which of the
thread's statuses have media, a poll or a link is read for the whole page in
one statement, so a status with none reads nothing more; only a poll is read
again on each view (its votes move). Two processes on one database: the
thread is written through A, so B serves it cold first."""
import re

import pytest
import requests

import media_files as mf
from conftest import PG, Server

pytestmark = pytest.mark.skipif(not PG, reason="round trips are PostgreSQL's cost")

SLOW = re.compile(r"slow sql: \d+ ms in: (.*)$")
# Each matched whole: the background worker's statements (polls that
# ended, media to sweep) begin the same way and land in the same log.
MEDIA = re.compile(r"SELECT id, account_id, COALESCE\(status_id, 0\), position,.*"
                   r" WHERE status_id = \$1 ORDER BY position")  # store_media_of_status
EXTRAS = re.compile(r"SELECT p\.id, p\.status_id, p\.account_id, p\.multiple,.*"
                    r"(, sc\.url, | WHERE p\.status_id = \$1)")  # poll and card, or poll
PRESENT = re.compile(r"SELECT DISTINCT status_id, 1 FROM media_attachments")  # a page's
FULL = re.compile(r"SELECT s\.id, s\.id, s\.account_id, s\.uri, s\.text,")  # a full row
SUSPENDED = re.compile(r"SELECT id FROM accounts WHERE suspended_at > 0 UNION ALL")  # and filters


@pytest.fixture
def pair():
    """A, and B on A's database logging every statement: B serves cold first."""
    a = Server(env={"RAPPORT_NODE_ID": "1"}).start()
    b = Server(env={"RAPPORT_NODE_ID": "2", "RAPPORT_SLOW_SQL_MS": "0"}, data=a.data)
    b.domain = a.domain
    b.start()
    yield a, b
    assert b.stop() == 0
    assert a.stop() == 0


def statements(server, offset):
    """The statements server logged since offset."""
    text = server.log.read_bytes()[offset:].decode(errors="replace")
    return [m.group(1) for m in map(SLOW.search, text.splitlines()) if m]


def reads(server, offset):
    out = {}
    for q in statements(server, offset):
        for k, pattern in (("media", MEDIA), ("extras", EXTRAS), ("present", PRESENT),
                           ("full", FULL), ("suspended", SUSPENDED)):
            if pattern.match(q):
                out[k] = out.get(k, 0) + 1
    return out


def view(server, path):
    offset = server.log.stat().st_size
    r = requests.get(server.url(path), headers={"Accept": "text/html"})
    assert r.status_code == 200, r.text
    return r.text, reads(server, offset)


def test_a_status_page_reads_what_its_statuses_have_once_for_the_page(pair):
    a, b = pair
    alice, bob = a.user(), a.user()
    media = alice.post("/api/v1/media", files={"file": ("p.png", mf.png(8, 8), "image/png")},
                       data={"description": "a red square"})
    assert media.status_code == 200, media.text
    root = alice.post("/api/v1/statuses", data={"status": "the root",
                                                "media_ids[]": media.json()["id"]}).json()
    replies = [bob.post("/api/v1/statuses", data={
        "status": f"reply {i}", "in_reply_to_id": root["id"]}).json() for i in range(4)]
    poll = bob.post("/api/v1/statuses", data={
        "status": "a vote", "in_reply_to_id": root["id"],
        "poll[options][]": ["tea", "coffee"], "poll[expires_in]": "86400"}).json()
    path = f"/@{alice.name}/{root['id']}"

    html, cold = view(b, path)
    assert f'class="status focus" id="s{root["id"]}"' in html
    assert 'alt="a red square"' in html
    assert html.count('<div class="poll">') == 1 and "coffee" in html
    for s in replies + [poll]:
        assert f'<article class="status" id="s{s["id"]}"' in html
    # one statement learns what the six statuses have (before: a poll
    # and card read for each, and media for each rendered: 12); then
    # only the root's media and the poll are read
    assert cold.get("present") == 1
    assert cold.get("media") == 1 and cold.get("extras") == 1
    # the status itself is read once (before: twice, by the thread too)
    assert cold.get("full", 0) <= 2, cold

    warm_html, warm = view(b, path)
    assert warm_html == html
    # warm: the poll alone is read (its votes move)
    assert warm.get("present", 0) == 0 and warm.get("media", 0) == 0
    assert warm.get("extras") == 1
    # the suspended accounts come from the home cache (before: read
    # with the thread on every view)
    assert warm.get("suspended", 0) == 0, warm

    # a reply's own page: the root above it, from the cache; the reply in focus
    html, _ = view(b, f"/@{bob.name}/{replies[0]['id']}")
    assert f'class="status focus" id="s{replies[0]["id"]}"' in html
    assert f'<article class="status" id="s{root["id"]}"' in html
    assert 'alt="a red square"' in html


def test_a_feed_reads_media_only_for_the_statuses_that_have_some(pair):
    a, b = pair
    alice = a.user()
    media = alice.post("/api/v1/media", files={"file": ("p.png", mf.png(8, 8), "image/png")},
                       data={"description": "a blue square"})
    assert media.status_code == 200, media.text
    pictured = alice.post("/api/v1/statuses", data={
        "status": "with a picture", "media_ids[]": media.json()["id"]})
    assert pictured.status_code == 200, pictured.text
    for i in range(19):
        assert alice.post("/api/v1/statuses", data={"status": f"words {i}"}).status_code == 200
    img = pictured.json()["media_attachments"][0]["url"]

    atom, cold = view(b, f"/@{alice.name}.atom")
    assert atom.count("<entry>") == 20
    assert atom.count('rel="enclosure"') == 1 and f'href="{img}"' in atom
    # the twenty statuses' media, polls and links in one statement per
    # 16; media is read for the pictured one alone (its content and its
    # enclosure; before: both for each of the twenty, 40 reads)
    assert cold.get("present") == 2, cold
    assert cold.get("media") == 2, cold
    assert cold.get("extras", 0) == 0, cold

    rss, warm = view(b, f"/@{alice.name}.rss")
    assert rss.count("<item>") == 20 and rss.count("<enclosure ") == 1
    assert warm.get("present", 0) == 0, warm
    assert warm.get("media") == 2, warm


ACCOUNT = re.compile(r"SELECT a\.id, a\.username, a\.domain, a\.display_name")  # store_account_get
EXISTS = re.compile(r"SELECT created_at, updated_at, last_status_at,.* FROM accounts WHERE id = \$1$")


def test_an_accounts_statuses_warm_read_no_account_row(pair):
    a, b = pair
    alice, bob = a.user(), a.user()
    for i in range(5):
        assert alice.post("/api/v1/statuses", data={"status": f"post {i}"}).status_code == 200
    me = alice.get("/api/v1/accounts/verify_credentials").json()["id"]
    path = b.url(f"/api/v1/accounts/{me}/statuses")
    assert len(requests.get(path, headers=bob.headers).json()) == 5  # the account: cached
    offset = b.log.stat().st_size
    r = requests.get(path, headers=bob.headers)
    assert r.status_code == 200 and len(r.json()) == 5
    done = statements(b, offset)
    # the account is known to exist from the row cache (before: its whole
    # row was read on every request)
    assert not [q for q in done if ACCOUNT.match(q) or EXISTS.match(q)], done
    # an account that does not exist is still a 404
    r = requests.get(b.url("/api/v1/accounts/999999999/statuses"), headers=bob.headers)
    assert r.status_code == 404 and r.json()["error"]


PROBE = re.compile(r"SELECT 1 WHERE \(EXISTS \(SELECT 1 FROM blocks WHERE account_id = \$1\)")


def test_an_accounts_statuses_takes_the_viewers_filters_from_the_home_cache(pair):
    # Whether the viewer blocks, mutes or is blocked decides which statement
    # a timeline runs; the viewer's cached home page knows it, kept exact by
    # the same notices (a block made through A reaches B's cache).
    a, b = pair
    alice, bob = a.user(), a.user()
    for i in range(3):
        assert alice.post("/api/v1/statuses", data={"status": f"post {i}"}).status_code == 200
    alice_id = alice.get("/api/v1/accounts/verify_credentials").json()["id"]
    path = f"/api/v1/accounts/{alice_id}/statuses"

    def on_b(p):
        r = requests.get(b.url(p), headers=bob.headers)
        assert r.status_code == 200, r.text
        return r.json()

    on_b("/api/v1/timelines/home")  # B keeps bob's first home page
    offset = b.log.stat().st_size
    assert len(on_b(path)) == 3
    done = statements(b, offset)
    assert not [q for q in done if PROBE.match(q)], done  # before: one each

    # bob blocks alice through A: B forgets bob's page, and what it
    # keeps next knows of the block
    assert bob.post(f"/api/v1/accounts/{alice_id}/block").status_code == 200
    on_b("/api/v1/timelines/home")
    assert on_b(path) == []
