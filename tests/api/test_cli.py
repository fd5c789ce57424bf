"""The command-line contract: exit codes, --help, user add/list, version."""
import os
import socket
import subprocess

import pytest

from conftest import BIN, PG, TEST_ENV, db_env, run_cli, store_connect


def test_version():
    p = run_cli("version")
    assert p.stdout.startswith("rapport ") and p.returncode == 0


def test_help_everywhere():
    for args in [["--help"], ["serve", "--help"], ["user", "--help"], ["user", "add", "--help"],
                 ["user", "list", "--help"], ["version", "--help"]]:
        p = run_cli(*args)
        assert p.returncode == 0 and "usage:" in p.stdout, args


def test_usage_errors_exit_2():
    for args in [[], ["bogus"], ["serve", "--nope"], ["serve", "--data"], ["user"],
                 ["user", "frobnicate"], ["user", "add", "x"]]:
        p = subprocess.run([BIN, *args], capture_output=True, text=True)
        assert p.returncode == 2, (args, p.returncode)
        assert "usage:" in p.stderr


def test_user_add_and_list(tmp_path):
    p = run_cli("user", "add", "Carol", "--email", "carol@example.com", "--password",
                "a long password", "--admin", data=tmp_path)
    assert "Carol" in p.stdout
    run_cli("user", "add", "dan", "--email", "dan@example.com", "--password", "another pw!",
            data=tmp_path)
    out = run_cli("user", "list", data=tmp_path).stdout.strip().splitlines()
    assert len(out) == 2
    assert out[0].split("\t")[1:] == ["Carol", "carol@example.com", "admin"]
    assert out[1].split("\t")[1:] == ["dan", "dan@example.com"]
    dup = run_cli("user", "add", "carol", "--email", "c2@example.com", "--password",
                  "a long password", data=tmp_path, check=False)
    assert dup.returncode == 1
    assert len(dup.stderr.strip().splitlines()) == 1 and "taken" in dup.stderr
    bad = run_cli("user", "add", "eve", "--email", "eve@example.com", "--password", "short",
                  data=tmp_path, check=False)
    assert bad.returncode == 1 and "password" in bad.stderr


def test_serve_fails_cleanly_on_an_address_in_use(tmp_path):
    # A malformed address is a usage error (test_settings.py); a port that
    # another socket holds is a failure to start.
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        p = subprocess.run([BIN, "serve", "--data", str(tmp_path), "--listen",
                            f"127.0.0.1:{port}"], capture_output=True, text=True, timeout=20)
    assert p.returncode == 1 and "cannot listen" in p.stderr


@pytest.mark.skipif(not PG, reason="the PostgreSQL store")
def test_user_writes_the_postgresql_store(tmp_path):
    """`user` on PostgreSQL, named by RAPPORT_DB or by --db: the account is in
    the database (no SQLite store is made in the data directory), and list
    reads it from there."""
    url = db_env(tmp_path)["RAPPORT_DB"]
    run_cli("user", "add", "erin", "--email", "erin@example.com", "--password",
            "a long password", data=tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "RAPPORT_DB"}
    p = subprocess.run([BIN, "user", "add", "fay", "--email", "fay@example.com", "--password",
                        "a long password", "--db", url, "--data", str(tmp_path)],
                       capture_output=True, text=True, env={**env, **TEST_ENV})
    assert p.returncode == 0, p.stderr
    assert not (tmp_path / "rapport.db").exists()
    db = store_connect(tmp_path)
    try:
        names = [r[0] for r in db.execute("SELECT username FROM accounts ORDER BY username")]
    finally:
        db.close()
    assert names == ["erin", "fay"]
    p = subprocess.run([BIN, "user", "list", "--db", url], capture_output=True, text=True,
                       env={**env, **TEST_ENV})
    assert [ln.split("\t")[1] for ln in p.stdout.strip().splitlines()] == ["erin", "fay"]
