#!/bin/bash
# apppw-web in a real browser: the MFA user's sign-in with password and
# code, the one failure message, CSRF refusals, "Sign out", the plain
# user's note, and the pages without JavaScript (tests/web/sign_in.py).
. "$(dirname "$0")/lib/test-lib.sh"
. "$(dirname "$0")/lib/browser-lib.sh"
start_slapd "$WEB_SLAPD_DIRECTIVES"
add_web_users
# the walk fails a few sign-ins on purpose, all from 127.0.0.1, and the
# password step of each MFA sign-in counts as a failure until its code
# is right: room enough that the rate limit (t0504's subject) stays out
start_web --signin-failures 10

run_browser sign_in.py

test_expect_success 'the app password made without JavaScript is alice'"'"'s only one' '
	test "$(values "$ALICE" apppwPassword | wc -l)" = 1
	values "$ALICE" apppwPassword | grep -q " label=No script\$"
'

test_done
