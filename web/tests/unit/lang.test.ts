import { describe, expect, it } from 'vitest';
import { LANGS, pickLang, translate, type Catalogue, type Lang } from '../../src/lib/lang';
import { en } from '../../src/lib/messages/en';
import { es } from '../../src/lib/messages/es';
import { pt } from '../../src/lib/messages/pt';

describe('pickLang', () => {
	it('prefers the stored choice, then the browser languages in order', () => {
		expect(pickLang('es', ['pt-BR'])).toBe('es');
		expect(pickLang(null, ['pt-BR', 'en'])).toBe('pt');
		expect(pickLang(null, ['fr-FR', 'es-MX', 'en'])).toBe('es');
		expect(pickLang('xx', ['EN_gb'])).toBe('en');
	});
	it('falls back to English', () => {
		expect(pickLang(null, [])).toBe('en');
		expect(pickLang(null, ['de', 'fr'])).toBe('en');
	});
});

describe('translate', () => {
	const cats: Record<Lang, Catalogue> = { en: { a: 'A {x}', only: 'only in English', n: '{n} thing|{n} things' }, pt: { a: 'Á {x}' }, es: {} };
	it('replaces variables and leaves unknown ones', () => {
		expect(translate('pt', 'a', { x: 1 }, cats)).toBe('Á 1');
		expect(translate('en', 'a', {}, cats)).toBe('A {x}');
	});
	it('falls back to English, then to the key', () => {
		expect(translate('pt', 'only', {}, cats)).toBe('only in English');
		expect(translate('es', 'missing.key', {}, cats)).toBe('missing.key');
	});
	it('picks singular or plural by n', () => {
		expect(translate('en', 'n', { n: 1 }, cats)).toBe('1 thing');
		expect(translate('en', 'n', { n: 0 }, cats)).toBe('0 things');
	});
	it('has every English message in Portuguese and Spanish', () => {
		/* title.welcome is the site's name in every language */
		const keys = Object.keys(en).filter((k) => k !== 'title.welcome');
		expect(keys.filter((k) => !(k in pt))).toEqual([]);
		expect(keys.filter((k) => !(k in es))).toEqual([]);
		expect(LANGS).toEqual(['en', 'pt', 'es']);
	});
	it('keeps the same variables in every translation', () => {
		const vars = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort().join();
		for (const [k, v] of Object.entries(en)) {
			if (k in pt) expect([k, vars(pt[k])]).toEqual([k, vars(v)]);
			if (k in es) expect([k, vars(es[k])]).toEqual([k, vars(v)]);
		}
	});
});
