// An ActivityPub server written with Fedify, the independent peer of
// Rapport's federation tests (tests/api/test_fedify.py). One actor,
// /users/bob, with an RSA key pair; Fedify verifies the HTTP signature of
// every activity it receives (its inbox answers 401 otherwise) and signs
// what it sends, draft-cavage first when FIRST_KNOCK says so (as Mastodon
// does), else RFC 9421 (Fedify's default).
//
//   node peer.mjs PORT [FIRST_KNOCK] [refuse-cavage]
//
// With refuse-cavage its inboxes answer 401 to a draft-cavage signature
// (as a server that speaks RFC 9421 only would), so what Fedify verifies
// is the RFC 9421 signature of the sender's second knock.
//
// Control endpoints, for the test (plain JSON):
//   POST /_test/follow  {"target": actor id}      bob follows it
//   POST /_test/note    {"to": actor id, "content": html}  bob writes to it
//   GET  /_test/received                           what bob's inboxes got
//   GET  /_test/posts      each POST to an inbox: its signature form, status
// It prints "ready" on stdout once it listens on 127.0.0.1:PORT.
import http from "node:http";
import { Temporal } from "@js-temporal/polyfill";
import {
  createFederation,
  generateCryptoKeyPair,
  InProcessMessageQueue,
  MemoryKvStore,
} from "@fedify/fedify";
import {
  Accept,
  Announce,
  Create,
  Delete,
  Endpoints,
  Follow,
  Like,
  Mention,
  Note,
  Person,
  Undo,
  Update,
} from "@fedify/vocab";

const port = Number(process.argv[2]);
const firstKnock = process.argv[3] || undefined;
const refuseCavage = process.argv[4] === "refuse-cavage";
const posts = [];
const origin = `http://127.0.0.1:${port}`;
const received = [];
let keys = null;
let notes = 0;

const federation = createFederation({
  kv: new MemoryKvStore(),
  queue: new InProcessMessageQueue(),
  origin,
  allowPrivateAddress: true,
  ...(firstKnock ? { firstKnock } : {}),
});

federation
  .setActorDispatcher("/users/{identifier}", (ctx, identifier) => {
    if (identifier !== "bob") return null;
    return ctx.getActorKeyPairs(identifier).then((pairs) =>
      new Person({
        id: ctx.getActorUri(identifier),
        preferredUsername: identifier,
        name: "Bob of Fedify",
        url: ctx.getActorUri(identifier),
        inbox: ctx.getInboxUri(identifier),
        endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
        followers: ctx.getFollowersUri(identifier),
        publicKey: pairs[0].cryptographicKey,
        assertionMethods: pairs.map((p) => p.multikey),
      })
    );
  })
  .setKeyPairsDispatcher(async (ctx, identifier) => {
    if (identifier !== "bob") return [];
    keys ??= await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");
    return [keys];
  });

federation.setFollowersDispatcher("/users/{identifier}/followers", () => ({
  items: [],
}));

// Records an activity; the object is read as an id and, when embedded,
// as its type and content.
async function record(ctx, activity) {
  let object = null;
  try {
    object = await activity.getObject({ documentLoader: ctx.documentLoader });
  } catch (_) {
    object = null;
  }
  received.push({
    type: activity.constructor.name,
    id: activity.id?.href ?? null,
    actor: activity.actorId?.href ?? null,
    object: activity.objectId?.href ?? object?.id?.href ?? null,
    objectType: object ? object.constructor.name : null,
    content: object?.content?.toString() ?? null,
    embedded: object && typeof object.objectId !== "undefined"
      ? { type: object.constructor.name, object: object.objectId?.href ?? null }
      : null,
  });
}

federation
  .setInboxListeners("/users/{identifier}/inbox", "/inbox")
  .on(Follow, async (ctx, follow) => {
    await record(ctx, follow);
    const follower = await follow.getActor(ctx);
    if (!follower) return;
    await ctx.sendActivity(
      { identifier: "bob" },
      follower,
      new Accept({
        id: new URL(`${origin}/users/bob#accepts/${received.length}`),
        actor: ctx.getActorUri("bob"),
        object: follow,
      }),
    );
  })
  .on(Accept, record)
  .on(Create, record)
  .on(Update, record)
  .on(Delete, record)
  .on(Like, record)
  .on(Announce, record)
  .on(Undo, record);

async function readJson(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  return JSON.parse(Buffer.concat(chunks).toString() || "{}");
}

async function control(req, res) {
  const ctx = federation.createContext(new URL(origin), undefined);
  const send = (status, body) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  if (req.method === "GET" && req.url === "/_test/received") return send(200, received);
  if (req.method === "GET" && req.url === "/_test/posts") return send(200, posts);
  const body = await readJson(req);
  const target = await ctx.lookupObject(body.target ?? body.to);
  if (!target) return send(404, { error: "no such actor" });
  if (req.url === "/_test/follow") {
    await ctx.sendActivity({ identifier: "bob" }, target, new Follow({
      id: new URL(`${origin}/users/bob#follows/${++notes}`),
      actor: ctx.getActorUri("bob"),
      object: target.id,
    }));
    return send(202, {});
  }
  if (req.url === "/_test/note") {
    const id = new URL(`${origin}/users/bob/notes/${++notes}`);
    const note = new Note({
      id,
      attribution: ctx.getActorUri("bob"),
      to: target.id,
      content: body.content,
      tags: [new Mention({ href: target.id, name: "@" + target.preferredUsername })],
      published: Temporal.Now.instant(),
    });
    await ctx.sendActivity({ identifier: "bob" }, target, new Create({
      id: new URL(id.href + "/activity"),
      actor: ctx.getActorUri("bob"),
      to: target.id,
      object: note,
    }));
    return send(202, { id: id.href });
  }
  send(404, {});
}

// node:http <-> fetch
http
  .createServer(async (req, res) => {
    try {
      if (req.url.startsWith("/_test/")) return await control(req, res);
      const chunks = [];
      for await (const c of req) chunks.push(c);
      const form = req.headers["signature-input"] ? "rfc9421" : "cavage";
      if (req.method === "POST" && refuseCavage && form === "cavage") {
        posts.push({ path: req.url, form, status: 401 });
        res.writeHead(401, { "content-type": "text/plain" });
        return res.end("RFC 9421 signatures only");
      }
      const request = new Request(new URL(req.url, origin), {
        method: req.method,
        headers: Object.entries(req.headers).flatMap(([k, v]) =>
          Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]]
        ),
        body: ["GET", "HEAD"].includes(req.method) ? undefined : Buffer.concat(chunks),
      });
      const response = await federation.fetch(request, { contextData: undefined });
      if (req.method === "POST") posts.push({ path: req.url, form, status: response.status });
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch (e) {
      res.writeHead(500, { "content-type": "text/plain" });
      res.end(String(e && e.stack || e));
    }
  })
  .listen(port, "127.0.0.1", () => console.log("ready"));
