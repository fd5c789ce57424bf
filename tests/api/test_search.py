"""Search through real clients: accounts by prefix (exact handle first),
statuses by words with the timelines' visibility rules, hashtags by prefix
and /api/v1/tags/:name. Hostile queries are answered, never crash, and
never reach FTS5 as syntax."""
import copy
import uuid

import pytest
import requests
from mastodon import Mastodon
from conftest import NOT_FOUND, masto, with_scopes



def word():
    """A word no other test uses (letters only: digits would join it)."""
    return "w" + "".join("abcdefghijklmnop"[int(c, 16)] for c in uuid.uuid4().hex[:12])


def post(user, status, **params):
    r = user.post("/api/v1/statuses", data=dict(params, status=status))
    assert r.status_code == 200, r.text
    return r.json()


def search(user, q, **params):
    get = user.get if user else (lambda p, **kw: requests.get(SERVER[0].url(p), **kw))
    r = get("/api/v2/search", params=dict(params, q=q))
    assert r.status_code == 200, r.text
    j = r.json()
    assert set(j) == {"accounts", "statuses", "hashtags"}
    return j


SERVER = []


@pytest.fixture(autouse=True)
def _remember(server):
    SERVER[:] = [server]


def status_ids(user, q, **params):
    return [s["id"] for s in search(user, q, type="statuses", **params)["statuses"]]


def account_names(user, q, **params):
    return [a["acct"] for a in search(user, q, type="accounts", **params)["accounts"]]


def block(a, b):
    r = a.post(f"/api/v1/accounts/{b.id}/block")
    if r.status_code == 404:
        pytest.skip("POST /api/v1/accounts/:id/block is not implemented yet (routes_social.inc)")
    assert r.status_code == 200, r.text
    assert r.json()["blocking"] is True


def follow(a, b):
    r = a.post(f"/api/v1/accounts/{b.id}/follow")
    if r.status_code == 404:
        pytest.skip("POST /api/v1/accounts/:id/follow is not implemented yet "
                    "(routes_social.inc)")
    assert r.status_code == 200, r.text


def mute(a, b):
    r = a.post(f"/api/v1/accounts/{b.id}/mute")
    if r.status_code == 404:
        pytest.skip("POST /api/v1/accounts/:id/mute is not implemented yet (routes_social.inc)")
    assert r.status_code == 200, r.text


# ---- accounts ----

def test_accounts_by_prefix_exact_first(server, alice):
    p = word()[:10]
    names = [p + "_zed", p + "_amy", p]  # p itself is the exact match
    users = {n: server.user(n) for n in names}
    assert account_names(alice, p) == [p, p + "_amy", p + "_zed"]
    assert account_names(alice, "@" + p.upper()) == [p, p + "_amy", p + "_zed"]
    # Our own domain is a local handle: the exact one first, then the prefix.
    assert account_names(alice, f"{p}@{server.domain}") == [p, p + "_amy", p + "_zed"]
    assert account_names(alice, f"{p}_amy@{server.domain.upper()}") == [p + "_amy"]
    assert account_names(alice, f"{p}_a") == [p + "_amy"]
    assert account_names(alice, f"{p}@elsewhere.example") == []
    assert account_names(alice, p + "_amy", limit=1) == [p + "_amy"]
    assert account_names(alice, p, limit=2) == [p, p + "_amy"]
    assert account_names(alice, p, limit=2, offset=2) == [p + "_zed"]
    got = search(alice, p, type="accounts")["accounts"][0]
    assert got["id"] == users[p].id and got["username"] == p and got["acct"] == p
    assert got["url"] == f"{server.base}/@{p}"
    # Mastodon.py, with every result type.
    res = masto(server, alice).search_v2(p)
    assert [a["acct"] for a in res["accounts"]] == [p, p + "_amy", p + "_zed"]
    assert res["statuses"] == [] and res["hashtags"] == []
    # An unknown type searches everything, like no type at all.
    assert [a["acct"] for a in search(alice, p, type="bogus")["accounts"]] == [
        p, p + "_amy", p + "_zed"]
    assert search(alice, p, type="hashtags")["accounts"] == []


def test_accounts_by_display_name(server, alice):
    p = word()
    u = server.user()
    r = u.patch("/api/v1/accounts/update_credentials", data={"display_name": f"{p.upper()} Smith"})
    assert r.status_code == 200, r.text
    assert account_names(alice, p) == [u.name]
    assert account_names(alice, f"{p} smi") == [u.name]
    assert account_names(alice, f"{p} smx") == []
    assert account_names(alice, "Smith" + p) == []  # a prefix, not a substring


def test_undiscoverable_accounts_only_by_exact_handle(server, alice):
    p = word()[:12]
    hidden = server.user(p + "_hid")
    r = hidden.patch("/api/v1/accounts/update_credentials", data={"discoverable": "false"})
    assert r.status_code == 200 and r.json()["discoverable"] is False
    assert account_names(alice, p) == []
    assert account_names(alice, p + "_hid") == [p + "_hid"]
    assert account_names(hidden, p) == [p + "_hid"]  # you always find yourself
    follow(alice, hidden)
    assert account_names(alice, p) == [p + "_hid"]


def test_accounts_following_only_and_blocks(server, alice):
    p = word()[:12]
    a, b, c = (server.user(p + s) for s in ("_a", "_b", "_c"))
    follow(alice, b)
    assert account_names(alice, p) == [p + "_b", p + "_a", p + "_c"]  # followed first
    assert account_names(alice, p, following="true") == [p + "_b"]
    assert account_names(None, p, following="true") == []
    block(c, alice)  # c blocks alice: alice no longer finds c
    block(alice, a)  # alice blocks a: nor a
    assert account_names(alice, p) == [p + "_b"]
    assert account_names(c, p) == [p + "_a", p + "_b", p + "_c"]
    assert account_names(a, p) == [p + "_a", p + "_b", p + "_c"]


def test_accounts_search_endpoint(server, alice):
    p = word()[:12]
    for s in ("_1", "_2", ""):
        server.user(p + s)
    r = alice.get("/api/v1/accounts/search", params={"q": p})
    assert r.status_code == 200, r.text
    assert [a["acct"] for a in r.json()] == [p, p + "_1", p + "_2"]
    assert [a["acct"] for a in masto(server, alice).account_search(p, limit=2)] == [p, p + "_1"]
    anon = requests.get(server.url("/api/v1/accounts/search"),
                        params={"q": p, "limit": 1, "offset": 1})
    assert [a["acct"] for a in anon.json()] == [p + "_1"]
    r = alice.get("/api/v1/accounts/search")
    assert r.status_code == 400 and r.json() == {"error": "Missing parameter: q"}
    r = alice.get("/api/v1/accounts/search", params={"q": "x" * 501})
    assert r.status_code == 400
    for q, _ in HOSTILE:
        r = alice.get("/api/v1/accounts/search", params={"q": q})
        assert r.status_code == 200, r.text
        want = q.strip().removeprefix("@").lower()
        for a in r.json():  # a prefix of the handle or the display name, nothing else
            assert (a["username"].lower().startswith(want)
                    or a["display_name"].lower().startswith(want)), (q, a["acct"])
        assert r.json() == [] or want  # a blank query finds nobody
    bad = with_scopes(server, alice, "read:statuses")
    r = bad.get("/api/v1/accounts/search", params={"q": p})
    assert r.status_code == 403


# ---- statuses ----

def test_statuses_by_words_with_visibility(server, alice, bob):
    w, v = word(), word()
    follow(bob, alice)  # bob may read alice's private statuses, but search never shows them
    pub = post(alice, f"The {w} quick {v}")
    unl = post(alice, f"{w.upper()} unlisted", visibility="unlisted")
    post(alice, f"{w} private {v}", visibility="private")
    post(alice, f"{w} direct @{bob.name} {v}", visibility="direct")
    mine = post(bob, f"bob says {w}")
    assert status_ids(bob, w) == [mine["id"], unl["id"], pub["id"]]
    assert status_ids(bob, f"{v} {w}") == [pub["id"]]  # every word
    assert status_ids(bob, f"{w} nosuchword{v}") == []
    assert status_ids(bob, w, account_id=alice.id) == [unl["id"], pub["id"]]
    assert status_ids(bob, w, account_id="notanid") == []
    assert status_ids(bob, w, limit=1) == [mine["id"]]
    assert status_ids(bob, w, limit=2, offset=1) == [unl["id"], pub["id"]]
    got = search(bob, w, type="statuses")["statuses"][2]
    assert got["id"] == pub["id"] and got["content"] == f"<p>The {w} quick {v}</p>"
    assert got["account"]["id"] == alice.id and got["favourited"] is False
    res = masto(server, bob).search_v2(v, result_type="statuses")
    assert [str(s["id"]) for s in res["statuses"]] == [pub["id"]]
    # Deleted statuses leave the index.
    assert alice.delete(f"/api/v1/statuses/{pub['id']}").status_code == 200
    assert status_ids(bob, w) == [mine["id"], unl["id"]]
    # An edit re-indexes the new text.
    r = alice.put(f"/api/v1/statuses/{unl['id']}", data={"status": f"now {v}"})
    assert r.status_code == 200, r.text
    assert status_ids(bob, w) == [mine["id"]]
    assert status_ids(bob, v) == [unl["id"]]


def test_statuses_need_a_signed_in_viewer(server, alice):
    w = word()
    post(alice, f"anonymous {w}")
    j = search(None, w)
    assert j["statuses"] == []
    r = requests.get(server.url("/api/v2/search"), params={"q": w, "offset": 1})
    assert r.status_code == 401
    assert r.json() == {"error": "Search queries pagination is not supported without "
                                 "authentication"}
    r = requests.get(server.url("/api/v2/search"), params={"q": w, "resolve": "true"})
    assert r.status_code == 401


def test_blocked_and_muted_authors_are_hidden(server, alice, bob):
    w = word()
    carol = server.user()
    s1 = post(bob, f"bob {w}")
    s2 = post(carol, f"carol {w}")
    assert status_ids(alice, w) == [s2["id"], s1["id"]]
    block(bob, alice)  # bob blocks alice: alice sees none of bob's
    assert status_ids(alice, w) == [s2["id"]]
    assert status_ids(bob, w) == [s2["id"], s1["id"]]
    assert status_ids(bob, w, account_id=bob.id) == [s1["id"]]
    block(carol, bob)  # and carol blocks bob
    assert status_ids(bob, w) == [s1["id"]]
    dave = server.user()
    mute(dave, carol)
    assert status_ids(dave, w) == [s1["id"]]


def test_undiscoverable_authors_statuses_are_not_searchable(server, alice, bob):
    w = word()
    s = post(bob, f"hidden {w}")
    assert status_ids(alice, w) == [s["id"]]
    r = bob.patch("/api/v1/accounts/update_credentials", data={"discoverable": "0"})
    assert r.status_code == 200, r.text
    assert status_ids(alice, w) == []
    assert status_ids(bob, w) == [s["id"]]  # your own, always


# Each hostile query and whether it finds "a b near and or not text" (every
# query is a list of quoted words: operators and syntax are just words, and
# words without letters or digits match nothing).
HOSTILE = [('"', False), ("AND OR NOT", True), ("*", False), ('a"b', True), ("NEAR(", True),
           ("NEAR(a b)", False), ("text:a", False), ("^a", True), ("a OR", True), ("(", False),
           (")", False), ("-a", True), ("a*", True), ("{a b}:c", False), ("'", False),
           ("\\", False), ("  ", False), ("+", False), ("a AND", True), ("e\u0301", False),
           ("\U0001F600", False), ("%", False), ("_", False), ('"a" OR "b"', True),
           ('""a b""', True), ("a\tb", True)]


@pytest.mark.parametrize("q,found", HOSTILE)
def test_hostile_queries_are_plain_words(server, alice, q, found):
    author = server.user()
    s = post(author, "a b near and or not text")
    r = alice.get("/api/v2/search", params={"q": q})
    assert r.status_code == 200, r.text
    assert set(r.json()) == {"accounts", "statuses", "hashtags"}
    assert status_ids(alice, q, account_id=author.id) == ([s["id"]] if found else [])
    r = requests.get(server.url("/api/v1/tags/" + q))
    assert r.status_code == 404 and r.json() == NOT_FOUND


def test_hostile_queries_find_the_words_they_hold(server, alice):
    w = word()
    s = post(alice, f"{w} near and or not")
    assert status_ids(alice, f'"{w}"') == [s["id"]]
    assert status_ids(alice, f"{w} AND OR NOT") == [s["id"]]
    assert status_ids(alice, f"{w} NEAR(") == [s["id"]]
    assert status_ids(alice, f"NEAR({w}") == []  # the phrase "near w" is not in it
    assert status_ids(alice, f"{w}*") == [s["id"]]
    assert status_ids(alice, f"{w[:-1]}*") == []  # no prefix operator
    assert status_ids(alice, f"text:{w}") == []  # not a column filter: the phrase "text w"
    assert status_ids(alice, f"{w} -near") == [s["id"]]  # "-" is a separator, not NOT


def test_query_length_and_missing(server, alice):
    # 500 characters is allowed (a word nobody has written: test_statuses.py
    # posts 500 é on the shared server).
    assert search(alice, "é" * 499 + "q")["statuses"] == []
    for q in ["x" * 501, "é" * 501, "a " * 300]:
        r = alice.get("/api/v2/search", params={"q": q})
        assert r.status_code == 400, r.text
        assert r.json() == {"error": "The search query is too long (maximum is 500 characters)"}
    r = alice.get("/api/v2/search")
    assert r.status_code == 400 and r.json() == {"error": "Missing parameter: q"}
    r = alice.get("/api/v2/search", params={"q": ""})
    assert r.status_code == 400 and r.json() == {"error": "Missing parameter: q"}
    assert search(alice, "   ") == {"accounts": [], "statuses": [], "hashtags": []}


def test_search_scope(server, alice):
    u = with_scopes(server, alice, "read:accounts read:statuses")
    r = u.get("/api/v2/search", params={"q": "x"})
    assert r.status_code == 403
    assert r.json() == {"error": "This action is outside the authorized scopes"}
    ok = with_scopes(server, alice, "read:search")
    assert ok.get("/api/v2/search", params={"q": "x"}).status_code == 200


# ---- hashtags ----

def test_hashtags_by_prefix_and_tag_entity(server, alice):
    w = word()
    post(alice, f"#{w.upper()}Long and #{w}")
    post(alice, f"#{w}mid")
    expected = [w, w + "mid", w + "long"]  # shortest first
    j = search(alice, "#" + w, type="hashtags")
    assert [t["name"] for t in j["hashtags"]] == expected
    assert j["accounts"] == [] and j["statuses"] == []
    t = j["hashtags"][0]
    assert t == {"id": t["id"], "name": w, "url": f"{server.base}/tags/{w}", "history": [],
                 "following": False}
    assert t["id"].isdigit()
    assert [t["name"] for t in search(alice, w.upper())["hashtags"]] == expected
    assert [t["name"] for t in search(None, w, type="hashtags")["hashtags"]] == expected
    assert [t["name"] for t in search(alice, w + "m", type="hashtags")["hashtags"]] == [w + "mid"]
    assert [t["name"] for t in search(alice, w, type="hashtags", limit=1,
                                      offset=1)["hashtags"]] == [w + "mid"]
    assert search(alice, f"{w} x", type="hashtags")["hashtags"] == []
    res = masto(server, alice).search_v2("#" + w, result_type="hashtags")
    assert [h["name"] for h in res["hashtags"]] == expected
    # /api/v1/tags/:name, in any case, with or without "#".
    for name in [w, w.upper(), "%23" + w]:
        r = requests.get(server.url(f"/api/v1/tags/{name}"))
        assert r.status_code == 200, r.text
        assert r.json() == t
    assert alice.get(f"/api/v1/tags/{w}long").json()["name"] == w + "long"
    for name in [w + "never", "a b", "%22", "x" * 300]:
        r = requests.get(server.url(f"/api/v1/tags/{name}"))
        assert r.status_code == 404 and r.json() == NOT_FOUND
