#!/bin/bash
# Enrolment on a replication consumer with updateref and the chain overlay:
# the secret and the code's step are written on the provider, as a bind's
# TOTP step is, and replicated, with the first recovery codes; the
# enrolment's code is then refused on both servers, and a second
# enrolment on the provider is refused. A recovery code used on the
# consumer is used up on the provider, through the chain, and so refused
# on both.
. "$(dirname "$0")/lib/test-lib.sh"
. "$TEST_ROOT/lib/consumer-lib.sh"
. "$TEST_ROOT/lib/security-lib.sh"
. "$TEST_ROOT/lib/enrol-lib.sh"

start_slapd "moduleload syncprov
overlay syncprov"
start_consumer "" "moduleload back_ldap
overlay chain
chain-uri $LDAP_URI
chain-idassert-bind bindmethod=simple binddn=\"$ADMIN_DN\"
	credentials=$ADMIN_PW mode=self
chain-return-error TRUE"

WES="uid=wes,ou=people,$BASE_DN"
SECRET=$(head -c 20 /dev/urandom | base32 | tr -d =)

test_expect_success 'setup: wes is pending, on both servers' '
	add_user wes wes-pw "apppwMFARequired: TRUE" >/dev/null
	in_sync "$WES" apppwMFARequired
'

test_expect_success 'wes enrols on the consumer: stored on the provider, and replicated' '
	totp_settle 30 5
	code=$(totp "$SECRET")
	echo "$code" >"$TEST_DIR/code"
	expect_enrol 0 "" "$WES" wes-pw "$SECRET" "$code" "$CONSUMER_URI"
	test "$(values "$WES" apppwTOTPSecret)" = "$SECRET"
	test -n "$(values "$WES" apppwTOTPLastStep)"
	in_sync "$WES" apppwTOTPSecret
	in_sync "$WES" apppwTOTPLastStep
	test "$(values "$WES" apppwRecoveryCode | wc -l)" = 10
	in_sync "$WES" apppwRecoveryCode
	sed -n "s/^data:: //p" "$TEST_DIR/enrol.out" |
		"$CREATE_CODEC" enrol-response | tail -n +2 >"$TEST_DIR/codes"
	test "$(wc -l <"$TEST_DIR/codes")" = 10
'

test_expect_success 'the enrolment code is refused on both servers' '
	expect_bind_refused "$WES" "wes-pw$(cat "$TEST_DIR/code")"
	expect_bind_refused "$WES" "wes-pw$(cat "$TEST_DIR/code")" "$CONSUMER_URI"
'

test_expect_success 'a second enrolment, on the provider, is refused (53)' '
	other=$(head -c 20 /dev/urandom | base32 | tr -d =)
	expect_enrol 53 "apppw: this account has enrolled a TOTP authenticator already: a new one is enrolled from a session signed in with the password followed by a code" \
		"$WES" wes-pw "$other" "$(totp "$other")"
	test "$(values "$WES" apppwTOTPSecret)" = "$SECRET"
'

test_expect_success 'a recovery code used on the consumer is used up on the provider too' '
	c=$(sed -n 1p "$TEST_DIR/codes")
	expect_bind_as "$WES" "wes-pw$c" "$CONSUMER_URI"
	test "$(values "$WES" apppwRecoveryCode | wc -l)" = 9
	in_sync "$WES" apppwRecoveryCode
	expect_bind_refused "$WES" "wes-pw$c" "$CONSUMER_URI"
	expect_bind_refused "$WES" "wes-pw$c"
'

test_done
