/* The moderators' area, for accounts whose role permits it: the queue
 * (open reports with what the detectors flagged), accounts and their
 * actions, sign-up approvals, domain blocks, rules, invites and the audit
 * log. Each tab shows only to roles with its permission (Mastodon 4's
 * bits); the server checks them again on every call. */
import { useState } from 'preact/hooks';
import { api, ApiError, qs } from '../lib/api';
import { useT } from '../lib/i18n';
import { asApiError, useAppState, useLoad } from '../lib/state';
import type { Account, Role, Rule, Status } from '../lib/types';
import { displayName, ErrorBox, LoadView, PageTitle, Rich, Tabs, Time } from '../components/ui';
import { HealthTab } from './Community';

export const PERM = {
	auditLog: 1 << 2,
	dashboard: 1 << 3,
	reports: 1 << 4,
	federation: 1 << 5,
	settings: 1 << 6,
	users: 1 << 10,
	invites: 1 << 11,
	rules: 1 << 12,
};

export function can(role: Role | undefined, bit: number): boolean {
	const p = Number(role?.permissions ?? 0);
	return (p & 1) === 1 || (p & bit) === bit;
}

interface AdminAccount {
	id: string;
	username: string;
	email: string | null;
	invite_request: string | null;
	approved: boolean;
	disabled: boolean;
	silenced: boolean;
	suspended: boolean;
	account: Account;
	role: Role;
}

interface AdminReport {
	id: string;
	category: string;
	comment: string;
	action_taken: boolean;
	created_at: string;
	account: AdminAccount;
	target_account: AdminAccount;
	assigned_account: AdminAccount | null;
	statuses: Status[];
	rules: Rule[];
}

interface Queue {
	reports: AdminReport[];
	flagged: { flags: string[]; status: Status; evidence: { text: string } }[];
	accounts: { account: AdminAccount; kinds: string[]; evidence: { automated_messages: number; unfollows_7d: number } }[];
}

/* One button that calls the admin API and reports its outcome. */
function Act(p: { label: string; path: string; body?: unknown; method?: 'POST' | 'PUT' | 'DELETE'; secondary?: boolean; onDone: () => void }) {
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState<ApiError | null>(null);
	const click = async () => {
		setBusy(true);
		setError(null);
		try {
			await api(p.path, { method: p.method ?? 'POST', body: p.body ?? {} });
			p.onDone();
		} catch (e) {
			setError(asApiError(e));
		}
		setBusy(false);
	};
	return (
		<>
			<button type="button" class={p.secondary ? 'secondary' : undefined} disabled={busy} onClick={click}>
				{p.label}
			</button>
			{error && <ErrorBox error={error} />}
		</>
	);
}

function Who({ a }: { a: AdminAccount }) {
	return (
		<a href={`#/@${a.account.acct}`}>
			{displayName(a.account)} <span class="acct">@{a.account.acct}</span>
		</a>
	);
}

function ReportItem({ r, reload }: { r: AdminReport; reload: () => void }) {
	const t = useT();
	const base = `/api/v1/admin/reports/${r.id}`;
	return (
		<li class="card mod-report" aria-label={t('mod.reportOn', { name: displayName(r.target_account.account) })}>
			<p>
				<strong>{t(`report.category.${r.category}`)}</strong> · <Who a={r.target_account} /> · {t('mod.reportedBy')} <Who a={r.account} /> ·{' '}
				<Time iso={r.created_at} />
			</p>
			{r.comment && <blockquote>{r.comment}</blockquote>}
			{r.rules.length > 0 && <p>{t('report.rules')}: {r.rules.map((x) => x.text).join('; ')}</p>}
			{r.statuses.map((s) => (
				<div key={s.id} class="mod-evidence">
					<Rich html={s.content} mentions={s.mentions} />
				</div>
			))}
			<p class="muted">{r.assigned_account ? t('mod.assigned', { name: r.assigned_account.username }) : t('mod.unassigned')}</p>
			<div class="row">
				<Act label={t('mod.resolve')} path={`${base}/resolve`} onDone={reload} />
				<Act label={t('mod.assignMe')} path={`${base}/assign_to_self`} secondary onDone={reload} />
				<Act label={t('mod.suspend')} path={`/api/v1/admin/accounts/${r.target_account.id}/action`} body={{ type: 'suspend', report_id: r.id, text: r.comment }} secondary onDone={reload} />
				<Act label={t('mod.silence')} path={`/api/v1/admin/accounts/${r.target_account.id}/action`} body={{ type: 'silence', report_id: r.id }} secondary onDone={reload} />
			</div>
		</li>
	);
}

function QueueTab() {
	const t = useT();
	const [load, reload] = useLoad(() => api<Queue>('/api/rapport/v1/admin/queue'), []);
	return (
		<LoadView load={load} retry={reload}>
			{(q) => (
				<>
					<h2>{t('mod.reports')}</h2>
					{q.reports.length ? (
						<ul class="plain">{q.reports.map((r) => <ReportItem key={r.id} r={r} reload={reload} />)}</ul>
					) : (
						<p>{t('mod.noReports')}</p>
					)}
					<h2>{t('mod.flagged')}</h2>
					{q.flagged.length ? (
						<ul class="plain">
							{q.flagged.map((f) => (
								<li key={f.status.id} class="card">
									<p>
										<a href={`#/@${f.status.account.acct}`}>@{f.status.account.acct}</a> · {f.flags.map((x) => t(`flag.${x}`)).join(', ')}
									</p>
									<blockquote>{f.evidence.text}</blockquote>
								</li>
							))}
						</ul>
					) : (
						<p>{t('mod.noFlagged')}</p>
					)}
					<h2>{t('mod.suspects')}</h2>
					{q.accounts.length ? (
						<ul class="plain">
							{q.accounts.map((a) => (
								<li key={a.account.id} class="card">
									<Who a={a.account} /> · {a.kinds.map((k) => t(`mod.kind.${k}`)).join(', ')} ·{' '}
									{t('mod.evidence', { automated: a.evidence.automated_messages, unfollows: a.evidence.unfollows_7d })}
								</li>
							))}
						</ul>
					) : (
						<p>{t('mod.noSuspects')}</p>
					)}
				</>
			)}
		</LoadView>
	);
}

function AccountRow({ a, reload }: { a: AdminAccount; reload: () => void }) {
	const t = useT();
	const [type, setType] = useState('silence');
	const [text, setText] = useState('');
	const path = `/api/v1/admin/accounts/${a.id}`;
	const states = ['suspended', 'silenced', 'disabled'].filter((k) => a[k as 'suspended' | 'silenced' | 'disabled']);
	return (
		<li class="card">
			<p>
				<Who a={a} /> {a.role.name && <span class="pill">{a.role.name}</span>} {states.map((s) => <span key={s} class="pill">{t(`mod.state.${s}`)}</span>)}
			</p>
			<div class="row">
				<label for={`act-${a.id}`}>{t('mod.action')}</label>
				<select id={`act-${a.id}`} value={type} onChange={(e) => setType(e.currentTarget.value)}>
					{['none', 'sensitive', 'disable', 'silence', 'suspend'].map((x) => (
						<option key={x} value={x}>{t(`mod.type.${x}`)}</option>
					))}
				</select>
				<label for={`why-${a.id}`}>{t('mod.why')}</label>
				<input id={`why-${a.id}`} value={text} onInput={(e) => setText(e.currentTarget.value)} />
				<Act label={t('mod.apply')} path={`${path}/action`} body={{ type, text }} onDone={reload} />
				{a.suspended && <Act label={t('mod.unsuspend')} path={`${path}/unsuspend`} secondary onDone={reload} />}
				{a.silenced && <Act label={t('mod.unsilence')} path={`${path}/unsilence`} secondary onDone={reload} />}
				{a.disabled && <Act label={t('mod.enable')} path={`${path}/enable`} secondary onDone={reload} />}
			</div>
		</li>
	);
}

function AccountsTab({ pending }: { pending?: boolean }) {
	const t = useT();
	const [name, setName] = useState('');
	const [load, reload] = useLoad(
		() => api<AdminAccount[]>(`/api/v2/admin/accounts${qs({ origin: 'local', status: pending ? 'pending' : undefined, username: name || undefined })}`),
		[name, pending],
	);
	return (
		<>
			{!pending && (
				<p>
					<label for="mod-search">{t('mod.searchAccounts')}</label>
					<input id="mod-search" type="search" value={name} onChange={(e) => setName(e.currentTarget.value)} />
				</p>
			)}
			<LoadView load={load} retry={reload}>
				{(list) =>
					list.length === 0 ? (
						<p>{pending ? t('mod.noPending') : t('mod.noAccounts')}</p>
					) : (
						<ul class="plain">
							{list.map((a) =>
								pending ? (
									<li key={a.id} class="card">
										<p><Who a={a} /> · {a.email}</p>
										<blockquote>{a.invite_request}</blockquote>
										<div class="row">
											<Act label={t('mod.approve')} path={`/api/v1/admin/accounts/${a.id}/approve`} onDone={reload} />
											<Act label={t('mod.reject')} path={`/api/v1/admin/accounts/${a.id}/reject`} secondary onDone={reload} />
										</div>
									</li>
								) : (
									<AccountRow key={a.id} a={a} reload={reload} />
								),
							)}
						</ul>
					)
				}
			</LoadView>
		</>
	);
}

/* A list with an add form of one text field (and a choice), and a remove
 * button per item: domain blocks, rules, invites. */
function ListTab<T extends { id: string }>(p: {
	path: string;
	removePath: (item: T) => string;
	field: string;
	fieldLabel: string;
	extra?: Record<string, string>;
	show: (item: T) => preact.ComponentChildren;
	empty: string;
}) {
	const t = useT();
	const [value, setValue] = useState('');
	const [load, reload] = useLoad(() => api<T[]>(p.path), [p.path]);
	const [error, setError] = useState<ApiError | null>(null);
	const add = async (e: Event) => {
		e.preventDefault();
		setError(null);
		try {
			await api(p.path, { method: 'POST', body: { ...p.extra, ...(p.field ? { [p.field]: value } : {}) } });
			setValue('');
			reload();
		} catch (err) {
			setError(asApiError(err));
		}
	};
	return (
		<>
			<form class="row" onSubmit={add}>
				{p.field && (
					<>
						<label for={`add-${p.field}`}>{p.fieldLabel}</label>
						<input id={`add-${p.field}`} value={value} onInput={(e) => setValue(e.currentTarget.value)} required />
					</>
				)}
				<button type="submit">{t('mod.add')}</button>
			</form>
			{error && <ErrorBox error={error} />}
			<LoadView load={load} retry={reload}>
				{(list) =>
					list.length === 0 ? (
						<p>{p.empty}</p>
					) : (
						<ul class="plain">
							{list.map((item) => (
								<li key={item.id} class="card row">
									<span>{p.show(item)}</span>
									<Act label={t('mod.remove')} method="DELETE" path={p.removePath(item)} secondary onDone={reload} />
								</li>
							))}
						</ul>
					)
				}
			</LoadView>
		</>
	);
}

interface AuditEntry {
	id: string;
	actor: string | null;
	action: string;
	target_type: string;
	target_id: string | null;
	detail: string;
	created_at: string;
}

function AuditTab() {
	const t = useT();
	const [load, reload] = useLoad(() => api<AuditEntry[]>('/api/rapport/v1/admin/audit'), []);
	return (
		<LoadView load={load} retry={reload}>
			{(list) => (
				<table class="audit">
					<caption class="visually-hidden">{t('mod.audit')}</caption>
					<thead>
						<tr>
							<th scope="col">{t('mod.when')}</th>
							<th scope="col">{t('mod.who')}</th>
							<th scope="col">{t('mod.what')}</th>
							<th scope="col">{t('mod.target')}</th>
						</tr>
					</thead>
					<tbody>
						{list.map((e) => (
							<tr key={e.id}>
								<td><Time iso={e.created_at} /></td>
								<td>{e.actor ? `@${e.actor}` : t('mod.commandLine')}</td>
								<td>{e.action}</td>
								<td>{e.target_type} {e.target_id ?? ''} {e.detail}</td>
							</tr>
						))}
					</tbody>
				</table>
			)}
		</LoadView>
	);
}

export function Moderation() {
	const t = useT();
	const { session } = useAppState();
	const role = session?.me.role;
	const tabs = [
		['queue', t('mod.queue'), PERM.reports],
		['accounts', t('mod.accounts'), PERM.users],
		['approvals', t('mod.approvals'), PERM.users],
		['domains', t('mod.domains'), PERM.federation],
		['rules', t('mod.rules'), PERM.rules],
		['invites', t('mod.invites'), PERM.invites],
		['audit', t('mod.audit'), PERM.auditLog],
		['health', t('mod.health'), PERM.dashboard | PERM.settings], // admins (PERMS_HEALTH)
	]
		.filter(([, , bit]) => can(role, bit as number))
		.map(([id, label]) => ({ id: id as string, label: label as string }));
	const [tab, setTab] = useState(tabs[0]?.id ?? '');
	if (!tabs.length)
		return (
			<div>
				<PageTitle>{t('title.moderation')}</PageTitle>
				<p>{t('mod.notAllowed')}</p>
			</div>
		);
	return (
		<div class="moderation">
			<PageTitle>{t('title.moderation')}</PageTitle>
			<Tabs tabs={tabs} selected={tab} onSelect={setTab} label={t('title.moderation')} idPrefix="mod" />
			<section id="mod-panel" role="tabpanel" aria-labelledby={`mod-tab-${tab}`}>
				{tab === 'queue' && <QueueTab />}
				{tab === 'accounts' && <AccountsTab />}
				{tab === 'approvals' && <AccountsTab pending />}
				{tab === 'domains' && (
					<ListTab<{ id: string; domain: string; severity: string }>
						path="/api/v1/admin/domain_blocks"
						removePath={(b) => `/api/v1/admin/domain_blocks/${b.id}`}
						field="domain"
						fieldLabel={t('mod.domain')}
						extra={{ severity: 'suspend' }}
						show={(b) => `${b.domain} (${b.severity})`}
						empty={t('mod.noDomains')}
					/>
				)}
				{tab === 'rules' && (
					<ListTab<Rule>
						path="/api/rapport/v1/admin/rules"
						removePath={(r) => `/api/rapport/v1/admin/rules/${r.id}`}
						field="text"
						fieldLabel={t('mod.rule')}
						show={(r) => r.text}
						empty={t('mod.noRules')}
					/>
				)}
				{tab === 'invites' && (
					<ListTab<{ id: string; url: string; uses: number; revoked: boolean }>
						path="/api/rapport/v1/admin/invites"
						removePath={(v) => `/api/rapport/v1/admin/invites/${v.id}`}
						field=""
						fieldLabel=""
						show={(v) => `${v.url} · ${t('mod.uses', { n: v.uses })}${v.revoked ? ` · ${t('mod.revoked')}` : ''}`}
						empty={t('mod.noInvites')}
					/>
				)}
				{tab === 'audit' && <AuditTab />}
				{tab === 'health' && <HealthTab />}
			</section>
		</div>
	);
}
