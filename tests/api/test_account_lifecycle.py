"""The account lifecycle (core/lifecycle.c): a new password ends every other
session, a new e-mail, authorised apps listed and revoked, and deleting an
account, which leaves only its tombstone."""
import requests

from conftest import PASSWORD, masto, store_connect


def test_password_change_revokes_other_tokens(server):
    u = server.user()
    other = server.token(u.email)
    r = u.post("/api/rapport/v1/account/password",
               data={"current_password": "wrong password", "password": "a new password 1"})
    assert r.status_code == 422 and "incorrect" in r.json()["error"], r.text
    r = u.post("/api/rapport/v1/account/password",
               data={"current_password": PASSWORD, "password": "short"})
    assert r.status_code == 422, r.text
    r = u.post("/api/rapport/v1/account/password",
               data={"current_password": PASSWORD, "password": "a new password 1"})
    assert r.status_code == 200, r.text
    # The token that asked still works; the other session ended.
    m = masto(server, u)
    assert m.account_verify_credentials()["username"] == u.name
    r = requests.get(server.url("/api/v1/accounts/verify_credentials"),
                     headers={"Authorization": "Bearer " + other})
    assert r.status_code == 401
    # Only the new password signs in.
    r = requests.post(server.url("/oauth/token"), data={
        "grant_type": "password", "client_id": u.app["client_id"],
        "client_secret": u.app["client_secret"], "username": u.email, "password": PASSWORD})
    assert r.status_code in (400, 401), r.text
    assert server.token(u.email, password="a new password 1")


def test_wrong_passwords_are_throttled(make_server):
    s = make_server(env={"RAPPORT_LOGIN_LIMIT": "3"})
    u = s.user()
    codes = [u.post("/api/rapport/v1/account/delete", data={"password": "nope nope"}).status_code
             for _ in range(4)]
    assert codes == [422, 422, 422, 429], codes
    assert u.get("/api/v1/accounts/verify_credentials").status_code == 200


def test_email_change(server):
    u, v = server.user(), server.user()
    assert u.get("/api/rapport/v1/account").json()["email"] == u.email
    r = u.post("/api/rapport/v1/account/email",
               data={"current_password": PASSWORD, "email": v.email.upper()})
    assert r.status_code == 422 and "taken" in r.json()["error"], r.text
    r = u.post("/api/rapport/v1/account/email",
               data={"current_password": PASSWORD, "email": "not-an-address"})
    assert r.status_code == 422, r.text
    new = "renamed-" + u.email
    r = u.post("/api/rapport/v1/account/email", data={"current_password": PASSWORD, "email": new})
    assert r.status_code == 200 and r.json() == {"email": new, "confirmed": False}, r.text
    assert u.get("/api/rapport/v1/account").json()["email"] == new
    assert server.token(new)
    r = requests.post(server.url("/oauth/token"), data={
        "grant_type": "password", "client_id": u.app["client_id"],
        "client_secret": u.app["client_secret"], "username": u.email, "password": PASSWORD})
    assert r.status_code in (400, 401)


def test_authorized_apps_listed_and_revoked(server):
    u = server.user()
    tok, app = server.token_and_app(u.email)
    apps = u.get("/api/rapport/v1/authorized_apps").json()
    assert len(apps) == 2
    mine = [a for a in apps if a["current"]]
    assert len(mine) == 1 and mine[0]["name"] == "pytest"
    assert set(mine[0]) >= {"id", "name", "website", "scopes", "authorized_at", "tokens"}
    assert "read" in mine[0]["scopes"]
    other = [a for a in apps if not a["current"]][0]
    assert u.delete(f"/api/rapport/v1/authorized_apps/{other['id']}").status_code == 200
    r = requests.get(server.url("/api/v1/accounts/verify_credentials"),
                     headers={"Authorization": "Bearer " + tok})
    assert r.status_code == 401
    assert len(u.get("/api/rapport/v1/authorized_apps").json()) == 1
    assert u.delete(f"/api/rapport/v1/authorized_apps/{other['id']}").status_code == 404
    # Another account cannot revoke this one's apps.
    v = server.user()
    assert v.delete(f"/api/rapport/v1/authorized_apps/{mine[0]['id']}").status_code == 404
    assert u.get("/api/v1/accounts/verify_credentials").status_code == 200


def test_delete_account_leaves_only_the_tombstone(server):
    gone, friend = server.user(), server.user()
    mg, mf = masto(server, gone), masto(server, friend)
    mf.account_follow(gone.id)
    mg.account_follow(friend.id)
    post = mf.status_post("a post by the friend")
    own = mg.status_post("something to remember")
    reply = mg.status_post("a reply", in_reply_to_id=post["id"])
    mg.status_favourite(post["id"])
    mg.status_reblog(post["id"])
    mf.status_favourite(own["id"])
    before = mf.account(friend.id)
    assert before["followers_count"] == 1 and before["following_count"] == 1
    assert mf.status(post["id"])["replies_count"] == 1
    other_token = server.token(gone.email)

    r = gone.post("/api/rapport/v1/account/delete", data={"password": "wrong password"})
    assert r.status_code == 422
    assert gone.post("/api/rapport/v1/account/delete",
                     data={"password": PASSWORD}).status_code == 200

    # Every token of it stopped working.
    for tok in (gone.token, other_token):
        r = requests.get(server.url("/api/v1/accounts/verify_credentials"),
                         headers={"Authorization": "Bearer " + tok})
        assert r.status_code == 401
    # Its statuses and account are gone.
    for sid in (own["id"], reply["id"]):
        assert friend.get(f"/api/v1/statuses/{sid}").status_code == 404
    assert friend.get(f"/api/v1/accounts/{gone.id}").status_code == 404
    assert friend.get("/api/v1/accounts/lookup", params={"acct": gone.name}).status_code == 410
    # Others' counts are corrected.
    after = mf.account(friend.id)
    assert after["followers_count"] == 0 and after["following_count"] == 0
    p = mf.status(post["id"])
    assert (p["replies_count"], p["favourites_count"], p["reblogs_count"]) == (0, 0, 0)
    assert mf.status_context(post["id"])["descendants"] == []
    assert all(s["account"]["id"] != gone.id for s in mf.timeline_home())
    assert all(n["account"]["id"] != gone.id for n in mf.notifications())
    # The handle is never given out again; the e-mail may be used again.
    app = server.app()
    tok = requests.post(server.url("/oauth/token"), data={
        "grant_type": "client_credentials", "client_id": app["client_id"],
        "client_secret": app["client_secret"], "scope": "read write"}).json()["access_token"]
    r = requests.post(server.url("/api/v1/accounts"), headers={"Authorization": "Bearer " + tok},
                      data={"username": gone.name.upper(), "email": "new-" + gone.email,
                            "password": PASSWORD, "agreement": "true", "locale": "en"})
    assert r.status_code == 422 and "taken" in r.json()["error"], r.text
    r = requests.post(server.url("/api/v1/accounts"), headers={"Authorization": "Bearer " + tok},
                      data={"username": "x" + gone.name[1:], "email": gone.email,
                            "password": PASSWORD, "agreement": "true", "locale": "en"})
    assert r.status_code == 200, r.text


def test_deleted_handle_answers_gone(server):
    """The handle of a deleted account answers 410 Gone everywhere it was
    looked up (Mastodon's answer), the actor a Tombstone; an unknown
    handle stays 404."""
    gone = server.user()
    name, domain = gone.name, server.url("/").split("//")[1].rstrip("/")
    assert gone.post("/api/rapport/v1/account/delete",
                     data={"password": PASSWORD}).status_code == 200
    ap = {"Accept": "application/activity+json"}
    r = requests.get(server.url(f"/users/{name}"), headers=ap)
    assert r.status_code == 410, r.text
    t = r.json()
    assert t["type"] == "Tombstone" and t["formerType"] == "Person"
    assert t["id"] == server.url(f"/users/{name}") and t["deleted"]
    assert requests.get(server.url(f"/@{name}"), headers=ap).status_code == 410
    assert requests.get(server.url(f"/@{name}")).status_code == 410
    assert requests.get(server.url(f"/users/{name}/outbox"), headers=ap).status_code == 410
    for acct in (name, name.upper(), f"{name}@{domain}"):
        r = requests.get(server.url("/api/v1/accounts/lookup"), params={"acct": acct})
        assert r.status_code == 410, (acct, r.text)
    r = requests.get(server.url("/.well-known/webfinger"),
                     params={"resource": f"acct:{name}@{domain}"})
    assert r.status_code == 410
    for path in (f"/users/nobody{name}", "/@nobody" + name):
        assert requests.get(server.url(path), headers=ap).status_code == 404
    r = requests.get(server.url("/.well-known/webfinger"),
                     params={"resource": f"acct:nobody{name}@{domain}"})
    assert r.status_code == 404


def test_deleted_account_leaves_no_rows(server):
    """Nothing of the account is left in the store but its tombstone."""
    gone, friend = server.user(), server.user()
    mg, mf = masto(server, gone), masto(server, friend)
    mg.account_follow(friend.id)
    mf.account_follow(gone.id)
    mg.status_post(f"@{friend.name} hello there")
    mg.list_create("people")
    mf.status_post(f"@{gone.name} hi")
    gid = int(gone.id)
    assert gone.post("/api/rapport/v1/account/delete", data={"password": PASSWORD}).status_code == 200
    db = store_connect(server.data)
    try:
        for table, col in [("accounts", "id"), ("users", "account_id"), ("statuses", "account_id"),
                           ("follows", "account_id"), ("follows", "target_id"),
                           ("lists", "account_id"), ("notifications", "account_id"),
                           ("notifications", "from_account_id"), ("mentions", "account_id"),
                           ("home_feed", "account_id"), ("tokens", "account_id")]:
            n = db.execute(f"SELECT COUNT(*) FROM {table} WHERE {col} = ?", (gid,)).fetchone()[0]
            assert n == 0, (table, col, n)
        row = db.execute("SELECT username_key, purged_at FROM account_tombstones"
                         " WHERE account_id = ?", (gid,)).fetchone()
        assert row[0] == gone.name.lower() and row[1] > 0
    finally:
        db.close()
