#!/bin/bash
# Two providers and a consumer: TOTP steps recorded concurrently on A and
# B converge to the highest accepted step on every server, a bind with a
# valid code is never refused because of a write replicated meanwhile,
# and app passwords keep their latest last use.
. "$(dirname "$0")/lib/test-lib.sh"
. "$TEST_ROOT/lib/multiprovider-lib.sh"

W="apppw-totp-window $TOTP_WIDE_WINDOW"
mp_start "$W" "$W" "$W"

# code_at SECRET NOW OFFSET: the code of the step OFFSET steps from NOW
code_at() {
	oathtool --totp -b -s 30s -N "@$(( $2 + $3 * 30 ))" "$1"
}

# race DN PW SECRET OFFSET: password+code of step OFFSET on A and of step
# OFFSET+1 on B at the same moment; the second must be accepted, and every
# server must end with its step; prints "lower accepted" when the first was
race() {
	local dn=$1 pw=$2 secret=$3 off=$4 now lo hi want rc_a rc_b
	now=$(date +%s)
	lo=$(code_at "$secret" "$now" "$off")
	hi=$(code_at "$secret" "$now" $((off + 1)))
	want=$(( (now / 30 + off + 1) * 30 ))
	at_once 1 sh -c "ldapwhoami -x -H $A_URI -D '$dn' -w '$pw$lo' >/dev/null 2>&1 & a=\$!
		ldapwhoami -x -H $B_URI -D '$dn' -w '$pw$hi' >/dev/null 2>&1; b=\$?
		wait \$a; echo \$? \$b" >/dev/null
	read -r rc_a rc_b <"$TEST_DIR/at-once/1.out"
	[ "$rc_b" = 0 ] || { echo "step $((off + 1)) on B refused ($rc_b)"; return 1; }
	mp_wait_same "$dn" apppwTOTPLastStep || return 1
	[ "$(cat "$TEST_DIR/mp.a")" = "$want" ] ||
		{ echo "ended with $(cat "$TEST_DIR/mp.a"), not $want"; return 1; }
	[ "$rc_a" = 0 ] && echo "lower accepted"
	return 0
}

test_expect_success '18 races of steps N on A and N+1 on B: N+1 accepted, and stored everywhere' '
	: >"$TEST_DIR/races"
	for off in -9 -7 -5 -3 -1 1 3 5 7; do
		race "$ALICE" "$ALICE_PW" "$ALICE_TOTP" $off >>"$TEST_DIR/races"
		race "$CAROL" "$CAROL_PW" "$CAROL_TOTP" $off >>"$TEST_DIR/races"
	done
	say "steps N accepted on A too: $(grep -c "lower accepted" "$TEST_DIR/races") of 18"
'

test_expect_success 'a step replicated lower than the local one is not applied, and the local one is written back' '
	grep -q "apppw: MOD dn=\".*\" a replicated change would have lowered apppwTOTPLastStep; the local value is written back (Success)" \
		"$MP_DIR_a/slapd.log" "$MP_DIR_b/slapd.log" || {
		say "no race needed a write-back this run"; }
'

test_expect_success 'an app password used on A and B at once keeps its latest last use everywhere' '
	pw=$(new_app_password "$ALICE" Phone)
	mp_wait_bind 0 b "$ALICE" "$pw"
	mp_wait_same "$ALICE" apppwLastUsed
	test "$(mp_values a "$ALICE" apppwLastUsed | wc -l)" = 1
'

test_expect_success 'the servers hold the same entries' '
	mp_slapcat a >"$TEST_DIR/a.ldif"
	mp_slapcat b >"$TEST_DIR/b.ldif"
	diff -u "$TEST_DIR/a.ldif" "$TEST_DIR/b.ldif"
'

test_done
