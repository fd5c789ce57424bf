"""ActivityPub actors through the real binary: Person documents at
/users/:name and /@name (by Accept), their collections, the instance actor,
WebFinger's self links leading to them, the router reading ActivityPub
bodies as JSON, and key pairs made once, kept across restarts, and never
shown: no response and no log line carries a private key."""
import threading

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from conftest import store_connect
from test_statuses import post

AS = "https://www.w3.org/ns/activitystreams"
AP = {"Accept": "application/activity+json"}
LD = {"Accept": 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'}
BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def actor(server, name, headers=AP):
    r = requests.get(server.url(f"/users/{name}"), headers=headers)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"] == "application/activity+json; charset=utf-8"
    assert "Accept" in r.headers["Vary"]
    return r.json()


def rsa_key(pem):
    k = serialization.load_pem_public_key(pem.encode())
    assert isinstance(k, rsa.RSAPublicKey)
    return k


def private_key_lines(server, account_id):
    """The base64 lines of an actor's private key, read from the store."""
    db = store_connect(server.data)
    try:
        row = db.execute("SELECT private_pem FROM actor_keys WHERE account_id = ?",
                         (account_id,)).fetchone()
    finally:
        db.close()
    assert row, account_id
    lines = [l for l in row[0].splitlines() if l and not l.startswith("-----")]
    assert len(lines) > 20
    return lines


def test_person_document(server, alice):
    r = alice.patch("/api/v1/accounts/update_credentials", data={
        "display_name": "Alice A.", "note": "Hello <there>", "locked": "true",
        "fields_attributes[0][name]": "site", "fields_attributes[0][value]": "https://a.test/x",
        "fields_attributes[1][name]": "pronouns", "fields_attributes[1][value]": "she/<her>"})
    assert r.status_code == 200, r.text
    a = actor(server, alice.name)
    uri = server.url(f"/users/{alice.name}")
    assert AS in a["@context"]
    assert a["id"] == uri and a["type"] == "Person"
    assert a["preferredUsername"] == alice.name and a["name"] == "Alice A."
    assert "Hello &lt;there&gt;" in a["summary"]
    assert a["url"] == server.url(f"/@{alice.name}")
    assert a["inbox"] == uri + "/inbox" and a["outbox"] == uri + "/outbox"
    assert a["followers"] == uri + "/followers" and a["following"] == uri + "/following"
    assert a["featured"] == uri + "/collections/featured"
    assert a["endpoints"] == {"sharedInbox": server.url("/inbox")}
    assert a["manuallyApprovesFollowers"] is True
    # one setting here for both: the profile is listed and its public posts
    # are found by full-text search (store_lists.c), as the API says
    assert a["discoverable"] is True and a["indexable"] is True
    assert alice.get("/api/v1/accounts/verify_credentials").json()["indexable"] is True
    assert a["published"].startswith("20") and a["published"].endswith("Z")
    assert a["webfinger"] == f"{alice.name}@{server.domain}"
    key = a["publicKey"]
    assert key["id"] == uri + "#main-key" and key["owner"] == uri
    assert key["publicKeyPem"].startswith("-----BEGIN PUBLIC KEY-----")
    assert rsa_key(key["publicKeyPem"]).key_size == 2048
    assert a["attachment"] == [
        {"type": "PropertyValue", "name": "site",
         "value": '<a href="https://a.test/x" rel="me nofollow noopener noreferrer" '
                  'target="_blank">https://a.test/x</a>'},
        {"type": "PropertyValue", "name": "pronouns", "value": "she/&lt;her&gt;"}]
    assert "icon" not in a  # no avatar uploaded
    assert alice.patch("/api/v1/accounts/update_credentials",
                       data={"discoverable": "false"}).status_code == 200
    a = actor(server, alice.name)
    assert a["discoverable"] is False and a["indexable"] is False


def test_actor_by_accept_on_users_and_profile(server, alice, bob):
    a = actor(server, alice.name)
    assert actor(server, alice.name, LD) == a
    assert actor(server, alice.name, {"Accept": None}) == a
    for h in [AP, LD]:
        r = requests.get(server.url(f"/@{alice.name}"), headers=h)
        assert r.status_code == 200
        assert r.headers["Content-Type"] == "application/activity+json; charset=utf-8"
        assert r.json() == a
    # a browser is sent to the profile page
    r = requests.get(server.url(f"/users/{alice.name}"), headers=BROWSER, allow_redirects=False)
    assert r.status_code in (301, 302, 303)
    assert r.headers["Location"] == server.url(f"/@{alice.name}")
    # the pair is made once: the same key every time, another for another actor
    assert actor(server, alice.name)["publicKey"] == a["publicKey"]
    assert actor(server, bob.name)["publicKey"]["publicKeyPem"] != a["publicKey"]["publicKeyPem"]
    for path in ["/users/nobody_here", "/users/nobody_here/followers", "/users/bad%20name",
                 "/users/nobody_here/collections/featured"]:
        r = requests.get(server.url(path), headers=AP)
        assert r.status_code == 404 and r.json() == {"error": "Record not found"}, path
    r = requests.get(server.url(f"/@nobody_here"), headers=AP)
    assert r.status_code == 404 and r.json() == {"error": "Record not found"}


def test_bot_is_a_service(server, alice):
    assert alice.patch("/api/v1/accounts/update_credentials", data={"bot": "true"}).status_code == 200
    assert actor(server, alice.name)["type"] == "Service"


def collection(server, name, path):
    r = requests.get(server.url(f"/users/{name}{path}"), headers=AP)
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "application/activity+json; charset=utf-8"
    c = r.json()
    assert c["@context"] == AS and c["type"] == "OrderedCollection"
    assert c["id"] == server.url(f"/users/{name}{path}")
    return c["totalItems"]


def test_collections_count(server, alice, bob):
    for path in ["/followers", "/following", "/outbox", "/collections/featured"]:
        assert collection(server, alice.name, path) == 0
    assert bob.post(f"/api/v1/accounts/{alice.id}/follow").status_code == 200
    s1 = post(alice, "one")
    post(alice, "two")
    hidden = post(alice, "followers only", visibility="private")
    for s in [s1, hidden]:
        assert alice.post(f"/api/v1/statuses/{s['id']}/pin").status_code == 200
    assert collection(server, alice.name, "/followers") == 1
    assert collection(server, bob.name, "/following") == 1
    assert collection(server, alice.name, "/outbox") == 3
    # the featured collection counts only the pins anyone may see
    assert collection(server, alice.name, "/collections/featured") == 1


def test_instance_actor_and_webfinger(server, alice):
    r = requests.get(server.url("/actor"), headers=AP)
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "application/activity+json; charset=utf-8"
    i = r.json()
    assert i["id"] == server.url("/actor") and i["type"] == "Application"
    assert i["preferredUsername"] == server.domain
    assert i["publicKey"]["id"] == server.url("/actor#main-key")
    assert i["publicKey"]["owner"] == i["id"]
    rsa_key(i["publicKey"]["publicKeyPem"])
    assert i["publicKey"]["publicKeyPem"] != actor(server, alice.name)["publicKey"]["publicKeyPem"]
    assert requests.get(server.url("/actor"), headers=AP).json() == i
    wf = requests.get(server.url("/.well-known/webfinger"),
                      params={"resource": f"acct:{server.domain}@{server.domain}"})
    assert wf.status_code == 200
    assert wf.headers["Content-Type"].startswith("application/jrd+json")
    assert wf.json()["links"] == [{"rel": "self", "type": "application/activity+json",
                                   "href": i["id"]}]
    # a person's WebFinger self link leads to the actor document
    wf = requests.get(server.url("/.well-known/webfinger"),
                      params={"resource": f"acct:{alice.name}@{server.domain}"}).json()
    self_link = [l for l in wf["links"] if l["rel"] == "self"]
    assert self_link[0]["type"] == "application/activity+json"
    assert requests.get(self_link[0]["href"], headers=AP).json()["id"] == self_link[0]["href"]


def test_activitypub_bodies_are_json(server, alice):
    for ct in ["application/activity+json",
               'application/ld+json; profile="https://www.w3.org/ns/activitystreams"',
               "application/activity+json; charset=utf-8"]:
        r = alice.post("/api/v1/statuses", data=b'{"status": "sent as activity json"}',
                       headers={"Content-Type": ct})
        assert r.status_code == 200, (ct, r.text)
        assert "sent as activity json" in r.json()["content"]
    r = alice.post("/api/v1/statuses", data=b'{"status": "x"', headers={
        "Content-Type": "application/activity+json"})
    assert r.status_code == 400 and "error" in r.json()
    r = alice.post("/api/v1/statuses", data=b'{"status": "x"}', headers={
        "Content-Type": "application/activity+jsonx"})
    assert r.status_code == 415 and "error" in r.json()


def test_first_fetches_racing_agree_on_one_key(server):
    u = server.user()
    keys, errors = [], []

    def fetch():
        try:
            keys.append(actor(server, u.name)["publicKey"]["publicKeyPem"])
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=fetch) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(keys) == 6
    assert len(set(keys)) == 1


def test_keys_survive_a_restart(make_server):
    s = make_server()
    u = s.user()
    before = actor(s, u.name)["publicKey"]
    inst = requests.get(s.url("/actor"), headers=AP).json()["publicKey"]
    assert s.stop() == 0
    s.start()
    assert actor(s, u.name)["publicKey"] == before
    assert requests.get(s.url("/actor"), headers=AP).json()["publicKey"] == inst


def test_no_private_key_anywhere(make_server):
    s = make_server()
    u = s.user()
    assert u.patch("/api/v1/accounts/update_credentials",
                   data={"display_name": "Keyholder", "note": "n"}).status_code == 200
    st = post(u, "a post by the key holder")
    pem = actor(s, u.name)["publicKey"]["publicKeyPem"]
    requests.get(s.url("/actor"), headers=AP)
    secrets = private_key_lines(s, int(u.id)) + private_key_lines(s, 0)
    responses = [
        requests.get(s.url(f"/users/{u.name}"), headers=AP),
        requests.get(s.url(f"/users/{u.name}"), headers=LD),
        requests.get(s.url(f"/@{u.name}"), headers=AP),
        requests.get(s.url(f"/@{u.name}"), headers={"Accept": "application/json"}),
        requests.get(s.url(f"/@{u.name}"), headers=BROWSER),
        requests.get(s.url(f"/@{u.name}/{st['id']}"), headers=BROWSER),
        requests.get(s.url(f"/@{u.name}.atom")),
        requests.get(s.url("/actor"), headers=AP),
        requests.get(s.url(f"/users/{u.name}/followers"), headers=AP),
        requests.get(s.url(f"/users/{u.name}/outbox"), headers=AP),
        requests.get(s.url("/.well-known/webfinger"),
                     params={"resource": f"acct:{u.name}@{s.domain}"}),
        requests.get(s.url("/nodeinfo/2.1")),
        requests.get(s.url("/api/v1/instance")),
        requests.get(s.url("/api/v2/instance")),
        requests.get(s.url(f"/api/v1/accounts/{u.id}")),
        requests.get(s.url("/api/v1/accounts/lookup"), params={"acct": u.name}),
        requests.get(s.url(f"/api/v1/accounts/{u.id}/statuses")),
        u.get("/api/v1/accounts/verify_credentials"),
        u.patch("/api/v1/accounts/update_credentials", data={"note": "again"}),
        u.get("/api/v2/search", params={"q": u.name}),
        u.get(f"/api/v1/statuses/{st['id']}"),
        u.get("/api/v1/timelines/home"),
        u.get("/api/v1/preferences"),
    ]
    for r in responses:
        assert r.status_code == 200, (r.url, r.status_code)
        text = r.text.replace("\\/", "/")  # a JSON writer may escape slashes
        assert "PRIVATE KEY" not in text, r.url
        for line in secrets:
            assert line not in text, r.url
    assert responses[0].json()["publicKey"]["publicKeyPem"] == pem
    assert s.stop() == 0
    log = s.log.read_text(errors="replace")
    assert "PRIVATE KEY" not in log
    assert not any(line in log for line in secrets)
