#!/bin/bash
# apppw-web in a real browser: Swedish from Accept-Language and from the
# #lang switch, with po/sv.po's texts; and the end of a session idle for
# longer than --idle, on a second apppw-web started with a short one
# (tests/web/language_idle.py).
. "$(dirname "$0")/lib/test-lib.sh"
. "$(dirname "$0")/lib/browser-lib.sh"
start_slapd "$WEB_SLAPD_DIRECTIVES"
add_web_users
IDLE_SECONDS=3
start_web --idle "$IDLE_SECONDS"
IDLE_WEB_URL=$WEB_URL
start_web

run_browser language_idle.py IDLE_WEB_URL="$IDLE_WEB_URL" IDLE_SECONDS="$IDLE_SECONDS"

test_done
