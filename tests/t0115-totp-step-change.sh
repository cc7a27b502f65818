#!/bin/bash
# Changing apppw-totp-step at run time neither locks out users who used
# TOTP before nor lets an already used period's codes in again.
. "$(dirname "$0")/lib/test-lib.sh"
start_slapd

# stay clear of a 60-second boundary, for both step sizes
totp_settle 60 15

test_expect_success 'a code is accepted with 30-second steps' '
	expect_bind 0 "$ALICE" "$ALICE_PW$(totp "$ALICE_TOTP" 0 30)"
	test "$(values "$ALICE" apppwTOTPLastStep)" = $(( $(date +%s) / 30 * 30 ))
'

test_expect_success 'the step becomes 60 seconds through cn=config' '
	config_set olcApppwTOTPStep 60
'

test_expect_success 'a code of the next 60-second step is accepted' '
	expect_bind 0 "$ALICE" "$ALICE_PW$(totp "$ALICE_TOTP" 1 60)"
	test "$(values "$ALICE" apppwTOTPLastStep)" = $(( ( $(date +%s) / 60 + 1 ) * 60 ))
'

test_expect_success 'and only once' '
	expect_bind 49 "$ALICE" "$ALICE_PW$(totp "$ALICE_TOTP" 1 60)"
'

test_expect_success 'a code of the previous 60-second step is refused' '
	expect_bind 49 "$ALICE" "$ALICE_PW$(totp "$ALICE_TOTP" -1 60)"
'

test_done
