/* Starts the real server binary for the browser tests: a free 127.0.0.1
 * port, a fresh data directory, the built app (RAPPORT_WEB_DIR). stop()
 * sends SIGTERM and fails if the server did not exit 0 or its log has a
 * sanitizer report. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../../..');

function freePort() {
	return new Promise((ok, fail) => {
		const s = createServer();
		s.on('error', fail);
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => ok(port));
		});
	});
}

export async function startServer(env = {}) {
	const bin = resolve(root, process.env.RAPPORT_BIN ?? 'build/rapport');
	const webDir = resolve(root, process.env.RAPPORT_WEB_DIR ?? 'build/web');
	const dir = mkdtempSync(join(tmpdir(), 'rapport-web-'));
	const port = await freePort();
	const base = `http://127.0.0.1:${port}`;
	const logFile = join(dir, 'server.log');
	const { openSync } = await import('node:fs');
	const log = openSync(logFile, 'w');
	const child = spawn(bin, ['serve', '--data', join(dir, 'data'), '--listen', `127.0.0.1:${port}`, '--domain', `127.0.0.1:${port}`], {
		env: {
			...process.env,
			RAPPORT_WEB_DIR: webDir,
			RAPPORT_LOGIN_LIMIT: '100000',
			RAPPORT_RATE_LIMIT: '0',
			RAPPORT_SIGNUP_LIMIT: '100000',
			ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=0:exitcode=23',
			UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1',
			...env,
		},
		stdio: ['ignore', log, log],
	});
	let exited = null;
	const done = new Promise((ok) => child.on('exit', (code, signal) => ok((exited = { code, signal }))));
	for (let i = 0; i < 200 && !exited; i++) {
		try {
			const r = await fetch(`${base}/api/v1/instance`);
			if (r.ok) break;
		} catch {
			/* not listening yet */
		}
		await new Promise((r) => setTimeout(r, 100));
	}
	if (exited) throw new Error(`the server exited: ${readFileSync(logFile, 'utf8').slice(-2000)}`);
	return {
		base,
		data: join(dir, 'data'),
		bin,
		async stop() {
			if (!exited) child.kill('SIGTERM');
			const { code, signal } = await done;
			const text = readFileSync(logFile, 'utf8');
			rmSync(dir, { recursive: true, force: true });
			if (code !== 0) throw new Error(`the server exited with ${code ?? signal}: ${text.slice(-2000)}`);
			if (/ERROR: (Address|Leak)Sanitizer|runtime error:/.test(text)) throw new Error(`sanitizer report in the server log: ${text.slice(-4000)}`);
		},
	};
}

/* A user and a token made through the API (for people the story needs but
 * who do not sign up in the browser). */
export async function apiUser(base, username) {
	const post = async (path, body, token) => {
		const r = await fetch(base + path, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
			body: JSON.stringify(body),
		});
		if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
		return r.json();
	};
	const app = await post('/api/v1/apps', { client_name: 'browser-tests', redirect_uris: 'urn:ietf:wg:oauth:2.0:oob', scopes: 'read write follow' });
	const appToken = await post('/oauth/token', { grant_type: 'client_credentials', client_id: app.client_id, client_secret: app.client_secret, scope: 'read write follow' });
	const user = await post('/api/v1/accounts', { username, email: `${username}@example.com`, password: 'correct horse battery', agreement: true, locale: 'en' }, appToken.access_token);
	return { name: username, token: user.access_token, post: (path, body) => post(path, body, user.access_token) };
}
