#include "util/log.h"
#include "util/util.h"

#include <stdarg.h>
#include <stdio.h>

enum log_level log_min_level = LOG_INFO;

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	static const char *names[] = {"debug", "info", "warn", "error"};
	if (lvl < log_min_level)
		return;
	char ts[32], line[2048];
	time_format(now_ms(), ts, sizeof ts);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	/* One fprintf per line so concurrent threads do not interleave. */
	fprintf(stderr, "%s %s %s\n", ts, names[lvl], line);
}
