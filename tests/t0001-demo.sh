#!/bin/bash
# The module loads into the installed slapd, and "make run"'s demo serves
# its directory with the variables of run/demo.env filled and working.
. "$(dirname "$0")/lib/test-lib.sh"

RUN_DIR="$TEST_DIR/run"
export RUN_DIR
demo_port=$(free_port)
stop_demo() {
	"$SRC_ROOT/tools/demo/demo.sh" stop >/dev/null 2>&1
	cleanup
}
trap stop_demo EXIT

test_expect_success 'slaptest accepts the module in the installed slapd' '
	write_config
	slaptest -u -f "$TEST_DIR/slapd.conf"
'

test_expect_success 'test servers get ports below the ephemeral range' '
	# where no earlier client connection, nor its TIME_WAIT, holds them
	test "$demo_port" -lt "$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range)"
'

# env_complete FILE: FILE sets every variable of run/demo.env, none empty
env_complete() {
	(
		. "$1"
		for v in LDAP_URI BASE_DN ADMIN_DN ADMIN_PW MFA_USER_DN MFA_USER_PW \
			MFA_USER_TOTP_SECRET MFA_USER_APP_PASSWORD PLAIN_USER_DN \
			PLAIN_USER_PW NEW_USER_DN NEW_USER_PW; do
			eval "test -n \"\${$v:-}\"" || { echo "$1: $v is empty"; exit 1; }
		done
	)
}

# watch_env PID NAME: until PID exits, copy run/demo.env whenever it
# exists to $TEST_DIR/NAME.N, as a script waiting for it would read it;
# then say how many copies were made
watch_env() {
	local n=0
	while kill -0 "$1" 2>/dev/null; do
		if cp "$RUN_DIR/demo.env" "$TEST_DIR/$2.$n" 2>/dev/null; then
			n=$((n + 1))
		fi
		sleep 0.01
	done
	echo "run/demo.env read $n times while the demo started"
}

test_expect_success 'the demo starts in the background' '
	"$SRC_ROOT/tools/demo/demo.sh" start "$demo_port" >"$TEST_DIR/start.out" &
	pid=$!
	watch_env $pid env-start
	wait $pid
	cat "$TEST_DIR/start.out"
	grep -q "ldap://127.0.0.1:$demo_port" "$TEST_DIR/start.out"
'

test_expect_success 'run/demo.env was never seen incomplete while the demo started' '
	# it appears once every value is known: a script that sources it as
	# soon as it exists, or as soon as the server answers, gets them all
	for f in "$TEST_DIR"/env-start.*; do
		[ ! -e "$f" ] || env_complete "$f"
	done
	# and nothing is left of the writing
	ls -A "$RUN_DIR" | grep -F -e seed.env -e demo.env. >"$TEST_DIR/left" || :
	diff -u /dev/null "$TEST_DIR/left"
'

test_expect_success 'run/demo.env sets every variable' '
	env_complete "$RUN_DIR/demo.env"
	(
		. "$RUN_DIR/demo.env"
		test "$LDAP_URI" = "ldap://127.0.0.1:'"$demo_port"'"
	)
'

test_expect_success 'the demo directory answers, with the overlay loaded' '
	. "$RUN_DIR/demo.env"
	ldapsearch -x -H "$LDAP_URI" -D "$ADMIN_DN" -w "$ADMIN_PW" -LLL \
		-b "$BASE_DN" "(uid=*)" uid >"$TEST_DIR/uids"
	grep -c "^uid: " "$TEST_DIR/uids" | grep -qx 3
	ldapsearch -Q -Y EXTERNAL -H "$LDAPI_URI" -LLL -s one \
		-b "olcDatabase={1}mdb,cn=config" olcOverlay |
		grep -q "^olcOverlay: {0}apppw\$"
'

test_expect_success 'the printed commands work as printed' '
	. "$RUN_DIR/demo.env"
	ldapwhoami -x -H "$LDAP_URI" -D "$PLAIN_USER_DN" -w "$PLAIN_USER_PW"
	rc=0; ldapwhoami -x -H "$LDAP_URI" -D "$MFA_USER_DN" -w "$MFA_USER_PW" || rc=$?
	test $rc = 49
	ldapwhoami -x -H "$LDAP_URI" -D "$MFA_USER_DN" \
		-w "$MFA_USER_PW$(oathtool --totp -b "$MFA_USER_TOTP_SECRET")"
	ldapwhoami -x -H "$LDAP_URI" -D "$MFA_USER_DN" -w "$MFA_USER_APP_PASSWORD"
	"$SRC_ROOT/build/apppw" -x -H "$LDAP_URI" -D "$MFA_USER_DN" \
		-w "$MFA_USER_APP_PASSWORD" list | grep -q "Demo mail app"
'

test_expect_success 'a second start serves the same directory, stop stops it' '
	pid=$(cat "$RUN_DIR/slapd.pid")
	"$SRC_ROOT/tools/demo/demo.sh" stop
	not kill -0 "$pid" 2>/dev/null
	cp "$RUN_DIR/demo.env" "$TEST_DIR/env.before"
	"$SRC_ROOT/tools/demo/demo.sh" start "$demo_port" >/dev/null &
	pid=$!
	watch_env $pid env-restart
	wait $pid
	# rewritten at once, if at all: every copy read is the same
	for f in "$RUN_DIR/demo.env" "$TEST_DIR"/env-restart.*; do
		[ ! -e "$f" ] || diff -u "$TEST_DIR/env.before" "$f"
	done
	. "$RUN_DIR/demo.env"
	ldapwhoami -x -H "$LDAP_URI" -D "$MFA_USER_DN" -w "$MFA_USER_APP_PASSWORD"
'

test_done
