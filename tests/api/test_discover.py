"""What apps ask for on start (core/discover.c, core/scheduled.c): followed
hashtags in the home feed, featured hashtags, endorsements, scheduled
statuses posted by the worker, suggestions with reasons, trends made of
conversations, and announcements."""
import datetime
import time

from conftest import masto, run_cli, store_connect, PASSWORD


def iso_in(seconds):
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=seconds)
    return t.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def home_ids(user):
    return [int(s["id"]) for s in user.get("/api/v1/timelines/home", params={"limit": 40}).json()]


def test_followed_tags_reach_the_home_feed(server):
    alice, bob = server.user(), server.user()
    r = alice.post("/api/v1/tags/Baking/follow")
    assert r.status_code == 200, r.text
    tag = r.json()
    assert tag["name"].lower() == "baking" and tag["following"] is True
    assert len(tag["history"]) == 7 and set(tag["history"][0]) == {"day", "uses", "accounts"}
    assert [t["name"].lower() for t in alice.get("/api/v1/followed_tags").json()] == ["baking"]
    assert alice.get("/api/v1/tags/baking").json()["following"] is True
    mb = masto(server, bob)
    public = mb.status_post("fresh #baking bread")
    private = mb.status_post("secret #baking", visibility="private")
    other = mb.status_post("no tag here")
    ids = home_ids(alice)
    assert public["id"] in ids
    assert private["id"] not in ids and other["id"] not in ids
    assert alice.get("/api/v1/tags/baking").json()["history"][0]["uses"] == "1"  # public only
    mb.status_delete(public["id"])
    assert public["id"] not in home_ids(alice)
    assert alice.post("/api/v1/tags/baking/unfollow").json()["following"] is False
    assert alice.get("/api/v1/followed_tags").json() == []
    later = mb.status_post("more #baking")
    assert later["id"] not in home_ids(alice)
    assert alice.post("/api/v1/tags/not%20a%20tag/follow").status_code == 404


def test_featured_tags(server):
    alice = server.user()
    m = masto(server, alice)
    m.status_post("#cycling to work")
    m.status_post("#cycling home, #rain")
    assert [t["name"].lower() for t in m.featured_tag_suggestions()][:1] == ["cycling"]
    f = m.featured_tag_create("cycling")
    assert f["name"].lower() == "cycling" and f["statuses_count"] == 2
    assert f["last_status_at"] and f["url"].endswith("/tagged/cycling")
    assert alice.post("/api/v1/featured_tags", data={"name": "cycling"}).status_code == 422
    assert [t["id"] for t in m.account_featured_tags(alice.id)] == [f["id"]]
    assert "cycling" not in [t["name"].lower() for t in m.featured_tag_suggestions()]
    m.featured_tag_delete(f["id"])
    assert m.featured_tags() == []
    assert alice.delete(f"/api/v1/featured_tags/{f['id']}").status_code == 404


def test_endorsements(server):
    alice, bob = server.user(), server.user()
    m = masto(server, alice)
    r = alice.post(f"/api/v1/accounts/{bob.id}/pin")
    assert r.status_code == 422, r.text
    m.account_follow(bob.id)
    rel = m.account_pin(bob.id)
    assert rel["endorsed"] is True and rel["following"] is True
    assert [str(a["id"]) for a in m.endorsements()] == [bob.id]
    assert [a["id"] for a in alice.get(f"/api/v1/accounts/{alice.id}/endorsements").json()] == [bob.id]
    assert m.account_relationships(bob.id)[0]["endorsed"] is True
    assert m.account_unpin(bob.id)["endorsed"] is False
    assert m.endorsements() == []


def test_scheduled_statuses_are_posted_by_the_worker(make_server):
    s = make_server(env={"RAPPORT_SCHEDULE_LEAD": "0"})
    alice = s.user()
    m = masto(s, alice)
    r = alice.post("/api/v1/statuses", data={"status": "later", "scheduled_at": "tomorrow"})
    assert r.status_code == 422
    sched = alice.post("/api/v1/statuses", data={"status": "posted by the worker",
                                                 "scheduled_at": iso_in(3600)}).json()
    assert set(sched) >= {"id", "scheduled_at", "params", "media_attachments"}
    assert sched["params"]["text"] == "posted by the worker"
    assert [str(x["id"]) for x in m.scheduled_statuses()] == [sched["id"]]
    moved = alice.put(f"/api/v1/scheduled_statuses/{sched['id']}",
                      data={"scheduled_at": iso_in(1)}).json()
    assert moved["scheduled_at"] != sched["scheduled_at"]
    gone = alice.post("/api/v1/statuses", data={"status": "never", "scheduled_at": iso_in(3600)}).json()
    assert alice.delete(f"/api/v1/scheduled_statuses/{gone['id']}").status_code == 200
    # The worker publishes the status, then deletes its scheduled row in
    # the next statement: wait for both rather than read between them.
    deadline = time.time() + 15
    posted, waiting = [], [sched]
    while time.time() < deadline and (not posted or waiting):
        time.sleep(0.25)
        posted = [x for x in m.account_statuses(alice.id) if "posted by the worker" in x["content"]]
        waiting = m.scheduled_statuses()
    assert len(posted) == 1
    assert waiting == []
    assert not any("never" in x["content"] for x in m.account_statuses(alice.id))
    assert alice.get(f"/api/v1/scheduled_statuses/{sched['id']}").status_code == 404


def test_a_scheduled_status_claimed_by_a_dead_process_waits_for_its_lease(make_server):
    # A process claimed the status as it fell due and died before publishing
    # it: the claim holds until it ends, then the status is published, once.
    s = make_server(env={"RAPPORT_SCHEDULE_LEAD": "0"})
    alice = s.user()
    sched = alice.post("/api/v1/statuses", data={"status": "after the lease",
                                                 "scheduled_at": iso_in(2)}).json()
    db = store_connect(s.data)
    until = int(time.time() * 1000) + 5000
    db.execute("UPDATE scheduled_statuses SET claimed_until = ? WHERE id = ?",
               (until, int(sched["id"])))
    db.commit()
    db.close()

    def posted():
        return [x for x in alice.get(f"/api/v1/accounts/{alice.id}/statuses").json()
                if "after the lease" in x["content"]]
    while time.time() * 1000 < until - 1000:
        assert posted() == []
        time.sleep(0.25)
    deadline = time.time() + 15
    while time.time() < deadline and not posted():
        time.sleep(0.25)
    assert len(posted()) == 1
    assert alice.get(f"/api/v1/scheduled_statuses/{sched['id']}").status_code == 404


def test_scheduled_status_must_be_ahead(server):
    alice = server.user()
    r = alice.post("/api/v1/statuses", data={"status": "soon", "scheduled_at": iso_in(60)})
    assert r.status_code == 422 and "5 minutes" in r.json()["error"], r.text
    other = server.user()
    sched = alice.post("/api/v1/statuses", data={"status": "mine", "scheduled_at": iso_in(3600)}).json()
    assert other.get(f"/api/v1/scheduled_statuses/{sched['id']}").status_code == 404
    assert other.delete(f"/api/v1/scheduled_statuses/{sched['id']}").status_code == 404


def test_suggestions_are_people_your_mutuals_talk_with(server):
    me, friend, talker, quiet = (server.user() for _ in range(4))
    mm, mf, mt, mq = (masto(server, u) for u in (me, friend, talker, quiet))
    mm.account_follow(friend.id)
    mf.account_follow(me.id)
    mm.account_follow(quiet.id)  # followed, not mutual: who it talks with does not count
    post = mt.status_post("anyone up for a ride?")
    reply = mf.status_post(f"@{talker.name} count me in", in_reply_to_id=post["id"])
    mt.status_post(f"@{friend.name} great, 8am", in_reply_to_id=reply["id"])
    lonely = server.user()
    mq.status_post(f"@{lonely.name} hi", in_reply_to_id=masto(server, lonely).status_post("x")["id"])
    got = me.get("/api/v2/suggestions").json()
    assert [g["account"]["id"] for g in got] == [talker.id]
    assert got[0]["sources"] == ["friends_of_friends"]
    assert friend.name in got[0]["rapport"]["reason"]
    assert [str(a.get("account", a)["id"]) for a in mm.suggestions()] == [talker.id]
    assert me.get("/api/v1/suggestions").json()[0]["id"] == talker.id
    assert me.delete(f"/api/v1/suggestions/{talker.id}").status_code == 200
    assert me.get("/api/v2/suggestions").json() == []


def test_trends_are_conversations(make_server):
    s = make_server()
    a, b, c = s.user(), s.user(), s.user()
    ma, mb, mc = (masto(s, u) for u in (a, b, c))
    talk = ma.status_post("what do you think of #commuting by train?")
    r1 = mb.status_post(f"@{a.name} love it, #commuting is reading time", in_reply_to_id=talk["id"])
    ma.status_post(f"@{b.name} same here", in_reply_to_id=r1["id"])
    liked = mc.status_post("a #sunset photo, no words")
    for m in (ma, mb):
        m.status_favourite(liked["id"])
        m.status_reblog(liked["id"])
    mb.status_post("my own #sunset")
    tags = s.url("/api/v1/trends/tags")
    import requests
    got = requests.get(tags).json()
    assert [t["name"].lower() for t in got] == ["commuting"]
    assert len(got[0]["history"]) == 7
    assert requests.get(s.url("/api/v1/trends")).json() == got
    statuses = requests.get(s.url("/api/v1/trends/statuses")).json()
    assert [int(x["id"]) for x in statuses] == [talk["id"]]
    # Blocking its author hides it from the blocker.
    mc.account_block(a.id)
    assert c.get("/api/v1/trends/statuses").json() == []


def test_announcements(make_server):
    s = make_server()
    run_cli("user", "add", "boss", "--email", "boss@example.com", "--password", PASSWORD,
            "--admin", data=s.data)
    from conftest import User
    boss = User(s, "boss", "boss@example.com", PASSWORD, None, s.token("boss@example.com"))
    user = s.user()
    r = user.post("/api/rapport/v1/announcements", data={"text": "I am not the admin"})
    assert r.status_code == 403
    r = boss.post("/api/rapport/v1/announcements",
                  data={"text": "Maintenance <tonight>", "ends_at": iso_in(3600)})
    assert r.status_code == 200, r.text
    ann = r.json()
    got = masto(s, user).announcements()
    assert len(got) == 1
    g = got[0]
    assert "&lt;tonight&gt;" in g["content"] and g["read"] is False
    assert g["reactions"] == [] and g["mentions"] == [] and g["all_day"] is False
    assert str(g["id"]) == ann["id"]
    assert user.post(f"/api/v1/announcements/{ann['id']}/dismiss").status_code == 200
    assert user.get("/api/v1/announcements").json() == []
    assert user.get("/api/v1/announcements", params={"with_dismissed": "true"}).json()[0]["read"] is True
    assert user.post("/api/v1/announcements/12345/dismiss").status_code == 404
    assert boss.delete(f"/api/rapport/v1/announcements/{ann['id']}").status_code == 200
    assert boss.get("/api/v1/announcements", params={"with_dismissed": "true"}).json() == []
