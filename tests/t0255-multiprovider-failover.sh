#!/bin/bash
# Two providers and a consumer: A is killed (SIGKILL) while app passwords
# bind and are created on both providers. B keeps serving; A, restarted,
# catches up; afterwards A and B hold the same entries, with no glue
# entries, and every app password whose creation succeeded is there.
. "$(dirname "$0")/lib/test-lib.sh"
. "$TEST_ROOT/lib/multiprovider-lib.sh"

mp_start
PW=$(new_app_password "$ALICE" Phone)
mp_wait_same "$ALICE" apppwPassword || bail_out "the app password did not replicate"

# binds NAME: bind with the app password on that server until told to
# stop; one result a line in binds.NAME
binds() {
	local uri
	uri=$(mp_uri "$1")
	while [ ! -f "$TEST_DIR/stop" ]; do
		ldapwhoami -x -H "$uri" -D "$ALICE" -w "$PW" >/dev/null 2>&1
		echo $?
	done >"$TEST_DIR/binds.$1"
}

# creates NAME: create app passwords in alice's entry on that
# server until told to stop (12 at most); the ones created in created.NAME
creates() {
	local uri i=0 pw
	uri=$(mp_uri "$1")
	while [ ! -f "$TEST_DIR/stop" ] && [ $i -lt 12 ]; do
		pw=$(apppw -x -H "$uri" -D "$ADMIN_DN" -w "$ADMIN_PW" \
			create --label "$1 $i" "$ALICE" 2>/dev/null) && echo "$pw"
		i=$((i + 1))
		sleep 0.2
	done >"$TEST_DIR/created.$1"
}

binds a & L1=$!
binds b & L2=$!
creates a & L3=$!
creates b & L4=$!
sleep 1
mp_kill a
sleep 2
mp_launch a
sleep 1
touch "$TEST_DIR/stop"
wait $L1 $L2 $L3 $L4

test_expect_success 'B served every bind while A was killed and restarted' '
	say "binds on B: $(wc -l <"$TEST_DIR/binds.b"), on A: $(grep -c -x 0 "$TEST_DIR/binds.a") accepted, $(grep -c -v -x 0 "$TEST_DIR/binds.a") failed"
	test "$(sort -u "$TEST_DIR/binds.b")" = 0
'

test_expect_success 'A caught up: every app password created on A or B is on A, B and C, and binds' '
	cat "$TEST_DIR/created.a" "$TEST_DIR/created.b" | cut -c1-4 | sort >"$TEST_DIR/want"
	echo "${PW:0:4}" >>"$TEST_DIR/want"
	sort -o "$TEST_DIR/want" "$TEST_DIR/want"
	say "created: $(wc -l <"$TEST_DIR/created.a") on A, $(wc -l <"$TEST_DIR/created.b") on B"
	mp_wait_same "$ALICE" apppwPassword
	sed -n "s/^id=\([^ ]*\) .*/\1/p" "$TEST_DIR/mp.a" | sort | diff -u "$TEST_DIR/want" -
	for pw in $(cat "$TEST_DIR/created.a" "$TEST_DIR/created.b"); do
		expect_bind 0 "$ALICE" "$pw" "$A_URI"
	done
'

test_expect_success 'A and B hold the same entries, and no glue entry' '
	mp_wait_same "$ALICE" apppwLastUsed a b
	mp_slapcat a >"$TEST_DIR/a.ldif"
	mp_slapcat b >"$TEST_DIR/b.ldif"
	diff -u "$TEST_DIR/a.ldif" "$TEST_DIR/b.ldif"
	not grep -q -i "^objectClass: glue" "$TEST_DIR/a.ldif"
	test "$(grep -c "^dn: " "$TEST_DIR/a.ldif")" = "$(grep -c "^dn: " "$TEST_ROOT/data/base.ldif")"
'

test_done
