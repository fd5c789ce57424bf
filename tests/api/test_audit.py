"""`rapport audit` (tools/audit.c) on Mastodon and X archives built here:
the figures of docs/SOCIAL.md, a self-contained HTML page with everything
escaped, and a clear error for malformed, truncated, oversized and hostile
archives, with memory bounded on a huge one."""
import io
import json
import resource
import subprocess
import zipfile

import pytest

from conftest import BIN, TEST_ENV, masto, run_cli

ME = "https://example.social/users/me"


def note(i, day, content, reply=None, mentions=()):
    return {"id": f"{ME}/statuses/{i}/activity", "type": "Create", "actor": ME,
            "published": f"2026-03-{day:02d}T10:00:00Z",
            "object": {"id": f"{ME}/statuses/{i}", "type": "Note", "content": content,
                       "inReplyTo": reply, "published": f"2026-03-{day:02d}T10:00:00Z",
                       "tag": [{"type": "Mention", "href": f"https://example.social/users/{m}",
                                "name": f"@{m}"} for m in mentions]}}


def outbox(items):
    return {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{ME}/outbox",
            "type": "OrderedCollection", "totalItems": len(items), "orderedItems": items}


SAMPLE = [
    note(1, 2, '<p><a href="https://shop.example/a">https://shop.example/a</a></p>'),
    note(2, 2, "<p>good point, I agree</p>", reply="https://example.social/users/bob/statuses/9",
         mentions=["bob"]),
    note(3, 3, "<p>hey, look at this</p>", mentions=["carol"]),
    {"id": f"{ME}/statuses/4/activity", "type": "Announce", "actor": ME,
     "published": "2026-03-03T11:00:00Z", "object": "https://example.social/users/bob/statuses/8"},
    note(5, 4, "<p>and one more thing</p>", reply="https://example.social/users/bob/statuses/10",
         mentions=["bob"]),
]


def audit(path, out, check=True):
    return run_cli("audit", str(path), "--out", str(out), check=check)


def figures_of(out):
    return json.loads((out / "report.json").read_text())


def test_mastodon_outbox(tmp_path):
    src = tmp_path / "outbox.json"
    src.write_text(json.dumps(outbox(SAMPLE)))
    audit(src, tmp_path / "r")
    f = figures_of(tmp_path / "r")
    assert f["source"] == "mastodon"
    assert f["counts"] == {"posts": 5, "originals": 4, "replies": 2, "shares": 1,
                           "conversational": 3, "broadcasts": 1}
    assert f["listening"] == 0.8 and f["replies_share"] == 0.5
    assert f["broadcast_share"] == 0.25 and f["reciprocity"] == 0.5
    assert f["self_promotion"] == 0.25 and f["link_only"] == 0.25
    assert f["unanswered_mentions"] == {"people": 1, "unanswered": 1, "share": 1.0}
    assert f["saturation"]["active_days"] == 3 and f["saturation"]["max_per_day"] == 2
    assert sum(map(sum, f["saturation"]["by_weekday_hour_utc"])) == 5
    html = (tmp_path / "r" / "report.html").read_text()
    assert html.startswith("<!DOCTYPE html>") and "<svg" in html
    assert "<script" not in html and "http" not in html.split("<body>")[1]  # self-contained
    assert "@bob" in html


def test_x_archive_in_a_zip(tmp_path):
    tweets = [
        {"tweet": {"created_at": "Wed Oct 10 20:19:24 +0000 2018", "full_text": "hello world",
                   "entities": {"user_mentions": [], "urls": []}}},
        {"tweet": {"created_at": "Thu Oct 11 08:00:00 +0000 2018",
                   "full_text": "@ana yes, exactly", "in_reply_to_screen_name": "ana",
                   "entities": {"user_mentions": [{"screen_name": "ana"}], "urls": []}}},
        {"tweet": {"created_at": "Thu Oct 11 09:00:00 +0000 2018",
                   "full_text": "RT @ana: something", "entities": {}}},
        {"tweet": {"created_at": "Fri Oct 12 09:00:00 +0000 2018",
                   "full_text": "https://t.co/abc",
                   "entities": {"user_mentions": [], "urls": [{"url": "https://t.co/abc"}]}}},
    ]
    z = tmp_path / "twitter.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("data/tweets.js", "window.YTD.tweets.part0 = " + json.dumps(tweets))
    audit(z, tmp_path / "r")
    f = figures_of(tmp_path / "r")
    assert f["source"] == "x"
    assert f["counts"] == {"posts": 4, "originals": 3, "replies": 1, "shares": 1,
                           "conversational": 1, "broadcasts": 2}
    assert f["link_only"] == pytest.approx(1 / 3) and f["self_promotion"] == pytest.approx(1 / 3)
    assert f["period"]["first"].startswith("2018-10-10T20:19:24")


def test_our_own_archive_is_a_mastodon_archive(server, tmp_path):
    me, other = server.user(), server.user()
    m = masto(server, me)
    theirs = masto(server, other).status_post("a question?")
    m.status_post(f"@{other.name} an answer", in_reply_to_id=theirs["id"])
    m.status_post("just saying")
    z = tmp_path / "archive.zip"
    z.write_bytes(me.get("/api/rapport/v1/exports/archive.zip").content)
    audit(z, tmp_path / "r")
    f = figures_of(tmp_path / "r")
    assert f["counts"]["originals"] == 2 and f["counts"]["replies"] == 1


def test_hostile_strings_are_escaped(tmp_path):
    evil = '<script>alert(1)</script>"&'
    src = tmp_path / "outbox.json"
    src.write_text(json.dumps(outbox([note(1, 5, "<p>x</p>", mentions=[evil])])))
    audit(src, tmp_path / "r")
    html = (tmp_path / "r" / "report.html").read_text()
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("content,error", [
    ('{"orderedItems": [{"type": "Create", "published": "2026-01-01T00:00:00Z", "object": {}}, {"type": "Cre',
     "truncated"),
    ('{"orderedItems": [{"type": "Create",, }]}', "item 1 is not valid JSON"),
    ('{"items": []}', "not a Mastodon outbox.json"),
    ('{"x": {"orderedItems": [1]}}', "not a Mastodon outbox.json"),
    ('not json at all', "not a Mastodon outbox.json"),
    ('{"orderedItems": [{"a": "' + "x" * (1 << 20) + '"}]}', "larger than 1048576 bytes"),
    ('{"orderedItems": [{"a": 1, "a": 2}]}', "duplicate"),
], ids=["truncated", "invalid", "no-items", "nested-items", "not-json", "huge-item", "duplicate"])
def test_malformed_archives_get_a_clear_error(tmp_path, content, error):
    src = tmp_path / "outbox.json"
    src.write_text(content)
    p = audit(src, tmp_path / "r", check=False)
    assert p.returncode == 1 and error in p.stderr, p.stderr
    assert p.stderr.startswith("rapport: audit: ") and p.stderr.count("\n") == 1
    assert not (tmp_path / "r" / "report.html").exists()


def test_missing_and_foreign_files(tmp_path):
    p = audit(tmp_path / "nope.json", tmp_path / "r", check=False)
    assert p.returncode == 1 and "cannot read" in p.stderr
    z = tmp_path / "other.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("readme.txt", "hi")
    p = audit(z, tmp_path / "r", check=False)
    assert p.returncode == 1 and "no outbox.json" in p.stderr
    (tmp_path / "fake.zip").write_text("not a zip")
    p = audit(tmp_path / "fake.zip", tmp_path / "r", check=False)
    assert p.returncode == 1 and "not a readable zip" in p.stderr
    p = run_cli("audit", str(tmp_path / "x.json"), check=False)
    assert p.returncode == 2


def max_rss_kb(args):
    """The peak resident memory of one run of the binary."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    env = dict(TEST_ENV, PATH="/usr/bin:/bin")
    # Under AddressSanitizer, freed memory waits in a quarantine (256 MB by
    # default) before it is reused: keep it small so the peak shows the
    # program's own bound.
    env["ASAN_OPTIONS"] += ":quarantine_size_mb=4"
    p = subprocess.run([BIN, *args], capture_output=True, text=True, env=env)
    assert p.returncode == 0, p.stderr
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(after, before)


def test_huge_archive_in_bounded_memory(tmp_path):
    """A 40 MB outbox is read in about the memory of a small one."""
    small, huge = tmp_path / "small.json", tmp_path / "huge.json"
    small.write_text(json.dumps(outbox(SAMPLE)))
    item = json.dumps(note(1, 7, "<p>" + "words " * 50 + "</p>", mentions=["bob"]))
    with open(huge, "w") as f:
        f.write('{"type": "OrderedCollection", "orderedItems": [')
        f.write(",".join([item] * 100000))
        f.write("]}")
    assert huge.stat().st_size > 40 << 20
    # The small run first: RUSAGE_CHILDREN keeps the peak of all children.
    base = max_rss_kb(["audit", str(small), "--out", str(tmp_path / "a")])
    peak = max_rss_kb(["audit", str(huge), "--out", str(tmp_path / "b")])
    assert peak < base + 24 * 1024, (base, peak)
    assert figures_of(tmp_path / "b")["counts"]["posts"] == 100000


def test_upload_for_the_web_app(make_server):
    """POST /api/rapport/v1/audit: the same report for an uploaded archive
    (an outbox.json, a tweets.js, or a zip of either), for signed-in people
    only, within RAPPORT_AUDIT_UPLOAD_MAX; what is no archive gets the
    reason, naming no file of the server."""
    import requests
    s = make_server(env={"RAPPORT_AUDIT_UPLOAD_MAX": "4096"})
    u = s.user()
    post = lambda name, data: u.post(  # noqa: E731
        "/api/rapport/v1/audit", files={"file": (name, data, "application/octet-stream")})
    r = post("outbox.json", json.dumps(outbox(SAMPLE)))
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["report"]["counts"]["posts"] == 5 and got["report"]["listening"] == 0.8
    assert got["html"].startswith("<!DOCTYPE html>") and "@bob" in got["html"]
    tweets = [{"tweet": {"created_at": "Wed Oct 10 20:19:24 +0000 2018",
                         "full_text": "hello", "entities": {}}}]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("data/tweets.js", "window.YTD.tweets.part0 = " + json.dumps(tweets))
    r = post("any name", buf.getvalue())
    assert r.status_code == 200 and r.json()["report"]["source"] == "x", r.text
    r = post("outbox.json", '{"orderedItems": [{"type": "Create", ')
    assert r.status_code == 422 and "/tmp" not in r.text and "archive" in r.text, r.text
    assert post("x.png", b"\x89PNG\r\n\x1a\n").status_code == 422
    assert post("big.json", "{" + " " * 8000 + "}").status_code == 413
    r = requests.post(s.url("/api/rapport/v1/audit"), files={"file": ("a.json", "{}")})
    assert r.status_code == 401
