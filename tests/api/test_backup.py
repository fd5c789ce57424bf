"""`rapport backup` and `rapport restore`: a copy taken while the server
writes is whole and consistent, restores into a working server, and bad
copies or existing files are refused with nothing written."""
import sqlite3
import threading

import requests

import pytest

from conftest import PG, run_cli

pytestmark = pytest.mark.skipif(PG, reason="SQLite's online backup; PostgreSQL is backed up "
                                          "with pg_dump (docs/DEPLOY.md)")


def test_backup_while_writing_then_restore(make_server, tmp_path):
    srv = make_server()
    alice, bob = srv.user(), srv.user()
    bob.post(f"/api/v1/accounts/{alice.id}/follow").raise_for_status()
    first = alice.post("/api/v1/statuses", data={"status": "before the backup"}).json()
    bob.post(f"/api/v1/statuses/{first['id']}/favourite").raise_for_status()

    # Writes keep going while the copy is taken: the copy is a snapshot
    # of some commit, so every counter in it equals its rows.
    stop, going = threading.Event(), threading.Event()

    def write():
        for n in range(2000):
            if stop.is_set():
                break
            alice.post("/api/v1/statuses", data={"status": f"during {n}"})
            if n == 20:
                going.set()
        going.set()

    writer = threading.Thread(target=write)
    writer.start()
    going.wait(60)
    try:
        out = tmp_path / "copy.db"
        p = run_cli("backup", "--out", str(out), data=srv.data)
        assert "backed up" in p.stdout
    finally:
        stop.set()
        writer.join()

    with sqlite3.connect(out) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        n_rows = db.execute("SELECT COUNT(*) FROM statuses WHERE account_id = ?",
                            (int(alice.id),)).fetchone()[0]
        counter = db.execute("SELECT statuses_count FROM accounts WHERE id = ?",
                             (int(alice.id),)).fetchone()[0]
        assert n_rows == counter >= 22

    restored = tmp_path / "restored"
    run_cli("restore", "--from", str(out), data=restored)
    srv.stop()
    again = make_server(data=restored)
    me = {"Authorization": "Bearer " + again.token(alice.email)}
    got = requests.get(again.url(f"/api/v1/statuses/{first['id']}"), headers=me).json()
    assert got["content"] == "<p>before the backup</p>"
    assert got["favourites_count"] == 1
    acct = requests.get(again.url("/api/v1/accounts/verify_credentials"), headers=me).json()
    assert acct["id"] == alice.id and acct["statuses_count"] == n_rows


def test_refusals_write_nothing(make_server, tmp_path):
    srv = make_server()
    srv.user()
    existing = tmp_path / "exists.db"
    existing.write_bytes(b"keep me")
    p = run_cli("backup", "--out", str(existing), data=srv.data, check=False)
    assert p.returncode == 1 and "exists" in p.stderr
    assert existing.read_bytes() == b"keep me"

    p = run_cli("backup", "--out", str(tmp_path / "x.db"), data=tmp_path / "none", check=False)
    assert p.returncode == 1 and "no store" in p.stderr
    assert not (tmp_path / "x.db").exists()

    # Not a database, a truncated one, and a database that is not a store.
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"PK\x03\x04 not sqlite at all" * 100)
    good = tmp_path / "good.db"
    run_cli("backup", "--out", str(good), data=srv.data)
    truncated = tmp_path / "truncated.db"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 3])
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE t (x)")
    newer = tmp_path / "newer.db"
    newer.write_bytes(good.read_bytes())
    with sqlite3.connect(newer) as db:
        db.execute("INSERT INTO schema_version (version, applied_at) VALUES (100000, 0)")
    for bad, why in [(junk, "not a sound"), (truncated, "not a sound"),
                     (other, "not a Rapport store"), (newer, "schema version")]:
        target = tmp_path / f"into-{bad.stem}"
        p = run_cli("restore", "--from", str(bad), data=target, check=False)
        assert p.returncode == 1 and why in p.stderr, (bad, p.stderr)
        assert not (target / "rapport.db").exists()

    # A directory that holds a store already is never overwritten.
    p = run_cli("restore", "--from", str(good), data=srv.data, check=False)
    assert p.returncode == 1 and "exists" in p.stderr

    p = run_cli("backup", data=srv.data, check=False)
    assert p.returncode == 2 and "usage:" in p.stderr


def test_newer_store_refused_by_serve(tmp_path, make_server):
    # A store written by a newer program is refused at start, not misread.
    srv = make_server()
    srv.user()
    good = tmp_path / "good.db"
    run_cli("backup", "--out", str(good), data=srv.data)
    with sqlite3.connect(good) as db:
        db.execute("INSERT INTO schema_version (version, applied_at) VALUES (100000, 0)")
    data = tmp_path / "newer"
    data.mkdir()
    (data / "rapport.db").write_bytes(good.read_bytes())
    p = run_cli("user", "list", data=data, check=False)
    assert p.returncode == 1
    assert "cannot open the store" in p.stderr
