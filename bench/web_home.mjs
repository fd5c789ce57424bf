/* make bench: how soon the web app's home shows its first statuses, in
 * Debian's chromium driven by playwright-core, against the server bench/
 * run.sh started on the seeded store. A figure, not a test.
 *   node bench/web_home.mjs BASE_URL TOKENS_FILE OUT_JSON [LOADS]
 * Signs in as the first seeded account with a token (as the app stores its
 * session), then loads /#/home?tab=latest LOADS times (10): the first with
 * an empty browser cache, the others warm. For each load: the navigation
 * timing (response end, DOMContentLoaded, load) and the moment the first
 * status was in the page, from navigation start, read by a MutationObserver
 * installed before the page's own scripts. The goal: first statuses within
 * 1 s of navigation. */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

const require = createRequire(resolve(import.meta.dirname, '../web/package.json'));
const { chromium } = require('playwright-core');

const [base, tokensFile, outFile, loadsArg] = process.argv.slice(2);
if (!base || !tokensFile || !outFile) {
	console.error('usage: node bench/web_home.mjs BASE_URL TOKENS_FILE OUT_JSON [LOADS]');
	process.exit(2);
}
const loads = Number(loadsArg ?? 10);
/* Lines "account_id<TAB>username<TAB>token<TAB>followers" (rapport seed --tokens). */
const token = readFileSync(tokensFile, 'utf8').split('\n').find((l) => l.trim()).split('\t')[2];
const me = await (await fetch(`${base}/api/v1/accounts/verify_credentials`, { headers: { Authorization: `Bearer ${token}` } })).json();
if (!me.id) throw new Error(`the seeded token does not work: ${JSON.stringify(me)}`);

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
await context.addInitScript(
	([session]) => {
		localStorage.setItem('rapport.session', session);
		localStorage.setItem('rapport.homeTab', 'latest');
		new MutationObserver((_, obs) => {
			if (document.querySelector('.status')) {
				window.__firstStatus = performance.now();
				obs.disconnect();
			}
		}).observe(document, { childList: true, subtree: true });
	},
	[JSON.stringify({ token, me })],
);
const page = await context.newPage();
const runs = [];
for (let i = 0; i < loads; i++) {
	await page.goto(`${base}/?run=${i}#/home?tab=latest`, { waitUntil: 'load' });
	await page.waitForFunction(() => window.__firstStatus !== undefined, null, { timeout: 30_000 });
	runs.push(
		await page.evaluate(() => {
			const n = performance.getEntriesByType('navigation')[0];
			return {
				response_end_ms: Math.round(n.responseEnd),
				dom_content_loaded_ms: Math.round(n.domContentLoadedEventEnd),
				load_ms: Math.round(n.loadEventEnd),
				first_status_ms: Math.round(window.__firstStatus),
				statuses: document.querySelectorAll('.status').length,
				transferred_bytes: performance.getEntriesByType('resource').reduce((s, r) => s + (r.transferSize || 0), n.transferSize || 0),
			};
		}),
	);
}
await browser.close();

const warm = runs.slice(1).map((r) => r.first_status_ms).sort((a, b) => a - b);
const median = warm.length ? warm[Math.floor(warm.length / 2)] : runs[0].first_status_ms;
const result = {
	name: 'web_home',
	cold_first_status_ms: runs[0].first_status_ms,
	warm_median_first_status_ms: median,
	warm_max_first_status_ms: warm.length ? warm[warm.length - 1] : runs[0].first_status_ms,
	cold_transferred_bytes: runs[0].transferred_bytes,
	goal_ms: 1000,
	runs,
};
writeFileSync(outFile, JSON.stringify(result, null, 2));
console.log(`  web_home: first statuses ${result.cold_first_status_ms} ms cold, ${median} ms warm (median of ${warm.length}); goal <= 1000 ms`);
