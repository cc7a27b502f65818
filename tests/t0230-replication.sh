#!/bin/bash
# A syncrepl consumer takes app passwords as its provider checked them,
# binds with them, and refuses password+TOTP while it cannot record the
# code's step on the provider.
. "$(dirname "$0")/lib/test-lib.sh"
. "$TEST_ROOT/lib/consumer-lib.sh"

start_slapd "apppw-scope mail 127.0.0.1/32
moduleload syncprov
overlay syncprov"
# the consumer configures no scope
start_consumer

# gt OFFSET: GeneralizedTime OFFSET seconds from now
gt() {
	date -u -d "@$(( $(date +%s) + $1 ))" +%Y%m%d%H%M%SZ
}

test_expect_success 'the consumer replicates the directory' '
	in_sync "$ALICE" apppwTOTPSecret
	in_sync "$CAROL" userPassword
'

test_expect_success 'an app password made on the provider binds on the consumer' '
	pw=$(new_app_password "$ALICE" "Phone")
	in_sync "$ALICE" apppwPassword
	expect_bind 0 "$ALICE" "$pw" "$CONSUMER_URI"
'

test_expect_success 'its last use, not forwarded, is logged and does not fail the bind' '
	grep -q "apppw: BIND dn=\"$ALICE\" cannot record the last use of app password id=[0-9a-z]\{4\} (.*); a consumer forwards it with updateref and the chain overlay\$" \
		"$CONSUMER_DIR/slapd.log"
'

stop_consumer
test_expect_success 'while the consumer is down, a record is made that expires' '
	pw=$(new_app_password "$ALICE" "Short lived" "expires=$(gt 2)")
	echo "$pw" >"$TEST_DIR/expiring.pw"
	expires=$(values "$ALICE" apppwPassword |
		sed -n "s/^id=${pw:0:4} .*expires=\([0-9]*Z\) .*/\1/p")
	until [ "$(date -u +%Y%m%d%H%M%SZ)" \> "$expires" ]; do sleep 0.5; done
'
start_consumer

test_expect_success '... it arrives at the consumer, expired, and is refused there' '
	in_sync "$ALICE" apppwPassword
	expect_bind 49 "$ALICE" "$(cat "$TEST_DIR/expiring.pw")" "$CONSUMER_URI"
'

test_expect_success 'a record in a scope the consumer lacks arrives, and is refused there' '
	pw=$(new_app_password "$CAROL" "Mail" "scope=mail")
	in_sync "$CAROL" apppwPassword
	expect_bind 0 "$CAROL" "$pw"
	expect_bind 49 "$CAROL" "$pw" "$CONSUMER_URI"
	grep -q "apppw: BIND dn=\"$CAROL\" refused: the app password.s scope is not configured id=${pw:0:4}\$" \
		"$CONSUMER_DIR/slapd.log"
'

test_expect_success 'password+TOTP on the consumer, which cannot record the step, is refused' '
	totp_settle
	expect_bind 49 "$ALICE" "$ALICE_PW$(totp "$ALICE_TOTP")" "$CONSUMER_URI"
	grep -q "apppw: BIND dn=\"$ALICE\" refused: cannot record the TOTP step (.*); a consumer forwards it with updateref and the chain overlay\$" \
		"$CONSUMER_DIR/slapd.log"
'

test_expect_success '... and the code is still good on the provider' '
	expect_bind 0 "$ALICE" "$ALICE_PW$(totp "$ALICE_TOTP")"
'

test_expect_success 'writes on the consumer are referred to the provider' '
	rc=0
	LDAP_URI=$CONSUMER_URI admin_modify "$ALICE" delete apppwPassword >"$TEST_DIR/out" 2>&1 || rc=$?
	cat "$TEST_DIR/out"
	test $rc = 10
'

test_done
