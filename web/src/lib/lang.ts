/* English, Portuguese and Spanish: one message catalogue per language. The
 * language comes from the person's choice, else the browser's languages,
 * else English; a message missing from a catalogue falls back to English,
 * and a key missing from English shows as itself. "{name}" is replaced by a
 * variable; "one|other" picks by the variable n. */
import { en } from './messages/en';
import { pt } from './messages/pt';
import { es } from './messages/es';

export type Lang = 'en' | 'pt' | 'es';
export const LANGS: Lang[] = ['en', 'pt', 'es'];
export const LANG_NAMES: Record<Lang, string> = { en: 'English', pt: 'Português', es: 'Español' };
export type Catalogue = Record<string, string>;

const CATALOGUES: Record<Lang, Catalogue> = { en, pt, es };

function isLang(s: string | null | undefined): s is Lang {
	return !!s && (LANGS as string[]).includes(s);
}

export function pickLang(stored: string | null, browser: readonly string[]): Lang {
	if (isLang(stored)) return stored;
	for (const tag of browser) {
		const base = tag.toLowerCase().split(/[-_]/)[0];
		if (isLang(base)) return base;
	}
	return 'en';
}

export function hasMessage(lang: Lang, key: string): boolean {
	return key in CATALOGUES[lang] || key in en;
}

export type Vars = Record<string, string | number>;

export function translate(lang: Lang, key: string, vars: Vars = {}, catalogues: Record<Lang, Catalogue> = CATALOGUES): string {
	let msg = catalogues[lang]?.[key] ?? catalogues.en[key] ?? key;
	if (msg.includes('|')) {
		const [one, other] = msg.split('|');
		msg = vars.n === 1 ? one : other;
	}
	return msg.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}
