"""The instance's settings through the real binary: rules in
/api/v1/instance/rules and both instance documents, description and
contact, and the sign-up modes (open, approval with a reason, closed,
invite links) with their effect on signing in."""
import pytest
import requests

from conftest import PASSWORD, Server, run_cli

ADMIN_SCOPES = "read write follow push admin:read admin:write"


@pytest.fixture(scope="module")
def srv():
    s = Server().start()
    yield s
    assert s.stop() == 0


@pytest.fixture(scope="module")
def admin(srv):
    u = srv.user()
    run_cli("user", "role", u.name, "admin", data=srv.data)
    tok = srv.token(u.email, scopes=ADMIN_SCOPES)
    u.h = {"Authorization": "Bearer " + tok}
    return u


def settings(srv, admin, **kw):
    r = requests.put(srv.url("/api/rapport/v1/admin/instance"), headers=admin.h, data=kw)
    assert r.status_code == 200, r.text
    return r.json()


def app_token(srv):
    app = srv.app()
    return app, requests.post(srv.url("/oauth/token"), data={
        "grant_type": "client_credentials", "client_id": app["client_id"],
        "client_secret": app["client_secret"], "scope": "read write"}).json()["access_token"]


def sign_up(srv, name, **extra):
    app, tok = app_token(srv)
    body = {"username": name, "email": f"{name}@example.com", "password": PASSWORD,
            "agreement": "true", "locale": "en", **extra}
    return app, requests.post(srv.url("/api/v1/accounts"),
                              headers={"Authorization": "Bearer " + tok}, data=body)


def password_grant(srv, app, name):
    return requests.post(srv.url("/oauth/token"), data={
        "grant_type": "password", "client_id": app["client_id"],
        "client_secret": app["client_secret"], "username": f"{name}@example.com",
        "password": PASSWORD, "scope": "read"})


def test_rules_are_served_and_edited(srv, admin):
    assert requests.get(srv.url("/api/v1/instance/rules")).json() == []
    made = []
    for text, pos in [("Talk with people, not at them", 2), ("No spam", 1)]:
        r = requests.post(srv.url("/api/rapport/v1/admin/rules"), headers=admin.h,
                          data={"text": text, "hint": "why", "position": pos})
        assert r.status_code == 200, r.text
        made.append(r.json())
    rules = requests.get(srv.url("/api/v1/instance/rules")).json()
    assert [x["text"] for x in rules] == ["No spam", "Talk with people, not at them"]
    assert rules[0]["hint"] == "why" and isinstance(rules[0]["id"], str)
    r = requests.put(srv.url(f"/api/rapport/v1/admin/rules/{made[0]['id']}"), headers=admin.h,
                     data={"text": "Talk with people"})
    assert r.status_code == 200 and r.json()["text"] == "Talk with people"
    assert requests.post(srv.url("/api/rapport/v1/admin/rules"), headers=admin.h,
                         data={"text": ""}).status_code == 422
    assert requests.post(srv.url("/api/rapport/v1/admin/rules"), headers=admin.h,
                         data={"text": "x" * 301}).status_code == 422
    v1 = requests.get(srv.url("/api/v1/instance")).json()
    v2 = requests.get(srv.url("/api/v2/instance")).json()
    assert [x["text"] for x in v1["rules"]] == ["No spam", "Talk with people"]
    assert [x["text"] for x in v2["rules"]] == ["No spam", "Talk with people"]
    assert requests.delete(srv.url(f"/api/rapport/v1/admin/rules/{made[1]['id']}"),
                           headers=admin.h).status_code == 200
    assert [x["text"] for x in requests.get(srv.url("/api/v1/instance/rules")).json()] == [
        "Talk with people"]
    assert requests.delete(srv.url(f"/api/rapport/v1/admin/rules/{made[1]['id']}"),
                           headers=admin.h).status_code == 404


def test_description_and_contact(srv, admin):
    settings(srv, admin, description="A small town square", contact_email="mods@example.com",
             contact_account_id=admin.id, registrations_message="Say hello")
    v1 = requests.get(srv.url("/api/v1/instance")).json()
    assert v1["description"] == "A small town square"
    assert v1["email"] == "mods@example.com"
    assert v1["contact_account"]["username"] == admin.name
    v2 = requests.get(srv.url("/api/v2/instance")).json()
    assert v2["description"] == "A small town square"
    assert v2["contact"]["email"] == "mods@example.com"
    assert v2["contact"]["account"]["username"] == admin.name
    assert v2["registrations"]["message"] == "Say hello"
    for bad in [{"contact_email": "nope"}, {"contact_account_id": "999"},
                {"registrations_mode": "sometimes"}]:
        r = requests.put(srv.url("/api/rapport/v1/admin/instance"), headers=admin.h, data=bad)
        assert r.status_code == 422, bad
    mod = srv.user()
    run_cli("user", "role", mod.name, "moderator", data=srv.data)
    h = {"Authorization": "Bearer " + srv.token(mod.email, scopes=ADMIN_SCOPES)}
    assert requests.put(srv.url("/api/rapport/v1/admin/instance"), headers=h,
                        data={"description": "mine now"}).status_code == 403


def test_approval_mode(srv, admin):
    settings(srv, admin, registrations_mode="approved")
    v1 = requests.get(srv.url("/api/v1/instance")).json()
    v2 = requests.get(srv.url("/api/v2/instance")).json()
    assert v1["registrations"] is True and v1["approval_required"] is True
    assert v2["registrations"]["enabled"] is True and v2["registrations"]["approval_required"]
    _, r = sign_up(srv, "noreason")
    assert r.status_code == 422 and "reason" in r.text
    app, r = sign_up(srv, "applicant", reason="I run the bakery down the road")
    assert r.status_code == 200, r.text
    tok = r.json()["access_token"]
    me = requests.get(srv.url("/api/v1/accounts/verify_credentials"),
                      headers={"Authorization": "Bearer " + tok})
    assert me.status_code == 403 and "pending approval" in me.json()["error"]
    assert password_grant(srv, app, "applicant").status_code == 403

    pending = requests.get(srv.url("/api/v2/admin/accounts?status=pending"), headers=admin.h)
    [acct] = [a for a in pending.json() if a["username"] == "applicant"]
    assert acct["invite_request"] == "I run the bakery down the road"
    assert acct["approved"] is False
    r = requests.post(srv.url(f"/api/v1/admin/accounts/{acct['id']}/approve"), headers=admin.h)
    assert r.status_code == 200 and r.json()["approved"] is True
    assert password_grant(srv, app, "applicant").status_code == 200
    me = requests.get(srv.url("/api/v1/accounts/verify_credentials"),
                      headers={"Authorization": "Bearer " + tok})
    assert me.status_code == 200

    _, r = sign_up(srv, "rejected", reason="spam")
    rid = [a for a in requests.get(srv.url("/api/v2/admin/accounts?status=pending"),
                                   headers=admin.h).json() if a["username"] == "rejected"][0]["id"]
    assert requests.post(srv.url(f"/api/v1/admin/accounts/{rid}/reject"),
                         headers=admin.h).status_code == 200
    assert requests.get(srv.url(f"/api/v1/admin/accounts/{rid}"), headers=admin.h).status_code == 404
    log = requests.get(srv.url("/api/rapport/v1/admin/audit"), headers=admin.h).json()
    assert {"approve_account", "reject_account", "update_setting"} <= {e["action"] for e in log}


def test_closed_mode(srv, admin):
    settings(srv, admin, registrations_mode="closed")
    v2 = requests.get(srv.url("/api/v2/instance")).json()
    assert v2["registrations"]["enabled"] is False
    assert requests.get(srv.url("/api/v1/instance")).json()["registrations"] is False
    _, r = sign_up(srv, "latecomer")
    assert r.status_code == 403 and "closed" in r.json()["error"]
    r = requests.get(srv.url("/auth/sign_up"), headers={"Accept": "text/html"})
    assert r.status_code == 403


def test_invite_links(srv, admin):
    settings(srv, admin, registrations_mode="invite")
    _, r = sign_up(srv, "uninvited")
    assert r.status_code == 403
    # both instance documents say so: closed to strangers, open to invites
    v1 = requests.get(srv.url("/api/v1/instance")).json()
    assert v1["registrations"] is False and v1["invites_enabled"] is True
    v2 = requests.get(srv.url("/api/v2/instance")).json()["registrations"]
    assert v2["enabled"] is False and v2["mode"] == "invite"
    r = requests.post(srv.url("/api/rapport/v1/admin/invites"), headers=admin.h,
                      data={"max_uses": 1})
    assert r.status_code == 200, r.text
    inv = r.json()
    assert inv["url"].endswith("/auth/sign_up?invite_code=" + inv["code"])
    assert inv["max_uses"] == 1
    page = requests.get(inv["url"], headers={"Accept": "text/html"})
    assert page.status_code == 200 and inv["code"] in page.text
    app, r = sign_up(srv, "invited", invite_code=inv["code"])
    assert r.status_code == 200, r.text
    assert password_grant(srv, app, "invited").status_code == 200
    _, r = sign_up(srv, "second", invite_code=inv["code"])
    assert r.status_code == 422 and "invite" in r.text
    _, r = sign_up(srv, "guesser", invite_code="not-a-code")
    assert r.status_code == 422
    listed = requests.get(srv.url("/api/rapport/v1/admin/invites"), headers=admin.h).json()
    assert [x["uses"] for x in listed if x["id"] == inv["id"]] == [1]
    r = requests.post(srv.url("/api/rapport/v1/admin/invites"), headers=admin.h, data={})
    inv2 = r.json()
    assert requests.delete(srv.url(f"/api/rapport/v1/admin/invites/{inv2['id']}"),
                           headers=admin.h).status_code == 200
    _, r = sign_up(srv, "revoked", invite_code=inv2["code"])
    assert r.status_code == 422
    # the sign-up page takes the code too
    inv3 = requests.post(srv.url("/api/rapport/v1/admin/invites"), headers=admin.h,
                         data={}).json()
    r = requests.post(srv.url("/auth/sign_up"), headers={"Accept": "text/html"}, data={
        "username": "pageinvite", "email": "pageinvite@example.com", "password": PASSWORD,
        "password_confirmation": PASSWORD, "invite_code": inv3["code"]})
    assert r.status_code == 201, r.text
    for bad in [{"max_uses": -1}, {"expires_in": -5}]:
        assert requests.post(srv.url("/api/rapport/v1/admin/invites"), headers=admin.h,
                             data=bad).status_code == 422


def test_blocked_email_domain_and_address(srv, admin):
    settings(srv, admin, registrations_mode="open")
    r = requests.post(srv.url("/api/v1/admin/email_domain_blocks"), headers=admin.h,
                      data={"domain": "example.com"})
    assert r.status_code == 200, r.text
    _, r = sign_up(srv, "blockedmail")
    assert r.status_code == 422 and "domain" in r.json()["error"]
    blocks = requests.get(srv.url("/api/v1/admin/email_domain_blocks"), headers=admin.h).json()
    for b in blocks:
        requests.delete(srv.url(f"/api/v1/admin/email_domain_blocks/{b['id']}"), headers=admin.h)
    ip = requests.post(srv.url("/api/v1/admin/ip_blocks"), headers=admin.h,
                       data={"ip": "127.0.0.0/8", "severity": "sign_up_requires_approval"}).json()
    app, r = sign_up(srv, "fromloopback")
    assert r.status_code == 200
    assert password_grant(srv, app, "fromloopback").status_code == 403
    requests.put(srv.url(f"/api/v1/admin/ip_blocks/{ip['id']}"), headers=admin.h,
                 data={"severity": "sign_up_block"})
    _, r = sign_up(srv, "blockedip")
    assert r.status_code == 403
    requests.delete(srv.url(f"/api/v1/admin/ip_blocks/{ip['id']}"), headers=admin.h)
    _, r = sign_up(srv, "welcomeback")
    assert r.status_code == 200
