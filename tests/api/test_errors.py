"""Bad input gets the right status and a JSON error, never a crash, and a
failed request changes nothing."""
import socket
import time

import requests

from conftest import PASSWORD, store_connect, store_dump


def is_json_error(r, status):
    assert r.status_code == status, (r.status_code, r.text)
    assert r.headers["Content-Type"].startswith("application/json"), r.headers
    assert isinstance(r.json()["error"], str) and r.json()["error"]
    return r.json()["error"]


def test_unknown_route_is_json_404(server):
    is_json_error(requests.get(server.url("/api/v1/nope")), 404)
    is_json_error(requests.get(server.url("/api/v1/accounts/123/nope/deeper")), 404)
    is_json_error(requests.get(server.url("/api/v1/accounts/999999")), 404)
    is_json_error(requests.get(server.url("/api/v1/accounts/not-a-number")), 404)
    is_json_error(requests.get(server.url("/api/v1/accounts/lookup"),
                               params={"acct": "nobody"}), 404)


def test_wrong_method_is_405(server):
    is_json_error(requests.delete(server.url("/api/v1/instance")), 405)
    is_json_error(requests.get(server.url("/oauth/token")), 405)


def test_malformed_bodies_are_400(server, alice):
    h = dict(alice.headers, **{"Content-Type": "application/json"})
    for body in [b"{", b"[1,2]", b'"str"', b'{"a":1,"a":2}', b"\xff\xfe", b'{"x":"\\u0000"}']:
        r = requests.patch(server.url("/api/v1/accounts/update_credentials"), data=body,
                           headers=h)
        is_json_error(r, 400)
    h = dict(alice.headers, **{"Content-Type": "application/x-www-form-urlencoded"})
    for body in [b"display_name=%ff%fe", b"display_name=a%00b"]:
        r = requests.patch(server.url("/api/v1/accounts/update_credentials"), data=body,
                           headers=h)
        is_json_error(r, 400)
    r = requests.patch(server.url("/api/v1/accounts/update_credentials"), data=b"<x/>",
                       headers=dict(alice.headers, **{"Content-Type": "application/xml"}))
    is_json_error(r, 415)
    # Nothing changed.
    assert alice.get("/api/v1/accounts/verify_credentials").json()["display_name"] == ""


def test_deeply_nested_json_is_rejected(server, alice):
    body = b'{"a":' + b"[" * 100000 + b"]" * 100000 + b"}"
    r = requests.patch(server.url("/api/v1/accounts/update_credentials"), data=body,
                       headers=dict(alice.headers, **{"Content-Type": "application/json"}))
    is_json_error(r, 400)
    assert requests.get(server.url("/api/v1/instance")).ok


def test_oversized_body_is_413(server, alice):
    big = "x" * (2 << 20)
    r = requests.patch(server.url("/api/v1/accounts/update_credentials"),
                       data={"note": big}, headers=alice.headers)
    is_json_error(r, 413)
    # Chunked upload without Content-Length: capped while reading.
    def chunks():
        for _ in range(40):
            yield b"note=" + b"y" * 65536
    r = requests.patch(server.url("/api/v1/accounts/update_credentials"), data=chunks(),
                       headers=dict(alice.headers, **{
                           "Content-Type": "application/x-www-form-urlencoded"}))
    is_json_error(r, 413)
    assert alice.get("/api/v1/accounts/verify_credentials").json()["note"] == ""


def test_oversized_headers_are_refused(server):
    r = requests.get(server.url("/api/v1/instance"), headers={"X-Big": "a" * 40000})
    assert r.status_code == 431
    assert requests.get(server.url("/api/v1/instance")).ok


def test_tokens_missing_bad_and_app_only(server, alice):
    assert is_json_error(requests.get(server.url("/api/v1/accounts/verify_credentials")),
                         401) == "This method requires an authenticated user"
    for bad in ["nope", "", "x" * 300, alice.token + "x"]:
        r = requests.get(server.url("/api/v1/accounts/verify_credentials"),
                         headers={"Authorization": "Bearer " + bad})
        assert r.status_code == 401, bad
    app = server.app()
    tok = requests.post(server.url("/oauth/token"), data={
        "grant_type": "client_credentials", "client_id": app["client_id"],
        "client_secret": app["client_secret"]}).json()["access_token"]
    is_json_error(requests.get(server.url("/api/v1/accounts/verify_credentials"),
                               headers={"Authorization": "Bearer " + tok}), 422)


def test_scopes_are_enforced(server, alice):
    read_only = server.token(alice.email, scopes="read")
    h = {"Authorization": "Bearer " + read_only}
    assert requests.get(server.url("/api/v1/accounts/verify_credentials"), headers=h).ok
    err = is_json_error(requests.patch(server.url("/api/v1/accounts/update_credentials"),
                                       headers=h, data={"display_name": "nope"}), 403)
    assert err == "This action is outside the authorized scopes"
    assert alice.get("/api/v1/accounts/verify_credentials").json()["display_name"] != "nope"
    granular = server.token(alice.email, scopes="read:statuses write:accounts")
    h = {"Authorization": "Bearer " + granular}
    is_json_error(requests.get(server.url("/api/v1/accounts/verify_credentials"),
                               headers=h), 403)
    assert requests.patch(server.url("/api/v1/accounts/update_credentials"), headers=h,
                          data={"display_name": "granular"}).ok
    profile = server.token(alice.email, scopes="profile")
    assert requests.get(server.url("/api/v1/accounts/verify_credentials"),
                        headers={"Authorization": "Bearer " + profile}).ok
    is_json_error(requests.get(server.url("/api/v1/preferences"),
                               headers={"Authorization": "Bearer " + profile}), 403)
    # An app-only token needs write:accounts to sign people up.
    app = server.app(scopes="read")
    tok = requests.post(server.url("/oauth/token"), data={
        "grant_type": "client_credentials", "client_id": app["client_id"],
        "client_secret": app["client_secret"]}).json()["access_token"]
    is_json_error(requests.post(server.url("/api/v1/accounts"),
                                headers={"Authorization": "Bearer " + tok},
                                data={"username": "sneaky", "email": "s@example.com",
                                      "password": "long enough", "agreement": "1"}), 403)


def test_token_endpoint_errors(server, alice):
    app = server.app(scopes="read")
    base = {"client_id": app["client_id"], "client_secret": app["client_secret"]}
    def err(data, status, code):
        r = requests.post(server.url("/oauth/token"), data=data)
        assert r.status_code == status, r.text
        assert r.json()["error"] == code
    err(dict(base), 400, "invalid_request")
    err(dict(base, grant_type="magic"), 400, "unsupported_grant_type")
    err(dict(base, grant_type="password", username=alice.email, password="x"), 400,
        "invalid_grant")
    err(dict(base, grant_type="password", username=alice.email, password=PASSWORD,
             scope="read write"), 400, "invalid_scope")
    err(dict(base, grant_type="password", username=alice.email, password=PASSWORD,
             scope="read bogus"), 400, "invalid_scope")
    err(dict(base, grant_type="client_credentials", client_secret="wrong"), 401,
        "invalid_client")
    err({"grant_type": "client_credentials", "client_id": "unknown"}, 401, "invalid_client")
    err(dict(base, grant_type="authorization_code", code="bogus",
             redirect_uri="urn:ietf:wg:oauth:2.0:oob"), 400, "invalid_grant")


def test_app_registration_validation(server):
    for data, field in [({"redirect_uris": "urn:ietf:wg:oauth:2.0:oob"}, "client_name"),
                        ({"client_name": "x"}, "redirect_uris"),
                        ({"client_name": "x", "redirect_uris": "not a uri"}, "redirect_uris"),
                        ({"client_name": "x", "redirect_uris": "https://a.test/#frag"},
                         "redirect_uris"),
                        ({"client_name": "x", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
                          "scopes": "read everything"}, "scopes"),
                        ({"client_name": "x" * 300, "redirect_uris": "app://x"}, "client_name")]:
        r = requests.post(server.url("/api/v1/apps"), data=data)
        assert field in is_json_error(r, 422)
        assert field in r.json()["details"]


def signup(server, **fields):
    app = server.app()
    tok = requests.post(server.url("/oauth/token"), data={
        "grant_type": "client_credentials", "client_id": app["client_id"],
        "client_secret": app["client_secret"], "scope": "read write"}).json()["access_token"]
    data = {"username": "x", "email": "x@example.com", "password": "long enough",
            "agreement": "true"}
    data.update(fields)
    return requests.post(server.url("/api/v1/accounts"), data=data,
                         headers={"Authorization": "Bearer " + tok})


def test_sign_up_validation_names_the_field(server, alice):
    before = requests.get(server.url("/api/v1/instance")).json()["stats"]["user_count"]
    cases = [
        ({"username": alice.name.upper(), "email": "new1@example.com"}, "username", "taken"),
        ({"username": "fresh1", "email": alice.email.upper()}, "email", "taken"),
        ({"username": "bad-name", "email": "n2@example.com"}, "username", "letters"),
        ({"username": "a" * 31, "email": "n3@example.com"}, "username", "30"),
        ({"username": "", "email": "n4@example.com"}, "username", "blank"),
        ({"username": "fresh2", "email": "nope"}, "email", "invalid"),
        ({"username": "fresh3", "email": "n5@example.com", "password": "short"}, "password",
         "8"),
        ({"username": "fresh4", "email": "n6@example.com", "agreement": "false"}, "agreement",
         "agree"),
    ]
    for fields, field, why in cases:
        r = signup(server, **fields)
        msg = is_json_error(r, 422)
        assert field in r.json()["details"], (fields, r.text)
        assert why in msg, (fields, msg)
    after = requests.get(server.url("/api/v1/instance")).json()["stats"]["user_count"]
    assert after == before


def test_profile_validation_changes_nothing(server, alice):
    alice.patch("/api/v1/accounts/update_credentials", data={"display_name": "Kept"})
    for data, field in [({"display_name": "x" * 31, "note": "changed"}, "display_name"),
                        ({"display_name": "Changed", "note": "n" * 501}, "note"),
                        ({"display_name": "Changed", "source[privacy]": "everyone"},
                         "source[privacy]")]:
        r = alice.patch("/api/v1/accounts/update_credentials", data=data)
        is_json_error(r, 422)
        assert field in r.json()["details"]
    five = {f"fields_attributes[{i}][name]": "n" for i in range(5)}
    five.update({f"fields_attributes[{i}][value]": "v" for i in range(5)})
    is_json_error(alice.patch("/api/v1/accounts/update_credentials", data=five), 422)
    me = alice.get("/api/v1/accounts/verify_credentials").json()
    assert me["display_name"] == "Kept" and me["note"] == "" and me["fields"] == []
    assert me["source"]["privacy"] == "public"
    # Display names count characters, not bytes.
    r = alice.patch("/api/v1/accounts/update_credentials", data={"display_name": "é" * 30})
    assert r.status_code == 200


def test_login_is_throttled_with_retry_after(make_server):
    s = make_server(env={"RAPPORT_LOGIN_LIMIT": "5", "RAPPORT_LOGIN_WINDOW": "300"})
    user = s.user()
    app = s.app()
    data = {"grant_type": "password", "client_id": app["client_id"],
            "client_secret": app["client_secret"], "username": user.email, "password": "bad",
            "scope": "read"}
    codes = [requests.post(s.url("/oauth/token"), data=data).status_code for _ in range(5)]
    assert codes == [400] * 5
    r = requests.post(s.url("/oauth/token"), data=dict(data, password=PASSWORD))
    assert r.status_code == 429
    assert 1 <= int(r.headers["Retry-After"]) <= 300
    # The HTML sign-in page is throttled by the same counters.
    page = requests.post(s.url("/oauth/authorize"), data={
        "client_id": app["client_id"], "redirect_uri": "urn:ietf:wg:oauth:2.0:oob",
        "response_type": "code", "email": user.email, "password": PASSWORD,
        "decision": "approve"})
    assert page.status_code == 429 and "Retry-After" in page.headers


def test_api_rate_limit_headers_and_429(make_server):
    s = make_server(env={"RAPPORT_RATE_LIMIT": "5", "RAPPORT_RATE_WINDOW": "300"})
    r = requests.get(s.url("/api/v1/instance"))
    assert r.headers["X-RateLimit-Limit"] == "5"
    left = int(r.headers["X-RateLimit-Remaining"])
    assert 0 < left < 5  # the start-up probe and this request counted
    assert r.headers["X-RateLimit-Reset"].endswith("Z")
    for i in range(left):
        r = requests.get(s.url("/api/v1/instance"))
        assert r.ok and int(r.headers["X-RateLimit-Remaining"]) == left - 1 - i
    r = requests.get(s.url("/api/v1/instance"))
    is_json_error(r, 429)
    assert int(r.headers["Retry-After"]) >= 1


def test_sign_up_is_limited_per_ip(make_server):
    s = make_server(env={"RAPPORT_SIGNUP_LIMIT": "2"})
    for i in range(2):
        assert signup(s, username=f"lim{i}", email=f"lim{i}@example.com").status_code == 200
    r = signup(s, username="lim3", email="lim3@example.com")
    is_json_error(r, 429)
    assert "Retry-After" in r.headers


def test_no_plaintext_secrets_in_the_database(make_server):
    s = make_server()
    user = s.user()
    app = s.app()
    tok = s.token(user.email)
    s.stop()
    blobs = b""
    blobs += store_dump(s.data)
    for secret in [tok, user.token, app["client_secret"], user.app["client_secret"],
                   PASSWORD]:
        assert secret.encode() not in blobs, secret
    db = store_connect(s.data)
    hashes = [r[0] for r in db.execute("SELECT password_hash FROM users")]
    assert hashes and all(h.startswith("$argon2id$v=19$m=19456,t=2,p=1$") for h in hashes)
    s.start()


def test_slow_client_does_not_block_others(server):
    # A client that sends half a request and stalls must not stop others.
    socks = []
    for _ in range(8):
        c = socket.create_connection(("127.0.0.1", server.port))
        c.sendall(b"POST /api/v1/apps HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nab")
        socks.append(c)
    t = time.time()
    for _ in range(20):
        assert requests.get(server.url("/api/v1/instance"), timeout=5).ok
    assert time.time() - t < 5
    for c in socks:
        c.close()


def test_idle_and_half_sent_connections_are_cut_off(make_server):
    s = make_server(env={"RAPPORT_CONN_TIMEOUT": "2"})
    slow = socket.create_connection(("127.0.0.1", s.port))
    slow.sendall(b"GET /api/v1/instance HTTP/1.1\r\nHost: x\r\n")  # never finishes
    idle = socket.create_connection(("127.0.0.1", s.port))
    slow.settimeout(10)
    idle.settimeout(10)
    t = time.time()
    assert slow.recv(100) == b""  # closed by the server
    assert idle.recv(100) == b""
    assert 1.5 < time.time() - t < 8
    assert requests.get(s.url("/api/v1/instance")).ok
