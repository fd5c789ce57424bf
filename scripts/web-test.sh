#!/usr/bin/env bash
# The web app's tests:
#   bash scripts/web-test.sh unit                  Vitest, the app's own logic (TAP)
#   bash scripts/web-test.sh browser BIN [SHOTS]   Playwright in Debian's chromium
# The browser tests start BIN themselves (a free 127.0.0.1 port, a fresh
# data directory, the app built by `make` in $B/web) and stop it, failing
# if it did not exit 0 or its log has a sanitizer report. Screenshots of
# every main page at 375 and 1440 px go to SHOTS ($B/screenshots).
# node's test runner ends with "# pass N" / "# fail M".
set -u
cd "$(dirname "$0")/.."
B=${B:-build}

if [ ! -d web/node_modules ] || [ ! -f "$B/web/index.html" ]; then
	echo "the web app is not built: run make" >&2
	exit 1
fi

case "${1:-}" in
unit)
	cd web && exec npx --no-install vitest run --reporter=tap-flat
	;;
browser)
	BIN=${2:-}
	if [ -z "$BIN" ] || [ ! -x "$BIN" ]; then
		echo "usage: $0 browser PATH/TO/rapport [SCREENSHOT_DIR]" >&2
		exit 2
	fi
	if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
		echo "chromium is missing: apt-get install -y chromium" >&2
		exit 1
	fi
	export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
	RAPPORT_BIN=$BIN RAPPORT_WEB_DIR=$B/web SCREENSHOT_DIR=${3:-$B/screenshots} \
		exec node --test --test-reporter=tap web/tests/browser/
	;;
*)
	echo "usage: $0 unit | browser PATH/TO/rapport [SCREENSHOT_DIR]" >&2
	exit 2
	;;
esac
