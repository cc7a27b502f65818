#!/bin/bash
# Recovery codes in apppw-web: the first 10, from the enrol operation,
# shown once after the set-up (grouped, Copy and Print for the script,
# Download as a data: link, no-store); the app passwords page says how
# many are left; a recovery code, typed as shown or loosely, signs in once
# in place of the app's code; "Make new recovery codes" asks first, needs
# the CSRF token, shows 10 new ones once, and the old ones stop working.
# A set-up whose code was already of the next step shows the codes, then
# asks to sign in again.
. "$(dirname "$0")/lib/test-lib.sh"
. "$(dirname "$0")/lib/web-lib.sh"
start_slapd "apppw-totp-window $TOTP_WIDE_WINDOW"
start_web --signin-failures 10
PW_RE='^[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){4}$'
PAT="uid=pat,ou=people,$BASE_DN"

# codes FILE: the recovery codes of the last page, one a line, into FILE
codes() {
	sed -n 's|^<li><code>\(.*\)</code></li>$|\1|p' "$TEST_DIR/body" >"$1"
}

# left: the app passwords page's count
left() {
	web_get /apps
	page_text recovery-left
}

test_expect_success 'a pending account sets up: its 10 recovery codes, shown once' '
	add_user pat pat-pw >/dev/null
	require_mfa "$PAT"
	enrol pat pat-pw
	expect_status 200
	test "$(header Cache-Control)" = no-store
	grep -q "<h1>Your recovery codes</h1>" "$TEST_DIR/body"
	codes "$TEST_DIR/codes"
	test "$(wc -l <"$TEST_DIR/codes")" = 10
	test "$(grep -Ec "$PW_RE" "$TEST_DIR/codes")" = 10
	test "$(sort -u "$TEST_DIR/codes" | wc -l)" = 10
	grep -q "<button id=\"copy-codes\" type=\"button\" hidden data-copied=\"Copied\">Copy</button>" "$TEST_DIR/body"
	grep -q "<button id=\"print-codes\" type=\"button\" hidden>Print</button>" "$TEST_DIR/body"
	grep -q "<a id=\"continue\" href=\"/apps\">Continue</a>" "$TEST_DIR/body"
'

test_expect_success 'the server holds them, hashed: one value a code, by its id' '
	values "$PAT" apppwRecoveryCode >"$TEST_DIR/stored"
	test "$(wc -l <"$TEST_DIR/stored")" = 10
	cut -c1-4 "$TEST_DIR/codes" | sort >"$TEST_DIR/ids"
	sed -n "s/^id=\\([^ ]*\\) .*/\\1/p" "$TEST_DIR/stored" | sort | diff -u "$TEST_DIR/ids" -
	for c in $(cat "$TEST_DIR/codes"); do
		not grep -q "$c" "$TEST_DIR/stored" || return 1
		not grep -q "$(echo "$c" | tr -d -)" "$TEST_DIR/stored" || return 1
	done
'

test_expect_success 'Download as text: a data: link with every code' '
	href=$(sed -n "s/.*<a id=\"download-codes\" download=\"recovery-codes.txt\" href=\"\\([^\"]*\\)\">Download as text<\\/a>.*/\\1/p" "$TEST_DIR/body")
	case $href in data:text/plain\;charset=utf-8,*) ;; *) false ;; esac
	printf "%b" "$(echo "${href#data:text/plain;charset=utf-8,}" | sed "s/%\\([0-9A-F][0-9A-F]\\)/\\\\x\\1/g")" >"$TEST_DIR/download"
	printf "Recovery codes for pat@example.com\n\n" >"$TEST_DIR/expected"
	cat "$TEST_DIR/codes" >>"$TEST_DIR/expected"
	diff -u "$TEST_DIR/expected" "$TEST_DIR/download"
'

test_expect_success 'never again: the same form posted again shows no codes' '
	web_post /setup/verify code=123456
	expect_status 303
	test "$(header Location)" = /apps
'

test_expect_success 'the app passwords page: how many are left, and the button' '
	test "$(left)" = "Recovery codes: 10 left"
	grep -q "<form method=\"post\" action=\"/recovery\">" "$TEST_DIR/body"
	grep -q "<button id=\"new-recovery-codes\" type=\"submit\">Make new recovery codes</button>" "$TEST_DIR/body"
'

test_expect_success 'the password and a recovery code sign in: an MFA session; one fewer left' '
	web_post /signout
	sign_in pat pat-pw "$(sed -n 1p "$TEST_DIR/codes")"
	expect_status 303
	test "$(header Location)" = /apps
	test "$(left)" = "Recovery codes: 9 left"
	test "$(values "$PAT" apppwRecoveryCode | wc -l)" = 9
	grep -q "signin user=\"pat\" from=127.0.0.1 with a recovery code" "$WEB_LOG"
'

test_expect_success 'the same recovery code again: refused, the one message' '
	web_post /signout
	sign_in pat pat-pw "$(sed -n 1p "$TEST_DIR/codes")"
	expect_status 200
	test "$(error_text)" = "The username, password or code is not right."
	test "$(values "$PAT" apppwRecoveryCode | wc -l)" = 9
'

test_expect_success 'typed loosely (capitals, spaces, no dashes) it is the same code' '
	loose=$(sed -n 2p "$TEST_DIR/codes" | tr -d - | tr a-z A-Z | sed "s/..../& /g")
	sign_in pat pat-pw "$loose"
	expect_status 303
	test "$(left)" = "Recovery codes: 8 left"
'

test_expect_success 'not a code: neither six digits nor a recovery code' '
	web_post /signout
	sign_in pat pat-pw "abcd-efgh"
	test "$(error_text)" = "The username, password or code is not right."
	grep -q "signin failed user=\"pat\" from=127.0.0.1 reason=not a code" "$WEB_LOG"
'

test_expect_success 'Make new recovery codes asks first' '
	sign_in pat pat-pw "$(sed -n 3p "$TEST_DIR/codes")"
	web_get /apps
	web_post /recovery
	expect_status 200
	grep -q "<p>Make 10 new recovery codes? The ones you have now stop working.</p>" "$TEST_DIR/body"
	grep -q "<input type=\"hidden\" name=\"confirm\" value=\"yes\">" "$TEST_DIR/body"
	grep -q "<button id=\"confirm\" type=\"submit\">Make new recovery codes</button>" "$TEST_DIR/body"
	grep -q "<a id=\"cancel\" href=\"/apps\">Cancel</a>" "$TEST_DIR/body"
	test "$(values "$PAT" apppwRecoveryCode | wc -l)" = 7
'

test_expect_success 'without the CSRF token: 403, nothing made' '
	values "$PAT" apppwRecoveryCode >"$TEST_DIR/before"
	web_post /recovery csrf=x confirm=yes
	expect_status 403
	values "$PAT" apppwRecoveryCode | diff -u "$TEST_DIR/before" -
'

test_expect_success 'confirmed: 10 new codes, shown once; the old ones stop working' '
	web_get /apps
	web_post /recovery confirm=yes
	expect_status 200
	test "$(header Cache-Control)" = no-store
	codes "$TEST_DIR/codes2"
	test "$(grep -Ec "$PW_RE" "$TEST_DIR/codes2")" = 10
	not grep -qxFf "$TEST_DIR/codes" "$TEST_DIR/codes2"
	test "$(values "$PAT" apppwRecoveryCode | wc -l)" = 10
	grep -q "recovery codes made user=\"pat\" from=127.0.0.1 count=10" "$WEB_LOG"
	test "$(left)" = "Recovery codes: 10 left"
	web_post /signout
	sign_in pat pat-pw "$(sed -n 4p "$TEST_DIR/codes")"
	test "$(error_text)" = "The username, password or code is not right."
	sign_in pat pat-pw "$(sed -n 1p "$TEST_DIR/codes2")"
	test "$(header Location)" = /apps
'

test_expect_success 'a code of the next step: the codes shown all the same, then sign in again' '
	add_user quinn quinn-pw >/dev/null
	require_mfa "uid=quinn,ou=people,$BASE_DN"
	JAR=quinn sign_in quinn quinn-pw
	JAR=quinn web_get /
	JAR=quinn web_post /setup
	JAR=quinn web_get /setup
	page_text secret | tr -d " " >"$TEST_DIR/secret.quinn"
	totp_settle
	# the server records the next step: the page cannot sign in with the
	# step after it yet
	JAR=quinn web_post /setup/verify "code=$(totp "$(cat "$TEST_DIR/secret.quinn")" 1)"
	expect_status 200
	test "$(grep -c "^<li><code>" "$TEST_DIR/body")" = 10
	test "$(page_text sign-in-again)" = "Two-step verification is on. Sign in again, with a new code."
	grep -q "<a id=\"continue\" href=\"/\">Continue</a>" "$TEST_DIR/body"
	not grep -q "id=\"signout\"" "$TEST_DIR/body"
	grep -q "enrol user=\"quinn\": no session with the next code" "$WEB_LOG"
	test "$(values "uid=quinn,ou=people,$BASE_DN" apppwTOTPSecret)" = "$(cat "$TEST_DIR/secret.quinn")"
	JAR=quinn web_get /apps
	expect_status 303
	test "$(header Location)" = /
	JAR=quinn sign_in quinn quinn-pw "$(totp "$(cat "$TEST_DIR/secret.quinn")" 2)"
	test "$(header Location)" = /apps
'

test_expect_success 'no code, password or secret in the log' '
	not grep -F -e pat-pw -e quinn-pw -e "$(cat "$TEST_DIR/secret.pat")" \
		-e "$(cat "$TEST_DIR/secret.quinn")" "$WEB_LOG"
	for c in $(cat "$TEST_DIR/codes" "$TEST_DIR/codes2"); do
		not grep -qi -e "$c" -e "$(echo "$c" | tr -d -)" "$WEB_LOG" "$TEST_DIR/slapd.log" || return 1
	done
'

test_done
