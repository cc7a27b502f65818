#!/bin/bash
# Changing apppw-totp-step at run time neither locks out users who used
# TOTP before nor lets an already used period's codes in again.
. "$(dirname "$0")/lib/test-lib.sh"
start_slapd

# stay clear of a 60-second boundary, for both step sizes
totp_settle 60 15

test_expect_success 'a code is accepted with 30-second steps' '
	test "$(bind_rc "$ALICE" "$ALICE_PW$(totp "$ALICE_TOTP" 0 30)")" = 0
	test "$(values "$ALICE" apppwTOTPLastStep)" = $(( $(date +%s) / 30 * 30 ))
'

test_expect_success 'the step becomes 60 seconds through cn=config' '
	config_set olcApppwTOTPStep 60
'

test_expect_success 'a code of the next 60-second step is accepted' '
	test "$(bind_rc "$ALICE" "$ALICE_PW$(totp "$ALICE_TOTP" 1 60)")" = 0
	test "$(values "$ALICE" apppwTOTPLastStep)" = $(( ( $(date +%s) / 60 + 1 ) * 60 ))
'

test_expect_success 'and only once' '
	test "$(bind_rc "$ALICE" "$ALICE_PW$(totp "$ALICE_TOTP" 1 60)")" = 49
'

test_expect_success 'a code of the previous 60-second step is refused' '
	test "$(bind_rc "$ALICE" "$ALICE_PW$(totp "$ALICE_TOTP" -1 60)")" = 49
'

test_done
