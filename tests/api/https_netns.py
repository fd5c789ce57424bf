"""Run inside `unshare --net --mount` by test_federation_https.py: two
Rapport servers, social-a.test and social-b.test, each behind nginx on port
443 of its own address (deploy/nginx.conf.in, TLS with a certificate of a
test CA), in the network namespace's own /etc/hosts and with the test CA
added to the system's CA bundle, both bind-mounted over the real files
for this mount namespace only. No test mode: WebFinger, fetches and
deliveries go over https as between real servers. bob on B looks up
alice@social-a.test by handle, follows her, and gets her post.

Prints one JSON line of what it saw and exits 0 when everything held."""
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).parent))
from conftest import ROOT, Server  # noqa: E402

NGINX = "/usr/sbin/nginx"
BUNDLE = "/etc/ssl/certs/ca-certificates.crt"
HOSTS = {"social-a.test": "11.0.0.1", "social-b.test": "11.0.0.2"}


def sh(*cmd):
    subprocess.run(cmd, check=True, capture_output=True)


def network(d):
    """Loopback up with the two addresses, names for them, and a
    certificate for both from a test CA (not trusted yet)."""
    sh("ip", "link", "set", "lo", "up")
    for addr in HOSTS.values():
        sh("ip", "addr", "add", addr + "/32", "dev", "lo")
    (d / "hosts").write_text("127.0.0.1 localhost\n" +
                             "".join(f"{a} {h}\n" for h, a in HOSTS.items()))
    sh("mount", "--bind", str(d / "hosts"), "/etc/hosts")
    sh("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
       "-subj", "/CN=Rapport test CA", "-keyout", str(d / "ca.key"), "-out", str(d / "ca.pem"))
    (d / "san.cnf").write_text("subjectAltName=" + ",".join("DNS:" + h for h in HOSTS) + "\n")
    sh("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=social-a.test",
       "-keyout", str(d / "key.pem"), "-out", str(d / "req.pem"))
    sh("openssl", "x509", "-req", "-in", str(d / "req.pem"), "-CA", str(d / "ca.pem"),
       "-CAkey", str(d / "ca.key"), "-CAcreateserial", "-days", "2",
       "-extfile", str(d / "san.cnf"), "-out", str(d / "cert.pem"))


def trust(d):
    """Adds the test CA to the system bundle, for this mount namespace."""
    system = Path(BUNDLE).read_text() if Path(BUNDLE).exists() else ""
    (d / "bundle.pem").write_text(system + (d / "ca.pem").read_text())
    if not Path(BUNDLE).exists():
        Path(BUNDLE).parent.mkdir(parents=True, exist_ok=True)
        Path(BUNDLE).touch()
    sh("mount", "--bind", str(d / "bundle.pem"), BUNDLE)


def nginx(d, servers):
    """One nginx, a deploy/nginx.conf.in block per server on its address."""
    blocks = []
    for name, srv in servers.items():
        conf = (ROOT / "deploy" / "nginx.conf.in").read_text()
        conf = conf.replace("upstream rapport", "upstream " + srv.upstream)
        conf = conf.replace("http://rapport", "http://" + srv.upstream)
        conf = conf.replace("shared:rapport_tls", "shared:tls_" + srv.upstream)
        conf = conf.replace("$rapport_connection", "$conn_" + srv.upstream)
        for k, v in {"UPSTREAM": f"127.0.0.1:{srv.port}", "SERVER_NAME": name,
                     "HTTP_LISTEN": HOSTS[name] + ":80", "HTTPS_LISTEN": HOSTS[name] + ":443",
                     "CERT": d / "cert.pem", "KEY": d / "key.pem",
                     "WEB": ROOT / "build" / "web", "ACME_ROOT": d}.items():
            conf = conf.replace(f"@{k}@", str(v))
        assert "@" not in re.sub(r"#.*", "", conf)
        blocks.append(conf)
    (d / "nginx.conf").write_text(
        f"pid {d}/nginx.pid;\nerror_log {d}/error.log warn;\nevents {{}}\n"
        f"http {{\n access_log off;\n include /etc/nginx/mime.types;\n"
        f" client_body_temp_path {d}/body; proxy_temp_path {d}/proxy;\n"
        + "\n".join(blocks) + "\n}\n")
    sh(NGINX, "-c", str(d / "nginx.conf"), "-p", str(d), "-e", str(d / "error.log"))
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            return int((d / "nginx.pid").read_text())
        except (FileNotFoundError, ValueError):
            time.sleep(0.05)
    raise AssertionError("nginx did not start")


def until(what, fn, timeout=10):
    deadline = time.time() + timeout
    while True:
        v = fn()
        if v or time.time() > deadline:
            if not v:
                raise AssertionError("timed out: " + what)
            return v
        time.sleep(0.1)


def lookup(bob, handle):
    r = bob.get("/api/v2/search", params={"q": handle, "resolve": "true",
                                          "type": "accounts"})
    assert r.status_code == 200, r.text
    return r.json()["accounts"]


def scenario(d, a, b):
    alice, bob = a.user(), b.user()
    # a certificate no CA here vouches for is refused: no account is made
    untrusted = lookup(bob, f"@{alice.name}@social-a.test")
    trust(d)
    # the handle, resolved through https WebFinger on port 443
    r = bob.get("/api/v2/search", params={"q": f"@{alice.name}@social-a.test",
                                          "resolve": "true", "type": "accounts"})
    assert r.status_code == 200, r.text
    found = r.json()["accounts"]
    assert len(found) == 1 and found[0]["acct"] == f"{alice.name}@social-a.test", found
    assert found[0]["url"] == f"https://social-a.test/@{alice.name}", found
    rid = found[0]["id"]
    assert bob.post(f"/api/v1/accounts/{rid}/follow").status_code == 200
    until("the Accept", lambda: bob.get("/api/v1/accounts/relationships",
                                        params={"id[]": rid}).json()[0]["following"])
    post = alice.post("/api/v1/statuses", data={"status": "hello over https"}).json()
    home = until("the post", lambda: [s for s in bob.get("/api/v1/timelines/home").json()
                                      if s["uri"] == post["uri"]])
    return {"untrusted": untrusted, "acct": found[0]["acct"], "uri": home[0]["uri"],
            "followers": alice.get(f"/api/v1/accounts/{alice.id}").json()["followers_count"]}


def main():
    d = Path(tempfile.mkdtemp(prefix="rapport-https-"))
    network(d)
    servers, pid = {}, None
    try:
        for i, name in enumerate(HOSTS):
            s = Server(env={"RAPPORT_SCHEME": "https", "RAPPORT_TRUSTED_PROXIES": "127.0.0.1"})
            s.domain, s.upstream = name, f"rapport_{i}"
            servers[name] = s.start()
        pid = nginx(d, servers)
        print(json.dumps(scenario(d, *servers.values())))
    finally:
        if pid:
            os.kill(pid, 15)
        for s in servers.values():
            if s.stop() != 0:
                print(s.log.read_text()[-4000:], file=sys.stderr)
                sys.exit(1)


if __name__ == "__main__":
    main()
