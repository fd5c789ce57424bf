/* Public posts with one hashtag. */
import { useT } from '../lib/i18n';
import { Feed } from '../components/Feed';
import { PageTitle } from '../components/ui';

export function Tag({ tag }: { tag: string }) {
	const t = useT();
	return (
		<div>
			<PageTitle>#{tag}</PageTitle>
			<Feed key={tag} label={`#${tag}`} path={`/api/v1/timelines/tag/${encodeURIComponent(tag)}?limit=20`} empty={<p>{t('tag.empty')}</p>} />
		</div>
	);
}
