/* Uploads: POST /api/v2/media as multipart/form-data (the JSON client in
 * api.ts sends JSON only), alt text through PUT /api/v1/media/:id, and
 * waiting until the server has processed an upload. */
import { api, ApiError } from './api';
import { getState } from './state';
import type { Media } from './types';

export async function uploadMedia(file: File): Promise<Media> {
	const form = new FormData();
	form.append('file', file);
	const token = getState().session?.token;
	let res: Response;
	try {
		res = await fetch('/api/v2/media', {
			method: 'POST',
			headers: token ? { Authorization: `Bearer ${token}`, Accept: 'application/json' } : {},
			body: form,
			credentials: 'omit',
		});
	} catch (e) {
		throw new ApiError(0, e instanceof Error ? e.message : String(e));
	}
	const j = await res.json().catch(() => ({}));
	if (!res.ok) throw new ApiError(res.status, typeof j.error === 'string' ? j.error : res.statusText);
	return j as Media;
}

export function describeMedia(id: string, description: string): Promise<Media> {
	return api<Media>(`/api/v1/media/${id}`, { method: 'PUT', body: { description } });
}

const POLL_MS = 300;

/* The upload once processed (its url set); throws the server's reason
 * when processing failed. */
export async function mediaReady(id: string, tries = 400): Promise<Media> {
	for (let i = 0; i < tries; i++) {
		const m = await api<Media>(`/api/v1/media/${id}`);
		if (m.url) return m;
		await new Promise((r) => setTimeout(r, POLL_MS));
	}
	throw new ApiError(0, 'The upload is still being processed');
}
