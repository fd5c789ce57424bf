"""Reports, roles and Mastodon's admin API through Mastodon.py, against the
real binary: role checks, scopes, suspension (tokens refused with the
reason, statuses gone from others' timelines, restored on unsuspend),
silencing, admin blocks, the audit log and the moderation queue."""
import pytest
import requests
from mastodon import Mastodon, MastodonAPIError

import media_files as mf
from conftest import PASSWORD, Server, run_cli

ADMIN_SCOPES = "read write follow push admin:read admin:write"


@pytest.fixture(scope="module")
def srv():
    s = Server().start()
    yield s
    assert s.stop() == 0


def client(server, token):
    return Mastodon(access_token=token, api_base_url=server.base, version_check_mode="none")


def staff(server, role):
    """A user with role (set on the command line) and an admin-scoped client."""
    u = server.user()
    run_cli("user", "role", u.name, role, data=server.data)
    tok = server.token(u.email, scopes=ADMIN_SCOPES)
    u.admin_headers = {"Authorization": "Bearer " + tok}
    return u, client(server, tok)


@pytest.fixture(scope="module")
def owner(srv):
    return staff(srv, "owner")


@pytest.fixture(scope="module")
def moderator(srv):
    return staff(srv, "moderator")


def status_code(exc):
    return exc.value.args[1]


def test_role_in_credentials_and_cli(srv, owner, moderator):
    _, api = owner
    assert api.account_verify_credentials()["role"]["name"] == "Owner"
    _, mapi = moderator
    role = mapi.account_verify_credentials()["role"]
    assert role["name"] == "Moderator" and str(role["id"]) == "1"
    assert int(role["permissions"]) & (1 << 4)  # manage_reports
    assert not int(role["permissions"]) & (1 << 17)  # manage_roles
    p = run_cli("user", "role", "nobody_here", "admin", data=srv.data, check=False)
    assert p.returncode == 1 and "no local account" in p.stderr
    p = run_cli("user", "role", owner[0].name, "king", data=srv.data, check=False)
    assert p.returncode != 0


def test_user_gets_403_on_admin_endpoints(srv):
    alice = srv.user()
    tok = srv.token(alice.email, scopes=ADMIN_SCOPES)
    h = {"Authorization": "Bearer " + tok}
    for path in ["/api/v1/admin/accounts", "/api/v2/admin/accounts", "/api/v1/admin/reports",
                 "/api/v1/admin/domain_blocks", "/api/rapport/v1/admin/audit",
                 "/api/rapport/v1/admin/queue"]:
        r = requests.get(srv.url(path), headers=h)
        assert r.status_code == 403, (path, r.text)
        assert "error" in r.json()


def test_admin_scopes_are_checked(srv, owner):
    u, _ = owner
    tok = srv.token(u.email, scopes="read write")
    r = requests.get(srv.url("/api/v1/admin/accounts"), headers={"Authorization": "Bearer " + tok})
    assert r.status_code == 403
    tok = srv.token(u.email, scopes="admin:read")
    h = {"Authorization": "Bearer " + tok}
    assert requests.get(srv.url("/api/v1/admin/accounts"), headers=h).status_code == 200
    r = requests.post(srv.url(f"/api/v1/admin/accounts/{u.id}/action"), headers=h,
                      data={"type": "none"})
    assert r.status_code == 403


def test_granular_admin_scopes(srv, owner):
    """Mastodon's admin sub-scopes: each admin endpoint asks for the one of
    its area (admin:read and admin:write hold them all); Rapport's own
    admin endpoints need the whole admin:read or admin:write."""
    u, _ = owner
    h = {"Authorization": "Bearer " + srv.token(
        u.email, scopes="read admin:read:reports admin:write:domain_blocks")}
    get = lambda path: requests.get(srv.url(path), headers=h).status_code  # noqa: E731
    assert get("/api/v1/admin/reports") == 200
    for path in ("/api/v1/admin/accounts", "/api/v2/admin/accounts",
                 "/api/v1/admin/domain_blocks", "/api/v1/admin/ip_blocks",
                 "/api/rapport/v1/admin/audit", "/api/rapport/v1/admin/queue"):
        assert get(path) == 403, path
    r = requests.post(srv.url("/api/v1/admin/domain_blocks"), headers=h,
                      data={"domain": "granular.example", "severity": "silence"})
    assert r.status_code == 200, r.text
    r = requests.delete(srv.url(f"/api/v1/admin/domain_blocks/{r.json()['id']}"), headers=h)
    assert r.status_code == 200, r.text
    r = requests.post(srv.url("/api/v1/admin/ip_blocks"), headers=h,
                      data={"ip": "192.0.2.7/32", "severity": "no_access"})
    assert r.status_code == 403
    r = requests.post(srv.url(f"/api/v1/admin/accounts/{u.id}/action"), headers=h,
                      data={"type": "none"})
    assert r.status_code == 403
    meta = requests.get(srv.url("/.well-known/oauth-authorization-server")).json()
    assert "admin:write:reports" in meta["scopes_supported"]
    r = requests.post(srv.url("/api/v1/apps"), data={
        "client_name": "x", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
        "scopes": "admin:read:nonsense"})
    assert r.status_code in (400, 422)


def test_moderator_cannot_change_roles_or_admin_only(srv, moderator):
    m, mapi = moderator
    bob = srv.user()
    r = requests.post(srv.url(f"/api/rapport/v1/admin/accounts/{bob.id}/role"),
                      headers=m.admin_headers, data={"role": "moderator"})
    assert r.status_code == 403
    with pytest.raises(MastodonAPIError) as e:
        mapi.admin_create_domain_block("spam.example", severity="suspend")
    assert status_code(e) == 403
    r = requests.post(srv.url("/api/rapport/v1/admin/rules"), headers=m.admin_headers,
                      data={"text": "Be kind"})
    assert r.status_code == 403
    # but accounts and reports are a moderator's work
    assert isinstance(mapi.admin_accounts_v2(), list)
    assert isinstance(mapi.admin_reports(), list)


def test_owner_sets_roles_and_admin_limits(srv, owner):
    o, _ = owner
    a = srv.user()
    r = requests.post(srv.url(f"/api/rapport/v1/admin/accounts/{a.id}/role"),
                      headers=o.admin_headers, data={"role": "admin"})
    assert r.status_code == 200, r.text
    assert r.json()["role"]["name"] == "Admin"
    atok = srv.token(a.email, scopes=ADMIN_SCOPES)
    ah = {"Authorization": "Bearer " + atok}
    # an admin may make moderators, not admins or owners, and not demote the owner
    b = srv.user()
    assert requests.post(srv.url(f"/api/rapport/v1/admin/accounts/{b.id}/role"), headers=ah,
                         data={"role": "moderator"}).status_code == 200
    assert requests.post(srv.url(f"/api/rapport/v1/admin/accounts/{b.id}/role"), headers=ah,
                         data={"role": "admin"}).status_code == 403
    assert requests.post(srv.url(f"/api/rapport/v1/admin/accounts/{o.id}/role"), headers=ah,
                         data={"role": "user"}).status_code == 403
    # an admin cannot suspend the owner
    r = requests.post(srv.url(f"/api/v1/admin/accounts/{o.id}/action"), headers=ah,
                      data={"type": "suspend"})
    assert r.status_code == 403


def test_report_flow(srv, owner, moderator):
    o, api = owner
    m, mapi = moderator
    reporter, target = srv.user(), srv.user()
    st = target.post("/api/v1/statuses", data={"status": "buy my stuff"}).json()
    rules = requests.post(srv.url("/api/rapport/v1/admin/rules"), headers=o.admin_headers,
                          data={"text": "No spam"})
    assert rules.status_code == 200, rules.text
    rule_id = rules.json()["id"]
    rapi = client(srv, reporter.token)
    rep = rapi.report(target.id, status_ids=[st["id"]], comment="spam!", category="violation",
                      rule_ids=[rule_id], forward=True)
    assert rep["category"] == "violation" and rep["forwarded"] is True
    assert [str(x) for x in rep["status_ids"]] == [st["id"]]
    assert str(rep["target_account"]["id"]) == target.id

    # bad reports: unknown category, someone else's status, unknown rule, oneself
    bad = [{"account_id": target.id, "category": "rude"},
           {"account_id": target.id, "status_ids[]": reporter.post(
               "/api/v1/statuses", data={"status": "mine"}).json()["id"]},
           {"account_id": target.id, "rule_ids[]": "12345"},
           {"account_id": reporter.id}]
    for body in bad:
        r = reporter.post("/api/v1/reports", data=body)
        assert r.status_code == 422, (body, r.text)
    assert reporter.post("/api/v1/reports", data={"account_id": "999999"}).status_code == 404

    reports = mapi.admin_reports()
    mine = [x for x in reports if str(x["id"]) == str(rep["id"])]
    assert mine and str(mine[0]["statuses"][0]["id"]) == st["id"]
    assert mine[0]["rules"][0]["text"] == "No spam"
    assert mine[0]["account"]["username"] == reporter.name
    r = mapi.admin_report_assign(rep["id"])
    assert r["assigned_account"]["username"] == m.name
    r = mapi.admin_report_unassign(rep["id"])
    assert r["assigned_account"] is None
    r = mapi.admin_report_resolve(rep["id"])
    assert r["action_taken"] is True and r["action_taken_by_account"]["username"] == m.name
    assert not [x for x in mapi.admin_reports() if str(x["id"]) == str(rep["id"])]
    assert [x for x in mapi.admin_reports(resolved=True) if str(x["id"]) == str(rep["id"])]
    r = mapi.admin_report_reopen(rep["id"])
    assert r["action_taken"] is False
    assert str(mapi.admin_report(rep["id"])["id"]) == str(rep["id"])

    # an action with the report closes it; the audit log has every step
    mapi.admin_account_moderate(target.id, "sensitive", report_id=rep["id"], text="mark media")
    assert mapi.admin_report(rep["id"])["action_taken"] is True
    assert mapi.admin_account(target.id)["sensitized"] is True
    log = requests.get(srv.url("/api/rapport/v1/admin/audit"), headers=m.admin_headers).json()
    actions = [(e["action"], e["actor"], e["target_id"]) for e in log]
    for a in ["assign_report", "unassign_report", "resolve_report", "reopen_report"]:
        assert (a, m.name, str(rep["id"])) in actions
    assert ("sensitive_account", m.name, target.id) in actions
    assert ("create_rule", o.name, rule_id) in actions
    assert all(e["created_at"] for e in log)


def test_suspend_and_unsuspend(srv, moderator):
    m, mapi = moderator
    target, follower, stranger = srv.user(), srv.user(), srv.user()
    follower.post(f"/api/v1/accounts/{target.id}/follow")
    st = target.post("/api/v1/statuses", data={"status": "hello #modtest"}).json()
    target.post(f"/api/v1/accounts/{stranger.id}/follow")
    assert [n for n in stranger.get("/api/v1/notifications").json()
            if n["account"]["id"] == target.id]
    boost = stranger.post(f"/api/v1/statuses/{st['id']}/reblog").json()

    def home_ids():
        return [s["id"] for s in follower.get("/api/v1/timelines/home").json()]

    def public_ids():
        return [s["id"] for s in requests.get(srv.url("/api/v1/timelines/public")).json()]

    assert st["id"] in home_ids() and st["id"] in public_ids()
    mapi.admin_account_moderate(target.id, "suspend", text="spam waves")

    r = target.get("/api/v1/accounts/verify_credentials")
    assert r.status_code == 403 and "suspended: spam waves" in r.json()["error"]
    r = target.post("/api/v1/statuses", data={"status": "still here"})
    assert r.status_code == 403
    r = requests.post(srv.url("/oauth/token"), data={
        "grant_type": "password", "client_id": target.app["client_id"],
        "client_secret": target.app["client_secret"], "username": target.email,
        "password": PASSWORD, "scope": "read"})
    assert r.status_code == 403 and "spam waves" in r.text

    assert st["id"] not in home_ids()
    assert st["id"] not in public_ids()
    assert st["id"] not in [s["id"] for s in requests.get(
        srv.url("/api/v1/timelines/tag/modtest")).json()]
    assert requests.get(srv.url(f"/api/v1/statuses/{st['id']}")).status_code == 404
    assert follower.get(f"/api/v1/statuses/{st['id']}").status_code == 404
    assert stranger.get(f"/api/v1/statuses/{boost['id']}").status_code == 404
    assert requests.get(srv.url(f"/api/v1/accounts/{target.id}")).status_code == 410
    assert requests.get(srv.url(f"/@{target.name}"),
                        headers={"Accept": "text/html"}).status_code == 410
    # nor in notifications or lists of followers
    assert target.id not in [a["id"] for a in follower.get(
        f"/api/v1/accounts/{follower.id}/following").json()]
    assert not [n for n in stranger.get("/api/v1/notifications").json()
                if n["account"]["id"] == target.id]
    assert [str(a["id"]) for a in mapi.admin_accounts_v2(status="suspended")].count(target.id) == 1
    assert [str(a["id"]) for a in mapi.admin_accounts(status="suspended")].count(target.id) == 1

    mapi.admin_account_unsuspend(target.id)
    assert target.get("/api/v1/accounts/verify_credentials").status_code == 200
    assert target.id in [a["id"] for a in follower.get(
        f"/api/v1/accounts/{follower.id}/following").json()]
    assert st["id"] in home_ids() and st["id"] in public_ids()
    assert requests.get(srv.url(f"/api/v1/accounts/{target.id}")).status_code == 200


def test_silence(srv, moderator):
    _, mapi = moderator
    loud, follower, other = srv.user(), srv.user(), srv.user()
    follower.post(f"/api/v1/accounts/{loud.id}/follow")
    st = loud.post("/api/v1/statuses", data={"status": "public words #silencetest"}).json()
    mapi.admin_account_moderate(loud.id, "silence")
    assert mapi.admin_account(loud.id)["silenced"] is True

    def public(u, path="/api/v1/timelines/public"):
        r = u.get(path) if u else requests.get(srv.url(path))
        return [s["id"] for s in r.json()]

    assert st["id"] not in public(None)
    assert st["id"] not in public(other)
    assert st["id"] not in public(other, "/api/v1/timelines/tag/silencetest")
    assert st["id"] in public(follower)
    assert st["id"] in public(loud)
    # silenced, not suspended: it still signs in and posts
    assert loud.post("/api/v1/statuses", data={"status": "quiet"}).status_code == 200
    mapi.admin_account_unsilence(loud.id)
    assert st["id"] in public(other)


def test_disable_and_enable(srv, moderator):
    _, mapi = moderator
    u = srv.user()
    mapi.admin_account_moderate(u.id, "disable")
    r = u.get("/api/v1/accounts/verify_credentials")
    assert r.status_code == 403 and "disabled" in r.json()["error"]
    mapi.admin_account_enable(u.id)
    assert u.get("/api/v1/accounts/verify_credentials").status_code == 200


def test_bad_actions(srv, moderator):
    m, mapi = moderator
    u = srv.user()
    r = requests.post(srv.url(f"/api/v1/admin/accounts/{u.id}/action"), headers=m.admin_headers,
                      data={"type": "explode"})
    assert r.status_code == 422
    r = requests.post(srv.url(f"/api/v1/admin/accounts/{u.id}/action"), headers=m.admin_headers,
                      data={"type": "none", "report_id": "1234"})
    assert r.status_code == 422
    r = requests.post(srv.url("/api/v1/admin/accounts/999999/action"), headers=m.admin_headers,
                      data={"type": "none"})
    assert r.status_code == 404
    # a moderator cannot act on itself
    r = requests.post(srv.url(f"/api/v1/admin/accounts/{m.id}/action"), headers=m.admin_headers,
                      data={"type": "suspend"})
    assert r.status_code == 403
    # approving someone who is not pending
    r = requests.post(srv.url(f"/api/v1/admin/accounts/{u.id}/approve"), headers=m.admin_headers)
    assert r.status_code == 403


def test_domain_and_address_blocks(srv, owner):
    o, api = owner
    b = api.admin_create_domain_block("Spam.Example", severity="suspend", reject_media=True,
                                      public_comment="spam")
    assert b["domain"] == "spam.example" and b["severity"] == "suspend"
    assert b["reject_media"] is True and b["public_comment"] == "spam"
    b2 = api.admin_update_domain_block(b["id"], severity="silence", reject_reports=True)
    assert b2["severity"] == "silence" and b2["reject_reports"] is True and b2["reject_media"]
    assert [x["id"] for x in api.admin_domain_blocks()] == [b["id"]]
    assert api.admin_domain_blocks(id=b["id"])["domain"] == "spam.example"
    with pytest.raises(MastodonAPIError) as e:
        api.admin_create_domain_block("spam.example")
    assert status_code(e) == 422
    with pytest.raises(MastodonAPIError) as e:
        api.admin_create_domain_block("not a domain")
    assert status_code(e) == 422
    api.admin_delete_domain_block(b["id"])
    assert api.admin_domain_blocks() == []

    h = o.admin_headers
    for path, body, bad in [
            ("/api/v1/admin/domain_allows", {"domain": "friends.example"}, {"domain": "a b"}),
            ("/api/v1/admin/email_domain_blocks", {"domain": "mailinator.example"},
             {"domain": "@@"}),
            ("/api/v1/admin/ip_blocks", {"ip": "192.0.2.0/24", "severity": "sign_up_block",
                                         "comment": "abuse"}, {"ip": "300.1.1.1"})]:
        r = requests.post(srv.url(path), headers=h, data=body)
        assert r.status_code == 200, r.text
        made = r.json()
        assert requests.post(srv.url(path), headers=h, data=bad).status_code == 422
        listed = requests.get(srv.url(path), headers=h).json()
        assert [x["id"] for x in listed] == [made["id"]]
        assert requests.get(srv.url(f"{path}/{made['id']}"), headers=h).status_code == 200
        assert requests.delete(srv.url(f"{path}/{made['id']}"), headers=h).status_code == 200
        assert requests.get(srv.url(f"{path}/{made['id']}"), headers=h).status_code == 404
    log = requests.get(srv.url("/api/rapport/v1/admin/audit"), headers=h).json()
    done = {e["action"] for e in log}
    assert {"create_domain_block", "update_domain_block", "destroy_domain_block",
            "create_domain_allow", "create_email_domain_block", "create_ip_block",
            "destroy_ip_block"} <= done


def test_queue_shows_reports_and_detector_flags(srv, moderator):
    m, _ = moderator
    spammer = srv.user()
    # the same reply in three threads: templated (docs/SOCIAL.md, "Detectors")
    flagged = []
    for _ in range(3):
        host = srv.user()
        root = host.post("/api/v1/statuses", data={"status": "what do you think?"}).json()
        flagged.append(spammer.post("/api/v1/statuses", data={
            "status": f"@{host.name} Great post! Check out my profile for amazing deals",
            "in_reply_to_id": root["id"]}).json())
    reporter = srv.user()
    reporter.post("/api/v1/reports", data={"account_id": spammer.id, "comment": "templated"})
    q = requests.get(srv.url("/api/rapport/v1/admin/queue"), headers=m.admin_headers)
    assert q.status_code == 200, q.text
    q = q.json()
    assert any(r["target_account"]["username"] == spammer.name for r in q["reports"])
    mine = [f for f in q["flagged"] if f["status"]["account"]["username"] == spammer.name]
    assert mine and all("templated" in f["flags"] for f in mine)
    assert "Great post" in mine[0]["evidence"]["text"]
    assert isinstance(q["accounts"], list)


def test_warnings_are_told_to_the_user(srv, moderator):
    """A warning, and any action with a text, reaches the account as a
    moderation_warning notification (Mastodon 4.3's shape) and in its own
    list of warnings; one without a text, not asked to notify, is not."""
    m, mapi = moderator
    u, reporter = srv.user(), srv.user()
    mu = client(srv, u.token)
    post = mu.status_post("something that was reported")
    rep = client(srv, reporter.token).report(u.id, status_ids=[post["id"]], comment="rude")
    mapi.admin_account_moderate(u.id, action=None, text="Please be civil")
    r = requests.post(srv.url(f"/api/v1/admin/accounts/{u.id}/action"), headers=m.admin_headers,
                      data={"type": "silence", "text": "Limited for a week",
                            "report_id": rep["id"]})
    assert r.status_code == 200, r.text
    # no text and no notification asked for: not announced
    # (Mastodon.py cannot send false: an absent flag means true, as in Mastodon)
    r = requests.post(srv.url(f"/api/v1/admin/accounts/{u.id}/action"), headers=m.admin_headers,
                      data={"type": "sensitive", "send_email_notification": "false"})
    assert r.status_code == 200, r.text
    notes = u.get("/api/v1/notifications", params={"types[]": "moderation_warning"}).json()
    assert [n["moderation_warning"]["action"] for n in notes] == ["silence", "none"]
    w = notes[0]["moderation_warning"]
    assert w["text"] == "Limited for a week" and w["status_ids"] == [str(post["id"])]
    assert w["target_account"]["id"] == u.id and w["appeal"] is None and w["created_at"]
    assert notes[0]["account"]["id"] == u.id  # the moderator stays unnamed
    assert notes[1]["moderation_warning"]["text"] == "Please be civil"
    assert u.get(f"/api/v1/notifications/{notes[0]['id']}").json() == notes[0]
    mine = u.get("/api/rapport/v1/account/warnings").json()
    assert [x["id"] for x in mine] == [n["moderation_warning"]["id"] for n in notes]
    assert reporter.get("/api/rapport/v1/account/warnings").json() == []


def test_silenced_accounts_notifications_are_filtered(srv, moderator):
    """A silenced account's notifications to people who do not follow it go
    to their notification requests (Mastodon's for_limited_accounts), every
    type; those who follow it are told as before."""
    m, mapi = moderator
    loud, stranger, fan = srv.user(), srv.user(), srv.user()
    ml, ms, mf = client(srv, loud.token), client(srv, stranger.token), client(srv, fan.token)
    mf.account_follow(loud.id)
    post = ms.status_post("a post")
    r = requests.post(srv.url(f"/api/v1/admin/accounts/{loud.id}/action"),
                      headers=m.admin_headers,
                      data={"type": "silence", "send_email_notification": "false"})
    assert r.status_code == 200, r.text
    ml.account_follow(stranger.id)
    ml.status_favourite(post["id"])
    ml.status_post(f"@{stranger.name} @{fan.name} hello both")
    assert [n for n in ms.notifications() if str(n["account"]["id"]) == loud.id] == []
    reqs = stranger.get("/api/v1/notifications/requests").json()
    assert [x["account"]["id"] for x in reqs] == [loud.id]
    assert reqs[0]["notifications_count"] == "3"
    assert [n["type"] for n in mf.notifications() if str(n["account"]["id"]) == loud.id] == [
        "mention"]
    r = stranger.post(f"/api/v1/notifications/requests/{reqs[0]['id']}/accept")
    assert r.status_code == 200, r.text
    got = sorted(n["type"] for n in ms.notifications() if str(n["account"]["id"]) == loud.id)
    assert got == ["favourite", "follow", "mention"]


TEMPLATE = ("Hi {name}, great to connect with you here! I help people like you grow "
            "their audience, reply and I will send the details")


def test_instance_health(make_server):
    """The admins' instance health: per day the detectors' flags and the
    share of conversations among posts, and the trust of local accounts."""
    s = make_server(env={"RAPPORT_TRUST_INTERVAL": "1"})
    o, _ = staff(s, "owner")
    a, b, spammer = s.user(), s.user(), s.user()
    first = a.post("/api/v1/statuses", data={"status": "a question?"}).json()
    answer = o.post("/api/v1/statuses", data={"status": f"@{a.name} an answer",
                                              "in_reply_to_id": first["id"]}).json()
    a.post("/api/v1/statuses", data={"status": f"@{o.name} thanks",
                                     "in_reply_to_id": answer["id"]})
    b.post("/api/v1/statuses", data={"status": "just saying"})
    for p in (s.user() for _ in range(3)):
        r = spammer.post("/api/v1/statuses", data={
            "status": f"@{p.name} " + TEMPLATE.format(name=p.name), "visibility": "direct"})
        assert r.status_code == 200
    import time
    deadline = time.time() + 20
    while True:  # until the worker computed everyone's trust
        r = requests.get(s.url("/api/rapport/v1/admin/health"), headers=o.admin_headers)
        assert r.status_code == 200, r.text
        h = r.json()
        if h["trust"][0]["accounts"] < 7 or time.time() > deadline:
            break
        time.sleep(0.2)
    assert len(h["days"]) == 30 and h["days"][0]["day"] > h["days"][1]["day"]
    today = h["days"][0]
    # seven originals: the question, the answer and the thanks (a
    # conversation), b's post, the spammer's three messages
    assert (today["posts"], today["conversational"]) == (7, 3), today
    assert today["automated"] == 3 and today["templated"] == 3, today
    # the owner and a answered each other: they alone earn trust
    trust = [x["accounts"] for x in h["trust"]]
    assert trust[0] == 5 and sum(trust) == 7, h["trust"]
    assert h["trust"][0]["to"] == 0 and h["trust"][-1]["to"] is None
    # the page is the admins': a moderator (view_dashboard in Mastodon's
    # roles) and a user get 403, and so does an owner's token without
    # admin:read
    ad, _ = staff(s, "admin")
    assert requests.get(s.url("/api/rapport/v1/admin/health"),
                        headers=ad.admin_headers).status_code == 200
    mod, _ = staff(s, "moderator")
    r = requests.get(s.url("/api/rapport/v1/admin/health"), headers=mod.admin_headers)
    assert r.status_code == 403 and r.json()["error"]
    assert a.get("/api/rapport/v1/admin/health").status_code == 403
    tok = s.token(o.email, scopes="read admin:read:accounts")
    r = requests.get(s.url("/api/rapport/v1/admin/health"),
                     headers={"Authorization": "Bearer " + tok})
    assert r.status_code == 403


def test_sensitive_marks_the_accounts_media_for_others(srv, moderator):
    """The sensitive action (Mastodon's force-sensitive) makes every status
    of the account read as sensitive by others — the API, timelines, its
    page and streams — while its author sees its own choice; undone by
    unsensitive. Statuses read before the action are not served stale."""
    _, mapi = moderator
    author, follower = srv.user(), srv.user()
    follower.post(f"/api/v1/accounts/{author.id}/follow")
    up = author.post("/api/v1/media", files={"file": ("x.png", mf.png(8, 8), "image/png")})
    assert up.status_code == 200, up.text
    st = author.post("/api/v1/statuses", json={"status": "look",
                                               "media_ids": [up.json()["id"]]}).json()
    assert st["sensitive"] is False

    def seen(u, path=f"/api/v1/statuses/{st['id']}"):
        r = u.get(path) if u else requests.get(srv.url(path))
        j = r.json()
        return [x["sensitive"] for x in j if x["id"] == st["id"]] if isinstance(j, list) \
            else j["sensitive"]

    home = "/api/v1/timelines/home"
    assert seen(follower) is False and seen(None) is False and seen(follower, home) == [False]
    mapi.admin_account_moderate(author.id, "sensitive")
    assert seen(follower) is True and seen(None) is True
    assert seen(follower, home) == [True]
    assert seen(None, f"/api/v1/accounts/{author.id}/statuses") == [True]
    assert seen(author) is False  # its own choice, as Mastodon shows its author
    page = requests.get(srv.url(f"/@{author.name}/{st['id']}"), headers={"Accept": "text/html"})
    assert "Sensitive media" in page.text
    later = author.post("/api/v1/statuses", json={"status": "more"}).json()
    assert seen(None, f"/api/v1/statuses/{later['id']}") is True
    mapi.admin_account_unsensitive(author.id)
    assert seen(follower) is False and seen(follower, home) == [False]
    page = requests.get(srv.url(f"/@{author.name}/{st['id']}"), headers={"Accept": "text/html"})
    assert "Sensitive media" not in page.text


def test_queue_shows_follower_collecting_and_automated_accounts(srv, moderator):
    """The queue's accounts: new, untrusted accounts the detectors caught
    collecting followers (follows undone when not returned) or sending
    automated messages, with their evidence."""
    m, _ = moderator
    collector, fan = srv.user(), srv.user()
    for _ in range(20):
        t = srv.user()
        assert collector.post(f"/api/v1/accounts/{t.id}/follow").status_code == 200
        assert collector.post(f"/api/v1/accounts/{t.id}/unfollow").status_code == 200
    assert fan.post(f"/api/v1/accounts/{collector.id}/follow").status_code == 200
    dm = collector.post("/api/v1/statuses", json={
        "status": f"@{fan.name} thanks for the follow! check my page", "visibility": "direct"})
    assert dm.json()["rapport"]["flags"] == ["automated"], dm.text
    q = requests.get(srv.url("/api/rapport/v1/admin/queue"), headers=m.admin_headers).json()
    mine = [a for a in q["accounts"] if a["account"]["username"] == collector.name]
    assert mine, q["accounts"]
    assert sorted(mine[0]["kinds"]) == ["automated", "follower_collecting"]
    assert mine[0]["evidence"] == {"automated_messages": 1, "unfollows_7d": 20}
    assert not [a for a in q["accounts"] if a["account"]["username"] == fan.name]
