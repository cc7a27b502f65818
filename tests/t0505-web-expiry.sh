#!/bin/bash
# apppw-web ends sessions idle past --idle or older than --lifetime, and
# closes their LDAP connections; sign-out closes it at once. (The script
# sleeps past the short timeouts it configures; it measures nothing.)
. "$(dirname "$0")/lib/test-lib.sh"
. "$(dirname "$0")/lib/web-lib.sh"
start_slapd
start_web --idle 2 --lifetime 6

# conn_of DN: slapd's number for the last connection that bound as DN
conn_of() {
	sed -n "s/.* conn=\([0-9]*\) op=[0-9]* BIND dn=\"$1\" .*/\1/p" \
		"$TEST_DIR/slapd.log" | tail -1
}

# unbound DN: whether slapd saw the connection that bound as DN unbind
# (slapd logs it a moment after it arrives: up to five seconds)
unbound() {
	local conn i=0
	conn=$(conn_of "$1")
	test -n "$conn"
	while [ $i -lt 50 ]; do
		grep -q " conn=$conn op=[0-9]* UNBIND" "$TEST_DIR/slapd.log" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# still_bound DN: the connection that bound as DN has not unbound
still_bound() {
	local conn
	conn=$(conn_of "$1")
	test -n "$conn"
	not grep -q " conn=$conn op=[0-9]* UNBIND" "$TEST_DIR/slapd.log"
}

test_expect_success 'an idle session ends, and its connection is closed' '
	add_user dave dave-pw
	JAR=idle sign_in dave dave-pw
	expect_status 303
	JAR=idle web_get /home
	expect_status 200
	still_bound "uid=dave,ou=people,$BASE_DN"
	sleep 4
	unbound "uid=dave,ou=people,$BASE_DN"
	grep -q "ended 1 idle or expired session" "$WEB_LOG"
	JAR=idle web_get /home
	expect_status 303
	test "$(header Location)" = /
	JAR=idle web_get /
	expect_status 200
	grep -q "id=\"signin\"" "$TEST_DIR/body"
'

stop_web
start_web --idle 100 --lifetime 4
test_expect_success 'a busy session ends at its lifetime all the same' '
	JAR=busy sign_in bob "$BOB_PW"
	expect_status 303
	i=0
	while [ $i -lt 15 ]; do
		JAR=busy web_get /home
		[ "$(status)" = 200 ] || break
		sleep 1
		i=$((i + 1))
	done
	expect_status 303
	test "$(header Location)" = /
	test $i -ge 1
'

stop_web
start_web --idle 2 --lifetime 6
test_expect_success 'an idle sign-in form has expired: 403' '
	JAR=form web_get /
	sleep 3
	JAR=form web_post /signin username=bob "password=$BOB_PW"
	expect_status 403
'

test_expect_success 'sign-out closes the connection at once' '
	add_user erin erin-pw
	JAR=out sign_in erin erin-pw
	JAR=out web_get /home
	JAR=out web_post /signout
	expect_status 303
	unbound "uid=erin,ou=people,$BASE_DN"
'

test_done
