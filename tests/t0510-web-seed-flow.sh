#!/bin/bash
# apppw-web in a real browser (headless Chromium, Selenium): the seed's
# five steps for a new user an administrator requires MFA for, from "Sign
# in" to an app password that ldapwhoami binds with, its dates in the
# list, and its revocation; recovery codes shown once, one of them signing
# in after the phone is lost (once only), a new authenticator, new codes
# (tests/web/seed_flow.py).
. "$(dirname "$0")/lib/test-lib.sh"
. "$(dirname "$0")/lib/browser-lib.sh"
start_slapd "$WEB_SLAPD_DIRECTIVES"
add_web_users
# the walk fails a few sign-ins on purpose, and each password step counts
# as a failure until its code is right: room for them under the limit
start_web --mail-server mail.example.com --signin-failures 10

test_expect_success 'dave is not MFA-required, and binds with his password' '
	expect_bind_as "$DAVE" "$DAVE_PW"
	test -z "$(values "$DAVE" apppwMFARequired)"
'

run_browser seed_flow.py

test_expect_success 'after the walk: MFA is required for dave; the password alone is refused' '
	test "$(values "$DAVE" apppwMFARequired)" = TRUE
	expect_bind 49 "$DAVE" "$DAVE_PW"
	test "$(values "$DAVE" apppwRecoveryCode | wc -l)" = 10
'

test_expect_success 'each recovery code that signed in is logged by both, by its id alone' '
	grep -c "apppw: BIND dn=\"$DAVE\" password and recovery code id=" "$TEST_DIR/slapd.log" >"$TEST_DIR/n"
	test "$(cat "$TEST_DIR/n")" = 1
	grep -c "signin user=\"dave\" from=127.0.0.1 with a recovery code" "$WEB_LOG" >"$TEST_DIR/n"
	test "$(cat "$TEST_DIR/n")" = 1
'

test_done
