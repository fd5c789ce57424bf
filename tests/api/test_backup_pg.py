"""A PostgreSQL store is backed up and restored as docs/DEPLOY.md says
(`pg_dump --format=custom`, `pg_restore` into a new database): a server on
the restored database answers as the old one did, and takes new writes
(its sequences and triggers came with it). The PostgreSQL pass only."""
import subprocess
import uuid

import os

import pytest
import requests

from conftest import BIN, PG, TEST_ENV, db_env

pytestmark = pytest.mark.skipif(not PG, reason="pg_dump and pg_restore")


def test_pg_dump_then_pg_restore_serves(make_server, tmp_path):
    srv = make_server()
    alice, bob = srv.user(), srv.user()
    bob.post(f"/api/v1/accounts/{alice.id}/follow").raise_for_status()
    first = alice.post("/api/v1/statuses", data={"status": "before the #dump"}).json()
    bob.post(f"/api/v1/statuses/{first['id']}/favourite").raise_for_status()
    lst = alice.post("/api/v1/lists", data={"title": "friends"}).json()
    url = db_env(srv.data)["RAPPORT_DB"]
    dump = tmp_path / "rapport.dump"
    subprocess.run(["pg_dump", "--format=custom", "-f", str(dump), url], check=True)
    assert srv.stop() == 0

    new = db_env(f"/restored-{uuid.uuid4().hex}")["RAPPORT_DB"]
    subprocess.run(["pg_restore", "--exit-on-error", "-d", new, str(dump)], check=True)
    again = make_server(env={"RAPPORT_DB": new}, data=srv.data)
    me = {"Authorization": "Bearer " + again.token(alice.email)}
    got = requests.get(again.url(f"/api/v1/statuses/{first['id']}"), headers=me).json()
    assert got["content"].startswith("<p>before the") and got["favourites_count"] == 1, got
    hits = requests.get(again.url("/api/v2/search?q=dump&type=statuses"), headers=me).json()
    assert [s["id"] for s in hits["statuses"]] == [first["id"]]
    r = requests.post(again.url("/api/v1/lists"), headers=me, data={"title": "after"})
    assert r.status_code == 200 and int(r.json()["id"]) > int(lst["id"]), r.text
    r = requests.post(again.url("/api/v1/statuses"), headers=me, data={"status": "after"})
    assert r.status_code == 200, r.text
    acct = requests.get(again.url("/api/v1/accounts/verify_credentials"), headers=me).json()
    assert acct["statuses_count"] == 2


def test_backup_and_restore_refuse_a_postgresql_store(tmp_path):
    """A data directory may still hold the SQLite store a `store copy`
    moved to PostgreSQL: with RAPPORT_DB set, `rapport backup` must not
    copy that stale store as if it were the community's, nor `restore`
    write one the server would not read."""
    data = tmp_path / "data"
    sqlite_env = {k: v for k, v in os.environ.items() if k != "RAPPORT_DB"}
    p = subprocess.run([BIN, "user", "add", "left", "--email", "left@example.com",
                        "--password", "correct horse battery", "--data", str(data)],
                       capture_output=True, text=True, env={**sqlite_env, **TEST_ENV})
    assert p.returncode == 0 and (data / "rapport.db").exists(), p.stderr
    env = {**sqlite_env, **TEST_ENV, **db_env(data)}
    out = tmp_path / "copy.db"
    p = subprocess.run([BIN, "backup", "--data", str(data), "--out", str(out)],
                       capture_output=True, text=True, env=env)
    assert p.returncode == 1 and not out.exists(), p.stdout
    assert "the store is PostgreSQL (RAPPORT_DB): back it up with pg_dump" in p.stderr
    p = subprocess.run([BIN, "restore", "--from", str(data / "rapport.db"),
                        "--data", str(tmp_path / "new")], capture_output=True, text=True,
                       env=env)
    assert p.returncode == 1 and not (tmp_path / "new" / "rapport.db").exists(), p.stdout
    assert "restore it with pg_restore" in p.stderr
