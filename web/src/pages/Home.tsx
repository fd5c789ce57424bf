/* Home: the composer, then "Conversations | Latest". Conversations is
 * Rapport's ranked feed (/api/rapport/v1/timelines/conversations, each item
 * saying why it is there); Latest is the chronological home timeline. */
import { useState } from 'preact/hooks';
import { Composer } from '../components/Composer';
import { Feed } from '../components/Feed';
import { NotAvailable, PageTitle, Tabs } from '../components/ui';
import { useT } from '../lib/i18n';
import type { Route } from '../lib/router';
import type { Status } from '../lib/types';

const TAB_KEY = 'rapport.homeTab';

export function Home({ route }: { route: Route }) {
	const t = useT();
	const asked = route.query.get('tab');
	const tab = asked === 'latest' || asked === 'conversations' ? asked : (localStorage.getItem(TAB_KEY) ?? 'conversations');
	const [fresh, setFresh] = useState<Status[]>([]);
	const select = (id: string) => {
		localStorage.setItem(TAB_KEY, id);
		location.hash = `#/home?tab=${id}`;
	};
	return (
		<div>
			<PageTitle>{t('nav.home')}</PageTitle>
			<Composer id="compose" onPosted={(s) => setFresh([s, ...fresh])} />
			<Tabs
				label={t('home.feeds')}
				idPrefix="home"
				selected={tab}
				onSelect={select}
				tabs={[
					{ id: 'conversations', label: t('home.conversations') },
					{ id: 'latest', label: t('home.latest') },
				]}
			/>
			<div id="home-panel" role="tabpanel" aria-labelledby={`home-tab-${tab}`}>
				{tab === 'conversations' ? (
					<>
						<p class="tab-intro">{t('home.conversationsIntro')}</p>
						<Feed
							key="conversations"
							label={t('home.conversations')}
							path="/api/rapport/v1/timelines/conversations?limit=20"
							empty={<p>{t('home.conversationsEmpty')}</p>}
							missing={
								<NotAvailable what={t('home.conversations')}>
									<p>{t('home.conversationsMissing')}</p>
									<button type="button" class="secondary" onClick={() => select('latest')}>
										{t('home.showLatest')}
									</button>
								</NotAvailable>
							}
						/>
					</>
				) : (
					<Feed key="latest" label={t('home.latest')} path="/api/v1/timelines/home?limit=20" fresh={fresh} live empty={<p>{t('home.latestEmpty')}</p>} />
				)}
			</div>
		</div>
	);
}
