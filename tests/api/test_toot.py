"""The real `toot` command line client (Debian's toot 0.34.1) posting,
reading timelines and threads, following and reading notifications, with
the server's state checked through the API afterwards."""
import os
import re
import subprocess

import pytest

from conftest import PASSWORD, open_inbox
from test_statuses import get_status, post, statuses_count

LINE = "─" * 100


def toot_env(tmp_path):
    return dict(os.environ, HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "config"),
                COLUMNS="100")


def run(env, *args, stdin=None, ok=True):
    p = subprocess.run(["toot", *args], input=stdin, capture_output=True, text=True, env=env,
                       timeout=60)
    if ok:
        assert p.returncode == 0, p.stdout + p.stderr
    return p


@pytest.fixture
def tooter(server, tmp_path):
    """A user signed in to toot; returns (user, env)."""
    user = server.user()
    env = toot_env(tmp_path)
    p = run(env, "login_cli", "--disable-https", "-i", server.domain, "-e", user.email,
            stdin=PASSWORD + "\n")
    assert "Successfully logged in" in p.stdout
    return user, env


def status_ids(out):
    """The status ids toot printed, in order."""
    return re.findall(r"^ID (\d+) ", out, re.M)


def missing(user, method, path):
    """True when the server has no such route (another area's endpoint)."""
    r = user.request(method, path)
    return r.status_code in (404, 405) and r.json().get("error") in (
        "Record not found", "Method not allowed")


def test_toot_post_and_read_back(server, tooter):
    user, env = tooter
    p = run(env, "post", "Hello from toot <3 #tootcli", "--no-color")
    m = re.match(rf"^Toot posted: {re.escape(server.base)}/@{user.name}/(\d+)\n?$", p.stdout)
    assert m, p.stdout
    sid = m.group(1)
    s = get_status(user, sid)
    assert s["content"] == (f'<p>Hello from toot &lt;3 <a href="{server.base}/tags/tootcli" '
                            'class="mention hashtag" rel="tag">#<span>tootcli</span></a></p>')
    assert s["visibility"] == "public"
    assert s["application"] == {"name": "toot - a Mastodon CLI client",
                                "website": "https://github.com/ihabunek/toot"}
    assert statuses_count(user) == 1
    # Visibility, content warning and language.
    p = run(env, "post", "quiet one", "-v", "unlisted", "-p", "careful", "-l", "en",
            "--no-color")
    sid2 = p.stdout.strip().rsplit("/", 1)[1]
    s2 = get_status(user, sid2)
    assert (s2["visibility"], s2["spoiler_text"], s2["sensitive"], s2["language"]) == (
        "unlisted", "careful", True, "en")
    # From standard input.
    p = run(env, "post", "--no-color", stdin="piped text\nsecond line\n")
    s3 = get_status(user, p.stdout.strip().rsplit("/", 1)[1])
    assert s3["content"] == "<p>piped text<br>second line</p>"
    assert statuses_count(user) == 3


def test_toot_post_errors_are_reported(server, tooter):
    user, env = tooter
    p = run(env, "post", "x" * 501, "--no-color", ok=False)
    assert p.returncode == 1
    assert "Text character limit of 500 exceeded" in p.stderr + p.stdout
    p = run(env, "post", "bad", "-v", "everyone", "--no-color", ok=False)
    assert p.returncode != 0
    assert statuses_count(user) == 0


def test_toot_timeline_once(server, tooter):
    user, env = tooter
    made = [post(user, f"entry number {i}")["id"] for i in range(5)]
    p = run(env, "timeline", "--once", "-c", "3", "--no-color")
    assert status_ids(p.stdout) == made[::-1][:3]
    assert "entry number 4" in p.stdout and "entry number 1" not in p.stdout
    assert f"@{user.name}" in p.stdout
    assert p.stdout.startswith(LINE)
    p = run(env, "timeline", "--once", "-c", "10", "-r", "--no-color")
    assert status_ids(p.stdout) == made
    # Public and hashtag timelines.
    t = post(user, "tagged #TootTag")["id"]
    p = run(env, "timeline", "--public", "--local", "--once", "-c", "2", "--no-color")
    assert status_ids(p.stdout) == [t, made[4]]
    p = run(env, "timeline", "--tag", "toottag", "--once", "--no-color")
    assert status_ids(p.stdout) == [t]


def test_toot_thread(server, tooter, bob):
    user, env = tooter
    root = post(bob, "thread root")
    a = run(env, "post", "first reply", "-r", root["id"], "--no-color")
    a_id = a.stdout.strip().rsplit("/", 1)[1]
    b = post(bob, "nested reply", in_reply_to_id=a_id)
    c = post(bob, "second reply", in_reply_to_id=root["id"])
    assert get_status(bob, root["id"])["replies_count"] == 2
    p = run(env, "thread", a_id, "--no-color")
    assert status_ids(p.stdout) == [root["id"], a_id, b["id"]]
    assert re.search(rf"^ID {a_id} +↲ In reply to {root['id']}", p.stdout, re.M)
    p = run(env, "thread", root["id"], "--no-color")
    assert status_ids(p.stdout) == [root["id"], a_id, b["id"], c["id"]]
    assert "first reply" in p.stdout and "nested reply" in p.stdout
    p = run(env, "thread", "99999999999", "--no-color", ok=False)
    assert p.returncode != 0 and "Record not found" in p.stdout + p.stderr


def test_toot_status_actions(server, tooter, bob):
    user, env = tooter
    s = post(bob, "act on me")
    for cmd, msg in [("favourite", "Status favourited"), ("reblog", "Status reblogged"),
                     ("bookmark", "Status bookmarked")]:
        assert msg in run(env, cmd, s["id"], "--no-color").stdout
    got = get_status(user, s["id"])
    assert (got["favourited"], got["reblogged"], got["bookmarked"]) == (True, True, True)
    assert (got["favourites_count"], got["reblogs_count"]) == (1, 1)
    for cmd, msg in [("unfavourite", "Status unfavourited"),
                     ("unreblog", "Status unreblogged"), ("unbookmark", "Status unbookmarked")]:
        assert msg in run(env, cmd, s["id"], "--no-color").stdout
    got = get_status(user, s["id"])
    assert (got["favourites_count"], got["reblogs_count"], got["bookmarked"]) == (0, 0, False)
    mine = post(user, "pin me")
    assert "Status pinned" in run(env, "pin", mine["id"], "--no-color").stdout
    assert get_status(user, mine["id"])["pinned"] is True
    assert "Status deleted" in run(env, "delete", mine["id"], "--no-color").stdout
    assert user.get(f"/api/v1/statuses/{mine['id']}").status_code == 404
    assert statuses_count(user) == 0


def test_toot_follow(server, tooter, bob):
    user, env = tooter
    if missing(user, "POST", f"/api/v1/accounts/{bob.id}/follow"):
        pytest.skip("POST /api/v1/accounts/:id/follow is not implemented yet")
    if missing(user, "GET", "/api/v2/search?q=x"):
        pytest.skip("GET /api/v2/search (toot follow looks the account up) is not "
                    "implemented yet")
    p = run(env, "follow", bob.name, "--no-color")
    assert f"You are now following {bob.name}" in p.stdout
    followers = user.get(f"/api/v1/accounts/{bob.id}/followers").json()
    assert [a["id"] for a in followers] == [user.id]
    s = post(bob, "for my followers", visibility="private")
    p = run(env, "timeline", "--once", "--no-color")
    assert status_ids(p.stdout) == [s["id"]]
    p = run(env, "unfollow", bob.name, "--no-color")
    assert f"You are no longer following {bob.name}" in p.stdout
    assert user.get(f"/api/v1/accounts/{bob.id}/followers").json() == []
    p = run(env, "follow", "nobody_here_at_all", "--no-color", ok=False)
    assert p.returncode != 0 and "Account not found" in p.stdout + p.stderr


def test_toot_notifications(server, tooter, bob):
    user, env = tooter
    if missing(user, "GET", "/api/v1/notifications"):
        pytest.skip("GET /api/v1/notifications is not implemented yet")
    p = run(env, "notifications", "--no-color")
    assert "No notification" in p.stdout
    mine = post(user, "notice me")
    open_inbox(user)  # bob is a stranger: his mention would wait in requests
    post(bob, f"@{user.name} hello there")
    bob.post(f"/api/v1/statuses/{mine['id']}/favourite")
    p = run(env, "notifications", "--no-color")
    assert f"@{bob.name} favourited your status" in p.stdout
    assert f"@{bob.name} mentioned you in" in p.stdout
    assert p.stdout.index("favourited") < p.stdout.index("mentioned")  # newest first
    assert "hello there" in p.stdout and "notice me" in p.stdout
    p = run(env, "notifications", "--mentions", "--no-color")
    assert "mentioned you in" in p.stdout and "favourited" not in p.stdout
