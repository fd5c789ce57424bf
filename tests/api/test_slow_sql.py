"""RAPPORT_SLOW_SQL_MS: every statement is timed for the slow log, including
the transaction and savepoint statements of group commit (where a search
index flush or merge runs) and the worker's checkpoints."""
import re

from conftest import PG

SLOW = re.compile(r"slow sql: \d+ ms in: (.*)$")


def slow_statements(server):
    return [m.group(1) for line in server.log.read_text().splitlines()
            if (m := SLOW.search(line))]


def test_every_statement_is_timed(make_server):
    s = make_server(env={"RAPPORT_SLOW_SQL_MS": "0"})
    alice = s.user()
    for i in range(3):
        r = alice.post("/api/v1/statuses", data={"status": f"timed statement {i}"})
        assert r.status_code == 200, r.text
    sid = r.json()["id"]
    assert alice.post(f"/api/v1/statuses/{sid}/favourite").status_code == 200
    assert s.stop() == 0
    seen = slow_statements(s)
    if PG:
        # Each transaction begins by taking the writers' lock (db_pg.c); a
        # group's BEGIN, lock and savepoints and the writes queued with
        # db_exec_later go in other statements' round trips, and each is
        # named with that round trip's time.
        assert any(x.startswith("BEGIN; SELECT pg_advisory_xact_lock(") for x in seen)
        for sql in ["BEGIN", "SAVEPOINT member", "COMMIT", "prepare"]:
            assert sql in seen, f"{sql!r} is not timed"
        assert any(x.startswith("SELECT pg_advisory_xact_lock(") for x in seen)
    else:
        for sql in ["BEGIN IMMEDIATE", "SAVEPOINT member", "RELEASE member", "COMMIT"]:
            assert sql in seen, f"{sql!r} is not timed"
        # Each savepoint is ended, and each end is timed too (PostgreSQL
        # nests a group's savepoints instead).
        ends = seen.count("RELEASE member") + seen.count("ROLLBACK TO member")
        assert seen.count("SAVEPOINT member") == ends
    assert any(x.startswith("INSERT INTO statuses ") for x in seen)
    assert any(x.startswith("INSERT INTO statuses_fts ") for x in seen)


def test_nothing_is_logged_by_default(make_server):
    s = make_server()
    alice = s.user()
    assert alice.post("/api/v1/statuses", data={"status": "untimed"}).status_code == 200
    assert s.stop() == 0
    assert slow_statements(s) == []
