"""Polls: creation (form and JSON, as Mastodon accepts them), votes by
several people, own_votes, hide_totals, the refusals (422, nothing
changed), visibility, edits, and the "poll" notifications the worker sends
when a poll ends. Expiry is made quick with RAPPORT_POLL_MIN_EXPIRY."""
import time

import pytest

from conftest import masto


def me(user):
    return user.get("/api/v1/accounts/verify_credentials").json()


def make_poll(user, options, expires_in=3600, multiple=False, hide_totals=False, **params):
    """Posts a status with a poll as a form, the way most apps do."""
    data = dict(params, status=params.get("status", "a question"))
    data["poll[options][]"] = options
    data["poll[expires_in]"] = str(expires_in)
    data["poll[multiple]"] = "true" if multiple else "false"
    data["poll[hide_totals]"] = "true" if hide_totals else "false"
    r = user.post("/api/v1/statuses", data=data)
    assert r.status_code == 200, r.text
    return r.json()


def vote(user, poll_id, choices):
    return user.post(f"/api/v1/polls/{poll_id}/votes", data={"choices[]": [str(c) for c in choices]})


def get_poll(user, poll_id):
    r = user.get(f"/api/v1/polls/{poll_id}")
    assert r.status_code == 200, r.text
    return r.json()


def counts(poll):
    return [o["votes_count"] for o in poll["options"]]


def follow(a, b):
    assert a.post(f"/api/v1/accounts/{b.id}/follow").status_code == 200


def test_single_choice_poll_voted_by_two_people_with_mastodon_py(server):
    alice, bob, carol = server.user(), server.user(), server.user()
    ma, mb, mc = masto(server, alice), masto(server, bob), masto(server, carol)
    st = ma.status_post("Tea or coffee?", poll=ma.make_poll(["tea", "coffee", "water"], 3600))
    p = st["poll"]
    assert [o["title"] for o in p["options"]] == ["tea", "coffee", "water"]
    assert counts(p) == [0, 0, 0] and p["multiple"] is False and p["expired"] is False
    assert p["votes_count"] == 0 and p["voters_count"] == 0
    # the author counts as having voted (apps show results), with no votes of their own
    assert p["voted"] is True and p["own_votes"] == []

    mb.poll_vote(p["id"], [1])  # this Mastodon.py returns nothing; read the poll back
    after = mb.poll(p["id"])
    assert counts(after) == [0, 1, 0] and after["voted"] is True and after["own_votes"] == [1]
    mc.poll_vote(p["id"], 0)
    after = mc.poll(p["id"])
    assert counts(after) == [1, 1, 0] and after["own_votes"] == [0]
    assert after["votes_count"] == 2 and after["voters_count"] == 2

    # each viewer sees their own vote, in the status and at /polls/:id
    seen_b = mb.status(st["id"])["poll"]
    assert seen_b["own_votes"] == [1] and counts(seen_b) == [1, 1, 0]
    assert mc.poll(p["id"])["own_votes"] == [0]
    assert ma.status(st["id"])["poll"]["own_votes"] == []
    # and in timelines, where the rest of the status comes from the render cache
    home = [s for s in mb.timeline_public() if s["id"] == st["id"]][0]
    assert home["poll"]["own_votes"] == [1] and counts(home["poll"]) == [1, 1, 0]
    # anonymous readers see the counts, without a vote of their own
    anon = server.url(f"/api/v1/polls/{p['id']}")
    import requests
    j = requests.get(anon).json()
    assert counts(j) == [1, 1, 0] and "voted" not in j and "own_votes" not in j


def test_multiple_choice_poll(server):
    alice, bob, carol = server.user(), server.user(), server.user()
    ma = masto(server, alice)
    st = ma.status_post("Which days?", poll=ma.make_poll(["mon", "tue", "wed"], 3600,
                                                          multiple=True))
    pid = st["poll"]["id"]
    assert st["poll"]["multiple"] is True
    r = vote(bob, pid, [0, 2])
    assert r.status_code == 200, r.text
    assert r.json()["own_votes"] == [0, 2]
    assert vote(carol, pid, [2]).status_code == 200
    p = get_poll(bob, pid)
    assert counts(p) == [1, 0, 2] and p["votes_count"] == 3 and p["voters_count"] == 2
    assert p["own_votes"] == [0, 2]


def test_json_body_poll(server, alice):
    r = alice.post("/api/v1/statuses", json={
        "status": "json poll", "poll": {"options": ["x", "y"], "expires_in": 600,
                                        "multiple": True, "hide_totals": False}})
    assert r.status_code == 200, r.text
    p = r.json()["poll"]
    assert p["multiple"] is True and [o["title"] for o in p["options"]] == ["x", "y"]
    assert counts(p) == [0, 0]


def test_vote_refusals_change_nothing(server):
    alice, bob = server.user(), server.user()
    single = make_poll(alice, ["a", "b", "c"])["poll"]
    assert vote(bob, single["id"], [0]).status_code == 200
    before = get_poll(alice, single["id"])
    fresh = server.user()
    cases = [
        (bob, [1], "already voted"),        # a second vote
        (fresh, [0, 1], "one choice"),      # several on a single-choice poll
        (fresh, [3], "not an option"),      # out of range
        (fresh, [-1], "not an option"),
        (fresh, [], "empty"),
    ]
    for user, choices, why in cases:
        r = vote(user, single["id"], choices)
        assert r.status_code == 422, (why, r.text)
        assert r.json()["error"].startswith("Validation failed"), r.text
    multi = make_poll(alice, ["a", "b"], multiple=True)["poll"]
    r = vote(fresh, multi["id"], [1, 1])  # the same option twice
    assert r.status_code == 422, r.text
    r = fresh.post(f"/api/v1/polls/{single['id']}/votes", data={"choices[]": ["x"]})
    assert r.status_code == 422 and "error" in r.json()
    assert get_poll(alice, single["id"]) == before
    assert get_poll(fresh, single["id"])["voted"] is False
    assert counts(get_poll(alice, multi["id"])) == [0, 0]
    # an unknown poll, and a poll of a deleted status
    assert vote(fresh, "123456789", [0]).status_code == 404
    st = make_poll(alice, ["p", "q"])
    assert alice.delete(f"/api/v1/statuses/{st['id']}").status_code == 200
    assert fresh.get(f"/api/v1/polls/{st['poll']['id']}").status_code == 404
    assert vote(fresh, st["poll"]["id"], [0]).status_code == 404


@pytest.mark.parametrize("options,expires_in,why", [
    (["only"], 3600, "one option"),
    (["a", "b", "c", "d", "e"], 3600, "five options"),
    (["a", "x" * 51], 3600, "an option too long"),
    (["a", "a"], 3600, "a repeated option"),
    (["a", "  "], 3600, "a blank option"),
    (["a", "b"], 299, "too soon"),
    (["a", "b"], 2629747, "too far"),
    (["a", "b"], "soon", "not a number"),
])
def test_invalid_polls_are_refused(server, alice, options, expires_in, why):
    before = me(alice)["statuses_count"]
    r = alice.post("/api/v1/statuses", data={
        "status": "q", "poll[options][]": options, "poll[expires_in]": str(expires_in)})
    assert r.status_code == 422, (why, r.text)
    assert r.json()["error"].startswith("Validation failed"), r.text
    assert me(alice)["statuses_count"] == before


def test_vote_needs_the_status_to_be_visible(server):
    alice, bob, follower = server.user(), server.user(), server.user()
    follow(follower, alice)
    st = make_poll(alice, ["a", "b"], visibility="private")
    pid = st["poll"]["id"]
    assert bob.get(f"/api/v1/polls/{pid}").status_code == 404
    assert vote(bob, pid, [0]).status_code == 404
    assert vote(follower, pid, [1]).status_code == 200
    assert counts(get_poll(alice, pid)) == [0, 1]
    # a block hides the poll too
    assert alice.post(f"/api/v1/accounts/{follower.id}/block").status_code == 200
    assert vote(follower, pid, [0]).status_code == 404


def test_hide_totals_and_the_end_of_a_poll(make_server):
    s = make_server(env={"RAPPORT_POLL_MIN_EXPIRY": "1"})
    alice, bob, carol, dan = s.user(), s.user(), s.user(), s.user()
    st = make_poll(alice, ["yes", "no"], expires_in=2, hide_totals=True)
    pid = st["poll"]["id"]
    assert counts(st["poll"]) == [None, None]
    assert vote(bob, pid, [0]).status_code == 200
    assert vote(carol, pid, [0]).status_code == 200
    p = get_poll(bob, pid)
    assert counts(p) == [None, None] and p["votes_count"] == 2 and p["own_votes"] == [0]

    deadline = time.time() + 15
    while time.time() < deadline:
        kinds = [n["type"] for n in alice.get("/api/v1/notifications").json()]
        if "poll" in kinds:
            break
        time.sleep(0.2)
    p = get_poll(alice, pid)
    assert p["expired"] is True and counts(p) == [2, 0]
    for user in (alice, bob, carol):
        ns = [n for n in user.get("/api/v1/notifications").json() if n["type"] == "poll"]
        assert len(ns) == 1, (user.name, ns)
        assert ns[0]["status"]["id"] == st["id"]
        assert ns[0]["status"]["poll"]["expired"] is True
        assert ns[0]["account"]["id"] == alice.id
    # someone who did not vote hears nothing; a vote now is too late
    assert [n for n in dan.get("/api/v1/notifications").json() if n["type"] == "poll"] == []
    r = vote(dan, pid, [1])
    assert r.status_code == 422 and "ended" in r.json()["error"], r.text
    assert counts(get_poll(alice, pid)) == [2, 0]
    # the worker tells each person once
    time.sleep(1.5)
    assert len([n for n in bob.get("/api/v1/notifications").json() if n["type"] == "poll"]) == 1


def test_edits(server):
    alice, bob = server.user(), server.user()
    ma = masto(server, alice)
    st = ma.status_post("Pick one", poll=ma.make_poll(["a", "b"], 3600))
    pid = st["poll"]["id"]
    assert vote(bob, pid, [1]).status_code == 200
    # the same options: the votes stay
    ed = ma.status_update(st["id"], "Pick one, please", poll=ma.make_poll(["a", "b"], 7200))
    assert counts(ed["poll"]) == [0, 1]
    assert get_poll(bob, pid)["own_votes"] == [1]
    # other options: the poll starts afresh
    ed = ma.status_update(st["id"], "Pick one of three", poll=ma.make_poll(["a", "b", "c"], 3600))
    assert counts(ed["poll"]) == [0, 0, 0] and ed["poll"]["votes_count"] == 0
    p = get_poll(bob, ed["poll"]["id"])
    assert p["voted"] is False and p["own_votes"] == []
    assert vote(bob, ed["poll"]["id"], [2]).status_code == 200
    # an invalid poll in an edit changes nothing
    r = alice.put(f"/api/v1/statuses/{st['id']}", data={
        "status": "bad", "poll[options][]": ["one"], "poll[expires_in]": "3600"})
    assert r.status_code == 422, r.text
    assert counts(get_poll(bob, ed["poll"]["id"])) == [0, 0, 1]
    # an edit without a poll removes it (Mastodon's rule)
    ed = ma.status_update(st["id"], "No poll now")
    assert ed["poll"] is None
    assert bob.get(f"/api/v1/polls/{ed['id']}").status_code == 404


def test_instance_advertises_the_poll_settings(server, make_server):
    for path in ("/api/v1/instance", "/api/v2/instance"):
        conf = server_get(server, path)["configuration"]["polls"]
        assert conf == {"max_options": 4, "max_characters_per_option": 50,
                        "min_expiration": 300, "max_expiration": 2629746}
    s = make_server(env={"RAPPORT_POLL_MAX_OPTIONS": "6", "RAPPORT_POLL_MAX_CHARS": "10",
                         "RAPPORT_POLL_MIN_EXPIRY": "60", "RAPPORT_POLL_MAX_EXPIRY": "86400"})
    for path in ("/api/v1/instance", "/api/v2/instance"):
        conf = server_get(s, path)["configuration"]["polls"]
        assert conf == {"max_options": 6, "max_characters_per_option": 10,
                        "min_expiration": 60, "max_expiration": 86400}
    alice = s.user()
    assert make_poll(alice, list("abcdef"), expires_in=60)["poll"]["options"][5]["title"] == "f"
    for options, exp in ((list("abcdefg"), 60), (["a", "x" * 11], 60), (["a", "b"], 59),
                         (["a", "b"], 86401)):
        r = alice.post("/api/v1/statuses", data={
            "status": "q", "poll[options][]": options, "poll[expires_in]": str(exp)})
        assert r.status_code == 422, (options, exp, r.text)


def server_get(server, path):
    import requests
    r = requests.get(server.url(path))
    assert r.status_code == 200, r.text
    return r.json()


def test_store_failures_fail_closed(make_server):
    """A poll or vote that cannot be read or written is a 500 that changes
    nothing; a status whose poll cannot be read is not shown without it."""
    from test_faults import assert_store_error, table_gone
    s = make_server()
    alice, bob = s.user(), s.user()
    st = make_poll(alice, ["a", "b"])
    pid = st["poll"]["id"]
    before = me(alice)["statuses_count"]
    with table_gone(s, "poll_options"):
        assert_store_error(alice.post("/api/v1/statuses", data={
            "status": "q", "poll[options][]": ["x", "y"], "poll[expires_in]": "3600"}))
        assert_store_error(bob.get(f"/api/v1/statuses/{st['id']}"))
        assert_store_error(bob.get(f"/api/v1/polls/{pid}"))
    assert me(alice)["statuses_count"] == before
    with table_gone(s, "poll_votes"):
        assert_store_error(vote(bob, pid, [1]))
        assert_store_error(bob.get(f"/api/v1/statuses/{st['id']}"))
    p = get_poll(bob, pid)
    assert counts(p) == [0, 0] and p["voted"] is False
    assert vote(bob, pid, [1]).status_code == 200


def test_history_shows_each_versions_poll(server):
    """Each version in /history carries its poll's options, as Mastodon's
    StatusEdit does; a version without a poll has null."""
    alice = server.user()
    ma = masto(server, alice)
    st = ma.status_post("Pick one", poll=ma.make_poll(["a", "b"], 3600))
    assert [v["poll"] for v in ma.status_history(st["id"])] == [
        {"options": [{"title": "a"}, {"title": "b"}]}]
    ma.status_update(st["id"], "Pick one of three", poll=ma.make_poll(["a", "b", "c"], 3600))
    ma.status_update(st["id"], "No poll now")
    history = ma.status_history(st["id"])
    assert [v["content"] for v in history] == [
        "<p>Pick one</p>", "<p>Pick one of three</p>", "<p>No poll now</p>"]
    assert [v["poll"] for v in history] == [
        {"options": [{"title": "a"}, {"title": "b"}]},
        {"options": [{"title": "a"}, {"title": "b"}, {"title": "c"}]}, None]
