#!/bin/bash
# The seed's flow in apppw-web, through its forms: a user who may enrol
# sets MFA up (QR code and key; oathtool's code), nothing stored before
# the code verifies, then the secret and the flag in one modify; the first
# app password works for a bind and is shown once; revoke and revoke all
# refuse it again. A user whose entry cannot take MFA sees why not.
. "$(dirname "$0")/lib/test-lib.sh"
. "$(dirname "$0")/lib/web-lib.sh"
start_slapd
start_web --mail-server imap.example.com
PW_RE='^[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){4}$'

test_expect_success 'an entry without apppwUser may not enrol: the note' '
	as_admin ldapadd >/dev/null <<-EOF
	dn: uid=frank,ou=people,$BASE_DN
	objectClass: inetOrgPerson
	uid: frank
	cn: frank
	sn: frank
	userPassword: frank-pw
	EOF
	JAR=frank sign_in frank frank-pw
	JAR=frank web_get /home
	test "$(page_text not-available)" = "These options are not available to you, because MFA is not required for your account. Ask your administrator."
	not grep -q setup-now "$TEST_DIR/body"
	JAR=frank web_post /setup
	expect_status 303
	test "$(header Location)" = /home
'

test_expect_success 'the may-enrol check changed nothing (No-Op control)' '
	test -z "$(values "$BOB" apppwMFARequired)"
	test -z "$(values "$BOB" apppwTOTPSecret)"
'

test_expect_success 'bob may: Set it up now shows the QR code, key, issuer, account' '
	sign_in bob "$BOB_PW"
	web_get /home
	grep -q "<button id=\"setup-now\" type=\"submit\">Set it up now</button>" "$TEST_DIR/body"
	web_post /setup
	expect_status 303
	test "$(header Location)" = /setup
	web_get /setup
	expect_status 200
	grep -q "<div id=\"qr\"><svg xmlns=\"http://www.w3.org/2000/svg\"" "$TEST_DIR/body"
	page_text secret | grep -Eqx "[A-Z2-7]{4}( [A-Z2-7]{4}){7}"
	test "$(page_text issuer)" = example.com
	test "$(page_text account)" = bob@example.com
	grep -q "<input id=\"code\" name=\"code\"" "$TEST_DIR/body"
	grep -q "<button id=\"next\" type=\"submit\">Next</button>" "$TEST_DIR/body"
	test "$(header Cache-Control)" = no-store
	page_text secret | tr -d " " >"$TEST_DIR/secret.bob"
'

test_expect_success 'a wrong code: the message, and nothing stored' '
	web_post /setup/verify code=000000
	expect_status 200
	test "$(error_text)" = "The code is not right. Check that your phone'"'"'s clock is right and try again."
	test -z "$(values "$BOB" apppwMFARequired)"
	test -z "$(values "$BOB" apppwTOTPSecret)"
'

test_expect_success 'the right code: secret and flag stored, on to the app passwords' '
	totp_settle
	web_post /setup/verify "code=$(totp "$(cat "$TEST_DIR/secret.bob")")"
	expect_status 303
	test "$(header Location)" = /apps
	test "$(values "$BOB" apppwMFARequired)" = TRUE
	test "$(values "$BOB" apppwTOTPSecret)" = "$(cat "$TEST_DIR/secret.bob")"
	grep -q "enrol user=\"bob\" from=127.0.0.1: MFA is now required" "$WEB_LOG"
	web_get /apps
	expect_status 200
	test "$(page_text no-apps)" = "You have no app passwords."
'

test_expect_success 'the password alone no longer binds bob' '
	expect_bind_refused "$BOB" "$BOB_PW"
'

test_expect_success 'create: shown once, grouped, no-store; it binds' '
	web_post /create "label=Mail on my phone"
	expect_status 200
	test "$(header Cache-Control)" = no-store
	page_text app-password >"$TEST_DIR/app.pw"
	grep -Eq "$PW_RE" "$TEST_DIR/app.pw"
	test "$(page_text server)" = imap.example.com
	test "$(page_text username)" = bob
	grep -q "<button id=\"copy\" type=\"button\" hidden" "$TEST_DIR/body"
	grep -q "<a id=\"done\" href=\"/apps\">Done</a>" "$TEST_DIR/body"
	expect_bind 0 "$BOB" "$(cat "$TEST_DIR/app.pw")"
	grep -q "create user=\"bob\" from=127.0.0.1 id=$(cut -c1-4 "$TEST_DIR/app.pw")\$" "$WEB_LOG"
'

test_expect_success 'the list: one row, its dates as <time>' '
	web_get /apps
	id=$(cut -c1-4 "$TEST_DIR/app.pw")
	grep -q "<tr class=\"app\" data-id=\"$id\"><td class=\"label\">Mail on my phone</td>" "$TEST_DIR/body"
	grep -Eq "<td class=\"created\"><time datetime=\"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z\">[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}</time></td>" "$TEST_DIR/body"
	grep -Eq "<td class=\"last-used\"><time datetime=\"[^\"]*Z\">[0-9: -]{16}</time> <span class=\"from\">from 127.0.0.1</span></td>" "$TEST_DIR/body"
	grep -q "<td class=\"expires\">Never</td><td class=\"scope\">Any</td>" "$TEST_DIR/body"
	grep -q "<button class=\"revoke\" type=\"submit\">Revoke</button>" "$TEST_DIR/body"
	grep -q "<button id=\"revoke-all\" type=\"submit\">Revoke all</button>" "$TEST_DIR/body"
'

test_expect_success 'an expiry in days' '
	web_post /create label=Laptop expires=30
	expect_status 200
	page_text app-password >"$TEST_DIR/app2.pw"
	web_get /apps
	grep -Eq "<td class=\"expires\"><time datetime=\"$(date -u -d "+30 days" +%Y-%m-%d)T" "$TEST_DIR/body"
	web_post /create label=Bad expires=0
	test "$(error_text)" = "The expiry must be a number of days, from 1 to 3650."
'

test_expect_success 'apppw-max-idle on the server: the end and its reason; past it, Expired' '
	config_set olcApppwMaxIdle 10d
	web_get /apps
	grep -o "<tr class=\"app\".*" "$TEST_DIR/body"
	values "$BOB" apppwLastUsed
	id=$(cut -c1-4 "$TEST_DIR/app.pw")
	used=$(values "$BOB" apppwLastUsed | sed -n "s/^$id \([0-9]\{8\}\).*/\1/p")
	end=$(date -u -d "$used +10 days" +%Y-%m-%d)
	grep -Eq "<tr class=\"app\" data-id=\"$id\">.*<td class=\"expires\"><time datetime=\"${end}T[0-9:]{8}Z\">[0-9: -]{16}</time> <span class=\"why\">if still unused</span></td>" "$TEST_DIR/body"
	config_set olcApppwMaxIdle 1
	sleep 1
	web_get /apps
	grep -o "<tr class=\"app\".*" "$TEST_DIR/body"
	grep -Eq "<tr class=\"app\" data-id=\"$id\">.*<span class=\"why\">if still unused</span> <strong class=\"expired\">Expired</strong></td>" "$TEST_DIR/body"
	config_set olcApppwMaxIdle 0
'

test_expect_success 'revoke asks first, then the app password is refused' '
	id=$(cut -c1-4 "$TEST_DIR/app.pw")
	web_get /apps
	web_post /revoke "id=$id"
	expect_status 200
	grep -q "<input type=\"hidden\" name=\"confirm\" value=\"yes\">" "$TEST_DIR/body"
	grep -q "<button id=\"confirm\" type=\"submit\">Revoke</button>" "$TEST_DIR/body"
	grep -q "<a id=\"cancel\" href=\"/apps\">Cancel</a>" "$TEST_DIR/body"
	expect_bind 0 "$BOB" "$(cat "$TEST_DIR/app.pw")"
	web_post /revoke "id=$id" confirm=yes
	expect_status 303
	test "$(header Location)" = /apps
	expect_bind_refused "$BOB" "$(cat "$TEST_DIR/app.pw")"
	expect_bind 0 "$BOB" "$(cat "$TEST_DIR/app2.pw")"
	grep -q "revoke user=\"bob\" from=127.0.0.1 id=$id\$" "$WEB_LOG"
'

test_expect_success 'revoke all' '
	web_get /apps
	web_post /revoke-all
	expect_status 200
	grep -q "<button id=\"confirm\" type=\"submit\">Revoke</button>" "$TEST_DIR/body"
	web_post /revoke-all confirm=yes
	expect_status 303
	expect_bind_refused "$BOB" "$(cat "$TEST_DIR/app2.pw")"
	test -z "$(values "$BOB" apppwPassword)"
'

test_expect_success 'no secret in the log, and none in a URL' '
	not grep -e "$BOB_PW" -e "$(cat "$TEST_DIR/secret.bob")" \
		-e "$(cat "$TEST_DIR/app.pw")" -e "$(cat "$TEST_DIR/app2.pw")" "$WEB_LOG"
	not grep -i "password=\|code=\|secret=" "$TEST_DIR/slapd.log"
'

test_done
