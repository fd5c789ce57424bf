"""E-mail (core/email.c, util/mail.c): a confirmation link on sign-up and a
password-reset link, sent through SMTP with libcurl to a local sink
(Debian's python3-aiosmtpd, started here on 127.0.0.1), or written to the
log without RAPPORT_SMTP_URL."""
import email
import re
import time

import pytest
import requests

from conftest import PASSWORD, free_port, store_connect

aiosmtpd = pytest.importorskip("aiosmtpd.controller",
                               reason="python3-aiosmtpd is missing: run scripts/deps.sh")


class Sink:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos),
                              email.message_from_bytes(envelope.content)))
        return "250 OK"

    def wait(self, to, n=1):
        deadline = time.time() + 10
        while time.time() < deadline:
            got = [m for m in self.messages if to in m[1]]
            if len(got) >= n:
                return got[n - 1]
            time.sleep(0.05)
        raise AssertionError(f"no mail {n} to {to}: {self.messages}")


@pytest.fixture
def smtp():
    sink = Sink()
    c = aiosmtpd.Controller(sink, hostname="127.0.0.1", port=free_port())
    c.start()
    yield sink, f"smtp://127.0.0.1:{c.port}"
    c.stop()


def token_of(msg, route):
    body = msg.get_payload(decode=True).decode()
    m = re.search(r"/#/" + route + r"\?token=([A-Za-z0-9_-]{43})", body)
    assert m, body
    return m.group(1)


def test_sign_up_sends_a_confirmation_link(make_server, smtp):
    sink, url = smtp
    s = make_server(env={"RAPPORT_SMTP_URL": url, "RAPPORT_SMTP_FROM": "hello@rapport.test"})
    u = s.user()
    frm, rcpt, msg = sink.wait(u.email)
    assert frm == "hello@rapport.test" and rcpt == [u.email]
    assert msg["Subject"] == "Confirm your e-mail address" and msg["To"] == f"<{u.email}>"
    assert u.get("/api/rapport/v1/account").json()["confirmed"] is False
    token = token_of(msg, "confirm")
    assert token not in (s.data / "server.log").read_text()
    r = requests.post(s.url("/api/rapport/v1/email/confirm"), data={"token": token})
    assert r.status_code == 200, r.text
    assert u.get("/api/rapport/v1/account").json()["confirmed"] is True
    r = requests.post(s.url("/api/rapport/v1/email/confirm"), data={"token": token})
    assert r.status_code == 422  # a link works once
    # Asking again once confirmed sends nothing.
    assert u.post("/api/v1/emails/confirmations").status_code == 200
    time.sleep(0.3)
    assert len([m for m in sink.messages if u.email in m[1]]) == 1


def test_a_new_email_is_confirmed_again(make_server, smtp):
    sink, url = smtp
    s = make_server(env={"RAPPORT_SMTP_URL": url})
    u = s.user()
    requests.post(s.url("/api/rapport/v1/email/confirm"),
                  data={"token": token_of(sink.wait(u.email)[2], "confirm")})
    assert u.get("/api/rapport/v1/account").json()["confirmed"] is True
    new = "moved-" + u.email
    r = u.post("/api/rapport/v1/account/email", data={"current_password": PASSWORD, "email": new})
    assert r.status_code == 200 and r.json()["confirmed"] is False
    token = token_of(sink.wait(new)[2], "confirm")
    assert u.get("/api/rapport/v1/account").json()["confirmed"] is False
    assert requests.post(s.url("/api/rapport/v1/email/confirm"), data={"token": token}).status_code == 200
    assert u.get("/api/rapport/v1/account").json()["confirmed"] is True


def test_password_reset(make_server, smtp):
    sink, url = smtp
    s = make_server(env={"RAPPORT_SMTP_URL": url})
    u = s.user()
    other = s.token(u.email)
    reset = s.url("/api/rapport/v1/password/reset")
    # Unknown addresses get the same answer, and no mail.
    assert requests.post(reset, data={"email": "nobody@example.com"}).status_code == 200
    assert requests.post(reset, data={"email": u.email.upper()}).status_code == 200
    frm, rcpt, msg = sink.wait(u.email, n=2)  # the confirmation, then the reset
    assert msg["Subject"] == "Reset your password"
    token = token_of(msg, "reset")
    assert not [m for m in sink.messages if "nobody@example.com" in m[1]]
    confirm = s.url("/api/rapport/v1/password/reset/confirm")
    r = requests.post(confirm, data={"token": token, "password": "short"})
    assert r.status_code == 422  # and the link is not spent
    r = requests.post(confirm, data={"token": "x" * 43, "password": "a fine new password"})
    assert r.status_code == 422
    r = requests.post(confirm, data={"token": token, "password": "a fine new password"})
    assert r.status_code == 200, r.text
    for tok in (u.token, other):
        assert requests.get(s.url("/api/v1/accounts/verify_credentials"),
                            headers={"Authorization": "Bearer " + tok}).status_code == 401
    assert s.token(u.email, password="a fine new password")
    assert requests.post(confirm, data={"token": token, "password": "another password"}).status_code == 422
    # Only the newest link works.
    requests.post(reset, data={"email": u.email})
    first = token_of(sink.wait(u.email, n=3)[2], "reset")
    requests.post(reset, data={"email": u.email})
    second = token_of(sink.wait(u.email, n=4)[2], "reset")
    assert requests.post(confirm, data={"token": first, "password": "password three"}).status_code == 422
    assert requests.post(confirm, data={"token": second, "password": "password three"}).status_code == 200


def test_password_reset_is_rate_limited(make_server, smtp):
    sink, url = smtp
    s = make_server(env={"RAPPORT_SMTP_URL": url})
    reset = s.url("/api/rapport/v1/password/reset")
    codes = [requests.post(reset, data={"email": "who@example.com"}).status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]
    r = requests.post(reset, data={"email": "who@example.com"})
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
    assert requests.post(reset, data={"email": "someone-else@example.com"}).status_code == 200


def test_reset_link_expires(make_server, smtp):
    """A link stored with an expiry in the past is refused (the store keeps
    only its hash: the test moves the expiry, it cannot read the token)."""
    sink, url = smtp
    s = make_server(env={"RAPPORT_SMTP_URL": url})
    u = s.user()
    requests.post(s.url("/api/rapport/v1/password/reset"), data={"email": u.email})
    token = token_of(sink.wait(u.email, n=2)[2], "reset")
    db = store_connect(s.data)
    rows = db.execute("SELECT token_hash FROM email_tokens WHERE kind = 'reset'").fetchall()
    assert len(rows) == 1 and token not in rows[0][0] and len(rows[0][0]) == 64
    db.execute("UPDATE email_tokens SET expires_at = 1 WHERE kind = 'reset'")
    db.commit()
    db.close()
    r = requests.post(s.url("/api/rapport/v1/password/reset/confirm"),
                      data={"token": token, "password": "too late now"})
    assert r.status_code == 422


def test_without_smtp_the_link_is_in_the_log(make_server):
    s = make_server()
    u = s.user()
    deadline = time.time() + 5
    while time.time() < deadline:
        log = (s.data / "server.log").read_text()
        if u.email in log and "/#/confirm?token=" in log:
            break
        time.sleep(0.05)
    m = re.search(r"/#/confirm\?token=([A-Za-z0-9_-]{43})", log)
    assert m, log[-2000:]
    r = requests.post(s.url("/api/rapport/v1/email/confirm"), data={"token": m.group(1)})
    assert r.status_code == 200
    assert u.get("/api/rapport/v1/account").json()["confirmed"] is True


def test_unreachable_smtp_is_an_error_not_a_lost_mail(make_server):
    s = make_server(env={"RAPPORT_SMTP_URL": f"smtp://127.0.0.1:{free_port()}"})
    u = s.user()  # the account is made; the failed mail is logged
    r = u.post("/api/v1/emails/confirmations")
    assert r.status_code == 503, r.text
    assert "could not be sent" in r.json()["error"]
