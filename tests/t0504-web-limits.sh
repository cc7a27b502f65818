#!/bin/bash
# apppw-web's bounds: sign-in attempts per client address and per username
# (429), X-Forwarded-For only from a trusted proxy, the request body (413),
# and the session table (pre-sign-in sessions evicted, signed-in ones
# never: a new visitor is refused instead).
. "$(dirname "$0")/lib/test-lib.sh"
. "$(dirname "$0")/lib/web-lib.sh"
start_slapd
start_web --signin-failures 3 --trusted-proxy 127.0.0.1

# from ADDR: curl arguments for a request forwarded for ADDR
from() {
	echo "-H X-Forwarded-For:$1"
}

# try USER PASSWORD ADDR: one sign-in through the form, in its own jar
try() {
	JAR=try.$1.$3 web_get / $(from "$3")
	JAR=try.$1.$3 web_post /signin "username=$1" "password=$2" -- $(from "$3")
}

test_expect_success 'per username: the fourth failure from anywhere gets 429' '
	add_user dave dave-pw
	for a in 10.0.0.1 10.0.0.2 10.0.0.3; do
		try dave wrong $a
		expect_status 303
	done
	try dave wrong 10.0.0.4
	expect_status 429
	test "$(error_text)" = "Too many attempts. Wait a few minutes, then try again."
	try dave dave-pw 10.0.0.5
	expect_status 429
	grep -q "signin refused user=\"dave\" from=10.0.0.4 reason=rate limit" "$WEB_LOG"
'

test_expect_success 'another user from another address is not held up' '
	try bob "$BOB_PW" 10.0.0.6
	expect_status 303
	test "$(header Location)" = /home
'

test_expect_success 'per address: three failures, then even a right password gets 429' '
	for u in u1 u2 u3; do
		try $u wrong 10.0.1.1
	done
	try bob "$BOB_PW" 10.0.1.1
	expect_status 429
	try bob "$BOB_PW" 10.0.1.2
	expect_status 303
'

test_expect_success 'the log names the forwarded address' '
	grep -q "signin password refused user=\"u1\" from=10.0.1.1, code asked" "$WEB_LOG"
	grep -q "signin user=\"bob\" from=10.0.1.2 mfa=no" "$WEB_LOG"
'

test_expect_success 'the sign-in form again from the code page starts over' '
	JAR=again web_get / $(from 10.0.2.1)
	JAR=again web_post /signin username=u4 password=wrong -- $(from 10.0.2.1)
	JAR=again web_get / $(from 10.0.2.1)
	grep -q "id=\"verify\"" "$TEST_DIR/body"
	JAR=again web_post /signin username=bob "password=$BOB_PW" -- $(from 10.0.2.1)
	expect_status 303
	test "$(header Location)" = /home
'

test_expect_success 'a body over 4096 bytes: 413, announced or chunked' '
	JAR=big web_get /
	head -c 5000 /dev/zero | tr "\\0" a >"$TEST_DIR/big"
	JAR=big web_get /signin --data-binary "@$TEST_DIR/big"
	expect_status 413
	JAR=big web_get /signin -H "Transfer-Encoding: chunked" \
		--data-binary "@$TEST_DIR/big"
	expect_status 413
	JAR=big web_get /
	expect_status 200
'

stop_web
start_web --max-sessions 3
test_expect_success 'sessions: three signed in, and a fourth visitor is refused' '
	JAR=s1 sign_in bob "$BOB_PW"
	expect_status 303
	JAR=s2 sign_in bob "$BOB_PW"
	expect_status 303
	JAR=s3 sign_in bob "$BOB_PW"
	expect_status 303
	JAR=s4 web_get /
	expect_status 503
	test "$(error_text)" = "Too many people are signed in now. Try again in a few minutes."
	for j in s1 s2 s3; do
		JAR=$j web_get /home
		expect_status 200
	done
'

test_expect_success 'a pre-sign-in session gives way; a signed-in one never does' '
	JAR=s3 web_get /home
	JAR=s3 web_post /signout
	JAR=p1 web_get /
	expect_status 200
	t1=$(csrf)
	JAR=p2 web_get /
	expect_status 200
	t2=$(csrf)
	JAR=p1 web_post /signin "csrf=$t1" username=bob "password=$BOB_PW"
	expect_status 403
	JAR=p2 web_post /signin "csrf=$t2" username=bob "password=$BOB_PW"
	expect_status 303
	JAR=s1 web_get /home
	expect_status 200
	JAR=s2 web_get /home
	expect_status 200
'

stop_web
start_web
test_expect_success 'X-Forwarded-For from an untrusted peer is ignored' '
	JAR=x web_get / $(from 10.9.9.9)
	JAR=x web_post /signin username=bob "password=$BOB_PW" -- $(from 10.9.9.9)
	grep -q "signin user=\"bob\" from=127.0.0.1 mfa=no" "$WEB_LOG"
	not grep -q "from=10.9.9.9" "$WEB_LOG"
'

test_done
