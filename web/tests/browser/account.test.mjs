/* The account pages in Debian's Chromium against the real server: the
 * password page (a wrong current password and two different new ones are
 * refused with a message; a change keeps this session and ends the
 * others), the apps signed in, and deleting the account. axe-core finds no
 * serious or critical violation; screenshots at 375 and 1440 px. */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium } from 'playwright-core';
import { startServer } from './server.mjs';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const SHOTS = resolve(import.meta.dirname, '../../..', process.env.SCREENSHOT_DIR ?? 'build/screenshots');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const PHONE = { width: 375, height: 812 };
const DESKTOP = { width: 1440, height: 900 };
const PASSWORD = 'correct horse battery';
const NEW_PASSWORD = 'a much better passphrase';

let server;
let browser;
let page;
const problems = [];

async function settled(p) {
	await p.locator('h1').first().waitFor();
	await p.waitForFunction(() => !document.querySelector('.loading'));
}

async function go(hash) {
	await page.goto(`${server.base}/${hash}`);
	await settled(page);
}

async function capture(name) {
	for (const [label, vp] of [['375', PHONE], ['1440', DESKTOP]]) {
		await page.setViewportSize(vp);
		await settled(page);
		await page.evaluate(AXE);
		const found = await page.evaluate(async () => {
			const r = await window.axe.run(document, { resultTypes: ['violations'] });
			return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
		});
		assert.deepEqual(found, [], `axe on ${name} at ${label} px`);
		await page.screenshot({ path: `${SHOTS}/${name}-${label}.png`, fullPage: true });
	}
}

/* A token from the password grant: another session of the same person. */
async function otherSession(password) {
	const form = (o) => ({ method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(o) });
	const app = await (await fetch(`${server.base}/api/v1/apps`, form({ client_name: 'phone', redirect_uris: 'urn:ietf:wg:oauth:2.0:oob', scopes: 'read write' }))).json();
	const r = await fetch(`${server.base}/oauth/token`, form({ grant_type: 'password', client_id: app.client_id, client_secret: app.client_secret, username: 'carol@example.com', password, scope: 'read write' }));
	assert.equal(r.status, 200);
	return (await r.json()).access_token;
}

async function works(token) {
	return (await fetch(`${server.base}/api/v1/accounts/verify_credentials`, { headers: { Authorization: `Bearer ${token}` } })).status;
}

describe('the account pages', () => {
	before(async () => {
		mkdirSync(SHOTS, { recursive: true });
		server = await startServer();
		browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
		const context = await browser.newContext({ viewport: DESKTOP, locale: 'en-US' });
		page = await context.newPage();
		page.on('console', (m) => {
			if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) problems.push(m.text());
		});
		page.on('pageerror', (e) => problems.push(e.message));
		await go('#/signup');
		await page.getByLabel('Username').fill('carol');
		await page.getByLabel('Email').fill('carol@example.com');
		await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
		await page.getByLabel('Password again').fill(PASSWORD);
		await page.getByLabel(/I agree/).check();
		await page.getByRole('button', { name: 'Create account' }).click();
		await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
	});

	after(async () => {
		await browser?.close();
		await server?.stop();
	});

	it('the password page refuses a wrong password, then changes it and ends the other sessions', async () => {
		const phone = await otherSession(PASSWORD);
		await go('#/settings');
		await page.getByRole('link', { name: 'Change password' }).click();
		await page.getByRole('heading', { level: 1, name: 'Change password' }).waitFor();
		await capture('password');
		const form = page.locator('form', { has: page.getByRole('heading', { name: 'Change password' }) });
		await page.getByLabel('Current password').fill('not my password');
		await page.getByLabel('New password (8 to 128 characters)').fill(NEW_PASSWORD);
		await page.getByLabel('New password again').fill(NEW_PASSWORD + '!');
		await form.getByRole('button', { name: 'Change password' }).click();
		await form.getByRole('alert').getByText('The two new passwords are not the same.').waitFor();
		await page.getByLabel('New password again').fill(NEW_PASSWORD);
		await form.getByRole('button', { name: 'Change password' }).click();
		await form.getByRole('alert').getByText('the password is incorrect').waitFor();
		assert.equal(await works(phone), 200, 'nothing changed yet');
		await page.getByLabel('Current password').fill(PASSWORD);
		await form.getByRole('button', { name: 'Change password' }).click();
		await page.getByText('Password changed. Other sessions were signed out.').waitFor();
		assert.equal(await form.getByRole('alert').count(), 0);
		assert.equal(await works(phone), 401, 'the other session ended');
		/* This session goes on. */
		await go('#/home');
		await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
		assert.equal(await works(await otherSession(NEW_PASSWORD)), 200);
	});

	it('the account page lists the apps signed in and deletes the account', async () => {
		await go('#/settings/account');
		await page.getByText('Your e-mail is carol@example.com.').waitFor();
		const apps = page.getByRole('region', { name: 'Apps signed in' });
		await apps.getByText('this app').waitFor();
		assert.equal(await apps.getByRole('listitem').count(), 2);
		await apps.getByRole('button', { name: 'Sign out phone' }).click();
		await apps.getByRole('button', { name: 'Sign out phone' }).waitFor({ state: 'detached' });
		assert.equal(await apps.getByRole('listitem').count(), 1);
		/* Your data: an export downloads as Mastodon's file; an import says what it skipped. */
		const data = page.getByRole('region', { name: 'Your data' });
		const [file] = await Promise.all([page.waitForEvent('download'), data.getByRole('button', { name: 'Download following_accounts.csv' }).click()]);
		assert.equal(file.suggestedFilename(), 'following_accounts.csv');
		const [zip] = await Promise.all([page.waitForEvent('download'), data.getByRole('button', { name: 'Download archive.zip' }).click()]);
		assert.equal(zip.suggestedFilename(), 'archive.zip');
		const bytes = readFileSync(await zip.path());
		assert.equal(bytes.subarray(0, 2).toString(), 'PK', 'a zip file');
		await page.getByLabel('CSV file').setInputFiles({ name: 'follows.csv', mimeType: 'text/csv', buffer: Buffer.from('Account address\nnobody@elsewhere.example\n') });
		await data.getByRole('button', { name: 'Import', exact: true }).click();
		await data.getByText('Imported 0, skipped 1.').waitFor();
		await data.getByText('Line 2: nobody@elsewhere.example — not on this server').waitFor();
		/* Domain blocks and bookmarks import too. */
		await data.getByLabel('What the file holds').selectOption({ label: 'Blocked domains' });
		await page.getByLabel('CSV file').setInputFiles({ name: 'blocked_domains.csv', mimeType: 'text/csv', buffer: Buffer.from('spam.example\n') });
		await data.getByRole('button', { name: 'Import', exact: true }).click();
		await data.getByText('Imported 1, skipped 0.').waitFor();
		const blocked = await page.evaluate(async () => {
			const { token } = JSON.parse(localStorage.getItem('rapport.session'));
			return (await fetch('/api/v1/domain_blocks', { headers: { Authorization: `Bearer ${token}` } })).json();
		});
		assert.deepEqual(blocked, ['spam.example']);
		await capture('account');
		const del = page.getByRole('button', { name: 'Delete my account' });
		assert.equal(await del.isDisabled(), true, 'not before saying it is understood');
		await page.getByLabel('Current password', { exact: true }).last().fill(NEW_PASSWORD);
		await page.getByLabel('I understand that this cannot be undone.').check();
		await del.click();
		await page.getByText('Your account was deleted.').waitFor();
		const r = await fetch(`${server.base}/api/v1/accounts/lookup?acct=carol`);
		assert.equal(r.status, 410, 'the handle of a deleted account is gone');
	});

	it('logged no script or policy errors', () => {
		assert.deepEqual(problems, []);
	});
});
