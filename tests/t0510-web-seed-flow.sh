#!/bin/bash
# apppw-web in a real browser (headless Chromium, Selenium): the seed's
# five steps for a new user, from "Sign in" to an app password that
# ldapwhoami binds with, its dates in the list, and its revocation
# (tests/web/seed_flow.py).
. "$(dirname "$0")/lib/test-lib.sh"
. "$(dirname "$0")/lib/browser-lib.sh"
start_slapd "$WEB_SLAPD_DIRECTIVES"
add_web_users
start_web --mail-server mail.example.com

test_expect_success 'dave is not MFA-required, and binds with his password' '
	expect_bind_as "$DAVE" "$DAVE_PW"
	test -z "$(values "$DAVE" apppwMFARequired)"
'

run_browser seed_flow.py

test_expect_success 'after the walk: MFA is required for dave; the password alone is refused' '
	test "$(values "$DAVE" apppwMFARequired)" = TRUE
	expect_bind 49 "$DAVE" "$DAVE_PW"
'

test_done
