/* api_lists.h - handlers for lists, search, hashtags and direct
 * conversations (api/lists.c, api/search.c, api/conversations.c). */
#ifndef RAPPORT_API_LISTS_H
#define RAPPORT_API_LISTS_H

#include "http/http.h"

/* lists.c */
void h_lists_index(struct req *r);
void h_lists_create(struct req *r);
void h_lists_get(struct req *r);
void h_lists_update(struct req *r);
void h_lists_delete(struct req *r);
void h_list_accounts(struct req *r);
void h_list_accounts_add(struct req *r);
void h_list_accounts_remove(struct req *r);
void h_account_lists(struct req *r);

/* search.c */
void h_search_v2(struct req *r);
void h_accounts_search(struct req *r);
void h_tags_get(struct req *r);

/* conversations.c */
void h_conversations_index(struct req *r);
void h_conversation_read(struct req *r);
void h_conversation_delete(struct req *r);

#endif
