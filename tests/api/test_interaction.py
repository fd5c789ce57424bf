"""Remote interaction (pages/interact.c): someone on another server
follows, replies or likes from their own server, through the form on the
public pages, and /authorize_interaction (with the FEP-3b86 intents in
WebFinger) brings people of this server to what they found elsewhere.
Two servers on loopback in the federation test mode."""
import html
import re
from urllib.parse import quote

import pytest
import requests
from conftest import Server, free_port
from test_statuses import post

INSECURE = {"RAPPORT_FEDERATION_INSECURE": "1"}


@pytest.fixture(scope="module")
def pair():
    a, b = Server(env=INSECURE).start(), Server(env=INSECURE).start()
    yield a, b
    assert a.stop() == 0 and b.stop() == 0


def form_uri(page):
    m = re.search(r'<form class="interact" action="/interact" method="get">'
                  r'<input type="hidden" name="uri" value="([^"]*)">', page)
    assert m, page
    return html.unescape(m.group(1))


def test_public_pages_lead_to_the_visitors_server(pair):
    a, b = pair
    alice, bob = a.user(), b.user()
    st = post(alice, "come and answer")
    page = requests.get(a.url(f"/@{alice.name}/{st['id']}")).text
    assert form_uri(page) == st["uri"]
    profile = requests.get(a.url(f"/@{alice.name}")).text
    assert form_uri(profile) == a.url(f"/users/{alice.name}")
    # bob types his handle: his own server's entry point, with the uri
    r = requests.get(a.url("/interact"), params={"uri": st["uri"],
                                                 "acct": f"@{bob.name}@{b.domain}"})
    assert r.status_code == 200, r.text
    link = html.unescape(re.search(r'<a class="button" href="([^"]*)"', r.text).group(1))
    assert link == b.url("/authorize_interaction?uri=" + quote(st["uri"], safe=""))
    # there, it opens the web app's search on it, which resolves it
    r = requests.get(link, allow_redirects=False)
    assert r.status_code == 302
    assert r.headers["Location"] == "/#/search?q=" + quote(st["uri"], safe="")
    found = bob.get("/api/v2/search", params={"q": st["uri"], "resolve": "true"}).json()
    assert [s["uri"] for s in found["statuses"]] == [st["uri"]]


def test_webfinger_names_the_intents(pair):
    a, _ = pair
    alice = a.user()
    jrd = requests.get(a.url("/.well-known/webfinger"),
                       params={"resource": f"acct:{alice.name}@{a.domain}"}).json()
    templates = {l["rel"]: l.get("template") for l in jrd["links"]}
    intent = a.url("/authorize_interaction?uri={object}")
    for kind in ("Object", "Follow", "Like", "Announce"):
        assert templates[f"https://w3id.org/fep/3b86/{kind}"] == intent
    assert templates["http://ostatus.org/schema/1.0/subscribe"] == \
        a.url("/authorize_interaction?uri={uri}")


@pytest.mark.parametrize("acct", ["", "nobody", "a@b@c", "<x>@host.example", "a@" + "h" * 300])
def test_bad_handles(pair, acct):
    a, _ = pair
    r = requests.get(a.url("/interact"), params={"uri": a.url("/users/x"), "acct": acct})
    assert r.status_code == 400


def test_unknown_server_and_bad_uris(pair):
    a, _ = pair
    r = requests.get(a.url("/interact"), params={"uri": a.url("/users/x"),
                                                 "acct": f"bob@127.0.0.1:{free_port()}"})
    assert r.status_code == 404
    assert "could not be found" in r.text
    r = requests.get(a.url("/interact"), params={"uri": "javascript:alert(1)", "acct": "b@c.d"})
    assert r.status_code == 400
    for uri in ("", "javascript:alert(1)", "x" * 3000):
        r = requests.get(a.url("/authorize_interaction"), params={"uri": uri},
                         allow_redirects=False)
        assert r.status_code == 400, uri
