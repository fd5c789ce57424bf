"""Settings are parsed strictly: a bad value stops `rapport` before it opens
the store, with one line on stderr naming the setting and exit status 2.
Good values, at their bounds, start the server."""
import os
import subprocess
import tempfile

import pytest
import requests

from conftest import BIN, TEST_ENV, free_port

# Junk that no numeric setting accepts.
JUNK = ["abc", "12abc", "1.5", "1e3", "0x10", " 12", "12 ", "+5", "--1", "-",
        "99999999999999999999", "-99999999999999999999", "9223372036854775808"]

# name: (min, max); every value outside is refused.
BOUNDS = {
    "RAPPORT_THREADS": (1, 512),
    "RAPPORT_SYNC_FULL": (0, 1),
    "RAPPORT_REGISTRATIONS": (0, 1),
    "RAPPORT_MAX_CHARS": (1, 100000),
    "RAPPORT_MAX_BODY": (1024, 1 << 30),
    "RAPPORT_LOGIN_LIMIT": (0, 1000000000),
    "RAPPORT_LOGIN_WINDOW": (1, 604800),
    "RAPPORT_RATE_LIMIT": (0, 1000000000),
    "RAPPORT_RATE_WINDOW": (1, 604800),
    "RAPPORT_SIGNUP_LIMIT": (0, 1000000000),
    "RAPPORT_SIGNUP_WINDOW": (1, 604800),
    "RAPPORT_CONN_TIMEOUT": (1, 3600),
    "RAPPORT_FANOUT_INLINE": (0, 1000000000),
    "RAPPORT_RENDER_CACHE_MB": (0, 65536),
    "RAPPORT_ROW_CACHE": (0, 1 << 26),
    "RAPPORT_SLOW_SQL_MS": (-1, 3600000),
    "RAPPORT_NODE_ID": (0, 63),
    "RAPPORT_FETCH_ALLOW_LOOPBACK": (0, 1),
    "RAPPORT_POLL_MAX_OPTIONS": (2, 20),
    "RAPPORT_POLL_MAX_CHARS": (1, 1000),
    "RAPPORT_POLL_MIN_EXPIRY": (1, 31536000),
    "RAPPORT_POLL_MAX_EXPIRY": (1, 31536000),
    "RAPPORT_CARD_TTL": (0, 31536000),
    "RAPPORT_FEDERATION_INSECURE": (0, 1),
}

BAD = [(name, v) for name, (lo, hi) in BOUNDS.items()
       for v in JUNK + [str(lo - 1), str(hi + 1)]]
BAD += [("RAPPORT_SYNC_FULL", "yes"), ("RAPPORT_REGISTRATIONS", "true"),
        ("RAPPORT_MAX_BODY", "-1"), ("RAPPORT_SCHEME", "ftp"), ("RAPPORT_SCHEME", "HTTPS")]
BAD += [("RAPPORT_TRUSTED_PROXIES", v) for v in [
    "10.0.0.0/33", "10.0.0.1/8", "300.0.0.0/8", "10.0.0.0/", "/8", "10.0.0.0/8,", ",",
    "10.0.0.0/8,,::1", "::1/129", "fe80::1%eth0", "10.0.0.0/+8", "10.0.0.0/-8",
    "10.0.0.0 /8", "localhost", "10.0.0.0-10.0.0.9", "10.0.0", "010.0.0.0/8",
    "::ffff:10.0.0.0/95", "[::1]", "10.0.0.0/8; 11.0.0.0/8", ",".join(["10.0.0.1"] * 65)]]
BAD += [("RAPPORT_LISTEN", v) for v in [
    "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:80x", "127.0.0.1:-80",
    "127.0.0.1: 80", "nonsense", "999.0.0.1:80"]]


def run_serve(args, env, timeout=20):
    """Runs `serve`; returns the finished process, or None if it kept running
    (it started)."""
    data = tempfile.mkdtemp(prefix="rapport-settings-")
    cmd = [BIN, "serve", "--data", data, *args]
    if "--listen" not in args and "RAPPORT_LISTEN" not in env:
        cmd += ["--listen", f"127.0.0.1:{free_port()}"]
    p = subprocess.Popen(cmd, env={**os.environ, **TEST_ENV, **env}, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.terminate()
        p.communicate()
        return None
    p.stdout_text, p.stderr_text = out, err
    return p


def refused(p, name):
    assert p is not None, f"{name}: the server started"
    assert p.returncode == 2, (name, p.returncode, p.stderr_text)
    lines = p.stderr_text.strip().splitlines()
    assert len(lines) == 1 and name in lines[0], (name, p.stderr_text)


@pytest.mark.parametrize("name,value", BAD, ids=[f"{n}={v[:20]}" for n, v in BAD])
def test_bad_value_stops_serve(name, value):
    refused(run_serve([], {name: value}), name)


@pytest.mark.parametrize("value", JUNK + ["0", "513", "-1"])
def test_bad_threads_flag_stops_serve(value):
    refused(run_serve(["--threads", value], {}), "--threads")


@pytest.mark.parametrize("value", ["127.0.0.1:", "127.0.0.1:0", "127.0.0.1:99999", "x"])
def test_bad_listen_flag_stops_serve(value):
    refused(run_serve(["--listen", value], {}), "--listen")


def test_other_commands_check_settings_too(tmp_path):
    for args in (["user", "list"], ["seed", "--accounts", "2", "--posts", "2"]):
        p = subprocess.run([BIN, *args, "--data", str(tmp_path)], capture_output=True,
                           text=True, env={**os.environ, "RAPPORT_NODE_ID": "64"}, timeout=20)
        assert p.returncode == 2 and "RAPPORT_NODE_ID" in p.stderr, (args, p.stderr)


# Every setting at one bound, then the other (caches and threads kept small:
# their largest values would reserve gigabytes).
LOW = {name: str(lo) for name, (lo, hi) in BOUNDS.items()}
HIGH = {name: str(hi) for name, (lo, hi) in BOUNDS.items()}
HIGH.update({"RAPPORT_THREADS": "16", "RAPPORT_RENDER_CACHE_MB": "1024",
             "RAPPORT_ROW_CACHE": "1000000", "RAPPORT_SYNC_FULL": "0"})


@pytest.mark.parametrize("env", [LOW, HIGH, {"RAPPORT_SYNC_FULL": ""}], ids=["low", "high", "empty"])
def test_good_values_start(make_server, env):
    proxies = "10.0.0.0/8, 192.168.0.0/16,::1, fd00::/8 ,127.0.0.1,::ffff:172.16.0.0/108"
    s = make_server(env={**env, "RAPPORT_TRUSTED_PROXIES": proxies, "RAPPORT_SCHEME": "https"})
    r = requests.get(s.url("/api/v1/instance"))
    assert r.ok and r.json()["uri"]


def test_body_cap_holds_at_its_smallest(make_server):
    s = make_server(env={"RAPPORT_MAX_BODY": "1024"})
    r = requests.post(s.url("/api/v1/apps"), data={"client_name": "x" * 2000,
                                                   "redirect_uris": "urn:ietf:wg:oauth:2.0:oob"})
    assert r.status_code == 413
