"""The authorization matrix of the reading endpoints: for every visibility
(public, unlisted, private, direct) and every kind of viewer (the author, an
accepted follower, a pending follower, a stranger, someone the status
mentions, someone the author blocked, someone who blocked the author, and
an anonymous client), whether each endpoint shows the status. One world is
built per module; every cell is one parametrized test named
"<visibility>-<viewer>-<endpoint>-<expected>" (expected: shown, hidden, 401
or 403), so a failure names the exact leak.

The rule (Mastodon's): public and unlisted statuses are seen by everyone,
private ones by the author, accepted followers and the mentioned, direct
ones by the author and the mentioned; a block either way hides everything
from the other side (the author still sees their own). The blocked viewer
and the blocker both followed the author and are mentioned in every status
until the block, so each hidden cell of theirs hides something they had
seen (test_blocked_viewers_saw_everything_before_the_block proves it).

The file ends with the writes: someone else's status cannot be edited or
deleted, someone else's list, conversation or notification is "not found",
and in each case nothing changed."""
import uuid
from types import SimpleNamespace

import pytest
import requests
from conftest import NOT_FOUND

VISIBILITIES = ["public", "unlisted", "private", "direct"]
VIEWERS = ["author", "follower", "pending", "nonfollower", "mentioned", "blocked", "blocker",
           "anonymous"]
# The viewers that are signed-in users (everyone but "anonymous").
USERS = VIEWERS[:-1]
# Who every status of the world mentions (before the blocks, all three
# could see everything).
MENTIONED = ("mentioned", "blocked", "blocker")

UNAUTHENTICATED = {"error": "This method requires an authenticated user"}
NOT_ALLOWED = {"error": "This action is not allowed"}

SHOWN, HIDDEN, UNAUTH, FORBIDDEN = "shown", "hidden", "401", "403"


# ---- the rule ----

def can_see(vis, viewer):
    """Mastodon's visibility rule for one status of the author's."""
    if viewer == "author":
        return True
    if viewer in ("blocked", "blocker"):
        return False
    if vis in ("public", "unlisted"):
        return True
    if vis == "private":
        return viewer in ("follower", "mentioned")
    return viewer == "mentioned"


def shown(cond):
    return SHOWN if cond else HIDDEN


def signed_in(fn):
    """Endpoints only for signed-in users: anonymous clients get 401."""
    return lambda vis, viewer: UNAUTH if viewer == "anonymous" else fn(vis, viewer)


def home_rule(vis, viewer):
    # Fan-out on write: followers get public, unlisted and private statuses,
    # the mentioned get direct ones; a mention alone puts nothing else in a
    # home, and a pending request puts nothing there.
    if viewer == "author":
        return SHOWN
    if viewer == "follower":
        return shown(vis != "direct")
    if viewer == "mentioned":
        return shown(vis == "direct")
    return HIDDEN


def reblog_rule(vis, viewer):
    # Seen: public and unlisted can be reblogged, private only by its author,
    # direct never (403); unseen: 404.
    if not can_see(vis, viewer):
        return HIDDEN
    if vis in ("public", "unlisted") or (vis == "private" and viewer == "author"):
        return SHOWN
    return FORBIDDEN


def list_rule(vis, viewer):
    # Only the follower could put the author on a list (the others were
    # refused, the blocked and the blocker lost the author with the follow);
    # lists carry what their owner sees, direct messages excepted.
    if viewer == "author":
        return None  # no one follows themselves: no list to read
    return shown(viewer == "follower" and vis != "direct" and can_see(vis, viewer))


# Endpoint -> rule(vis, viewer) giving SHOWN, HIDDEN, UNAUTH, FORBIDDEN, or None for
# "no such cell".
EXPECT = {
    # GET /api/v1/statuses/:id (404 when hidden).
    "status": lambda v, w: shown(can_see(v, w)),
    # GET /api/v1/statuses/:id/context of the status itself (404 when hidden).
    "context": lambda v, w: shown(can_see(v, w)),
    # The status as a descendant of a visible public root (by someone else).
    "context_descendant": lambda v, w: shown(can_see(v, w)),
    # The status as the ancestor of a visible public reply (by someone else).
    "context_ancestor": lambda v, w: shown(can_see(v, w)),
    "favourited_by": lambda v, w: shown(can_see(v, w)),
    "reblogged_by": lambda v, w: shown(can_see(v, w)),
    "history": lambda v, w: shown(can_see(v, w)),
    # The source is the author's alone; other users get 404.
    "source": signed_in(lambda v, w: shown(w == "author")),
    "home": signed_in(home_rule),
    "home_min_id": signed_in(home_rule),
    # The local public timeline and hashtag timelines carry public statuses only.
    "public": lambda v, w: shown(v == "public" and can_see(v, w)),
    "tag": lambda v, w: shown(v == "public" and can_see(v, w)),
    "account_statuses": lambda v, w: shown(can_see(v, w)),
    # The same list read upwards (min_id), and filtered by its hashtag.
    "account_statuses_min_id": lambda v, w: shown(can_see(v, w)),
    "account_tagged": lambda v, w: shown(can_see(v, w)),
    # The author pinned every status but the direct one (which cannot be).
    "pinned": lambda v, w: shown(can_see(v, w)) if v != "direct" else None,
    # Someone else's public reblog of the status: shown with the original.
    "reblog": lambda v, w: shown(can_see(v, w)) if v in ("public", "unlisted") else None,
    "reblog_in_account_statuses":
        lambda v, w: shown(can_see(v, w)) if v in ("public", "unlisted") else None,
    # POST favourite / bookmark after the blocks: 200 iff the viewer sees it.
    "favourite": signed_in(lambda v, w: shown(can_see(v, w))),
    "bookmark": signed_in(lambda v, w: shown(can_see(v, w))),
    # POST reblog, and a reply (POST /statuses with in_reply_to_id), after
    # the blocks; both undone at once.
    "reblog_post": signed_in(reblog_rule),
    "reply_post": signed_in(lambda v, w: shown(can_see(v, w))),
    "favourites": signed_in(lambda v, w: shown(can_see(v, w))),
    "bookmarks": signed_in(lambda v, w: shown(can_see(v, w))),
    "list": signed_in(list_rule),
    # Only public and unlisted statuses are indexed; statuses search is for
    # signed-in users (Mastodon gives anonymous searchers no statuses).
    "search": lambda v, w: shown(v in ("public", "unlisted") and w != "anonymous"
                                 and can_see(v, w)),
    # The word the status had before its edit matches nothing any more.
    "search_old_word": lambda v, w: HIDDEN,
    "conversations": signed_in(lambda v, w: shown(v == "direct" and can_see(v, w))),
    # A mention notification iff mentioned and able to see the status.
    "notifications": signed_in(lambda v, w: shown(w in MENTIONED and can_see(v, w))),
    # GET /api/v1/notifications/:id of one's own mention notification (made
    # before the blocks).
    "notification_get": lambda v, w: shown(can_see(v, w)) if w in MENTIONED else None,
    # POST /api/v1/conversations/:id/read of one's own conversation of the
    # direct status (made before the blocks): the last status shown iff seen.
    "conversation_read":
        lambda v, w: shown(can_see(v, w)) if v == "direct" and w in
        ("author",) + MENTIONED else None,
}

ROWS = [(vis, viewer, endpoint, EXPECT[endpoint](vis, viewer))
        for endpoint in EXPECT for vis in VISIBILITIES for viewer in VIEWERS
        if EXPECT[endpoint](vis, viewer) is not None]


# ---- helpers ----

def call(world, viewer, method, path, **kw):
    if viewer == "anonymous":
        return requests.request(method, world.server.url(path), **kw)
    return world.users[viewer].request(method, path, **kw)


def evidence(r):
    return f"HTTP {r.status_code} {r.request.method} {r.url}: {r.text[:400]}"


def ok(r):
    assert r.status_code == 200, evidence(r)
    return r.json()


def classify(r, check_body=None):
    """SHOWN for 200 (check_body(json) must hold), HIDDEN for a JSON 404,
    UNAUTH for a JSON 401; anything else is returned as the evidence."""
    if r.status_code == 200:
        body = r.json()
        if check_body and not check_body(body):
            return "200 with the wrong body: " + evidence(r)
        return SHOWN
    if r.status_code == 404 and r.json() == NOT_FOUND:
        return HIDDEN
    if r.status_code == 401 and r.json() == UNAUTHENTICATED:
        return UNAUTH
    if r.status_code == 403 and r.json() == NOT_ALLOWED:
        return FORBIDDEN
    return "unexpected answer: " + evidence(r)


def carries(item, sid):
    """Whether a status entity is sid or a reblog of it."""
    if not item:
        return False
    return item["id"] == sid or bool(item.get("reblog") and item["reblog"]["id"] == sid)


def collect(world, viewer, path, params=None, limit=40):
    """Every item of a paginated list, following the Link header's next
    page until a short page. Returns (response of the first page, items)."""
    params = dict(params or {}, limit=limit)
    first = r = call(world, viewer, "GET", path, params=params)
    items = []
    for _ in range(20):
        if r.status_code != 200:
            return first, None
        page = r.json()
        items += page
        if len(page) < limit or "next" not in r.links:
            break
        r = call(world, viewer, "GET", r.links["next"]["url"].split(world.server.base, 1)[1])
    return first, items


def in_list(world, viewer, sid, path, params=None, key=lambda item: item, limit=40):
    r, items = collect(world, viewer, path, params, limit)
    if items is None:
        return classify(r)
    return shown(any(carries(key(i), sid) for i in items))


# ---- the world ----

def post(user, text, **params):
    return ok(user.post("/api/v1/statuses", data=dict(params, status=text)))


def make_people(server, w):
    """The users; a locked author whom the follower, the blocked and the
    blocker follow (requests authorized) and the pending viewer asked to."""
    w.users = {name: server.user() for name in USERS}
    w.x = server.user()  # a neutral third party: roots and replies, a reblog
    author = w.users["author"]
    ok(author.patch("/api/v1/accounts/update_credentials", data={"locked": "true"}))
    for who in ("follower", "pending", "blocked", "blocker"):
        rel = ok(w.users[who].post(f"/api/v1/accounts/{author.id}/follow"))
        assert rel["following"] is False and rel["requested"] is True, rel
    for who in ("follower", "blocked", "blocker"):
        ok(author.post(f"/api/v1/follow_requests/{w.users[who].id}/authorize"))
    # The mentioned has never talked with the author: without this policy
    # the author's messages would wait in their requests (docs/SOCIAL.md).
    ok(w.users["mentioned"].patch("/api/v2/notifications/policy", data={
        "for_not_following": "accept", "for_private_mentions": "accept"}))
    # Each viewer's list, with the author put on it where following allows.
    w.lists, w.list_add = {}, {}
    for who in USERS[1:]:
        user = w.users[who]
        w.lists[who] = ok(user.post("/api/v1/lists", data={"title": f"{who} {w.uid}"}))["id"]
        w.list_add[who] = user.post(f"/api/v1/lists/{w.lists[who]}/accounts",
                                    data={"account_ids[]": [author.id]})


def make_statuses(w):
    """The author's statuses, one of each visibility per role, each
    mentioning the mentioned, the blocked and the blocker."""
    author, x, uid = w.users["author"], w.x, w.uid
    mentions = " ".join("@" + w.users[who].name for who in MENTIONED)
    # Targets of the write tests, posted first so the read world's direct
    # status is the newest of its conversation.
    w.write = {}
    for v in VISIBILITIES:
        text = f"{mentions} write target {v} {uid}"
        w.write[v] = dict(post(author, text, visibility=v), source=text)
    # Threads: a public root by x, the author's status replying to it, and
    # x's public reply to that (x is mentioned, so x can always reply).
    w.root, w.mid, w.child = {}, {}, {}
    for v in VISIBILITIES:
        w.root[v] = post(x, f"root {v} {uid}")["id"]
        w.mid[v] = post(author, f"{mentions} @{x.name} thread {v} {uid}", visibility=v,
                        in_reply_to_id=w.root[v])["id"]
        w.child[v] = post(x, f"reply {v} {uid}", in_reply_to_id=w.mid[v])["id"]
    # The statuses under test, each with its own hashtag and search word,
    # edited once (so /history has two versions and search the new word).
    w.st, w.tags, w.words, w.old_words = {}, {}, {}, {}
    for v in VISIBILITIES:
        w.tags[v], w.words[v], w.old_words[v] = f"tag{uid}{v}", f"word{uid}{v}", f"old{uid}{v}"
        w.st[v] = post(author, f"{mentions} #{w.tags[v]} {w.old_words[v]}", visibility=v)["id"]
        edited = ok(author.put(f"/api/v1/statuses/{w.st[v]}",
                               data={"status": f"{mentions} #{w.tags[v]} {w.words[v]}"}))
        assert edited["edited_at"] and w.words[v] in edited["content"], edited
    for v in ("public", "unlisted", "private"):
        assert ok(author.post(f"/api/v1/statuses/{w.st[v]}/pin"))["pinned"] is True
    w.reblogs = {v: ok(x.post(f"/api/v1/statuses/{w.st[v]}/reblog"))["id"]
                 for v in ("public", "unlisted")}
    # Lists of statuses are read from just below the world's first status.
    w.floor = str(int(w.write["public"]["id"]) - 1)


def record_before_blocks(w):
    """The notifications and conversations the matrix reads by id, and what
    the blocked and the blocker saw before the blocks (they follow the
    author and are mentioned everywhere: everything)."""
    w.notif, w.conv, w.before = {}, {}, {}
    for who in MENTIONED:
        r, items = collect(w, who, "/api/v1/notifications", {"types[]": "mention"}, limit=30)
        w.notif[who] = {n["status"]["id"]: n["id"] for n in items}
    for who in ("author",) + MENTIONED:
        r, items = collect(w, who, "/api/v1/conversations")
        w.conv[who] = [c["id"] for c in items
                       if c["last_status"] and c["last_status"]["id"] == w.st["direct"]]
        assert len(w.conv[who]) == 1, (who, items)
    for who in ("blocked", "blocker"):
        user, seen = w.users[who], {}
        for v in VISIBILITIES:
            sid = w.st[v]
            seen[v] = {
                "status": user.get(f"/api/v1/statuses/{sid}").status_code,
                "favourite": user.post(f"/api/v1/statuses/{sid}/favourite").status_code,
                "bookmark": user.post(f"/api/v1/statuses/{sid}/bookmark").status_code,
                "home": in_list(w, who, sid, "/api/v1/timelines/home", {"since_id": w.floor}),
                "list": in_list(w, who, sid, f"/api/v1/timelines/list/{w.lists[who]}"),
                "favourites": in_list(w, who, sid, "/api/v1/favourites"),
                "bookmarks": in_list(w, who, sid, "/api/v1/bookmarks"),
                "notifications": in_list(w, who, sid, "/api/v1/notifications",
                                         {"types[]": "mention"},
                                         key=lambda n: n.get("status"), limit=30),
                "conversations": in_list(w, who, sid, "/api/v1/conversations",
                                         key=lambda c: c["last_status"]),
            }
        w.before[who] = seen


def act_after_blocks(w):
    """Everyone tries to favourite, bookmark, reblog and reply to every
    status; the reblogs and replies that succeed are undone at once."""
    w.acts = {}
    for v in VISIBILITIES:
        sid = w.st[v]
        for who in VIEWERS:
            for act in ("favourite", "bookmark"):
                w.acts[v, who, act] = call(w, who, "POST", f"/api/v1/statuses/{sid}/{act}")
            r = w.acts[v, who, "reblog_post"] = call(w, who, "POST",
                                                     f"/api/v1/statuses/{sid}/reblog")
            if r.status_code == 200:
                ok(call(w, who, "POST", f"/api/v1/statuses/{sid}/unreblog"))
            r = w.acts[v, who, "reply_post"] = call(
                w, who, "POST", "/api/v1/statuses",
                data={"status": f"reply by {who}", "visibility": "private",
                      "in_reply_to_id": sid})
            if r.status_code == 200:
                ok(call(w, who, "DELETE", f"/api/v1/statuses/{r.json()['id']}"))


@pytest.fixture(scope="module")
def world(server):
    w = SimpleNamespace(server=server, uid=uuid.uuid4().hex[:8])
    make_people(server, w)
    make_statuses(w)
    record_before_blocks(w)
    author = w.users["author"]
    ok(author.post(f"/api/v1/accounts/{w.users['blocked'].id}/block"))
    ok(w.users["blocker"].post(f"/api/v1/accounts/{author.id}/block"))
    act_after_blocks(w)
    # What the write tests must leave unchanged.
    w.author_statuses_count = ok(author.get("/api/v1/accounts/verify_credentials"))[
        "statuses_count"]
    return w


# ---- the checks, one per endpoint: (world, vis, viewer) -> observed ----

def check_status(w, vis, viewer):
    sid = w.st[vis]
    return classify(call(w, viewer, "GET", f"/api/v1/statuses/{sid}"),
                    lambda b: b["id"] == sid and b["visibility"] == vis)


def check_context(w, vis, viewer):
    return classify(call(w, viewer, "GET", f"/api/v1/statuses/{w.st[vis]}/context"),
                    lambda b: set(b) == {"ancestors", "descendants"})


def thread_member(w, vis, viewer, container, part):
    r = call(w, viewer, "GET", f"/api/v1/statuses/{container}/context")
    if r.status_code != 200:  # the container is public and by x: never hidden
        return "the visible container answered: " + evidence(r)
    return shown(any(s["id"] == w.mid[vis] for s in r.json()[part]))


def check_context_descendant(w, vis, viewer):
    return thread_member(w, vis, viewer, w.root[vis], "descendants")


def check_context_ancestor(w, vis, viewer):
    return thread_member(w, vis, viewer, w.child[vis], "ancestors")


def account_list_check(suffix):
    def check(w, vis, viewer):
        return classify(call(w, viewer, "GET", f"/api/v1/statuses/{w.st[vis]}/{suffix}"),
                        lambda b: isinstance(b, list))
    return check


def check_history(w, vis, viewer):
    return classify(call(w, viewer, "GET", f"/api/v1/statuses/{w.st[vis]}/history"),
                    lambda b: len(b) == 2 and w.words[vis] in b[1]["content"])


def check_source(w, vis, viewer):
    return classify(call(w, viewer, "GET", f"/api/v1/statuses/{w.st[vis]}/source"),
                    lambda b: b["id"] == w.st[vis] and w.words[vis] in b["text"])


def check_home(w, vis, viewer):
    return in_list(w, viewer, w.st[vis], "/api/v1/timelines/home", {"since_id": w.floor})


def check_public(w, vis, viewer):
    return in_list(w, viewer, w.st[vis], "/api/v1/timelines/public",
                   {"local": "true", "since_id": w.floor})


def check_tag(w, vis, viewer):
    return in_list(w, viewer, w.st[vis], f"/api/v1/timelines/tag/{w.tags[vis]}")


def check_account_statuses(w, vis, viewer):
    return in_list(w, viewer, w.st[vis], f"/api/v1/accounts/{w.users['author'].id}/statuses",
                   {"since_id": w.floor})


def check_home_min_id(w, vis, viewer):
    return in_list(w, viewer, w.st[vis], "/api/v1/timelines/home", {"min_id": w.floor})


def check_account_statuses_min_id(w, vis, viewer):
    return in_list(w, viewer, w.st[vis], f"/api/v1/accounts/{w.users['author'].id}/statuses",
                   {"min_id": w.floor})


def check_account_tagged(w, vis, viewer):
    return in_list(w, viewer, w.st[vis], f"/api/v1/accounts/{w.users['author'].id}/statuses",
                   {"tagged": w.tags[vis]})


def check_pinned(w, vis, viewer):
    return in_list(w, viewer, w.st[vis], f"/api/v1/accounts/{w.users['author'].id}/statuses",
                   {"pinned": "true"})


def check_reblog_post(w, vis, viewer):
    return classify(w.acts[vis, viewer, "reblog_post"],
                    lambda b: b["reblog"] and b["reblog"]["id"] == w.st[vis])


def check_reply_post(w, vis, viewer):
    return classify(w.acts[vis, viewer, "reply_post"],
                    lambda b: b["in_reply_to_id"] == w.st[vis])


def check_notification_get(w, vis, viewer):
    return classify(call(w, viewer, "GET", f"/api/v1/notifications/"
                         f"{w.notif[viewer][w.st[vis]]}"),
                    lambda b: b["type"] == "mention" and b["status"]["id"] == w.st[vis])


def check_conversation_read(w, vis, viewer):
    r = call(w, viewer, "POST", f"/api/v1/conversations/{w.conv[viewer][0]}/read")
    if r.status_code != 200:  # one's own conversation is never "not found"
        return "own conversation answered: " + evidence(r)
    return shown(carries(r.json()["last_status"], w.st[vis]))


def check_reblog(w, vis, viewer):
    return classify(call(w, viewer, "GET", f"/api/v1/statuses/{w.reblogs[vis]}"),
                    lambda b: b["reblog"]["id"] == w.st[vis])


def check_reblog_in_account_statuses(w, vis, viewer):
    r, items = collect(w, viewer, f"/api/v1/accounts/{w.x.id}/statuses",
                       {"since_id": w.floor})
    if items is None:
        return classify(r)
    return shown(any(i["id"] == w.reblogs[vis] or carries(i, w.st[vis]) for i in items))


def act_check(act):
    def check(w, vis, viewer):
        return classify(w.acts[vis, viewer, act], lambda b: b["id"] == w.st[vis])
    return check


def check_favourites(w, vis, viewer):
    return in_list(w, viewer, w.st[vis], "/api/v1/favourites")


def check_bookmarks(w, vis, viewer):
    return in_list(w, viewer, w.st[vis], "/api/v1/bookmarks")


def check_list(w, vis, viewer):
    if viewer == "anonymous":  # no list of its own: try the follower's
        return classify(call(w, viewer, "GET", f"/api/v1/timelines/list/{w.lists['follower']}"))
    return in_list(w, viewer, w.st[vis], f"/api/v1/timelines/list/{w.lists[viewer]}")


def search_check(words):
    def check(w, vis, viewer):
        r = call(w, viewer, "GET", "/api/v2/search",
                 params={"q": getattr(w, words)[vis], "type": "statuses"})
        if r.status_code != 200:
            return classify(r)
        return shown(any(carries(s, w.st[vis]) for s in r.json()["statuses"]))
    return check


def check_conversations(w, vis, viewer):
    return in_list(w, viewer, w.st[vis], "/api/v1/conversations",
                   key=lambda c: c["last_status"])


def check_notifications(w, vis, viewer):
    return in_list(w, viewer, w.st[vis], "/api/v1/notifications", {"types[]": "mention"},
                   key=lambda n: n.get("status"), limit=30)


CHECKS = {
    "status": check_status,
    "context": check_context,
    "context_descendant": check_context_descendant,
    "context_ancestor": check_context_ancestor,
    "favourited_by": account_list_check("favourited_by"),
    "reblogged_by": account_list_check("reblogged_by"),
    "history": check_history,
    "source": check_source,
    "home": check_home,
    "public": check_public,
    "tag": check_tag,
    "account_statuses": check_account_statuses,
    "account_statuses_min_id": check_account_statuses_min_id,
    "account_tagged": check_account_tagged,
    "pinned": check_pinned,
    "home_min_id": check_home_min_id,
    "reblog_post": check_reblog_post,
    "reply_post": check_reply_post,
    "notification_get": check_notification_get,
    "conversation_read": check_conversation_read,
    "reblog": check_reblog,
    "reblog_in_account_statuses": check_reblog_in_account_statuses,
    "favourite": act_check("favourite"),
    "bookmark": act_check("bookmark"),
    "favourites": check_favourites,
    "bookmarks": check_bookmarks,
    "list": check_list,
    "search": search_check("words"),
    "search_old_word": search_check("old_words"),
    "conversations": check_conversations,
    "notifications": check_notifications,
}
assert set(CHECKS) == set(EXPECT)


# ---- the matrix ----

def test_world_setup(world):
    """The relationships the matrix relies on: the pending request is still
    pending, the blocks are in place, and only followers could list the
    author (the others were told why)."""
    users, author = world.users, world.users["author"]
    rels = ok(author.get("/api/v1/accounts/relationships",
                         params={"id[]": [users[w].id for w in USERS[1:]]}))
    got = {r["id"]: (r["following"], r["followed_by"], r["requested_by"], r["blocking"],
                     r["blocked_by"]) for r in rels}
    assert [got[users[w].id] for w in USERS[1:]] == [
        (False, True, False, False, False),   # follower
        (False, False, True, False, False),   # pending
        (False, False, False, False, False),  # nonfollower
        (False, False, False, False, False),  # mentioned
        (False, False, False, True, False),   # blocked
        (False, False, False, False, True),   # blocker
    ], rels
    for who in USERS[1:]:
        r = world.list_add[who]
        if who in ("follower", "blocked", "blocker"):
            assert r.status_code == 200, evidence(r)
        else:
            assert r.status_code == 422, evidence(r)
            assert "must follow" in r.json()["error"], evidence(r)


def test_blocked_viewers_saw_everything_before_the_block(world):
    """Every hidden cell of the blocked and the blocker hides something they
    had: the block must take it away, not merely never have given it."""
    for who in ("blocked", "blocker"):
        for v in VISIBILITIES:
            seen = world.before[who][v]
            assert seen["status"] == 200, (who, v, seen)
            assert seen["favourite"] == 200 and seen["bookmark"] == 200, (who, v, seen)
            assert seen["favourites"] == SHOWN and seen["bookmarks"] == SHOWN, (who, v, seen)
            assert seen["notifications"] == SHOWN, (who, v, seen)
            assert seen["home"] == SHOWN, (who, v, seen)
            if v != "direct":  # (lists carrying direct messages is a Mastodon difference)
                assert seen["list"] == SHOWN, (who, v, seen)
            assert seen["conversations"] == shown(v == "direct"), (who, v, seen)


@pytest.mark.parametrize("vis,viewer,endpoint,expected", ROWS,
                         ids=[f"{v}-{w}-{e}-{x}" for v, w, e, x in ROWS])
def test_cell(world, vis, viewer, endpoint, expected):
    got = CHECKS[endpoint](world, vis, viewer)
    assert got == expected, (f"{vis} status seen by {viewer} through {endpoint}: "
                             f"expected {expected}, got {got}")


# ---- writes on someone else's status ----

WRITE_ROWS = [(v, who, act) for act in ("edit", "delete") for v in VISIBILITIES
              for who in VIEWERS if who != "author"]


@pytest.mark.parametrize("vis,viewer,act", WRITE_ROWS,
                         ids=[f"{v}-{w}-{a}" for v, w, a in WRITE_ROWS])
def test_write_on_someone_elses_status(world, vis, viewer, act):
    """PUT and DELETE of the author's status by anyone else: 404 (401
    without a token), and the status, its history and the author's count
    are as they were."""
    before = world.write[vis]
    sid = before["id"]
    if act == "edit":
        r = call(world, viewer, "PUT", f"/api/v1/statuses/{sid}",
                 data={"status": f"hijacked by {viewer}", "spoiler_text": "hijacked"})
    else:
        r = call(world, viewer, "DELETE", f"/api/v1/statuses/{sid}")
    assert classify(r) == (UNAUTH if viewer == "anonymous" else HIDDEN), evidence(r)
    author = world.users["author"]
    now = ok(author.get(f"/api/v1/statuses/{sid}"))
    for key in ("content", "spoiler_text", "edited_at", "visibility", "mentions"):
        assert now[key] == before[key], (key, now[key], before[key])
    assert len(ok(author.get(f"/api/v1/statuses/{sid}/history"))) == 1
    assert ok(author.get(f"/api/v1/statuses/{sid}/source"))["text"] == before["source"]
    assert ok(author.get("/api/v1/accounts/verify_credentials"))["statuses_count"] == \
        world.author_statuses_count


# ---- someone else's per-user resources ----

def test_someone_elses_list_is_not_found(world):
    """The follower's list, by everyone else (the author included): every
    list endpoint answers 404 and the list, its title and its member stay."""
    owner, lid = world.users["follower"], world.lists["follower"]
    title = ok(owner.get(f"/api/v1/lists/{lid}"))["title"]
    author_id = world.users["author"].id
    for who in ("author", "pending", "nonfollower", "mentioned", "blocked", "blocker"):
        for method, path, kw in [
            ("GET", f"/api/v1/lists/{lid}", {}),
            ("GET", f"/api/v1/lists/{lid}/accounts", {}),
            ("GET", f"/api/v1/timelines/list/{lid}", {}),
            ("PUT", f"/api/v1/lists/{lid}", {"data": {"title": "hijacked"}}),
            ("POST", f"/api/v1/lists/{lid}/accounts",
             {"data": {"account_ids[]": [world.users[who].id]}}),
            ("DELETE", f"/api/v1/lists/{lid}/accounts", {"data": {"account_ids[]": [author_id]}}),
            ("DELETE", f"/api/v1/lists/{lid}", {}),
        ]:
            r = call(world, who, method, path, **kw)
            assert classify(r) == HIDDEN, (who, evidence(r))
        mine = ok(world.users[who].get("/api/v1/lists"))
        assert lid not in [li["id"] for li in mine], (who, mine)
        theirs = ok(world.users[who].get(f"/api/v1/accounts/{author_id}/lists"))
        assert lid not in [li["id"] for li in theirs], (who, theirs)
    for method, path in [("GET", f"/api/v1/lists/{lid}"), ("DELETE", f"/api/v1/lists/{lid}")]:
        assert classify(call(world, "anonymous", method, path)) == UNAUTH
    assert ok(owner.get(f"/api/v1/lists/{lid}"))["title"] == title
    assert [a["id"] for a in ok(owner.get(f"/api/v1/lists/{lid}/accounts"))] == [author_id]


def mentioned_conversation(world):
    """The mentioned viewer's conversation of the direct thread status (the
    one of the direct status under test is read by the matrix)."""
    r, items = collect(world, "mentioned", "/api/v1/conversations")
    assert items is not None, evidence(r)
    conv = [c for c in items
            if c["last_status"] and c["last_status"]["id"] == world.mid["direct"]]
    assert len(conv) == 1, items
    return conv[0]


def test_someone_elses_conversation_is_not_found(world):
    """The mentioned viewer's conversation, by everyone else (its other
    participant, the author, included): read and delete are 404 and it is
    still there, still unread."""
    conv = mentioned_conversation(world)
    assert conv["unread"] is True, conv
    for who in USERS:
        if who == "mentioned":
            continue
        for method, path in [("POST", f"/api/v1/conversations/{conv['id']}/read"),
                             ("DELETE", f"/api/v1/conversations/{conv['id']}")]:
            r = call(world, who, method, path)
            assert classify(r) == HIDDEN, (who, evidence(r))
            assert classify(call(world, "anonymous", method, path)) == UNAUTH
    after = mentioned_conversation(world)
    assert after["id"] == conv["id"] and after["unread"] is True, after


def test_someone_elses_notification_is_not_found(world):
    """The mentioned viewer's mention notification, by everyone else (the
    author, who caused it, included): get and dismiss are 404 and it stays."""
    mentioned = world.users["mentioned"]
    r, items = collect(world, "mentioned", "/api/v1/notifications", {"types[]": "mention"},
                       limit=30)
    assert items is not None, evidence(r)
    mine = [n for n in items if n["status"]["id"] == world.st["private"]]
    assert len(mine) == 1, items
    nid = mine[0]["id"]
    for who in USERS:
        if who == "mentioned":
            continue
        for method, path in [("GET", f"/api/v1/notifications/{nid}"),
                             ("POST", f"/api/v1/notifications/{nid}/dismiss")]:
            r = call(world, who, method, path)
            assert classify(r) == HIDDEN, (who, evidence(r))
            assert classify(call(world, "anonymous", method, path)) == UNAUTH
    got = ok(mentioned.get(f"/api/v1/notifications/{nid}"))
    assert got["id"] == nid and got["status"]["id"] == world.st["private"], got
