"""A home page whose statuses no cache holds yet (the PostgreSQL pass only,
where every statement is a round trip): its rows, and which of its
statuses have media, a poll or a link, are read a batch at a time, not one
statement per status. Two processes on one database: the
statuses are written through A, so B has none of them cached when it
serves the page."""
import re
import time

import pytest

import media_files as mf
from conftest import PG, Server

pytestmark = pytest.mark.skipif(not PG, reason="round trips are PostgreSQL's cost")

SLOW = re.compile(r"slow sql: \d+ ms in: (.*)$")
# The statement that reads statuses' numbers (LITE_COLS in store_statuses.c);
# the log shows a statement's beginning only.
LITE = "SELECT s.id, s.account_id, s.sensitive, s.visibility, "
# One status's media (store_media_of_status), its poll and card
# (store_status_extras) or its poll alone, and a batch's presence of them;
# each matched whole, since the background worker's statements (polls that
# ended, media to sweep) begin the same way and land in the same log.
MEDIA = re.compile(r"SELECT id, account_id, COALESCE\(status_id, 0\), position,.*"
                   r" WHERE status_id = \$1 ORDER BY position")
EXTRAS = re.compile(r"SELECT p\.id, p\.status_id, p\.account_id, p\.multiple,.*"
                    r"(, sc\.url, | WHERE p\.status_id = \$1)")
PRESENT = re.compile(r"SELECT DISTINCT status_id, 1 FROM media_attachments")


def reads(server, offset, what):
    """How many statements that what matches (a prefix, or a pattern from the
    beginning) ran after offset in the log."""
    text = server.log.read_bytes()[offset:].decode(errors="replace")
    match = what.match if hasattr(what, "match") else (lambda t: t.startswith(what))
    return sum(1 for line in text.splitlines()
               if (m := SLOW.search(line)) and match(m.group(1)))


def test_a_cold_home_page_reads_its_rows_a_batch_at_a_time():
    a = Server(env={"RAPPORT_NODE_ID": "1"}).start()
    b = Server(env={"RAPPORT_NODE_ID": "2", "RAPPORT_SLOW_SQL_MS": "0"}, data=a.data)
    b.domain = a.domain  # one community, two processes
    b.start()
    try:
        alice, bob = a.user(), a.user()
        assert alice.post(f"/api/v1/accounts/{bob.id}/follow").status_code == 200
        media = bob.post("/api/v1/media", files={"file": ("p.png", mf.png(8, 8), "image/png")})
        assert media.status_code == 200, media.text
        posted = []
        for i in range(30):
            post = {"status": f"note {i}"}
            if i == 5:  # one status has a picture, one a poll, one a link
                post["media_ids[]"] = media.json()["id"]
            elif i == 10:
                post.update({"poll[options][]": ["yes", "no"], "poll[expires_in]": "86400"})
            elif i == 15:
                post["status"] = "see https://example.invalid/page"
            r = bob.post("/api/v1/statuses", data=post)
            assert r.status_code == 200, r.text
            posted.append(r.json()["id"])
        deadline = time.time() + 10
        while True:
            home = alice.get("/api/v1/timelines/home?limit=40")
            assert home.status_code == 200, home.text
            if [s["id"] for s in home.json()] == posted[::-1]:
                break
            assert time.time() < deadline, "the posts did not reach the home feed"
            time.sleep(0.1)

        offset = b.log.stat().st_size
        alice.server = b
        cold = alice.get("/api/v1/timelines/home?limit=40")
        assert cold.status_code == 200, cold.text
        assert cold.content == home.content
        # 30 statuses, 16 to a statement (one each before: 30)
        assert reads(b, offset, LITE) == 2
        # which have media, a poll or a link: 2 statements; then only the
        # status with media reads it, only those with a poll or a link
        # read them (before: 30 and 30)
        assert reads(b, offset, PRESENT) == 2
        assert reads(b, offset, MEDIA) == 1
        assert reads(b, offset, EXTRAS) == 2
        shown = {s["id"]: s for s in cold.json()}
        assert len(shown[posted[5]]["media_attachments"]) == 1
        assert shown[posted[10]]["poll"]["options"][1]["title"] == "no"
        assert shown[posted[0]]["media_attachments"] == [] and shown[posted[0]]["poll"] is None

        # warm: nothing of it is read again
        offset = b.log.stat().st_size
        assert alice.get("/api/v1/timelines/home?limit=40").content == home.content
        assert reads(b, offset, PRESENT) == 0 and reads(b, offset, MEDIA) == 0
    finally:
        assert b.stop() == 0
        assert a.stop() == 0
