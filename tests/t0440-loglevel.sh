#!/bin/bash
# slapd's loglevel packets, BER and any write every password and code to
# the log: the overlay says so, once each time one of them is turned on.
. "$(dirname "$0")/lib/test-lib.sh"
. "$TEST_ROOT/lib/security-lib.sh"
start_slapd

WARNING="apppw: warning: loglevel packets, BER or any writes every password, app password and TOTP code to the log; never run production with them"

# loglevel LEVEL...: slapd's olcLogLevel through cn=config
loglevel() {
	modify_ldif cn=config replace olcLogLevel "$@" | as_config ldapmodify >/dev/null
}

test_expect_success 'at loglevel stats, nothing is said' '
	expect_bind 0 "$BOB" "$BOB_PW"
	expect_log_count 0 "$WARNING"
'

test_expect_success 'loglevel packets: the next bind says it, once' '
	loglevel stats packets
	expect_bind 0 "$BOB" "$BOB_PW"
	expect_bind 49 "$ALICE" "$ALICE_PW"
	expect_log_count 1 "$WARNING"
'

test_expect_success 'back to stats, then any: said again' '
	loglevel stats
	expect_bind 0 "$BOB" "$BOB_PW"
	loglevel any
	expect_bind 0 "$BOB" "$BOB_PW"
	expect_log_count 2 "$WARNING"
	loglevel stats
'

test_done
