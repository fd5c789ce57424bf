"""Endpoints of the foundation and the shape of their entities."""
import re
import time

import requests
from conftest import store_connect

ACCOUNT_KEYS = {"id", "username", "acct", "url", "uri", "display_name", "note", "avatar",
                "avatar_static", "header", "header_static", "locked", "fields", "emojis", "bot",
                "group", "discoverable", "created_at", "last_status_at", "statuses_count",
                "followers_count", "following_count"}
TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def test_instance_v1(server):
    r = requests.get(server.url("/api/v1/instance"))
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("application/json")
    j = r.json()
    for k in ["uri", "title", "short_description", "description", "email", "version", "urls",
              "stats", "thumbnail", "languages", "registrations", "approval_required",
              "invites_enabled", "configuration", "contact_account", "rules"]:
        assert k in j, k
    assert re.match(r"^4\.3\.0 \(compatible; Rapport \d+\.\d+\.\d+\)$", j["version"])
    assert set(j["stats"]) == {"user_count", "status_count", "domain_count"}
    assert j["configuration"]["statuses"]["max_characters"] == 500
    assert j["configuration"]["statuses"]["characters_reserved_per_url"] == 23


def test_instance_v2(server):
    j = requests.get(server.url("/api/v2/instance")).json()
    for k in ["domain", "title", "version", "source_url", "description", "usage", "thumbnail",
              "icon", "languages", "configuration", "registrations", "api_versions", "contact",
              "rules"]:
        assert k in j, k
    assert j["domain"] == server.domain
    assert j["configuration"]["statuses"]["max_characters"] == 500
    assert "url" in j["thumbnail"] and "enabled" in j["registrations"]
    assert "active_month" in j["usage"]["users"]


def test_trailing_slash_and_cors(server):
    assert requests.get(server.url("/api/v1/instance/")).status_code == 200
    r = requests.get(server.url("/api/v1/instance"), headers={"Origin": "https://elk.zone"})
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert "Link" in r.headers["Access-Control-Expose-Headers"]
    assert "X-RateLimit-Remaining" in r.headers["Access-Control-Expose-Headers"]
    p = requests.options(server.url("/api/v1/statuses"), headers={
        "Origin": "https://elk.zone", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type,idempotency-key"})
    assert p.status_code == 204
    allowed = p.headers["Access-Control-Allow-Headers"].lower()
    for h in ["authorization", "content-type", "idempotency-key"]:
        assert h in allowed
    assert "POST" in p.headers["Access-Control-Allow-Methods"]


def test_nodeinfo(server):
    idx = requests.get(server.url("/.well-known/nodeinfo")).json()
    hrefs = [l["href"] for l in idx["links"]]
    assert server.base + "/nodeinfo/2.0" in hrefs
    ni = requests.get(server.url("/nodeinfo/2.0")).json()
    assert ni["version"] == "2.0" and ni["software"]["name"] == "mastodon"
    assert ni["metadata"]["upstream"]["name"] == "mastodon"
    assert "activitypub" in ni["protocols"]
    assert requests.get(server.url("/nodeinfo/2.1")).json()["version"] == "2.1"


def test_nodeinfo_counts_the_users_active_lately(make_server):
    # activeMonth / activeHalfyear: local users who posted or signed in
    # (made a token) in the last 30 / 180 days, not every user
    s = make_server()
    now, day = int(time.time() * 1000), 86400000
    users = [s.user() for _ in range(3)]  # each signed in now
    db = store_connect(s.data)
    for u, ago in zip(users[1:], (200, 60)):
        at = now - ago * day
        db.execute("UPDATE tokens SET created_at = ? WHERE account_id = ?", (at, int(u.id)))
        db.execute("UPDATE accounts SET last_status_at = ? WHERE id = ?", (at, int(u.id)))
    db.commit()
    db.close()
    usage = requests.get(s.url("/nodeinfo/2.0")).json()["usage"]["users"]
    assert (usage["total"], usage["activeMonth"], usage["activeHalfyear"]) == (3, 1, 2)
    v2 = requests.get(s.url("/api/v2/instance")).json()
    assert v2["usage"]["users"]["active_month"] == 1


def test_webfinger_and_host_meta(server, alice):
    r = requests.get(server.url("/.well-known/webfinger"),
                     params={"resource": f"acct:{alice.name}@{server.domain}"})
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("application/jrd+json")
    j = r.json()
    assert j["subject"] == f"acct:{alice.name}@{server.domain}"
    self_link = [l for l in j["links"] if l["rel"] == "self"][0]
    assert self_link["type"] == "application/activity+json"
    assert self_link["href"] == f"{server.base}/users/{alice.name}"
    by_uri = requests.get(server.url("/.well-known/webfinger"),
                          params={"resource": f"{server.base}/users/{alice.name}"})
    assert by_uri.json()["subject"] == j["subject"]
    for bad in [f"acct:{alice.name}@elsewhere.test", "acct:nobody@" + server.domain, "x"]:
        assert requests.get(server.url("/.well-known/webfinger"),
                            params={"resource": bad}).status_code == 404
    assert requests.get(server.url("/.well-known/webfinger")).status_code == 400
    hm = requests.get(server.url("/.well-known/host-meta"))
    assert hm.status_code == 200 and "/.well-known/webfinger?resource={uri}" in hm.text


def test_oauth_server_metadata(server):
    j = requests.get(server.url("/.well-known/oauth-authorization-server")).json()
    assert j["code_challenge_methods_supported"] == ["S256"]
    assert j["token_endpoint"] == server.base + "/oauth/token"
    assert "authorization_code" in j["grant_types_supported"]
    assert "write:statuses" in j["scopes_supported"]


def test_app_registration_shapes(server):
    r = requests.post(server.url("/api/v1/apps"), json={
        "client_name": "JSON app", "redirect_uris": ["https://a.test/cb", "app://cb"],
        "scopes": "read write", "website": "https://a.test"})
    assert r.status_code == 200, r.text
    j = r.json()
    for k in ["id", "name", "website", "scopes", "redirect_uris", "redirect_uri", "client_id",
              "client_secret", "vapid_key"]:
        assert k in j, k
    assert j["redirect_uris"] == ["https://a.test/cb", "app://cb"]
    assert j["scopes"] == ["read", "write"]
    tok = requests.post(server.url("/oauth/token"), data={
        "grant_type": "client_credentials", "client_id": j["client_id"],
        "client_secret": j["client_secret"]}).json()["access_token"]
    v = requests.get(server.url("/api/v1/apps/verify_credentials"),
                     headers={"Authorization": "Bearer " + tok})
    assert v.status_code == 200 and v.json()["name"] == "JSON app"
    assert "client_secret" not in v.json()


def test_account_entity_has_every_attribute(server, alice):
    me = alice.get("/api/v1/accounts/verify_credentials").json()
    assert ACCOUNT_KEYS <= set(me)
    assert TIME.match(me["created_at"])
    assert me["id"].isdigit()
    assert me["avatar"].startswith("http")
    assert requests.get(me["avatar"]).headers["Content-Type"] == "image/png"
    assert {"note", "fields", "privacy", "sensitive", "language",
            "follow_requests_count"} <= set(me["source"])
    assert "role" in me
    public = requests.get(server.url(f"/api/v1/accounts/{me['id']}")).json()
    assert ACCOUNT_KEYS <= set(public)
    assert "source" not in public
    assert requests.get(server.url("/api/v1/accounts/lookup"),
                        params={"acct": alice.name.upper()}).json()["id"] == me["id"]
    assert requests.get(server.url("/api/v1/accounts/lookup"),
                        params={"acct": f"{alice.name}@{server.domain}"}).json()["id"] == me["id"]


def test_update_credentials_json_and_form(server, alice):
    r = alice.patch("/api/v1/accounts/update_credentials", json={
        "display_name": "Alice", "note": "I <3 talking", "bot": True, "discoverable": False,
        "fields_attributes": [{"name": "a", "value": "<b>x</b>"}],
        "source": {"privacy": "unlisted", "sensitive": True, "language": "en"}})
    assert r.status_code == 200, r.text
    j = r.json()
    assert j["note"] == "<p>I &lt;3 talking</p>"
    assert j["bot"] is True and j["discoverable"] is False
    assert j["fields"][0]["value"] == "&lt;b&gt;x&lt;/b&gt;"
    assert j["source"]["privacy"] == "unlisted" and j["source"]["sensitive"] is True
    prefs = alice.get("/api/v1/preferences").json()
    assert prefs["posting:default:visibility"] == "unlisted"
    assert prefs["posting:default:sensitive"] is True
    assert prefs["posting:default:language"] == "en"
    # form with Mastodon.py's bracket syntax and loose booleans
    r = alice.patch("/api/v1/accounts/update_credentials", data={
        "locked": "1", "bot": "0", "fields_attributes[0][name]": "web",
        "fields_attributes[0][value]": "https://x.test", "source[privacy]": "private"})
    j = r.json()
    assert j["locked"] is True and j["bot"] is False
    assert [f["name"] for f in j["fields"]] == ["web"]
    assert j["source"]["privacy"] == "private"
    assert j["display_name"] == "Alice"  # untouched


def test_sign_up_through_the_api(server):
    app = server.app()
    tok = requests.post(server.url("/oauth/token"), data={
        "grant_type": "client_credentials", "client_id": app["client_id"],
        "client_secret": app["client_secret"], "scope": "read write"}).json()["access_token"]
    h = {"Authorization": "Bearer " + tok}
    r = requests.post(server.url("/api/v1/accounts"), headers=h, json={
        "username": "newcomer_1", "email": "newcomer_1@example.com",
        "password": "long enough pw", "agreement": True, "locale": "en"})
    assert r.status_code == 200, r.text
    user_tok = r.json()["access_token"]
    me = requests.get(server.url("/api/v1/accounts/verify_credentials"),
                      headers={"Authorization": "Bearer " + user_tok}).json()
    assert me["username"] == "newcomer_1"
    # The new account can sign in with its password.
    assert server.token("newcomer_1@example.com", "long enough pw")


def test_sign_up_page(server):
    page = requests.get(server.url("/auth/sign_up"))
    assert page.status_code == 200 and '<form method="post"' in page.text
    r = requests.post(server.url("/auth/sign_up"), data={
        "username": "webuser", "email": "webuser@example.com", "password": "a fine password",
        "password_confirmation": "a fine password"})
    assert r.status_code == 201 and "Welcome, @webuser" in r.text
    bad = requests.post(server.url("/auth/sign_up"), data={
        "username": "<script>x", "email": "other@example.com", "password": "a fine password"})
    assert bad.status_code == 422
    assert "<script>x" not in bad.text and "&lt;script&gt;x" in bad.text
    assert requests.get(server.url("/")).status_code == 200
    assert server.token("webuser@example.com", "a fine password")


def test_early_endpoints(server, alice):
    assert requests.get(server.url("/api/v1/custom_emojis")).json() == []
    assert alice.get("/api/v2/filters").json() == []
    assert alice.get("/api/v1/announcements").json() == []
    r = alice.get("/api/v1/push/subscription")
    assert r.status_code == 404 and "error" in r.json()


def test_revoke(server, alice):
    tok, app = server.token_and_app(alice.email)
    h = {"Authorization": "Bearer " + tok}
    assert requests.get(server.url("/api/v1/accounts/verify_credentials"), headers=h).ok
    other = alice.app  # another app cannot revoke it
    r = requests.post(server.url("/oauth/revoke"), data={
        "client_id": other["client_id"], "client_secret": other["client_secret"], "token": tok})
    assert r.status_code == 200
    assert requests.get(server.url("/api/v1/accounts/verify_credentials"), headers=h).ok
    # A wrong secret is refused.
    r = requests.post(server.url("/oauth/revoke"), data={
        "client_id": app["client_id"], "client_secret": "nope", "token": tok})
    assert r.status_code == 401 and r.json()["error"] == "invalid_client"
    # Its own app revokes it, with credentials as HTTP Basic this time.
    r = requests.post(server.url("/oauth/revoke"), data={"token": tok},
                      auth=(app["client_id"], app["client_secret"]))
    assert r.status_code == 200 and r.json() == {}
    r = requests.get(server.url("/api/v1/accounts/verify_credentials"), headers=h)
    assert r.status_code == 401 and r.json()["error"] == "The access token is invalid"
