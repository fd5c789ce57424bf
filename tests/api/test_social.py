"""The social-capital card: GET /api/rapport/v1/accounts/:id/social and
`rapport` in Account JSON (docs/SOCIAL.md, "Social-capital card")."""
import time

import pytest

from conftest import NOT_FOUND, masto, run_cli, store_connect, with_scopes

KEYS = ["listening", "reciprocity", "follows_returned", "responsiveness", "depth",
        "saturation", "trust"]


def social(user, account_id):
    r = user.get(f"/api/rapport/v1/accounts/{account_id}/social")
    assert r.status_code == 200, r.text
    return r.json()


def values(card):
    return {k: card[k]["value"] for k in KEYS}


def post(user, text, reply_to=None, **extra):
    data = {"status": text, **extra}
    if reply_to:
        data["in_reply_to_id"] = reply_to
    r = user.post("/api/v1/statuses", data=data)
    assert r.status_code == 200, r.text
    return r.json()


def eventually(fn, timeout=10):
    """fn() once it is truthy (the worker drains the outbox in the
    background), or its last value."""
    deadline = time.time() + timeout
    while True:
        v = fn()
        if v or time.time() > deadline:
            return v
        time.sleep(0.1)


def check_shape(card, explain=True):
    """Each key {"value", "explain"}; inside statuses, {"value"} only."""
    assert list(card) == KEYS
    for k in KEYS:
        assert set(card[k]) == ({"value", "explain"} if explain else {"value"}), k
        assert isinstance(card[k]["value"], (int, float)), k
        if explain:
            assert isinstance(card[k]["explain"], str) and card[k]["explain"].endswith("."), k


def test_new_account_has_no_data_yet(server, alice):
    card = social(alice, alice.id)
    check_shape(card)
    for k in ("reciprocity", "follows_returned", "responsiveness", "depth"):
        assert card[k]["value"] == -1, k
        assert "no data yet" in card[k]["explain"], k
    assert card["listening"]["value"] == 0
    assert card["saturation"]["value"] == 0
    assert card["trust"]["value"] == 0


def test_figures_follow_a_conversation(server, alice, bob):
    carol = server.user()
    p = post(alice, "what do you think?")
    post(alice, "a second original")
    r = post(bob, f"@{alice.name} I think yes", p["id"])
    post(alice, f"@{bob.name} thanks!", r["id"])
    post(carol, f"@{alice.name} and me?")  # a mention, not answered yet: pending
    bob.post(f"/api/v1/statuses/{p['id']}/favourite")
    bob.post(f"/api/v1/accounts/{alice.id}/follow")
    carol.post(f"/api/v1/accounts/{alice.id}/follow")
    alice.post(f"/api/v1/accounts/{bob.id}/follow")

    v = values(social(carol, alice.id))
    assert v["listening"] == 0.5        # one reply given, two originals
    assert v["reciprocity"] == 1        # bob's reply answered; carol's still pending
    assert v["follows_returned"] == 0.5
    assert 0 <= v["responsiveness"] < 60
    assert v["depth"] == 0.5            # one of two threads has 3 turns, 2 people
    assert 1.3 < v["saturation"] < 1.4  # 2 posts a day / (1 + 0.5 replies per post)
    b = values(social(alice, bob.id))
    assert b["listening"] == 2          # a reply and a favourite, no originals
    assert b["reciprocity"] == -1       # alice's answer to him is still pending
    assert b["follows_returned"] == 1   # alice followed him; he follows her


def test_bad_ids_are_404_json(server, alice):
    for bad in ["123", "0", "abc", "-5", "1e3", "9" * 40, "%20"]:
        r = alice.get(f"/api/rapport/v1/accounts/{bad}/social")
        assert r.status_code == 404, bad
        assert r.json() == NOT_FOUND, bad


def test_scope_and_anonymous(server, alice):
    import requests
    r = requests.get(server.url(f"/api/rapport/v1/accounts/{alice.id}/social"))
    assert r.status_code == 200
    check_shape(r.json())
    writer = with_scopes(server, alice, "write")
    r = writer.get(f"/api/rapport/v1/accounts/{alice.id}/social")
    assert r.status_code == 403
    assert "error" in r.json()
    reader = with_scopes(server, alice, "read:accounts")
    assert reader.get(f"/api/rapport/v1/accounts/{alice.id}/social").status_code == 200


def test_rapport_in_account_json(server, alice, bob):
    p = post(alice, "hello")
    r = post(bob, f"@{alice.name} hi", p["id"])
    post(alice, f"@{bob.name} hi back", r["id"])
    fresh = values(social(alice, alice.id))

    # The worker snapshots the card soon after the writes commit.
    def shown():
        return values(alice.get(f"/api/v1/accounts/{alice.id}").json()["rapport"]) == fresh
    assert eventually(shown)
    check_shape(alice.get("/api/v1/accounts/verify_credentials").json()["rapport"])
    looked_up = alice.get("/api/v1/accounts/lookup", params={"acct": alice.name}).json()
    assert values(looked_up["rapport"]) == fresh
    # Mastodon.py reads it like any account, the extra key included.
    m = masto(server, bob)
    assert m.account(alice.id)["rapport"]["reciprocity"]["value"] == 1
    # Accounts inside other entities have no card.
    assert "rapport" not in m.status(p["id"])["account"]
    assert all("rapport" not in n["account"] for n in m.notifications())
    assert all("rapport" not in a for a in m.account_followers(alice.id))


def test_profile_card_follows_writes(server, alice, bob):
    """bob's favourite changes his card but not his account row: his
    profile shows the new card once the worker has drained the event."""
    other = post(alice, "alice's post")

    def shown():
        j = bob.get(f"/api/v1/accounts/{bob.id}").json()["rapport"]
        return values(j) == values(social(bob, bob.id))
    assert eventually(shown)
    before = values(social(bob, bob.id))
    bob.post(f"/api/v1/statuses/{other['id']}/favourite")
    assert values(social(bob, bob.id))["listening"] != before["listening"]
    assert eventually(shown)


def test_card_read_failure_is_a_500(make_server):
    """Fail closed: an account whose card cannot be read is an error, not
    an account without its card."""
    server = make_server()
    alice, bob = server.user(), server.user()
    aid = post(bob, "never shown as a profile")["account"]["id"]
    db = store_connect(server.data)
    db.execute("DROP TABLE social_cards")
    db.commit()
    db.close()
    r = alice.get(f"/api/v1/accounts/{aid}")
    assert r.status_code == 500 and "error" in r.json()
    # Accounts inside statuses do not need it.
    assert alice.post("/api/v1/statuses", data={"status": "still posting"}).status_code == 200


def test_trust_from_reciprocated_replies(make_server, tmp_path):
    run_cli("user", "add", "boss", "--email", "boss@example.com", "--password",
            "correct horse battery", "--admin", data=tmp_path)
    server = make_server(env={"RAPPORT_TRUST_INTERVAL": "1"}, data=tmp_path)
    from conftest import User
    tok = server.token("boss@example.com")
    admin = User(server, "boss", "boss@example.com", "correct horse battery", None, tok)
    alice, s1, s2 = server.user(), server.user(), server.user()

    def talk(x, y):
        p = post(x, "hi")
        r = post(y, f"@{x.name} hi", p["id"])
        post(x, f"@{y.name} hi again", r["id"])
    talk(admin, alice)
    talk(s1, s2)
    talk(s2, s1)

    def trusted():
        return social(alice, alice.id)["trust"]["value"] > 0
    assert eventually(trusted, timeout=20)
    assert social(alice, admin.id)["trust"]["value"] > 0
    # A cluster that only talks among itself earns nothing.
    assert social(alice, s1.id)["trust"]["value"] == 0
    assert social(alice, s2.id)["trust"]["value"] == 0
    assert "No trust yet" in social(alice, s1.id)["trust"]["explain"]
