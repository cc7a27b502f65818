#!/bin/bash
# Two providers and a consumer: app passwords created on one provider
# (the tool and ldapmodify) bind on the others within a second, revoked
# on the other are refused everywhere within a second, and concurrent
# creates and revocations on both providers keep exactly the records
# written (delta-syncrepl: each change, not each entry, is replicated).
. "$(dirname "$0")/lib/test-lib.sh"
. "$TEST_ROOT/lib/multiprovider-lib.sh"

# C records every use: its writes, chained to A, meet A's own
mp_start "" "" "apppw-lastused-precision 0"

# create_on NAME LABEL: an app password for alice, created with the tool
# on that server as the administrator; prints it
create_on() {
	apppw -x -H "$(mp_uri "$1")" -D "$ADMIN_DN" -w "$ADMIN_PW" \
		create --label "$2" "$ALICE" 2>/dev/null
}

# ids NAME: alice's app password ids on that server, sorted
ids() {
	mp_values "$1" "$ALICE" apppwPassword | sed -n 's/^id=\([^ ]*\) .*/\1/p' | sort
}

test_expect_success 'created on A with the tool: binds on B and C within 1 s' '
	pw=$(create_on a Phone)
	test -n "$pw"
	echo "$pw" >"$TEST_DIR/tool.pw"
	mp_wait_bind 0 b "$ALICE" "$pw"
	mp_wait_bind 0 c "$ALICE" "$pw"
'

test_expect_success 'created on A with ldapmodify: binds on B and C within 1 s' '
	pw=$(new_app_password "$ALICE" Laptop)
	echo "$pw" >"$TEST_DIR/ldif.pw"
	mp_wait_bind 0 b "$ALICE" "$pw"
	mp_wait_bind 0 c "$ALICE" "$pw"
'

test_expect_success 'used on A, then on C, whose last use is chained to A: recorded there, A serving' '
	pw=$(cat "$TEST_DIR/tool.pw")
	expect_bind 0 "$ALICE" "$pw" "$A_URI"
	mp_values a "$ALICE" apppwLastUsed | grep "^${pw:0:4} " >"$TEST_DIR/used.a"
	test "$(wc -l <"$TEST_DIR/used.a")" = 1
	sleep 1
	expect_bind 0 "$ALICE" "$pw" "$C_URI"
	mp_wait_same "$ALICE" apppwLastUsed
	grep "^${pw:0:4} " "$TEST_DIR/mp.a" >"$TEST_DIR/used.now"
	test "$(wc -l <"$TEST_DIR/used.now")" = 1
	not cmp -s "$TEST_DIR/used.a" "$TEST_DIR/used.now"
	expect_bind 0 "$ALICE" "$pw" "$A_URI"
'

test_expect_success 'revoked on B (the tool): refused on A and C within 1 s' '
	pw=$(cat "$TEST_DIR/tool.pw")
	apppw -x -H "$B_URI" -D "$ADMIN_DN" -w "$ADMIN_PW" revoke "${pw:0:4}" "$ALICE" >/dev/null
	mp_wait_bind 49 a "$ALICE" "$pw"
	mp_wait_bind 49 c "$ALICE" "$pw"
	expect_bind 49 "$ALICE" "$pw" "$B_URI"
'

test_expect_success 'revoked on B (ldapmodify, by value): refused on A and C within 1 s' '
	pw=$(cat "$TEST_DIR/ldif.pw")
	mp_values b "$ALICE" apppwPassword | grep "^id=${pw:0:4} " >"$TEST_DIR/rec"
	LDAP_URI=$B_URI admin_modify "$ALICE" delete apppwPassword "$(cat "$TEST_DIR/rec")"
	mp_wait_bind 49 a "$ALICE" "$pw"
	mp_wait_bind 49 c "$ALICE" "$pw"
	mp_wait_same "$ALICE" apppwLastUsed
	test -z "$(cat "$TEST_DIR/mp.a")"
'

test_expect_success '10 concurrent creates, 5 on A and 5 on B: exactly those 10 on all three' '
	for i in 1 2 3 4 5 6 7 8 9 10; do
		if [ $((i % 2)) = 0 ]; then echo a; else echo b; fi >"$TEST_DIR/server.$i"
	done
	create_one() {
		local i=$1
		create_on "$(cat "$TEST_DIR/server.$i")" "Device $i" >"$TEST_DIR/created.$i"
	}
	export -f create_on create_one mp_uri
	export A_URI B_URI C_URI ADMIN_DN ADMIN_PW ALICE TEST_DIR
	rm -rf "$TEST_DIR/go"; mkfifo "$TEST_DIR/go"
	for i in 1 2 3 4 5 6 7 8 9 10; do
		( : <"$TEST_DIR/go"; create_one $i ) &
	done
	sleep 0.5; : >"$TEST_DIR/go"; wait
	cat "$TEST_DIR"/created.* | cut -c1-4 | sort >"$TEST_DIR/want"
	test "$(wc -l <"$TEST_DIR/want")" = 10
	mp_wait_same "$ALICE" apppwPassword
	ids a | diff -u "$TEST_DIR/want" -
	for i in 1 2 3 4 5 6 7 8 9 10; do
		expect_bind 0 "$ALICE" "$(cat "$TEST_DIR/created.$i")" "$C_URI"
	done
'

test_expect_success '10 concurrent revocations, 5 on A and 5 on B: none of them left anywhere' '
	revoke_one() {
		local i=$1 pw
		pw=$(cat "$TEST_DIR/created.$i")
		apppw -x -H "$(mp_uri "$(cat "$TEST_DIR/server.$i")")" -D "$ADMIN_DN" \
			-w "$ADMIN_PW" revoke "${pw:0:4}" "$ALICE" >/dev/null
	}
	export -f revoke_one
	rm -rf "$TEST_DIR/go"; mkfifo "$TEST_DIR/go"
	for i in 1 2 3 4 5 6 7 8 9 10; do
		( : <"$TEST_DIR/go"; revoke_one $i ) &
	done
	sleep 0.5; : >"$TEST_DIR/go"; wait
	mp_wait_same "$ALICE" apppwPassword
	test -z "$(cat "$TEST_DIR/mp.a")"
	for i in 1 2 3 4 5 6 7 8 9 10; do
		expect_bind 49 "$ALICE" "$(cat "$TEST_DIR/created.$i")" "$B_URI"
	done
'

test_expect_success 'A and B hold the same entries' '
	mp_slapcat a >"$TEST_DIR/a.ldif"
	mp_slapcat b >"$TEST_DIR/b.ldif"
	diff -u "$TEST_DIR/a.ldif" "$TEST_DIR/b.ldif"
'

test_done
