"""The automation detectors and the composer's hints (docs/SOCIAL.md,
"Detectors" and "Composer hints"): flags on statuses as the author sees them
(rapport.flags), notifications held, the follow limit with Retry-After, and
POST /api/rapport/v1/statuses/preview. The rules' edges in time are in
tests/unit/test_detect.c, which ages rows."""

import pytest
import requests

from conftest import NOT_FOUND, masto, open_inbox, store_connect, with_scopes


def post(user, text, **extra):
    r = user.post("/api/v1/statuses", json={"status": text, **extra})
    assert r.status_code == 200, r.text
    return r.json()


def flags(user, status_id):
    r = user.get(f"/api/v1/statuses/{status_id}")
    assert r.status_code == 200, r.text
    return r.json()["rapport"]["flags"]


def mentions_of(user):
    r = user.get("/api/v1/notifications", params={"types[]": "mention"})
    assert r.status_code == 200, r.text
    return [n["status"]["id"] for n in r.json()]


def preview(user, body, **kw):
    return user.post("/api/rapport/v1/statuses/preview", json=body, **kw)


def codes(r):
    assert r.status_code == 200, r.text
    assert set(r.json()) == {"hints"}
    for h in r.json()["hints"]:
        assert set(h) == {"code", "message"} and h["message"], h
    return [h["code"] for h in r.json()["hints"]]


# ---- flags on statuses ----

def test_dm_to_a_new_follower_is_automated_and_held(server, alice, bob):
    carol = open_inbox(server.user())  # a stranger's message would wait in requests
    assert bob.post(f"/api/v1/accounts/{alice.id}/follow").status_code == 200
    api = masto(server, alice)
    dm = api.status_post(f"@{bob.name} thanks for the follow! check my page", visibility="direct")
    assert dm["rapport"]["flags"] == ["automated"]
    assert str(dm["id"]) not in mentions_of(bob)  # held: no notification
    # The recipient reads the message but sees no rapport of it (the label is
    # the requests'); the author sees the flag wherever the status is listed.
    seen = bob.get(f"/api/v1/statuses/{dm['id']}").json()
    assert "rapport" not in seen
    listed = alice.get("/api/v1/timelines/home").json()
    assert listed[0]["id"] == str(dm["id"]) and listed[0]["rapport"]["flags"] == ["automated"]
    # Someone who did not just follow gets the same words, unflagged, notified.
    other = post(alice, f"@{carol.name} thanks for the follow! check my page",
                 visibility="direct")
    assert other["rapport"]["flags"] == []
    assert other["id"] in mentions_of(carol)
    # A status of someone else's never shows rapport.
    assert "rapport" not in alice.get(f"/api/v1/statuses/{post(bob, 'hello')['id']}").json()


TEMPLATE = ("Hi {name}, great to connect with you here! I help people like you grow "
            "their audience, reply and I will send the details")


def test_the_same_dm_to_three_people_is_automated(server, alice):
    people = [open_inbox(server.user()) for _ in range(3)]
    sent = []
    for p in people:
        text = f"@{p.name} " + TEMPLATE.format(name=p.name)
        sent.append(post(alice, text, visibility="direct"))
    assert [s["rapport"]["flags"] for s in sent] == [[], [], ["automated", "templated"]]
    # The earlier copies are flagged too, now that the template shows.
    for s in sent:
        assert flags(alice, s["id"]) == ["automated", "templated"]
    assert sent[0]["id"] in mentions_of(people[0])
    assert sent[2]["id"] not in mentions_of(people[2])


def test_short_or_different_messages_are_not_flagged(server, alice):
    people = [server.user() for _ in range(4)]
    # "Thank you so much!" to many is manners: too short to compare.
    for p in people:
        s = post(alice, f"@{p.name} thank you so much!", visibility="direct")
        assert s["rapport"]["flags"] == []
    # Honest near-duplicates: two different thank-you replies, each longer
    # than the minimum, in three threads.
    texts = ["thank you for the lovely walk yesterday, the lake was beautiful",
             "thank you for the recipe, we cooked it tonight and the kids loved it",
             "thank you for fixing the bike, it rides like new again on hills"]
    for p, text in zip(people, texts):
        root = post(p, "what did you think?")
        s = post(alice, f"@{p.name} {text}", in_reply_to_id=root["id"])
        assert s["rapport"]["flags"] == []
        assert s["id"] in mentions_of(p)


def test_templated_replies_across_threads(server, alice):
    people = [server.user() for _ in range(3)]
    sent = []
    for p in people:
        root = post(p, "just shipped my first app")
        sent.append(post(alice, f"@{p.name} Amazing work {p.name}! You should check out our "
                                "platform, it helps founders like you get more sales fast",
                         in_reply_to_id=root["id"]))
    assert sent[-1]["rapport"]["flags"] == ["automated", "templated"]
    assert sent[-1]["id"] not in mentions_of(people[-1])
    assert sent[0]["id"] in mentions_of(people[0])
    assert flags(alice, sent[0]["id"]) == ["automated", "templated"]


def test_saturation_flags_the_ninth_original(server, alice, bob):
    bob.post(f"/api/v1/accounts/{alice.id}/follow")
    posts = [post(alice, f"update number {i} from the factory") for i in range(9)]
    assert [p["rapport"]["flags"] for p in posts[:8]] == [[]] * 8
    assert posts[8]["rapport"]["flags"] == ["saturated"]
    # Followers read it as usual (the Conversations feed folds it).
    assert "rapport" not in bob.get(f"/api/v1/statuses/{posts[8]['id']}").json()
    # One real reply to someone else lifts it.
    root = post(bob, "how is the factory?")
    assert post(alice, "busy, thanks!", in_reply_to_id=root["id"])["rapport"]["flags"] == []
    assert post(alice, "update number 10")["rapport"]["flags"] == []


def test_shouting_and_an_edit_that_stops(server, alice):
    s = post(alice, "THIS IS THE BEST DAY OF MY LIFE, EVERYONE!")
    assert s["rapport"]["flags"] == ["shouting"]
    assert post(alice, "NASA and the ESA launched it today")["rapport"]["flags"] == []
    r = alice.put(f"/api/v1/statuses/{s['id']}", json={"status": "this is the best day of my life"})
    assert r.status_code == 200, r.text
    assert r.json()["rapport"]["flags"] == []
    assert flags(alice, s["id"]) == []


# ---- follower collecting ----

def test_follow_churn_gets_429_with_retry_after(server, alice):
    from mastodon import Mastodon, MastodonRatelimitError
    targets = [server.user() for _ in range(21)]
    for t in targets[:20]:
        assert alice.post(f"/api/v1/accounts/{t.id}/follow").status_code == 200
        assert alice.post(f"/api/v1/accounts/{t.id}/unfollow").status_code == 200
    r = alice.post(f"/api/v1/accounts/{targets[20].id}/follow")
    assert r.status_code == 429, r.text
    retry = int(r.headers["Retry-After"])
    assert 7 * 86400 - 120 <= retry <= 7 * 86400
    assert "unfollowed 20 people who did not follow you back" in r.json()["error"]
    assert "168 hours" in r.json()["error"]
    rel = alice.get("/api/v1/accounts/relationships", params={"id[]": targets[20].id}).json()
    assert rel[0]["following"] is False and rel[0]["requested"] is False
    assert targets[20].get("/api/v1/notifications").json() == []
    api = Mastodon(access_token=alice.token, api_base_url=server.base, ratelimit_method="throw")
    with pytest.raises(MastodonRatelimitError):
        api.account_follow(targets[20].id)
    # Others follow as usual.
    assert targets[0].post(f"/api/v1/accounts/{alice.id}/follow").status_code == 200


# ---- composer hints ----

def test_preview_hints(server, alice, bob):
    assert codes(preview(alice, {"status": "good morning, how was your weekend?"})) == []
    r = preview(alice, {"status": "THIS IS COMPLETELY UNACCEPTABLE, FIX IT NOW!"})
    assert codes(r) == ["caps"]
    assert "shouting" in r.json()["hints"][0]["message"]
    assert codes(preview(alice, {"status": "Huge sale today, 50% off: https://shop.example/x"})) \
        == ["self_promotion"]
    # A pitch to a stranger; the same words to someone who follows are fine.
    pitch = {"status": f"@{bob.name} quick question, can I book a call to show you our "
                       "platform?", "visibility": "direct"}
    assert codes(preview(alice, pitch)) == ["cold_pitch"]
    bob.post(f"/api/v1/accounts/{alice.id}/follow")
    # ... but bob followed alice a moment ago: a direct message now reads as automated.
    r = preview(alice, pitch)
    assert codes(r) == ["automated"]
    assert "followed you minutes ago" in r.json()["hints"][0]["message"]


def test_preview_saturation_counts_the_day(server, alice):
    for i in range(8):
        post(alice, f"post {i} of the day")
    r = preview(alice, {"status": "and one more"})
    assert codes(r) == ["saturation"]
    assert r.json()["hints"][0]["message"] == \
        "This is your 9th post today and you have not replied to anyone."
    post(alice, "post 9 of the day")
    r = preview(alice, {"status": "and one more"})
    assert r.json()["hints"][0]["message"].startswith("This is your 10th post today")
    # A reply is not an original: no saturation hint for it.
    root = post(server.user(), "anyone around?")
    assert codes(preview(alice, {"status": "yes!", "in_reply_to_id": root["id"]})) == []


def test_preview_automated_template(server, alice):
    people = [server.user() for _ in range(3)]
    for p in people[:2]:
        post(alice, f"@{p.name} " + TEMPLATE.format(name=p.name), visibility="direct")
    body = {"status": f"@{people[2].name} " + TEMPLATE.format(name=people[2].name),
            "visibility": "direct"}
    r = preview(alice, body)
    assert codes(r) == ["cold_pitch", "automated"]  # "I help": a pitch, to a stranger
    assert "sent to several people" in r.json()["hints"][1]["message"]


def row_counts(server):
    db = store_connect(server.data)
    try:
        return {t: db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                for t in ("statuses", "mentions", "notifications", "status_flags",
                          "detector_prints", "home_feed", "conversations", "social_addressed",
                          "social_daily")}
    finally:
        db.close()


def test_preview_writes_nothing(server, alice, bob):
    before = row_counts(server)
    count = alice.get("/api/v1/accounts/verify_credentials").json()["statuses_count"]
    for body in [{"status": f"@{bob.name} " + TEMPLATE.format(name=bob.name),
                  "visibility": "direct"},
                 {"status": "HELLO EVERYONE THIS IS LOUD"},
                 {"status": f"@{bob.name} hello", "visibility": "public"}]:
        assert preview(alice, body).status_code == 200
    assert row_counts(server) == before
    assert alice.get("/api/v1/accounts/verify_credentials").json()["statuses_count"] == count
    assert mentions_of(bob) == []


def test_preview_bad_input(server, alice, bob):
    before = row_counts(server)
    r = preview(alice, {"status": "   "})
    assert r.status_code == 422 and "error" in r.json()
    r = preview(alice, {"status": "hi", "visibility": "everyone"})
    assert r.status_code == 422 and "visibility" in r.json()["error"]
    r = preview(alice, {"status": "hi", "in_reply_to_id": "999999999999"})
    assert r.status_code == 404 and r.json() == NOT_FOUND
    r = preview(alice, {"status": "hi", "in_reply_to_id": "nope"})
    assert r.status_code == 404 and r.json() == NOT_FOUND
    # Someone else's direct message is not a parent one can see.
    dm = post(bob, "just between us", visibility="direct")
    r = preview(alice, {"status": "hi", "in_reply_to_id": dm["id"]})
    assert r.status_code == 404
    r = preview(alice, {"status": "x" * 600})
    assert r.status_code == 422 and "character limit" in r.json()["error"]
    r = preview(alice, {"status": "hi", "media_ids": ["1"]})
    assert r.status_code == 422
    r = alice.post("/api/rapport/v1/statuses/preview", data=b"{not json",
                   headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and "error" in r.json()
    r = requests.post(server.url("/api/rapport/v1/statuses/preview"), json={"status": "hi"})
    assert r.status_code == 401 and "error" in r.json()
    reader = with_scopes(server, alice, "read")
    r = preview(reader, {"status": "hi"})
    assert r.status_code == 403 and "error" in r.json()
    assert codes(preview(with_scopes(server, alice, "write:statuses"), {"status": "hi"})) == []
    after = row_counts(server)
    assert after["statuses"] == before["statuses"] + 1  # bob's direct message only
    assert after["detector_prints"] == before["detector_prints"]
