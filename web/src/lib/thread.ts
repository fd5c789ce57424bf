/* A thread as a tree: the ancestors, the status and its descendants,
 * nested by in_reply_to_id. A status whose parent is not in the list (not
 * visible to the viewer, or deleted) becomes a root, in order. */
import type { Status } from './types';

export interface ThreadNode {
	status: Status;
	children: ThreadNode[];
}

export function buildThread(statuses: Status[]): ThreadNode[] {
	const nodes = new Map<string, ThreadNode>();
	for (const s of statuses) if (!nodes.has(s.id)) nodes.set(s.id, { status: s, children: [] });
	const roots: ThreadNode[] = [];
	for (const n of nodes.values()) {
		const parent = n.status.in_reply_to_id ? nodes.get(n.status.in_reply_to_id) : undefined;
		if (parent && parent !== n) parent.children.push(n);
		else roots.push(n);
	}
	return roots;
}
