#!/bin/bash
# The auth-cache trap the deployment guide warns about, and its cure. With
# Dovecot's auth cache on, a revoked app password keeps working, and a used
# password+code is accepted again, from the cache, until "doveadm auth cache
# flush"; a user's second device is refused after one failed login; with
# the guide's auth_cache_size = 0, all of it is gone.
. "$(dirname "$0")/lib/test-lib.sh"
. "$(dirname "$0")/lib/security-lib.sh"
. "$(dirname "$0")/lib/mail-lib.sh"

make_tls
write_config "apppw-totp-window $TOTP_WIDE_WINDOW" "$TLS_GLOBAL"
start_slapd
# the guide's configuration, then the cache a stock one may have
start_dovecot "auth_cache_size = 1M"

# new_pw LABEL: a new app password of alice's, as the apppw tool shows it
new_pw() {
	apppw -H "$LDAP_URI" -D "$ADMIN_DN" -w "$ADMIN_PW" create --label "$1" \
		"$ALICE" 2>/dev/null
}

# revoke PASSWORD: revoke one of alice's app passwords with the apppw tool
revoke() {
	apppw -H "$LDAP_URI" -D "$ADMIN_DN" -w "$ADMIN_PW" revoke "${1:0:4}" "$ALICE"
}

test_expect_success 'cache on: the configuration says so' '
	test "$(doveconf -c "$DOVECOT_CONF" -h auth_cache_size)" = "1 M"
'

test_expect_success 'cache on: a revoked app password still logs in, from the cache' '
	pw=$(new_pw Phone)
	echo "$pw" >"$TEST_DIR/phone.pw"
	expect_login imap alice "$pw"
	revoke "$pw"
	expect_bind_refused "$ALICE" "$pw"
	expect_login imap alice "$pw"
	expect_login pop3 alice "$pw"
'

test_expect_success '... until doveadm auth cache flush' '
	doveadm_ auth cache flush
	pw=$(cat "$TEST_DIR/phone.pw")
	expect_login_refused imap alice "$pw"
	expect_login_refused pop3 alice "$pw"
'

test_expect_success 'cache on: a used password+code is accepted again, from the cache' '
	code=$(next_totp "$ALICE_TOTP")
	echo "$code" >"$TEST_DIR/code"
	expect_login imap alice "$ALICE_PW$code"
	expect_bind_refused "$ALICE" "$ALICE_PW$code"
	expect_login imap alice "$ALICE_PW$code"
	doveadm_ auth cache flush
	expect_login_refused imap alice "$ALICE_PW$code"
'

test_expect_success 'cache on: two devices of one user, two app passwords: both log in' '
	doveadm_ auth cache flush
	new_pw Tablet >"$TEST_DIR/tablet.pw"
	new_pw Desktop >"$TEST_DIR/desktop.pw"
	for pw in tablet desktop tablet desktop; do
		expect_login imap alice "$(cat "$TEST_DIR/$pw.pw")"
	done
'

# Dovecot keeps one password per user, the last one accepted (desktop's
# here); after a refused login it refuses every other password of the
# user from the cache, until auth_cache_negative_ttl (1 hour) passes.
test_expect_success 'cache on: after one refused login, the other device is refused from the cache' '
	revoked=$(cat "$TEST_DIR/phone.pw")
	binds=$(grep -c "apppw: BIND dn=\"$ALICE\"" "$TEST_DIR/slapd.log")
	expect_login_refused imap alice "$revoked"
	expect_login_refused imap alice "$(cat "$TEST_DIR/tablet.pw")"
	expect_login_refused pop3 alice "$(cat "$TEST_DIR/tablet.pw")"
	expect_login imap alice "$(cat "$TEST_DIR/desktop.pw")"
	test $(($(grep -c "apppw: BIND dn=\"$ALICE\"" "$TEST_DIR/slapd.log") - binds)) = 1
	doveadm_ auth cache flush
	expect_login imap alice "$(cat "$TEST_DIR/tablet.pw")"
'

stop_dovecot
start_dovecot

test_expect_success 'cache off, as the guide says: a revoked app password is refused at once' '
	test "$(doveconf -c "$DOVECOT_CONF" -h auth_cache_size)" = 0
	pw=$(new_pw Laptop)
	expect_login imap alice "$pw"
	revoke "$pw"
	expect_login_refused imap alice "$pw"
	expect_login_refused pop3 alice "$pw"
'

test_expect_success '... and a used code too' '
	code=$(next_totp "$ALICE_TOTP")
	expect_login imap alice "$ALICE_PW$code"
	expect_login_refused imap alice "$ALICE_PW$code"
	expect_login_refused pop3 alice "$ALICE_PW$code"
'

test_done
