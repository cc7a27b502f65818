#!/bin/bash
# TOTP lockouts in time, with 3-second steps so that the scenario is
# short: a lockout lasts one step, the next one in a row twice as long, and
# once it is over the right code gets in and ends the run.
. "$(dirname "$0")/lib/test-lib.sh"
. "$TEST_ROOT/lib/security-lib.sh"
STEP=3
start_slapd "apppw-totp-step $STEP"

# three_wrong: three wrong codes with alice's password, all refused
three_wrong() {
	for i in 1 2 3; do
		expect_bind_refused "$ALICE" "$ALICE_PW$(wrong_code "$ALICE_TOTP" $STEP)"
	done
}

# right_code: alice's password and the current code
right_code() {
	printf '%s%s' "$ALICE_PW" "$(totp "$ALICE_TOTP" 0 $STEP)"
}

test_expect_success 'three wrong codes: locked for one step' '
	three_wrong
	expect_log_count 1 "(lockout 1 in a row; 0 refusals not logged before)"
	expect_bind_refused "$ALICE" "$(right_code)"
'

test_expect_success 'three more once it is over: locked for two steps' '
	sleep 3.5
	three_wrong
	expect_log_count 1 "(lockout 2 in a row; 0 refusals not logged before)"
'

test_expect_success 'one step later the second lockout still holds' '
	sleep 3.5
	expect_bind_refused "$ALICE" "$(right_code)"
'

test_expect_success 'two steps later it is over: the right code gets in' '
	sleep 3
	expect_bind_as "$ALICE" "$(right_code)"
'

test_expect_success 'and has ended the run: three wrong codes lock for one step again' '
	sleep $STEP
	three_wrong
	expect_log_count 2 "(lockout 1 in a row; 0 refusals not logged before)"
'

test_done
