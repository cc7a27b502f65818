# browser-lib.sh - apppw-web and a real browser in a scenario; sourced
# after test-lib.sh by the tests/t051*.sh scenarios.
#
#	. "$(dirname "$0")/lib/test-lib.sh"
#	. "$(dirname "$0")/lib/browser-lib.sh"
#	start_slapd "$WEB_SLAPD_DIRECTIVES"
#	add_web_users
#	start_web
#	run_browser seed_flow.py
#	test_done
#
# apppw-web is started and stopped by web-lib.sh (start_web, stop_web),
# which this file sources. run_browser runs a script of tests/web/
# (Selenium and headless Chromium, see tests/web/browser.py), whose TAP
# lines count as the scenario's own checks. APPPW_SCREENSHOTS=DIR makes
# the scripts save the README's screenshots there.

. "$TEST_ROOT/lib/web-lib.sh"

# the user DN template web-lib.sh gives apppw-web, for the browser scripts
WEB_USER_DN="uid=%s,ou=people,$BASE_DN"
# a browser script's run, in all, at most (it normally takes a fraction)
BROWSER_TIMEOUT=${BROWSER_TIMEOUT:-240}
# The scenarios' slapd: every app password's use is recorded (the list's
# "last used" shows a bind made a moment before), and password+code binds
# take codes of several steps, so that one user may sign in more than
# once in a step with codes from browser.py's Codes (test-lib's next_totp).
WEB_SLAPD_DIRECTIVES="apppw-lastused-precision 0
apppw-totp-window $TOTP_WIDE_WINDOW"

# The accounts of the walks, as in the demo (tools/demo/demo.sh): alice
# of base.ldif is MFA-required with a TOTP secret; dave is new (apppwUser,
# not MFA-required until an administrator requires it, which makes him
# pending: the seed walk does it, the language scenario before it starts);
# paul is a plain account without apppwUser.
DAVE="uid=dave,ou=people,$BASE_DN"
DAVE_PW="dave-pw"
PAUL="uid=paul,ou=people,$BASE_DN"
PAUL_PW="paul-pw"

add_web_users() {
	add_user dave "$DAVE_PW" >/dev/null || bail_out "cannot add dave"
	as_admin ldapadd >/dev/null <<-EOF || bail_out "cannot add paul"
	dn: $PAUL
	objectClass: inetOrgPerson
	uid: paul
	cn: Paul Persson
	sn: Persson
	mail: paul@example.com
	userPassword: $PAUL_PW
	EOF
}

# run_browser SCRIPT [VAR=VALUE...]: run tests/web/SCRIPT with the
# scenario's settings (and the VARs) in its environment; its TAP lines
# become the scenario's next checks. A script that dies before it has
# said it is done is one more failed check. The browser scripts need the
# system's python3, for which Debian's python3-selenium is installed.
run_browser() {
	local script=$1 out="$TEST_DIR/browser-${1%.py}.tap" rc=0 n bad
	shift
	env PYTHONDONTWRITEBYTECODE=1 TAP_START="$test_count" WEB_URL="$WEB_URL" \
		LDAP_URI="$LDAP_URI" \
		BASE_DN="$BASE_DN" ADMIN_DN="$ADMIN_DN" ADMIN_PW="$ADMIN_PW" \
		TEST_DIR="$TEST_DIR" PO_DIR="$SRC_ROOT/po" \
		TOTP_WINDOW="$TOTP_WIDE_WINDOW" WEB_USER_DN="$WEB_USER_DN" \
		ALICE_PW="$ALICE_PW" ALICE_TOTP="$ALICE_TOTP" \
		DAVE_PW="$DAVE_PW" PAUL_PW="$PAUL_PW" "$@" \
		timeout -k 10 "$BROWSER_TIMEOUT" \
		/usr/bin/python3 "$TEST_ROOT/web/$script" >"$out" 2>"$out.err" || rc=$?
	cat "$out"
	n=$(grep -Ec '^(not )?ok [0-9]+ ' "$out")
	bad=$(grep -Ec '^not ok [0-9]+ ' "$out")
	test_count=$((test_count + n))
	test_failed=$((test_failed + bad))
	if ! grep -q '^# browser script done' "$out" || [ "$rc" != 0 ]; then
		test_count=$((test_count + 1))
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - $script ran to its end (exit status $rc)"
		sed 's/^/# /' "$out.err" | tail -30
	fi
}
