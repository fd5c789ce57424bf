/* A thread: ancestors, the status and the replies, nested; every status
 * can be answered in place. */
import { useRef } from 'preact/hooks';
import { api } from '../lib/api';
import { useT } from '../lib/i18n';
import { useLive } from '../lib/live';
import { useLoad } from '../lib/state';
import { buildThread, type ThreadNode } from '../lib/thread';
import type { Context, Status } from '../lib/types';
import { StatusCard } from '../components/Status';
import { LoadView, PageTitle } from '../components/ui';

const MAX_INDENT = 6;

function Branch({ nodes, focus, depth, onReplied }: { nodes: ThreadNode[]; focus: string; depth: number; onReplied: () => void }) {
	return (
		<ol class={depth ? 'replies' : 'thread'} data-depth={Math.min(depth, MAX_INDENT)}>
			{nodes.map((n) => (
				<li key={n.status.id}>
					<StatusCard status={n.status} focused={n.status.id === focus} onReplied={onReplied} />
					{n.children.length > 0 && <Branch nodes={n.children} focus={focus} depth={depth + 1} onReplied={onReplied} />}
				</li>
			))}
		</ol>
	);
}

export function Thread({ id }: { id: string }) {
	const t = useT();
	const shown = useRef(new Set<string>());
	const [load, reload] = useLoad(async () => {
		const [status, ctx] = await Promise.all([api<Status>(`/api/v1/statuses/${id}`), api<Context>(`/api/v1/statuses/${id}/context`)]);
		const all = [...ctx.ancestors, status, ...ctx.descendants];
		shown.current = new Set(all.map((s) => s.id));
		return buildThread(all);
	}, [id]);
	/* A reply to any status shown, or an edit or deletion of one, reloads
	 * the thread (quietly: it is read again, then drawn). */
	useLive((ev) => {
		const s = ev.event === 'update' || ev.event === 'status.update' ? (ev.payload as Status) : null;
		const hit = s ? shown.current.has(s.id) || (s.in_reply_to_id !== null && shown.current.has(s.in_reply_to_id)) : ev.event === 'delete' && shown.current.has(ev.payload as string);
		if (hit) reload();
	});
	return (
		<div>
			<PageTitle>{t('thread.title')}</PageTitle>
			<LoadView load={load} retry={reload}>
				{(roots) => <Branch nodes={roots} focus={id} depth={0} onReplied={reload} />}
			</LoadView>
		</div>
	);
}
