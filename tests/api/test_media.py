"""Uploads and media attachments through Mastodon.py and plain HTTP:
images stripped of their metadata and turned upright, statuses with media,
only_media, alt text, the files as served (type, ETag, ranges), profile
pictures, and hostile files refused with a 422 that leaves nothing on disk."""
import os
import time
from pathlib import Path

import json
import subprocess
import tempfile

import pytest
import requests
from mastodon import Mastodon
from mastodon.errors import MastodonAPIError

import media_files as mf
from conftest import Server


def files_under(server):
    root = Path(server.data) / "media"
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def wait_ready(user, media_id, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        r = user.get(f"/api/v1/media/{media_id}")
        if r.status_code != 206:
            return r
        time.sleep(0.05)
    raise AssertionError("media still processing")


def masto(server, user):
    return Mastodon(access_token=user.token, api_base_url=server.base)


def upload(user, data, name="x.png", mime="image/png", version=2, **fields):
    return user.post(f"/api/v{version}/media", files={"file": (name, data, mime)},
                     data=fields)


def fetch(server, url):
    assert url.startswith(server.base + "/media/")
    return requests.get(url)


def test_png_through_mastodon_py(server):
    user = server.user()
    m = masto(server, user)
    media = m.media_post(mf.png(300, 200), mime_type="image/png", description="A red field",
                         focus=(0.5, -0.25))
    assert media["type"] == "image" and media["url"] is None
    r = wait_ready(user, media["id"])
    assert r.status_code == 200, r.text
    got = m.media(media["id"])
    assert got["description"] == "A red field"
    assert got["meta"]["original"]["width"] == 300 and got["meta"]["original"]["height"] == 200
    assert got["meta"]["original"]["aspect"] == pytest.approx(1.5)
    assert got["meta"]["small"]["width"] == 300
    assert got["meta"]["focus"] == {"x": 0.5, "y": -0.25}
    # PUT moves the focal point and keeps the description; a point off the
    # picture is refused
    put = m.media_update(media["id"], focus=(-1.0, 0.75))
    assert put["meta"]["focus"] == {"x": -1.0, "y": 0.75} and put["description"] == "A red field"
    r = user.put(f"/api/v1/media/{media['id']}", data={"focus": "1.5,0"})
    assert r.status_code == 422 and "error" in r.json(), r.text
    assert m.media(media["id"])["meta"]["focus"] == {"x": -1.0, "y": 0.75}
    # blurhash (https://blurha.sh): the size flag of 4x3 components, then
    # the picture's one colour as the DC term, then 11 AC terms
    b83 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~"
    dc = (200 << 16) | (30 << 8) | 30
    bh = got["blurhash"]
    assert len(bh) == 28 and bh[0] == "L"
    assert bh[2:6] == "".join(b83[dc // 83 ** k % 83] for k in (3, 2, 1, 0))
    f = fetch(server, got["url"])
    assert f.status_code == 200 and f.headers["Content-Type"] == "image/png"
    assert mf.png_size(f.content) == (300, 200)
    p = fetch(server, got["preview_url"])
    assert p.headers["Content-Type"] == "image/webp" and p.content[8:12] == b"WEBP"


def test_jpeg_gps_and_orientation_are_gone(server):
    user = server.user()
    m = masto(server, user)
    original = mf.jpeg_with_gps(64, 32)
    assert any(mark == 0xE1 for mark, _ in mf.jpeg_segments(original))
    media = m.media_post(original, mime_type="image/jpeg")
    r = wait_ready(user, media["id"])
    assert r.status_code == 200, r.text
    data = fetch(server, r.json()["url"]).content
    marks = mf.jpeg_segments(data)
    assert not [mk for mk, _ in marks if 0xE1 <= mk <= 0xEF], marks  # no APPn but JFIF
    assert b"Exif" not in data and b"SecretCam" not in data and b"GPS" not in data
    # orientation 6 (turned 90 degrees) was applied: 64x32 becomes 32x64
    assert mf.jpeg_size(data) == (32, 64)
    # the WebP preview has no EXIF chunk either
    preview = fetch(server, r.json()["preview_url"]).content
    assert b"EXIF" not in preview and b"SecretCam" not in preview
    assert mf.image_size(preview) == (32, 64)
    assert r.json()["meta"]["original"]["width"] == 32


def test_status_with_media_only_media_and_alt_text(server):
    user = server.user()
    m = masto(server, user)
    ids = []
    for i in range(2):
        media = m.media_post(mf.png(20 + i, 20), mime_type="image/png",
                             description=f"picture {i}")
        assert wait_ready(user, media["id"]).status_code == 200
        ids.append(media["id"])
    m.media_update(ids[1], description="the second picture")
    st = m.status_post("two pictures", media_ids=ids, sensitive=True)
    assert [str(a["id"]) for a in st["media_attachments"]] == [str(i) for i in ids]
    assert st["media_attachments"][1]["description"] == "the second picture"
    assert st["sensitive"] is True
    plain = m.status_post("no pictures")
    only = m.account_statuses(user.id, only_media=True)
    assert [s["id"] for s in only] == [st["id"]]
    every = m.account_statuses(user.id)
    assert {s["id"] for s in every} == {st["id"], plain["id"]}
    # as others see it, and in the home timeline
    assert m.status(st["id"])["media_attachments"][0]["url"].startswith(server.base)
    assert m.timeline_home()[1]["media_attachments"][0]["type"] == "image"
    # an attached upload cannot be reused or described again
    r = user.post("/api/v1/statuses", json={"status": "again", "media_ids": [str(ids[0])]})
    assert r.status_code == 422
    assert user.put(f"/api/v1/media/{ids[0]}", data={"description": "x"}).status_code == 404
    # media-only statuses need no text
    media = m.media_post(mf.png(8, 8), mime_type="image/png")
    wait_ready(user, media["id"])
    assert m.status_post("", media_ids=[media["id"]])["content"] == ""


def test_media_ids_rules(server):
    alice, bob = server.user(), server.user()
    ids = []
    for i in range(5):
        r = upload(alice, mf.png(4 + i, 4), version=1)
        assert r.status_code == 200, r.text
        ids.append(r.json()["id"])
    r = alice.post("/api/v1/statuses", json={"status": "five", "media_ids": ids})
    assert r.status_code == 422
    r = bob.post("/api/v1/statuses", json={"status": "not mine", "media_ids": ids[:1]})
    assert r.status_code == 422
    assert bob.get(f"/api/v1/media/{ids[0]}").status_code == 404
    r = alice.post("/api/v1/statuses", json={"status": "bad", "media_ids": ["x"]})
    assert r.status_code == 422 and "media_ids" in r.json()["details"]
    # the composer's preview checks them as posting would
    r = alice.post("/api/rapport/v1/statuses/preview", json={"status": "p", "media_ids": ids[:1]})
    assert r.status_code == 200, r.text
    r = bob.post("/api/rapport/v1/statuses/preview", json={"status": "p", "media_ids": ids[:1]})
    assert r.status_code == 422
    # an edit keeps the media; changing them is refused
    st = alice.post("/api/v1/statuses", json={"status": "one", "media_ids": ids[:1]}).json()
    r = alice.put(f"/api/v1/statuses/{st['id']}", json={"status": "one!", "media_ids": ids[:1]})
    assert r.status_code == 200 and r.json()["media_attachments"][0]["id"] == ids[0]
    r = alice.put(f"/api/v1/statuses/{st['id']}", json={"status": "two", "media_ids": ids[1:2]})
    assert r.status_code == 422


def test_served_file_headers_etag_and_ranges(server):
    user = server.user()
    r = upload(user, mf.png(50, 50), version=1)
    assert r.status_code == 200, r.text
    url = r.json()["url"]
    name = url.rsplit("/", 1)[1]
    f = requests.get(url)
    assert f.headers["X-Content-Type-Options"] == "nosniff"
    assert f.headers["ETag"] == '"' + name.split(".")[0] + '"'
    assert "immutable" in f.headers["Cache-Control"]
    assert requests.get(url, headers={"If-None-Match": f.headers["ETag"]}).status_code == 304
    part = requests.get(url, headers={"Range": "bytes=2-9"})
    assert part.status_code == 206 and part.content == f.content[2:10]
    assert part.headers["Content-Range"] == f"bytes 2-9/{len(f.content)}"
    tail = requests.get(url, headers={"Range": "bytes=-4"})
    assert tail.status_code == 206 and tail.content == f.content[-4:]
    bad = requests.get(url, headers={"Range": f"bytes={len(f.content)}-"})
    assert bad.status_code == 416
    assert requests.get(server.url("/media/../media.db")).status_code == 404
    assert requests.get(server.url("/media/" + "0" * 64 + ".png")).status_code == 404
    # the same bytes are stored once
    again = upload(user, mf.png(50, 50), version=1).json()
    assert again["url"] == url and again["id"] != r.json()["id"]


def test_video_and_audio(server):
    user = server.user()
    r = upload(user, mf.video(1), name="v.mp4", mime="video/mp4", version=1)
    assert r.status_code == 200, r.text
    v = r.json()
    assert v["type"] == "video" and v["url"].endswith(".mp4")
    assert v["meta"]["original"]["width"] == 160 and v["meta"]["duration"] > 0.5
    assert v["preview_url"].endswith(".webp") and v["blurhash"]
    data = requests.get(v["url"]).content
    assert data[4:8] == b"ftyp"
    wav = Path(server.data) / "tone.wav"
    mf.ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=1", str(wav))
    a = upload(user, wav.read_bytes(), name="a.wav", mime="audio/wav", version=1)
    assert a.status_code == 200, a.text
    assert a.json()["type"] == "audio" and a.json()["url"].endswith(".mp3")
    wav.unlink()


def test_animated_gif_becomes_looping_video(server):
    user = server.user()
    gif = Path(server.data) / "anim.gif"
    mf.ffmpeg("-f", "lavfi", "-i", "testsrc=size=64x48:rate=5", "-t", "1", str(gif))
    r = upload(user, gif.read_bytes(), name="a.gif", mime="image/gif", version=1)
    gif.unlink()
    assert r.status_code == 200, r.text
    assert r.json()["type"] == "gifv" and r.json()["url"].endswith(".mp4")


def test_avatar_and_header(server):
    user = server.user()
    m = masto(server, user)
    acct = m.account_update_credentials(avatar=mf.png(800, 600), avatar_mime_type="image/png",
                                        header=mf.jpeg(900, 300), header_mime_type="image/jpeg",
                                        display_name="Pictured")
    assert acct["display_name"] == "Pictured"
    av = requests.get(acct["avatar"])
    assert av.status_code == 200 and mf.png_size(av.content) == (400, 400)
    assert requests.get(acct["header"]).status_code == 200
    old = acct["avatar"]
    acct = m.account_update_credentials(avatar=mf.png(500, 500, color=(0, 0, 255)),
                                        avatar_mime_type="image/png")
    assert acct["avatar"] != old
    r = user.patch("/api/v1/accounts/update_credentials",
                   files={"avatar": ("a.png", mf.zip_bytes(), "image/png")})
    assert r.status_code == 422
    assert m.account_verify_credentials()["avatar"] == acct["avatar"]


HOSTILE = {
    "polyglot": lambda: ("p.png", "image/png", mf.polyglot()),
    "bomb": lambda: ("b.png", "image/png", mf.png_bomb()),
    "truncated": lambda: ("t.jpg", "image/jpeg", mf.jpeg(320, 240)[:-900]),
    "zip": lambda: ("z.png", "image/png", mf.zip_bytes()),
    "html": lambda: ("h.png", "image/png", b"<html><script>alert(1)</script></html>"),
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
@pytest.mark.parametrize("version", [1, 2])
def test_hostile_files_refused_and_nothing_kept(server, kind, version):
    user = server.user()
    name, mime, data = HOSTILE[kind]()
    before = files_under(server)
    r = upload(user, data, name=name, mime=mime, version=version)
    assert r.status_code == 422, r.text
    assert "error" in r.json()
    assert files_under(server) == before


def test_video_that_runs_long_is_stopped(make_server):
    s = make_server(env={"RAPPORT_MEDIA_FFMPEG_SECONDS": "1"})
    user = s.user()
    data = mf.video(20, size="1280x720", codec="mpeg4", extra=("-q:v", "31"))
    before = files_under(s)
    r = upload(user, data, name="long.mp4", mime="video/mp4", version=2)
    assert r.status_code == 202, r.text
    got = wait_ready(user, r.json()["id"])
    assert got.status_code == 422 and "longer" in got.json()["error"]
    assert files_under(s) == before
    r = upload(user, data, name="long.mp4", mime="video/mp4", version=1)
    assert r.status_code == 422 and files_under(s) == before


def test_caps_rate_limit_and_expiry(make_server):
    s = make_server(env={"RAPPORT_MEDIA_IMAGE_MAX": "2048", "RAPPORT_MEDIA_VIDEO_MAX": "4096",
                         "RAPPORT_MEDIA_RATE_LIMIT": "3", "RAPPORT_MEDIA_MAX_PIXELS": "10000"})
    user = s.user()
    r = upload(user, mf.png(101, 100), version=1)  # 10,100 pixels > 10,000
    assert r.status_code == 422 and "pixels" in r.json()["error"]
    r = upload(user, mf.png(100, 100, color=(1, 1, 1)) + b"\0" * 2048, version=1)
    assert r.status_code == 422  # bytes past the image cap (and past its end)
    r = upload(user, mf.png(10, 10), version=1)
    assert r.status_code == 200
    # a file past the largest cap is refused while it arrives
    r = user.post("/api/v2/media", files={"file": ("x.png", b"\0" * (1 << 20), "image/png")})
    assert r.status_code == 413
    r = upload(user, mf.png(10, 10), version=1)
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
    # without credentials, nothing is read
    r = requests.post(s.url("/api/v2/media"), files={"file": ("x.png", mf.png(4, 4))})
    assert r.status_code == 401


def test_unattached_uploads_expire(make_server):
    s = make_server(env={"RAPPORT_MEDIA_UNATTACHED_TTL": "1",
                         "RAPPORT_MEDIA_SWEEP_INTERVAL": "1"})
    user = s.user()
    kept = upload(user, mf.png(10, 10, color=(1, 2, 3)), version=1).json()
    st = user.post("/api/v1/statuses", json={"status": "kept", "media_ids": [kept["id"]]})
    assert st.status_code == 200
    gone = upload(user, mf.png(12, 12, color=(3, 2, 1)), version=1).json()
    assert requests.get(gone["url"]).status_code == 200
    deadline = time.time() + 10
    while time.time() < deadline and requests.get(gone["url"]).status_code == 200:
        time.sleep(0.2)
    assert requests.get(gone["url"]).status_code == 404
    assert user.get(f"/api/v1/media/{gone['id']}").status_code == 404
    assert requests.get(kept["url"]).status_code == 200
    # deleting the status frees its files too
    assert user.delete(f"/api/v1/statuses/{st.json()['id']}").status_code == 200
    deadline = time.time() + 10
    while time.time() < deadline and requests.get(kept["url"]).status_code == 200:
        time.sleep(0.2)
    assert requests.get(kept["url"]).status_code == 404
    # a replaced avatar's file goes; the new one stays
    m = masto(s, user)
    old = m.account_update_credentials(avatar=mf.png(64, 64, color=(9, 9, 9)),
                                       avatar_mime_type="image/png")["avatar"]
    new = m.account_update_credentials(avatar=mf.png(64, 64, color=(8, 8, 8)),
                                       avatar_mime_type="image/png")["avatar"]
    assert old != new and requests.get(old).status_code == 200
    deadline = time.time() + 10
    while time.time() < deadline and requests.get(old).status_code == 200:
        time.sleep(0.2)
    assert requests.get(old).status_code == 404
    assert requests.get(new).status_code == 200


def test_public_page_and_feeds_show_media(server):
    user = server.user()
    img = upload(user, mf.png(30, 20), version=1, description='A "quoted" <b>cat</b>').json()
    st = user.post("/api/v1/statuses", json={"status": "look", "media_ids": [img["id"]]}).json()
    page = requests.get(server.url(f"/@{user.name}/{st['id']}"), headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert f'<img src="{img["preview_url"]}" alt="A &quot;quoted&quot; &lt;b&gt;cat&lt;/b&gt;"' \
        in page.text
    assert "media-src 'self'" in page.headers["Content-Security-Policy"]
    rss = requests.get(server.url(f"/@{user.name}.rss")).text
    assert f'<enclosure url="{img["url"]}" type="image/png" length="' in rss
    atom = requests.get(server.url(f"/@{user.name}.atom")).text
    assert f'<link rel="enclosure" href="{img["url"]}" type="image/png"' in atom


def test_stopping_leaves_a_long_upload_pending(make_server):
    s = make_server()
    user = s.user()
    data = mf.video(20, size="1280x720", codec="mpeg4", extra=("-q:v", "31"))
    r = upload(user, data, name="long.mp4", mime="video/mp4", version=2)
    assert r.status_code == 202, r.text
    time.sleep(1)
    assert user.get(f"/api/v1/media/{r.json()['id']}").status_code == 206
    t0 = time.time()
    assert s.stop() == 0
    assert time.time() - t0 < 10  # ffmpeg is killed, not waited for
    s.start()
    assert user.get(f"/api/v1/media/{r.json()['id']}").status_code == 206


def picture(m, user, size=10):
    media = m.media_post(mf.png(size, size), mime_type="image/png")
    assert wait_ready(user, media["id"]).status_code == 200
    return media["id"]


def test_only_media_on_public_and_hashtag_timelines(server):
    """statuses.has_media (and status_tags' copy) filter the public and
    hashtag timelines, through an edit that rewrites the tags too."""
    user = server.user()
    m = masto(server, user)
    t = "pics" + os.urandom(4).hex()
    first = m.status_post(f"before #{t}")
    pic = m.status_post(f"a picture #{t}", media_ids=[picture(m, user)])
    m.status_post(f"words only #{t}")
    m.status_post(f"unlisted #{t}", media_ids=[picture(m, user)], visibility="unlisted")
    last = m.status_post("a picture without a tag", media_ids=[picture(m, user)])
    assert [s["id"] for s in m.timeline_public(only_media=True, min_id=first["id"])] == [
        last["id"], pic["id"]]
    assert [s["id"] for s in m.timeline_local(only_media=True, min_id=first["id"])] == [
        last["id"], pic["id"]]
    assert m.timeline_public(only_media=True, remote=True, min_id=first["id"]) == []
    assert len(m.timeline_public(min_id=first["id"])) == 3
    assert [s["id"] for s in m.timeline_hashtag(t, only_media=True)] == [pic["id"]]
    assert len(m.timeline_hashtag(t)) == 3
    m.status_update(pic["id"], f"still a picture #{t} #{t}b")
    assert [s["id"] for s in m.timeline_hashtag(t, only_media=True)] == [pic["id"]]
    assert [s["id"] for s in m.timeline_hashtag(t + "b", only_media=True)] == [pic["id"]]


@pytest.mark.parametrize("fmt,codec,ext,mime", [
    ("ogg", "libopus", ".opus", "audio/ogg"), ("webm", "libopus", ".opus", "audio/ogg"),
    ("ogg", "libvorbis", ".opus", "audio/ogg"), ("flac", "flac", ".mp3", "audio/mpeg")])
def test_audio_opus_stays_opus(server, fmt, codec, ext, mime):
    """Opus or Vorbis in (Ogg, WebM) is stored as Opus in Ogg, other sound as
    MP3; tags are dropped and the type served is the stored format's."""
    user = server.user()
    r = upload(user, mf.sound(fmt, codec), name="a." + fmt, mime="application/octet-stream",
               version=1)
    assert r.status_code == 200, r.text
    a = r.json()
    assert a["type"] == "audio" and a["url"].endswith(ext), a
    assert a["meta"]["duration"] > 0.5
    f = fetch(server, a["url"])
    assert f.headers["Content-Type"] == mime
    assert b"SecretTitle" not in f.content
    if ext == ".opus":
        assert f.content[:4] == b"OggS" and b"OpusHead" in f.content[:128]


def test_video_thumbnail_from_the_client(server):
    """A thumbnail part (POST /api/v2/media, PUT /api/v1/media/:id) is
    processed as an image and becomes preview_url, blurhash and meta.small;
    only video and audio take one, and only an image is one."""
    user = server.user()
    m = masto(server, user)
    media = m.media_post(mf.video(1), mime_type="video/mp4", thumbnail=mf.png(100, 50),
                         thumbnail_mime_type="image/png")
    got = wait_ready(user, media["id"]).json()
    assert got["meta"]["small"]["width"] == 100 and got["meta"]["small"]["height"] == 50
    assert got["meta"]["original"]["width"] == 160
    p = fetch(server, got["preview_url"])
    assert p.headers["Content-Type"] == "image/webp" and mf.image_size(p.content) == (100, 50)
    # a new one through PUT, with the description
    m.media_update(media["id"], description="a test card",
                   thumbnail=mf.png(30, 60, color=(0, 0, 255)), thumbnail_mime_type="image/png")
    again = wait_ready(user, media["id"]).json()
    assert again["preview_url"] != got["preview_url"] and again["blurhash"] != got["blurhash"]
    assert again["description"] == "a test card"
    assert mf.image_size(fetch(server, again["preview_url"]).content) == (30, 60)
    st = m.status_post("a video", media_ids=[media["id"]])
    assert st["media_attachments"][0]["preview_url"] == again["preview_url"]
    # refused: not an image, an image's thumbnail, after the status took it
    r = upload(user, mf.video(1), name="v.mp4", mime="video/mp4")
    vid = r.json()["id"]
    r = user.put(f"/api/v1/media/{vid}",
                 files={"thumbnail": ("t.png", mf.zip_bytes(), "image/png")})
    assert r.status_code == 422 and "thumbnail" in r.json()["error"], r.text
    r = user.post("/api/v2/media", files={"file": ("x.png", mf.png(8, 8), "image/png"),
                                          "thumbnail": ("t.png", mf.png(4, 4), "image/png")})
    assert r.status_code == 422 and "thumbnail" in r.json()["error"], r.text
    r = user.put(f"/api/v1/media/{media['id']}",
                 files={"thumbnail": ("t.png", mf.png(4, 4), "image/png")})
    assert r.status_code == 404
    assert not [f for f in files_under(server) if f.startswith("tmp/thumb")]


def probe(data):
    """ffprobe's view of a file: its streams and its format's tags."""
    with tempfile.NamedTemporaryFile() as f:
        f.write(data)
        f.flush()
        out = subprocess.run(["ffprobe", "-v", "error", "-print_format", "json",
                              "-show_streams", "-show_format", f.name], check=True,
                             capture_output=True, text=True, timeout=60).stdout
    return json.loads(out)


def test_video_is_h264_and_aac_without_metadata(server):
    """Video becomes H.264 with AAC sound in MP4, its tags (a title, a place)
    dropped; an animated GIF becomes H.264 without sound."""
    user = server.user()
    data = mf.video(1, extra=("-metadata", "title=SecretTitle",
                              "-metadata", "location=+48.8577+002.2950/"))
    assert b"SecretTitle" in data
    r = upload(user, data, name="v.mp4", mime="video/mp4", version=1)
    assert r.status_code == 200, r.text
    stored = requests.get(r.json()["url"]).content
    p = probe(stored)
    assert sorted(s["codec_name"] for s in p["streams"]) == ["aac", "h264"]
    tags = p["format"].get("tags", {})
    assert "title" not in tags and "location" not in tags, tags
    assert b"SecretTitle" not in stored and b"+48.8577" not in stored
    gif = Path(server.data) / "anim.gif"
    mf.ffmpeg("-f", "lavfi", "-i", "testsrc=size=64x48:rate=5", "-t", "1", str(gif))
    r = upload(user, gif.read_bytes(), name="a.gif", mime="image/gif", version=1)
    gif.unlink()
    assert r.status_code == 200 and r.json()["type"] == "gifv", r.text
    assert [s["codec_name"] for s in probe(requests.get(r.json()["url"]).content)["streams"]] \
        == ["h264"]


def test_large_image_is_downsized_with_a_640_pixel_preview(server):
    """A 12-megapixel JPEG is stored at no more than 8.3 megapixels with its
    aspect kept, its preview 640 pixels on the long side, meta saying so."""
    user = server.user()
    r = upload(user, mf.jpeg(4000, 3000), name="big.jpg", mime="image/jpeg")
    assert r.status_code == 202, r.text
    got = wait_ready(user, r.json()["id"]).json()
    w, h = got["meta"]["original"]["width"], got["meta"]["original"]["height"]
    assert 8_000_000 < w * h <= 8_294_400 and abs(w / h - 4 / 3) < 0.01, (w, h)
    assert mf.jpeg_size(fetch(server, got["url"]).content) == (w, h)
    assert (got["meta"]["small"]["width"], got["meta"]["small"]["height"]) == (640, 480)
    assert mf.image_size(fetch(server, got["preview_url"]).content) == (640, 480)


@pytest.mark.parametrize("fmt,ext,mime", [("webp", ".webp", "image/webp"),
                                          ("gif", ".png", "image/png")])
def test_webp_and_a_still_gif(server, fmt, ext, mime):
    """WebP stays WebP; a GIF of one frame is a picture (stored as PNG), not
    a video."""
    user = server.user()
    with tempfile.TemporaryDirectory() as d:
        out = Path(d) / ("x." + fmt)
        mf.ffmpeg("-f", "lavfi", "-i", "testsrc=size=120x80:rate=1", "-frames:v", "1",
                  *(("-c:v", "libwebp") if fmt == "webp" else ()), str(out))
        data = out.read_bytes()
    r = upload(user, data, name="x.bin", mime="application/octet-stream", version=1)
    assert r.status_code == 200, r.text
    m = r.json()
    assert m["type"] == "image" and m["url"].endswith(ext), m
    f = fetch(server, m["url"])
    assert f.headers["Content-Type"] == mime and mf.image_size(f.content) == (120, 80)
    assert (m["meta"]["original"]["width"], m["meta"]["original"]["height"]) == (120, 80)


@pytest.mark.parametrize("env,seconds", [({"RAPPORT_MEDIA_FFMPEG_CPU": "1"}, 20),
                                         ({"RAPPORT_MEDIA_FFMPEG_MB": "64"}, 1)])
def test_ffmpeg_cpu_and_memory_limits(make_server, env, seconds):
    """ffmpeg runs under the CPU-time and address-space limits set for it
    (the wall-clock one: test_video_that_runs_long_is_stopped): past them
    the upload is refused and nothing is kept."""
    s = make_server(env=env)
    user = s.user()
    data = mf.video(seconds, size="1280x720", codec="mpeg4", extra=("-q:v", "31"))
    before = files_under(s)
    r = upload(user, data, name="v.mp4", mime="video/mp4", version=1)
    assert r.status_code == 422 and "error" in r.json(), r.text
    if "RAPPORT_MEDIA_FFMPEG_CPU" in env:
        assert "longer" in r.json()["error"]
    assert files_under(s) == before


def test_png_text_and_exif_chunks_are_gone(server):
    """A PNG's metadata chunks (tEXt, iTXt, eXIf: a comment, an author, GPS)
    are not in the stored file or its preview."""
    import struct
    import zlib

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    plain = mf.png(40, 30)
    at = 8 + 25  # after the signature and IHDR
    meta = (chunk(b"tEXt", b"Comment\0SecretComment")
            + chunk(b"iTXt", b"Author\0\0\0\0\0SecretAuthor")
            + chunk(b"eXIf", mf.exif_gps(orientation=1)[10:]))
    data = plain[:at] + meta + plain[at:]
    assert b"SecretComment" in data and b"SecretCam" in data
    user = server.user()
    r = upload(user, data, version=1)
    assert r.status_code == 200, r.text
    stored = fetch(server, r.json()["url"]).content
    preview = fetch(server, r.json()["preview_url"]).content
    for f in (stored, preview):
        for secret in (b"SecretComment", b"SecretAuthor", b"SecretCam", b"tEXt", b"iTXt", b"eXIf"):
            assert secret not in f, secret
    assert mf.png_size(stored) == (40, 30)
