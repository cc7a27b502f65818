#!/bin/bash
# Two providers and a consumer with "apppw-totp-step-provider" naming A on
# B and C: every TOTP step is recorded on A (B and C chain the write
# there), so a code accepted on one server is refused on every other,
# even sent to both at the same moment; while A is down, password+TOTP
# is refused on B, and app passwords keep working there.
. "$(dirname "$0")/lib/test-lib.sh"
. "$TEST_ROOT/lib/multiprovider-lib.sh"

W="apppw-totp-window $TOTP_WIDE_WINDOW"
mp_start "$W" "$W
apppw-totp-step-provider @A" "$W
apppw-totp-step-provider @A"

test_expect_success 'password+TOTP on B: accepted, its step recorded on A and replicated' '
	cred="$ALICE_PW$(next_totp "$ALICE_TOTP")"
	echo "$cred" >"$TEST_DIR/cred"
	expect_bind 0 "$ALICE" "$cred" "$B_URI"
	test -n "$(mp_values a "$ALICE" apppwTOTPLastStep)"
	mp_wait_same "$ALICE" apppwTOTPLastStep
	grep -q "conn=.* MOD dn=\"$ALICE\"" "$MP_DIR_a/slapd.log"
'

test_expect_success '... and the same code is refused on A, B and C' '
	for uri in "$A_URI" "$B_URI" "$C_URI"; do
		expect_bind_refused "$ALICE" "$(cat "$TEST_DIR/cred")" "$uri"
	done
'

# both CODE: binds with password+CODE on A and on B at the same moment;
# prints their results, A's then B's
both() {
	local rc_a=0 rc_b=0 pid
	ldapwhoami -x -H "$A_URI" -D "$ALICE" -w "$ALICE_PW$1" >/dev/null 2>&1 &
	pid=$!
	ldapwhoami -x -H "$B_URI" -D "$ALICE" -w "$ALICE_PW$1" >/dev/null 2>&1 || rc_b=$?
	wait $pid || rc_a=$?
	echo "$rc_a $rc_b"
}

test_expect_success 'one code sent to A and B at the same moment, 6 times: accepted once each time' '
	for i in 1 2 3 4 5 6; do
		both "$(next_totp "$ALICE_TOTP")"
	done >"$TEST_DIR/both"
	cat "$TEST_DIR/both"
	test "$(grep -c -x -e "0 49" -e "49 0" "$TEST_DIR/both")" = 6
'

test_expect_success 'a code accepted on A, sent at once to B: refused, 6 times' '
	for i in 1 2 3 4 5 6; do
		cred="$ALICE_PW$(next_totp "$ALICE_TOTP")"
		expect_bind 0 "$ALICE" "$cred" "$A_URI"
		expect_bind_refused "$ALICE" "$cred" "$B_URI"
	done
'

PW=$(new_app_password "$ALICE" Phone)
mp_stop a
test_expect_success 'A down: password+TOTP refused on B, which says why' '
	expect_bind_refused "$ALICE" "$ALICE_PW$(next_totp "$ALICE_TOTP")" "$B_URI"
	grep -q "apppw: BIND dn=\"$ALICE\" refused: cannot record the TOTP step (.*); this server records TOTP steps and used recovery codes on the server apppw-totp-step-provider names, through the chain overlay\$" \
		"$MP_DIR_b/slapd.log"
'

test_expect_success 'A down: app passwords still bind on B, and their last use is recorded there' '
	mp_wait_bind 0 b "$ALICE" "$PW"
	test "$(mp_values b "$ALICE" apppwLastUsed | wc -l)" = 1
'
mp_launch a

test_expect_success 'A back: password+TOTP on B accepted again' '
	mp_wait_bind 0 b "$ALICE" "$ALICE_PW$(next_totp "$ALICE_TOTP")"
	mp_wait_same "$ALICE" apppwLastUsed
'

test_done
