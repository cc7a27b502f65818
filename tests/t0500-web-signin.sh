#!/bin/bash
# apppw-web's sign-in: a plain account and an MFA-required one (the code
# from oathtool), every failure with the one message, the headers and
# cookie attributes on every answer, and a clean stop on SIGTERM.
. "$(dirname "$0")/lib/test-lib.sh"
. "$(dirname "$0")/lib/web-lib.sh"
start_slapd
start_web

ERROR='The username, password or code is not right.'

test_expect_success 'GET / is the sign-in page, with a pre-sign-in session' '
	web_get /
	expect_status 200
	grep -q "^<html lang=\"en\">" "$TEST_DIR/body"
	grep -q "<label for=\"username\">Username</label>" "$TEST_DIR/body"
	grep -q "<input id=\"username\" name=\"username\"" "$TEST_DIR/body"
	grep -q "<label for=\"password\">Password</label>" "$TEST_DIR/body"
	grep -q "<input id=\"password\" name=\"password\" type=\"password\"" "$TEST_DIR/body"
	grep -q "<button id=\"signin\" type=\"submit\">Sign in</button>" "$TEST_DIR/body"
	grep -Eq "name=\"csrf\" value=\"[0-9a-f]{64}\"" "$TEST_DIR/body"
	grep -q "<a href=\"?lang=sv\"" "$TEST_DIR/body"
	header Set-Cookie | grep -Eqx "apppw_session=[0-9a-f]{64}; Path=/; HttpOnly; SameSite=Strict"
'

test_expect_success 'every answer carries the security headers' '
	for path in / /static/apppw.css /static/apppw.js /nowhere; do
		web_get $path
		test "$(header Content-Security-Policy)" = "default-src '"'"'self'"'"'; script-src '"'"'self'"'"'; style-src '"'"'self'"'"'; img-src '"'"'self'"'"'; object-src '"'"'none'"'"'; base-uri '"'"'none'"'"'; form-action '"'"'self'"'"'; frame-ancestors '"'"'none'"'"'"
		test "$(header X-Frame-Options)" = DENY
		test "$(header Referrer-Policy)" = no-referrer
		test "$(header X-Content-Type-Options)" = nosniff
	done
	web_get /nowhere
	expect_status 404
	web_get /
	test "$(header Cache-Control)" = no-store
'

test_expect_success 'a plain account signs in with its password' '
	sign_in bob "$BOB_PW"
	expect_status 303
	test "$(header Location)" = /home
	header Set-Cookie | grep -Eqx "apppw_session=[0-9a-f]{64}; Path=/; HttpOnly; SameSite=Strict"
	web_get /home
	expect_status 200
	grep -q "<button id=\"signout\">Sign out</button>" "$TEST_DIR/body"
	grep -q "<p id=\"not-available\">" "$TEST_DIR/body"
	not grep -q "setup-now" "$TEST_DIR/body"
	grep -q "signin user=\"bob\" from=127.0.0.1 mfa=no" "$WEB_LOG"
'

test_expect_success 'the session id changes at sign-in' '
	JAR=fix web_get /
	before=$(sed -n "s/.*apppw_session\t//p" "$TEST_DIR/jar.fix")
	JAR=fix web_post /signin username=bob "password=$BOB_PW"
	after=$(sed -n "s/.*apppw_session\t//p" "$TEST_DIR/jar.fix")
	test -n "$before" && test -n "$after" && test "$before" != "$after"
	JAR=old web_get /home -b "apppw_session=$before"
	expect_status 303
	test "$(header Location)" = /
'

test_expect_success 'an MFA-required account signs in with password, then code' '
	totp_settle
	JAR=alice sign_in alice "$ALICE_PW" "$(totp "$ALICE_TOTP")"
	expect_status 303
	test "$(header Location)" = /apps
	JAR=alice web_get /apps
	expect_status 200
	grep -q "<p id=\"no-apps\">" "$TEST_DIR/body"
	grep -q "signin user=\"alice\" from=127.0.0.1 mfa=yes" "$WEB_LOG"
'

test_expect_success 'the code page' '
	JAR=alice2 web_get /
	JAR=alice2 web_post /signin username=alice "password=$ALICE_PW"
	expect_status 303
	JAR=alice2 web_get /
	grep -q "<label for=\"code\">Code</label>" "$TEST_DIR/body"
	grep -q "<input id=\"code\" name=\"code\" autocomplete=\"one-time-code\"" "$TEST_DIR/body"
	grep -q "<button id=\"verify\" type=\"submit\">Verify</button>" "$TEST_DIR/body"
'

test_expect_success 'a wrong code: the sign-in page with the one message' '
	JAR=alice2 web_post /code code=000000
	expect_status 200
	test "$(error_text)" = "$ERROR"
	grep -q "<button id=\"signin\"" "$TEST_DIR/body"
'

test_expect_success 'a wrong password of a plain account: the code, then the message' '
	JAR=w1 sign_in bob wrong-pw 123456
	test "$(error_text)" = "$ERROR"
'

test_expect_success 'an unknown user, an empty password: the message' '
	JAR=w2 sign_in nobody x 123456
	test "$(error_text)" = "$ERROR"
	JAR=w3 web_get /
	JAR=w3 web_post /signin username=bob password=
	expect_status 200
	test "$(error_text)" = "$ERROR"
'

test_expect_success 'signed-in pages send a stranger to the start' '
	for path in /home /apps /setup; do
		JAR=nobody web_get $path
		expect_status 303
		test "$(header Location)" = /
	done
'

test_expect_success 'sign-out ends the session' '
	web_get /home
	web_post /signout
	expect_status 303
	test "$(header Location)" = /
	header Set-Cookie | grep -qx "apppw_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"
	grep -q "signout user=\"bob\"" "$WEB_LOG"
'

test_expect_success 'the log holds no password or code' '
	not grep -e "$BOB_PW" -e "$ALICE_PW" -e wrong-pw "$WEB_LOG"
'

stop_web
test_expect_success 'SIGTERM: a clean stop that closes the sessions' '
	grep -q "stopping on signal 15" "$WEB_LOG"
	grep -q "closing [0-9]* sessions\?$" "$WEB_LOG"
'

test_done
