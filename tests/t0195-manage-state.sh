#!/bin/bash
# apppwLastUsed and apppwTOTPLastStep are manageable: an administrator may
# write them with the Relax control (and a consumer's chain overlay does),
# beside the values the overlay writes itself, in either order, and slapd
# goes on. (Values written without their normalised copy beside ones
# written with it once stopped slapd on an assertion in attr_merge.)
. "$(dirname "$0")/lib/test-lib.sh"

start_slapd "apppw-lastused-precision 0
apppw-totp-window $TOTP_WIDE_WINDOW"

# relax_modify DN add|replace|delete ATTR [VALUE...]: as rootdn, with Relax
relax_modify() {
	modify_ldif "$@" | as_admin ldapmodify -e relax >/dev/null
}

# still_serving: slapd answers, and its log has no failed assertion
still_serving() {
	expect_bind_as "$ADMIN_DN" "$ADMIN_PW" || return 1
	not grep -a "Assertion" "$TEST_DIR/slapd.log"
}

test_expect_success 'setup: an app password, used once' '
	new_app_password "$ALICE" Laptop >"$TEST_DIR/pw"
	expect_bind_as "$ALICE" "$(cat "$TEST_DIR/pw")"
	test "$(values "$ALICE" apppwLastUsed | wc -l)" = 1
'

test_expect_success 'the overlay wrote last use; the rootdn adds one with Relax; the next use is written' '
	relax_modify "$ALICE" add apppwLastUsed "zzzz 20261124190233Z"
	sleep 1.1
	expect_bind_as "$ALICE" "$(cat "$TEST_DIR/pw")"
	still_serving
	test "$(values "$ALICE" apppwLastUsed | wc -l)" = 2
'

test_expect_success 'the rootdn replaces last use; the next use is written over it' '
	pw=$(cat "$TEST_DIR/pw")
	relax_modify "$ALICE" replace apppwLastUsed "${pw:0:4} 20261124190233Z"
	expect_bind_as "$ALICE" "$pw"
	still_serving
	values "$ALICE" apppwLastUsed >"$TEST_DIR/used"
	cat "$TEST_DIR/used"
	test "$(wc -l <"$TEST_DIR/used")" = 1
	not grep -q 20261124190233Z "$TEST_DIR/used"
'

test_expect_success 'the TOTP step: the overlay writes it, the rootdn resets it, the overlay writes it again' '
	expect_bind_as "$ALICE" "$ALICE_PW$(next_totp "$ALICE_TOTP")"
	test -n "$(values "$ALICE" apppwTOTPLastStep)"
	relax_modify "$ALICE" replace apppwTOTPLastStep 0
	expect_bind_as "$ALICE" "$ALICE_PW$(next_totp "$ALICE_TOTP")"
	still_serving
	test "$(values "$ALICE" apppwTOTPLastStep)" != 0
	relax_modify "$ALICE" delete apppwTOTPLastStep
	relax_modify "$ALICE" add apppwTOTPLastStep 30
	expect_bind_as "$ALICE" "$ALICE_PW$(next_totp "$ALICE_TOTP")"
	still_serving
'

test_done
