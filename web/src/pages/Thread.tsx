/* A thread: ancestors, the status and the replies, nested; every status
 * can be answered in place. */
import { api } from '../lib/api';
import { useT } from '../lib/i18n';
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
	const [load, reload] = useLoad(async () => {
		const [status, ctx] = await Promise.all([api<Status>(`/api/v1/statuses/${id}`), api<Context>(`/api/v1/statuses/${id}/context`)]);
		return buildThread([...ctx.ancestors, status, ...ctx.descendants]);
	}, [id]);
	return (
		<div>
			<PageTitle>{t('thread.title')}</PageTitle>
			<LoadView load={load} retry={reload}>
				{(roots) => <Branch nodes={roots} focus={id} depth={0} onReplied={reload} />}
			</LoadView>
		</div>
	);
}
