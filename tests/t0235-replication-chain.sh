#!/bin/bash
# A consumer with updateref and the chain overlay forwards the TOTP step
# to its provider: password+TOTP binds work there, and a code used on one
# server is refused on the other.
. "$(dirname "$0")/lib/test-lib.sh"
. "$TEST_ROOT/lib/consumer-lib.sh"

start_slapd "moduleload syncprov
overlay syncprov"
start_consumer "" "moduleload back_ldap
overlay chain
chain-uri $LDAP_URI
chain-idassert-bind bindmethod=simple binddn=\"$ADMIN_DN\"
	credentials=$ADMIN_PW mode=self
chain-return-error TRUE"

test_expect_success 'the consumer replicates the directory' '
	in_sync "$ALICE" apppwTOTPSecret
'

test_expect_success 'password+TOTP on the consumer is accepted' '
	totp_settle
	echo "$ALICE_PW$(totp "$ALICE_TOTP")" >"$TEST_DIR/cred"
	expect_bind 0 "$ALICE" "$(cat "$TEST_DIR/cred")" "$CONSUMER_URI"
'

test_expect_success '... its step was written on the provider, and replicated' '
	test -n "$(values "$ALICE" apppwTOTPLastStep)"
	in_sync "$ALICE" apppwTOTPLastStep
'

test_expect_success 'the same code is refused on the provider and on the consumer' '
	expect_bind 49 "$ALICE" "$(cat "$TEST_DIR/cred")"
	expect_bind 49 "$ALICE" "$(cat "$TEST_DIR/cred")" "$CONSUMER_URI"
'

test_expect_success 'the last use of an app password is forwarded too' '
	pw=$(new_app_password "$ALICE" "Phone")
	in_sync "$ALICE" apppwPassword
	expect_bind 0 "$ALICE" "$pw" "$CONSUMER_URI"
	expect_values "$ALICE" apppwLastUsed "$pw" <<-EOF
	ID1 TIME
	EOF
	in_sync "$ALICE" apppwLastUsed
'

test_expect_success 'the step is written by users only with the Relax control, as the chain does' '
	expect_ldap_error 19 "apppwTOTPLastStep: no user modification allowed" \
		admin_modify "$ALICE" replace apppwTOTPLastStep 0
	as_admin ldapmodify -e relax >/dev/null <<-EOF
	dn: $ALICE
	changetype: modify
	replace: apppwTOTPLastStep
	apppwTOTPLastStep: 0
	EOF
	test "$(values "$ALICE" apppwTOTPLastStep)" = 0
'

test_done
