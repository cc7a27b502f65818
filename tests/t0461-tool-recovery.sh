#!/bin/bash
# The lost phone, with the apppw tool: an administrator requires MFA for
# gina; she enrols and keeps the recovery codes the tool shows; mfa status
# counts them; she loses her phone, signs in with her password and a
# recovery code, enrols a new authenticator app (the old one stops
# working) and makes new codes (the old ones stop working); a session
# signed in with an app password can do neither.
. "$(dirname "$0")/lib/test-lib.sh"
. "$TEST_ROOT/lib/security-lib.sh"
. "$TEST_ROOT/lib/tool-lib.sh"
start_slapd

GINA="uid=gina,ou=people,$BASE_DN"
GINA_PW="gina-pw"
CODE_RE='[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){4}'

# as_gina CREDENTIAL EXPECTED_EXIT ARGS...: the tool, bound as gina
as_gina() {
	local cred=$1
	shift
	run_tool "$1" -x -H "$LDAP_URI" -D "$GINA" -w "$cred" "${@:2}"
}

# status_recovery: the recovery line of mfa status's report, for gina
status_recovery() {
	sed -n "s/^  Recovery codes: //p" "$TEST_DIR/tool.out"
}

test_expect_success 'setup: an administrator requires MFA for gina (pending)' '
	add_user gina "$GINA_PW" >/dev/null
	admin_modify "$GINA" replace apppwMFARequired TRUE
'

test_expect_success 'mfa enroll: ten recovery codes on stdout, explained on stderr' '
	rc=0
	enrol_code "$TEST_DIR/gina.key" |
		apppw -x -H "$LDAP_URI" -D "$GINA" -w "$GINA_PW" mfa enroll \
			--secret-file "$TEST_DIR/gina.key" --code - --no-app-password \
			>"$TEST_DIR/codes" 2>"$TEST_DIR/enrol.err" || rc=$?
	cat "$TEST_DIR/enrol.err"
	test "$rc" = 0
	test "$(grep -Ecx "$CODE_RE" "$TEST_DIR/codes")" = 10
	test "$(wc -l <"$TEST_DIR/codes")" = 10
	grep -qx "These 10 recovery codes are shown once: print them or keep them somewhere" "$TEST_DIR/enrol.err"
	not grep -qF "$(head -1 "$TEST_DIR/codes")" "$TEST_DIR/enrol.err"
'

test_expect_success 'mfa status counts them: 10 left' '
	as_gina "$GINA_PW$(code "$(cat "$TEST_DIR/gina.key")")" 0 mfa status
	test "$(status_recovery)" = "10 left"
'

test_expect_success 'the phone is lost: password + recovery code, and a new app enrolled' '
	cp "$TEST_DIR/gina.key" "$TEST_DIR/old.key"
	rc=0
	enrol_code "$TEST_DIR/new.key" |
		apppw -x -H "$LDAP_URI" -D "$GINA" -w "$GINA_PW$(sed -n 1p "$TEST_DIR/codes")" \
			mfa enroll --secret-file "$TEST_DIR/new.key" --code - --no-app-password \
			>"$TEST_DIR/reenrol.out" 2>"$TEST_DIR/reenrol.err" || rc=$?
	cat "$TEST_DIR/reenrol.out" "$TEST_DIR/reenrol.err"
	test "$rc" = 0
	grep -qx "A new authenticator app is enrolled for $GINA." "$TEST_DIR/reenrol.err"
	# she keeps the nine codes left: none are made anew
	test ! -s "$TEST_DIR/reenrol.out"
	test "$(values "$GINA" apppwTOTPSecret)" = "$(cat "$TEST_DIR/new.key")"
	expect_log_count 1 "BIND dn=\"$GINA\" password and recovery code id=$(sed -n 1p "$TEST_DIR/codes" | cut -c1-4), 9 left, peer="
'

test_expect_success 'the new app signs in; the lost one does not; the used code does not' '
	# the entry keeps the last step it accepted, of whichever secret
	last_old=$(cat "$TEST_DIR/last-step.$(cat "$TEST_DIR/old.key")")
	last_new=$(cat "$TEST_DIR/last-step.$(cat "$TEST_DIR/new.key")")
	[ "$last_new" -ge "$last_old" ] ||
		echo "$last_old" >"$TEST_DIR/last-step.$(cat "$TEST_DIR/new.key")"
	as_gina "$GINA_PW$(code "$(cat "$TEST_DIR/new.key")")" 0 mfa status
	test "$(status_recovery)" = "9 left"
	expect_bind_refused "$GINA" "$GINA_PW$(totp "$(cat "$TEST_DIR/old.key")")"
	expect_bind_refused "$GINA" "$GINA_PW$(sed -n 1p "$TEST_DIR/codes")"
'

test_expect_success 'mfa recovery: ten new codes; the old ones stop working' '
	as_gina "$GINA_PW$(code "$(cat "$TEST_DIR/new.key")")" 0 mfa recovery
	cp "$TEST_DIR/tool.out" "$TEST_DIR/new.codes"
	test "$(grep -Ecx "$CODE_RE" "$TEST_DIR/new.codes")" = 10
	test "$(wc -l <"$TEST_DIR/new.codes")" = 10
	grep -qx "The recovery codes $GINA had before no longer work." "$TEST_DIR/tool.err"
	expect_bind_refused "$GINA" "$GINA_PW$(sed -n 2p "$TEST_DIR/codes")"
	expect_bind_as "$GINA" "$GINA_PW$(sed -n 1p "$TEST_DIR/new.codes")"
'

test_expect_success 'an app-password session can neither make nor count them' '
	as_gina "$GINA_PW$(code "$(cat "$TEST_DIR/new.key")")" 0 create --label Phone
	app=$(cat "$TEST_DIR/tool.out")
	# its first use is recorded: then nothing changes
	expect_bind_as "$GINA" "$app"
	keep_accounts "$GINA"
	as_gina "$app" 1 mfa recovery
	test ! -s "$TEST_DIR/tool.out"
	grep -qF "apppw: this session authenticated with an app password: it may read, but not change passwords, app passwords or MFA settings" \
		"$TEST_DIR/tool.err"
	expect_accounts_kept
	as_gina "$app" 0 mfa status
	test "$(status_recovery)" = "unknown (not readable)"
'

test_expect_success 'usage: mfa recovery takes no options but the DN' '
	run_tool 2 mfa recovery --count 5
	test ! -s "$TEST_DIR/tool.out"
'

test_done
