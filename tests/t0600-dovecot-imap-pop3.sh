#!/bin/bash
# Dovecot as the deployment guide configures it (passdb ldap, auth_bind =
# yes, auth_bind_userdn, ldaps to slapd, no auth cache), against slapd with
# the overlay: real IMAP and POP3 logins by an MFA user with app passwords
# (as shown, upper case without dashes, grouped with spaces), with
# password+code (once), with the password alone, with a revoked or a wrong
# app password; by a plain user, also with the MFA user's app password;
# with UTF-8 passwords over AUTHENTICATE PLAIN; with app passwords scoped
# to the mail server's address and to another network.
. "$(dirname "$0")/lib/test-lib.sh"
. "$(dirname "$0")/lib/security-lib.sh"
. "$(dirname "$0")/lib/mail-lib.sh"

make_tls
scope=$(guide_snippet slapd-scope) || exit 1
write_config "$scope
apppw-scope elsewhere 198.51.100.0/24
apppw-totp-window $TOTP_WIDE_WINDOW" "$TLS_GLOBAL"
start_slapd
start_dovecot

test_expect_success 'setup: app passwords of alice, made with the apppw tool' '
	alice_app_password Phone >"$TEST_DIR/phone.pw"
	alice_app_password Laptop >"$TEST_DIR/laptop.pw"
	alice_app_password "Mail server only" --scope mail >"$TEST_DIR/mail-scope.pw"
	alice_app_password Elsewhere --scope elsewhere >"$TEST_DIR/elsewhere.pw"
	grep -Eqx "[0-9a-z]{4}(-[0-9a-z]{4}){4}" "$TEST_DIR/phone.pw"
'

test_expect_success 'alice logs in to IMAP and POP3 with an app password as shown' '
	pw=$(cat "$TEST_DIR/phone.pw")
	expect_login imap alice "$pw"
	expect_login pop3 alice "$pw"
'

test_expect_success 'Dovecot reached slapd over its ldaps listener, with TLS' '
	grep -E "ACCEPT from IP=127\.0\.0\.1:[0-9]+ \(IP=127\.0\.0\.1:$LDAPS_PORT\)" "$TEST_DIR/slapd.log" |
		sed -n "s/.* \(conn=[0-9]*\) .*/\1/p" >"$TEST_DIR/ldaps.conns"
	test -s "$TEST_DIR/ldaps.conns"
	conn=$(head -1 "$TEST_DIR/ldaps.conns")
	grep -q "$conn fd=[0-9]* TLS established" "$TEST_DIR/slapd.log"
	grep -q "$conn op=[0-9]* apppw: BIND dn=\"$ALICE\" app password id=$(head -c4 "$TEST_DIR/phone.pw") label=\"Phone\"" "$TEST_DIR/slapd.log"
'

test_expect_success '... upper case without dashes, and grouped with spaces' '
	pw=$(cat "$TEST_DIR/laptop.pw")
	upper=$(echo "$pw" | tr -d - | tr a-z A-Z)
	spaced=$(echo "$pw" | tr - " ")
	expect_login imap alice "$upper"
	expect_login pop3 alice "$upper"
	expect_login imap alice "$spaced"
	expect_login pop3 alice "$spaced"
'

test_expect_success 'alice with her password and a code: accepted once, the same code refused' '
	code=$(next_totp "$ALICE_TOTP")
	expect_login imap alice "$ALICE_PW$code"
	expect_login_refused imap alice "$ALICE_PW$code"
	expect_login_refused pop3 alice "$ALICE_PW$code"
	code=$(next_totp "$ALICE_TOTP")
	expect_login pop3 alice "$ALICE_PW$code"
	expect_login_refused pop3 alice "$ALICE_PW$code"
'

test_expect_success 'alice with her password alone: refused' '
	expect_login_refused imap alice "$ALICE_PW"
	expect_login_refused pop3 alice "$ALICE_PW"
'

test_expect_success 'a revoked app password is refused at once' '
	pw=$(cat "$TEST_DIR/laptop.pw")
	expect_login imap alice "$pw"
	apppw -H "$LDAP_URI" -D "$ADMIN_DN" -w "$ADMIN_PW" revoke "${pw:0:4}" "$ALICE"
	expect_login_refused imap alice "$pw"
	expect_login_refused pop3 alice "$pw"
'

test_expect_success 'a wrong app password is refused, also one with a known id' '
	expect_login_refused imap alice "$(app_password_string)"
	pw=$(cat "$TEST_DIR/phone.pw")
	wrong=${pw:0:5}$(app_password_string | cut -c6-)
	expect_login_refused imap alice "$wrong"
	expect_login_refused pop3 alice "$wrong"
'

test_expect_success 'bob, not MFA-required, logs in with his password' '
	expect_login imap bob "$BOB_PW"
	expect_login pop3 bob "$BOB_PW"
'

test_expect_success '... and not with alice'"'"'s app password' '
	pw=$(cat "$TEST_DIR/phone.pw")
	expect_login_refused imap bob "$pw"
	expect_login_refused pop3 bob "$pw"
'

test_expect_success 'UTF-8 passwords over AUTHENTICATE PLAIN: a plain user, an MFA user with a code' '
	add_user dana "Dänish-smørrebrød-€" >/dev/null
	add_mfa_user erik "grüß-Gott-ÅÄÖ" "$CAROL_TOTP"
	expect_login imap-plain dana "Dänish-smørrebrød-€"
	expect_login_refused imap-plain dana "Danish-smorrebrod-€"
	code=$(next_totp "$CAROL_TOTP")
	expect_login imap-plain erik "grüß-Gott-ÅÄÖ$code"
	expect_login_refused imap-plain erik "grüß-Gott-ÅÄÖ"
'

test_expect_success 'an app password scoped to the mail server'"'"'s address works through Dovecot' '
	pw=$(cat "$TEST_DIR/mail-scope.pw")
	expect_login imap alice "$pw"
	expect_login pop3 alice "$pw"
'

test_expect_success 'one scoped to another network is refused' '
	pw=$(cat "$TEST_DIR/elsewhere.pw")
	expect_login_refused imap alice "$pw"
	expect_login_refused pop3 alice "$pw"
	expect_log_count 2 "apppw: BIND dn=\"$ALICE\" refused: the client is outside the app password'"'"'s scope id=${pw:0:4}"
'

test_expect_success 'after all these failures, no penalty for 127.0.0.1 (the guide'"'"'s penalty-off snippet)' '
	doveadm_ penalty | tr -s " " | sed "s/ \$//" >"$TEST_DIR/penalty.out"
	echo "IP penalty last_penalty last_update" | diff -u - "$TEST_DIR/penalty.out"
'

test_done
