"""The Conversations feed through real clients: the ranking and its `why`
(a reply from someone you talk with, then a mutual's thread, then
broadcasts folded into one item; likes earn nothing), the built-in list
"Conversations" every user has and cannot change, its timeline through
Mastodon.py, paging with the Link header while others post (no duplicates,
no gaps), and bad input. /api/v1/timelines/home stays chronological."""
import pytest
import requests
from conftest import NOT_FOUND, masto, with_scopes

FEED = "/api/rapport/v1/timelines/conversations"


def follow(a, b):
    r = a.post(f"/api/v1/accounts/{b.id}/follow")
    assert r.status_code == 200, r.text


def post(user, text, **params):
    r = user.post("/api/v1/statuses", data=dict(params, status=text))
    assert r.status_code == 200, r.text
    return r.json()


def feed(user, path=FEED, **params):
    r = user.get(path, params=params)
    assert r.status_code == 200, r.text
    return r


@pytest.fixture
def talk(server):
    """ann follows ben (mutual, and they talk: a 4-turn thread), cid (a
    broadcaster ann follows) and dee (mutual, no talk)."""
    ann, ben, cid, dee = (server.user() for _ in range(4))
    for a, b in ((ann, ben), (ben, ann), (ann, cid), (ann, dee), (dee, ann)):
        follow(a, b)
    root = post(ann, "what do you all think of the new bridge?")
    r1 = post(ben, "I like it, the cycle lane is great", in_reply_to_id=root["id"])
    r2 = post(ann, "the lane is narrow though", in_reply_to_id=r1["id"])
    r3 = post(ben, "true, at the north end", in_reply_to_id=r2["id"])
    casts = [post(cid, f"buy my newsletter, issue {i}") for i in range(4)]
    thread = post(dee, "starting a reading group on Sunday")
    # Likes alone earn nothing: cid's broadcasts get every like there is.
    for u in (ann, ben, dee):
        for c in casts:
            assert u.post(f"/api/v1/statuses/{c['id']}/favourite").status_code == 200
    return dict(ann=ann, ben=ben, cid=cid, dee=dee, root=root, r2=r2, replies=[r1, r3], casts=casts,
                thread=thread)


def test_ranking_why_and_collapse(talk):
    items = feed(talk["ann"]).json()
    ids = [s["id"] for s in items]
    why = {s["id"]: s["rapport"] for s in items}
    r1, r3 = (r["id"] for r in talk["replies"])
    # Replies to ann from someone she talks with come first, newest first
    # among equals; then dee's new thread; then cid's broadcasts, folded.
    assert ids[:2] == [r3, r1]
    assert why[r3] == {"why": "replied to you · you talk · 4-turn thread"}
    assert ids[2] == talk["thread"]["id"]
    assert why[ids[2]] == {"why": "mutual"}
    newest_cast = talk["casts"][-1]["id"]
    assert ids[3:] == [newest_cast]
    name = talk["cid"].name
    assert why[newest_cast] == {"why": "broadcast", "more": f"+3 more from {name}"}
    # ann's own statuses are in her home feed, not here.
    assert all(s["account"]["id"] != talk["ann"].id for s in items)


def test_home_stays_chronological(talk):
    home = feed(talk["ann"], "/api/v1/timelines/home", limit=40).json()
    ids = [int(s["id"]) for s in home]
    assert ids == sorted(ids, reverse=True)
    assert all("why" not in s.get("rapport", {}) for s in home)


def test_builtin_list_with_mastodon_py(talk):
    m = masto(talk["ann"].server, talk["ann"])
    lists = m.lists()
    assert lists[0]["title"] == "Conversations"
    lid = lists[0]["id"]
    assert m.list(lid)["title"] == "Conversations"
    assert m.list_accounts(lid) == []
    via_list = [str(s["id"]) for s in m.timeline_list(lid, limit=40)]
    assert via_list == [s["id"] for s in feed(talk["ann"], limit=40).json()]
    # It holds no one: the account's lists never name it.
    assert m.account_lists(talk["ben"].id) == []
    assert str(m.timeline_list(lid, limit=1)[0]["rapport"]["why"]).startswith("replied to you")
    # Everyone has it.
    assert masto(talk["ben"].server, talk["ben"]).lists()[0]["id"] == lid


def test_builtin_list_cannot_be_changed(talk):
    ann, ben = talk["ann"], talk["ben"]
    lid = ann.get("/api/v1/lists").json()[0]["id"]
    for r in (ann.put(f"/api/v1/lists/{lid}", data={"title": "mine"}),
              ann.delete(f"/api/v1/lists/{lid}"),
              ann.post(f"/api/v1/lists/{lid}/accounts", data={"account_ids[]": ben.id}),
              ann.delete(f"/api/v1/lists/{lid}/accounts", data={"account_ids[]": ben.id})):
        assert r.status_code == 422, r.text
        assert "Conversations list is built in" in r.json()["error"]
    lists = ann.get("/api/v1/lists").json()
    assert lists[0] == {"id": lid, "title": "Conversations", "replies_policy": "followed",
                        "exclusive": False}
    assert ann.get(f"/api/v1/lists/{lid}/accounts").json() == []
    # It does not count against the 50 lists, and real lists follow it.
    made = ann.post("/api/v1/lists", data={"title": "friends"}).json()
    assert [x["id"] for x in ann.get("/api/v1/lists").json()] == [lid, made["id"]]


def test_paging_while_others_post(server, talk):
    """fetch_next over the whole feed, five at a time, while others keep
    replying to the reader and posting: exactly the first page's ranking,
    each status once; what arrived shows on the next first page."""
    ann, ben, dee = talk["ann"], talk["ben"], talk["dee"]
    roots = [post(ann, f"question {i}: tea or coffee?") for i in range(12)]
    for r in roots:  # replies to ann never fold: each is its own item
        post(ben, "tea", in_reply_to_id=r["id"])
        post(dee, "coffee", in_reply_to_id=r["id"])
    whole = [s["id"] for s in feed(ann, limit=40).json()]
    assert len(whole) > 20
    m = masto(server, ann)
    page = m.timeline_list(1, limit=5)
    seen = [str(s["id"]) for s in page]
    new = []
    while True:
        new.append(post(ben, "and another thing", in_reply_to_id=roots[len(new) % 12]["id"]))
        new.append(post(dee, "fresh news"))
        page = m.fetch_next(page)
        if not page:
            break
        assert len(page) <= 5
        seen += [str(s["id"]) for s in page]
    assert len(set(seen)) == len(seen)
    assert seen == whole
    # The newest reply from someone ann talks with leads a fresh feed.
    fresh = [s["id"] for s in feed(ann, limit=40).json()]
    assert fresh[0] == new[-2]["id"]


def test_prev_link_ranks_what_is_newer(talk):
    ann, ben = talk["ann"], talk["ben"]
    r = feed(ann, limit=3)
    prev = r.links["prev"]["url"]
    assert "min_id=" in prev
    reply = post(ben, "one more", in_reply_to_id=talk["r2"]["id"])
    newer = ann.get(prev.split(ann.server.base, 1)[1]).json()
    assert [s["id"] for s in newer] == [reply["id"]]
    assert newer[0]["rapport"]["why"].startswith("replied to you · you talk")


def test_deleted_and_blocked_are_skipped(talk):
    ann, ben, dee = talk["ann"], talk["ben"], talk["dee"]
    first = feed(ann, limit=1)
    nxt = first.links["next"]["url"].split(ann.server.base, 1)[1]
    assert ben.delete(f"/api/v1/statuses/{talk['replies'][0]['id']}").status_code == 200
    assert ann.post(f"/api/v1/accounts/{dee.id}/block").status_code == 200
    rest = ann.get(nxt.replace("limit=1", "limit=40")).json()
    ids = [s["id"] for s in rest]
    assert talk["replies"][0]["id"] not in ids
    assert talk["thread"]["id"] not in ids
    assert ids == [talk["casts"][-1]["id"]]


def test_a_cursor_is_the_viewers_own(server, talk):
    """Another user's cursor names no snapshot of yours: you get your own
    feed, never theirs."""
    ann, ben = talk["ann"], talk["ben"]
    nxt = feed(ann, limit=1).links["next"]["url"].split(ann.server.base, 1)[1]
    eve = server.user()
    assert feed(eve).json() == []
    assert eve.get(nxt).json() == []
    bens = {s["id"] for s in feed(ben, limit=40).json()}
    assert {s["id"] for s in ben.get(nxt).json()} <= bens


def test_bad_input(server, talk):
    ann = talk["ann"]
    r = requests.get(server.url(FEED))
    assert r.status_code == 401 and "error" in r.json()
    # Malformed paging parameters are ignored, as on Mastodon's timelines.
    for params in ({"max_id": "abc"}, {"limit": "-3"}, {"since_id": "x"}, {"max_id": "1"},
                   {"max_id": "99999999999999999999"}):
        r = ann.get(FEED, params=params)
        assert r.status_code == 200, (params, r.text)
        assert isinstance(r.json(), list)
    # A status id as max_id ranks what is older than it.
    older = feed(ann, max_id=talk["thread"]["id"], limit=40).json()
    assert all(int(s["id"]) < int(talk["thread"]["id"]) for s in older)
    # Scopes: the feed reads statuses; the list's timeline reads lists.
    only_lists = with_scopes(server, ann, "read:lists")
    assert only_lists.get(FEED).status_code == 403
    assert only_lists.get("/api/v1/timelines/list/1").status_code == 200
    # Someone else's real list is still not found.
    other = talk["ben"].post("/api/v1/lists", data={"title": "x"}).json()
    r = ann.get(f"/api/v1/timelines/list/{other['id']}")
    assert r.status_code == 404 and r.json() == NOT_FOUND
