"""Starts the real `rapport` binary on a free loopback port with a fresh
data directory, and gives tests helpers to make users, apps and tokens.

RAPPORT_BIN selects the binary (build/rapport by default; scripts/test.sh
runs the suite again against the ASan+UBSan build). When a server stops,
its exit status must be 0 and its log free of sanitizer reports."""
import os
import re
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = os.environ.get("RAPPORT_BIN", str(ROOT / "build" / "rapport"))
PASSWORD = "correct horse battery"
SANITIZER = re.compile(r"ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:")

# Generous limits for the shared server; throttling tests start their own.
TEST_ENV = {
    "RAPPORT_LOGIN_LIMIT": "100000",
    "RAPPORT_RATE_LIMIT": "1000000",
    "RAPPORT_SIGNUP_LIMIT": "100000",
    "ASAN_OPTIONS": "detect_leaks=1:abort_on_error=0:exitcode=23",
    "UBSAN_OPTIONS": "print_stacktrace=1:halt_on_error=1",
}


# RAPPORT_TEST_PG=1 (scripts/test.sh runs the suite a second time so, inside
# a throwaway cluster made by pg_virtualenv, whose PG* variables name it):
# each data directory gets its own PostgreSQL database, made on first use,
# named after the directory so that a restarted server finds its data.
PG = os.environ.get("RAPPORT_TEST_PG") == "1"


def db_env(data):
    """RAPPORT_DB for a data directory's database when testing PostgreSQL."""
    if not PG:
        return {}
    import hashlib
    name = "r_" + hashlib.sha1(str(Path(data).resolve()).encode()).hexdigest()[:20]
    p = subprocess.run(["createdb", name], capture_output=True, text=True)
    if p.returncode != 0 and "already exists" not in p.stderr:
        raise AssertionError(f"createdb {name}: {p.stderr}")
    e = os.environ
    return {"RAPPORT_DB": f"postgresql://{e['PGUSER']}:{e['PGPASSWORD']}@{e.get('PGHOST', 'localhost')}"
                          f":{e.get('PGPORT', '5432')}/{name}"}


class _PgConn:
    """The part of sqlite3's connection the tests use, over psycopg2: `?`
    placeholders, execute() returning a cursor, autocommit."""

    def __init__(self, url):
        import psycopg2
        self.conn = psycopg2.connect(url)
        self.conn.autocommit = True

    def execute(self, sql, params=()):
        cur = self.conn.cursor()
        cur.execute(sql.replace("?", "%s"), params)
        return cur

    def commit(self):
        pass

    def close(self):
        self.conn.close()


def store_connect(data):
    """A connection to the store of a data directory, whichever the backend."""
    if PG:
        return _PgConn(db_env(data)["RAPPORT_DB"])
    import sqlite3
    return sqlite3.connect(Path(data) / "rapport.db", timeout=30)


def store_dump(data):
    """Every byte the store keeps: its files, or PostgreSQL's dump of it."""
    if PG:
        return subprocess.run(["pg_dump", db_env(data)["RAPPORT_DB"]], capture_output=True,
                              check=True).stdout
    return b"".join(f.read_bytes() for f in Path(data).glob("rapport.db*"))


sqlite_only = pytest.mark.skipif(PG, reason="SQLite's files, journal or tools: the "
                                            "PostgreSQL pass has its own checks")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_cli(*args, data=None, check=True, timeout=60):
    cmd = [BIN, *args]
    if data:
        cmd += ["--data", str(data)]
    env = dict(os.environ, **TEST_ENV, **(db_env(data) if data else {}))
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
    if check and p.returncode != 0:
        raise AssertionError(f"{cmd} exited {p.returncode}: {p.stderr}")
    assert not SANITIZER.search(p.stderr), p.stderr
    return p


class Server:
    def __init__(self, env=None, data=None):
        self.data = Path(data) if data else Path(tempfile.mkdtemp(prefix="rapport-test-"))
        self.env = {**os.environ, **TEST_ENV, **db_env(self.data), **(env or {})}
        self._use_port(free_port())
        self.proc = None
        self.started = False
        self.log = self.data / "server.log"

    def _use_port(self, port):
        self.port = port
        self.domain = f"127.0.0.1:{self.port}"
        self.base = f"http://127.0.0.1:{self.port}"

    def _log_since(self, offset):
        with open(self.log, "rb") as f:
            f.seek(offset)
            return f.read()

    def start(self):
        self.logf = open(self.log, "ab")
        seen = self.logf.tell()
        self.proc = subprocess.Popen(
            [BIN, "serve", "--data", str(self.data), "--listen", f"127.0.0.1:{self.port}",
             "--domain", self.domain],
            stdout=self.logf, stderr=self.logf, env=self.env)
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.proc.poll() is not None:
                if not self.started and b"cannot listen on" in self._log_since(seen):
                    self.logf.close()  # the port was taken meanwhile: another one
                    self._use_port(free_port())
                    return self.start()
                raise AssertionError(f"server exited {self.proc.returncode}:\n{self.log.read_text()}")
            # Another suite running beside this one may have taken the port
            # between free_port() and the bind: only this process's own
            # "listening on" line (printed once bound) says who answers.
            if b" listening on http://" not in self._log_since(seen):
                time.sleep(0.05)
                continue
            try:
                requests.get(self.base + "/api/v1/instance", timeout=1)
                self.started = True
                return self
            except requests.ConnectionError:
                time.sleep(0.05)
        raise AssertionError("server did not start")

    def stop(self, sig=signal.SIGTERM):
        """Stops the server; returns its exit code. Sanitizer reports fail."""
        if self.proc is None:
            return 0
        self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self.proc = None
        self.logf.close()
        text = self.log.read_text(errors="replace")
        assert not SANITIZER.search(text), text[-4000:]
        return rc

    def url(self, path):
        return self.base + path

    # ---- helpers ----
    def app(self, scopes="read write follow push", redirect_uris="urn:ietf:wg:oauth:2.0:oob"):
        r = requests.post(self.url("/api/v1/apps"), data={
            "client_name": "pytest", "redirect_uris": redirect_uris, "scopes": scopes})
        assert r.status_code == 200, r.text
        return r.json()

    def user(self, name=None, password=PASSWORD, scopes="read write follow push"):
        """Creates an account through the API and returns a signed-in User."""
        name = name or "u" + uuid.uuid4().hex[:12]
        email = f"{name}@example.com"
        app = self.app(scopes)
        tok = requests.post(self.url("/oauth/token"), data={
            "grant_type": "client_credentials", "client_id": app["client_id"],
            "client_secret": app["client_secret"], "scope": scopes}).json()["access_token"]
        r = requests.post(self.url("/api/v1/accounts"), headers={"Authorization": "Bearer " + tok},
                          data={"username": name, "email": email, "password": password,
                                "agreement": "true", "locale": "en"})
        assert r.status_code == 200, r.text
        return User(self, name, email, password, app, r.json()["access_token"])

    def token(self, email, password=PASSWORD, scopes="read write follow push"):
        return self.token_and_app(email, password, scopes)[0]

    def token_and_app(self, email, password=PASSWORD, scopes="read write follow push"):
        app = self.app(scopes)
        r = requests.post(self.url("/oauth/token"), data={
            "grant_type": "password", "client_id": app["client_id"],
            "client_secret": app["client_secret"], "username": email, "password": password,
            "scope": scopes})
        assert r.status_code == 200, r.text
        return r.json()["access_token"], app


class User:
    def __init__(self, server, name, email, password, app, token):
        self.server, self.name, self.email, self.password = server, name, email, password
        self.app, self.token = app, token
        self.headers = {"Authorization": "Bearer " + token}
        self._id = None

    @property
    def id(self):
        if self._id is None:
            self._id = self.get("/api/v1/accounts/verify_credentials").json()["id"]
        return self._id

    def request(self, method, path, **kw):
        h = dict(self.headers, **kw.pop("headers", {}))
        return requests.request(method, self.server.url(path), headers=h, **kw)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def patch(self, path, **kw):
        return self.request("PATCH", path, **kw)

    def put(self, path, **kw):
        return self.request("PUT", path, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)


@pytest.fixture(scope="session")
def server():
    s = Server().start()
    yield s
    assert s.stop() == 0


@pytest.fixture
def make_server():
    """Starts servers with extra environment; stops them after the test."""
    started = []

    def make(env=None, data=None):
        s = Server(env=env, data=data).start()
        started.append(s)
        return s

    yield make
    for s in started:
        assert s.stop() == 0


@pytest.fixture
def alice(server):
    return server.user()


@pytest.fixture
def bob(server):
    return server.user()


NOT_FOUND = {"error": "Record not found"}


def open_inbox(user):
    """Lets strangers' direct messages and mentions through to user, for
    tests about something else that need them to notify: by default they
    wait in message requests (test_requests.py)."""
    r = user.patch("/api/v2/notifications/policy", data={
        "for_not_following": "accept", "for_private_mentions": "accept"})
    assert r.status_code == 200, r.text
    return user


@pytest.fixture
def open_inboxes(monkeypatch):
    """Every user made during the test has an open inbox (open_inbox)."""
    made = Server.user
    monkeypatch.setattr(Server, "user", lambda self, *a, **kw: open_inbox(made(self, *a, **kw)))


def masto(server, user):
    """Mastodon.py signed in as user."""
    from mastodon import Mastodon
    return Mastodon(access_token=user.token, api_base_url=server.base)


def with_scopes(server, user, scopes):
    """The same account, signed in again with only these scopes."""
    import copy
    u = copy.copy(user)
    u.token = server.token(user.email, scopes=scopes)
    u.headers = {"Authorization": "Bearer " + u.token}
    return u


def kill_server(s):
    """SIGKILL: the crash the store must survive. No exit status to check."""
    s.proc.kill()
    s.proc.wait()
    s.proc = None
    s.logf.close()
