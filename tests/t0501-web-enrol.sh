#!/bin/bash
# The seed's flow in apppw-web, through its forms: users cannot require
# MFA for themselves; once an administrator has, the pending user's
# password leads to the code page, whose "Set it up now" sets MFA up (QR
# code and key; oathtool's code), nothing sent before the code verifies,
# then the secret stored by the enrol extended operation, and the session
# signed in with the next code; a refused set-up says no more than a
# refused sign-in. The first app password works for a bind and is shown
# once; revoke and revoke all refuse it again; an MFA session replaces its
# authenticator. A user whose account is not MFA-required sees why not.
. "$(dirname "$0")/lib/test-lib.sh"
. "$(dirname "$0")/lib/web-lib.sh"
# codes of several steps either side bind, so that a code of a later
# step than the session's own is at hand (test-lib's next_totp)
start_slapd "apppw-totp-window $TOTP_WIDE_WINDOW"
start_web --mail-server imap.example.com --signin-failures 10
PW_RE='^[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){4}$'

# the code page's body without its CSRF token, which differs each time
code_page_shape() {
	sed 's/name="csrf" value="[0-9a-f]*"/name="csrf"/' "$TEST_DIR/body"
}

test_expect_success 'a plain account signs in with its password: the note, no set-up' '
	as_admin ldapadd >/dev/null <<-EOF
	dn: uid=frank,ou=people,$BASE_DN
	objectClass: inetOrgPerson
	uid: frank
	cn: frank
	sn: frank
	userPassword: frank-pw
	EOF
	JAR=frank sign_in frank frank-pw
	test "$(header Location)" = /home
	JAR=frank web_get /home
	test "$(page_text not-available)" = "These options are not available to you, because MFA is not required for your account. Ask your administrator."
	not grep -q setup-now "$TEST_DIR/body"
	JAR=frank web_post /setup
	expect_status 303
	test "$(header Location)" = /home
	JAR=bob sign_in bob "$BOB_PW"
	JAR=bob web_get /home
	test "$(page_text not-available)" = "These options are not available to you, because MFA is not required for your account. Ask your administrator."
'

test_expect_success 'users do not set their own MFA flag (the ACLs)' '
	rc=0
	modify_as "$BOB" "$BOB_PW" "$BOB" replace apppwMFARequired TRUE >"$TEST_DIR/out" 2>&1 || rc=$?
	test "$rc" = 50
	test -z "$(values "$BOB" apppwMFARequired)"
'

test_expect_success 'an administrator requires MFA for bob: pending, his password alone refused' '
	require_mfa "$BOB"
	test -z "$(values "$BOB" apppwTOTPSecret)"
	expect_bind_refused "$BOB" "$BOB_PW"
'

test_expect_success 'after the password, the code page: the code (or a recovery code) and Set it up now' '
	sign_in bob "$BOB_PW"
	expect_status 303
	test "$(header Location)" = /
	web_get /
	expect_status 200
	grep -q "<form method=\"post\" action=\"/code\">" "$TEST_DIR/body"
	grep -q "<input id=\"code\" name=\"code\" autocomplete=\"one-time-code\" autocapitalize=\"none\" spellcheck=\"false\" maxlength=\"40\" aria-describedby=\"code-hint\" required>" "$TEST_DIR/body"
	test "$(page_text code-hint)" = "The 6-digit code from your app, or a recovery code."
	grep -q "<form method=\"post\" action=\"/setup\">" "$TEST_DIR/body"
	grep -q "<button id=\"setup-now\" type=\"submit\">Set it up now</button>" "$TEST_DIR/body"
	code_page_shape >"$TEST_DIR/code-page.bob"
'

test_expect_success 'the same page after a wrong password, an unknown user, an enrolled account' '
	JAR=x1 sign_in bob wrong-pw
	JAR=x1 web_get /
	code_page_shape >"$TEST_DIR/code-page.x1"
	JAR=x2 sign_in nobody nobody-pw
	JAR=x2 web_get /
	code_page_shape >"$TEST_DIR/code-page.x2"
	JAR=x3 sign_in alice "$ALICE_PW"
	JAR=x3 web_get /
	code_page_shape >"$TEST_DIR/code-page.x3"
	cmp "$TEST_DIR/code-page.bob" "$TEST_DIR/code-page.x1"
	cmp "$TEST_DIR/code-page.bob" "$TEST_DIR/code-page.x2"
	cmp "$TEST_DIR/code-page.bob" "$TEST_DIR/code-page.x3"
'

test_expect_success 'Set it up now: the QR code, key, issuer, account (the DN'"'"'s, unread)' '
	web_get /
	web_post /setup
	expect_status 303
	test "$(header Location)" = /setup
	web_get /setup
	expect_status 200
	grep -q "<div id=\"qr\"><svg xmlns=\"http://www.w3.org/2000/svg\"" "$TEST_DIR/body"
	page_text secret | grep -Eqx "[A-Z2-7]{4}( [A-Z2-7]{4}){7}"
	test "$(page_text issuer)" = example.com
	test "$(page_text account)" = bob
	grep -q "<input id=\"code\" name=\"code\"" "$TEST_DIR/body"
	grep -q "<button id=\"next\" type=\"submit\">Next</button>" "$TEST_DIR/body"
	not grep -q "id=\"replaces\"" "$TEST_DIR/body"
	not grep -q "id=\"signout\"" "$TEST_DIR/body"
	test "$(header Cache-Control)" = no-store
	page_text secret | tr -d " " >"$TEST_DIR/secret.bob"
'

test_expect_success 'a wrong code: the message, nothing sent, nothing stored' '
	web_post /setup/verify code=000000
	expect_status 200
	test "$(error_text)" = "The code is not right. Check that your phone'"'"'s clock is right and try again."
	test -z "$(values "$BOB" apppwTOTPSecret)"
	not grep -q "ENROL dn=\"$BOB\"" "$TEST_DIR/slapd.log"
'

test_expect_success 'the right code: the enrol operation stores the secret; the recovery codes; signed in with the next code' '
	totp_settle
	web_post /setup/verify "code=$(totp "$(cat "$TEST_DIR/secret.bob")")"
	expect_status 200
	grep -q "<h1>Your recovery codes</h1>" "$TEST_DIR/body"
	grep -q "<a id=\"continue\" href=\"/apps\">Continue</a>" "$TEST_DIR/body"
	test "$(values "$BOB" apppwMFARequired)" = TRUE
	test "$(values "$BOB" apppwTOTPSecret)" = "$(cat "$TEST_DIR/secret.bob")"
	grep -q "ENROL dn=\"$BOB\" TOTP authenticator enrolled" "$TEST_DIR/slapd.log"
	grep -q "enrol user=\"bob\" from=127.0.0.1: first authenticator set up" "$WEB_LOG"
	grep -q "signin user=\"bob\" from=127.0.0.1 mfa=yes" "$WEB_LOG"
	web_get /apps
	expect_status 200
	test "$(page_text no-apps)" = "You have no app passwords."
	grep -q "id=\"signout\"" "$TEST_DIR/body"
'

test_expect_success 'the password alone still does not bind bob' '
	expect_bind_refused "$BOB" "$BOB_PW"
'

test_expect_success 'set-up refused, one message, whatever the reason: wrong password, enrolled, unknown' '
	add_user pat pat-pw >/dev/null &&
	require_mfa "uid=pat,ou=people,$BASE_DN"
	for who in "pat wrong-pw" "alice $ALICE_PW" "nobody nobody-pw"; do
		set -- $who
		JAR=r$1 enrol "$1" "$2"
		expect_status 200 &&
		test "$(error_text)" = "The username, password or code is not right." &&
		grep -q "<button id=\"signin\"" "$TEST_DIR/body" || return 1
	done
	test -z "$(values "uid=pat,ou=people,$BASE_DN" apppwTOTPSecret)"
	test "$(values "$ALICE" apppwTOTPSecret)" = "$ALICE_TOTP"
	grep -q "enrol user=\"pat\" from=127.0.0.1 refused: Invalid credentials" "$WEB_LOG"
	grep -q "enrol user=\"alice\" from=127.0.0.1 refused: Server is unwilling to perform: apppw: this account has enrolled a TOTP authenticator already" "$WEB_LOG"
	grep -q "enrol user=\"nobody\" from=127.0.0.1 refused: Invalid credentials" "$WEB_LOG"
'

test_expect_success 'create: shown once, grouped, no-store; it binds' '
	web_get /apps
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

test_expect_success 'an MFA session sets up a new authenticator: the old one stops working' '
	web_get /apps
	grep -q "<form method=\"post\" action=\"/setup\">" "$TEST_DIR/body"
	grep -q "<button id=\"new-authenticator\" type=\"submit\">Set up a new authenticator app</button>" "$TEST_DIR/body"
	web_post /setup
	expect_status 303
	test "$(header Location)" = /setup
	web_get /setup
	test "$(page_text replaces)" = "This replaces your authenticator app: codes from the old one stop working once the new one is set up."
	grep -q "<a id=\"cancel\" href=\"/apps\">Cancel</a>" "$TEST_DIR/body"
	test "$(page_text account)" = bob@example.com
	page_text secret | tr -d " " >"$TEST_DIR/secret2.bob"
	web_post /setup/verify code=000000
	test "$(error_text)" = "The code is not right. Check that your phone'"'"'s clock is right and try again."
	test "$(values "$BOB" apppwTOTPSecret)" = "$(cat "$TEST_DIR/secret.bob")"
	totp_settle
	web_post /setup/verify "code=$(totp "$(cat "$TEST_DIR/secret2.bob")")"
	expect_status 303
	test "$(header Location)" = /apps
	test "$(values "$BOB" apppwTOTPSecret)" = "$(cat "$TEST_DIR/secret2.bob")"
	grep -q "enrol user=\"bob\" from=127.0.0.1: new authenticator" "$WEB_LOG"
	expect_bind_refused "$BOB" "$BOB_PW$(totp "$(cat "$TEST_DIR/secret.bob")" 4)"
	expect_bind_as "$BOB" "$BOB_PW$(totp "$(cat "$TEST_DIR/secret2.bob")" 4)"
'

test_expect_success 'no secret in the log, and none in a URL' '
	not grep -e "$BOB_PW" -e "$(cat "$TEST_DIR/secret.bob")" \
		-e "$(cat "$TEST_DIR/secret2.bob")" \
		-e "$(cat "$TEST_DIR/app.pw")" -e "$(cat "$TEST_DIR/app2.pw")" "$WEB_LOG"
	not grep -i "password=\|code=\|secret=" "$TEST_DIR/slapd.log"
'

test_done
