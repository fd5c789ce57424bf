"""Behind a reverse proxy (RAPPORT_TRUSTED_PROXIES): only when the socket
peer is a trusted proxy is the client read from X-Forwarded-For (the
right-most entry that is not itself a trusted proxy). From any other peer
the header changes nothing: rate-limit buckets, sign-in throttles and the
access log all use the peer. The tests connect from 127.0.0.1."""
import http.client
import re
import time

import requests

from conftest import PASSWORD

LIMIT = 50


def remaining(s, xff=None):
    h = {"X-Forwarded-For": xff} if xff is not None else {}
    r = requests.get(s.url("/api/v1/instance"), headers=h)
    assert r.ok, r.text
    return int(r.headers["X-RateLimit-Remaining"])


def logged_clients(s, count):
    """The client address of each access-log line for /api/v1/instance,
    once there are `count` (a line is written just after its response)."""
    deadline = time.time() + 10
    while True:
        text = s.log.read_text(errors="replace")
        found = re.findall(r" info (\S+) GET /api/v1/instance ", text)
        if len(found) >= count or time.time() > deadline:
            return found
        time.sleep(0.05)


def sign_in(s, app, email, xff):
    return requests.post(s.url("/oauth/token"), headers={"X-Forwarded-For": xff}, data={
        "grant_type": "password", "client_id": app["client_id"],
        "client_secret": app["client_secret"], "username": email, "password": "wrong",
        "scope": "read"}).status_code


def trusted(make_server, proxies="127.0.0.1/32, 10.0.0.0/8, 2001:db8:ffff::/48", **env):
    return make_server(env={"RAPPORT_RATE_LIMIT": str(LIMIT), "RAPPORT_TRUSTED_PROXIES": proxies,
                            **env})


def test_trusted_proxy_gives_each_client_its_bucket(make_server):
    s = trusted(make_server)
    peer = remaining(s)  # the proxy's own requests count against it
    assert remaining(s, "203.0.113.1") == LIMIT - 1
    assert remaining(s, "203.0.113.1") == LIMIT - 2
    assert remaining(s, "203.0.113.2") == LIMIT - 1
    assert remaining(s, "2001:db8::7") == LIMIT - 1
    # The same client however it is written, and behind a chain of trusted
    # hops: the right-most entry that is not a proxy is the client.
    assert remaining(s, "::ffff:203.0.113.2") == LIMIT - 2
    assert remaining(s, "203.0.113.2, 10.1.2.3") == LIMIT - 3
    assert remaining(s, "203.0.113.2 ,2001:db8:ffff::9 , 127.0.0.1") == LIMIT - 4
    # What the client wrote itself, left of its own address, is ignored.
    assert remaining(s, "198.51.100.1, 203.0.113.1") == LIMIT - 3
    # Only proxies in the header: the left-most is the client.
    assert remaining(s, "10.9.9.9, 10.0.0.1") == LIMIT - 1
    # Not an address: the last trusted hop (here the peer) stands.
    assert remaining(s, "203.0.113.1, not-an-ip") == peer - 1
    assert remaining(s, "203.0.113.1:4711") == peer - 2
    assert remaining(s, "") == peer - 3
    log = logged_clients(s, 14)
    for ip in ["203.0.113.1", "203.0.113.2", "2001:db8::7", "10.9.9.9", "127.0.0.1"]:
        assert ip in log, (ip, log)
    assert "198.51.100.1" not in log and "::ffff:203.0.113.2" not in log


def test_several_forwarded_for_headers_read_as_one_list(make_server):
    s = trusted(make_server)
    c = http.client.HTTPConnection("127.0.0.1", s.port, timeout=10)
    c.putrequest("GET", "/api/v1/instance")
    c.putheader("X-Forwarded-For", "198.51.100.1, 203.0.113.9")
    c.putheader("X-Forwarded-For", "10.0.0.5")
    c.endheaders()
    r = c.getresponse()
    r.read()
    assert r.status == 200 and int(r.getheader("X-RateLimit-Remaining")) == LIMIT - 1
    assert remaining(s, "203.0.113.9") == LIMIT - 2
    c.close()


def test_trusted_proxy_gives_each_client_its_sign_in_throttle(make_server):
    s = trusted(make_server, RAPPORT_LOGIN_LIMIT="3", RAPPORT_RATE_LIMIT="1000")
    app = s.app()
    # Unknown accounts, one per attempt: only the per-address counter adds up.
    codes = [sign_in(s, app, f"nobody{i}@example.com", "203.0.113.1") for i in range(4)]
    assert codes == [400, 400, 400, 429]
    assert sign_in(s, app, "nobody9@example.com", "203.0.113.2") == 400
    assert sign_in(s, app, "nobody10@example.com", "203.0.113.1") == 429
    # And the locked-out address did not lock out a real user elsewhere.
    user = s.user()
    r = requests.post(s.url("/oauth/token"), headers={"X-Forwarded-For": "203.0.113.3"}, data={
        "grant_type": "password", "client_id": app["client_id"],
        "client_secret": app["client_secret"], "username": user.email, "password": PASSWORD,
        "scope": "read"})
    assert r.status_code == 200, r.text


def spoofing_changes_nothing(s):
    start = remaining(s, "203.0.113.1")
    for i, xff in enumerate(["203.0.113.2", "2001:db8::1", "198.51.100.1, 203.0.113.3",
                             "10.0.0.1", ""]):
        assert remaining(s, xff) == start - 1 - i
    log = logged_clients(s, 7)
    assert len(log) == 7 and set(log) == {"127.0.0.1"}, log
    app = s.app()
    s_codes = [sign_in(s, app, f"nobody{i}@example.com", f"203.0.113.{i}") for i in range(4)]
    assert s_codes == [400, 400, 400, 429]


def test_spoofed_header_from_an_untrusted_peer_changes_nothing(make_server):
    s = make_server(env={"RAPPORT_RATE_LIMIT": str(LIMIT), "RAPPORT_LOGIN_LIMIT": "3"})
    spoofing_changes_nothing(s)


def test_spoofed_header_from_a_peer_outside_the_list_changes_nothing(make_server):
    s = make_server(env={"RAPPORT_RATE_LIMIT": str(LIMIT), "RAPPORT_LOGIN_LIMIT": "3",
                         "RAPPORT_TRUSTED_PROXIES": "10.0.0.0/8, ::1, 127.0.0.2"})
    spoofing_changes_nothing(s)
