/* Polls and link cards in the web app, in Debian's Chromium against the
 * real binary: alice writes a poll in the composer, bob votes in it and
 * sees the results with his choice marked, alice's link gets its preview
 * card (from a page this test serves on 127.0.0.1; the server may fetch
 * loopback only because the test says so), axe on both views, and no
 * script or policy errors. */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium } from 'playwright-core';
import { apiUser, startServer } from './server.mjs';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = resolve(import.meta.dirname, '../../..', process.env.SCREENSHOT_DIR ?? 'build/screenshots');

async function shot(page, name) {
	mkdirSync(SHOTS, { recursive: true });
	await page.screenshot({ path: `${SHOTS}/${name}.png` });
}

let server;
let pages;
let pagesBase;
let browser;
const problems = [];
const people = {};

async function signedIn(user) {
	const me = await (await fetch(`${server.base}/api/v1/accounts/verify_credentials`, { headers: { Authorization: `Bearer ${user.token}` } })).json();
	const context = await browser.newContext({ viewport: { width: 1024, height: 900 }, locale: 'en-US' });
	await context.addInitScript((s) => localStorage.setItem('rapport.session', s), JSON.stringify({ token: user.token, me }));
	const page = await context.newPage();
	page.on('console', (m) => {
		if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) problems.push(`${page.url()}: ${m.text()}`);
	});
	page.on('pageerror', (e) => problems.push(`${page.url()}: ${e.message}`));
	return { page, me, ...user };
}

/* Loads the app at hash afresh (a reload: going to the same hash again
 * would not fetch anything). */
async function go(page, hash) {
	await page.goto(`${server.base}/${hash}`);
	await page.reload();
	await page.locator('h1').first().waitFor();
	await page.waitForFunction(() => !document.querySelector('.loading'));
}

async function axe(page, name) {
	await page.evaluate(AXE);
	const found = await page.evaluate(async () => {
		const r = await window.axe.run(document, { resultTypes: ['violations'] });
		return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
	});
	assert.deepEqual(found, [], `axe on ${name}`);
}

describe('polls and link cards in the web app', () => {
	before(async () => {
		pages = createServer((req, res) => {
			res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
			res.end('<html><head><meta property="og:title" content="Bike lanes &amp; you"><meta property="og:description" content="<b>Not bold</b>"><meta property="og:site_name" content="City News"></head></html>');
		});
		await new Promise((ok) => pages.listen(0, '127.0.0.1', ok));
		pagesBase = `http://127.0.0.1:${pages.address().port}`;
		server = await startServer({ RAPPORT_FETCH_ALLOW_LOOPBACK: '1' });
		browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
		const alice = await apiUser(server.base, 'alice');
		const bob = await apiUser(server.base, 'bob');
		people.alice = await signedIn(alice);
		people.bob = await signedIn(bob);
		await bob.post(`/api/v1/accounts/${people.alice.me.id}/follow`, {});
	});
	after(async () => {
		await browser?.close();
		await server?.stop();
		await new Promise((ok) => pages.close(ok));
	});

	it('alice writes a poll in the composer', async () => {
		const a = people.alice.page;
		await go(a, '#/home?tab=latest');
		await a.getByLabel('What would you like to talk about?').fill('Tea or coffee this afternoon?');
		await a.getByRole('button', { name: 'Add a poll' }).click();
		const post = a.getByRole('button', { name: 'Post', exact: true });
		assert.equal(await post.isDisabled(), true); /* two empty choices */
		await a.getByLabel('Choice 1', { exact: true }).fill('Tea');
		await a.getByLabel('Choice 2', { exact: true }).fill('Coffee');
		await a.getByRole('button', { name: 'Add a choice' }).click();
		await a.getByLabel('Choice 3', { exact: true }).fill('Tea');
		await a.getByText('Each choice must be different.').waitFor();
		await a.getByRole('button', { name: 'Remove choice 3' }).click();
		await axe(a, 'the composer with a poll');
		await shot(a, 'poll-composer');
		await post.click();
		const status = a.locator('.status', { hasText: 'Tea or coffee' }).first();
		/* the author sees the results, not the buttons */
		await status.locator('.poll-results').waitFor();
		assert.match(await status.locator('.poll-foot').innerText(), /0 people/);
	});

	it('bob votes and sees the results with his choice', async () => {
		const b = people.bob.page;
		await go(b, '#/home?tab=latest');
		const status = b.locator('.status', { hasText: 'Tea or coffee' }).first();
		const vote = status.getByRole('button', { name: 'Vote' });
		assert.equal(await vote.isDisabled(), true);
		await status.getByLabel('Coffee', { exact: true }).check();
		await axe(b, 'a poll to vote in');
		await vote.click();
		const results = status.locator('.poll-results');
		await results.waitFor();
		const coffee = results.locator('li', { hasText: 'Coffee' });
		assert.match(await coffee.innerText(), /100%/);
		assert.match(await coffee.innerText(), /your choice/);
		assert.match(await results.locator('li', { hasText: 'Tea' }).innerText(), /0%/);
		/* the server agrees, after a reload */
		await go(b, '#/home?tab=latest');
		await b.locator('.status', { hasText: 'Tea or coffee' }).first().locator('.poll-results li', { hasText: 'Coffee' }).getByText('your choice').waitFor();
		await axe(b, 'poll results');
		await shot(b, 'poll-results');
	});

	it("a link gets its preview card, the page's markup shown as text", async () => {
		await people.alice.post('/api/v1/statuses', { status: `Read this: ${pagesBase}/lanes` });
		const b = people.bob.page;
		let card;
		for (let i = 0; i < 50; i++) {
			await go(b, '#/home?tab=latest');
			card = b.locator('.status', { hasText: 'Read this' }).first().locator('.link-card');
			if (await card.count()) break;
			await new Promise((r) => setTimeout(r, 200));
		}
		if (!(await card.count())) {
			const home = await (await fetch(`${server.base}/api/v1/timelines/home`, { headers: { Authorization: `Bearer ${people.bob.token}` } })).json();
			assert.fail(`no card: ${JSON.stringify(home.map((s) => [s.content, s.card]))}`);
		}
		assert.equal(await card.locator('.link-card-title').innerText(), 'Bike lanes & you');
		assert.equal(await card.locator('.link-card-desc').innerText(), '<b>Not bold</b>');
		assert.equal(await card.locator('b').count(), 0);
		assert.equal(await card.getAttribute('href'), `${pagesBase}/lanes`);
		await axe(b, 'a link card');
		await shot(b, 'link-card');
	});

	it('logged no script or policy errors', () => {
		assert.deepEqual(problems, []);
	});
});
