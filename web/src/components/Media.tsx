/* A status's media attachments: images (their alt text as alt), looping
 * muted GIF videos, video and audio players; behind a reveal button when
 * the status is marked sensitive. And the composer's attachments: each
 * file uploaded as soon as it is chosen, with its alt text field. */
import { useState } from 'preact/hooks';
import { useT } from '../lib/i18n';
import type { Media, Status } from '../lib/types';

function One({ m }: { m: Media }) {
	const t = useT();
	const alt = m.description ?? '';
	if (m.type === 'gifv')
		return <video src={m.url} poster={m.preview_url ?? undefined} autoplay muted loop playsInline aria-label={alt || t('status.image')} />;
	if (m.type === 'video') return <video src={m.url} poster={m.preview_url ?? undefined} controls preload="none" aria-label={alt || t('status.attachment')} />;
	if (m.type === 'audio') return <audio src={m.url} controls preload="none" aria-label={alt || t('status.attachment')} />;
	return (
		<a href={m.url} target="_blank" rel="noopener noreferrer">
			<img src={m.preview_url ?? m.url} alt={alt} loading="lazy" />
		</a>
	);
}

export function MediaList({ s }: { s: Status }) {
	const t = useT();
	const [shown, setShown] = useState(!s.sensitive);
	if (!s.media_attachments.length) return null;
	if (!shown)
		return (
			<button type="button" class="secondary media-reveal" onClick={() => setShown(true)}>
				{t('media.sensitive')}
			</button>
		);
	return (
		<div class="media">
			{s.media_attachments.map((m) => (
				<One key={m.id} m={m} />
			))}
		</div>
	);
}

export interface Draft {
	key: string;
	name: string;
	preview: string; /* an object URL of the chosen file */
	media?: Media;   /* once the server accepted it */
	error?: string;
	alt: string;
}

export function Attachments({ id, drafts, onAlt, onRemove }: { id: string; drafts: Draft[]; onAlt: (key: string, alt: string) => void; onRemove: (key: string) => void }) {
	const t = useT();
	if (!drafts.length) return null;
	return (
		<ul class="attachments">
			{drafts.map((d, i) => (
				<li key={d.key}>
					<img src={d.preview} alt="" />
					<div class="field">
						<label for={`${id}-alt-${i}`}>{t('media.alt', { n: i + 1 })}</label>
						<textarea id={`${id}-alt-${i}`} rows={2} value={d.alt} onInput={(e) => onAlt(d.key, e.currentTarget.value)} />
						{d.error && <p class="error">{d.error}</p>}
						{!d.media && !d.error && <p class="muted">{t('media.uploading')}</p>}
					</div>
					<button type="button" class="secondary" onClick={() => onRemove(d.key)}>
						{t('media.remove')}
					</button>
				</li>
			))}
		</ul>
	);
}
