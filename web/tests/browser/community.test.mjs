/* Running a community, in Debian's Chromium against the real server: a
 * warning from a moderator shows as a notice and on "Your account's
 * standing"; an uploaded Mastodon archive gets its social-health report
 * (and a file that is none, the server's reason); the owner's instance
 * health. axe-core finds no serious or critical violation; screenshots at
 * 375 and 1440 px. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
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
const SCOPES = 'read write follow admin:read admin:write';
const ME = 'https://example.social/users/me';

let server;
let browser;
const problems = [];

async function settled(p) {
	await p.locator('h1').first().waitFor();
	await p.waitForFunction(() => !document.querySelector('.loading'));
}

async function capture(p, name) {
	for (const [label, vp] of [['375', PHONE], ['1440', DESKTOP]]) {
		await p.setViewportSize(vp);
		await settled(p);
		await p.evaluate(AXE);
		const found = await p.evaluate(async () => {
			const r = await window.axe.run(document, { resultTypes: ['violations'] });
			return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
		});
		assert.deepEqual(found, [], `axe on ${name} at ${label} px`);
		await p.screenshot({ path: `${SHOTS}/${name}-${label}.png`, fullPage: true });
	}
	await p.setViewportSize(DESKTOP);
}

/* A token of the web app's scopes, by the password grant. */
async function appToken(name) {
	const post = async (path, body) => {
		const r = await fetch(server.base + path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
		if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
		return r.json();
	};
	const app = await post('/api/v1/apps', { client_name: 'browser-tests', redirect_uris: 'urn:ietf:wg:oauth:2.0:oob', scopes: SCOPES });
	const t = await post('/oauth/token', { grant_type: 'password', client_id: app.client_id, client_secret: app.client_secret, username: `${name}@example.com`, password: PASSWORD, scope: SCOPES });
	return t.access_token;
}

/* A page signed in as name (the session the app keeps). */
async function signedIn(name) {
	const context = await browser.newContext({ viewport: DESKTOP, locale: 'en-US' });
	const p = await context.newPage();
	p.on('console', (m) => {
		if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) problems.push(`${p.url()}: ${m.text()}`);
	});
	p.on('pageerror', (e) => problems.push(`${p.url()}: ${e.message}`));
	const tok = await appToken(name);
	await p.goto(`${server.base}/#/welcome`);
	await p.evaluate(async ([t]) => {
		const me = await (await fetch('/api/v1/accounts/verify_credentials', { headers: { Authorization: `Bearer ${t}` } })).json();
		localStorage.setItem('rapport.session', JSON.stringify({ token: t, me }));
	}, [tok]);
	await p.goto(`${server.base}/#/home`);
	await p.reload();
	await settled(p);
	return { page: p, token: tok };
}

function outbox() {
	const note = (i, day, content, reply) => ({
		id: `${ME}/statuses/${i}/activity`, type: 'Create', actor: ME, published: `2026-03-0${day}T10:00:00Z`,
		object: { id: `${ME}/statuses/${i}`, type: 'Note', content, inReplyTo: reply ?? null, published: `2026-03-0${day}T10:00:00Z`, tag: [] },
	});
	const items = [note(1, 2, '<p>hello all</p>'), note(2, 3, '<p>good point</p>', 'https://example.social/users/bob/statuses/9')];
	return JSON.stringify({ '@context': 'https://www.w3.org/ns/activitystreams', type: 'OrderedCollection', totalItems: 2, orderedItems: items });
}

describe('running a community', () => {
	let owner;
	let gina;

	before(async () => {
		mkdirSync(SHOTS, { recursive: true });
		server = await startServer();
		browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
		await apiUser(server.base, 'olga');
		execFileSync(server.bin, ['user', 'role', 'olga', 'owner', '--data', server.data]);
		const g = await apiUser(server.base, 'gina');
		await g.post('/api/v1/statuses', { status: 'a question for everyone?' });
		owner = await signedIn('olga');
		gina = await signedIn('gina');
	});

	after(async () => {
		await browser?.close();
		await server?.stop();
	});

	it("a warning shows as a notice and on the account's standing page", async () => {
		const p = gina.page;
		await p.goto(`${server.base}/#/settings/standing`);
		await settled(p);
		await p.getByText('Your account is in good standing').waitFor();
		const me = await (await fetch(`${server.base}/api/v1/accounts/verify_credentials`, { headers: { Authorization: `Bearer ${gina.token}` } })).json();
		const r = await fetch(`${server.base}/api/v1/admin/accounts/${me.id}/action`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${owner.token}` },
			body: JSON.stringify({ type: 'none', text: 'Please keep it civil' }),
		});
		assert.equal(r.status, 200, await r.text());
		await p.goto(`${server.base}/#/home`);
		await settled(p);
		const notice = p.locator('.warning-notice');
		await notice.getByText('The moderators have taken an action on your account: a warning.').waitFor();
		await notice.getByRole('link', { name: "Your account's standing" }).click();
		await p.getByRole('heading', { level: 1, name: "Your account's standing" }).waitFor();
		await p.getByText('Please keep it civil').waitFor();
		await capture(p, 'standing');
		await p.goto(`${server.base}/#/notifications`);
		await settled(p);
		await p.getByText('received a warning from the moderators').waitFor();
		/* Dismissed, the notice stays away. */
		await p.goto(`${server.base}/#/home`);
		await settled(p);
		await p.locator('.warning-notice').getByRole('button', { name: 'Dismiss' }).click();
		await p.reload();
		await settled(p);
		assert.equal(await p.locator('.warning-notice').count(), 0);
	});

	it('an uploaded archive gets its social-health report', async () => {
		const p = gina.page;
		await p.goto(`${server.base}/#/settings`);
		await settled(p);
		await p.getByRole('link', { name: 'Audit an archive' }).click();
		await p.getByRole('heading', { level: 1, name: 'Audit an archive' }).waitFor();
		await p.getByLabel('Archive file').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('just some text') });
		await p.getByRole('button', { name: 'Read the archive' }).click();
		await p.getByRole('alert').getByText(/neither a Mastodon archive/).waitFor();
		await p.getByLabel('Archive file').setInputFiles({ name: 'outbox.json', mimeType: 'application/json', buffer: Buffer.from(outbox()) });
		await p.getByRole('button', { name: 'Read the archive' }).click();
		const report = p.getByRole('region', { name: 'The report of your Mastodon archive' });
		await report.waitFor();
		assert.equal(await p.getByRole('alert').count(), 0);
		assert.equal(await report.locator('dt:text-is("Posts") + dd').textContent(), '2');
		assert.equal(await report.locator('dt:text-is("Replies among your posts") + dd').textContent(), '50 %');
		await capture(p, 'audit');
		const [file] = await Promise.all([p.waitForEvent('download'), report.getByRole('link', { name: /Download the full report/ }).click()]);
		assert.equal(file.suggestedFilename(), 'report.html');
		assert.match(readFileSync(await file.path(), 'utf8'), /^<!DOCTYPE html>[\s\S]*<svg/);
	});

	it("the owner sees the instance's health; a user has no such tab", async () => {
		const p = owner.page;
		await p.getByRole('link', { name: 'Moderation' }).click();
		await p.getByRole('heading', { level: 1, name: 'Moderation' }).waitFor();
		await p.getByRole('tab', { name: 'Instance health' }).click();
		await p.getByRole('heading', { name: 'Conversations among posts' }).waitFor();
		await p.getByText('0 % of the 1 post of the last 30 days was a conversation.').waitFor();
		await p.getByRole('img', { name: 'Detector flags per day, the last 30 days' }).waitFor();
		const trust = p.getByRole('table').filter({ has: p.getByRole('columnheader', { name: 'Trust' }) });
		assert.equal(await trust.getByRole('row').count(), 7, 'a header and six buckets');
		await capture(p, 'instance-health');
		assert.equal(await gina.page.getByRole('link', { name: 'Moderation' }).count(), 0);
	});

	it('the owner keeps the rules, blocks a domain, approves a sign-up and acts on an account; gina reports an account from its profile', async () => {
		const p = owner.page;
		const admin = async (method, path, body) => {
			const r = await fetch(server.base + path, { method, headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${owner.token}` }, body: body && JSON.stringify(body) });
			const text = await r.text();
			assert.ok(r.ok, `${path}: ${r.status} ${text}`);
			return JSON.parse(text);
		};
		await p.goto(`${server.base}/#/moderation`);
		await p.getByRole('heading', { level: 1, name: 'Moderation' }).waitFor();
		await p.getByRole('tab', { name: 'Rules' }).click();
		await p.getByLabel('New rule').fill('Be kind to newcomers');
		await p.getByRole('button', { name: 'Add', exact: true }).click();
		await p.getByRole('listitem').getByText('Be kind to newcomers').waitFor();
		await p.getByRole('tab', { name: 'Domain blocks' }).click();
		await p.getByLabel('Domain to block').fill('spam.example');
		await p.getByRole('button', { name: 'Add', exact: true }).click();
		await p.getByText('spam.example (suspend)').waitFor();
		assert.deepEqual((await admin('GET', '/api/v1/admin/domain_blocks')).map((b) => b.domain), ['spam.example']);
		/* A sign-up waits for approval with its reason. */
		await admin('PUT', '/api/rapport/v1/admin/instance', { registrations_mode: 'approved' });
		const app = await (await fetch(`${server.base}/api/v1/apps`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ client_name: 'x', redirect_uris: 'urn:ietf:wg:oauth:2.0:oob', scopes: 'read write' }) })).json();
		const tok = await (await fetch(`${server.base}/oauth/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ grant_type: 'client_credentials', client_id: app.client_id, client_secret: app.client_secret, scope: 'read write' }) })).json();
		const r = await fetch(`${server.base}/api/v1/accounts`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${tok.access_token}` },
			body: JSON.stringify({ username: 'hank', email: 'hank@example.com', password: PASSWORD, agreement: true, locale: 'en', reason: 'I run the bakery' }),
		});
		assert.equal(r.status, 200, await r.text());
		await p.getByRole('tab', { name: 'Sign-ups' }).click();
		const pending = p.locator('li.card', { hasText: 'I run the bakery' });
		await pending.waitFor();
		await capture(p, 'moderation-signups');
		await pending.getByRole('button', { name: 'Approve' }).click();
		await p.getByText('Nobody is waiting for approval.').waitFor();
		await admin('PUT', '/api/rapport/v1/admin/instance', { registrations_mode: 'open' });
		/* gina reports hank from his profile, citing the rule. */
		const g = gina.page;
		await g.goto(`${server.base}/#/@hank`);
		await settled(g);
		await g.getByRole('button', { name: 'Report this account' }).click();
		const form = g.getByRole('form', { name: /Report/ });
		await form.getByLabel('It breaks the server’s rules').check();
		await form.getByLabel('Be kind to newcomers').check();
		await form.getByLabel('Anything the moderators should know').fill('rude to new people');
		await form.getByRole('button', { name: 'Send report' }).click();
		await g.getByText('the moderators will look at your report about hank').waitFor();
		const reports = await admin('GET', '/api/v1/admin/reports');
		const rep = reports.find((x) => x.target_account.username === 'hank');
		assert.equal(rep.category, 'violation');
		assert.deepEqual(rep.rules.map((x) => x.text), ['Be kind to newcomers']);
		/* The owner finds hank and silences him with a reason; the pill says so. */
		await p.getByRole('tab', { name: 'Accounts' }).click();
		await p.getByLabel('Find accounts by username').fill('hank');
		await p.getByLabel('Find accounts by username').press('Enter');
		const row = p.locator('li.card', { hasText: '@hank' });
		await row.waitFor();
		await row.getByLabel('Action').selectOption({ label: 'Silence' });
		await row.getByLabel('Reason told to them').fill('Please be kind');
		await row.getByRole('button', { name: 'Apply' }).click();
		await row.getByText('silenced', { exact: true }).waitFor();
		await capture(p, 'moderation-accounts');
		const hank = (await admin('GET', '/api/v2/admin/accounts?username=hank'))[0];
		assert.equal(hank.silenced, true);
		await p.getByRole('tab', { name: 'Audit log' }).click();
		for (const a of ['create_rule', 'create_domain_block', 'approve_account', 'silence_account'])
			await p.getByRole('cell', { name: a, exact: true }).waitFor();
	});

	it('logged no script or policy errors', () => {
		assert.deepEqual(problems, []);
	});
});
