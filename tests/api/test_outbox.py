"""The outbox collection of a local actor (federation/outbox_page.c): its
pages hold a Create of each status and an Announce of each boost an
anonymous reader may see, newest first, as deliveries write them."""
import requests
from test_statuses import post

AP = {"Accept": "application/activity+json"}


def test_outbox_pages(server):
    alice, bob = server.user(), server.user()
    theirs = post(bob, "bob's, boosted")
    shown = [post(alice, f"public {i}") for i in range(20)]
    post(alice, "followers only", visibility="private")
    post(alice, "direct to bob @" + bob.name, visibility="direct")
    unlisted = post(alice, "unlisted one", visibility="unlisted")
    boost = alice.post(f"/api/v1/statuses/{theirs['id']}/reblog").json()
    outbox = server.url(f"/users/{alice.name}/outbox")
    col = requests.get(outbox, headers=AP).json()
    assert col["type"] == "OrderedCollection" and col["first"] == outbox + "?page=true"
    assert col["totalItems"] == 24
    page = requests.get(col["first"], headers=AP).json()
    assert page["type"] == "OrderedCollectionPage" and page["partOf"] == outbox
    items = page["orderedItems"]
    assert len(items) == 20
    assert items[0]["type"] == "Announce" and items[0]["object"] == theirs["uri"]
    assert items[0]["id"] == boost["uri"] + "/activity"
    assert items[1]["type"] == "Create" and items[1]["object"]["id"] == unlisted["uri"]
    assert items[1]["object"]["type"] == "Note"
    assert all(i["actor"] == server.url(f"/users/{alice.name}") for i in items)
    texts = " ".join(i["object"]["content"] for i in items if i["type"] == "Create")
    assert "followers only" not in texts and "direct to bob" not in texts
    rest = requests.get(page["next"], headers=AP).json()["orderedItems"]
    assert [i["object"]["id"] for i in rest] == [s["uri"] for s in reversed(shown)][18:]
    assert requests.get(outbox + "?page=true&max_id=x", headers=AP).status_code == 400
