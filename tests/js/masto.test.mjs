// Rapport's client API driven by masto (npm), as a web or Node client uses
// it: JSON bodies, camelCase entities, Link-header paginators.
// scripts/js-test.sh starts a server and sets RAPPORT_URL, RAPPORT_TOKEN and
// RAPPORT_TOKEN2 (two users); run with `node --test tests/js/`.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { before, describe, test } from "node:test";

import { MastoHttpError, createRestAPIClient } from "masto";

const url = process.env.RAPPORT_URL;
const token = process.env.RAPPORT_TOKEN;
const token2 = process.env.RAPPORT_TOKEN2;
if (!url || !token || !token2) {
  throw new Error("set RAPPORT_URL, RAPPORT_TOKEN and RAPPORT_TOKEN2 (see scripts/js-test.sh)");
}

const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const alice = createRestAPIClient({ url, accessToken: token });
const bob = createRestAPIClient({ url, accessToken: token2 });
const anonymous = createRestAPIClient({ url });

// Expects fn to fail with a MastoHttpError of the given status.
async function rejectsWith(fn, statusCode) {
  await assert.rejects(fn, (err) => {
    assert.ok(err instanceof MastoHttpError, String(err));
    assert.equal(err.statusCode, statusCode);
    assert.equal(typeof err.message, "string");
    return true;
  });
}

describe("statuses with masto", () => {
  let me;
  let him;
  before(async () => {
    me = await alice.v1.accounts.verifyCredentials();
    him = await bob.v1.accounts.verifyCredentials();
  });

  test("the signed-in accounts are distinct", () => {
    assert.match(me.id, /^\d+$/);
    assert.match(him.id, /^\d+$/);
    assert.notEqual(me.id, him.id);
    assert.equal(me.statusesCount, 0);
  });

  let first;
  test("posts a status", async () => {
    first = await alice.v1.statuses.create({
      status: "Hello from masto <3 #MastoJS",
      visibility: "public",
      language: "en",
    });
    assert.match(first.id, /^\d+$/);
    assert.match(first.createdAt, TIME);
    assert.equal(first.account.id, me.id);
    assert.equal(first.visibility, "public");
    assert.equal(first.language, "en");
    assert.equal(first.sensitive, false);
    assert.equal(first.spoilerText, "");
    assert.equal(first.inReplyToId, null);
    assert.equal(first.reblog, null);
    assert.deepEqual(first.mediaAttachments, []);
    assert.deepEqual(first.mentions, []);
    assert.deepEqual(first.tags, [{ name: "mastojs", url: `${url}/tags/mastojs` }]);
    assert.equal(
      first.content,
      `<p>Hello from masto &lt;3 <a href="${url}/tags/mastojs" class="mention hashtag" ` +
        `rel="tag">#<span>MastoJS</span></a></p>`,
    );
    assert.equal(first.url, `${url}/@${me.username}/${first.id}`);
    assert.equal(first.repliesCount, 0);
    assert.equal(first.favouritesCount, 0);
    assert.equal(first.reblogsCount, 0);
    assert.equal(first.favourited, false);
    assert.equal(first.pinned, false);
    assert.ok(!("scheduledAt" in first));
    // The social-capital card is on an account asked for on its own, not
    // inside statuses: the worker refreshes it after each write, so a
    // status read again right after posting would differ there.
    assert.ok(!("rapport" in first.account));
    const again = await alice.v1.statuses.$select(first.id).fetch();
    assert.deepEqual(again, first);
  });

  test("a content warning forces sensitive; JSON booleans are read", async () => {
    const s = await alice.v1.statuses.create({
      status: "careful",
      spoilerText: "cw",
      sensitive: false,
      visibility: "unlisted",
    });
    assert.equal(s.sensitive, true);
    assert.equal(s.spoilerText, "cw");
    assert.equal(s.visibility, "unlisted");
    const removed = await alice.v1.statuses.$select(s.id).remove();
    assert.equal(removed.id, s.id);
    assert.equal(removed.text, "careful");
    await rejectsWith(() => alice.v1.statuses.$select(s.id).fetch(), 404);
  });

  test("the same Idempotency-Key gives the same status", async () => {
    const key = randomUUID();
    const meta = { requestInit: { headers: { "Idempotency-Key": key } } };
    const a = await alice.v1.statuses.create({ status: "only once" }, meta);
    const b = await alice.v1.statuses.create({ status: "only once" }, meta);
    assert.equal(b.id, a.id);
    const c = await bob.v1.statuses.create({ status: "only once" }, meta);
    assert.notEqual(c.id, a.id);
    await alice.v1.statuses.$select(a.id).remove();
    await bob.v1.statuses.$select(c.id).remove();
    const now = await alice.v1.accounts.verifyCredentials();
    assert.equal(now.statusesCount, 1);
  });

  test("invalid posts are refused with 422 and change nothing", async () => {
    await rejectsWith(() => alice.v1.statuses.create({ status: "   " }), 422);
    await rejectsWith(() => alice.v1.statuses.create({ status: "x".repeat(501) }), 422);
    await rejectsWith(
      () => alice.v1.statuses.create({ status: "x", visibility: "everyone" }),
      422,
    );
    await rejectsWith(() => anonymous.v1.statuses.create({ status: "anon" }), 401);
    const now = await alice.v1.accounts.verifyCredentials();
    assert.equal(now.statusesCount, 1);
  });

  test("reads the home timeline", async () => {
    const home = await alice.v1.timelines.home.list({ limit: 20 });
    assert.deepEqual(
      home.map((s) => s.id),
      [first.id],
    );
    assert.equal(home[0].content, first.content);
    const pub = await anonymous.v1.timelines.public.list({ local: true });
    assert.deepEqual(
      pub.map((s) => s.id),
      [first.id],
    );
    const tagged = await anonymous.v1.timelines.tag.$select("MASTOJS").list();
    assert.deepEqual(
      tagged.map((s) => s.id),
      [first.id],
    );
  });

  let reply;
  let nested;
  test("replies", async () => {
    reply = await bob.v1.statuses.create({
      status: `@${me.username} a reply`,
      inReplyToId: first.id,
      visibility: "unlisted",
    });
    assert.equal(reply.inReplyToId, first.id);
    assert.equal(reply.inReplyToAccountId, me.id);
    assert.equal(reply.visibility, "unlisted");
    assert.deepEqual(reply.mentions, [
      { id: me.id, username: me.username, acct: me.username, url: `${url}/@${me.username}` },
    ]);
    nested = await alice.v1.statuses.create({ status: "nested", inReplyToId: reply.id });
    const parent = await anonymous.v1.statuses.$select(first.id).fetch();
    assert.equal(parent.repliesCount, 1);
    await rejectsWith(
      () => alice.v1.statuses.create({ status: "x", inReplyToId: "99999999999" }),
      404,
    );
  });

  test("reads the context", async () => {
    const root = await bob.v1.statuses.$select(first.id).context.fetch();
    assert.deepEqual(root.ancestors, []);
    assert.deepEqual(
      root.descendants.map((s) => s.id),
      [reply.id, nested.id],
    );
    const mid = await anonymous.v1.statuses.$select(reply.id).context.fetch();
    assert.deepEqual(
      mid.ancestors.map((s) => s.id),
      [first.id],
    );
    assert.deepEqual(
      mid.descendants.map((s) => s.id),
      [nested.id],
    );
    assert.equal(mid.descendants[0].inReplyToId, reply.id);
    const leaf = await alice.v1.statuses.$select(nested.id).context.fetch();
    assert.deepEqual(
      leaf.ancestors.map((s) => s.id),
      [first.id, reply.id],
    );
    assert.deepEqual(leaf.descendants, []);
  });

  test("favourites, reblogs and bookmarks", async () => {
    const fav = await bob.v1.statuses.$select(first.id).favourite();
    assert.equal(fav.favourited, true);
    assert.equal(fav.favouritesCount, 1);
    const boost = await bob.v1.statuses.$select(first.id).reblog();
    assert.notEqual(boost.id, first.id);
    assert.equal(boost.reblog.id, first.id);
    assert.equal(boost.reblog.reblogsCount, 1);
    const mark = await bob.v1.statuses.$select(first.id).bookmark();
    assert.equal(mark.bookmarked, true);
    const by = await anonymous.v1.statuses.$select(first.id).favouritedBy.list();
    assert.deepEqual(
      by.map((a) => a.id),
      [him.id],
    );
    const marks = await bob.v1.bookmarks.list();
    assert.deepEqual(
      marks.map((s) => s.id),
      [first.id],
    );
    const un = await bob.v1.statuses.$select(first.id).unreblog();
    assert.equal(un.reblogged, false);
    assert.equal(un.reblogsCount, 0);
    await rejectsWith(() => bob.v1.statuses.$select(boost.id).fetch(), 404);
  });

  test("edits keep a history", async () => {
    const edited = await alice.v1.statuses.$select(nested.id).update({ status: "nested, edited" });
    assert.equal(edited.content, "<p>nested, edited</p>");
    assert.match(edited.editedAt, TIME);
    const history = await alice.v1.statuses.$select(nested.id).history.list();
    assert.deepEqual(
      history.map((v) => v.content),
      ["<p>nested</p>", "<p>nested, edited</p>"],
    );
    const source = await alice.v1.statuses.$select(nested.id).source.fetch();
    assert.deepEqual(source, { id: nested.id, text: "nested, edited", spoilerText: "" });
  });

  test("paginates through the Link header", async () => {
    const made = [];
    for (let i = 0; i < 7; i++) {
      made.push((await alice.v1.statuses.create({ status: `page ${i}` })).id);
    }
    const pages = [];
    for await (const page of alice.v1.accounts.$select(me.id).statuses.list({ limit: 3 })) {
      pages.push(page.map((s) => s.id));
    }
    const expected = [...made].reverse().concat([nested.id, first.id]);
    // A full last page still links to the next one, which is empty.
    assert.deepEqual(
      pages.filter((p) => p.length > 0).map((p) => p.length),
      [3, 3, 3],
    );
    assert.deepEqual(pages.flat(), expected);
    const newer = await alice.v1.timelines.home.list({ minId: made[2], limit: 2 });
    assert.deepEqual(
      newer.map((s) => s.id),
      [made[4], made[3]],
    );
    const me2 = await alice.v1.accounts.verifyCredentials();
    assert.equal(me2.statusesCount, 9);
  });
});

// A new signed-in user made through the API (apps, client token, sign-up).
async function newUser(name) {
  const post = async (path, body, token) => {
    const headers = { "Content-Type": "application/json" };
    if (token) headers.Authorization = `Bearer ${token}`;
    const res = await fetch(`${url}${path}`, {
      method: "POST",
      headers,
      body: JSON.stringify(body),
    });
    assert.equal(res.status, 200, await res.clone().text());
    return res.json();
  };
  const scopes = "read write follow";
  const app = await post("/api/v1/apps", {
    client_name: "masto-requests",
    redirect_uris: "urn:ietf:wg:oauth:2.0:oob",
    scopes,
  });
  const appToken = await post("/oauth/token", {
    grant_type: "client_credentials",
    client_id: app.client_id,
    client_secret: app.client_secret,
    scope: scopes,
  });
  const user = await post(
    "/api/v1/accounts",
    { username: name, email: `${name}@example.com`, password: "correct horse battery", agreement: true, locale: "en" },
    appToken.access_token,
  );
  const client = createRestAPIClient({ url, accessToken: user.access_token });
  return { client, me: await client.v1.accounts.verifyCredentials() };
}

describe("message requests with masto", () => {
  let ann;
  let sam;
  before(async () => {
    const tag = randomUUID().replaceAll("-", "").slice(0, 10);
    ann = await newUser(`ann${tag}`);
    sam = await newUser(`sam${tag}`);
  });

  test("a stranger's direct message waits in requests until accepted", async () => {
    const dm = await sam.client.v1.statuses.create({
      status: `@${ann.me.username} hello, we have not met`,
      visibility: "direct",
    });
    assert.deepEqual(await ann.client.v1.notifications.list(), []);
    const policy = await ann.client.v2.notifications.policy.fetch();
    assert.equal(policy.forNotFollowing, "filter");
    assert.deepEqual(policy.summary, { pendingRequestsCount: 1, pendingNotificationsCount: 1 });

    const requests = await ann.client.v1.notifications.requests.list();
    assert.equal(requests.length, 1);
    const [request] = requests;
    assert.equal(request.account.id, sam.me.id);
    assert.equal(request.notificationsCount, "1");
    assert.equal(request.lastStatus.id, dm.id);
    assert.match(request.createdAt, TIME);
    const one = await ann.client.v1.notifications.requests.$select(request.id).fetch();
    // (Not deepEqual: the account's rapport card is refreshed by the worker.)
    assert.deepEqual(
      [one.id, one.account.id, one.notificationsCount, one.lastStatus.id, one.updatedAt],
      [request.id, sam.me.id, "1", dm.id, request.updatedAt],
    );

    await ann.client.v1.notifications.requests.$select(request.id).accept();
    const merged = await ann.client.v1.notifications.requests.merged.fetch();
    assert.deepEqual(merged, { merged: true });
    const notes = await ann.client.v1.notifications.list();
    assert.deepEqual(
      notes.map((n) => [n.type, n.status.id]),
      [["mention", dm.id]],
    );
    assert.deepEqual(await ann.client.v1.notifications.requests.list(), []);
    await rejectsWith(
      () => ann.client.v1.notifications.requests.$select(request.id).accept(),
      404,
    );
  });

  test("the policy is changed through v2, and bad values are refused", async () => {
    const updated = await ann.client.v2.notifications.policy.update({
      forNewAccounts: "drop",
    });
    assert.equal(updated.forNewAccounts, "drop");
    assert.equal(updated.forNotFollowing, "filter");
    await rejectsWith(
      () => ann.client.v2.notifications.policy.update({ forNotFollowing: "sometimes" }),
      422,
    );
    const again = await ann.client.v2.notifications.policy.fetch();
    assert.equal(again.forNotFollowing, "filter");
    assert.equal(again.forNewAccounts, "drop");
  });
});

describe("the Conversations list with masto", () => {
  let me;
  let him;
  const replies = [];
  before(async () => {
    me = await alice.v1.accounts.verifyCredentials();
    him = await bob.v1.accounts.verifyCredentials();
    await alice.v1.accounts.$select(him.id).follow();
    await bob.v1.accounts.$select(me.id).follow();
    // Each of bob's replies to alice is an item of its own (replies to
    // the reader never fold).
    for (let i = 0; i < 7; i++) {
      const q = await alice.v1.statuses.create({ status: `question ${i}?` });
      replies.push((await bob.v1.statuses.create({ status: `answer ${i}`, inReplyToId: q.id })).id);
    }
  });

  test("every user has it, first, built in", async () => {
    const lists = await alice.v1.lists.list();
    assert.deepEqual(lists[0], {
      id: "1", title: "Conversations", repliesPolicy: "followed", exclusive: false,
    });
    assert.equal((await bob.v1.lists.list())[0].id, "1");
    assert.deepEqual(await alice.v1.lists.$select("1").accounts.list(), []);
    await rejectsWith(() => alice.v1.lists.$select("1").update({ title: "mine" }), 422);
    await rejectsWith(() => alice.v1.lists.$select("1").remove(), 422);
    await rejectsWith(
      () => alice.v1.lists.$select("1").accounts.create({ accountIds: [him.id] }), 422);
    assert.equal((await alice.v1.lists.list())[0].title, "Conversations");
  });

  test("its paginator neither repeats nor skips while bob posts", async () => {
    const whole = (await alice.v1.timelines.list.$select("1").list({ limit: 40 }))
      .map((s) => s.id);
    assert.ok(whole.length >= 7);
    const seen = [];
    let why = null;
    for await (const page of alice.v1.timelines.list.$select("1").list({ limit: 3 })) {
      assert.ok(page.length <= 3);
      seen.push(...page.map((s) => s.id));
      why ??= page[0]?.rapport?.why;
      await bob.v1.statuses.create({ status: "more news", inReplyToId: replies[0] });
      await alice.v1.statuses.create({ status: "me too" });
    }
    assert.deepEqual(seen, whole);
    assert.equal(new Set(seen).size, seen.length);
    assert.match(why, /^replied to you/);
  });
});
