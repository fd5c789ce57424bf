"""`rapport seed`, the community the benchmarks run on: a small store seeded
by the real binary, its counters checked against its rows in the store
(the SQLite file, or the PostgreSQL database COPY loaded), its manifest
against its contents, and a server started on it."""
import json

import pytest
import requests

from conftest import PG, run_cli, sqlite_only, store_connect

# Enough posts for the search index to be written in more than one segment.
ACCOUNTS, POSTS = 300, 12000

# Each counter and the rows it counts: (table, counter, rows counted).
COUNTERS = [
    ("accounts", "statuses_count", "SELECT COUNT(*) FROM statuses s WHERE s.account_id = t.id"),
    ("accounts", "followers_count", "SELECT COUNT(*) FROM follows f WHERE f.target_id = t.id"),
    ("accounts", "following_count", "SELECT COUNT(*) FROM follows f WHERE f.account_id = t.id"),
    ("statuses", "replies_count",
     "SELECT COUNT(*) FROM statuses r WHERE r.in_reply_to_id = t.id"),
    ("statuses", "reblogs_count", "SELECT COUNT(*) FROM statuses r WHERE r.reblog_of_id = t.id"),
    ("statuses", "favourites_count",
     "SELECT COUNT(*) FROM favourites f WHERE f.status_id = t.id"),
]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    d = tmp_path_factory.mktemp("seeded")
    data, tokens = d / "data", d / "tokens"
    p = run_cli("seed", "--accounts", str(ACCOUNTS), "--posts", str(POSTS), "--seed", "7",
                "--tokens", str(tokens), data=data, timeout=300)
    assert f"seeded {ACCOUNTS} accounts, {POSTS} posts" in p.stdout, p.stdout + p.stderr
    lines = [line.split("\t") for line in tokens.read_text().splitlines()]
    manifest = json.loads((data / "seed.json").read_text())
    return data, lines, manifest


def query(data, sql):
    con = store_connect(data)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def one(data, sql):
    return query(data, sql)[0][0]


@pytest.mark.parametrize("table,counter,rows", COUNTERS,
                         ids=[c[1] for c in COUNTERS])
def test_counters_match_rows(seeded, table, counter, rows):
    data = seeded[0]
    total = one(data, f"SELECT COUNT(*) FROM {table}")
    assert total >= (ACCOUNTS if table == "accounts" else POSTS)
    wrong = query(data, f"SELECT t.id, t.{counter}, ({rows}) FROM {table} t"
                        f" WHERE t.{counter} != ({rows}) LIMIT 5")
    assert wrong == [], f"{counter} disagrees with its rows (id, counter, rows): {wrong}"
    # Not all zero: the check compares something.
    assert one(data, f"SELECT SUM({counter}) FROM {table}") > 0


def varint(b, i):
    """SQLite's varint at b[i]: (value, next offset)."""
    v = 0
    for k in range(9):
        c = b[i + k]
        if k == 8:
            return (v << 8) | c, i + 9
        v = (v << 7) | (c & 0x7F)
        if not c & 0x80:
            return v, i + k + 1
    raise AssertionError("bad varint")


@sqlite_only
def test_search_index_is_merged(seeded):
    """The seeder leaves the search index in one segment: left in the 1 MB
    segments it is written in, new posts filling a level up would have a
    request's commit merge them all (FTS5 crisis merge)."""
    data = seeded[0]
    # FTS5's structure record: a 4-byte cookie (then a 4-byte version
    # marker in newer SQLite), then varints nLevel, nSegment.
    blob = one(data, "SELECT block FROM statuses_fts_data WHERE id = 10")
    i = 8 if blob[4:8] == b"\xff\x00\x00\x01" else 4
    levels, i = varint(blob, i)
    segments, _ = varint(blob, i)
    assert segments == 1, f"{segments} segments on {levels} levels"
    searchable = one(data, "SELECT COUNT(*) FROM statuses WHERE visibility <= 1"
                           " AND reblog_of_id IS NULL")
    assert one(data, "SELECT COUNT(*) FROM statuses_fts_docsize") == searchable


def test_manifest_matches_the_store(seeded):
    data, lines, m = seeded
    assert m["accounts"] == ACCOUNTS == one(data, "SELECT COUNT(*) FROM accounts")
    assert m["posts"] == POSTS == one(data, "SELECT COUNT(*) FROM statuses")
    assert m["follows"] == one(data, "SELECT COUNT(*) FROM follows")
    assert m["favourites"] == one(data, "SELECT COUNT(*) FROM favourites")
    root = int(m["thread_root"])
    assert one(data, f"SELECT COUNT(*) FROM statuses WHERE id = {root}") == 1
    assert m["thread_replies"] == one(
        data, f"SELECT COUNT(*) FROM statuses WHERE thread_id = {root} AND id != {root}")
    assert m["seed"] == 7 and m["password"]
    assert len(lines) == ACCOUNTS
    ids = {r[0] for r in query(data, "SELECT CAST(id AS TEXT) FROM accounts")}
    assert {line[0] for line in lines} == ids
    # The seeder left the store as the server keeps it.
    if PG:
        searchable = one(data, "SELECT COUNT(*) FROM statuses WHERE visibility <= 1"
                               " AND reblog_of_id IS NULL")
        assert one(data, "SELECT COUNT(*) FROM statuses_fts") == searchable > 0
    else:
        assert one(data, "PRAGMA journal_mode") == "wal"
        assert one(data, "PRAGMA integrity_check") == "ok"


def test_server_serves_the_seeded_store(seeded, make_server):
    data, lines, m = seeded
    # The account following the most has a full home feed.
    acct = str(one(data, "SELECT id FROM accounts ORDER BY following_count DESC LIMIT 1"))
    token = next(line[2] for line in lines if line[0] == acct)
    h = {"Authorization": "Bearer " + token}
    s = make_server(data=data)
    home = requests.get(s.url("/api/v1/timelines/home?limit=40"), headers=h)
    assert home.status_code == 200, home.text
    assert len(home.json()) == 40
    public = requests.get(s.url("/api/v1/timelines/public?limit=40"))
    assert public.status_code == 200, public.text
    assert len(public.json()) == 40
    ctx = requests.get(s.url(f"/api/v1/statuses/{m['thread_root']}/context"), headers=h)
    assert ctx.status_code == 200, ctx.text
    assert len(ctx.json()["descendants"]) == m["thread_replies"]
    me = requests.get(s.url("/api/v1/accounts/verify_credentials"), headers=h).json()
    assert me["id"] == acct
    assert me["statuses_count"] == one(
        data, f"SELECT COUNT(*) FROM statuses WHERE account_id = {acct}")
    found = requests.get(s.url("/api/v2/search?q=conversation&type=statuses&limit=5"),
                         headers=h)
    assert found.status_code == 200, found.text
    assert len(found.json()["statuses"]) == 5
    # Writes work on it too.
    r = requests.post(s.url("/api/v1/statuses"), headers=h, data={"status": "hello seeded"})
    assert r.status_code == 200, r.text
