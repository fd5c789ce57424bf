"""The command-line contract: exit codes, --help, user add/list, version."""
import socket
import subprocess

from conftest import BIN, run_cli


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
