"""Home-feed fan-out through the job queue: with RAPPORT_FANOUT_INLINE=0
every status by an account with followers is delivered by the worker
thread. Followers see it shortly after; a job survives a SIGKILL and runs
after the restart; SIGTERM finishes the queue before exiting."""
import time

from conftest import kill_server, store_connect


def home_ids(user):
    r = user.get("/api/v1/timelines/home", params={"limit": 40})
    assert r.status_code == 200, r.text
    return [s["id"] for s in r.json()]


def wait_for(pred, secs=10):
    deadline = time.time() + secs
    while time.time() < deadline:
        if pred():
            return True
        time.sleep(0.05)
    return False


def test_worker_delivers_to_followers(make_server):
    s = make_server(env={"RAPPORT_FANOUT_INLINE": "0"})
    author, f1, f2, stranger = s.user(), s.user(), s.user(), s.user()
    for f in (f1, f2):
        assert f.post(f"/api/v1/accounts/{author.id}/follow").status_code == 200
    ids = [author.post("/api/v1/statuses", data={"status": f"queued {i}"}).json()["id"]
           for i in range(30)]
    assert set(ids) <= set(home_ids(author))  # the author's own feed is written at once
    for f in (f1, f2):
        assert wait_for(lambda: set(ids) <= set(home_ids(f))), "fan-out did not arrive"
    assert not set(ids) & set(home_ids(stranger))
    boost = f1.post(f"/api/v1/statuses/{ids[0]}/reblog").json()["id"]
    # f2 follows only the author, so f1's reblog reaches nobody else; the
    # queue is empty again.
    db = store_connect(s.data)
    assert wait_for(lambda: db.execute("SELECT COUNT(*) FROM jobs").fetchone()[0] == 0)
    assert boost not in home_ids(f2)


def test_jobs_survive_sigkill_and_drain_on_sigterm(make_server):
    s = make_server(env={"RAPPORT_FANOUT_INLINE": "0"})
    author, follower = s.user(), s.user()
    assert follower.post(f"/api/v1/accounts/{author.id}/follow").status_code == 200
    ids = [author.post("/api/v1/statuses", data={"status": f"n{i}"}).json()["id"]
           for i in range(40)]
    kill_server(s)
    s.start()
    assert wait_for(lambda: set(ids) <= set(home_ids(follower))), "jobs lost in the crash"
    more = [author.post("/api/v1/statuses", data={"status": f"m{i}"}).json()["id"]
            for i in range(40)]
    fid = int(follower.id)
    assert s.stop() == 0
    db = store_connect(s.data)
    assert db.execute("SELECT COUNT(*) FROM jobs").fetchone()[0] == 0
    have = {str(r[0]) for r in db.execute("SELECT status_id FROM home_feed WHERE account_id = ?",
                                          (fid,))}
    assert set(more) <= have
    s.start()


def test_batched_fanout_keeps_the_feed_rules(make_server):
    """Many jobs delivered together, in slices by follower, give each feed
    exactly what store_feed_fanout gives: replies to someone else only to
    those who follow both (and that person), reblogs only where reblogs are
    shown, nothing deleted, nothing twice."""
    s = make_server(env={"RAPPORT_FANOUT_INLINE": "0"})
    author, other = s.user(), s.user()
    plain, no_boosts, both, stranger = s.user(), s.user(), s.user(), s.user()
    for f in (plain, both, other):
        assert f.post(f"/api/v1/accounts/{author.id}/follow").status_code == 200
    r = no_boosts.post(f"/api/v1/accounts/{author.id}/follow", data={"reblogs": "false"})
    assert r.status_code == 200 and r.json()["showing_reblogs"] is False
    assert both.post(f"/api/v1/accounts/{other.id}/follow").status_code == 200
    theirs = other.post("/api/v1/statuses", data={"status": "other's"}).json()["id"]

    def post(**data):
        r = author.post("/api/v1/statuses", data=data)
        assert r.status_code == 200, r.text
        return r.json()["id"]

    # Interleaved, so that batches mix the kinds of jobs.
    plains, replies, boosts, gone = [], [], [], []
    for i in range(12):
        plains.append(post(status=f"plain {i}"))
        replies.append(post(status=f"reply {i}", in_reply_to_id=theirs))
        doomed = post(status=f"doomed {i}")
        assert author.delete(f"/api/v1/statuses/{doomed}").status_code == 200
        gone.append(doomed)
    boost = author.post(f"/api/v1/statuses/{theirs}/reblog")
    assert boost.status_code == 200
    boosts.append(boost.json()["id"])
    self_reply = post(status="self reply", in_reply_to_id=plains[0])

    db = store_connect(s.data)
    assert wait_for(lambda: db.execute("SELECT COUNT(*) FROM jobs").fetchone()[0] == 0)

    def feed(user):
        return {str(r[0]) for r in db.execute(
            "SELECT status_id FROM home_feed WHERE account_id = ?", (int(user.id),))}

    mine = set(plains) | {self_reply}
    assert feed(plain) == mine | set(boosts)
    assert feed(no_boosts) == mine
    assert feed(both) == mine | set(replies) | set(boosts) | {theirs}
    assert feed(other) == mine | set(replies) | set(boosts) | {theirs}
    assert feed(stranger) == set()
    assert feed(author) == mine | set(replies) | set(boosts)
    assert not set(gone) & {str(r[0]) for r in db.execute("SELECT status_id FROM home_feed")}
    rows = db.execute("SELECT COUNT(*), COUNT(DISTINCT account_id || '-' || status_id)"
                      " FROM home_feed").fetchone()
    assert rows[0] == rows[1]
    db.close()
