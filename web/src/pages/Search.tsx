/* Search people, posts and hashtags (/api/v2/search). */
import { useState } from 'preact/hooks';
import { api, qs } from '../lib/api';
import { useT } from '../lib/i18n';
import { href, type Route } from '../lib/router';
import { useLoad } from '../lib/state';
import type { SearchResults } from '../lib/types';
import { StatusCard } from '../components/Status';
import { AccountLine, LoadView, PageTitle } from '../components/ui';

function Results({ q }: { q: string }) {
	const t = useT();
	const [load, reload] = useLoad(() => api<SearchResults>(`/api/v2/search${qs({ q, limit: 20, resolve: true })}`), [q]);
	return (
		<LoadView load={load} retry={reload}>
			{(r) =>
				r.accounts.length + r.statuses.length + r.hashtags.length === 0 ? (
					<p class="empty" role="status">{t('search.none', { q })}</p>
				) : (
					<>
						{r.accounts.length > 0 && (
							<section aria-labelledby="res-people">
								<h2 id="res-people">{t('search.people')}</h2>
								<ul class="people">
									{r.accounts.map((a) => (
										<li key={a.id}>
											<AccountLine account={a} />
										</li>
									))}
								</ul>
							</section>
						)}
						{r.hashtags.length > 0 && (
							<section aria-labelledby="res-tags">
								<h2 id="res-tags">{t('search.tags')}</h2>
								<ul class="tags">
									{r.hashtags.map((h) => (
										<li key={h.name}>
											<a href={href.tag(h.name)}>#{h.name}</a>
										</li>
									))}
								</ul>
							</section>
						)}
						{r.statuses.length > 0 && (
							<section aria-labelledby="res-posts">
								<h2 id="res-posts">{t('search.posts')}</h2>
								<ol class="statuses">
									{r.statuses.map((s) => (
										<li key={s.id}>
											<StatusCard status={s} />
										</li>
									))}
								</ol>
							</section>
						)}
					</>
				)
			}
		</LoadView>
	);
}

export function Search({ route }: { route: Route }) {
	const t = useT();
	const q = route.query.get('q') ?? '';
	const [text, setText] = useState(q);
	return (
		<div>
			<PageTitle>{t('nav.search')}</PageTitle>
			<form
				class="search-form"
				role="search"
				onSubmit={(e) => {
					e.preventDefault();
					if (text.trim()) location.hash = href.search(text.trim());
				}}
			>
				<label for="search-q">{t('search.label')}</label>
				<div class="row">
					<input id="search-q" type="search" value={text} onInput={(e) => setText(e.currentTarget.value)} />
					<button type="submit">{t('nav.search')}</button>
				</div>
			</form>
			{q && <Results q={q} />}
		</div>
	);
}
