/* The parts of Mastodon's entities (and Rapport's additions) the app reads. */

export interface Account {
	id: string;
	username: string;
	acct: string;
	display_name: string;
	note: string;
	url: string;
	avatar: string;
	avatar_static?: string;
	header?: string;
	locked: boolean;
	bot: boolean;
	created_at: string;
	statuses_count: number;
	followers_count: number;
	following_count: number;
	fields?: { name: string; value: string; verified_at: string | null }[];
	source?: { note: string; privacy?: string; language?: string };
	/* The credential account's role (Mastodon 4): permissions is a bit set. */
	role?: Role;
}

export interface Role {
	id: string;
	name: string;
	permissions: string;
}

export interface Rule {
	id: string;
	text: string;
	hint: string;
}

export interface Mention {
	id: string;
	username: string;
	acct: string;
	url: string;
}

export interface Media {
	id: string;
	type: string;
	url: string;
	preview_url: string | null;
	description: string | null;
}

export interface RapportStatusInfo {
	why?: string;
	flags?: string[];
	more?: number;
	more_label?: string;
}

export interface Status {
	id: string;
	created_at: string;
	edited_at?: string | null;
	in_reply_to_id: string | null;
	in_reply_to_account_id: string | null;
	visibility: 'public' | 'unlisted' | 'private' | 'direct';
	spoiler_text: string;
	sensitive: boolean;
	content: string;
	url: string | null;
	account: Account;
	reblog: Status | null;
	mentions: Mention[];
	tags: { name: string; url: string }[];
	media_attachments: Media[];
	replies_count: number;
	reblogs_count: number;
	favourites_count: number;
	favourited?: boolean;
	reblogged?: boolean;
	bookmarked?: boolean;
	rapport?: RapportStatusInfo;
	poll?: Poll | null;
	card?: PreviewCard | null;
}

export interface Context {
	ancestors: Status[];
	descendants: Status[];
}

export interface Relationship {
	id: string;
	following: boolean;
	followed_by: boolean;
	requested: boolean;
	blocking: boolean;
	muting: boolean;
	note: string;
}

/* What a moderator told an account (Mastodon's AccountWarning). */
export interface AccountWarning {
	id: string;
	action: string;
	text: string;
	status_ids: string[];
	created_at: string;
}

export interface Notification {
	id: string;
	type: string;
	created_at: string;
	account: Account;
	status?: Status | null;
	moderation_warning?: AccountWarning | null;
}

export interface Conversation {
	id: string;
	unread: boolean;
	accounts: Account[];
	last_status: Status | null;
}

export interface NotificationRequest {
	id: string;
	created_at: string;
	account: Account;
	notifications_count?: string | number;
	last_status?: Status | null;
}

export interface Figure {
	value: number;
	explain: string;
}

export type SocialCard = Record<string, Figure>;

export interface SearchResults {
	accounts: Account[];
	statuses: Status[];
	hashtags: { name: string; url: string }[];
}

export interface InstanceV2 {
	title: string;
	description?: string;
	usage?: { users?: { active_month?: number } };
	configuration?: {
		statuses?: { max_characters?: number; characters_reserved_per_url?: number };
		polls?: { max_options: number; max_characters_per_option: number; min_expiration: number; max_expiration: number };
		urls?: { streaming?: string };
	};
	registrations?: { enabled: boolean; approval_required?: boolean; message?: string | null };
}

export interface TokenResponse {
	access_token: string;
	token_type: string;
	scope: string;
}

export interface AppRegistration {
	client_id: string;
	client_secret: string;
	redirect_uri: string;
	/* The scopes it was registered with: an app registered with fewer
	 * (before the admin scopes) is registered again. */
	scopes?: string;
}

/* Mastodon's Poll: votes_count of an option is null while hide_totals
 * hides it; voted and own_votes only for a signed-in viewer. */
export interface Poll {
	id: string;
	expires_at: string | null;
	expired: boolean;
	multiple: boolean;
	votes_count: number;
	voters_count: number | null;
	options: { title: string; votes_count: number | null }[];
	voted?: boolean;
	own_votes?: number[];
}

/* Mastodon's PreviewCard: a link's title, description, image, provider. */
export interface PreviewCard {
	url: string;
	title: string;
	description: string;
	type: string;
	provider_name: string;
	provider_url: string;
	image: string | null;
}
