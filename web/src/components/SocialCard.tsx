/* The social-capital card (GET /api/rapport/v1/accounts/:id/social): one
 * bar per figure, drawn so that a longer bar always reads "more of a good
 * thing" except saturation (drawn in its own colour: a longer bar means
 * more posts nobody answers), each with the server's own sentence. */
import { useT } from '../lib/i18n';
import { getState } from '../lib/state';
import { shortDuration } from '../lib/time';
import type { Figure, SocialCard as Card } from '../lib/types';

const ORDER = ['listening', 'reciprocity', 'follows_returned', 'responsiveness', 'depth', 'saturation', 'trust'];
const DAY_S = 86400;

/* How full a figure's bar is, 0..1, and its value as text; null when the
 * figure has no data yet (the API sends -1). */
export function figureBar(key: string, v: number, lang = getState().lang): { fill: number; text: string } | null {
	if (!Number.isFinite(v) || v < 0) return null;
	const pct = (x: number) => `${Math.round(x * 100)} %`;
	switch (key) {
		case 'reciprocity':
		case 'follows_returned':
		case 'depth':
			return { fill: Math.min(1, v), text: pct(v) };
		case 'responsiveness': /* seconds; an answer within minutes fills the bar, 3 days empties it */
			return { fill: Math.max(0, 1 - Math.log1p(v / 60) / Math.log1p((3 * DAY_S) / 60)), text: shortDuration(v, lang) };
		case 'listening':
		case 'trust':
			return { fill: v / (v + 1), text: v.toFixed(1) };
		case 'saturation':
			return { fill: Math.min(1, v / 10), text: v.toFixed(1) };
		default:
			return { fill: 0, text: String(v) };
	}
}

export function SocialCard({ card }: { card: Card }) {
	const t = useT();
	const keys = [...ORDER.filter((k) => card[k]), ...Object.keys(card).filter((k) => !ORDER.includes(k) && (card[k] as Figure)?.explain !== undefined)];
	const rowH = 28;
	const labelW = 150;
	const barW = 200;
	return (
		<section class="card social-card" aria-labelledby="social-title">
			<h2 id="social-title">{t('social.title')}</h2>
			<p class="muted">{t('social.intro')}</p>
			<svg class="social-chart" viewBox={`0 0 ${labelW + barW + 60} ${keys.length * rowH}`} role="img" aria-labelledby="social-chart-desc">
				<desc id="social-chart-desc">
					{keys
						.map((k) => {
							const b = figureBar(k, card[k].value);
							return `${t(`social.${k}`)}: ${b ? b.text : t('social.noData')}`;
						})
						.join('; ')}
				</desc>
				{keys.map((k, i) => {
					const b = figureBar(k, card[k].value);
					const y = i * rowH;
					return (
						<g key={k} transform={`translate(0 ${y})`}>
							<text x="0" y={rowH / 2 + 5} class="chart-label">
								{t(`social.${k}`)}
							</text>
							<rect x={labelW} y="6" width={barW} height={rowH - 12} rx="4" class="chart-track" />
							{b && <rect x={labelW} y="6" width={Math.max(2, b.fill * barW)} height={rowH - 12} rx="4" class={k === 'saturation' ? 'chart-bar warn' : 'chart-bar'} />}
							<text x={labelW + barW + 8} y={rowH / 2 + 5} class="chart-value">
								{b ? b.text : '\u2014'}
							</text>
						</g>
					);
				})}
			</svg>
			<dl class="figures">
				{keys.map((k) => (
					<div key={k}>
						<dt>{t(`social.${k}`)}</dt>
						<dd>{card[k].explain || t('social.noData')}</dd>
					</div>
				))}
			</dl>
		</section>
	);
}
