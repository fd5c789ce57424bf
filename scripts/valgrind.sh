#!/usr/bin/env bash
# Runs the C unit tests under valgrind; any leak or error fails.
set -u
rc=0
for t in "$@"; do
	echo "== valgrind $t"
	valgrind -q --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
		--error-exitcode=99 "$t" >/dev/null || rc=1
done
exit $rc
