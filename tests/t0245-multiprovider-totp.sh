#!/bin/bash
# Two providers and a consumer: TOTP steps recorded concurrently on A and
# B converge to the highest accepted step on every server, a bind with a
# valid code is never refused because of a write replicated meanwhile,
# and app passwords keep their latest last use.
. "$(dirname "$0")/lib/test-lib.sh"
. "$TEST_ROOT/lib/multiprovider-lib.sh"

W="apppw-totp-window $TOTP_WIDE_WINDOW
apppw-lastused-precision 0"
mp_start "$W" "$W" "$W"

# code_at SECRET NOW OFFSET: the code of the step OFFSET steps from NOW
code_at() {
	oathtool --totp -b -s 30s -N "@$(( $2 + $3 * 30 ))" "$1"
}

# race DN PW SECRET OFFSET: password+code of step OFFSET on A and of step
# OFFSET+1 on B at the same moment; the second must be accepted, and every
# server must end with its step; prints "lower accepted" when the first was
race() {
	local dn=$1 pw=$2 secret=$3 off=$4 now lo hi want rc_a=0 rc_b=0 pid
	now=$(date +%s)
	lo=$(code_at "$secret" "$now" "$off")
	hi=$(code_at "$secret" "$now" $((off + 1)))
	want=$(( (now / 30 + off + 1) * 30 ))
	ldapwhoami -x -H "$A_URI" -D "$dn" -w "$pw$lo" >/dev/null 2>&1 &
	pid=$!
	ldapwhoami -x -H "$B_URI" -D "$dn" -w "$pw$hi" >/dev/null 2>&1 || rc_b=$?
	wait $pid || rc_a=$?
	[ "$rc_b" = 0 ] || { echo "step $((off + 1)) on B refused ($rc_b)"; return 1; }
	mp_wait_same "$dn" apppwTOTPLastStep || return 1
	[ "$(cat "$TEST_DIR/mp.a")" = "$want" ] ||
		{ echo "ended with $(cat "$TEST_DIR/mp.a"), not $want"; return 1; }
	[ "$rc_a" = 0 ] && echo "lower accepted"
	return 0
}

DAVE="uid=dave,ou=people,$BASE_DN" DAVE_PW=dave-pw
DAVE_TOTP=MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U
add_user dave "$DAVE_PW" "apppwTOTPSecret: $DAVE_TOTP" "apppwMFARequired: TRUE" >/dev/null ||
	bail_out "cannot add dave"

test_expect_success '20 races of steps N on A and N+1 on B: N+1 accepted, and stored everywhere' '
	mp_wait_same "$DAVE" apppwTOTPSecret
	: >"$TEST_DIR/races"
	for off in -9 -7 -5 -3 -1 1 3; do
		race "$ALICE" "$ALICE_PW" "$ALICE_TOTP" $off >>"$TEST_DIR/races"
		race "$CAROL" "$CAROL_PW" "$CAROL_TOTP" $off >>"$TEST_DIR/races"
	done
	for off in -9 -7 -5 -3 -1 1; do
		race "$DAVE" "$DAVE_PW" "$DAVE_TOTP" $off >>"$TEST_DIR/races"
	done
	say "steps N accepted on A too: $(grep -c "lower accepted" "$TEST_DIR/races") of 20"
'

# Servers start and stop in the main shell, which keeps their PIDs.
totp_settle
NOW=$(date +%s)
mp_stop a
test_expect_success 'A down: step N+1 is accepted on B' '
	expect_bind 0 "$ALICE" "$ALICE_PW$(code_at "$ALICE_TOTP" "$NOW" 9)" "$B_URI"
'
mp_stop b
mp_launch a
test_expect_success 'B down: step N is accepted on A, which has not seen N+1' '
	expect_bind 0 "$ALICE" "$ALICE_PW$(code_at "$ALICE_TOTP" "$NOW" 8)" "$A_URI"
'
# what the servers log from now on
LOG_A=$(( $(wc -l <"$MP_DIR_a/slapd.log") + 1 ))
LOG_B=$(( $(wc -l <"$MP_DIR_b/slapd.log") + 1 ))
mp_launch b
# B's N+1 reaches A in a change older than A's entry, which slapd's
# delta-syncrepl resolves against A's newer N and drops: A writes N+1
# anew itself, unless B's write-back raised it first (the assertion then
# fails), instead of depending on that write-back (issue 13).
test_expect_success 'both up: N+1 everywhere; B dropped the lower N and wrote N+1 back, A raised N to N+1' '
	mp_wait_same "$ALICE" apppwTOTPLastStep
	test "$(cat "$TEST_DIR/mp.a")" = $(( (NOW / 30 + 9) * 30 ))
	grep -q "apppw: MOD dn=\"$ALICE\" a replicated change would have lowered apppwTOTPLastStep; the local value is written back (Success)\$" \
		<(tail -n +$LOG_B "$MP_DIR_b/slapd.log")
	grep -q -E "apppw: MOD dn=\"$ALICE\" a replicated change older than the entry raised apppwTOTPLastStep; the raised value is written anew \((Success|Assertion Failed)\)\$" \
		<(tail -n +$LOG_A "$MP_DIR_a/slapd.log")
'

PW=$(new_app_password "$ALICE" Phone)
test_expect_success 'an app password binds on B once replicated' '
	mp_wait_bind 0 b "$ALICE" "$PW"
	mp_wait_same "$ALICE" apppwLastUsed
'
mp_stop a
test_expect_success 'A down: it is used on B' '
	sleep 1
	expect_bind 0 "$ALICE" "$PW" "$B_URI"
	mp_values b "$ALICE" apppwLastUsed >"$TEST_DIR/used.b"
'
mp_stop b
mp_launch a
test_expect_success 'B down: it is used on A, a second later' '
	sleep 1
	expect_bind 0 "$ALICE" "$PW" "$A_URI"
	mp_values a "$ALICE" apppwLastUsed >"$TEST_DIR/used.a"
	not cmp -s "$TEST_DIR/used.a" "$TEST_DIR/used.b"
'
mp_launch b
test_expect_success 'both up: its latest last use, alone, on every server' '
	mp_wait_same "$ALICE" apppwLastUsed
	diff -u "$TEST_DIR/used.a" "$TEST_DIR/mp.b"
'

test_expect_success 'the servers hold the same entries' '
	mp_slapcat a >"$TEST_DIR/a.ldif"
	mp_slapcat b >"$TEST_DIR/b.ldif"
	diff -u "$TEST_DIR/a.ldif" "$TEST_DIR/b.ldif"
'

test_done
