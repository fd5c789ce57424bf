"""Your data (core/portability.c): exports in Mastodon's CSV formats, and
imports of follows, lists, blocks, mutes, domain blocks and bookmarks
through the API and
`rapport import`; exporting from one server and importing into a fresh one
gives the same follows, lists, blocks and mutes."""
import csv
import io
import time

from conftest import Server, masto, run_cli


def export(user, kind):
    r = user.get(f"/api/rapport/v1/exports/{kind}.csv")
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in r.headers["Content-Disposition"]
    return r.text


def people(server, names):
    return {n: server.user(name=n) for n in names}


def state(server, user):
    m = masto(server, user)
    me = user.id
    following = sorted(a["acct"] for a in m.account_following(me, limit=80))
    blocks = sorted(a["acct"] for a in m.blocks())
    mutes = sorted(a["acct"] for a in m.mutes())
    lists = {l["title"]: sorted(a["acct"] for a in m.list_accounts(l["id"]))
             for l in m.lists()}
    rel = {a: m.account_relationships(m.account_lookup(a)["id"])[0] for a in following}
    flags = {a: (r["showing_reblogs"], r["notifying"]) for a, r in rel.items()}
    return following, blocks, mutes, lists, flags


def test_export_formats(server):
    names = ["exp_me", "exp_a", "exp_b", "exp_c"]
    u = people(server, names)
    m = masto(server, u["exp_me"])
    m.account_follow(u["exp_a"].id, reblogs=False, notify=True)
    m.account_follow(u["exp_b"].id)
    m.account_block(u["exp_c"].id)
    lst = m.list_create('Friends, "close" ones')
    m.list_accounts_add(lst["id"], [u["exp_a"].id])
    post = masto(server, u["exp_a"]).status_post("keep this")
    m.status_bookmark(post["id"])
    me = u["exp_me"]
    host = server.domain
    rows = list(csv.reader(io.StringIO(export(me, "following"))))
    assert rows[0] == ["Account address", "Show boosts", "Notify on new posts", "Languages"]
    assert rows[1:] == [[f"exp_a@{host}", "false", "true", ""], [f"exp_b@{host}", "true", "false", ""]]
    assert list(csv.reader(io.StringIO(export(me, "lists")))) == [['Friends, "close" ones', f"exp_a@{host}"]]
    assert export(me, "blocks") == f"exp_c@{host}\n"
    assert export(me, "mutes") == "Account address,Hide notifications\n"
    assert export(me, "domain_blocks") == ""
    assert export(me, "bookmarks").strip().endswith(f"/users/exp_a/statuses/{post['id']}")
    assert me.get("/api/rapport/v1/exports/passwords.csv").status_code == 404


def test_export_then_import_into_a_fresh_server(make_server, tmp_path, monkeypatch):
    """The same community on a fresh store at the same address (a server
    rebuilt from its members' exports): every follow, list, block and mute
    comes back, with the follows' options."""
    names = ["mig_me", "mig_a", "mig_b", "mig_c", "mig_d", "mig_e"]
    s = make_server()
    old = people(s, names)
    m = masto(s, old["mig_me"])
    m.account_follow(old["mig_a"].id, reblogs=False)
    m.account_follow(old["mig_b"].id, notify=True)
    m.account_follow(old["mig_c"].id)
    m.account_block(old["mig_d"].id)
    m.account_mute(old["mig_e"].id, notifications=False)
    l1 = m.list_create("Cyclists")
    m.list_accounts_add(l1["id"], [old["mig_a"].id, old["mig_b"].id])
    m.list_create("Empty")
    files = {k: export(old["mig_me"], k) for k in ("following", "lists", "blocks", "mutes")}
    before = state(s, old["mig_me"])
    assert s.stop() == 0

    (tmp_path / "fresh").mkdir()
    fresh = Server(data=tmp_path / "fresh")
    fresh.port, fresh.domain, fresh.base = s.port, s.domain, s.base
    fresh.start()
    try:
        new = people(fresh, names)
        me = new["mig_me"]
        for kind in ("following", "lists", "blocks"):
            r = me.post("/api/rapport/v1/imports", json={"type": kind, "data": files[kind]})
            assert r.status_code == 200, r.text
            assert r.json()["skipped"] == 0, r.json()
        # The command line does the same as the API (with the server stopped).
        (tmp_path / "mutes.csv").write_text(files["mutes"])
        assert fresh.stop() == 0
        monkeypatch.setenv("RAPPORT_DOMAIN", fresh.domain)
        out = run_cli("import", "mig_me", "--type", "mutes", str(tmp_path / "mutes.csv"),
                      data=fresh.data).stdout
        assert out.startswith("imported 1, skipped 0"), out
        fresh.start()
        after = state(fresh, me)
        # An empty list has no row in Mastodon's format: it does not travel.
        assert before[3].pop("Empty") == []
        assert after == before
    finally:
        assert fresh.stop() == 0
        s.start()  # make_server stops it again


def test_import_reports_what_it_could_not_do(server):
    me, friend = server.user(), server.user()
    data = ("Account address,Show boosts\n"
            f"{friend.name}@{server.domain},true\n"
            "someone@elsewhere.example,true\n"
            f"{me.name}@{server.domain},true\n"
            "not an address at all\n")
    r = me.post("/api/rapport/v1/imports", data={"type": "following", "data": data})
    assert r.status_code == 200, r.text
    j = r.json()
    assert j["imported"] == 1 and j["skipped"] == 3
    assert [s["line"] for s in j["skips"]] == [3, 4, 5]
    assert j["skips"][0]["error"] == "not on this server"
    assert me.post("/api/rapport/v1/imports", data={"type": "passwords", "data": "x"}).status_code == 422
    assert me.post("/api/rapport/v1/imports", data={"type": "following"}).status_code == 422


def test_cli_export(server, tmp_path, monkeypatch):
    monkeypatch.setenv("RAPPORT_DOMAIN", server.domain)  # the command's own configuration
    me, a = server.user(), server.user()
    masto(server, me).account_block(a.id)
    out = tmp_path / "blocks.csv"
    run_cli("export", me.name, "--type", "blocks", "--out", str(out), data=server.data)
    assert out.read_text() == f"{a.name}@{server.domain}\n"
    p = run_cli("export", "nobody_here", "--type", "blocks", data=server.data, check=False)
    assert p.returncode == 1 and "no local account" in p.stderr
    p = run_cli("export", me.name, "--type", "secrets", data=server.data, check=False)
    assert p.returncode == 2


def test_archive(server, tmp_path, monkeypatch):
    """The archive: actor.json, outbox.json (every status and reblog, oldest
    first, addressed by visibility) and the CSV files, from the API and from
    `rapport export NAME --out FILE.zip`."""
    import json
    import zipfile
    me, other = server.user(), server.user()
    m = masto(server, me)
    first = m.status_post("first #hello")
    m.status_post(f"@{other.name} a word", visibility="direct")
    theirs = masto(server, other).status_post("theirs")
    reply = m.status_post("a reply", in_reply_to_id=theirs["id"], visibility="unlisted")
    m.status_reblog(theirs["id"])
    m.account_follow(other.id)
    r = me.get("/api/rapport/v1/exports/archive.zip")
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/zip"
    z = zipfile.ZipFile(io.BytesIO(r.content))
    assert set(z.namelist()) == {"actor.json", "outbox.json", "following_accounts.csv",
                                 "lists.csv", "blocked_accounts.csv", "muted_accounts.csv",
                                 "blocked_domains.csv", "bookmarks.csv"}
    actor = json.loads(z.read("actor.json"))
    assert actor["type"] == "Person" and actor["preferredUsername"] == me.name
    assert actor["id"] == f"{server.base}/users/{me.name}"
    out = json.loads(z.read("outbox.json"))
    assert out["type"] == "OrderedCollection" and out["totalItems"] == 4
    items = out["orderedItems"]
    assert [i["type"] for i in items] == ["Create", "Create", "Create", "Announce"]
    note = items[0]["object"]
    assert note["type"] == "Note" and "first" in note["content"]
    assert note["to"] == ["https://www.w3.org/ns/activitystreams#Public"]
    assert {"type": "Hashtag", "href": f"{server.base}/tags/hello", "name": "#hello"} in note["tag"]
    dm = items[1]["object"]
    assert dm["to"] == [f"{server.base}/users/{other.name}"] and dm["cc"] == []
    assert dm["tag"] == [{"type": "Mention", "href": f"{server.base}/users/{other.name}",
                          "name": f"@{other.name}"}]
    assert items[2]["object"]["inReplyTo"] == f"{server.base}/users/{other.name}/statuses/{theirs['id']}"
    assert "https://www.w3.org/ns/activitystreams#Public" in items[2]["cc"]
    assert items[3]["object"] == f"{server.base}/users/{other.name}/statuses/{theirs['id']}"
    assert z.read("following_accounts.csv").decode().splitlines()[1].startswith(other.name + "@")
    assert str(first["id"]) in items[0]["object"]["id"] and str(reply["id"]) in items[2]["object"]["id"]
    monkeypatch.setenv("RAPPORT_DOMAIN", server.domain)
    path = tmp_path / "archive.zip"
    run_cli("export", me.name, "--out", str(path), data=server.data)
    cli = zipfile.ZipFile(path)
    assert json.loads(cli.read("outbox.json"))["totalItems"] == 4
    assert json.loads(cli.read("actor.json"))["id"] == actor["id"]
    p = run_cli("export", me.name, data=server.data, check=False)
    assert p.returncode == 2  # an archive needs --out


def test_archive_has_the_media(server):
    """The archive holds the media files its Notes' attachments name, at
    the path their url gives (as Mastodon's archive does), byte for byte
    what the server serves; a file two statuses share is there once."""
    import json
    import zipfile
    import requests
    import media_files
    me = server.user()
    m = masto(server, me)
    def picture():
        media = m.media_post(media_files.png(64, 48), mime_type="image/png",
                             description="a red box")
        deadline = time.time() + 60
        while m.media(media["id"])["url"] is None and time.time() < deadline:
            time.sleep(0.05)
        return media["id"]
    st = m.status_post("with a picture", media_ids=[picture()])
    m.status_post("no picture")
    m.status_post("the same picture again", media_ids=[picture()])
    r = me.get("/api/rapport/v1/exports/archive.zip")
    assert r.status_code == 200
    z = zipfile.ZipFile(io.BytesIO(r.content))
    items = json.loads(z.read("outbox.json"))["orderedItems"]
    [att] = items[0]["object"]["attachment"]
    assert items[1]["object"]["attachment"] == []
    assert items[2]["object"]["attachment"] == [att]
    assert att["type"] == "Document" and att["mediaType"].startswith("image/")
    assert att["name"] == "a red box" and att["url"].startswith("/media_attachments/files/")
    served = requests.get(st["media_attachments"][0]["url"]).content
    assert z.read(att["url"][1:]) == served
    media_in_zip = [n for n in z.namelist() if n.startswith("media_attachments/")]
    assert media_in_zip == [att["url"][1:]]


def test_domain_blocks_and_bookmarks_travel(server):
    """blocked_domains.csv lists the domains one blocks, bookmarks.csv the
    statuses one keeps; both import as Mastodon's "merge" does (what cannot
    be found or seen is skipped and reported)."""
    me, other, author = server.user(), server.user(), server.user()
    for d in ("spam.example", "Ads.Example"):
        assert me.post("/api/v1/domain_blocks", data={"domain": d}).status_code == 200
    kept = author.post("/api/v1/statuses", json={"status": "keep this"}).json()
    hidden = author.post("/api/v1/statuses", json={"status": "just you",
                                                   "visibility": "direct"}).json()
    assert me.post(f"/api/v1/statuses/{kept['id']}/bookmark").status_code == 200
    domains = export(me, "domain_blocks")
    assert domains == "ads.example\nspam.example\n"
    marks = export(me, "bookmarks")
    assert marks == f"{server.base}/users/{author.name}/statuses/{kept['id']}\n"

    r = other.post("/api/rapport/v1/imports", json={"type": "domain_blocks",
                                                    "data": domains + f"{server.domain}\n"})
    assert r.status_code == 200, r.text
    assert r.json()["imported"] == 2 and [s["line"] for s in r.json()["skips"]] == [3]
    assert other.get("/api/v1/domain_blocks").json() == ["ads.example", "spam.example"]
    data = (marks + f"{server.base}/users/{author.name}/statuses/{hidden['id']}\n"
            + f"{server.base}/users/{other.name}/statuses/{kept['id']}\n"
            + "https://elsewhere.example/users/x/statuses/1\n")
    r = other.post("/api/rapport/v1/imports", json={"type": "bookmarks", "data": data})
    assert r.status_code == 200, r.text
    assert r.json()["imported"] == 1 and [s["line"] for s in r.json()["skips"]] == [2, 3, 4]
    assert [s["id"] for s in other.get("/api/v1/bookmarks").json()] == [kept["id"]]
    # Mastodon's own names of the types are taken too
    r = other.post("/api/rapport/v1/imports", json={"type": "domain_blocking",
                                                    "data": "third.example\n"})
    assert r.status_code == 200 and r.json()["imported"] == 1
