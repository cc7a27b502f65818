#!/bin/bash
# Recovery codes on two providers and a consumer, with
# "apppw-totp-step-provider" naming A on B and C, as for TOTP steps: a code
# used on any server is used up on A and replicated, so it works once
# everywhere, even sent to A and B at the same moment; while A is down, B
# refuses recovery codes (it cannot use one up) and says why.
. "$(dirname "$0")/lib/test-lib.sh"
. "$TEST_ROOT/lib/multiprovider-lib.sh"
. "$TEST_ROOT/lib/enrol-lib.sh"

W="apppw-totp-window $TOTP_WIDE_WINDOW"
mp_start "$W" "$W
apppw-totp-step-provider @A" "$W
apppw-totp-step-provider @A"

# code N: the Nth code made for alice
code() {
	sed -n "${1}p" "$TEST_DIR/recovery.codes"
}

# both CREDENTIAL: binds as alice on A and on B at the same moment; prints
# their results, A's then B's
both() {
	local rc_a=0 rc_b=0 pid
	ldapwhoami -x -H "$A_URI" -D "$ALICE" -w "$1" >/dev/null 2>&1 &
	pid=$!
	ldapwhoami -x -H "$B_URI" -D "$ALICE" -w "$1" >/dev/null 2>&1 || rc_b=$?
	wait $pid || rc_a=$?
	echo "$rc_a $rc_b"
}

test_expect_success 'setup: ten codes for alice, made on B, on all three servers' '
	RECOVERY_URI=$B_URI recovery_codes "$ADMIN_DN" "$ADMIN_PW" "$ALICE"
	test "$(wc -l <"$TEST_DIR/recovery.codes")" = 10
	mp_wait_same "$ALICE" apppwRecoveryCode
	test "$(mp_values a "$ALICE" apppwRecoveryCode | wc -l)" = 10
'

test_expect_success 'a code used on B is used up on A, and refused on A, B and C' '
	expect_bind_as "$ALICE" "$ALICE_PW$(code 1)" "$B_URI"
	test "$(mp_values a "$ALICE" apppwRecoveryCode | wc -l)" = 9
	mp_wait_same "$ALICE" apppwRecoveryCode
	for uri in "$A_URI" "$B_URI" "$C_URI"; do
		expect_bind_refused "$ALICE" "$ALICE_PW$(code 1)" "$uri" || return 1
	done
'

test_expect_success 'a code used on the consumer C is used up on A' '
	expect_bind_as "$ALICE" "$ALICE_PW$(code 2)" "$C_URI"
	test "$(mp_values a "$ALICE" apppwRecoveryCode | wc -l)" = 8
	mp_wait_same "$ALICE" apppwRecoveryCode
'

test_expect_success 'one code sent to A and B at the same moment, 4 times: accepted once each time' '
	for i in 3 4 5 6; do
		both "$ALICE_PW$(code $i)"
	done >"$TEST_DIR/both"
	cat "$TEST_DIR/both"
	test "$(grep -c -x -e "0 49" -e "49 0" "$TEST_DIR/both")" = 4
	mp_wait_same "$ALICE" apppwRecoveryCode
	test "$(mp_values b "$ALICE" apppwRecoveryCode | wc -l)" = 4
'

test_expect_success 'A down: B refuses a recovery code, says why, and keeps it' '
	mp_stop a
	expect_bind_refused "$ALICE" "$ALICE_PW$(code 7)" "$B_URI"
	grep -q "apppw: BIND dn=\"$ALICE\" refused: cannot use up the recovery code id=$(code 7 | cut -c1-4) (.*); this server records TOTP steps and used recovery codes on the server apppw-totp-step-provider names, through the chain overlay\$" \
		"$MP_DIR_b/slapd.log"
	test "$(mp_values b "$ALICE" apppwRecoveryCode | wc -l)" = 4
'

test_done
