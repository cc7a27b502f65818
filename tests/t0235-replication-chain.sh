#!/bin/bash
# A consumer with updateref and the chain overlay forwards the TOTP step
# to its provider: password+TOTP binds work there, and a code used on one
# server is refused on the other.
. "$(dirname "$0")/lib/test-lib.sh"
. "$TEST_ROOT/lib/consumer-lib.sh"
. "$TEST_ROOT/lib/security-lib.sh"

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
	echo "$pw" >"$TEST_DIR/app.pw"
	in_sync "$ALICE" apppwPassword
	expect_bind 0 "$ALICE" "$pw" "$CONSUMER_URI"
	expect_values "$ALICE" apppwLastUsed "$pw" <<-EOF
	ID1 TIME 127.0.0.1
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

APP_SESSION="apppw: this session authenticated with an app password: it may read, but not change passwords, app passwords or MFA settings"

test_expect_success 'an app-password session on the consumer may not manage (50), though writes there are referred and chained: nothing reaches the provider' '
	keep_accounts "$ALICE" "$BOB"
	as_app_on_consumer() {
		local tool=$1
		shift
		"$tool" -x -H "$CONSUMER_URI" -D "$ALICE" -w "$(cat "$TEST_DIR/app.pw")" "$@"
	}
	for dn in "$ALICE" "$BOB"; do
		modify_ldif "$dn" replace userPassword attacker-pw >"$TEST_DIR/mod"
		expect_ldap_error 50 "$APP_SESSION" as_app_on_consumer ldapmodify -f "$TEST_DIR/mod"
	done
	modify_ldif "$ALICE" replace apppwMFARequired FALSE >"$TEST_DIR/mod"
	expect_ldap_error 50 "$APP_SESSION" as_app_on_consumer ldapmodify -f "$TEST_DIR/mod"
	expect_ldap_error 50 "$APP_SESSION" as_app_on_consumer ldapdelete "$BOB"
	printf "dn: %s\nchangetype: modrdn\nnewrdn: uid=bob2\ndeleteoldrdn: 1\n" "$BOB" >"$TEST_DIR/mod"
	expect_ldap_error 50 "$APP_SESSION" as_app_on_consumer ldapmodify -f "$TEST_DIR/mod"
	expect_ldap_error 1 "$APP_SESSION" as_app_on_consumer ldappasswd -s attacker-pw
	grep -q -F "Insufficient access (50)" "$TEST_DIR/err.out"
	expect_accounts_kept
'

test_expect_success 'a password+TOTP session on the consumer changes its password on the provider' '
	totp_settle
	set_password_at() {
		modify_ldif "$ALICE" replace userPassword alice-new-pw |
			ldapmodify -x -H "$CONSUMER_URI" -D "$ALICE" -w "$1"
	}
	set_password_at "$ALICE_PW$(totp "$ALICE_TOTP" 1)"
	in_sync "$ALICE" userPassword
	expect_bind_refused "$ALICE" "$ALICE_PW$(wrong_code "$ALICE_TOTP")"
'

test_expect_success 'wrong codes are counted by the server that sees them: the consumer locks, the provider does not' '
	for i in 1 2 3; do
		expect_bind_refused "$ALICE" "alice-new-pw$(wrong_code "$ALICE_TOTP")" "$CONSUMER_URI"
	done
	grep -q -F "dn=\"$ALICE\" refused: wrong or out-of-window TOTP code; TOTP locked until" \
		"$CONSUMER_DIR/slapd.log"
	expect_bind_refused "$ALICE" "alice-new-pw$(wrong_code "$ALICE_TOTP")"
	expect_log_count 1 "dn=\"$ALICE\" refused: wrong or out-of-window TOTP code (1 of 3 before a lockout)"
'

test_done
