#!/bin/sh
# Installs the Debian packages Rapport needs to build and test, if missing.
# As root it runs apt-get; otherwise it prints the one command to run.
set -eu
# iproute2 and util-linux: ip and unshare for the https test's network namespace.
PKGS="gcc make pkg-config libmicrohttpd-dev libjansson-dev libsqlite3-dev libsodium-dev
libutf8proc-dev libcurl4-openssl-dev libgumbo-dev libssl-dev libzip-dev libwslay-dev libcmocka-dev python3 python3-pytest
python3-requests python3-mastodon python3-feedparser python3-cryptography python3-aiosmtpd toot tidy curl
sqlite3 clang libclang-rt-14-dev valgrind nginx-light openssl systemd libpq-dev postgresql-15
postgresql-common python3-psycopg2 libvips-dev libmagic-dev ffmpeg
chromium fonts-dejavu-core
iproute2 util-linux"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
# node and npm build the web app (web/: Vite needs node 20.19 or later) and
# run the masto client tests; chromium runs the browser tests (playwright-core
# drives Debian's /usr/bin/chromium; no browser is ever downloaded).
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
	echo "Installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
	echo "Missing Debian packages. Run:"
	echo "  sudo apt-get install -y$missing"
	exit 1
fi
