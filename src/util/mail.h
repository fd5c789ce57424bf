/* mail.h - sending one plain-text e-mail: through an SMTP server with
 * libcurl when a URL is configured (RAPPORT_SMTP_URL), else written to
 * the log, so a server on one machine with no mail still hands out its
 * links. */
#ifndef RAPPORT_MAIL_H
#define RAPPORT_MAIL_H

struct mail {
	const char *from;    /* an address, without angle brackets */
	const char *to;      /* one address; no control bytes (email_valid) */
	const char *subject; /* ASCII, ours */
	const char *body;    /* UTF-8 text, lines separated by \n */
};

/* smtp_url NULL writes the mail to the log. Returns 0, or -1 when the
 * SMTP server refused it or could not be reached (logged). Needs
 * curl_global_init (fetch_init) to have run. */
int mail_send(const char *smtp_url, const struct mail *m);

#endif
