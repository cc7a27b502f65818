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
	expect_bind_refused "$ALICE" "$ALICE_PW"
'

test_expect_success 'the password and a wrong code are refused' '
	expect_bind_refused "$ALICE" "$ALICE_PW$(wrong_code "$ALICE_TOTP")"
'

test_expect_success 'a code alone, without the password, is refused' '
	totp_settle
	expect_bind 49 "$ALICE" "$(totp "$ALICE_TOTP")"
'

test_expect_success 'password + the code of one step ago is accepted (window 1)' '
	totp_settle
	code=$(totp "$ALICE_TOTP" -1)
	expected=$(step -1)
	expect_bind_as "$ALICE" "$ALICE_PW$code"
	test "$(values "$ALICE" apppwTOTPLastStep)" = "$expected"
	echo "$code" >"$TEST_DIR/code-1"
'

test_expect_success 'the same code again (a replay) is refused' '
	expect_bind 49 "$ALICE" "$ALICE_PW$(cat "$TEST_DIR/code-1")"
	grep -q "apppw: BIND dn=\"$ALICE\" refused: replayed TOTP code$" "$TEST_DIR/slapd.log"
'

test_expect_success 'a wrong password with the right code is refused ...' '
	totp_settle
	code=$(totp "$ALICE_TOTP")
	echo "$code" >"$TEST_DIR/code0"
	expect_bind 49 "$ALICE" "wrong-pw$code"
	expect_bind 49 "$ALICE" "$code"
	grep -q "apppw: BIND dn=\"$ALICE\" refused: wrong password, or a password policy (49); the TOTP code was right$" "$TEST_DIR/slapd.log"
'

test_expect_success '... and does not use the code up: the right password gets in with it' '
	expect_bind_as "$ALICE" "$ALICE_PW$(cat "$TEST_DIR/code0")"
'

test_expect_success 'a code older than the last accepted one is refused, even inside the window' '
	expect_bind 49 "$ALICE" "$ALICE_PW$(totp "$ALICE_TOTP" -1)"
	expect_bind 49 "$ALICE" "$ALICE_PW$(cat "$TEST_DIR/code-1")"
'

test_expect_success 'the code of the next step is accepted (window 1)' '
	totp_settle
	expected=$(step 1)
	expect_bind 0 "$ALICE" "$ALICE_PW$(totp "$ALICE_TOTP" 1)"
	test "$(values "$ALICE" apppwTOTPLastStep)" = "$expected"
'

test_expect_success 'codes two steps off are refused (window 1)' '
	totp_settle
	expect_bind 49 "$CAROL" "$CAROL_PW$(totp "$CAROL_TOTP" 2)"
	expect_bind 49 "$CAROL" "$CAROL_PW$(totp "$CAROL_TOTP" -2)"
	test -z "$(values "$CAROL" apppwTOTPLastStep)"
'

test_expect_success 'window 0 through cn=config' '
	config_set olcApppwTOTPWindow 0
	expect_config olcApppwTOTPWindow 0
'

test_expect_success 'with window 0, codes one step off are refused' '
	totp_settle
	expect_bind 49 "$CAROL" "$CAROL_PW$(totp "$CAROL_TOTP" 1)"
	expect_bind 49 "$CAROL" "$CAROL_PW$(totp "$CAROL_TOTP" -1)"
	test -z "$(values "$CAROL" apppwTOTPLastStep)"
'

test_expect_success 'with window 0, the current code is accepted' '
	totp_settle
	expected=$(step)
	expect_bind_as "$CAROL" "$CAROL_PW$(totp "$CAROL_TOTP")"
	test "$(values "$CAROL" apppwTOTPLastStep)" = "$expected"
'

test_expect_success 'an entry without a TOTP secret cannot get in with password + code' '
	admin_modify "$CAROL" delete apppwTOTPSecret
	expect_bind 49 "$CAROL" "$CAROL_PW$(totp "$CAROL_TOTP" 1)"
	expect_bind 49 "$CAROL" "$CAROL_PW"
	grep -q "apppw: BIND dn=\"$CAROL\" refused: pending: MFA is required but no TOTP secret is enrolled; enrol first" "$TEST_DIR/slapd.log"
'

test_expect_success 'eight digits through cn=config: an 8-digit code is accepted, a 6-digit one refused' '
	admin_modify "$CAROL" add apppwTOTPSecret "$CAROL_TOTP"
	config_set olcApppwTOTPDigits 8
	config_set olcApppwTOTPWindow 1
	totp_settle
	expect_bind 49 "$CAROL" "$CAROL_PW$(totp "$CAROL_TOTP" 1)"
	expect_bind_as "$CAROL" "$CAROL_PW$(totp "$CAROL_TOTP" 1 30 8)"
'

test_expect_success 'a non-MFA entry binds with its password; password + code is wrong for it' '
	expect_bind 0 "$BOB" "$BOB_PW"
	expect_bind 49 "$BOB" "$BOB_PW$(totp "$ALICE_TOTP")"
'

test_expect_success 'the log never holds a password' '
	not grep -q "$ALICE_PW\|$CAROL_PW\|wrong-pw" "$TEST_DIR/slapd.log"
'

test_done
