/* Small building blocks every page uses: loading, error and "not on this
 * server yet" states, dates, avatars, tabs, sanitised rich text. */
import type { ComponentChildren, JSX } from 'preact';
import { useMemo, useRef } from 'preact/hooks';
import { ApiError } from '../lib/api';
import { useT } from '../lib/i18n';
import { sanitize, type SafeNode } from '../lib/sanitize';
import { getState, type Load, useMinuteTick } from '../lib/state';
import { exactTime, relativeTime } from '../lib/time';
import type { Account, Mention } from '../lib/types';
import { href } from '../lib/router';

export function Loading({ label }: { label?: string }) {
	const t = useT();
	return (
		<p class="loading" role="status">
			<span class="spinner" aria-hidden="true" />
			{label ?? t('loading')}
		</p>
	);
}

export function ErrorBox({ error, onRetry }: { error: ApiError; onRetry?: () => void }) {
	const t = useT();
	const what = error.status === 0 ? t('error.network') : t('error.status', { status: error.status });
	return (
		<div class="error-box" role="alert">
			<p>
				<strong>{what}</strong> <span class="error-message">{error.message}</span>
			</p>
			{onRetry && (
				<button type="button" class="secondary" onClick={onRetry}>
					{t('retry')}
				</button>
			)}
		</div>
	);
}

export function NotAvailable({ what, children }: { what: string; children?: ComponentChildren }) {
	const t = useT();
	return (
		<div class="not-available" role="note">
			<p>
				<strong>{t('unavailable', { what })}</strong>
			</p>
			{children}
		</div>
	);
}

/* Renders a Load: a spinner, the error (or, for a 404 when `missing` is
 * given, the "not available" state), or the data. */
export function LoadView<T>(p: {
	load: Load<T>;
	retry?: () => void;
	missing?: ComponentChildren;
	children: (data: T) => ComponentChildren;
}): JSX.Element {
	if (p.load.state === 'loading') return <Loading />;
	if (p.load.state === 'error') {
		if (p.missing && p.load.error.missing) return <>{p.missing}</>;
		return <ErrorBox error={p.load.error} onRetry={p.retry} />;
	}
	return <>{p.children(p.load.data)}</>;
}

export function Time({ iso }: { iso: string }) {
	const now = useMinuteTick();
	const lang = getState().lang;
	return (
		<time dateTime={iso} title={exactTime(iso, lang)}>
			{relativeTime(iso, now, lang)}
		</time>
	);
}

export function Avatar({ account, size = 48 }: { account: Account; size?: number }) {
	return (
		<img
			class="avatar"
			src={account.avatar_static || account.avatar}
			alt=""
			width={size}
			height={size}
			loading="lazy"
			decoding="async"
		/>
	);
}

export function displayName(a: Account): string {
	return a.display_name?.trim() || a.username;
}

export function AccountLine({ account }: { account: Account }) {
	return (
		<a class="account-line" href={href.profile(account.acct)}>
			<Avatar account={account} size={40} />
			<span>
				<span class="name">{displayName(account)}</span>
				<span class="acct">@{account.acct}</span>
			</span>
		</a>
	);
}

function render(nodes: SafeNode[], mentions: Mention[], key = ''): ComponentChildren[] {
	return nodes.map((n, i) => {
		if (typeof n === 'string') return n;
		const k = `${key}.${i}`;
		const kids = render(n.children, mentions, k);
		if (n.tag !== 'a') {
			const Tag = n.tag as 'span';
			return <Tag key={k} class={n.attrs.class}>{kids.length ? kids : undefined}</Tag>;
		}
		const cls = n.attrs.class ?? '';
		const m = cls.includes('mention') ? mentions.find((x) => x.url === n.attrs.href) : undefined;
		if (m) return <a key={k} class={cls} href={href.profile(m.acct)}>{kids}</a>;
		if (cls.includes('hashtag')) {
			const tag = /\/tags\/([^/?#]+)/.exec(n.attrs.href);
			if (tag) return <a key={k} class={cls} href={href.tag(decodeURIComponent(tag[1]))}>{kids}</a>;
		}
		return (
			<a key={k} class={cls || undefined} href={n.attrs.href} target="_blank" rel="nofollow noopener noreferrer">
				{kids}
			</a>
		);
	});
}

/* Status or profile HTML, rebuilt from the allowlist (lib/sanitize.ts). */
export function Rich({ html, mentions = [], class: cls }: { html: string; mentions?: Mention[]; class?: string }) {
	const nodes = useMemo(() => sanitize(html), [html]);
	return <div class={cls ?? 'rich'}>{render(nodes, mentions)}</div>;
}

export interface TabDef {
	id: string;
	label: string;
}

/* A tab list with arrow-key movement (WAI-ARIA tabs pattern); the panel is
 * the caller's, labelled by the selected tab. */
export function Tabs(p: { tabs: TabDef[]; selected: string; onSelect: (id: string) => void; label: string; idPrefix: string }) {
	const refs = useRef<(HTMLButtonElement | null)[]>([]);
	const onKey = (e: KeyboardEvent, i: number) => {
		const n = p.tabs.length;
		const j = e.key === 'ArrowRight' ? (i + 1) % n : e.key === 'ArrowLeft' ? (i + n - 1) % n : e.key === 'Home' ? 0 : e.key === 'End' ? n - 1 : -1;
		if (j < 0) return;
		e.preventDefault();
		p.onSelect(p.tabs[j].id);
		refs.current[j]?.focus();
	};
	return (
		<div class="tabs" role="tablist" aria-label={p.label}>
			{p.tabs.map((tab, i) => {
				const on = tab.id === p.selected;
				return (
					<button
						key={tab.id}
						ref={(el) => {
							refs.current[i] = el;
						}}
						type="button"
						role="tab"
						id={`${p.idPrefix}-tab-${tab.id}`}
						aria-selected={on}
						aria-controls={`${p.idPrefix}-panel`}
						tabIndex={on ? 0 : -1}
						onClick={() => p.onSelect(tab.id)}
						onKeyDown={(e) => onKey(e, i)}
					>
						{tab.label}
					</button>
				);
			})}
		</div>
	);
}

export function PageTitle({ children }: { children: ComponentChildren }) {
	return (
		<h1 id="page-title" tabIndex={-1}>
			{children}
		</h1>
	);
}
