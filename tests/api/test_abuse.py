"""Regression tests for the review's findings: inputs that cost the server
much more than they cost the client, races around limits, forged logs."""
import threading
import time

import requests


def test_app_arrays_are_capped(server):
    t = time.time()
    r = requests.post(server.url("/api/v1/apps"), json={
        "client_name": "x", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
        "scopes": ["read"] * 30000})
    assert r.status_code == 422 and "scopes" in r.json()["error"]
    r = requests.post(server.url("/api/v1/apps"), json={
        "client_name": "x", "redirect_uris": ["a:b"] * 30000})
    assert r.status_code == 422 and "redirect_uris" in r.json()["error"]
    assert time.time() - t < 5
    ok = requests.post(server.url("/api/v1/apps"), json={
        "client_name": "x", "redirect_uris": ["app://a", "app://b"], "scopes": ["read", "write"]})
    assert ok.status_code == 200 and ok.json()["scopes"] == ["read", "write"]


def test_url_like_text_is_linear(server, alice):
    t = time.time()
    r = alice.post("/api/v1/statuses", json={"status": "ahttp://" * 8000})
    assert r.status_code == 422
    r = alice.post("/api/v1/statuses", json={"status": "ahttp://" * 100000})
    assert r.status_code == 422
    assert time.time() - t < 5
    assert alice.get("/api/v1/accounts/verify_credentials").json()["statuses_count"] == 0


def test_parallel_reblogs_make_one(server, alice):
    users = [server.user() for _ in range(3)]
    sid = alice.post("/api/v1/statuses", data={"status": "boost me"}).json()["id"]

    def boost(u):
        for _ in range(3):
            u.post(f"/api/v1/statuses/{sid}/reblog")

    threads = [threading.Thread(target=boost, args=(u,)) for u in users for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert alice.get(f"/api/v1/statuses/{sid}").json()["reblogs_count"] == 3
    for u in users:
        assert u.get("/api/v1/accounts/verify_credentials").json()["statuses_count"] == 1


def test_parallel_pins_respect_the_limit(server, alice):
    ids = [alice.post("/api/v1/statuses", data={"status": f"pin {i}"}).json()["id"]
           for i in range(12)]
    threads = [threading.Thread(target=alice.post, args=(f"/api/v1/statuses/{i}/pin",))
               for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    pinned = alice.get(f"/api/v1/accounts/{alice.id}/statuses", params={"pinned": "true"}).json()
    assert len(pinned) == 5


def test_token_endpoint_is_rate_limited_per_address(make_server):
    s = make_server(env={"RAPPORT_RATE_LIMIT": "5"})
    app = requests.post(s.url("/api/v1/apps"), data={
        "client_name": "x", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob"}).json()
    data = {"grant_type": "client_credentials", "client_id": app["client_id"],
            "client_secret": app["client_secret"]}
    codes = [requests.post(s.url("/oauth/token"), data=data).status_code for _ in range(8)]
    assert codes.count(200) <= 5 and codes[-1] == 429


def test_log_lines_cannot_be_forged(server):
    requests.get(server.url("/x%0d%0aFORGED%20LINE"))
    time.sleep(0.2)
    log = server.log.read_text(errors="replace")
    assert "\nFORGED LINE" not in log and "??FORGED LINE" in log
