#!/bin/bash
# Password + TOTP code: oathtool's codes are accepted once, inside the
# window, never older than the last accepted one; the password alone and
# wrong codes are refused.
. "$(dirname "$0")/lib/test-lib.sh"
# the windows are tried with wrong codes: more than the default three
# before a lockout, which t0400 tests
start_slapd "apppw-totp-max-failures 10"

# step [OFFSET]: the TOTP time step OFFSET steps from now (30 s steps)
# the start time of the current step, or of one OFFSET steps away: what
# apppwTOTPLastStep records
step() {
	echo $(( ( $(date +%s) / 30 + ${1:-0} ) * 30 ))
}

# a code that no step from -3 to +3 gives, so wrong whatever the clock does
wrong_code() {
	local c=100000 o valid=
	for o in -3 -2 -1 0 1 2 3; do
		valid="$valid $(totp "$1" $o)"
	done
	while case "$valid " in *" $c "*) true ;; *) false ;; esac; do
		c=$((c + 1))
	done
	echo "$c"
}

test_expect_success 'the password alone is refused' '
	test "$(bind_rc "$ALICE" "$ALICE_PW")" = 49
	test "$(cat "$TEST_DIR/bind.out")" = "ldap_bind: Invalid credentials (49)"
'

test_expect_success 'the password and a wrong code are refused' '
	test "$(bind_rc "$ALICE" "$ALICE_PW$(wrong_code "$ALICE_TOTP")")" = 49
	test "$(cat "$TEST_DIR/bind.out")" = "ldap_bind: Invalid credentials (49)"
'

test_expect_success 'a code alone, without the password, is refused' '
	totp_settle
	test "$(bind_rc "$ALICE" "$(totp "$ALICE_TOTP")")" = 49
'

test_expect_success 'password + the code of one step ago is accepted (window 1)' '
	totp_settle
	code=$(totp "$ALICE_TOTP" -1)
	expected=$(step -1)
	test "$(bind_rc "$ALICE" "$ALICE_PW$code")" = 0
	test "$(cat "$TEST_DIR/bind.out")" = "dn:$ALICE"
	test "$(values "$ALICE" apppwTOTPLastStep)" = "$expected"
	echo "$code" >"$TEST_DIR/code-1"
'

test_expect_success 'the same code again (a replay) is refused' '
	test "$(bind_rc "$ALICE" "$ALICE_PW$(cat "$TEST_DIR/code-1")")" = 49
	grep -q "apppw: BIND dn=\"$ALICE\" refused: replayed TOTP code$" "$TEST_DIR/slapd.log"
'

test_expect_success 'a wrong password with the right code is refused ...' '
	totp_settle
	code=$(totp "$ALICE_TOTP")
	echo "$code" >"$TEST_DIR/code0"
	test "$(bind_rc "$ALICE" "wrong-pw$code")" = 49
	test "$(bind_rc "$ALICE" "$code")" = 49
	grep -q "apppw: BIND dn=\"$ALICE\" refused: wrong password, or a password policy (49); the TOTP code was right$" "$TEST_DIR/slapd.log"
'

test_expect_success '... and does not use the code up: the right password gets in with it' '
	test "$(bind_rc "$ALICE" "$ALICE_PW$(cat "$TEST_DIR/code0")")" = 0
	test "$(cat "$TEST_DIR/bind.out")" = "dn:$ALICE"
'

test_expect_success 'a code older than the last accepted one is refused, even inside the window' '
	test "$(bind_rc "$ALICE" "$ALICE_PW$(totp "$ALICE_TOTP" -1)")" = 49
	test "$(bind_rc "$ALICE" "$ALICE_PW$(cat "$TEST_DIR/code-1")")" = 49
'

test_expect_success 'the code of the next step is accepted (window 1)' '
	totp_settle
	expected=$(step 1)
	test "$(bind_rc "$ALICE" "$ALICE_PW$(totp "$ALICE_TOTP" 1)")" = 0
	test "$(values "$ALICE" apppwTOTPLastStep)" = "$expected"
'

test_expect_success 'codes two steps off are refused (window 1)' '
	totp_settle
	test "$(bind_rc "$CAROL" "$CAROL_PW$(totp "$CAROL_TOTP" 2)")" = 49
	test "$(bind_rc "$CAROL" "$CAROL_PW$(totp "$CAROL_TOTP" -2)")" = 49
	test -z "$(values "$CAROL" apppwTOTPLastStep)"
'

test_expect_success 'window 0 through cn=config' '
	config_set olcApppwTOTPWindow 0
	overlay_ldif olcApppwTOTPWindow >"$TEST_DIR/window.ldif"
	printf "%s\n" "dn: $OVERLAY_CONFIG_DN" "olcApppwTOTPWindow: 0" "" >"$TEST_DIR/expected"
	diff -u "$TEST_DIR/expected" "$TEST_DIR/window.ldif"
'

test_expect_success 'with window 0, codes one step off are refused' '
	totp_settle
	test "$(bind_rc "$CAROL" "$CAROL_PW$(totp "$CAROL_TOTP" 1)")" = 49
	test "$(bind_rc "$CAROL" "$CAROL_PW$(totp "$CAROL_TOTP" -1)")" = 49
	test -z "$(values "$CAROL" apppwTOTPLastStep)"
'

test_expect_success 'with window 0, the current code is accepted' '
	totp_settle
	expected=$(step)
	test "$(bind_rc "$CAROL" "$CAROL_PW$(totp "$CAROL_TOTP")")" = 0
	test "$(cat "$TEST_DIR/bind.out")" = "dn:$CAROL"
	test "$(values "$CAROL" apppwTOTPLastStep)" = "$expected"
'

test_expect_success 'an entry without a TOTP secret cannot get in with password + code' '
	as_admin ldapmodify <<-EOF
	dn: $CAROL
	changetype: modify
	delete: apppwTOTPSecret
	EOF
	test "$(bind_rc "$CAROL" "$CAROL_PW$(totp "$CAROL_TOTP" 1)")" = 49
	test "$(bind_rc "$CAROL" "$CAROL_PW")" = 49
	grep -q "apppw: BIND dn=\"$CAROL\" refused: no TOTP secret is enrolled" "$TEST_DIR/slapd.log"
'

test_expect_success 'eight digits through cn=config: an 8-digit code is accepted, a 6-digit one refused' '
	as_admin ldapmodify <<-EOF
	dn: $CAROL
	changetype: modify
	add: apppwTOTPSecret
	apppwTOTPSecret: $CAROL_TOTP
	EOF
	config_set olcApppwTOTPDigits 8
	config_set olcApppwTOTPWindow 1
	totp_settle
	test "$(bind_rc "$CAROL" "$CAROL_PW$(totp "$CAROL_TOTP" 1)")" = 49
	test "$(bind_rc "$CAROL" "$CAROL_PW$(totp "$CAROL_TOTP" 1 30 8)")" = 0
	test "$(cat "$TEST_DIR/bind.out")" = "dn:$CAROL"
'

test_expect_success 'a non-MFA entry binds with its password; password + code is wrong for it' '
	test "$(bind_rc "$BOB" "$BOB_PW")" = 0
	test "$(bind_rc "$BOB" "$BOB_PW$(totp "$ALICE_TOTP")")" = 49
'

test_expect_success 'the log never holds a password' '
	not grep -q "$ALICE_PW\|$CAROL_PW\|wrong-pw" "$TEST_DIR/slapd.log"
'

test_done
