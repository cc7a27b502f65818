#!/bin/bash
# apppw-web in a real browser: a session idle for longer than --idle (6 s
# here) is over (tests/web/idle.py).
. "$(dirname "$0")/lib/test-lib.sh"
. "$(dirname "$0")/lib/browser-lib.sh"
start_slapd "$WEB_SLAPD_DIRECTIVES"
add_web_users
IDLE_SECONDS=6
start_web --idle "$IDLE_SECONDS"

run_browser idle.py IDLE_SECONDS="$IDLE_SECONDS"

test_done
