/* OAuth PKCE (RFC 7636, S256 only) and random state. */

export function base64url(bytes: Uint8Array): string {
	let s = '';
	for (const b of bytes) s += String.fromCharCode(b);
	return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/* nBytes of randomness as base64url: 32 bytes give a 43-character
 * verifier, the shortest RFC 7636 allows. */
export function randomString(nBytes = 32): string {
	const b = new Uint8Array(nBytes);
	crypto.getRandomValues(b);
	return base64url(b);
}

export async function challengeS256(verifier: string): Promise<string> {
	const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
	return base64url(new Uint8Array(digest));
}

/* A verifier is 43 to 128 characters of [A-Za-z0-9-._~]. */
export function validVerifier(v: string): boolean {
	return /^[A-Za-z0-9\-._~]{43,128}$/.test(v);
}
