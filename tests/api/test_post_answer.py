"""POST /api/v1/statuses answers with the status its transaction wrote: a
status without media, poll or link is not read back after the commit, and
every answer is byte for byte what a GET of the same status returns right
after (with the render cache off, so the GET renders it again)."""
import re
import uuid

import media_files as mf
from test_media import upload, wait_ready

SLOW = re.compile(r"slow sql: \d+ ms in: (.*)$")
# The viewer's flags on statuses (store_viewer_flags): read only to render
# statuses for a viewer, never by background work when no stream is open.
FLAGS_READ = "SELECT $4, status_id FROM favourites WHERE account_id = $1"


def flag_reads(server):
    return sum(1 for line in server.log.read_text().splitlines()
               if (m := SLOW.search(line)) and m.group(1).startswith(FLAGS_READ))


def post(server, user, headers=None, **params):
    """Posts; checks the answer against a GET right after. Returns the
    answer and how many times the viewer's flags were read to make it."""
    before = flag_reads(server)
    r = user.post("/api/v1/statuses", data=params, headers=headers or {})
    assert r.status_code == 200, r.text
    reads = flag_reads(server) - before
    got = user.get(f"/api/v1/statuses/{r.json()['id']}")
    assert got.status_code == 200, got.text
    assert r.content == got.content
    return r.json(), reads


def test_answer_is_the_written_status_unread(make_server):
    s = make_server(env={"RAPPORT_SLOW_SQL_MS": "0", "RAPPORT_RENDER_CACHE_MB": "0"})
    alice, bob = s.user(), s.user()
    assert bob.post(f"/api/v1/accounts/{alice.id}/follow").status_code == 200
    theirs, _ = post(s, bob, status="a question for @" + alice.name)
    first, reads = post(s, alice, status="hello world")
    assert reads == 0 and first["account"]["statuses_count"] == 1
    shout, reads = post(s, alice, status="THIS IS THE BEST DAY OF MY LIFE, EVERYONE!")
    assert reads == 0 and shout["rapport"]["flags"] == ["shouting"]
    for params in [dict(status="behind a warning", spoiler_text="cw"),
                   dict(status="look at this", sensitive="true", language="de"),
                   dict(status="quietly", visibility="unlisted"),
                   dict(status="friends only", visibility="private"),
                   dict(status=f"hi @{bob.name} #Rapport #tags"),
                   dict(status="and a reply to me", in_reply_to_id=first["id"]),
                   dict(status=f"@{bob.name} an answer", in_reply_to_id=theirs["id"])]:
        answer, reads = post(s, alice, **params)
        assert reads == 0, params  # not read back to answer with
    assert answer["account"]["statuses_count"] == 9

    # What the transaction does not hold is read back, as before.
    media = upload(alice, mf.png(8, 8)).json()["id"]
    assert wait_ready(alice, media).status_code == 200
    for params in [{"status": "with a picture", "media_ids[]": [media]},
                   {"status": "pick one", "poll[options][]": ["a", "b"],
                    "poll[expires_in]": "3600"},
                   {"status": "see https://example.com/page"},
                   {"status": f"@{bob.name} just us", "visibility": "direct"}]:
        answer, reads = post(s, alice, **params)
        assert reads >= 1, params
    key = {"Idempotency-Key": str(uuid.uuid4())}
    once, _ = post(s, alice, headers=key, status="once")
    again, reads = post(s, alice, headers=key, status="once")
    assert again["id"] == once["id"] and reads >= 1
