"""`rapport store copy` and `store verify`: a community written through the
API on SQLite, copied into PostgreSQL, answers the same there; copied back,
it holds the same rows; a store in use, a destination with rows, a row
changed after the copy and a value that cannot be carried are refused or
found, and a refused copy leaves nothing behind. The PostgreSQL pass only
(it needs a cluster): the SQLite pass has no PostgreSQL to copy into."""
import sqlite3
import subprocess
import uuid

import pytest
import requests

import media_files as mf
from conftest import BIN, PG, SANITIZER, TEST_ENV, Server, _PgConn, db_env, open_inbox

pytestmark = pytest.mark.skipif(not PG, reason="needs the PostgreSQL cluster of the "
                                              "PostgreSQL pass")


def pg_url():
    """A new, empty PostgreSQL database."""
    return db_env(f"/copy-{uuid.uuid4().hex}")["RAPPORT_DB"]


def sqlite_server(data, port=None):
    """A server on the SQLite store of data (the PostgreSQL pass would give
    it a database)."""
    data.mkdir(parents=True, exist_ok=True)
    s = Server(data=data)
    s.env.pop("RAPPORT_DB")
    if port:
        s.port, s.domain, s.base = port, f"127.0.0.1:{port}", f"http://127.0.0.1:{port}"
    return s.start()


def pg_server(data, url, port):
    """A server on the PostgreSQL store url, with the data directory (media
    files) and the address of the server that wrote it."""
    s = Server(data=data, env={"RAPPORT_DB": url})
    s.port, s.domain, s.base = port, f"127.0.0.1:{port}", f"http://127.0.0.1:{port}"
    return s.start()


def store(*args, check=True):
    import os
    p = subprocess.run([BIN, "store", *args], capture_output=True, text=True, timeout=300,
                       env=dict(os.environ, **TEST_ENV))
    assert not SANITIZER.search(p.stderr), p.stderr
    if check:
        assert p.returncode == 0, p.stderr + p.stdout
    return p


def community(srv):
    """Every kind of content, written through the API."""
    alice, bob, carol = (open_inbox(srv.user(n)) for n in ("alice", "bob", "carol"))
    for u in (bob, carol):
        u.post(f"/api/v1/accounts/{alice.id}/follow").raise_for_status()
    alice.post(f"/api/v1/accounts/{bob.id}/follow").raise_for_status()
    media = alice.post("/api/v1/media", files={"file": ("p.png", mf.png(8, 8), "image/png")},
                       data={"description": "a red square"})
    assert media.status_code == 200, media.text
    first = alice.post("/api/v1/statuses", json={
        "status": "hello #copying world, with a picture", "media_ids": [media.json()["id"]]})
    first.raise_for_status()
    poll = alice.post("/api/v1/statuses", data={
        "status": "tabs or spaces?", "poll[options][]": ["tabs", "spaces"],
        "poll[expires_in]": "86400"}).json()
    bob.post(f"/api/v1/polls/{poll['poll']['id']}/votes",
             data={"choices[]": ["1"]}).raise_for_status()
    sid = first.json()["id"]
    bob.post("/api/v1/statuses", data={"status": f"@alice copying\ttabs\nand 'quotes' \\ é",
                                       "in_reply_to_id": sid}).raise_for_status()
    bob.post(f"/api/v1/statuses/{sid}/favourite").raise_for_status()
    carol.post(f"/api/v1/statuses/{sid}/reblog").raise_for_status()
    carol.post(f"/api/v1/statuses/{sid}/bookmark").raise_for_status()
    bob.post("/api/v1/statuses", data={"status": "@alice a secret", "visibility": "direct"}
             ).raise_for_status()
    lst = alice.post("/api/v1/lists", data={"title": "friends"}).json()
    alice.post(f"/api/v1/lists/{lst['id']}/accounts",
               data={"account_ids[]": [bob.id]}).raise_for_status()
    carol.post("/api/v1/reports", data={"account_id": bob.id, "comment": "spam"}
               ).raise_for_status()
    alice.put(f"/api/v1/statuses/{sid}", json={
        "status": "hello #copying world, edited", "media_ids": [media.json()["id"]]}
              ).raise_for_status()
    return alice, bob, carol


READS = ["/api/v1/timelines/home", "/api/v1/timelines/public", "/api/v1/notifications",
         "/api/v1/conversations", "/api/v1/lists", "/api/v1/bookmarks",
         "/api/v1/accounts/verify_credentials", "/api/v2/search?q=copying",
         "/api/v2/search?q=edited&type=statuses", "/api/v1/follow_requests"]


def answers(srv, users):
    out = {}
    for u in users:
        for path in READS + [f"/api/v1/accounts/{users[0].id}/statuses"]:
            r = requests.get(srv.url(path), headers=u.headers)
            assert r.status_code == 200, (path, r.text)
            out[(u.name, path)] = r.json()
    return out


def same_answers(got, want):
    """Equal, or the first difference named."""
    for k in want:
        if got[k] != want[k]:
            g, w = got[k], want[k]
            if isinstance(w, dict):
                g = {f: v for f, v in g.items() if w.get(f) != v}
                w = {f: w.get(f) for f in g}
            assert g == w, k
    assert got == want


def rows(path):
    """Every table's rows, sorted, as SQLite holds them (not the search
    index's internals, nor the migrations' own record)."""
    with sqlite3.connect(path) as db:
        names = [n for (n,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'"
            " AND name NOT LIKE 'statuses_fts%' AND name <> 'schema_version'")]
        got = {n: sorted(map(repr, db.execute(f'SELECT * FROM "{n}"'))) for n in names}
        got["search"] = sorted(db.execute("SELECT rowid FROM statuses_fts"))
    return got


def test_copy_to_postgresql_and_back(tmp_path):
    src = sqlite_server(tmp_path / "lite")
    users = community(src)
    # Answered by a new process, as the copy will be (no figures in memory).
    port = src.port
    assert src.stop() == 0
    src = sqlite_server(src.data, port)
    before = answers(src, users)

    # A served store is not copied.
    url = pg_url()
    p = store("copy", "--from", str(src.data), "--to", url, check=False)
    assert p.returncode == 1 and "server" in p.stderr
    assert src.stop() == 0

    p = store("copy", "--from", str(src.data), "--to", url)
    assert "copied" in p.stdout
    table = {line.split()[0]: line.split() for line in p.stdout.splitlines()[1:-1]}
    for name in ("accounts", "statuses", "media_attachments", "polls", "poll_votes",
                 "follows", "lists", "list_accounts", "conversations", "reports",
                 "status_edits", "bookmarks", "statuses_fts"):
        assert table[name][-1] == "ok" and int(table[name][1]) > 0, table[name]

    # Served from PostgreSQL, the same answers; and it takes new writes
    # (its sequences and ids go on from the copy's).
    pg = pg_server(src.data, url, port)
    try:
        same_answers(answers(pg, users), before)
        alice = users[0]
        r = alice.post("/api/v1/statuses", data={"status": "after the move #copying"})
        assert r.status_code == 200, r.text
        alice.post("/api/v1/lists", data={"title": "new"}).raise_for_status()
    finally:
        assert pg.stop() == 0

    # Back into SQLite: the same rows as the PostgreSQL store holds.
    back = tmp_path / "back"
    store("copy", "--from", url, "--to", str(back))
    store("verify", "--from", url, "--to", str(back))
    # And the SQLite copy serves the same answers as PostgreSQL did.
    lite = sqlite_server(back, port)
    try:
        again = answers(lite, users)
    finally:
        assert lite.stop() == 0
    pg = pg_server(src.data, url, port)
    try:
        same_answers(answers(pg, users), again)
    finally:
        assert pg.stop() == 0


def test_round_trip_holds_the_same_rows(tmp_path):
    src = sqlite_server(tmp_path / "lite")
    community(src)
    assert src.stop() == 0
    url = pg_url()
    store("copy", "--from", str(src.data), "--to", url)
    store("copy", "--from", url, "--to", str(tmp_path / "back"))
    assert rows(tmp_path / "back" / "rapport.db") == rows(src.data / "rapport.db")


def test_refusals_and_a_changed_row(tmp_path):
    src = sqlite_server(tmp_path / "lite")
    community(src)
    assert src.stop() == 0
    url = pg_url()
    store("copy", "--from", str(src.data), "--to", url)

    # From a directory without a store, or a database without rows: refused
    # (a mistyped source is not made into a new store and copied as nothing).
    p = store("copy", "--from", str(tmp_path / "typo"), "--to", pg_url(), check=False)
    assert p.returncode == 1 and "no store in" in p.stderr
    assert not (tmp_path / "typo").exists()
    p = store("copy", "--from", pg_url(), "--to", str(tmp_path / "new"), check=False)
    assert p.returncode == 1 and "source store is empty" in p.stderr

    # Into a store that has rows: refused, nothing written.
    db = _PgConn(url)
    n = db.execute("SELECT COUNT(*) FROM statuses").fetchone()[0]
    p = store("copy", "--from", str(src.data), "--to", url, check=False)
    assert p.returncode == 1 and "not empty" in p.stderr
    assert db.execute("SELECT COUNT(*) FROM statuses").fetchone()[0] == n

    # A value changed after the copy: verify finds the table.
    assert store("verify", "--from", str(src.data), "--to", url).returncode == 0
    db.execute("UPDATE statuses SET text = text || '!' WHERE id = (SELECT MIN(id) FROM statuses)")
    p = store("verify", "--from", str(src.data), "--to", url, check=False)
    assert p.returncode == 1 and "differ" in p.stderr
    bad = [line for line in p.stdout.splitlines() if "DIFFERENT" in line]
    assert len(bad) == 1 and bad[0].startswith("statuses "), p.stdout
    db.close()

    # A served PostgreSQL store is not copied from.
    pg = pg_server(src.data, url, src.port)
    try:
        p = store("copy", "--from", url, "--to", str(tmp_path / "x"), check=False)
        assert p.returncode == 1 and "server" in p.stderr
    finally:
        assert pg.stop() == 0


def test_a_value_that_cannot_be_carried_rolls_back(tmp_path):
    src = sqlite_server(tmp_path / "lite")
    community(src)
    assert src.stop() == 0
    with sqlite3.connect(src.data / "rapport.db") as db:
        db.execute("UPDATE statuses SET replies_count = 'many' WHERE id ="
                   " (SELECT MAX(id) FROM statuses)")
    url = pg_url()
    p = store("copy", "--from", str(src.data), "--to", url, check=False)
    assert p.returncode == 1 and "statuses.replies_count" in p.stderr and "many" in p.stderr
    # accounts came before statuses: rolled back with the rest.
    db = _PgConn(url)
    try:
        assert db.execute("SELECT COUNT(*) FROM accounts").fetchone()[0] == 0
    finally:
        db.close()


def test_rows_before_their_parents_and_a_missing_parent(tmp_path):
    """Into SQLite, rows come in the source's order: a bookmark before the
    status it names (tables go by name), a reply before the status it
    answers (here moved to the end of PostgreSQL's heap). They are copied;
    a row whose parent is not in the source at all fails the copy, which
    names it and keeps nothing."""
    src = sqlite_server(tmp_path / "lite")
    community(src)
    assert src.stop() == 0
    url = pg_url()
    store("copy", "--from", str(src.data), "--to", url)
    db = _PgConn(url)
    try:
        parent = db.execute("SELECT in_reply_to_id FROM statuses"
                            " WHERE in_reply_to_id IS NOT NULL").fetchone()[0]
        db.execute("UPDATE statuses SET text = text WHERE id = ?", (parent,))
        order = [i for (i,) in db.execute("SELECT id FROM statuses")]
        reply = db.execute("SELECT id FROM statuses WHERE in_reply_to_id = ?",
                           (parent,)).fetchone()[0]
        assert order.index(reply) < order.index(parent)
        store("copy", "--from", url, "--to", str(tmp_path / "back"))
        store("verify", "--from", url, "--to", str(tmp_path / "back"))

        # A bookmark of a status that is not there (written with the
        # source's own foreign keys off).
        db.execute("SET session_replication_role = replica")
        bid = db.execute("UPDATE bookmarks SET status_id = 42 WHERE id ="
                         " (SELECT MIN(id) FROM bookmarks) RETURNING id").fetchone()[0]
        db.execute("SET session_replication_role = origin")
    finally:
        db.close()
    p = store("copy", "--from", url, "--to", str(tmp_path / "broken"), check=False)
    assert p.returncode == 1, p.stdout
    assert (f"the row {bid} of bookmarks refers to a row of statuses that is not there"
            in p.stderr), p.stderr
    with sqlite3.connect(tmp_path / "broken" / "rapport.db") as lite:
        for table in ("accounts", "statuses", "bookmarks"):
            assert lite.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0
