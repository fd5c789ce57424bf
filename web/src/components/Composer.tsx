/* Writing a post or a reply: a labelled text area, the character counter
 * (the server's max_characters, URLs counted as it counts them) and the
 * composer hints of /api/rapport/v1/statuses/preview, shown as you type.
 * A server without the preview endpoint (404) simply shows no hints. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../lib/api';
import { useT } from '../lib/i18n';
import { randomString } from '../lib/pkce';
import { asApiError, getState } from '../lib/state';
import { countChars } from '../lib/text';
import { DEFAULT_LIMITS, draftBody, draftProblem, newDraft, type PollDraft } from '../lib/poll';
import { PollEditor } from './PollEditor';
import type { Status } from '../lib/types';
import { Attachments, type Draft } from './Media';
import { describeMedia, mediaReady, uploadMedia } from '../lib/media';
import { ErrorBox } from './ui';

type Visibility = Status['visibility'];
interface Hint {
	code: string;
	message: string;
}

let previewMissing = false; /* the server has no preview endpoint */
const HINT_DELAY_MS = 500;

function replyPrefix(s: Status): string {
	const me = getState().session?.me.acct;
	const accts = [s.account.acct, ...s.mentions.map((m) => m.acct)].filter((a, i, all) => a !== me && all.indexOf(a) === i);
	return accts.map((a) => `@${a} `).join('');
}

export interface ComposerProps {
	id: string;
	replyTo?: Status;
	visibility?: Visibility;
	/* A "To" field for a new direct message. */
	direct?: boolean;
	autoFocus?: boolean;
	onPosted?: (s: Status) => void;
	onCancel?: () => void;
}

export function Composer(p: ComposerProps) {
	const t = useT();
	const [text, setText] = useState(() => (p.replyTo ? replyPrefix(p.replyTo) : ''));
	const [to, setTo] = useState('');
	const [visibility, setVisibility] = useState<Visibility>(p.visibility ?? (p.replyTo?.visibility === 'direct' ? 'direct' : p.direct ? 'direct' : 'public'));
	const [hints, setHints] = useState<Hint[]>([]);
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState<ApiError | null>(null);
	const [key, setKey] = useState(() => randomString(12));
	const area = useRef<HTMLTextAreaElement>(null);
	const conf = getState().instance?.configuration?.statuses;
	const max = conf?.max_characters ?? 500;
	const body = p.direct && to.trim() ? `@${to.trim().replace(/^@/, '')} ${text}` : text;
	const left = max - countChars(body, conf?.characters_reserved_per_url ?? 23);
	/* media attachments (components/Media.tsx) */
	const [drafts, setDrafts] = useState<Draft[]>([]);
	const [altWarned, setAltWarned] = useState(false);
	const noAlt = drafts.filter((d) => !d.alt.trim()).length;
	const patchDraft = (key: string, patch: Partial<Draft>) => setDrafts((all) => all.map((d) => (d.key === key ? { ...d, ...patch } : d)));
	const addFiles = (files: FileList | null) => {
		for (const f of Array.from(files ?? []).slice(0, Math.max(0, 4 - drafts.length))) {
			const d: Draft = { key: randomString(8), name: f.name, preview: URL.createObjectURL(f), alt: '' };
			setDrafts((all) => [...all, d]);
			uploadMedia(f).then(
				(m) => patchDraft(d.key, { media: m }),
				(e) => patchDraft(d.key, { error: asApiError(e).message }),
			);
		}
	};
	const attachIds = async (): Promise<string[]> => {
		const ids: string[] = [];
		for (const d of drafts) {
			if (!d.media) throw new ApiError(422, d.error ?? t('media.uploading'));
			if (d.alt.trim()) await describeMedia(d.media.id, d.alt.trim());
			ids.push((await mediaReady(d.media.id)).id);
		}
		return ids;
	};
	const empty = (!text.trim() && !drafts.length) || (p.direct && !to.trim());
	/* the poll, if one is being written (components/PollEditor.tsx) */
	const [poll, setPoll] = useState<PollDraft | null>(null);
	const pollLimits = getState().instance?.configuration?.polls ?? DEFAULT_LIMITS;
	const pollProblem = poll && draftProblem(poll, pollLimits);

	useEffect(() => {
		if (p.autoFocus && area.current) {
			const el = area.current;
			el.focus();
			el.setSelectionRange(el.value.length, el.value.length);
		}
	}, []);

	useEffect(() => {
		if (previewMissing || !body.trim()) {
			setHints([]);
			return;
		}
		let live = true;
		const timer = setTimeout(() => {
			api<{ hints?: Hint[] }>('/api/rapport/v1/statuses/preview', {
				method: 'POST',
				body: { status: body, visibility, in_reply_to_id: p.replyTo?.id },
			}).then(
				(r) => live && setHints(Array.isArray(r.hints) ? r.hints : []),
				(e) => {
					if (e instanceof ApiError && e.missing) previewMissing = true;
					if (live) setHints([]);
				},
			);
		}, HINT_DELAY_MS);
		return () => {
			live = false;
			clearTimeout(timer);
		};
	}, [body, visibility]);

	const submit = async (e?: Event) => {
		e?.preventDefault();
		if (busy || empty || left < 0 || pollProblem) return;
		if (noAlt && !altWarned) {
			setAltWarned(true);
			return;
		}
		setBusy(true);
		setError(null);
		try {
			const media_ids = await attachIds();
			const s = await api<Status>('/api/v1/statuses', {
				method: 'POST',
				headers: { 'Idempotency-Key': key },
				body: { status: body, visibility, in_reply_to_id: p.replyTo?.id, media_ids, poll: poll ? draftBody(poll) : undefined },
			});
			setDrafts([]);
			setAltWarned(false);
			setPoll(null);
			setText('');
			setTo('');
			setHints([]);
			setKey(randomString(12));
			p.onPosted?.(s);
		} catch (err) {
			setError(asApiError(err));
		} finally {
			setBusy(false);
		}
	};

	const ids = { text: `${p.id}-text`, count: `${p.id}-count`, vis: `${p.id}-vis`, to: `${p.id}-to`, hints: `${p.id}-hints` };
	return (
		<form class="composer" onSubmit={submit} aria-label={p.replyTo ? t('composer.replyForm') : t('composer.form')}>
			{p.direct && (
				<div class="field">
					<label for={ids.to}>{t('composer.to')}</label>
					<input id={ids.to} type="text" value={to} autoComplete="off" spellcheck={false} placeholder="@name" onInput={(e) => setTo(e.currentTarget.value)} />
				</div>
			)}
			<label for={ids.text} class={p.replyTo ? 'visually-hidden' : undefined}>
				{p.replyTo ? t('composer.replyTo', { name: p.replyTo.account.acct }) : p.direct ? t('composer.message') : t('composer.label')}
			</label>
			<textarea
				id={ids.text}
				ref={area}
				rows={p.replyTo ? 3 : 4}
				value={text}
				aria-describedby={`${ids.count} ${ids.hints}`}
				aria-invalid={left < 0}
				onInput={(e) => setText(e.currentTarget.value)}
				onKeyDown={(e) => {
					if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) submit();
					if (e.key === 'Escape' && p.onCancel) p.onCancel();
				}}
			/>
			<div id={ids.hints} class="hints" aria-live="polite">
				{hints.map((h) => (
					<p key={h.code} class={`hint hint-${h.code}`}>
						<span class="hint-label">{t('composer.hint')}</span> {h.message}
					</p>
				))}
			</div>
			<Attachments id={p.id} drafts={drafts} onAlt={(k, alt) => patchDraft(k, { alt })} onRemove={(k) => setDrafts((all) => all.filter((d) => d.key !== k))} />
			{altWarned && noAlt > 0 && (
				<p class="hint hint-alt" role="alert">
					{t('media.noAlt', { n: noAlt })}
				</p>
			)}
			<div class="field media-add">
				<label for={`${p.id}-files`}>{t('media.add')}</label>
				<input id={`${p.id}-files`} type="file" accept="image/*,video/*,audio/*" multiple disabled={drafts.length >= 4} onChange={(e) => {
					addFiles(e.currentTarget.files);
					e.currentTarget.value = '';
				}} />
			</div>
			{poll && <PollEditor id={`${p.id}-poll`} draft={poll} limits={pollLimits} onChange={setPoll} onRemove={() => setPoll(null)} />}
			{pollProblem && <p class="hint">{t(pollProblem.key, { n: pollProblem.n ?? 0 })}</p>}
			<div class="composer-bar">
				{!p.direct && !p.replyTo && (
					<span class="field-inline">
						<label for={ids.vis}>{t('composer.visibility')}</label>
						<select id={ids.vis} value={visibility} onChange={(e) => setVisibility(e.currentTarget.value as Visibility)}>
							<option value="public">{t('vis.public')}</option>
							<option value="unlisted">{t('vis.unlisted')}</option>
							<option value="private">{t('vis.private')}</option>
							<option value="direct">{t('vis.direct')}</option>
						</select>
					</span>
				)}
				{!poll && !p.direct && (
					<button type="button" class="secondary" onClick={() => setPoll(newDraft(pollLimits))}>
						{t('poll.add')}
					</button>
				)}
				<span id={ids.count} class={left < 0 ? 'counter over' : left < 20 ? 'counter low' : 'counter'}>
					{left < 0 ? t('composer.over', { n: -left }) : t('composer.left', { n: left })}
				</span>
				{p.onCancel && (
					<button type="button" class="secondary" onClick={p.onCancel}>
						{t('cancel')}
					</button>
				)}
				<button type="submit" disabled={busy || empty || left < 0 || !!pollProblem}>
					{busy ? t('composer.posting') : p.replyTo ? t('composer.reply') : p.direct ? t('composer.send') : t('composer.post')}
				</button>
			</div>
			{error && <ErrorBox error={error} />}
		</form>
	);
}
