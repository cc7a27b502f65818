#!/bin/bash
# SMTP AUTH on Postfix's submission service, through Dovecot's SASL, as the
# deployment guide configures both: a private Postfix (its own
# config_directory and queue) asks a private Dovecot on its auth socket,
# and Dovecot binds to slapd as the user, over ldaps. App passwords and
# password+code pass as over IMAP; what the overlay refuses is refused.
. "$(dirname "$0")/lib/test-lib.sh"
. "$(dirname "$0")/lib/security-lib.sh"
. "$(dirname "$0")/lib/mail-lib.sh"

make_tls
write_config "apppw-totp-window $TOTP_WIDE_WINDOW" "$TLS_GLOBAL"
start_slapd
prepare_postfix
auth_socket=$(guide_snippet dovecot-postfix-auth) || exit 1
start_dovecot "$auth_socket"
start_postfix

test_expect_success 'Dovecot'"'"'s auth socket is in Postfix'"'"'s queue, for postfix alone' '
	test "$(stat -c "%A %U %G" "$POSTFIX_DIR/spool/private/auth")" = "srw-rw---- postfix postfix"
'

test_expect_success 'alice submits with an app password, as shown and upper case' '
	pw=$(apppw -H "$LDAP_URI" -D "$ADMIN_DN" -w "$ADMIN_PW" create --label Phone "$ALICE" 2>/dev/null)
	echo "$pw" >"$TEST_DIR/phone.pw"
	expect_login smtp alice "$pw"
	expect_login smtp alice "$(echo "$pw" | tr -d - | tr a-z A-Z)"
'

test_expect_success 'alice with her password and a code: accepted once' '
	code=$(next_totp "$ALICE_TOTP")
	expect_login smtp alice "$ALICE_PW$code"
	expect_login_refused smtp alice "$ALICE_PW$code"
'

test_expect_success 'alice with her password alone, or a wrong app password: refused' '
	expect_login_refused smtp alice "$ALICE_PW"
	expect_login_refused smtp alice "$(app_password_string)"
'

test_expect_success 'a revoked app password is refused at once' '
	pw=$(cat "$TEST_DIR/phone.pw")
	apppw -H "$LDAP_URI" -D "$ADMIN_DN" -w "$ADMIN_PW" revoke "${pw:0:4}" "$ALICE"
	expect_login_refused smtp alice "$pw"
'

test_expect_success 'bob with his password: accepted' '
	expect_login smtp bob "$BOB_PW"
'

test_done
