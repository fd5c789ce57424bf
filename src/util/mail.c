/* mail.c - one e-mail through SMTP (libcurl), or into the log (mail.h). */
#include "util/mail.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/util.h"

#include <curl/curl.h>
#include <string.h>
#include <time.h>

#define MAIL_MAX (64 * 1024)
#define MAIL_TIMEOUT_S 15

struct reader {
	const char *p;
	size_t left;
};

static size_t on_read(char *out, size_t size, size_t n, void *arg)
{
	struct reader *r = arg;
	size_t k = size * n < r->left ? size * n : r->left;
	memcpy(out, r->p, k);
	r->p += k;
	r->left -= k;
	return k;
}

/* Appends text with every line ending made CRLF (libcurl doubles a
 * leading "." for SMTP's transparency). */
static int put_lines(struct buf *b, const char *s)
{
	int rc = 0;
	while (*s && !rc) {
		size_t n = strcspn(s, "\r\n");
		rc |= buf_append(b, s, n);
		rc |= buf_puts(b, "\r\n");
		s += n;
		s += *s == '\r' && s[1] == '\n' ? 2 : *s ? 1 : 0;
	}
	return rc;
}

static int compose(struct buf *b, const struct mail *m)
{
	char date[64];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	char id[TOKEN_LEN + 1];
	token_random(id);
	const char *at = strchr(m->from, '@');
	int rc = buf_printf(b,
			    "Date: %s\r\nFrom: <%s>\r\nTo: <%s>\r\nSubject: %s\r\n"
			    "Message-ID: <%s@%s>\r\nMIME-Version: 1.0\r\n"
			    "Content-Type: text/plain; charset=utf-8\r\n"
			    "Content-Transfer-Encoding: 8bit\r\n\r\n",
			    date, m->from, m->to, m->subject, id, at ? at + 1 : "localhost");
	return rc | put_lines(b, m->body);
}

static int smtp_send(const char *url, const struct mail *m, const struct buf *msg)
{
	CURL *h = curl_easy_init();
	if (!h)
		return -1;
	struct reader rd = {msg->data, msg->len};
	char from[300];
	snprintf(from, sizeof from, "<%s>", m->from);
	struct curl_slist *rcpt = curl_slist_append(NULL, m->to);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read);
	curl_easy_setopt(h, CURLOPT_READDATA, &rd);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)MAIL_TIMEOUT_S);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	/* STARTTLS when the server offers it; smtps:// is TLS from the start. */
	curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	CURLcode rc = rcpt ? curl_easy_perform(h) : CURLE_OUT_OF_MEMORY;
	if (rc != CURLE_OK)
		log_error("mail: sending to the SMTP server failed: %s", curl_easy_strerror(rc));
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(h);
	return rc == CURLE_OK ? 0 : -1;
}

int mail_send(const char *smtp_url, const struct mail *m)
{
	struct buf msg;
	buf_init(&msg, MAIL_MAX);
	int rc = compose(&msg, m) ? -1 : 0;
	if (rc == 0 && !smtp_url)
		log_info("mail (no RAPPORT_SMTP_URL) to %s: %s\n%s", m->to, m->subject, m->body);
	else if (rc == 0)
		rc = smtp_send(smtp_url, m, &msg);
	buf_free(&msg);
	return rc;
}
