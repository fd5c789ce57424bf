/* A paged list of statuses from one endpoint, newest first, with "Load
 * more" following the Link header. */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { apiPage, ApiError } from '../lib/api';
import { useT } from '../lib/i18n';
import { applyToStatuses, useLive } from '../lib/live';
import { asApiError } from '../lib/state';
import type { Status } from '../lib/types';
import { StatusCard } from './Status';
import { ErrorBox, Loading } from './ui';

export interface FeedProps {
	path: string;
	/* Shown instead of an error when the endpoint answers 404. */
	missing?: ComponentChildren;
	empty: ComponentChildren;
	/* Statuses posted here since the feed loaded, shown on top. */
	fresh?: Status[];
	label: string;
	/* Follows the home stream: new statuses on top, edits and deletions
	 * in place (the chronological home timeline). */
	live?: boolean;
}

export function Feed(p: FeedProps) {
	const t = useT();
	const [items, setItems] = useState<Status[]>([]);
	const [next, setNext] = useState<string | null>(null);
	const [state, setState] = useState<'loading' | 'ok' | 'more'>('loading');
	const [error, setError] = useState<ApiError | null>(null);
	const [tick, setTick] = useState(0);

	const load = async (path: string, append: boolean) => {
		setError(null);
		setState(append ? 'more' : 'loading');
		try {
			const page = await apiPage<Status>(path);
			setItems((old) => (append ? [...old, ...page.items.filter((s) => !old.some((o) => o.id === s.id))] : page.items));
			setNext(page.items.length ? page.next : null);
		} catch (e) {
			setError(asApiError(e));
		}
		setState('ok');
	};

	useEffect(() => {
		setItems([]);
		load(p.path, false);
	}, [p.path, tick]);

	useLive((ev) => {
		if (p.live && ev.stream.includes('user')) setItems((old) => applyToStatuses(old, ev));
	});

	const fresh = (p.fresh ?? []).filter((f) => !items.some((s) => s.id === f.id));
	const all = [...fresh, ...items];
	if (state === 'loading') return <Loading />;
	if (error && !items.length) {
		if (error.missing && p.missing) return <>{p.missing}</>;
		return <ErrorBox error={error} onRetry={() => setTick(tick + 1)} />;
	}
	return (
		<section class="feed" aria-label={p.label} aria-busy={state === 'more'}>
			{all.length === 0 ? (
				<div class="empty">{p.empty}</div>
			) : (
				<ol class="statuses">
					{all.map((s) => (
						<li key={s.id}>
							<StatusCard status={s} />
						</li>
					))}
				</ol>
			)}
			{error && <ErrorBox error={error} onRetry={() => next && load(next, true)} />}
			{next && !error && (
				<button type="button" class="secondary more-button" disabled={state === 'more'} onClick={() => load(next, true)}>
					{state === 'more' ? t('loading') : t('loadMore')}
				</button>
			)}
		</section>
	);
}
