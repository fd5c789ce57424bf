"""deploy/: the nginx configuration runs for real in front of the server
(TLS with a test certificate, HTTP/2, hashed assets from disk, the client's
address passed on and not spoofable), and the systemd units are valid."""
import contextlib
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
import requests
from requests.adapters import HTTPAdapter

from conftest import BIN, PG, ROOT, db_env, free_port, sqlite_only

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
WEB = ROOT / "build" / "web"


class FromAddress(HTTPAdapter):
    """Connects from a chosen loopback address (all of 127/8 is local)."""

    def __init__(self, addr):
        self.addr = addr
        super().__init__()

    def init_poolmanager(self, *a, **kw):
        kw["source_address"] = (self.addr, 0)
        super().init_poolmanager(*a, **kw)


def session_from(addr, cert):
    """Connects from addr and checks nginx's certificate against the test one."""
    s = requests.Session()
    s.mount("https://", FromAddress(addr))
    s.trust_env = False  # the environment names the system CAs, not ours
    s.verify = str(cert)
    return s


@contextlib.contextmanager
def nginx_in_front(d, upstreams):
    """Runs deploy/nginx.conf.in in directory d in front of the rapport
    processes at upstreams (host:port each, one `server` line each, as
    docs/DEPLOY.md adds a process); yields its https and http bases and
    the test certificate."""
    if not Path(NGINX).exists():
        pytest.fail("nginx is not installed (scripts/deps.sh installs nginx-light)")
    (d / "acme").mkdir(parents=True)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=social.test", "-addext", "subjectAltName=DNS:social.test,IP:127.0.0.1",
                    "-keyout", str(d / "key.pem"), "-out", str(d / "cert.pem")],
                   check=True, capture_output=True)
    https, http = free_port(), free_port()
    conf = (ROOT / "deploy" / "nginx.conf.in").read_text()
    line = next(x for x in conf.splitlines() if "server @UPSTREAM@" in x)
    conf = conf.replace(line, "\n".join(line.replace("@UPSTREAM@", u) for u in upstreams))
    for k, v in {"SERVER_NAME": "social.test",
                 "HTTP_LISTEN": f"127.0.0.1:{http}", "HTTPS_LISTEN": f"127.0.0.1:{https}",
                 "CERT": d / "cert.pem", "KEY": d / "key.pem", "WEB": WEB,
                 "ACME_ROOT": d / "acme"}.items():
        conf = conf.replace(f"@{k}@", str(v))
    assert "@" not in re.sub(r"#.*", "", conf), "a placeholder was left unfilled"
    # The deployment file is an http{} block's content: wrap it as nginx.conf.
    (d / "nginx.conf").write_text(
        f"pid {d}/nginx.pid;\nerror_log {d}/error.log warn;\nevents {{}}\n"
        f"http {{\n access_log {d}/access.log;\n include /etc/nginx/mime.types;\n"
        f" client_body_temp_path {d}/body; proxy_temp_path {d}/proxy;\n{conf}\n}}\n")
    subprocess.run([NGINX, "-t", "-q", "-c", str(d / "nginx.conf"), "-p", str(d),
                    "-e", str(d / "error.log")], check=True, capture_output=True)
    subprocess.run([NGINX, "-c", str(d / "nginx.conf"), "-p", str(d),
                    "-e", str(d / "error.log")], check=True)
    pid = None
    try:
        deadline = time.time() + 10
        while pid is None and time.time() < deadline:
            try:
                pid = int((d / "nginx.pid").read_text())
            except (FileNotFoundError, ValueError):
                time.sleep(0.05)
        yield f"https://127.0.0.1:{https}", f"http://127.0.0.1:{http}", d / "cert.pem"
    finally:
        if pid:
            os.kill(pid, signal.SIGQUIT)


@pytest.fixture
def proxied(make_server, tmp_path):
    srv = make_server(env={"RAPPORT_TRUSTED_PROXIES": "127.0.0.1",
                           "RAPPORT_WEB_DIR": str(WEB)})
    with nginx_in_front(tmp_path / "nginx", [f"127.0.0.1:{srv.port}"]) as (https, http, cert):
        yield srv, https, http, cert


def test_https_http2_and_the_api_through_nginx(proxied):
    srv, https, http, cert = proxied
    out = subprocess.run(["curl", "-s", "--cacert", str(cert), "--http2", "-o", "/dev/null", "-w",
                          "%{http_version} %{http_code}", https + "/api/v1/instance"],
                         capture_output=True, text=True, check=True).stdout
    assert out == "2 200"
    s = session_from("127.0.0.1", cert)
    r = s.get(https + "/api/v1/instance", headers={"Host": "social.test"})
    assert r.status_code == 200 and r.json()["title"]
    assert r.headers["Strict-Transport-Security"].startswith("max-age=")
    r = requests.get(http + "/api/v1/instance", allow_redirects=False)
    assert r.status_code == 301 and r.headers["Location"].startswith("https://")


def test_hashed_assets_come_from_disk_compressed(proxied):
    srv, https, _, cert = proxied
    js = next((WEB / "assets").glob("index-*.js"))
    s = session_from("127.0.0.1", cert)
    r = s.get(f"{https}/assets/{js.name}", headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200 and r.content == js.read_bytes()
    assert r.headers["Content-Encoding"] == "gzip"
    assert r.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    # nginx answered: the server never saw the request.
    assert f"GET /assets/{js.name}" not in srv.log.read_text(errors="replace")
    assert s.get(f"{https}/assets/nope-123.js").status_code == 404
    # The app shell itself comes from Rapport, with its own headers.
    r = s.get(https + "/", headers={"Accept": "text/html"})
    assert r.status_code == 200 and "Content-Security-Policy" in r.headers


def logged_clients(srv, path, count):
    deadline = time.time() + 10
    while True:
        found = re.findall(r" info (\S+) GET " + re.escape(path) + " ",
                           srv.log.read_text(errors="replace"))
        if len(found) >= count or time.time() > deadline:
            return found
        time.sleep(0.05)


def test_client_address_passed_on_and_not_spoofable(proxied):
    srv, https, _, cert = proxied
    for addr in ["127.0.0.2", "127.0.0.3"]:
        r = session_from(addr, cert).get(https + "/api/v2/instance",
                                         headers={"X-Forwarded-For": "203.0.113.9"})
        assert r.status_code == 200
        logged_clients(srv, "/api/v2/instance", 1 if addr.endswith("2") else 2)
    # Each client as nginx saw it; the forged header was replaced.
    assert logged_clients(srv, "/api/v2/instance", 2) == ["127.0.0.2", "127.0.0.3"]


def test_systemd_units_are_valid(tmp_path):
    if not shutil.which("systemd-analyze"):
        pytest.fail("systemd-analyze is missing (Debian's systemd package)")
    units = []
    # The template for several processes is checked as its instance 1.
    for name, as_name in [("rapport.service", None), ("rapport@.service", "rapport@1.service"),
                          ("rapport-backup.service", None), ("rapport-backup.timer", None)]:
        # systemd wants an absolute path; RAPPORT_BIN may be relative.
        text = (ROOT / "deploy" / name).read_text().replace("/usr/local/bin/rapport",
                                                             str(Path(BIN).resolve()))
        (tmp_path / (as_name or name)).write_text(text)
        units.append(str(tmp_path / (as_name or name)))
    p = subprocess.run(["systemd-analyze", "verify", *units], capture_output=True, text=True)
    # verify exits 0 on unknown keys but names them: any complaint fails.
    assert p.returncode == 0 and p.stderr.strip() == "", p.stderr


@sqlite_only
def test_one_server_per_data_directory(make_server):
    # The SQLite store is served by exactly one process (docs/DEPLOY.md):
    # a second `serve` on the same directory stops at start, and the first
    # keeps serving.
    srv = make_server()
    u = srv.user()
    p = subprocess.run([BIN, "serve", "--data", str(srv.data), "--listen",
                        f"127.0.0.1:{free_port()}"], capture_output=True, text=True, timeout=30)
    assert p.returncode == 1
    assert "another `rapport serve` is using" in p.stderr
    assert u.get("/api/v1/accounts/verify_credentials").status_code == 200
    # Commands that are not servers still work beside it.
    out = subprocess.run([BIN, "user", "list", "--data", str(srv.data)], capture_output=True,
                         text=True, timeout=30)
    assert out.returncode == 0 and u.name in out.stdout


@pytest.mark.skipif(not PG, reason="several processes share a PostgreSQL database only")
def test_processes_on_one_database_need_distinct_node_ids(make_server, tmp_path):
    first = make_server()
    u = first.user()
    url = db_env(first.data)["RAPPORT_DB"]
    env = dict(os.environ, RAPPORT_DB=url)
    p = subprocess.run([BIN, "serve", "--data", str(tmp_path / "second"), "--listen",
                        f"127.0.0.1:{free_port()}"], capture_output=True, text=True, timeout=30,
                       env=env)
    assert p.returncode == 1
    assert "another process on this database has node id 0" in p.stderr
    # With its own node id a second process serves the same community.
    (tmp_path / "third").mkdir()
    second = make_server(env={"RAPPORT_DB": url, "RAPPORT_NODE_ID": "1"},
                         data=tmp_path / "third")
    r = requests.get(second.url(f"/api/v1/accounts/{u.id}"), headers=u.headers)
    assert r.status_code == 200 and r.json()["username"] == u.name
