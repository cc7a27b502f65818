#!/bin/bash
# The trap the guide warns against: with auth_bind = no, Dovecot reads
# userPassword with a lookup account and compares it itself, and slapd
# never sees a bind as the user. Under the README's ACLs (userPassword:
# auth only) nobody can log in: it fails closed. Where an administrator
# lets the lookup account read userPassword, MFA is bypassed: the password
# alone logs in, and neither app passwords nor password+code work.
. "$(dirname "$0")/lib/test-lib.sh"
. "$(dirname "$0")/lib/security-lib.sh"
. "$(dirname "$0")/lib/mail-lib.sh"

make_tls
write_config "" "$TLS_GLOBAL"
start_slapd
add_lookup_accounts
# passwords as a real directory stores them: hashed
set_password "$ALICE" "$(slappasswd -s "$ALICE_PW")" >/dev/null
set_password "$BOB" "$(slappasswd -s "$BOB_PW")" >/dev/null
DOVECOT_LDAP_SNIPPET=dovecot-ldap-no-auth-bind
start_dovecot

test_expect_success 'setup: an app password of alice'"'"'s; slapd takes it' '
	pw=$(apppw -H "$LDAP_URI" -D "$ADMIN_DN" -w "$ADMIN_PW" create --label Phone "$ALICE" 2>/dev/null)
	echo "$pw" >"$TEST_DIR/phone.pw"
	expect_bind_as "$ALICE" "$pw"
'

test_expect_success 'under the README'"'"'s ACLs, nobody logs in: Dovecot cannot read userPassword' '
	expect_login_refused imap bob "$BOB_PW"
	expect_login_refused imap alice "$ALICE_PW"
	expect_login_refused imap alice "$(cat "$TEST_DIR/phone.pw")"
'

test_expect_success 'the lookup account allowed to read userPassword (what such guides ask for)' '
	as_config ldapmodify >/dev/null <<-EOF
	dn: olcDatabase={1}mdb,cn=config
	changetype: modify
	add: olcAccess
	olcAccess: {0}to attrs=userPassword by dn.exact="cn=dovecot,ou=services,$BASE_DN" read by * break
	EOF
	expect_login imap bob "$BOB_PW"
'

test_expect_success '... MFA is bypassed: alice logs in with her password alone' '
	expect_login imap alice "$ALICE_PW"
	expect_login pop3 alice "$ALICE_PW"
'

test_expect_success '... and her app password and password+code are refused' '
	expect_login_refused imap alice "$(cat "$TEST_DIR/phone.pw")"
	expect_login_refused imap alice "$ALICE_PW$(totp "$ALICE_TOTP")"
'

test_expect_success '... and slapd saw no bind as alice but the setup'"'"'s' '
	expect_log_count 1 "apppw: BIND dn=\"$ALICE\""
'

test_done
