#!/bin/bash
# "make run"'s demo starts apppw-web beside slapd: WEB_URL in run/demo.env,
# the new (pending) user sets MFA up there, the plain one is told why not, and
# "make stop" stops both.
. "$(dirname "$0")/lib/test-lib.sh"
. "$(dirname "$0")/lib/web-lib.sh"

RUN_DIR="$TEST_DIR/run"
export RUN_DIR
stop_demo() {
	"$SRC_ROOT/tools/demo/demo.sh" stop >/dev/null 2>&1
	stop_web
	cleanup
}
trap stop_demo EXIT

test_expect_success 'demo.sh start: apppw-web runs, WEB_URL in demo.env' '
	"$SRC_ROOT/tools/demo/demo.sh" start "$(free_port)" >"$TEST_DIR/start.out" 2>&1
	. "$RUN_DIR/demo.env"
	test -n "$WEB_URL"
	kill -0 "$(cat "$RUN_DIR/web.pid")"
	grep -q "the self-service page at $WEB_URL (log: run/web.log)" "$TEST_DIR/start.out"
	grep -q "apppw-web pid $(cat "$RUN_DIR/web.pid")" "$TEST_DIR/start.out"
'

. "$RUN_DIR/demo.env" 2>/dev/null || true
WEB_URL=${WEB_URL:-http://127.0.0.1:1}

test_expect_success 'the new user is pending: the set-up from the code page, through the enrol operation' '
	test "$(ldapsearch -LLL -o ldif-wrap=no -x -H "$LDAP_URI" -D "$ADMIN_DN" \
		-w "$ADMIN_PW" -b "$NEW_USER_DN" -s base apppwMFARequired apppwTOTPSecret |
		sed -n "/^apppw/p")" = "apppwMFARequired: TRUE"
	JAR=dave sign_in dave "$NEW_USER_PW"
	expect_status 303
	test "$(header Location)" = /
	JAR=dave web_get /
	grep -q "<button id=\"setup-now\" type=\"submit\">Set it up now</button>" "$TEST_DIR/body"
	JAR=dave web_post /setup
	JAR=dave web_get /setup
	page_text secret | tr -d " " >"$TEST_DIR/secret.dave"
	totp_settle
	JAR=dave web_post /setup/verify "code=$(totp "$(cat "$TEST_DIR/secret.dave")")"
	expect_status 200
	test "$(grep -c "^<li><code>" "$TEST_DIR/body")" = 10
	test "$(ldapsearch -LLL -o ldif-wrap=no -x -H "$LDAP_URI" -D "$ADMIN_DN" \
		-w "$ADMIN_PW" -b "$NEW_USER_DN" -s base apppwTOTPSecret |
		sed -n "s/^apppwTOTPSecret: //p")" = "$(cat "$TEST_DIR/secret.dave")"
'

test_expect_success 'the plain user is told why not' '
	JAR=bob sign_in bob "$PLAIN_USER_PW"
	JAR=bob web_get /home
	grep -q "<p id=\"not-available\">" "$TEST_DIR/body"
'

test_expect_success 'the MFA user signs in with a code' '
	totp_settle
	JAR=alice sign_in alice "$MFA_USER_PW" "$(totp "$MFA_USER_TOTP_SECRET")"
	expect_status 303
	test "$(header Location)" = /apps
	JAR=alice web_get /apps
	grep -q "<td class=\"label\">Demo mail app</td>" "$TEST_DIR/body"
'

test_expect_success 'demo.sh stop stops both' '
	pid=$(cat "$RUN_DIR/web.pid")
	"$SRC_ROOT/tools/demo/demo.sh" stop >"$TEST_DIR/stop.out"
	grep -qx "demo: apppw-web stopped (pid $pid)" "$TEST_DIR/stop.out"
	not kill -0 "$pid" 2>/dev/null
	test ! -e "$RUN_DIR/web.pid"
	grep -q "closing 3 sessions" "$RUN_DIR/web.log"
'

test_done
