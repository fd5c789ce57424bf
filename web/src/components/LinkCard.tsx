/* A link's preview card (Mastodon's PreviewCard): title, description,
 * provider and image, all as text and plain attributes; only http(s)
 * links and images are shown. */
import type { PreviewCard } from '../lib/types';

const WEB = /^https?:\/\//i;

export function LinkCard({ card }: { card: PreviewCard }) {
	if (!WEB.test(card.url) || !card.title) return null;
	return (
		<a class="link-card" href={card.url} target="_blank" rel="noopener noreferrer nofollow">
			{card.image && WEB.test(card.image) && <img src={card.image} alt="" loading="lazy" referrerpolicy="no-referrer" />}
			<span class="link-card-text">
				{card.provider_name && <span class="link-card-provider">{card.provider_name}</span>}
				<strong class="link-card-title">{card.title}</strong>
				{card.description && <span class="link-card-desc">{card.description}</span>}
			</span>
		</a>
	);
}
