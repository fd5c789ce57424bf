"""Timelines through real clients: home, public, hashtag, account statuses,
favourites and bookmarks, with Mastodon pagination (max_id, since_id,
min_id, limit, the Link header) and counts that agree with the lists."""
import uuid

import pytest
import requests

from test_statuses import (assert_invalid, follow, get_status, masto, me, post,
                           statuses_count)

TL_HOME = "/api/v1/timelines/home"
TL_PUBLIC = "/api/v1/timelines/public"


def ids(r):
    assert r.status_code == 200, r.text
    return [s["id"] for s in r.json()]


def anon(server, path, **params):
    return requests.get(server.url(path), params=params)


def tag():
    return "t" + uuid.uuid4().hex[:10]


def walk(get, path, by_id=True, **params):
    """Follows the Link header's next page to the end; returns the ids of
    every page and checks the header's shape on the way. by_id: the cursors
    are the statuses' ids (favourites and bookmarks page by when instead)."""
    pages, url = [], path
    while url:
        r = get(url, params=params) if url == path else get(url)
        assert r.status_code == 200, r.text
        page = [s["id"] for s in r.json()]
        pages.append(page)
        link = r.headers.get("Link")
        url = None
        if page:
            assert link and link.startswith("<"), link
            if "next" in r.links:
                assert link.index('rel="next"') < link.index('rel="prev"')
                assert not by_id or f"max_id={page[-1]}" in r.links["next"]["url"]
                url = r.links["next"]["url"].replace(r.url.split("/api/")[0], "")
            assert not by_id or f"min_id={page[0]}" in r.links["prev"]["url"]
        else:
            assert link is None
    return pages


# ---- home ----

def test_home_has_own_statuses_newest_first(server, alice):
    a = post(alice, "one")
    b = post(alice, "two", visibility="private")
    c = post(alice, "three", visibility="direct")
    d = post(alice, "four", visibility="unlisted", in_reply_to_id=a["id"])
    assert ids(alice.get(TL_HOME)) == [d["id"], c["id"], b["id"], a["id"]]
    alice.delete(f"/api/v1/statuses/{b['id']}")
    assert ids(alice.get(TL_HOME)) == [d["id"], c["id"], a["id"]]
    r = requests.get(server.url(TL_HOME))
    assert r.status_code == 401
    assert r.json() == {"error": "This method requires an authenticated user"}


def test_home_with_follows(server, alice, bob):
    carol = server.user()
    before = post(bob, "before the follow")
    follow(alice, bob)
    pub = post(bob, "public from bob")
    priv = post(bob, "private from bob", visibility="private")
    unl = post(bob, "unlisted from bob", visibility="unlisted")
    to_carol = post(bob, "reply to someone alice does not follow",
                    in_reply_to_id=post(carol, "carol's")["id"])
    to_self = post(bob, "thread", in_reply_to_id=pub["id"])
    boost = bob.post(f"/api/v1/statuses/{post(carol, 'boosted')['id']}/reblog").json()
    home = ids(alice.get(TL_HOME))
    assert pub["id"] in home and priv["id"] in home and unl["id"] in home
    assert to_self["id"] in home and boost["id"] in home
    assert to_carol["id"] not in home
    assert before["id"] in home  # following merges recent statuses, as in Mastodon
    wrapper = [s for s in alice.get(TL_HOME).json() if s["id"] == boost["id"]][0]
    assert wrapper["reblog"]["account"]["id"] == carol.id
    # bob's own home has everything he wrote.
    own = ids(bob.get(TL_HOME, params={"limit": 40}))
    assert {pub["id"], priv["id"], to_carol["id"], boost["id"]} <= set(own)
    # Deleted statuses leave every home.
    bob.delete(f"/api/v1/statuses/{pub['id']}")
    assert pub["id"] not in ids(alice.get(TL_HOME))
    r = alice.post(f"/api/v1/accounts/{bob.id}/unfollow")
    assert r.status_code == 200 and r.json()["following"] is False
    assert priv["id"] not in ids(alice.get(TL_HOME))


def test_home_has_replies_to_me_from_people_i_follow(server, alice, bob):
    # Mastodon's FeedManager keeps a reply to me from someone I follow, even
    # though I do not follow myself.
    follow(alice, bob)
    mine = post(alice, "mine")
    reply = post(bob, "reply to alice", in_reply_to_id=mine["id"])
    assert ids(alice.get(TL_HOME)) == [reply["id"], mine["id"]]


# ---- public ----

def test_public_timeline(make_server):
    srv = make_server()
    a, b = srv.user(), srv.user()
    p1 = post(a, "public one")
    post(a, "unlisted", visibility="unlisted")
    post(a, "private", visibility="private")
    post(a, f"@{b.name} direct", visibility="direct")
    reply_other = post(b, "reply to a", in_reply_to_id=p1["id"])
    self_reply = post(a, "a's own thread", in_reply_to_id=p1["id"])
    b.post(f"/api/v1/statuses/{p1['id']}/reblog")
    p2 = post(b, "public two")
    expected = [p2["id"], self_reply["id"], p1["id"]]
    assert ids(anon(srv, TL_PUBLIC)) == expected
    assert ids(a.get(TL_PUBLIC)) == expected
    assert ids(anon(srv, TL_PUBLIC, local="true")) == expected
    assert ids(anon(srv, TL_PUBLIC, local="1")) == expected
    assert ids(anon(srv, TL_PUBLIC, remote="true")) == []
    assert ids(anon(srv, TL_PUBLIC, only_media="true")) == []
    assert ids(anon(srv, TL_PUBLIC, only_media="false")) == expected
    assert reply_other["id"] not in ids(anon(srv, TL_PUBLIC))
    statuses = anon(srv, TL_PUBLIC).json()
    assert all("favourited" not in s for s in statuses)  # anonymous: no viewer flags
    assert all(s["visibility"] == "public" for s in statuses)
    m = masto(srv, b)
    assert [s["id"] for s in m.timeline_public()] == [int(i) for i in expected]
    assert [s["id"] for s in m.timeline_local()] == [int(i) for i in expected]


# ---- hashtags ----

def test_tag_timeline_is_case_insensitive(server, alice, bob):
    t = tag()
    a = post(alice, f"#{t.upper()} loud")
    b = post(bob, f"quiet #{t}")
    post(alice, f"#{t} unlisted", visibility="unlisted")
    post(alice, f"#{t} private", visibility="private")
    c = post(bob, f"reply #{t}", in_reply_to_id=a["id"])
    post(alice, f"#{t}x other tag")
    post(alice, f"no{t} #{t}_suffix")
    expected = [c["id"], b["id"], a["id"]]
    for spelled in [t, t.upper(), t.capitalize()]:
        assert ids(anon(server, f"/api/v1/timelines/tag/{spelled}")) == expected
    assert ids(alice.get(f"/api/v1/timelines/tag/{t}")) == expected
    assert ids(anon(server, f"/api/v1/timelines/tag/{t}", local="true")) == expected
    assert ids(anon(server, f"/api/v1/timelines/tag/{t}", only_media="1")) == []
    assert ids(anon(server, f"/api/v1/timelines/tag/{t}", limit=2)) == expected[:2]
    assert [s["id"] for s in masto(server, bob).timeline_hashtag(t.upper())] == [
        int(i) for i in expected]
    # An edit that removes the tag removes the status from the timeline.
    alice.put(f"/api/v1/statuses/{a['id']}", data={"status": "no tags now"})
    assert ids(anon(server, f"/api/v1/timelines/tag/{t}")) == expected[:2]
    bob.delete(f"/api/v1/statuses/{b['id']}")
    assert ids(anon(server, f"/api/v1/timelines/tag/{t}")) == [c["id"]]


def test_tag_timeline_unicode_and_odd_names(server, alice):
    u = "Größe" + uuid.uuid4().hex[:6]
    s = post(alice, f"#{u}")
    assert s["tags"] == [{"name": u.lower(), "url": f"{server.base}/tags/{u.lower()}"}]
    assert ids(anon(server, f"/api/v1/timelines/tag/{u}")) == [s["id"]]
    assert ids(anon(server, f"/api/v1/timelines/tag/{u.upper().replace('SS', 'ß')}")) == [
        s["id"]]
    digits = post(alice, "#123456 is not a tag")
    assert digits["tags"] == []
    for odd in ["123456", "x" * 300, "%3Cscript%3E", "%20"]:
        assert ids(anon(server, f"/api/v1/timelines/tag/{odd}")) == []
    r = anon(server, "/api/v1/timelines/tag/%00")
    assert r.status_code == 404 and r.json() == {"error": "Record not found"}


# ---- account statuses ----

def test_account_statuses_filters(server, alice, bob):
    t = tag()
    a = post(alice, f"plain #{t}")
    own_reply = post(alice, "self reply", in_reply_to_id=a["id"])
    other = post(bob, "bob")
    reply = post(alice, f"reply to bob #{t.upper()}", in_reply_to_id=other["id"])
    boost = alice.post(f"/api/v1/statuses/{other['id']}/reblog").json()
    unl = post(alice, "unlisted", visibility="unlisted")
    priv = post(alice, "private", visibility="private")
    d = post(alice, "direct", visibility="direct")
    path = f"/api/v1/accounts/{alice.id}/statuses"
    everything = [d["id"], priv["id"], unl["id"], boost["id"], reply["id"], own_reply["id"],
                  a["id"]]
    assert ids(alice.get(path)) == everything
    public = [unl["id"], boost["id"], reply["id"], own_reply["id"], a["id"]]
    assert ids(anon(server, path)) == public
    assert ids(bob.get(path)) == public
    assert ids(anon(server, path, exclude_replies="true")) == [unl["id"], boost["id"],
                                                               own_reply["id"], a["id"]]
    assert ids(anon(server, path, exclude_reblogs="1")) == [unl["id"], reply["id"],
                                                            own_reply["id"], a["id"]]
    assert ids(anon(server, path, exclude_replies="1", exclude_reblogs="1")) == [
        unl["id"], own_reply["id"], a["id"]]
    assert ids(anon(server, path, tagged=t)) == [reply["id"], a["id"]]
    assert ids(anon(server, path, tagged=t.upper())) == [reply["id"], a["id"]]
    assert ids(anon(server, path, tagged="nosuchtag" + t)) == []
    assert ids(anon(server, path, only_media="true")) == []
    assert ids(anon(server, path, limit=2)) == public[:2]
    wrapper = anon(server, path).json()[1]
    assert wrapper["reblog"]["id"] == other["id"] and wrapper["account"]["id"] == alice.id
    r = anon(server, "/api/v1/accounts/99999999999/statuses")
    assert r.status_code == 404 and r.json() == {"error": "Record not found"}
    m = masto(server, bob)
    got = m.account_statuses(alice.id, exclude_replies=True, exclude_reblogs=True)
    assert [s["id"] for s in got] == [int(unl["id"]), int(own_reply["id"]), int(a["id"])]
    assert statuses_count(alice) == len(everything)


def test_account_statuses_private_for_followers(server, alice, bob):
    pub = post(alice, "public")
    priv = post(alice, "private", visibility="private")
    path = f"/api/v1/accounts/{alice.id}/statuses"
    assert ids(bob.get(path)) == [pub["id"]]
    follow(bob, alice)
    assert ids(bob.get(path)) == [priv["id"], pub["id"]]
    assert ids(anon(server, path)) == [pub["id"]]


# ---- pagination ----

def test_pagination_45_statuses(server, alice):
    made = [post(alice, f"status {i}")["id"] for i in range(45)]
    newest = list(reversed(made))
    path = f"/api/v1/accounts/{alice.id}/statuses"
    for get, p in [(alice.get, TL_HOME), (alice.get, path),
                   (lambda u, **kw: requests.get(server.url(u), **kw), path)]:
        pages = walk(get, p)
        assert [len(x) for x in pages] == [20, 20, 5]
        assert sum(pages, []) == newest
        pages = walk(get, p, limit=40)
        assert [len(x) for x in pages] == [40, 5]
        assert sum(pages, []) == newest
    # 45 = 3 * 15: the last full page still links to an empty one.
    pages = walk(alice.get, TL_HOME, limit=15)
    assert [len(x) for x in pages] == [15, 15, 15, 0]
    assert sum(pages, []) == newest

    # Mastodon.py follows the Link header until it runs out.
    m = masto(server, alice)
    seen = []
    page = m.timeline_home(limit=7)
    while page:
        seen += [s["id"] for s in page]
        page = m.fetch_next(page)
    assert seen == [int(i) for i in newest]
    assert [s["id"] for s in m.fetch_remaining(m.account_statuses(alice.id))] == [
        int(i) for i in newest]

    # limit: default 20, at most 40; nonsense falls back to the default.
    for limit, n in [(None, 20), ("100", 40), ("40", 40), ("1", 1), ("0", 20), ("-3", 20),
                     ("abc", 20)]:
        params = {"limit": limit} if limit else {}
        assert ids(alice.get(TL_HOME, params=params)) == newest[:n]
        assert ids(anon(server, path, **params)) == newest[:n]

    # max_id: older than it; since_id: the newest above it; min_id: just above it.
    s = made  # oldest first
    assert ids(alice.get(TL_HOME, params={"max_id": s[10], "limit": 5})) == s[5:10][::-1]
    assert ids(alice.get(TL_HOME, params={"since_id": s[10], "limit": 5})) == s[40:45][::-1]
    assert ids(alice.get(TL_HOME, params={"min_id": s[10], "limit": 5})) == s[11:16][::-1]
    assert ids(alice.get(TL_HOME, params={"max_id": s[20], "since_id": s[10]})) == \
        s[11:20][::-1]
    assert ids(alice.get(TL_HOME, params={"max_id": s[20], "min_id": s[10], "limit": 3})) == \
        s[11:14][::-1]
    assert ids(alice.get(TL_HOME, params={"min_id": s[44]})) == []
    assert ids(alice.get(TL_HOME, params={"max_id": s[0]})) == []
    assert ids(anon(server, path, min_id=s[10], limit=5)) == s[11:16][::-1]
    assert ids(anon(server, path, since_id=s[10], limit=5)) == s[40:45][::-1]
    r = alice.get(TL_HOME, params={"min_id": s[10], "limit": 5})
    assert f"max_id={s[11]}" in r.links["next"]["url"]
    assert f"min_id={s[15]}" in r.links["prev"]["url"]
    assert "limit=5" in r.links["next"]["url"]

    # Mastodon.py's fetch_previous walks back up with min_id.
    page = m.timeline_home(max_id=s[10], limit=5)
    assert [x["id"] for x in page] == [int(i) for i in s[5:10][::-1]]
    prev = m.fetch_previous(page)
    assert [x["id"] for x in prev] == [int(i) for i in s[10:15][::-1]]
    newer = post(alice, "newer")
    top = m.timeline_home(limit=3, since_id=s[44])
    assert [x["id"] for x in top] == [int(newer["id"])]


def test_public_timeline_pagination(make_server):
    srv = make_server()
    u = srv.user()
    made = [post(u, f"p{i}")["id"] for i in range(45)]
    pages = walk(lambda p, **kw: requests.get(srv.url(p), **kw), TL_PUBLIC, local="true")
    assert [len(x) for x in pages] == [20, 20, 5]
    assert sum(pages, []) == made[::-1]
    r = anon(srv, TL_PUBLIC, local="true", limit=3)
    assert "local=true" in r.links["next"]["url"] and "limit=3" in r.links["next"]["url"]
    assert ids(anon(srv, TL_PUBLIC, min_id=made[3], limit=2)) == [made[5], made[4]]


def test_favourites_and_bookmarks_paginate_by_when(server, alice, bob):
    made = [post(bob, f"b{i}")["id"] for i in range(45)]
    # Favourite and bookmark in an order unlike the statuses' own.
    order = made[::2] + made[1::2]
    for sid in order:
        assert alice.post(f"/api/v1/statuses/{sid}/favourite").status_code == 200
        assert alice.post(f"/api/v1/statuses/{sid}/bookmark").status_code == 200
    for path in ["/api/v1/favourites", "/api/v1/bookmarks"]:
        pages = walk(alice.get, path, by_id=False)
        assert [len(x) for x in pages] == [20, 20, 5]
        assert sum(pages, []) == order[::-1]
        first = alice.get(path, params={"limit": 5})
        newer = alice.get(path, params={"min_id": first.links["prev"]["url"].split("min_id=")[1]})
        assert ids(newer) == []
        older = alice.get(first.links["next"]["url"].replace(server.base, ""))
        assert ids(older) == order[::-1][5:10]
    m = masto(server, alice)
    for first in [m.favourites(), m.bookmarks()]:
        assert [s["id"] for s in m.fetch_remaining(first)] == [int(i) for i in order[::-1]]
    assert bob.get("/api/v1/favourites").json() == []
    assert bob.get("/api/v1/bookmarks").json() == []


# ---- counts agree with the lists ----

def test_counts_match_what_the_api_lists(server, alice, bob):
    carol = server.user()
    root = post(alice, "root")
    replies = [post(u, f"r{i}", in_reply_to_id=root["id"]) for i, u in
               enumerate([bob, carol, alice, bob])]
    nested = post(carol, "nested", in_reply_to_id=replies[0]["id"])
    for u in (bob, carol):
        u.post(f"/api/v1/statuses/{root['id']}/favourite")
        u.post(f"/api/v1/statuses/{root['id']}/reblog")
    alice.post(f"/api/v1/statuses/{root['id']}/favourite")
    bob.delete(f"/api/v1/statuses/{replies[3]['id']}")
    carol.post(f"/api/v1/statuses/{root['id']}/unreblog")
    carol.post(f"/api/v1/statuses/{root['id']}/unfavourite")
    bob.delete(f"/api/v1/statuses/{replies[0]['id']}")  # nested reply stays

    def check(sid):
        s = get_status(alice, sid)
        ctx = alice.get(f"/api/v1/statuses/{sid}/context").json()
        children = [d for d in ctx["descendants"] if d["in_reply_to_id"] == sid]
        favs = requests.get(server.url(f"/api/v1/statuses/{sid}/favourited_by")).json()
        boosts = requests.get(server.url(f"/api/v1/statuses/{sid}/reblogged_by")).json()
        assert s["replies_count"] == len(children)
        assert s["favourites_count"] == len(favs)
        assert s["reblogs_count"] == len(boosts)
        return s["replies_count"], s["favourites_count"], s["reblogs_count"]

    assert check(root["id"]) == (2, 2, 1)
    assert check(replies[1]["id"]) == (0, 0, 0)
    assert get_status(alice, nested["id"])["in_reply_to_id"] == replies[0]["id"]
    for u, n in [(alice, 2), (bob, 1), (carol, 2)]:
        listed = ids(u.get(f"/api/v1/accounts/{u.id}/statuses", params={"limit": 40}))
        assert me(u)["statuses_count"] == len(listed) == n
        acct = requests.get(server.url(f"/api/v1/accounts/{u.id}")).json()
        assert acct["statuses_count"] == n
    # bob: r3 deleted, r0 deleted, one reblog kept; carol: r1, nested.
    assert [s["reblog"]["id"] for s in bob.get(
        f"/api/v1/accounts/{bob.id}/statuses").json() if s["reblog"]] == [root["id"]]


def test_timeline_scopes(server, alice):
    tok = server.token(alice.email, scopes="write")
    h = {"Authorization": "Bearer " + tok}
    for path in [TL_HOME, "/api/v1/favourites", "/api/v1/bookmarks"]:
        r = requests.get(server.url(path), headers=h)
        assert r.status_code == 403, path
        assert r.json() == {"error": "This action is outside the authorized scopes"}
    tok = server.token(alice.email, scopes="read:statuses")
    r = requests.get(server.url(TL_HOME), headers={"Authorization": "Bearer " + tok})
    assert r.status_code == 200
    r = requests.get(server.url("/api/v1/favourites"), headers={"Authorization": "Bearer " + tok})
    assert r.status_code == 403


def test_list_timeline_of_another_user_is_not_found(server, alice):
    for bad in ["99999999999", "abc"]:
        r = alice.get(f"/api/v1/timelines/list/{bad}")
        assert r.status_code == 404 and r.json() == {"error": "Record not found"}


def test_refused_reblog_adds_nothing_to_timelines(server, alice):
    s = post(alice, "x")
    assert_invalid(alice.post(f"/api/v1/statuses/{s['id']}/reblog",
                              data={"visibility": "bogus"}), "visibility")
    assert ids(alice.get(TL_HOME)) == [s["id"]]
    assert ids(alice.get(f"/api/v1/accounts/{alice.id}/statuses")) == [s["id"]]
    assert statuses_count(alice) == 1


# ---- blocks and mutes hide statuses ----

def relate(a, b, action):
    r = a.post(f"/api/v1/accounts/{b.id}/{action}")
    if r.status_code == 404:
        pytest.skip(f"POST /api/v1/accounts/:id/{action} is not implemented yet")
    assert r.status_code == 200, r.text


def test_blocks_hide_statuses_both_ways(server, alice, bob):
    carol = server.user()
    t = tag()
    follow(alice, bob)
    s = post(bob, f"bob's #{t}")
    boost = carol.post(f"/api/v1/statuses/{s['id']}/reblog").json()
    follow(alice, carol)
    mine = post(alice, f"alice's #{t}")
    relate(bob, alice, "block")  # bob blocks alice
    for path in [f"/api/v1/statuses/{s['id']}", f"/api/v1/statuses/{s['id']}/context",
                 f"/api/v1/statuses/{boost['id']}"]:
        assert alice.get(path).status_code == 404, path
    assert alice.post(f"/api/v1/statuses/{s['id']}/favourite").status_code == 404
    assert alice.post(f"/api/v1/statuses/{s['id']}/reblog").status_code == 404
    assert alice.post("/api/v1/statuses", data={"status": "x", "in_reply_to_id": s["id"]}
                      ).status_code == 404
    assert s["id"] not in ids(alice.get(TL_HOME))
    assert boost["id"] not in ids(alice.get(TL_HOME))  # a reblog of the blocker too
    assert ids(alice.get(f"/api/v1/timelines/tag/{t}")) == [mine["id"]]
    assert ids(bob.get(f"/api/v1/timelines/tag/{t}")) == [s["id"]]
    assert ids(alice.get(f"/api/v1/accounts/{bob.id}/statuses")) == []
    assert get_status(bob, s["id"])["favourites_count"] == 0
    # Anonymous readers still see public statuses.
    assert ids(anon(server, f"/api/v1/timelines/tag/{t}")) == [mine["id"], s["id"]]
    relate(bob, alice, "unblock")
    assert get_status(alice, s["id"])["id"] == s["id"]


def test_mutes_hide_from_home_and_public_only(server, alice, bob):
    t = tag()
    follow(alice, bob)
    s = post(bob, f"muted voice #{t}")
    relate(alice, bob, "mute")
    assert s["id"] not in ids(alice.get(TL_HOME))
    assert ids(alice.get(f"/api/v1/timelines/tag/{t}")) == []
    assert get_status(alice, s["id"])["id"] == s["id"]
    assert ids(alice.get(f"/api/v1/accounts/{bob.id}/statuses")) == [s["id"]]
    relate(alice, bob, "unmute")
    assert ids(alice.get(TL_HOME))[0] == s["id"]


def test_link_header_of_a_unicode_tag_is_ascii_and_followable(server, alice):
    u = "größe" + uuid.uuid4().hex[:6]
    made = [post(alice, f"#{u} {i}")["id"] for i in range(3)]
    r = anon(server, f"/api/v1/timelines/tag/{u}", limit=2)
    assert ids(r) == made[::-1][:2]
    link = r.raw.headers["Link"]
    assert link.isascii(), link
    assert ids(requests.get(r.links["next"]["url"])) == [made[0]]
