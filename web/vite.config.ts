/* Builds the app into build/web (OUT_DIR, or ../build/web): hashed names
 * under assets/, and next to every file a .gz the server sends to clients
 * that accept gzip. `npm run dev` proxies the API to RAPPORT_URL. */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync, constants } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

const outDir = resolve(process.env.OUT_DIR ?? resolve(__dirname, '../build/web'));
const COMPRESSIBLE = /\.(js|css|html|svg|json|txt|map)$/;

function files(dir: string): string[] {
	return readdirSync(dir).flatMap((n) => {
		const p = join(dir, n);
		return statSync(p).isDirectory() ? files(p) : [p];
	});
}

/* Precompressed copies: maximum gzip level, written once at build time. */
function precompress(): Plugin {
	return {
		name: 'rapport-precompress',
		apply: 'build',
		closeBundle() {
			for (const f of files(outDir)) {
				if (!COMPRESSIBLE.test(f)) continue;
				const gz = gzipSync(readFileSync(f), { level: constants.Z_BEST_COMPRESSION });
				writeFileSync(`${f}.gz`, gz);
			}
		},
	};
}

const target = process.env.RAPPORT_URL ?? 'http://127.0.0.1:8080';
const proxied = ['/api', '/oauth', '/auth', '/avatars', '/headers', '/.well-known', '/nodeinfo'];

export default defineConfig({
	esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
	plugins: [precompress()],
	build: {
		outDir,
		emptyOutDir: true,
		target: 'es2022',
		modulePreload: { polyfill: false },
		assetsInlineLimit: 0,
		reportCompressedSize: true,
	},
	server: {
		proxy: Object.fromEntries(proxied.map((p) => [p, { target, changeOrigin: false, ws: p === '/api' }])),
	},
	test: {
		include: ['tests/unit/**/*.test.ts'],
		environment: 'happy-dom',
	},
} as Parameters<typeof defineConfig>[0]);
