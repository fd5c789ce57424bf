"""Statuses through real clients: posting with every parameter (form and
JSON bodies), idempotency, the length rule, visibility, deleting, editing,
threads, favourites, reblogs, bookmarks and pins. Every error path checks
the status code, the JSON error and that nothing changed."""
import re
import uuid

import pytest
import requests
from mastodon import Mastodon
from conftest import NOT_FOUND, masto, open_inbox

TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
# Every attribute of a Status in /work/shared/MASTODON-API.md.
STATUS_KEYS = {"id", "uri", "url", "created_at", "account", "content", "visibility", "sensitive",
               "spoiler_text", "media_attachments", "mentions", "tags", "emojis",
               "reblogs_count", "favourites_count", "replies_count", "in_reply_to_id",
               "in_reply_to_account_id", "reblog", "poll", "card", "language", "text",
               "edited_at", "application"}
VIEWER_KEYS = {"favourited", "reblogged", "muted", "bookmarked"}


# ---- helpers shared with test_timelines.py ----

def post(user, status, **params):
    """Posts a status as form data and returns its JSON."""
    r = user.post("/api/v1/statuses", data=dict(params, status=status))
    assert r.status_code == 200, r.text
    return r.json()


def get_status(user, sid):
    r = user.get(f"/api/v1/statuses/{sid}")
    assert r.status_code == 200, r.text
    return r.json()


def me(user):
    return user.get("/api/v1/accounts/verify_credentials").json()


def statuses_count(user):
    return me(user)["statuses_count"]




def follow(a, b):
    """a follows b, or the test is skipped while the endpoint is missing."""
    r = a.post(f"/api/v1/accounts/{b.id}/follow")
    if r.status_code == 404:
        pytest.skip("POST /api/v1/accounts/:id/follow is not implemented yet "
                    "(routes_social.inc)")
    assert r.status_code == 200, r.text
    assert r.json()["following"] is True


def assert_invalid(r, field):
    """A 422 naming the field that failed."""
    assert r.status_code == 422, r.text
    j = r.json()
    assert j["error"].startswith("Validation failed"), j
    assert field in j["details"], j


def assert_not_found(r):
    assert r.status_code == 404, r.text
    assert r.json() == NOT_FOUND


def account_status_ids(user, account_id, viewer=None, **params):
    get = viewer.get if viewer else (lambda p, **kw: requests.get(user.server.url(p), **kw))
    r = get(f"/api/v1/accounts/{account_id}/statuses", params=dict({"limit": 40}, **params))
    assert r.status_code == 200, r.text
    return [s["id"] for s in r.json()]


# ---- posting ----

def test_post_form_with_every_parameter(server, alice, bob):
    parent = post(bob, "root")
    r = alice.post("/api/v1/statuses", data={
        "status": "hello <b>world</b> & friends", "in_reply_to_id": parent["id"],
        "visibility": "unlisted", "spoiler_text": "cw: greetings", "sensitive": "0",
        "language": "fr"})
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    s = r.json()
    assert STATUS_KEYS | VIEWER_KEYS | {"pinned"} <= set(s)
    assert "scheduled_at" not in s
    assert s["id"].isdigit() and TIME.match(s["created_at"])
    assert s["content"] == "<p>hello &lt;b&gt;world&lt;/b&gt; &amp; friends</p>"
    assert s["visibility"] == "unlisted"
    assert s["spoiler_text"] == "cw: greetings"
    assert s["sensitive"] is True  # a content warning forces it
    assert s["language"] == "fr"
    assert s["in_reply_to_id"] == parent["id"]
    assert s["in_reply_to_account_id"] == bob.id
    assert s["account"]["id"] == alice.id and s["account"]["username"] == alice.name
    assert s["uri"] == f"{server.base}/users/{alice.name}/statuses/{s['id']}"
    assert s["url"] == f"{server.base}/@{alice.name}/{s['id']}"
    assert s["application"] == {"name": "pytest", "website": None}
    assert s["text"] is None and s["edited_at"] is None and s["reblog"] is None
    assert s["poll"] is None and s["card"] is None
    assert s["media_attachments"] == [] and s["emojis"] == []
    assert s["mentions"] == [] and s["tags"] == []
    assert (s["reblogs_count"], s["favourites_count"], s["replies_count"]) == (0, 0, 0)
    assert (s["favourited"], s["reblogged"], s["bookmarked"], s["muted"], s["pinned"]) == (
        False, False, False, False, False)
    assert get_status(bob, parent["id"])["replies_count"] == 1
    assert get_status(alice, s["id"]) == s


def test_post_json_body_and_booleans(server, alice):
    r = alice.post("/api/v1/statuses", json={
        "status": "json body", "visibility": "private", "sensitive": True, "language": "de"})
    assert r.status_code == 200, r.text
    s = r.json()
    assert s["content"] == "<p>json body</p>"
    assert (s["visibility"], s["sensitive"], s["spoiler_text"], s["language"]) == (
        "private", True, "", "de")
    plain = alice.post("/api/v1/statuses", json={"status": "plain", "sensitive": False}).json()
    assert plain["sensitive"] is False and plain["visibility"] == "public"
    assert plain["language"] is None
    cw = alice.post("/api/v1/statuses", json={"status": "x", "spoiler_text": "spoiler",
                                               "sensitive": False}).json()
    assert cw["sensitive"] is True and cw["spoiler_text"] == "spoiler"


@pytest.mark.parametrize("vis", ["public", "unlisted", "private", "direct"])
def test_post_each_visibility(server, alice, vis):
    s = post(alice, f"a {vis} post", visibility=vis)
    assert s["visibility"] == vis
    assert get_status(alice, s["id"])["visibility"] == vis


def test_post_defaults_to_the_account_privacy(server):
    u = server.user()
    r = u.patch("/api/v1/accounts/update_credentials", data={"source[privacy]": "unlisted"})
    assert r.status_code == 200, r.text
    assert post(u, "default")["visibility"] == "unlisted"
    assert post(u, "explicit", visibility="public")["visibility"] == "public"


def test_mastodon_py_post_and_read(server, alice):
    m = masto(server, alice)
    s = m.status_post("from Mastodon.py", visibility="unlisted", spoiler_text="cw",
                      language="en", idempotency_key="mpy-" + uuid.uuid4().hex)
    assert s["content"] == "<p>from Mastodon.py</p>"
    assert s["visibility"] == "unlisted" and s["sensitive"] is True
    assert isinstance(s["id"], int)  # Mastodon.py turns numeric ids into ints
    assert s["created_at"].microsecond % 1000 == 0
    reply = m.status_reply(s, "a reply")
    assert reply["in_reply_to_id"] == s["id"]
    assert reply["visibility"] == "unlisted"  # status_reply keeps the visibility
    assert m.status(s["id"])["replies_count"] == 1


def test_idempotency_key(server, alice, bob):
    before = statuses_count(alice)
    key = "key-" + uuid.uuid4().hex
    h = {"Idempotency-Key": key}
    first = alice.post("/api/v1/statuses", data={"status": "once"}, headers=h).json()
    again = alice.post("/api/v1/statuses", data={"status": "once"}, headers=h)
    assert again.status_code == 200
    assert again.json()["id"] == first["id"]
    # Even a different body: the key wins, as in Mastodon.
    third = alice.post("/api/v1/statuses", json={"status": "other"}, headers=h).json()
    assert third["id"] == first["id"] and third["content"] == "<p>once</p>"
    assert statuses_count(alice) == before + 1
    assert account_status_ids(alice, alice.id).count(first["id"]) == 1
    # Another user with the same key gets a status of their own.
    theirs = bob.post("/api/v1/statuses", data={"status": "once"}, headers=h).json()
    assert theirs["id"] != first["id"] and theirs["account"]["id"] == bob.id
    # A different key is a different status.
    other = alice.post("/api/v1/statuses", data={"status": "once"},
                       headers={"Idempotency-Key": key + "x"}).json()
    assert other["id"] != first["id"]
    assert statuses_count(alice) == before + 2
    # Once the status is gone the key no longer points at it.
    assert alice.delete(f"/api/v1/statuses/{first['id']}").status_code == 200
    fresh = alice.post("/api/v1/statuses", data={"status": "once"}, headers=h).json()
    assert fresh["id"] not in (first["id"], other["id"])


def test_idempotency_key_under_concurrent_requests(server, alice):
    import threading
    for round_ in range(10):
        key = f"race-{round_}-{uuid.uuid4().hex}"
        got = []

        def send():
            r = alice.post("/api/v1/statuses", data={"status": "race"},
                           headers={"Idempotency-Key": key})
            got.append(r.json()["id"])

        threads = [threading.Thread(target=send) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(got) == 8 and len(set(got)) == 1
        assert statuses_count(alice) == round_ + 1


def test_length_counts_graphemes_and_urls(server, alice):
    before = statuses_count(alice)
    assert post(alice, "é" * 500)["content"] == "<p>" + "é" * 500 + "</p>"
    # Decomposed e + U+0301 is normalised to é: 500 characters as well.
    s = post(alice, "e\u0301" * 500)
    assert s["content"] == "<p>" + "é" * 500 + "</p>"
    assert post(alice, "👍🏽" * 500)["content"] == "<p>" + "👍🏽" * 500 + "</p>"
    url = "https://example.org/" + "p" * 80
    assert len(url) == 100
    # 476 letters + a space = 477 characters, + a URL counted as 23 = 500.
    s = post(alice, "a" * 476 + " " + url)
    assert s["content"].endswith(f'<a href="{url}" rel="nofollow noopener noreferrer" '
                                 f'target="_blank">{url}</a></p>')
    # A spoiler counts too.
    assert post(alice, "b" * 490, spoiler_text="c" * 10)["spoiler_text"] == "c" * 10
    assert statuses_count(alice) == before + 5
    for text, extra in [("é" * 501, {}), ("e\u0301" * 501, {}), ("👍🏽" * 501, {}),
                        ("a" * 477 + " " + url, {}), ("b" * 490, {"spoiler_text": "c" * 11})]:
        r = alice.post("/api/v1/statuses", data=dict(extra, status=text))
        assert_invalid(r, "status")
        assert r.json()["error"] == "Validation failed: Text character limit of 500 exceeded"
    assert statuses_count(alice) == before + 5


@pytest.mark.parametrize("body", [{}, {"status": ""}, {"status": "   "}, {"status": "\n\t \r\n"}])
def test_blank_status_is_refused(server, alice, body):
    before = statuses_count(alice)
    for r in [alice.post("/api/v1/statuses", data=body),
              alice.post("/api/v1/statuses", json=body)]:
        assert_invalid(r, "status")
        assert r.json()["error"] == "Validation failed: Text can't be blank"
    assert statuses_count(alice) == before
    assert account_status_ids(alice, alice.id) == []


@pytest.mark.parametrize("params,field", [
    ({"visibility": "secret"}, "visibility"),
    ({"visibility": "PUBLIC"}, "visibility"),
    ({"language": "not a language!"}, "language"),
    ({"media_ids[]": ["123"]}, "media_ids"),
    ({"poll[options][]": ["only one"], "poll[expires_in]": "300"}, "poll"),
    ({"scheduled_at": "next tuesday"}, "scheduled_at"),  # a time is posted later (test_discover.py)
])
def test_invalid_parameters_are_refused(server, alice, params, field):
    before = statuses_count(alice)
    r = alice.post("/api/v1/statuses", data=dict(params, status="should not exist"))
    assert_invalid(r, field)
    assert statuses_count(alice) == before
    assert account_status_ids(alice, alice.id) == []


def test_invalid_json_parameters_are_refused(server, alice):
    before = statuses_count(alice)
    for body, field in [({"media_ids": ["1"]}, "media_ids"),
                        ({"poll": {"options": ["a", "b"], "expires_in": 10}}, "poll"),
                        ({"visibility": "everyone"}, "visibility")]:
        assert_invalid(alice.post("/api/v1/statuses", json=dict(body, status="no")), field)
    assert statuses_count(alice) == before


def test_reply_to_missing_or_hidden_status(server, alice, bob):
    before = statuses_count(alice)
    for bad in ["99999999999", "abc", "1"]:
        assert_not_found(alice.post("/api/v1/statuses",
                                    data={"status": "x", "in_reply_to_id": bad}))
    hidden = post(bob, "only for followers", visibility="private")
    assert_not_found(alice.post("/api/v1/statuses",
                                data={"status": "x", "in_reply_to_id": hidden["id"]}))
    assert statuses_count(alice) == before
    assert get_status(bob, hidden["id"])["replies_count"] == 0


def test_write_needs_a_user_and_the_scope(server, alice):
    r = requests.post(server.url("/api/v1/statuses"), data={"status": "anon"})
    assert r.status_code == 401 and "error" in r.json()
    tok = server.token(alice.email, scopes="read")
    r = requests.post(server.url("/api/v1/statuses"), data={"status": "read only"},
                      headers={"Authorization": "Bearer " + tok})
    assert r.status_code == 403
    assert r.json()["error"] == "This action is outside the authorized scopes"
    granular = server.token(alice.email, scopes="write:statuses read:statuses")
    r = requests.post(server.url("/api/v1/statuses"), data={"status": "granular"},
                      headers={"Authorization": "Bearer " + granular})
    assert r.status_code == 200, r.text
    assert statuses_count(alice) == 1


# ---- mentions and tags ----

def test_mentions_and_tags(server, alice, bob):
    carol = server.user()
    # A remote account this server does not know stays plain text.
    text = (f"hi @{bob.name} @{carol.name} @{bob.name.upper()} @nobody@remote.example "
            "#Hello #hello #Wörld #123 #x_1 mail@example.org")
    s = post(alice, text)
    assert s["mentions"] == [
        {"id": bob.id, "username": bob.name, "acct": bob.name,
         "url": f"{server.base}/@{bob.name}"},
        {"id": carol.id, "username": carol.name, "acct": carol.name,
         "url": f"{server.base}/@{carol.name}"}]
    assert s["tags"] == [{"name": "hello", "url": f"{server.base}/tags/hello"},
                         {"name": "wörld", "url": f"{server.base}/tags/wörld"},
                         {"name": "x_1", "url": f"{server.base}/tags/x_1"}]
    b = server.base
    mention = ('<span class="h-card" translate="no"><a href="{u}" class="u-url mention">'
               '@<span>{n}</span></a></span>')
    tag = '<a href="{b}/tags/{k}" class="mention hashtag" rel="tag">#<span>{t}</span></a>'
    assert s["content"] == (
        "<p>hi " + mention.format(u=f"{b}/@{bob.name}", n=bob.name) + " "
        + mention.format(u=f"{b}/@{carol.name}", n=carol.name) + " "
        + mention.format(u=f"{b}/@{bob.name}", n=bob.name) + " @nobody@remote.example "
        + tag.format(b=b, k="hello", t="Hello") + " " + tag.format(b=b, k="hello", t="hello")
        + " " + tag.format(b=b, k="wörld", t="Wörld") + " #123 "
        + tag.format(b=b, k="x_1", t="x_1") + " mail@example.org</p>")


def test_direct_status_visible_to_mentioned_only(server, alice, bob):
    carol = server.user()
    d = post(alice, f"@{bob.name} secret", visibility="direct")
    assert get_status(bob, d["id"])["id"] == d["id"]
    assert_not_found(carol.get(f"/api/v1/statuses/{d['id']}"))
    assert_not_found(requests.get(server.url(f"/api/v1/statuses/{d['id']}")))
    assert_not_found(requests.get(server.url(f"/api/v1/statuses/{d['id']}/context")))
    assert_not_found(carol.get(f"/api/v1/statuses/{d['id']}/favourited_by"))


# ---- reading ----

def test_get_respects_visibility(server, alice, bob):
    ids = {v: post(alice, v, visibility=v)["id"] for v in
           ["public", "unlisted", "private", "direct"]}
    for v in ["public", "unlisted"]:
        r = requests.get(server.url(f"/api/v1/statuses/{ids[v]}"))
        assert r.status_code == 200
        j = r.json()
        assert j["visibility"] == v
        assert STATUS_KEYS <= set(j)
        assert not (VIEWER_KEYS | {"pinned"}) & set(j)  # anonymous: no viewer flags
        assert "scheduled_at" not in j
        assert get_status(bob, ids[v])["id"] == ids[v]
        assert "pinned" not in get_status(bob, ids[v])  # only on one's own statuses
    for v in ["private", "direct"]:
        assert_not_found(requests.get(server.url(f"/api/v1/statuses/{ids[v]}")))
        assert_not_found(bob.get(f"/api/v1/statuses/{ids[v]}"))
        assert get_status(alice, ids[v])["visibility"] == v
    for bad in ["0", "abc", "99999999999999", "-1", "1e3"]:
        assert_not_found(requests.get(server.url(f"/api/v1/statuses/{bad}")))


def test_private_status_visible_to_followers(server, alice, bob):
    p = post(alice, "followers only", visibility="private")
    assert_not_found(bob.get(f"/api/v1/statuses/{p['id']}"))
    follow(bob, alice)
    assert get_status(bob, p["id"])["id"] == p["id"]
    assert_not_found(requests.get(server.url(f"/api/v1/statuses/{p['id']}")))


# ---- deleting ----

def test_delete_returns_source_and_removes(server, alice, bob):
    root = post(alice, "root")
    s = post(alice, "bye #gone @" + bob.name, in_reply_to_id=root["id"], spoiler_text="cw")
    reply = post(bob, "reply to the doomed one", in_reply_to_id=s["id"])
    assert get_status(alice, root["id"])["replies_count"] == 1
    assert get_status(alice, s["id"])["replies_count"] == 1
    before = statuses_count(alice)
    # Someone else cannot delete it.
    assert_not_found(bob.delete(f"/api/v1/statuses/{s['id']}"))
    assert get_status(alice, s["id"])["id"] == s["id"]
    r = alice.delete(f"/api/v1/statuses/{s['id']}")
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["id"] == s["id"]
    assert d["text"] == "bye #gone @" + bob.name
    assert d["spoiler_text"] == "cw" and d["content"] == s["content"]
    assert d["in_reply_to_id"] == root["id"]
    assert STATUS_KEYS <= set(d)
    assert_not_found(alice.get(f"/api/v1/statuses/{s['id']}"))
    assert_not_found(alice.delete(f"/api/v1/statuses/{s['id']}"))
    assert statuses_count(alice) == before - 1
    assert get_status(alice, root["id"])["replies_count"] == 0
    # The reply stays, still pointing at the deleted status.
    kept = get_status(bob, reply["id"])
    assert kept["in_reply_to_id"] == s["id"] and kept["in_reply_to_account_id"] == alice.id
    assert s["id"] not in account_status_ids(alice, alice.id)
    assert requests.get(server.url("/api/v1/timelines/tag/gone")).json() == []
    ctx = bob.get(f"/api/v1/statuses/{reply['id']}/context").json()
    assert ctx == {"ancestors": [], "descendants": []}


def test_delete_a_reblogged_status_removes_the_reblogs(server, alice, bob):
    s = post(alice, "to be reblogged")
    w = bob.post(f"/api/v1/statuses/{s['id']}/reblog").json()
    assert statuses_count(bob) == 1
    assert alice.delete(f"/api/v1/statuses/{s['id']}").status_code == 200
    assert_not_found(bob.get(f"/api/v1/statuses/{w['id']}"))
    assert statuses_count(bob) == 0
    assert account_status_ids(bob, bob.id) == []
    assert bob.get("/api/v1/timelines/home").json() == []


# ---- editing ----

def test_edit_history_and_source(server, alice, bob):
    s = post(alice, "first #one", spoiler_text="", language="en")
    h = alice.get(f"/api/v1/statuses/{s['id']}/history").json()
    assert len(h) == 1 and h[0]["content"] == "<p>first <a href=\"" + server.base + \
        "/tags/one\" class=\"mention hashtag\" rel=\"tag\">#<span>one</span></a></p>"
    r = alice.put(f"/api/v1/statuses/{s['id']}", data={"status": "second", "spoiler_text": "cw"})
    assert r.status_code == 200, r.text
    e = r.json()
    assert e["id"] == s["id"] and e["content"] == "<p>second</p>"
    assert e["spoiler_text"] == "cw" and e["sensitive"] is True
    assert e["tags"] == [] and e["language"] == "en"
    assert TIME.match(e["edited_at"]) and e["edited_at"] >= s["created_at"]
    assert e["created_at"] == s["created_at"]
    r = alice.put(f"/api/v1/statuses/{s['id']}", json={"status": f"third @{bob.name}",
                                                       "spoiler_text": ""})
    assert r.status_code == 200
    assert r.json()["mentions"][0]["id"] == bob.id and r.json()["spoiler_text"] == ""
    h = requests.get(server.url(f"/api/v1/statuses/{s['id']}/history")).json()
    assert [v["content"] for v in h][1:] == ["<p>second</p>", r.json()["content"]]
    assert h[0]["content"].startswith("<p>first ")
    assert [v["spoiler_text"] for v in h] == ["", "cw", ""]
    assert h[0]["created_at"] == s["created_at"]
    assert all(TIME.match(v["created_at"]) for v in h)
    assert [v["created_at"] for v in h] == sorted(v["created_at"] for v in h)
    assert all(v["account"]["id"] == alice.id for v in h)
    src = alice.get(f"/api/v1/statuses/{s['id']}/source")
    assert src.status_code == 200
    assert src.json() == {"id": s["id"], "text": f"third @{bob.name}", "spoiler_text": ""}
    assert_not_found(bob.get(f"/api/v1/statuses/{s['id']}/source"))
    assert statuses_count(alice) == 1  # edits are not new statuses


def test_edit_errors_change_nothing(server, alice, bob):
    s = post(alice, "original")
    assert_not_found(bob.put(f"/api/v1/statuses/{s['id']}", data={"status": "hijack"}))
    assert_invalid(alice.put(f"/api/v1/statuses/{s['id']}", data={"status": "  "}), "status")
    assert_invalid(alice.put(f"/api/v1/statuses/{s['id']}", data={"status": "x" * 501}),
                   "status")
    assert_invalid(alice.put(f"/api/v1/statuses/{s['id']}",
                             data={"status": "x", "media_ids[]": ["1"]}), "media_ids")
    assert_not_found(alice.put("/api/v1/statuses/99999999999", data={"status": "x"}))
    now = get_status(alice, s["id"])
    assert now["content"] == "<p>original</p>" and now["edited_at"] is None
    assert len(alice.get(f"/api/v1/statuses/{s['id']}/history").json()) == 1


def test_mastodon_py_edit(server, alice):
    m = masto(server, alice)
    s = m.status_post("v1")
    m.status_update(s["id"], "v2")
    m.status_update(s["id"], "v3")
    hist = m.status_history(s["id"])
    assert [v["content"] for v in hist] == ["<p>v1</p>", "<p>v2</p>", "<p>v3</p>"]
    assert m.status_source(s["id"])["text"] == "v3"


# ---- threads ----

def test_context_order_depth_first(server, alice, bob):
    carol = server.user()
    root = post(alice, "root")
    made = {}

    def reply(name, parent, who):
        made[name] = post(who, name, in_reply_to_id=made[parent]["id"] if parent else root["id"])

    # Created interleaved so that creation order is not the thread order.
    reply("A", None, bob)
    reply("B", None, carol)
    reply("A1", "A", alice)
    reply("C", None, bob)
    reply("B1", "B", bob)
    reply("A2", "A", carol)
    reply("A1a", "A1", bob)
    reply("B1a", "B1", alice)
    reply("A1b", "A1", carol)
    reply("C1", "C", alice)
    order = ["A", "A1", "A1a", "A1b", "A2", "B", "B1", "B1a", "C", "C1"]

    def ctx(sid, who=alice):
        r = who.get(f"/api/v1/statuses/{sid}/context")
        assert r.status_code == 200, r.text
        j = r.json()
        return [s["content"] for s in j["ancestors"]], [s["content"] for s in j["descendants"]]

    def names(xs):
        return ["<p>" + x + "</p>" for x in xs]

    assert ctx(root["id"]) == ([], names(order))
    assert ctx(made["A1"]["id"]) == (names(["root", "A"]), names(["A1a", "A1b"]))
    assert ctx(made["A1b"]["id"], bob) == (names(["root", "A", "A1"]), [])
    assert ctx(made["B1a"]["id"]) == (names(["root", "B", "B1"]), [])
    assert ctx(made["C"]["id"]) == (names(["root"]), names(["C1"]))
    anon = requests.get(server.url(f"/api/v1/statuses/{made['B']['id']}/context")).json()
    assert [s["id"] for s in anon["ancestors"]] == [root["id"]]
    assert [s["id"] for s in anon["descendants"]] == [made["B1"]["id"], made["B1a"]["id"]]
    assert get_status(alice, root["id"])["replies_count"] == 3
    assert get_status(alice, made["A"]["id"])["replies_count"] == 2
    # Mastodon.py reads the same thread.
    c = masto(server, bob).status_context(made["A"]["id"])
    assert [s["id"] for s in c["ancestors"]] == [int(root["id"])]
    assert [s["id"] for s in c["descendants"]] == [int(made[n]["id"])
                                                   for n in ["A1", "A1a", "A1b", "A2"]]


def test_context_hides_what_the_viewer_cannot_see(server, alice, bob):
    root = post(alice, "root")
    secret = post(alice, "private reply", in_reply_to_id=root["id"], visibility="private")
    under = post(alice, "public under private", in_reply_to_id=secret["id"])
    ctx = bob.get(f"/api/v1/statuses/{root['id']}/context").json()
    assert ctx["descendants"] == []  # the private link hides the branch
    own = alice.get(f"/api/v1/statuses/{root['id']}/context").json()
    assert [s["id"] for s in own["descendants"]] == [secret["id"], under["id"]]
    assert bob.get(f"/api/v1/statuses/{under['id']}/context").json()["ancestors"] == []


# ---- favourites ----

def test_favourite_and_unfavourite(server, alice, bob):
    s = post(alice, "like me")
    for _ in range(2):
        r = bob.post(f"/api/v1/statuses/{s['id']}/favourite")
        assert r.status_code == 200, r.text
        assert r.json()["favourited"] is True and r.json()["favourites_count"] == 1
    assert get_status(alice, s["id"])["favourites_count"] == 1
    assert get_status(alice, s["id"])["favourited"] is False
    favs = bob.get("/api/v1/favourites").json()
    assert [f["id"] for f in favs] == [s["id"]] and favs[0]["favourited"] is True
    by = requests.get(server.url(f"/api/v1/statuses/{s['id']}/favourited_by")).json()
    assert [a["id"] for a in by] == [bob.id]
    for _ in range(2):
        r = bob.post(f"/api/v1/statuses/{s['id']}/unfavourite")
        assert r.status_code == 200
        assert r.json()["favourited"] is False and r.json()["favourites_count"] == 0
    assert requests.get(server.url(f"/api/v1/statuses/{s['id']}/favourited_by")).json() == []
    assert bob.get("/api/v1/favourites").json() == []
    assert_not_found(bob.post("/api/v1/statuses/99999999999/favourite"))
    hidden = post(alice, "private", visibility="private")
    assert_not_found(bob.post(f"/api/v1/statuses/{hidden['id']}/favourite"))
    assert get_status(alice, hidden["id"])["favourites_count"] == 0


def test_favourite_answer_is_the_status_as_read(server, alice, bob):
    """A favourite is answered from its own transaction's counts: the answer
    is what reading the status right after shows, through a reblog too, with
    the other counts and an edit made before."""
    carol = server.user()
    s = post(alice, "before the edit")
    post(carol, "a reply", in_reply_to_id=s["id"])
    wrapper = carol.post(f"/api/v1/statuses/{s['id']}/reblog").json()
    r = alice.put(f"/api/v1/statuses/{s['id']}", data={"status": "after the edit"})
    assert r.status_code == 200, r.text
    for action, count in (("favourite", 1), ("favourite", 1), ("unfavourite", 0)):
        r = bob.post(f"/api/v1/statuses/{wrapper['id']}/{action}")
        assert r.status_code == 200, r.text
        got = r.json()
        assert got == get_status(bob, s["id"])
        assert got["id"] == s["id"] and "after the edit" in got["content"]
        assert (got["replies_count"], got["reblogs_count"], got["favourites_count"]) == (
            1, 1, count)
        assert got["favourited"] is (count == 1)


def test_favourites_list(server, alice, bob):
    a = post(alice, "a")
    b = post(alice, "b")
    bob.post(f"/api/v1/statuses/{b['id']}/favourite")
    bob.post(f"/api/v1/statuses/{a['id']}/favourite")
    # Newest favourite first, whatever the statuses' age.
    assert [s["id"] for s in bob.get("/api/v1/favourites").json()] == [a["id"], b["id"]]
    assert all(s["favourited"] is True for s in bob.get("/api/v1/favourites").json())
    r = requests.get(server.url("/api/v1/favourites"))
    assert r.status_code == 401


# ---- reblogs ----

def test_reblog_and_unreblog(server, alice, bob):
    s = post(alice, "boost me")
    r = bob.post(f"/api/v1/statuses/{s['id']}/reblog")
    assert r.status_code == 200, r.text
    w = r.json()
    assert w["id"] != s["id"] and w["account"]["id"] == bob.id
    assert w["reblog"]["id"] == s["id"] and w["reblog"]["account"]["id"] == alice.id
    assert w["reblog"]["reblogs_count"] == 1 and w["reblog"]["reblogged"] is True
    assert w["reblogged"] is True and w["content"] == "" and w["visibility"] == "public"
    assert STATUS_KEYS <= set(w) and STATUS_KEYS <= set(w["reblog"])
    # Twice: the same reblog, no second one.
    again = bob.post(f"/api/v1/statuses/{s['id']}/reblog").json()
    assert again["id"] == w["id"] and again["reblog"]["reblogs_count"] == 1
    # Reblogging the wrapper reblogs the original.
    assert bob.post(f"/api/v1/statuses/{w['id']}/reblog").json()["id"] == w["id"]
    assert statuses_count(bob) == 1
    assert get_status(alice, s["id"])["reblogs_count"] == 1
    assert get_status(bob, s["id"])["reblogged"] is True
    assert get_status(bob, w["id"])["reblog"]["id"] == s["id"]
    by = requests.get(server.url(f"/api/v1/statuses/{s['id']}/reblogged_by")).json()
    assert [a["id"] for a in by] == [bob.id]
    assert account_status_ids(bob, bob.id) == [w["id"]]
    for _ in range(2):
        r = bob.post(f"/api/v1/statuses/{s['id']}/unreblog")
        assert r.status_code == 200
        u = r.json()
        assert u["id"] == s["id"] and u["reblogged"] is False and u["reblogs_count"] == 0
    assert_not_found(bob.get(f"/api/v1/statuses/{w['id']}"))
    assert statuses_count(bob) == 0
    assert requests.get(server.url(f"/api/v1/statuses/{s['id']}/reblogged_by")).json() == []


def test_reblog_visibility_rules(server, alice, bob):
    d = post(alice, f"@{bob.name} direct", visibility="direct")
    r = bob.post(f"/api/v1/statuses/{d['id']}/reblog")
    assert r.status_code == 403 and r.json() == {"error": "This action is not allowed"}
    assert alice.post(f"/api/v1/statuses/{d['id']}/reblog").status_code == 403
    p = post(alice, "private", visibility="private")
    assert_not_found(bob.post(f"/api/v1/statuses/{p['id']}/reblog"))  # cannot even see it
    # The author may reblog a private status; the reblog stays private.
    own = alice.post(f"/api/v1/statuses/{p['id']}/reblog")
    assert own.status_code == 200 and own.json()["visibility"] == "private"
    u = bob.post(f"/api/v1/statuses/{post(alice, 'x')['id']}/reblog",
                 data={"visibility": "unlisted"})
    assert u.status_code == 200 and u.json()["visibility"] == "unlisted"
    assert_invalid(bob.post(f"/api/v1/statuses/{post(alice, 'y')['id']}/reblog",
                            data={"visibility": "direct"}), "visibility")
    assert get_status(alice, d["id"])["reblogs_count"] == 0
    assert get_status(alice, p["id"])["reblogs_count"] == 1
    assert statuses_count(bob) == 1
    follow(bob, alice)
    r = bob.post(f"/api/v1/statuses/{p['id']}/reblog")
    assert r.status_code == 403 and r.json() == {"error": "This action is not allowed"}
    assert get_status(alice, p["id"])["reblogs_count"] == 1


# ---- bookmarks ----

def test_bookmarks(server, alice, bob):
    a = post(alice, "keep a")
    b = post(alice, "keep b")
    for sid in (a["id"], b["id"], a["id"]):
        r = bob.post(f"/api/v1/statuses/{sid}/bookmark")
        assert r.status_code == 200 and r.json()["bookmarked"] is True
    marks = bob.get("/api/v1/bookmarks")
    assert [s["id"] for s in marks.json()] == [b["id"], a["id"]]
    assert all(s["bookmarked"] is True for s in marks.json())
    assert get_status(alice, a["id"])["bookmarked"] is False  # per user
    assert alice.get("/api/v1/bookmarks").json() == []
    for _ in range(2):
        r = bob.post(f"/api/v1/statuses/{b['id']}/unbookmark")
        assert r.status_code == 200 and r.json()["bookmarked"] is False
    assert [s["id"] for s in bob.get("/api/v1/bookmarks").json()] == [a["id"]]
    assert requests.get(server.url("/api/v1/bookmarks")).status_code == 401
    assert_not_found(bob.post("/api/v1/statuses/99999999999/bookmark"))
    # A bookmarked status that is deleted leaves the list.
    alice.delete(f"/api/v1/statuses/{a['id']}")
    assert bob.get("/api/v1/bookmarks").json() == []


# ---- pins ----

def test_pins(server, alice, bob):
    ids = [post(alice, f"pin {i}")["id"] for i in range(6)]
    for i, sid in enumerate(ids[:5]):
        r = alice.post(f"/api/v1/statuses/{sid}/pin")
        assert r.status_code == 200, r.text
        assert r.json()["pinned"] is True
        if i == 2:  # pinning again below the limit changes nothing
            again = alice.post(f"/api/v1/statuses/{ids[0]}/pin")
            assert again.status_code == 200 and again.json()["pinned"] is True
    # A sixth is refused.
    r = alice.post(f"/api/v1/statuses/{ids[5]}/pin")
    assert r.status_code == 422 and r.json()["error"].startswith("Validation failed")
    assert get_status(alice, ids[5])["pinned"] is False
    pinned = account_status_ids(alice, alice.id, pinned="true")
    assert sorted(pinned) == sorted(ids[:5])
    assert account_status_ids(alice, alice.id, viewer=bob, pinned="true") == pinned
    # Someone else's status cannot be pinned; a hidden one is not found.
    other = post(bob, "bob's")
    r = alice.post(f"/api/v1/statuses/{other['id']}/pin")
    assert r.status_code == 422 and "error" in r.json()
    hidden = post(bob, "hidden", visibility="private")
    assert_not_found(alice.post(f"/api/v1/statuses/{hidden['id']}/pin"))
    assert account_status_ids(bob, bob.id, viewer=bob, pinned="true") == []
    d = post(alice, "direct", visibility="direct")
    assert alice.post(f"/api/v1/statuses/{d['id']}/pin").status_code == 422
    for _ in range(2):
        r = alice.post(f"/api/v1/statuses/{ids[0]}/unpin")
        assert r.status_code == 200 and r.json()["pinned"] is False
    assert alice.post(f"/api/v1/statuses/{ids[5]}/pin").status_code == 200
    assert sorted(account_status_ids(alice, alice.id, pinned="true")) == sorted(ids[1:6])


# ---- who favourited / reblogged, paginated ----

def test_favourited_by_and_reblogged_by_pages(server, alice):
    s = post(alice, "popular")
    fans = [server.user() for _ in range(5)]
    for f in fans:
        assert f.post(f"/api/v1/statuses/{s['id']}/favourite").status_code == 200
        assert f.post(f"/api/v1/statuses/{s['id']}/reblog").status_code == 200
    assert get_status(alice, s["id"])["favourites_count"] == 5
    assert get_status(alice, s["id"])["reblogs_count"] == 5
    newest_first = [f.id for f in reversed(fans)]
    for what in ["favourited_by", "reblogged_by"]:
        path = f"/api/v1/statuses/{s['id']}/{what}"
        assert [a["id"] for a in alice.get(path).json()] == newest_first
        seen, url = [], server.url(path + "?limit=2")
        pages = 0
        while url:
            r = requests.get(url)
            assert r.status_code == 200
            seen += [a["id"] for a in r.json()]
            pages += 1
            url = r.links.get("next", {}).get("url")
            if url:
                assert r.headers["Link"].startswith("<")
                assert r.headers["Link"].index('rel="next"') < r.headers["Link"].index(
                    'rel="prev"')
        assert seen == newest_first
        assert pages == 3  # 2 + 2 + 1, the last without a next link
        m = masto(server, alice)
        fn = m.status_favourited_by if what == "favourited_by" else m.status_reblogged_by
        assert [a["id"] for a in fn(s["id"])] == [int(i) for i in newest_first]


# ---- acting on a reblog acts on the original ----

def test_actions_through_a_reblog_wrapper(server, alice, bob):
    carol = server.user()
    s = post(alice, "original")
    w = bob.post(f"/api/v1/statuses/{s['id']}/reblog").json()
    fav = carol.post(f"/api/v1/statuses/{w['id']}/favourite")
    assert fav.status_code == 200
    assert fav.json()["id"] == s["id"] and fav.json()["favourites_count"] == 1
    assert carol.post(f"/api/v1/statuses/{w['id']}/bookmark").json()["id"] == s["id"]
    assert [x["id"] for x in carol.get("/api/v1/bookmarks").json()] == [s["id"]]
    reply = post(carol, "reply to the wrapper", in_reply_to_id=w["id"])
    assert reply["in_reply_to_id"] == s["id"] and reply["in_reply_to_account_id"] == alice.id
    ctx = carol.get(f"/api/v1/statuses/{w['id']}/context").json()
    assert ctx["ancestors"] == [] and [d["id"] for d in ctx["descendants"]] == [reply["id"]]
    got = get_status(carol, w["id"])
    assert got["reblog"]["favourited"] is True and got["favourited"] is True
    assert got["reblog"]["replies_count"] == 1
    by = requests.get(server.url(f"/api/v1/statuses/{w['id']}/favourited_by")).json()
    assert [a["id"] for a in by] == [carol.id]
    r = bob.post(f"/api/v1/statuses/{w['id']}/pin")
    assert r.status_code == 422 and "error" in r.json()
    assert_not_found(bob.put(f"/api/v1/statuses/{w['id']}", data={"status": "edit a boost"}))
    # Deleting the wrapper is undoing the reblog.
    r = bob.delete(f"/api/v1/statuses/{w['id']}")
    assert r.status_code == 200 and r.json()["id"] == w["id"]
    assert r.json()["reblog"]["id"] == s["id"]
    assert_not_found(bob.get(f"/api/v1/statuses/{w['id']}"))
    assert get_status(alice, s["id"])["reblogs_count"] == 0
    assert get_status(bob, s["id"])["reblogged"] is False
    assert statuses_count(bob) == 0
    again = bob.post(f"/api/v1/statuses/{s['id']}/reblog").json()
    assert again["id"] != w["id"] and again["reblog"]["reblogs_count"] == 1


# ---- text on the way in ----

def test_paragraphs_links_and_escaping(server, alice):
    s = post(alice, "a <i>\n\n\nb & c\nhttps://example.org/?q=\"x\"&y=<z>\r\n\n")
    assert s["content"] == (
        '<p>a &lt;i&gt;</p><p>b &amp; c<br><a href="https://example.org/?q=" '
        'rel="nofollow noopener noreferrer" target="_blank">https://example.org/?q=</a>'
        "&quot;x&quot;&amp;y=&lt;z&gt;</p>")
    js = post(alice, "javascript:alert(1) data:text/html,<b>")
    assert js["content"] == "<p>javascript:alert(1) data:text/html,&lt;b&gt;</p>"
    d = alice.delete(f"/api/v1/statuses/{s['id']}").json()
    assert d["text"] == "a <i>\n\n\nb & c\nhttps://example.org/?q=\"x\"&y=<z>\r\n\n"


def test_bytes_that_are_not_text_are_refused(server, alice):
    before = statuses_count(alice)
    for raw in [b"status=nul%00byte", b"status=bad%FF%FEutf8", b"status=esc%1B%5B31m",
                b"status=%C3"]:
        r = alice.post("/api/v1/statuses", data=raw,
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert r.status_code == 400, (raw, r.text)
        assert "error" in r.json()
    r = alice.post("/api/v1/statuses", data=b'{"status": "a\\u0000b"}',
                   headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and "error" in r.json()
    r = alice.post("/api/v1/statuses", data=b'{"status": ', headers={
        "Content-Type": "application/json"})
    assert r.status_code == 400 and "error" in r.json()
    assert statuses_count(alice) == before


def test_idempotency_key_too_long(server, alice):
    r = alice.post("/api/v1/statuses", data={"status": "x"},
                   headers={"Idempotency-Key": "k" * 201})
    assert_invalid(r, "Idempotency-Key")
    assert statuses_count(alice) == 0
    ok = alice.post("/api/v1/statuses", data={"status": "x"},
                    headers={"Idempotency-Key": "k" * 200})
    assert ok.status_code == 200


def test_direct_status_reaches_the_mentioned_home(server, alice, bob):
    carol = server.user()
    open_inbox(bob)  # a stranger's message would wait in bob's requests
    d = post(alice, f"@{bob.name} just us", visibility="direct")
    assert [s["id"] for s in bob.get("/api/v1/timelines/home").json()] == [d["id"]]
    assert carol.get("/api/v1/timelines/home").json() == []
    # A public mention of a stranger is a notification, not a home entry.
    post(alice, f"@{carol.name} hello")
    assert carol.get("/api/v1/timelines/home").json() == []
    alice.delete(f"/api/v1/statuses/{d['id']}")
    assert bob.get("/api/v1/timelines/home").json() == []


def test_an_edit_cannot_change_who_sees_a_direct_message(server, alice, bob):
    """As on Mastodon: someone mentioned only in an edit of a direct message
    gets no access, no notification, no home entry and no conversation; the
    audience keeps all of them, even when the edit drops their name."""
    carol = open_inbox(server.user())
    open_inbox(bob)  # strangers' messages would wait in requests
    d = post(alice, f"@{bob.name} just us", visibility="direct")
    r = alice.put(f"/api/v1/statuses/{d['id']}",
                  data={"status": f"@{bob.name} @{carol.name} hi"})
    assert r.status_code == 200, r.text
    assert [m["id"] for m in r.json()["mentions"]] == [bob.id]
    assert_not_found(carol.get(f"/api/v1/statuses/{d['id']}"))
    assert carol.get("/api/v1/notifications").json() == []
    assert carol.get("/api/v1/timelines/home").json() == []
    assert carol.get("/api/v1/conversations").json() == []
    r = alice.put(f"/api/v1/statuses/{d['id']}", data={"status": "no names now"})
    assert r.status_code == 200, r.text
    assert get_status(bob, d["id"])["content"] == "<p>no names now</p>"
    assert [s["id"] for s in bob.get("/api/v1/timelines/home").json()] == [d["id"]]
    assert [c["last_status"]["id"] for c in bob.get("/api/v1/conversations").json()] == \
        [d["id"]]
    assert [n["type"] for n in bob.get("/api/v1/notifications").json()] == ["mention"]


def test_pinned_statuses_in_pin_order(server, alice):
    ids = [post(alice, f"p{i}")["id"] for i in range(3)]
    for sid in [ids[0], ids[2], ids[1]]:
        assert alice.post(f"/api/v1/statuses/{sid}/pin").status_code == 200
    assert account_status_ids(alice, alice.id, pinned="true") == [ids[1], ids[2], ids[0]]
