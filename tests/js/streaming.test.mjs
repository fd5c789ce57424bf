// The streaming API over WebSocket, driven by masto's streaming client as
// a web or Node app uses it: the address from the instance, the token as
// the WebSocket subprotocol, subscribe messages, events as async iterables.
// Two fresh users of their own, so masto.test.mjs's counts are untouched.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";

import { createRestAPIClient, createStreamingAPIClient } from "masto";

const url = process.env.RAPPORT_URL;
if (!url) {
  throw new Error("set RAPPORT_URL (see scripts/js-test.sh)");
}

async function post(path, body, token) {
  const res = await fetch(url + path, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 200, await res.clone().text());
  return res.json();
}

async function newUser(name) {
  const scopes = "read write follow";
  const app = await post("/api/v1/apps", {
    client_name: "masto-streaming",
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
  return { client, token: user.access_token, me: await client.v1.accounts.verifyCredentials() };
}

// The next events of a subscription until pred holds for the list (or
// the time runs out: the list so far).
async function collect(subscription, pred, ms = 5000) {
  const events = [];
  const iterator = subscription[Symbol.asyncIterator]();
  const deadline = Date.now() + ms;
  while (!pred(events) && Date.now() < deadline) {
    const next = await Promise.race([
      iterator.next(),
      new Promise((resolve) => setTimeout(() => resolve(null), deadline - Date.now())),
    ]);
    if (!next || next.done) break;
    events.push(next.value);
  }
  return events;
}

describe("streaming with masto", () => {
  let ann;
  let sam;
  let streaming;
  before(async () => {
    const tag = randomUUID().replaceAll("-", "").slice(0, 10);
    ann = await newUser(`sann${tag}`);
    sam = await newUser(`ssam${tag}`);
    await ann.client.v1.accounts.$select(sam.me.id).follow();
    const instance = await ann.client.v2.instance.fetch();
    assert.match(instance.configuration.urls.streaming, /^ws:\/\/127\.0\.0\.1:\d+$/);
    streaming = createStreamingAPIClient({
      streamingApiUrl: instance.configuration.urls.streaming,
      accessToken: ann.token,
      retry: false,
      log: process.env.MASTO_LOG ?? "error",
    });
    await streaming.prepare(); // connected before anything is posted
  });
  after(() => streaming?.close());

  test("the user stream gets a followed account's post and a mention's notification", async () => {
    const sub = streaming.user.subscribe();
    // The first next() connects and sends the subscribe message.
    const reading = collect(sub, (ev) => ev.some((e) => e.event === "notification"), 6000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const status = await sam.client.v1.statuses.create({ status: "over masto's socket" });
    const mention = await sam.client.v1.statuses.create({
      status: `@${ann.me.username} are you there?`,
    });
    const events = await reading;
    const updates = events.filter((e) => e.event === "update").map((e) => e.payload.id);
    assert.deepEqual(updates.slice(0, 1), [status.id]);
    const note = events.find((e) => e.event === "notification");
    assert.ok(note, JSON.stringify(events));
    assert.equal(note.payload.type, "mention");
    assert.equal(note.payload.status.id, mention.id);
    assert.deepEqual(note.stream, ["user"]);
    assert.equal(events[0].payload.content, status.content);
    assert.equal(events[0].payload.account.id, sam.me.id);
    sub.unsubscribe();
  });

  test("a hashtag stream gets the tagged post and a delete", async () => {
    const sub = streaming.hashtag.subscribe({ tag: "mastostream" });
    const reading = collect(sub, (ev) => ev.some((e) => e.event === "delete"), 5000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const status = await sam.client.v1.statuses.create({ status: "tagged #MastoStream" });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await sam.client.v1.statuses.$select(status.id).remove();
    const events = await reading;
    assert.deepEqual(
      events.map((e) => [e.event, e.stream, e.event === "delete" ? e.payload : e.payload.id]),
      [
        ["update", ["hashtag", "mastostream"], status.id],
        ["delete", ["hashtag", "mastostream"], status.id],
      ],
    );
    sub.unsubscribe();
  });
});
