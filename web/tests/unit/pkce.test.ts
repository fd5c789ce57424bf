import { describe, expect, it } from 'vitest';
import { base64url, challengeS256, randomString, validVerifier } from '../../src/lib/pkce';

describe('PKCE', () => {
	it('computes the S256 challenge of RFC 7636, appendix B', async () => {
		expect(await challengeS256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
	});
	it('makes verifiers the RFC accepts, different each time', () => {
		const a = randomString(32);
		const b = randomString(32);
		expect(a).toHaveLength(43);
		expect(validVerifier(a)).toBe(true);
		expect(a).not.toBe(b);
		expect(validVerifier(randomString(96))).toBe(true);
	});
	it('rejects verifiers too short, too long or with other characters', () => {
		expect(validVerifier('a'.repeat(42))).toBe(false);
		expect(validVerifier('a'.repeat(129))).toBe(false);
		expect(validVerifier('a'.repeat(42) + '+')).toBe(false);
	});
	it('writes base64url without padding', () => {
		expect(base64url(new Uint8Array([251, 255, 191]))).toBe('-_-_');
		expect(base64url(new Uint8Array([1]))).toBe('AQ');
	});
});
