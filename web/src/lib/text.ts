/* Counting characters the way the server does: grapheme clusters, and any
 * URL counts as 23 (Mastodon's characters_reserved_per_url). */

const URL_RE = /https?:\/\/[^\s<>"]+/gi;

function graphemes(s: string): number {
	const Seg = (Intl as unknown as { Segmenter?: typeof Intl.Segmenter }).Segmenter;
	if (Seg) {
		let n = 0;
		for (const _ of new Seg(undefined, { granularity: 'grapheme' }).segment(s)) n++;
		return n;
	}
	return [...s].length;
}

export function countChars(text: string, perUrl = 23): number {
	let urls = 0;
	const rest = text.replace(URL_RE, () => {
		urls++;
		return '';
	});
	return graphemes(rest) + urls * perUrl;
}
