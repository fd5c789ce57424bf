"""The render cache (status bodies and accounts as JSON) and the row cache
(statuses' and accounts' numbers) must never show a stale figure: every
change is visible in the very next read of every list that shows it.

Each test reads the lists first (so the caches hold the old version),
changes something through the API, and then compares the lists with the
status read on its own and with the expected value."""
import threading

import requests

from test_statuses import follow, get_status as alone, post

HOME = "/api/v1/timelines/home"


def home(user, **params):
    r = user.get(HOME, params={"limit": 40, **params})
    assert r.status_code == 200, r.text
    return r.json()


def context(user, sid):
    r = user.get(f"/api/v1/statuses/{sid}/context")
    assert r.status_code == 200, r.text
    return r.json()


def in_list(statuses, sid):
    for s in statuses:
        if s["id"] == sid:
            return s
        if s.get("reblog") and s["reblog"]["id"] == sid:
            return s["reblog"]
    raise AssertionError(f"{sid} not in the list")


def warm(reader, sid, root=None):
    """Reads every list twice so both caches hold the current version."""
    for _ in range(2):
        home(reader)
        if root:
            context(reader, root)
        alone(reader, sid)


def check(reader, sid, root=None, **expected):
    """The status in home (and the thread, if given) has the expected values
    and equals the status read alone. The lists are read first: reading the
    status alone renders it afresh, which would refresh the caches."""
    shown = [in_list(home(reader), sid)]
    if root:
        c = context(reader, root)
        if sid != root:
            shown.append(in_list(c["ancestors"] + c["descendants"], sid))
    one = alone(reader, sid)
    for s in shown + [one]:
        for k, v in expected.items():
            got = s["account"][k[8:]] if k.startswith("account_") else s[k]
            assert got == v, (k, got, v)
        assert s == one


def thread(server):
    """author posts a root and a reply in its thread; reader follows author."""
    author, reader = server.user(), server.user()
    follow(reader, author)
    root = post(author, "a question to start a thread?")["id"]
    reply = post(author, "and a follow-up", in_reply_to_id=root)["id"]
    return author, reader, root, reply


def test_counters_show_at_once(server):
    """Each change comes after the lists were read (and cached) again. A
    reply changes its parent without rendering it, so nothing but the
    caches' own rules can refresh the parent."""
    author, reader, root, reply = thread(server)
    other = server.user()
    warm(reader, reply, root)
    assert post(other, "an answer", in_reply_to_id=reply)["in_reply_to_id"] == reply
    check(reader, reply, root, replies_count=1)
    warm(reader, reply, root)
    assert other.post(f"/api/v1/statuses/{reply}/favourite").status_code == 200
    check(reader, reply, root, favourites_count=1, replies_count=1)
    warm(reader, reply, root)
    assert other.post(f"/api/v1/statuses/{reply}/reblog").status_code == 200
    check(reader, reply, root, reblogs_count=1)
    warm(reader, reply, root)
    assert other.post(f"/api/v1/statuses/{reply}/unfavourite").status_code == 200
    assert other.post(f"/api/v1/statuses/{reply}/unreblog").status_code == 200
    check(reader, reply, root, favourites_count=0, reblogs_count=0, replies_count=1)
    warm(reader, reply, root)
    # the root's count of replies, changed by a reply further down
    assert post(other, "to the root", in_reply_to_id=root)["in_reply_to_id"] == root
    check(reader, root, root, replies_count=2)


def test_viewer_flags_are_the_viewers(server):
    author, reader, root, reply = thread(server)
    other = server.user()
    follow(other, author)
    warm(reader, reply, root)
    warm(other, reply, root)
    assert reader.post(f"/api/v1/statuses/{reply}/favourite").status_code == 200
    assert reader.post(f"/api/v1/statuses/{reply}/bookmark").status_code == 200
    mine, theirs = in_list(home(reader), reply), in_list(home(other), reply)
    assert (mine["favourited"], mine["bookmarked"]) == (True, True)
    assert (theirs["favourited"], theirs["bookmarked"]) == (False, False)
    assert mine["favourites_count"] == theirs["favourites_count"] == 1


def test_edits_show_at_once(server):
    author, reader, root, reply = thread(server)
    warm(reader, reply, root)
    r = author.put(f"/api/v1/statuses/{reply}", data={"status": "edited words"})
    assert r.status_code == 200, r.text
    check(reader, reply, root, content="<p>edited words</p>")
    assert alone(reader, reply)["edited_at"] is not None
    # two edits in a row: each one shows
    for text in ("second edit", "third edit"):
        assert author.put(f"/api/v1/statuses/{reply}", data={"status": text}).status_code == 200
        check(reader, reply, root, content=f"<p>{text}</p>")


def test_account_changes_show_in_every_status(server):
    author, reader, root, reply = thread(server)
    warm(reader, reply, root)
    r = author.patch("/api/v1/accounts/update_credentials",
                     data={"display_name": "New Name", "note": "a new note"})
    assert r.status_code == 200, r.text
    check(reader, reply, root, account_display_name="New Name",
          account_note="<p>a new note</p>")
    check(reader, root, root, account_display_name="New Name")
    # counts of the author embedded in older statuses
    follow(server.user(), author)
    check(reader, reply, root, account_followers_count=2)
    post(author, "one more")
    check(reader, reply, root, account_statuses_count=3)


def test_deleted_statuses_leave_every_list(server):
    author, reader, root, reply = thread(server)
    warm(reader, reply, root)
    assert author.delete(f"/api/v1/statuses/{reply}").status_code == 200
    assert reply not in [s["id"] for s in home(reader)]
    assert context(reader, root)["descendants"] == []
    assert reader.get(f"/api/v1/statuses/{reply}").status_code == 404


def test_reblogs_carry_the_current_original(server):
    author, reader, root, reply = thread(server)
    booster = server.user()
    follow(reader, booster)
    r = booster.post(f"/api/v1/statuses/{root}/reblog")
    assert r.status_code == 200, r.text
    wrapper = r.json()["id"]
    warm(reader, root)
    assert server.user().post(f"/api/v1/statuses/{root}/favourite").status_code == 200
    shown = [s for s in home(reader) if s["id"] == wrapper][0]
    assert shown["reblog"] == alone(reader, root)
    assert shown["reblog"]["favourites_count"] == 1


def test_counts_agree_after_concurrent_writes_and_reads(server):
    """Favourites and unfavourites race with readers filling the caches: at
    the end every list shows the count the database holds."""
    author, reader, root, reply = thread(server)
    fans = [server.user() for _ in range(6)]
    stop = threading.Event()
    errors = []

    def read():
        while not stop.is_set():
            for path in (HOME, f"/api/v1/statuses/{root}/context"):
                if reader.get(path).status_code != 200:
                    errors.append(path)

    def write(fan):
        for i in range(15):
            verb = "favourite" if i % 2 == 0 else "unfavourite"
            if fan.post(f"/api/v1/statuses/{reply}/{verb}").status_code != 200:
                errors.append(verb)

    readers = [threading.Thread(target=read) for _ in range(3)]
    writers = [threading.Thread(target=write, args=(f,)) for f in fans]
    for t in readers + writers:
        t.start()
    for t in writers:
        t.join()
    stop.set()
    for t in readers:
        t.join()
    assert errors == []
    # each fan ended on a favourite (15 rounds, the last one even)
    by = reader.get(f"/api/v1/statuses/{reply}/favourited_by", params={"limit": 80})
    assert len(by.json()) == 6
    check(reader, reply, root, favourites_count=6)


def test_anonymous_and_signed_in_readers_share_bodies(server):
    author, reader, root, reply = thread(server)
    warm(reader, reply, root)
    anon = requests.get(server.url(f"/api/v1/statuses/{reply}")).json()
    signed = alone(reader, reply)
    for k in ("favourited", "reblogged", "bookmarked", "muted"):
        assert k not in anon and k in signed
    assert {k: v for k, v in signed.items() if k in anon} == anon


def test_caches_off_give_the_same_answers(make_server):
    """The same scenario with both caches off (the SQL-only path)."""
    s = make_server(env={"RAPPORT_RENDER_CACHE_MB": "0", "RAPPORT_ROW_CACHE": "0"})
    author, reader, root, reply = thread(s)
    other = s.user()
    warm(reader, reply, root)
    assert other.post(f"/api/v1/statuses/{reply}/favourite").status_code == 200
    check(reader, reply, root, favourites_count=1)
    assert author.put(f"/api/v1/statuses/{reply}", data={"status": "edited"}).status_code == 200
    check(reader, reply, root, content="<p>edited</p>")
