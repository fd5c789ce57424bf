"""Real clients sign in: Mastodon.py, toot, and the authorization-code flow
with PKCE through the HTML pages, driven by requests like a browser."""
import base64
import hashlib
import html
import os
import re
import secrets
import subprocess
import urllib.parse

import requests
from mastodon import Mastodon

from conftest import PASSWORD


def test_mastodon_py_full_sign_in(server):
    user = server.user()
    cid, csec = Mastodon.create_app("Mastodon.py test", api_base_url=server.base,
                                    scopes=["read", "write", "follow"])
    m = Mastodon(client_id=cid, client_secret=csec, api_base_url=server.base)
    token = m.log_in(user.email, PASSWORD, scopes=["read", "write", "follow"])
    assert token
    me = m.account_verify_credentials()
    assert me["username"] == user.name and me["acct"] == user.name
    assert me["source"]["privacy"] == "public"
    updated = m.account_update_credentials(
        display_name="Ada <script>", note="Hello\n\nworld & friends",
        fields=[("site", "https://example.org"), ("pronouns", "she/her")], locked=True)
    assert updated["display_name"] == "Ada <script>"  # JSON string, not HTML
    assert updated["note"] == "<p>Hello</p><p>world &amp; friends</p>"
    assert [f["name"] for f in updated["fields"]] == ["site", "pronouns"]
    assert updated["locked"] is True
    assert m.account_verify_credentials()["source"]["note"] == "Hello\n\nworld & friends"
    inst = m.instance()
    assert inst["version"].startswith("4.3.0 (compatible; Rapport ")
    assert inst["stats"]["user_count"] >= 1
    assert m.account(me["id"])["id"] == me["id"]
    assert m.account_lookup(user.name)["id"] == me["id"]


def test_mastodon_py_wrong_password_is_refused(server):
    user = server.user()
    cid, csec = Mastodon.create_app("t", api_base_url=server.base)
    m = Mastodon(client_id=cid, client_secret=csec, api_base_url=server.base)
    try:
        m.log_in(user.email, "wrong password")
    except Exception as e:  # Mastodon.py raises MastodonIllegalArgumentError
        assert "invalid" in str(e).lower()
    else:
        raise AssertionError("log_in with a wrong password succeeded")


def test_toot_login_cli_and_whoami(server, tmp_path):
    user = server.user()
    env = dict(os.environ, HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "config"))
    p = subprocess.run(["toot", "login_cli", "--disable-https", "-i", server.domain,
                        "-e", user.email], input=PASSWORD + "\n", capture_output=True,
                       text=True, env=env, timeout=60)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "Successfully logged in" in p.stdout
    p = subprocess.run(["toot", "whoami"], capture_output=True, text=True, env=env, timeout=60)
    assert p.returncode == 0, p.stderr
    assert "@" + user.name in p.stdout


def test_toot_login_with_wrong_password_fails(server, tmp_path):
    user = server.user()
    env = dict(os.environ, HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "config"))
    p = subprocess.run(["toot", "login_cli", "--disable-https", "-i", server.domain,
                        "-e", user.email], input="nope\n", capture_output=True, text=True,
                       env=env, timeout=60)
    assert p.returncode != 0
    assert "Login failed" in p.stdout + p.stderr


def pkce_pair():
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    return verifier, challenge.decode()


def hidden_fields(page):
    return {m.group(1): html.unescape(m.group(2))
            for m in re.finditer(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page)}


def test_authorization_code_with_pkce_through_pages(server):
    user = server.user()
    redirect = "oauth2redirect://rapport.test/callback"
    app = server.app(scopes="read write", redirect_uris=redirect)
    verifier, challenge = pkce_pair()
    s = requests.Session()
    params = {"response_type": "code", "client_id": app["client_id"], "redirect_uri": redirect,
              "scope": "read write", "state": "xyz<>&", "code_challenge": challenge,
              "code_challenge_method": "S256", "force_login": "False", "lang": "None"}
    page = s.get(server.url("/oauth/authorize/"), params=params)
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert "pytest" in page.text and "read write" in page.text
    form = hidden_fields(page.text)
    assert form["state"] == "xyz<>&"
    assert "xyz<>&" not in page.text  # escaped in the page

    # Wrong password: the form again, no code.
    bad = s.post(server.url("/oauth/authorize"), data=dict(form, email=user.email,
                 password="wrong", decision="approve"), allow_redirects=False)
    assert bad.status_code == 401 and "Invalid email or password" in bad.text

    ok = s.post(server.url("/oauth/authorize"), data=dict(form, email=user.email,
                password=PASSWORD, decision="approve"), allow_redirects=False)
    assert ok.status_code == 302, ok.text
    loc = urllib.parse.urlparse(ok.headers["Location"])
    assert f"{loc.scheme}://{loc.netloc}{loc.path}" == redirect
    q = urllib.parse.parse_qs(loc.query)
    assert q["state"] == ["xyz<>&"]
    code = q["code"][0]

    # The verifier must match, and a public client may omit its secret.
    wrong = requests.post(server.url("/oauth/token"), data={
        "grant_type": "authorization_code", "client_id": app["client_id"], "code": code,
        "redirect_uri": redirect, "code_verifier": pkce_pair()[0]})
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    # A failed exchange spends the code: start again.
    ok = s.post(server.url("/oauth/authorize"), data=dict(form, email=user.email,
                password=PASSWORD, decision="approve"), allow_redirects=False)
    code = urllib.parse.parse_qs(urllib.parse.urlparse(ok.headers["Location"]).query)["code"][0]
    tok = requests.post(server.url("/oauth/token"), json={
        "grant_type": "authorization_code", "client_id": app["client_id"], "code": code,
        "redirect_uri": redirect, "code_verifier": verifier})
    assert tok.status_code == 200, tok.text
    body = tok.json()
    assert body["token_type"] == "Bearer" and body["scope"] == "read write"
    assert isinstance(body["created_at"], int)
    me = requests.get(server.url("/api/v1/accounts/verify_credentials"),
                      headers={"Authorization": "Bearer " + body["access_token"]})
    assert me.json()["username"] == user.name
    again = requests.post(server.url("/oauth/token"), json={
        "grant_type": "authorization_code", "client_id": app["client_id"], "code": code,
        "redirect_uri": redirect, "code_verifier": verifier})
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


def test_authorize_refuses_mismatched_redirect_and_plain_pkce(server):
    app = server.app(redirect_uris="https://client.test/cb")
    base = {"response_type": "code", "client_id": app["client_id"], "scope": "read"}
    for redirect in ["https://client.test/cb/", "https://client.test/cb?x=1",
                     "https://evil.test/cb", "HTTPS://client.test/cb"]:
        r = requests.get(server.url("/oauth/authorize"), params=dict(base, redirect_uri=redirect),
                         allow_redirects=False)
        assert r.status_code == 400 and "Location" not in r.headers
    r = requests.get(server.url("/oauth/authorize"), params=dict(
        base, redirect_uri="https://client.test/cb", code_challenge="a" * 43,
        code_challenge_method="plain"))
    assert r.status_code == 400 and "S256" in r.text
    r = requests.get(server.url("/oauth/authorize"), params=dict(
        base, redirect_uri="https://client.test/cb", scope="admin:write"))
    assert r.status_code == 400


def test_authorize_deny_redirects_with_error(server):
    user = server.user()
    app = server.app(redirect_uris="https://client.test/cb")
    page = requests.get(server.url("/oauth/authorize"), params={
        "response_type": "code", "client_id": app["client_id"],
        "redirect_uri": "https://client.test/cb", "state": "s1"})
    form = hidden_fields(page.text)
    r = requests.post(server.url("/oauth/authorize"), data=dict(form, decision="deny",
                      email=user.email), allow_redirects=False)
    assert r.status_code == 302
    assert r.headers["Location"] == "https://client.test/cb?error=access_denied&state=s1"


def test_oob_shows_the_code(server):
    user = server.user()
    app = server.app()
    page = requests.get(server.url("/oauth/authorize"), params={
        "response_type": "code", "client_id": app["client_id"],
        "redirect_uri": "urn:ietf:wg:oauth:2.0:oob", "scope": "read"})
    form = hidden_fields(page.text)
    r = requests.post(server.url("/oauth/authorize"), data=dict(
        form, email=user.email, password=PASSWORD, decision="approve"), allow_redirects=False)
    assert r.status_code == 200
    code = re.search(r'<code id="code">([^<]+)</code>', r.text).group(1)
    tok = requests.post(server.url("/oauth/token"), data={
        "grant_type": "authorization_code", "client_id": app["client_id"],
        "client_secret": app["client_secret"], "code": code,
        "redirect_uri": "urn:ietf:wg:oauth:2.0:oob"})
    assert tok.status_code == 200 and tok.json()["scope"] == "read"
    # Without PKCE the client must authenticate: no secret, no token.
    page = requests.post(server.url("/oauth/authorize"), data=dict(
        form, email=user.email, password=PASSWORD, decision="approve"))
    code = re.search(r'<code id="code">([^<]+)</code>', page.text).group(1)
    tok = requests.post(server.url("/oauth/token"), data={
        "grant_type": "authorization_code", "client_id": app["client_id"], "code": code,
        "redirect_uri": "urn:ietf:wg:oauth:2.0:oob"})
    assert tok.status_code == 401 and tok.json()["error"] == "invalid_client"
