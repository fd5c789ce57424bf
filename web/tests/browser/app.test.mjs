/* The web app in Debian's Chromium (playwright-core, no downloaded browser)
 * against the real server binary: two people sign up in the browser, follow
 * each other, post, reply and read the thread; a stranger's message; errors
 * shown as the API wrote them; signing out and in again through OAuth with
 * PKCE; axe-core on every main page; screenshots at 375 and 1440 px.
 *
 * Rapport's own features (Conversations, message requests, the social card,
 * connections) are this server's: their endpoints must answer and the pages
 * must show their content (the app's "not available on this server" notices
 * are for servers without them). */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { deflateSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { chromium } from 'playwright-core';
import { apiUser, startServer } from './server.mjs';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const SHOTS = resolve(import.meta.dirname, '../../..', process.env.SCREENSHOT_DIR ?? 'build/screenshots');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const PHONE = { width: 375, height: 812 };
const DESKTOP = { width: 1440, height: 900 };
const PASSWORD = 'correct horse battery';

let server;
let browser;
const problems = []; /* console errors and page errors, from every page */
const people = {};

async function newPage(viewport, locale = 'en-US') {
	const context = await browser.newContext({ viewport, locale });
	const page = await context.newPage();
	page.on('console', (m) => {
		/* Chromium logs every failed response; the tests cause some on purpose
		 * and check what the page shows. Anything else (a policy violation, an
		 * exception) is a problem. */
		if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) problems.push(`${page.url()}: ${m.text()}`);
	});
	page.on('pageerror', (e) => problems.push(`${page.url()}: ${e.message}`));
	return page;
}

/* Waits until the page has its heading and nothing is loading. */
async function settled(page) {
	await page.locator('h1').first().waitFor();
	await page.waitForFunction(() => !document.querySelector('.loading'));
}

async function go(page, hash) {
	await page.goto(`${server.base}/${hash}`);
	await settled(page);
}

async function token(page) {
	return page.evaluate(() => JSON.parse(localStorage.getItem('rapport.session')).token);
}

/* The status code of a GET of Rapport's own API, with the page's token. */
async function probe(page, path) {
	return page.evaluate(async ([p, t]) => (await fetch(p, { headers: { Authorization: `Bearer ${t}` } })).status, [path, await token(page)]);
}

async function axe(page, name) {
	await page.evaluate(AXE);
	const found = await page.evaluate(async () => {
		const r = await window.axe.run(document, { resultTypes: ['violations'] });
		return r.violations
			.filter((v) => v.impact === 'serious' || v.impact === 'critical')
			.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
	});
	assert.deepEqual(found, [], `axe on ${name}`);
}

/* Screenshots of the page at both widths, and axe at both. */
async function capture(page, name) {
	const size = page.viewportSize();
	for (const [label, vp] of [['375', PHONE], ['1440', DESKTOP]]) {
		await page.setViewportSize(vp);
		await settled(page);
		await axe(page, `${name} at ${label} px`);
		await page.screenshot({ path: `${SHOTS}/${name}-${label}.png`, fullPage: true });
	}
	await page.setViewportSize(size);
}

async function signUp(page, username) {
	await go(page, '#/signup');
	await page.getByLabel('Username').fill(username);
	await page.getByLabel('Email').fill(`${username}@example.com`);
	await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
	await page.getByLabel('Password again').fill(PASSWORD);
	await page.getByLabel(/I agree/).check();
	await page.getByRole('button', { name: 'Create account' }).click();
	await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
}

async function follow(page, acct) {
	await go(page, `#/@${acct}`);
	await page.getByRole('button', { name: 'Follow', exact: true }).click();
	await page.getByRole('button', { name: 'Unfollow' }).waitFor();
}

/* A small PNG of one colour, made here (no binary is checked in). */
function png(w, h, rgb) {
	const crcTable = Array.from({ length: 256 }, (_, n) => {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		return c >>> 0;
	});
	const crc = (buf) => {
		let c = 0xffffffff;
		for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
		return (c ^ 0xffffffff) >>> 0;
	};
	const chunk = (type, data) => {
		const len = Buffer.alloc(4);
		len.writeUInt32BE(data.length);
		const body = Buffer.concat([Buffer.from(type), data]);
		const sum = Buffer.alloc(4);
		sum.writeUInt32BE(crc(body));
		return Buffer.concat([len, body, sum]);
	};
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(w, 0);
	ihdr.writeUInt32BE(h, 4);
	ihdr.set([8, 2, 0, 0, 0], 8);
	const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array(w).fill(rgb).flat())]);
	const raw = Buffer.concat(Array(h).fill(row));
	return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/* A token of an API-made user with the admin scopes (the web app asks for
 * them too; the role decides what they allow). */
async function erinToken(u) {
	const post = async (path, body) => {
		const r = await fetch(server.base + path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
		if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
		return r.json();
	};
	const scopes = 'read write follow admin:read admin:write';
	const app = await post('/api/v1/apps', { client_name: 'browser-tests', redirect_uris: 'urn:ietf:wg:oauth:2.0:oob', scopes });
	const t = await post('/oauth/token', { grant_type: 'password', client_id: app.client_id, client_secret: app.client_secret, username: `${u.name}@example.com`, password: PASSWORD, scope: scopes });
	return t.access_token;
}

describe('the web app', () => {
	before(async () => {
		mkdirSync(SHOTS, { recursive: true });
		server = await startServer();
		browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
	});

	after(async () => {
		await browser?.close();
		await server?.stop();
	});

	it('welcomes a visitor and sends them to sign in or sign up', async () => {
		const page = await newPage(DESKTOP);
		await go(page, '');
		await page.getByRole('button', { name: 'Sign in' }).waitFor();
		await capture(page, 'welcome');
		await page.getByRole('link', { name: 'Create an account' }).click();
		await page.getByRole('heading', { name: 'Create your account' }).waitFor();
		await capture(page, 'signup');
		await page.context().close();
	});

	it('two people sign up in the browser, one on a phone-sized screen', async () => {
		people.alice = await newPage(DESKTOP);
		await signUp(people.alice, 'alice');
		people.bob = await newPage(PHONE);
		await signUp(people.bob, 'bob');
		await go(people.bob, '#/settings');
		await people.bob.getByText('Signed in as @bob.').waitFor();
	});

	it('a failed request shows the error the API gave', async () => {
		const page = await newPage(DESKTOP);
		await signUp(page, 'someone');
		await page.getByRole('link', { name: 'Settings' }).click();
		await page.getByRole('button', { name: 'Sign out' }).click();
		await page.getByRole('button', { name: 'Sign in' }).waitFor();
		/* The same username again: the server's 422 and its message. */
		await go(page, '#/signup');
		await page.getByLabel('Username').fill('alice');
		await page.getByLabel('Email').fill('other@example.com');
		await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
		await page.getByLabel('Password again').fill(PASSWORD);
		await page.getByLabel(/I agree/).check();
		await page.getByRole('button', { name: 'Create account' }).click();
		const alert = page.getByRole('alert');
		await alert.waitFor();
		assert.match(await alert.innerText(), /422/);
		assert.match(await alert.innerText(), /taken|exists|use/i);
		await capture(page, 'signup-error');
		await page.context().close();
		/* A status that does not exist: the API's 404 "Record not found". */
		const a = people.alice;
		await go(a, '#/thread/1');
		const err = a.getByRole('alert');
		assert.match(await err.innerText(), /404/);
		assert.match(await err.innerText(), /not found/i);
		await capture(a, 'error');
	});

	it('a session whose token the server refuses ends with a message, not a page of errors', async () => {
		const page = await newPage(PHONE);
		await signUp(page, 'dora');
		await page.evaluate(() => {
			const s = JSON.parse(localStorage.getItem('rapport.session'));
			localStorage.setItem('rapport.session', JSON.stringify({ ...s, token: 'revoked-or-unknown' }));
		});
		await page.reload();
		await page.getByText('Your session has ended; please sign in again.').waitFor();
		await page.getByRole('button', { name: 'Sign in' }).waitFor();
		assert.equal(await page.evaluate(() => localStorage.getItem('rapport.session')), null);
		await page.context().close();
	});

	it('alice posts a picture: warned without alt text, then shown with it', async () => {
		const a = people.alice;
		await go(a, '#/home?tab=latest');
		await a.getByLabel('What would you like to talk about?').fill('The harbour tonight');
		await a.getByLabel('Add images, video or audio').setInputFiles({ name: 'harbour.png', mimeType: 'image/png', buffer: png(120, 80, [20, 60, 140]) });
		await a.getByRole('button', { name: 'Post', exact: true }).click();
		const warning = a.locator('.hint-alt');
		await warning.waitFor();
		assert.match(await warning.innerText(), /no description/);
		await a.getByLabel('Description of attachment 1 (alt text)').fill('Boats in the harbour at dusk');
		await capture(a, 'composer-media');
		await a.getByRole('button', { name: 'Post', exact: true }).click();
		const img = a.locator('.status', { hasText: 'The harbour tonight' }).first().getByRole('img', { name: 'Boats in the harbour at dusk' });
		await img.waitFor();
		await a.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle());
		assert.match(await img.getAttribute('src'), /\/media\/[0-9a-f]{64}\.webp$/);
	});

	it('they find and follow each other', async () => {
		const b = people.bob;
		await go(b, '#/search');
		await b.getByLabel('People, posts or #hashtags').fill('alice');
		await b.getByRole('button', { name: 'Search', exact: true }).click();
		await b.getByRole('heading', { name: 'People' }).waitFor();
		await capture(b, 'search');
		await b.getByRole('link', { name: /@alice/ }).click();
		await b.getByRole('heading', { level: 1, name: 'alice' }).waitFor();
		await b.getByRole('button', { name: 'Follow', exact: true }).click();
		await b.getByRole('button', { name: 'Unfollow' }).waitFor();
		await follow(people.alice, 'bob');
		await people.alice.getByText('You follow each other').waitFor();
	});

	it('alice posts, bob replies in place, and both read the thread', async () => {
		const a = people.alice;
		const b = people.bob;
		await go(a, '#/home?tab=latest');
		const box = a.getByLabel('What would you like to talk about?');
		await box.fill('Has anyone tried the new bike lanes downtown?');
		assert.match(await a.locator('.counter').innerText(), /^\d+ left$/);
		await a.getByRole('button', { name: 'Post', exact: true }).click();
		await a.locator('.status', { hasText: 'new bike lanes' }).first().waitFor();

		await go(b, '#/home?tab=latest');
		const post = b.locator('.status', { hasText: 'new bike lanes' }).first();
		await post.getByRole('button', { name: /^Reply/ }).click();
		const reply = b.getByRole('form', { name: 'Reply' });
		const text = reply.getByRole('textbox');
		assert.equal(await text.inputValue(), '@alice ');
		await text.pressSequentially('yes, this morning: calm and quick.');
		await capture(b, 'reply');
		await reply.getByRole('button', { name: 'Reply', exact: true }).click();
		await reply.waitFor({ state: 'detached' });

		await go(a, '#/notifications');
		await a.getByText('mentioned you').first().waitFor();
		await capture(a, 'notifications');
		await a.locator('.status', { hasText: 'calm and quick' }).getByRole('link', { name: /Open the thread/ }).click();
		await settled(a);
		/* The reply sits nested under the post it answers. */
		const nested = a.locator('.thread > li', { hasText: 'new bike lanes' }).locator('.replies .status', { hasText: 'calm and quick' });
		await nested.waitFor();
		await capture(a, 'thread');
	});

	it('home, notifications and threads update live from the stream', async () => {
		const a = people.alice;
		const b = people.bob;
		/* bob posts and replies through the API, with his page's token. */
		const bobPosts = async (body) =>
			b.evaluate(async ([tok, body]) => {
				const r = await fetch('/api/v1/statuses', {
					method: 'POST',
					headers: { Authorization: `Bearer ${tok}`, 'Content-Type': 'application/json' },
					body: JSON.stringify(body),
				});
				return (await r.json()).id;
			}, [await token(b), body]);
		const live = { timeout: 5000 };
		await go(a, '#/home?tab=latest');
		await a.waitForTimeout(500); /* the stream is open and subscribed */
		const id = await bobPosts({ status: 'Live from the stream: the lanes are open' });
		await a.locator('.status', { hasText: 'the lanes are open' }).waitFor(live);

		await go(a, '#/notifications');
		await a.waitForTimeout(500);
		await bobPosts({ status: '@alice are you riding tomorrow?' });
		await a.locator('.notification', { hasText: 'riding tomorrow' }).waitFor(live);

		await go(a, `#/thread/${id}`);
		await a.waitForTimeout(500);
		await bobPosts({ status: 'and the lights are synced', in_reply_to_id: id });
		await a.locator('.thread .replies .status', { hasText: 'lights are synced' }).waitFor(live);
	});

	it('Conversations shows the thread with why it is there', async () => {
		const a = people.alice;
		await go(a, '#/home?tab=conversations');
		assert.equal(await probe(a, '/api/rapport/v1/timelines/conversations'), 200);
		const item = a.locator('.status', { hasText: 'calm and quick' });
		await item.waitFor();
		/* bob answered alice: the feed says so (docs/SOCIAL.md, rapport.why). */
		assert.match(await item.locator('.why').innerText(), /replied to you/);
		await capture(a, 'home-conversations');
		await go(a, '#/home?tab=latest');
		await capture(a, 'home-latest');
	});

	it('a profile keeps your private "how we met" note and shows the social card', async () => {
		const a = people.alice;
		await go(a, '#/@bob');
		const note = a.getByLabel('How we met');
		await note.fill('Met at the bike co-op repair night.');
		await a.locator('form.note').getByRole('button', { name: 'Save' }).click();
		await a.getByText('Saved.').waitFor();
		await a.reload();
		await settled(a);
		assert.equal(await a.getByLabel('How we met').inputValue(), 'Met at the bike co-op repair night.');
		const bobId = await a.evaluate(async () => (await (await fetch('/api/v1/accounts/lookup?acct=bob')).json()).id);
		assert.equal(await probe(a, `/api/rapport/v1/accounts/${bobId}/social`), 200);
		await a.locator('svg.social-chart').waitFor();
		await capture(a, 'profile');
	});

	it("a stranger's direct message waits in requests until accepted", async () => {
		const carol = await apiUser(server.base, 'carol');
		await carol.post('/api/v1/statuses', { status: '@alice hello from a stranger', visibility: 'direct' });
		const a = people.alice;
		/* Not among her messages while it waits. */
		await go(a, '#/messages');
		assert.equal(await a.getByText('hello from a stranger').count(), 0);
		await go(a, '#/messages?tab=requests');
		assert.equal(await probe(a, '/api/v1/notifications/requests'), 200);
		const req = a.locator('.request', { hasText: 'carol' });
		await req.waitFor();
		await capture(a, 'messages-requests');
		await req.getByRole('button', { name: 'Accept' }).click();
		await req.waitFor({ state: 'detached' });
		await go(a, '#/messages');
		await a.getByText('hello from a stranger').first().waitFor();
		await capture(a, 'messages');
	});

	it('connections show each part; bob\'s reply waits for an answer', async () => {
		const a = people.alice;
		await go(a, '#/connections');
		for (const [path, title] of [
			['/api/rapport/v1/waiting', 'Waiting for you'],
			['/api/rapport/v1/connections/reconnect', 'Reconnect'],
			['/api/rapport/v1/connections/unknown', 'Followers you don’t know yet'],
		]) {
			const section = a.getByRole('region', { name: title });
			await section.waitFor();
			assert.equal(await probe(a, path), 200);
			assert.equal(await section.getByRole('alert').count(), 0);
		}
		/* bob's reply in alice's thread is unanswered. */
		await a.getByRole('region', { name: 'Waiting for you' }).locator('.status', { hasText: 'calm and quick' }).waitFor();
		await capture(a, 'connections');
	});

	it('settings change the profile; signing out and in again goes through OAuth with PKCE', async () => {
		const a = people.alice;
		await go(a, '#/settings');
		await a.getByLabel('Display name').fill('Alice Moreira');
		await a.getByLabel('About you').fill('Cyclist, baker, slow reader.');
		await a.locator('form').first().getByRole('button', { name: 'Save' }).click();
		await a.getByText('Saved.').waitFor();
		await capture(a, 'settings');
		await a.getByRole('button', { name: 'Sign out' }).click();
		await a.getByRole('button', { name: 'Sign in' }).click();
		/* The server's own sign-in page, then back to the app with a code. */
		await a.waitForURL(/\/oauth\/authorize/);
		const state = new URL(a.url()).searchParams;
		assert.equal(state.get('code_challenge_method'), 'S256');
		assert.match(state.get('code_challenge'), /^[A-Za-z0-9_-]{43}$/);
		await a.getByLabel('Email').fill('alice@example.com');
		await a.getByLabel('Password').fill(PASSWORD);
		await a.getByRole('button', { name: 'Authorize' }).click();
		await a.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
		assert.doesNotMatch(a.url(), /code=/, 'the code is not left in the address');
		await go(a, '#/settings');
		await a.getByText('Signed in as @alice.').waitFor();
	});

	it('speaks Portuguese and Spanish: from the browser, and switched by hand', async () => {
		const page = await newPage(PHONE, 'pt-BR');
		await go(page, '');
		await page.getByRole('button', { name: 'Entrar' }).waitFor();
		await page.getByLabel('Idioma').selectOption('es');
		await page.getByRole('button', { name: 'Iniciar sesión' }).waitFor();
		assert.equal(await page.evaluate(() => document.documentElement.lang), 'es');
		await page.context().close();
	});

	it('is keyboard navigable with a visible focus', async () => {
		const b = people.bob;
		await go(b, '#/home?tab=latest');
		await b.reload();
		await settled(b);
		await b.keyboard.press('Tab');
		const first = await b.evaluate(() => ({ html: document.activeElement?.outerHTML.slice(0, 200), text: document.activeElement?.textContent, outline: getComputedStyle(document.activeElement).outlineStyle }));
		assert.equal(first.text, 'Skip to content', first.html);
		assert.notEqual(first.outline, 'none');
		await b.keyboard.press('Enter');
		assert.equal(await b.evaluate(() => document.activeElement?.id), 'main');
		/* Tabs move with the arrow keys. */
		await b.getByRole('tab', { name: 'Latest' }).focus();
		await b.keyboard.press('ArrowLeft');
		await b.waitForFunction(() => location.hash.includes('tab=conversations'));
		assert.equal(await b.evaluate(() => document.activeElement?.getAttribute('role')), 'tab');
	});

	it('alice reports a post; a moderator finds it in the queue and resolves it', async () => {
		const dave = await apiUser(server.base, 'dave');
		await dave.post('/api/v1/statuses', { status: 'Buy cheap followers at my shop' });
		const a = people.alice;
		await go(a, '#/@dave');
		assert.equal(await a.getByRole('link', { name: 'Moderation' }).count(), 0, 'no moderation link for a user');
		const post = a.locator('article', { hasText: 'Buy cheap followers' });
		await post.getByRole('button', { name: 'Report' }).click();
		const form = a.getByRole('form', { name: /Report/ });
		await form.getByLabel('Spam').check();
		await form.getByLabel('Anything the moderators should know').fill('sells followers');
		await capture(a, 'report');
		await form.getByRole('button', { name: 'Send report' }).click();
		await a.getByText('the moderators will look at your report about dave').waitFor();

		/* Erin becomes a moderator on the command line and signs in. */
		const erin = await apiUser(server.base, 'erin');
		execFileSync(server.bin, ['user', 'role', 'erin', 'moderator', '--data', server.data]);
		const m = await newPage(DESKTOP);
		await go(m, '');
		await m.evaluate(async ([tok]) => {
			const me = await (await fetch('/api/v1/accounts/verify_credentials', { headers: { Authorization: `Bearer ${tok}` } })).json();
			localStorage.setItem('rapport.session', JSON.stringify({ token: tok, me }));
		}, [await erinToken(erin)]);
		await m.goto(`${server.base}/#/home`);
		await m.reload();
		await settled(m);
		await m.getByRole('link', { name: 'Moderation' }).click();
		await m.getByRole('heading', { level: 1, name: 'Moderation' }).waitFor();
		await settled(m);
		const report = m.locator('.mod-report', { hasText: 'sells followers' });
		await report.waitFor();
		await report.getByText('Buy cheap followers').waitFor();
		await capture(m, 'moderation-queue');
		await report.getByRole('button', { name: 'Resolve' }).click();
		await report.waitFor({ state: 'detached' });
		await m.getByText('No open reports.').waitFor();
		/* The audit log has it, and a moderator has no domain blocks tab. */
		assert.equal(await m.getByRole('tab', { name: 'Domain blocks' }).count(), 0);
		await m.getByRole('tab', { name: 'Audit log' }).click();
		await m.getByRole('cell', { name: 'resolve_report' }).waitFor();
		await capture(m, 'moderation-audit');
	});

	it('loads at most 100 KB of gzipped JavaScript for the first view', () => {
		const web = resolve(import.meta.dirname, '../../..', process.env.RAPPORT_WEB_DIR ?? 'build/web');
		const html = readFileSync(`${web}/index.html`, 'utf8');
		const scripts = [...html.matchAll(/<script[^>]*\ssrc="\/([^"]+)"/g)].map((m) => m[1]);
		assert.ok(scripts.length > 0, 'index.html loads a script');
		assert.doesNotMatch(html, /<script(?![^>]*\ssrc=)[^>]*>/, 'no inline script');
		const bytes = scripts.reduce((n, f) => n + statSync(`${web}/${f}.gz`).size, 0);
		assert.ok(bytes <= 100 * 1024, `${bytes} bytes of gzipped JavaScript`);
		for (const f of scripts) assert.match(f, /^assets\/[\w-]+-[\w-]{8}\.js$/, 'a hashed name');
	});

	it('logged no script or policy errors', () => {
		assert.deepEqual(problems, []);
	});
});
