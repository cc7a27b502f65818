#!/bin/bash
# Per-service app passwords through Dovecot: the guide's DN template with
# the service in it (auth_bind_userdn = uid=%n,apppwService=%s,...) lets an
# IMAP-scoped app password log in to IMAP and not to POP3; a plain user
# logs in with the password through either; an MFA user's password and
# code, and unscoped app passwords, are refused there.
. "$(dirname "$0")/lib/test-lib.sh"
. "$(dirname "$0")/lib/security-lib.sh"
. "$(dirname "$0")/lib/mail-lib.sh"

make_tls
scopes=$(guide_snippet slapd-service-scopes) || exit 1
write_config "$scopes
apppw-totp-window $TOTP_WIDE_WINDOW" "$TLS_GLOBAL"
start_slapd
DOVECOT_LDAP_SNIPPET=dovecot-ldap-service
start_dovecot

test_expect_success 'setup: alice has app passwords for IMAP, for POP3, for all mail, and one without a scope' '
	alice_app_password "Phone IMAP" --scope imap >"$TEST_DIR/imap.pw"
	alice_app_password "Old POP3 client" --scope pop3 >"$TEST_DIR/pop3.pw"
	alice_app_password "Laptop" --scope mail >"$TEST_DIR/mail.pw"
	alice_app_password "Unscoped" >"$TEST_DIR/any.pw"
	test -s "$TEST_DIR/any.pw"
'

test_expect_success 'the IMAP app password logs in to IMAP, not to POP3' '
	pw=$(cat "$TEST_DIR/imap.pw")
	expect_login imap alice "$pw"
	expect_login_refused pop3 alice "$pw"
	grep -q "apppw: BIND dn=\"$ALICE\" through service imap" "$TEST_DIR/slapd.log"
	grep -q "apppw: BIND dn=\"$ALICE\" refused: the app password.s scope does not include this service id=${pw:0:4}" "$TEST_DIR/slapd.log"
'

test_expect_success 'the POP3 one the other way round; the mail one to both' '
	expect_login pop3 alice "$(cat "$TEST_DIR/pop3.pw")"
	expect_login_refused imap alice "$(cat "$TEST_DIR/pop3.pw")"
	expect_login imap alice "$(cat "$TEST_DIR/mail.pw")"
	expect_login pop3 alice "$(cat "$TEST_DIR/mail.pw")"
'

test_expect_success 'an app password without a scope, and password+code, are refused through the service DN' '
	expect_login_refused imap alice "$(cat "$TEST_DIR/any.pw")"
	expect_login_refused imap alice "$ALICE_PW$(next_totp "$ALICE_TOTP")"
	expect_login_refused pop3 alice "$ALICE_PW"
'

test_expect_success 'a plain user logs in with the password through either service' '
	expect_login imap bob "$BOB_PW"
	expect_login pop3 bob "$BOB_PW"
	expect_login_refused imap bob "$(cat "$TEST_DIR/mail.pw")"
'

test_done
