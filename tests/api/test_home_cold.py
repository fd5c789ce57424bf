"""A home page whose statuses no cache holds yet (the PostgreSQL pass only,
where every statement is a round trip): its rows are read a batch at a
time, not one statement per status. Two processes on one database: the
statuses are written through A, so B has none of them cached when it
serves the page."""
import re
import time

import pytest

from conftest import PG, Server

pytestmark = pytest.mark.skipif(not PG, reason="round trips are PostgreSQL's cost")

SLOW = re.compile(r"slow sql: \d+ ms in: (.*)$")
# The statement that reads statuses' numbers (LITE_COLS in store_statuses.c);
# the log shows a statement's beginning only.
LITE = "SELECT s.id, s.account_id, s.sensitive, s.visibility, "


def lite_reads(server, offset):
    """How many statements read statuses' numbers after offset in the log."""
    text = server.log.read_bytes()[offset:].decode(errors="replace")
    return sum(1 for line in text.splitlines()
               if (m := SLOW.search(line)) and m.group(1).startswith(LITE))


def test_a_cold_home_page_reads_its_rows_a_batch_at_a_time():
    a = Server(env={"RAPPORT_NODE_ID": "1"}).start()
    b = Server(env={"RAPPORT_NODE_ID": "2", "RAPPORT_SLOW_SQL_MS": "0"}, data=a.data)
    b.domain = a.domain  # one community, two processes
    b.start()
    try:
        alice, bob = a.user(), a.user()
        assert alice.post(f"/api/v1/accounts/{bob.id}/follow").status_code == 200
        posted = []
        for i in range(30):
            r = bob.post("/api/v1/statuses", data={"status": f"note {i}"})
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
        assert lite_reads(b, offset) == 2
    finally:
        assert b.stop() == 0
        assert a.stop() == 0
