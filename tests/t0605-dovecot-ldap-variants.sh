#!/bin/bash
# The guide's other two ways for Dovecot to reach slapd: StartTLS on the
# plain listener instead of ldaps, and a search for the user's entry with
# a lookup account (so that users may log in with their mail address)
# instead of a DN template; both bind as the user, and the overlay's rules
# hold as in t0600.
. "$(dirname "$0")/lib/test-lib.sh"
. "$(dirname "$0")/lib/security-lib.sh"
. "$(dirname "$0")/lib/mail-lib.sh"

make_tls
write_config "apppw-totp-window $TOTP_WIDE_WINDOW" "$TLS_GLOBAL"
start_slapd
add_lookup_accounts
DOVECOT_LDAP_SNIPPET=dovecot-ldap-starttls
start_dovecot

test_expect_success 'StartTLS: an app password logs in, the password alone does not' '
	pw=$(apppw -H "$LDAP_URI" -D "$ADMIN_DN" -w "$ADMIN_PW" create --label Phone "$ALICE" 2>/dev/null)
	echo "$pw" >"$TEST_DIR/phone.pw"
	expect_login imap alice "$pw"
	expect_login pop3 alice "$pw"
	expect_login_refused imap alice "$ALICE_PW"
'

test_expect_success '... over the plain listener, after StartTLS' '
	port=${LDAP_URI##*:}
	grep -E "ACCEPT from IP=127\.0\.0\.1:[0-9]+ \(IP=127\.0\.0\.1:$port\)" "$TEST_DIR/slapd.log" |
		sed -n "s/.* \(conn=[0-9]*\) .*/\1/p" >"$TEST_DIR/conns"
	for conn in $(cat "$TEST_DIR/conns"); do
		if grep -q "$conn op=[0-9]* apppw: BIND dn=\"$ALICE\" app password" "$TEST_DIR/slapd.log"; then
			grep -q "$conn op=0 STARTTLS" "$TEST_DIR/slapd.log"
			echo found >"$TEST_DIR/found"
		fi
	done
	test -s "$TEST_DIR/found"
'

DOVECOT_LDAP_SNIPPET=dovecot-ldap-search
restart_dovecot

test_expect_success 'search: alice logs in by uid and by mail address, with an app password' '
	pw=$(cat "$TEST_DIR/phone.pw")
	expect_login imap alice "$pw"
	expect_login imap alice@example.com "$pw"
	expect_login pop3 alice@example.com "$pw"
'

test_expect_success '... with her password and a code, once' '
	code=$(next_totp "$ALICE_TOTP")
	expect_login imap alice@example.com "$ALICE_PW$code"
	expect_login_refused imap alice@example.com "$ALICE_PW$code"
	expect_login_refused imap alice "$ALICE_PW"
'

test_expect_success '... the lookup account searched, the user bound' '
	grep -q "BIND dn=\"cn=dovecot,ou=services,$BASE_DN\" mech=SIMPLE" "$TEST_DIR/slapd.log"
	grep -q "SRCH base=\"ou=people,$BASE_DN\" .* filter=\"(&(objectClass=inetOrgPerson)(|(uid=alice)(mail=alice@example.com)))\"" "$TEST_DIR/slapd.log"
'

test_expect_success 'bob by mail address, with his password; a stranger is refused' '
	expect_login imap bob@example.com "$BOB_PW"
	expect_login_refused imap nobody@example.com "$BOB_PW"
'

# The CA Dovecot trusts replaced by another one: slapd's certificate is no
# longer signed by it, as a man in the middle's would not be.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=another CA" \
	-keyout "$TLS_DIR/other-ca.key" -out "$TLS_DIR/other-ca.pem" >/dev/null 2>&1 ||
	bail_out "cannot make another CA"
cp "$TLS_DIR/ca.pem" "$TLS_DIR/ca.pem.right"
cp "$TLS_DIR/other-ca.pem" "$TLS_DIR/ca.pem"
restart_dovecot

test_expect_success 'a slapd whose certificate the CA did not sign: Dovecot does not talk to it' '
	mail_login imap alice "$(cat "$TEST_DIR/phone.pw")" >"$TEST_DIR/login.out" || :
	sed "s/ \[[^]]*:[0-9 :-]*\]\$/ [HOST:TIME]/" "$TEST_DIR/login.out" >"$TEST_DIR/login.read"
	echo "[UNAVAILABLE] Temporary authentication failure. [HOST:TIME]" |
		diff -u - "$TEST_DIR/login.read"
	grep -q "auth: Error: ldap($DOVECOT_DIR/dovecot-ldap.conf.ext): Can.t connect to server: ldaps://127.0.0.1:$LDAPS_PORT\$" \
		"$DOVECOT_DIR/dovecot.log"
'

test_done
