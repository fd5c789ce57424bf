/* Running a community, the pages around moderation that are not the
 * moderators' queue: your account's standing (the warnings moderators
 * gave you, and a notice of the latest), the audit of an archive you
 * upload (the server reads it: /api/rapport/v1/audit), and the admins'
 * instance health (/api/rapport/v1/admin/health). */
import { useEffect, useState } from 'preact/hooks';
import { api, apiForm, ApiError } from '../lib/api';
import { useT } from '../lib/i18n';
import { asApiError, useAppState, useLoad } from '../lib/state';
import type { AccountWarning } from '../lib/types';
import { ErrorBox, LoadView, PageTitle, Time } from '../components/ui';

const WARNINGS = '/api/rapport/v1/account/warnings';
const NOTICE_DAYS = 30;
const SEEN_KEY = 'rapport.warning.seen';

function Back() {
	const t = useT();
	return <p><a href="#/settings">{t('account.back')}</a></p>;
}

function WarningItem({ w }: { w: AccountWarning }) {
	const t = useT();
	return (
		<li class="card warning-item">
			<p>
				<strong>{t(`standing.action.${w.action}`)}</strong> · <Time iso={w.created_at} />
			</p>
			{w.text && <blockquote>{w.text}</blockquote>}
			{w.status_ids.length > 0 && (
				<p class="muted">
					{t('standing.posts')}{' '}
					{w.status_ids.map((id, i) => (
						<span key={id}>
							{i > 0 && ', '}
							<a href={`#/thread/${id}`}>#{i + 1}</a>
						</span>
					))}
				</p>
			)}
		</li>
	);
}

export function StandingPage() {
	const t = useT();
	const [load, reload] = useLoad(() => api<AccountWarning[]>(WARNINGS), []);
	return (
		<div>
			<PageTitle>{t('title.standing')}</PageTitle>
			<Back />
			<LoadView load={load} retry={reload}>
				{(list) =>
					list.length === 0 ? (
						<p class="card">{t('standing.good')}</p>
					) : (
						<>
							<p>{t('standing.intro')}</p>
							<ol class="plain-list stack">
								{list.map((w) => <WarningItem key={w.id} w={w} />)}
							</ol>
						</>
					)
				}
			</LoadView>
		</div>
	);
}

/* The latest warning of the last NOTICE_DAYS days, until dismissed (by
 * its id, in this browser). Nothing while it loads or if it fails: the
 * standing page says the same. */
export function WarningNotice() {
	const t = useT();
	const { session } = useAppState();
	const [latest, setLatest] = useState<AccountWarning | null>(null);
	const token = session?.token;
	useEffect(() => {
		setLatest(null);
		if (!token) return;
		api<AccountWarning[]>(WARNINGS).then(
			(list) => {
				const w = list[0];
				const fresh = w && Date.parse(w.created_at) > Date.now() - NOTICE_DAYS * 86400000;
				if (fresh && localStorage.getItem(SEEN_KEY) !== w.id) setLatest(w);
			},
			() => undefined,
		);
	}, [token]);
	if (!latest) return null;
	const dismiss = () => {
		localStorage.setItem(SEEN_KEY, latest.id);
		setLatest(null);
	};
	return (
		<div class="flash warning-notice" role="status">
			<p>
				{t('standing.notice', { action: t(`standing.action.${latest.action}`) })}{' '}
				<a href="#/settings/standing">{t('title.standing')}</a>
			</p>
			<button type="button" class="secondary" onClick={dismiss}>
				{t('dismiss')}
			</button>
		</div>
	);
}

/* ---- the audit of an archive ---- */

interface AuditReport {
	source: string;
	counts: { posts: number; originals: number; replies: number; shares: number };
	listening: number | null;
	reciprocity: number | null;
	replies_share: number | null;
	broadcast_share: number | null;
	self_promotion: number | null;
	link_only: number | null;
	unanswered_mentions: { people: number; unanswered: number; share: number | null };
	saturation: { active_days: number; max_per_day: number };
}

function pct(v: number | null | undefined): string {
	return typeof v === 'number' ? `${Math.round(v * 100)} %` : '–';
}

function Figures({ r }: { r: AuditReport }) {
	const t = useT();
	const rows: [string, string][] = [
		['audit.posts', String(r.counts.posts)],
		['audit.listening', pct(r.listening)],
		['audit.reciprocity', pct(r.reciprocity)],
		['audit.replies', pct(r.replies_share)],
		['audit.broadcasts', pct(r.broadcast_share)],
		['audit.selfPromotion', pct(r.self_promotion)],
		['audit.linkOnly', pct(r.link_only)],
		['audit.unanswered', pct(r.unanswered_mentions?.share)],
		['audit.maxPerDay', String(r.saturation?.max_per_day ?? 0)],
	];
	return (
		<dl class="audit-figures">
			{rows.map(([k, v]) => (
				<div key={k}>
					<dt>{t(k)}</dt>
					<dd>{v}</dd>
				</div>
			))}
		</dl>
	);
}

export function AuditPage() {
	const t = useT();
	const [file, setFile] = useState<File | null>(null);
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState<ApiError | null>(null);
	const [result, setResult] = useState<{ report: AuditReport; url: string } | null>(null);
	useEffect(() => () => { if (result) URL.revokeObjectURL(result.url); }, [result]);
	const submit = async (e: Event) => {
		e.preventDefault();
		if (!file) return;
		setBusy(true);
		setError(null);
		setResult(null);
		const form = new FormData();
		form.append('file', file);
		try {
			const got = await apiForm<{ report: AuditReport; html: string }>('/api/rapport/v1/audit', form);
			const url = URL.createObjectURL(new Blob([got.html], { type: 'text/html' }));
			setResult({ report: got.report, url });
		} catch (err) {
			setError(asApiError(err));
		}
		setBusy(false);
	};
	return (
		<div>
			<PageTitle>{t('title.audit')}</PageTitle>
			<Back />
			<form class="card stack" onSubmit={submit} aria-labelledby="audit-heading">
				<h2 id="audit-heading">{t('audit.heading')}</h2>
				<p class="muted">{t('audit.intro')}</p>
				<div class="field">
					<label for="audit-file">{t('audit.file')}</label>
					<input id="audit-file" type="file" accept=".zip,.json,.js" onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />
				</div>
				<div class="row">
					<button type="submit" disabled={!file || busy}>
						{busy ? t('audit.reading') : t('audit.submit')}
					</button>
				</div>
				{error && <ErrorBox error={error} />}
			</form>
			{result && (
				<section class="card" aria-labelledby="audit-result">
					<h2 id="audit-result">{t('audit.result', { source: result.report.source === 'x' ? 'X' : 'Mastodon' })}</h2>
					<Figures r={result.report} />
					<p>
						<a href={result.url} download="report.html">{t('audit.download')}</a>
					</p>
				</section>
			)}
		</div>
	);
}

/* ---- instance health (a tab of the moderators' area) ---- */

interface HealthDay {
	day: string;
	automated: number;
	templated: number;
	follow_churn: number;
	posts: number;
	conversational: number;
}

interface Health {
	days: HealthDay[];
	trust: { from: number; to: number | null; accounts: number }[];
}

const W = 600;
const H = 120;

/* Bars per day, oldest on the left; each series one colour class. */
function DayBars({ days, series, label }: { days: HealthDay[]; series: (keyof HealthDay)[]; label: string }) {
	const old = [...days].reverse();
	const max = Math.max(1, ...old.flatMap((d) => series.map((k) => Number(d[k]))));
	const bw = W / old.length;
	return (
		<svg class="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label}>
			{old.map((d, i) =>
				series.map((k, j) => {
					const h = (Number(d[k]) / max) * (H - 4);
					const w = (bw - 2) / series.length;
					return <rect key={`${i}-${k}`} class={`bar s${j}`} x={i * bw + j * w} y={H - h} width={w} height={h} />;
				}),
			)}
		</svg>
	);
}

function range(b: Health['trust'][number]): string {
	if (b.to === 0) return '0';
	return b.to === null ? `≥ ${b.from}` : `${b.from}–${b.to}`;
}

function HealthView({ h }: { h: Health }) {
	const t = useT();
	const posts = h.days.reduce((n, d) => n + d.posts, 0);
	const talk = h.days.reduce((n, d) => n + d.conversational, 0);
	const maxTrust = Math.max(1, ...h.trust.map((b) => b.accounts));
	return (
		<div class="stack health">
			<section class="card" aria-labelledby="health-talk">
				<h2 id="health-talk">{t('health.talk')}</h2>
				<p class="health-share">{t('health.share', { share: pct(posts ? talk / posts : null), n: posts })}</p>
				<DayBars days={h.days} series={['posts', 'conversational']} label={t('health.talkChart')} />
				<p class="muted legend"><span class="key s0" /> {t('health.posts')} <span class="key s1" /> {t('health.conversational')}</p>
			</section>
			<section class="card" aria-labelledby="health-flags">
				<h2 id="health-flags">{t('health.flags')}</h2>
				<DayBars days={h.days} series={['automated', 'templated', 'follow_churn']} label={t('health.flagsChart')} />
				<p class="muted legend">
					<span class="key s0" /> {t('health.automated')} <span class="key s1" /> {t('health.templated')} <span class="key s2" /> {t('health.churn')}
				</p>
			</section>
			<section class="card" aria-labelledby="health-trust">
				<h2 id="health-trust">{t('health.trust')}</h2>
				<p class="muted">{t('health.trustIntro')}</p>
				<table class="trust-table">
					<thead>
						<tr>
							<th scope="col">{t('health.trustRange')}</th>
							<th scope="col">{t('health.accounts')}</th>
						</tr>
					</thead>
					<tbody>
						{h.trust.map((b) => (
							<tr key={range(b)}>
								<th scope="row">{range(b)}</th>
								<td>
									<svg class="trust-bar" width="160" height="12" aria-hidden="true">
										<rect class="bar s0" width={(b.accounts / maxTrust) * 160} height="12" />
									</svg>{' '}
									{b.accounts}
								</td>
							</tr>
						))}
					</tbody>
				</table>
			</section>
			<details class="card">
				<summary>{t('health.table')}</summary>
				<table class="audit">
					<thead>
						<tr>
							<th scope="col">{t('mod.when')}</th>
							<th scope="col">{t('health.posts')}</th>
							<th scope="col">{t('health.conversational')}</th>
							<th scope="col">{t('health.automated')}</th>
							<th scope="col">{t('health.templated')}</th>
							<th scope="col">{t('health.churn')}</th>
						</tr>
					</thead>
					<tbody>
						{h.days.map((d) => (
							<tr key={d.day}>
								<td><Time iso={d.day} /></td>
								<td>{d.posts}</td>
								<td>{d.conversational}</td>
								<td>{d.automated}</td>
								<td>{d.templated}</td>
								<td>{d.follow_churn}</td>
							</tr>
						))}
					</tbody>
				</table>
			</details>
		</div>
	);
}

export function HealthTab() {
	const [load, reload] = useLoad(() => api<Health>('/api/rapport/v1/admin/health'), []);
	return (
		<LoadView load={load} retry={reload}>
			{(h) => <HealthView h={h} />}
		</LoadView>
	);
}
