"""Store failures, made real from outside the server.

A store error ends the request with a 5xx JSON error and changes nothing;
it never weakens a rule (a block or mute check that cannot be made denies),
and the server goes on serving once the cause is gone.

- Disk full: the data directory lives on a small tmpfs that is filled up
  while the server runs (needs root to mount; CI runs as root).
- A table the store relies on is renamed away by another connection, so
  every statement that reads it fails while the others still work: the
  checks that read it must fail their request instead of passing."""
import os
import sqlite3
import subprocess
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import PG, Server, sqlite_only, store_connect
from test_crash import INVARIANTS


def check_db(data):
    """Counters equal their rows and the file is sound."""
    db = store_connect(data)
    try:
        if not PG:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        for name, sql in INVARIANTS.items():
            assert db.execute(sql).fetchone()[0] == 0, name
    finally:
        db.close()


def assert_store_error(r):
    """A store failure: a 5xx with a JSON error, not a crash, not a 2xx."""
    assert 500 <= r.status_code < 600, (r.status_code, r.text)
    assert "error" in r.json(), r.text


# ---- disk full ----

@contextmanager
def small_tmpfs(size):
    """A tmpfs of `size` mounted on a fresh directory; unmounted in all paths."""
    if os.geteuid() != 0:
        pytest.skip("the disk-full test mounts a tmpfs and needs root (CI runs as root)")
    mnt = Path(tempfile.mkdtemp(prefix="rapport-full-"))
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mnt)],
                   check=True)
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)
        mnt.rmdir()


def fill(path):
    """Fills the file system holding path until it refuses one more byte."""
    with open(path, "wb", buffering=0) as f:
        for chunk in (1 << 20, 4096, 1):
            block = b"\0" * chunk
            try:
                while True:
                    f.write(block)
            except OSError:
                pass


def start(data, logdir):
    s = Server(data=data)
    s.log = Path(logdir) / "server.log"  # not on the full disk: it must stay readable
    return s.start()


@sqlite_only
def test_disk_full_mid_write_changes_nothing_and_the_server_recovers():
    with small_tmpfs("24m") as mnt, tempfile.TemporaryDirectory() as logdir:
        data = mnt / "data"
        s = start(data, logdir)
        try:
            alice, bob = s.user(), s.user()
            bob_id = int(bob.id)
            assert bob.post(f"/api/v1/accounts/{alice.id}/follow").status_code == 200
            liked = alice.post("/api/v1/statuses", data={"status": "to favourite"}).json()["id"]
            assert s.stop() == 0
            # An empty log, so the next write must grow a file on the full disk.
            db = sqlite3.connect(data / "rapport.db")
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            db.close()
            s.start()  # same port: the users' clients keep talking to it

            fill(mnt / "filler")
            tag = "f" + uuid.uuid4().hex[:10]
            answered, refused = [], []
            for i in range(20):  # each write may reuse log space; the disk fills at once
                text = f"@{bob.name} {tag}x{i} " + " ".join(f"w{tag}{i}{k}" for k in range(20))
                r = alice.post("/api/v1/statuses", data={"status": text})
                if r.status_code == 200:
                    answered.append(r.json()["id"])
                    continue
                assert_store_error(r)
                refused.append(f"{tag}x{i}")
                break
            assert refused, "no write failed on a full disk"
            fav = bob.post(f"/api/v1/statuses/{liked}/favourite")
            if fav.status_code != 200:
                assert_store_error(fav)

            # Still serving while the disk is full.
            assert bob.get("/api/v1/timelines/home").status_code == 200
            mine = alice.get(f"/api/v1/accounts/{alice.id}/statuses", params={"limit": 40})
            assert mine.status_code == 200
            assert not any(refused[0] in st["content"] for st in mine.json())

            # Space again: the server writes again.
            os.unlink(mnt / "filler")
            r = alice.post("/api/v1/statuses", data={"status": f"after {tag}"})
            assert r.status_code == 200, r.text
            r = bob.post(f"/api/v1/statuses/{liked}/favourite")
            assert r.status_code == 200, r.text
            assert r.json()["favourites_count"] == 1
            assert s.stop() == 0
        finally:
            if s.proc:
                s.stop()
        check_db(data)
        db = sqlite3.connect(data / "rapport.db")
        try:
            for word in refused:  # nothing of the failed post: row, index, notification
                assert db.execute("SELECT COUNT(*) FROM statuses WHERE text LIKE ?",
                                  (f"%{word}%",)).fetchone()[0] == 0
                assert db.execute("SELECT COUNT(*) FROM statuses_fts WHERE statuses_fts MATCH ?",
                                  (word,)).fetchone()[0] == 0
            mentions = db.execute("SELECT COUNT(*) FROM notifications WHERE type = 'mention'"
                                  " AND account_id = ?", (bob_id,)).fetchone()[0]
            assert mentions == len(answered)
        finally:
            db.close()


# ---- a table renamed away: the checks that read it fail closed ----

@contextmanager
def table_gone(s, table):
    """Every statement that reads `table` fails until the block ends."""
    db = store_connect(s.data)
    db.execute(f"ALTER TABLE {table} RENAME TO {table}_away")
    db.commit()
    try:
        yield
    finally:
        db.execute(f"ALTER TABLE {table}_away RENAME TO {table}")
        db.commit()
        db.close()


@pytest.fixture
def own_server(make_server):
    return make_server()


def test_timelines_never_drop_the_block_filter(own_server):
    """variant(): when the probe for blocks and mutes fails, the timeline
    fails; it does not fall back to the statement without the filters."""
    s = own_server
    viewer, blocked, other = s.user(), s.user(), s.user()
    root = other.post("/api/v1/statuses", data={"status": "a thread"}).json()["id"]
    secret = blocked.post("/api/v1/statuses", data={"status": "hidden from viewer",
                                                    "in_reply_to_id": root}).json()["id"]
    assert viewer.post(f"/api/v1/accounts/{blocked.id}/block").status_code == 200
    with table_gone(s, "mutes"):
        for path in ("/api/v1/timelines/public", f"/api/v1/statuses/{root}/context"):
            r = viewer.get(path)
            assert secret not in r.text, path
            assert_store_error(r)
    assert viewer.get("/api/v1/timelines/public").status_code == 200


def test_follow_fails_when_the_block_check_fails(own_server):
    s = own_server
    viewer, target = s.user(), s.user()
    assert target.post(f"/api/v1/accounts/{viewer.id}/block").status_code == 200
    with table_gone(s, "blocks"):
        assert_store_error(viewer.post(f"/api/v1/accounts/{target.id}/follow"))
    rel = viewer.get("/api/v1/accounts/relationships", params={"id[]": target.id}).json()[0]
    assert not rel["following"] and not rel["requested"]
    check_db(s.data)


def test_notify_fails_when_the_mute_check_fails(own_server):
    s = own_server
    author, fan = s.user(), s.user()
    sid = author.post("/api/v1/statuses", data={"status": "like me"}).json()["id"]
    with table_gone(s, "mutes"):
        assert_store_error(fan.post(f"/api/v1/statuses/{sid}/favourite"))
    assert author.get(f"/api/v1/statuses/{sid}").json()["favourites_count"] == 0
    assert author.get("/api/v1/notifications").json() == []
    check_db(s.data)


def test_status_flags_are_never_guessed(own_server):
    """The viewer's favourited/bookmarked/pinned flags that cannot be read
    make the response fail, not show them false."""
    s = own_server
    me = s.user()
    sid = me.post("/api/v1/statuses", data={"status": "mine"}).json()["id"]
    assert me.post(f"/api/v1/statuses/{sid}/favourite").status_code == 200
    with table_gone(s, "pins"):
        assert_store_error(me.get(f"/api/v1/statuses/{sid}"))
        assert_store_error(me.get(f"/api/v1/accounts/{me.id}/statuses"))
    assert me.get(f"/api/v1/statuses/{sid}").json()["favourited"] is True


def test_credentials_fail_when_a_count_fails(own_server):
    s = own_server
    me = s.user()
    with table_gone(s, "follow_requests"):
        assert_store_error(me.get("/api/v1/accounts/verify_credentials"))
    assert me.get("/api/v1/accounts/verify_credentials").status_code == 200


def test_a_failed_lookup_is_not_a_missing_record(own_server):
    """A read that fails is a 500, not "not found" or "invalid token"."""
    s = own_server
    me = s.user()
    with table_gone(s, "users"):
        assert_store_error(me.get("/api/v1/preferences"))
    with table_gone(s, "apps"):
        assert_store_error(me.get("/api/v1/apps/verify_credentials"))
    assert me.get("/api/v1/preferences").status_code == 200
    assert me.get("/api/v1/apps/verify_credentials").status_code == 200
