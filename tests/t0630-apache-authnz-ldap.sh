#!/bin/bash
# Apache's mod_authnz_ldap as the deployment guide configures it: mod_ldap's
# caches off, the user's password checked by one bind as the user (a lookup
# account searches; no AuthLDAPInitialBindAsUser), ldaps to slapd. App
# passwords work and a revoked one is refused at once; password+code works
# once. Then the traps the guide warns about: with mod_ldap's default
# caches a revoked app password keeps working; with
# AuthLDAPInitialBindAsUser the user binds twice and password+code never
# passes.
. "$(dirname "$0")/lib/test-lib.sh"
. "$(dirname "$0")/lib/security-lib.sh"
. "$(dirname "$0")/lib/mail-lib.sh"

make_tls
write_config "apppw-totp-window $TOTP_WIDE_WINDOW" "$TLS_GLOBAL"
start_slapd
add_lookup_accounts
start_apache

# new_pw LABEL: a new app password of alice's, as the apppw tool shows it
new_pw() {
	apppw -H "$LDAP_URI" -D "$ADMIN_DN" -w "$ADMIN_PW" create --label "$1" \
		"$ALICE" 2>/dev/null
}

# revoke PASSWORD: revoke one of alice's app passwords with the apppw tool
revoke() {
	apppw -H "$LDAP_URI" -D "$ADMIN_DN" -w "$ADMIN_PW" revoke "${1:0:4}" "$ALICE"
}

# binds_of_alice: how many binds as alice the overlay has logged
binds_of_alice() {
	grep -c "apppw: BIND dn=\"$ALICE\"" "$TEST_DIR/slapd.log"
}

test_expect_success 'no password, a wrong one: 401' '
	expect_http alice "" 401
	expect_http alice "$(app_password_string)" 401
'

test_expect_success 'alice with an app password: the page; revoked: 401 at once' '
	pw=$(new_pw Browser)
	expect_http alice "$pw" 200
	expect_http alice "$(echo "$pw" | tr -d - | tr a-z A-Z)" 200
	revoke "$pw"
	expect_http alice "$pw" 401
'

test_expect_success 'alice with her password and a code: the page, once' '
	code=$(next_totp "$ALICE_TOTP")
	expect_http alice "$ALICE_PW$code" 200
	expect_http alice "$ALICE_PW$code" 401
'

test_expect_success 'alice with her password alone: 401; bob with his: the page' '
	expect_http alice "$ALICE_PW" 401
	expect_http bob "$BOB_PW" 200
'

test_expect_success 'one bind as the user per request' '
	code=$(next_totp "$ALICE_TOTP")
	binds=$(binds_of_alice)
	expect_http alice "$ALICE_PW$code" 200
	test $(($(binds_of_alice) - binds)) = 1
'

stop_apache
start_apache "LDAPCacheEntries 1024
LDAPOpCacheEntries 1024
LDAPCacheTTL 600"

test_expect_success 'trap: with mod_ldap'"'"'s default caches, a revoked app password still works' '
	pw=$(new_pw Browser2)
	expect_http alice "$pw" 200
	revoke "$pw"
	expect_bind_refused "$ALICE" "$pw"
	expect_http alice "$pw" 200
'

stop_apache
# the guide's <Location> again, with two more lines (mod_authnz_ldap does
# not merge sections: the later one replaces the earlier one's settings)
location=$(guide_snippet apache-ldap.conf) || exit 1
start_apache "$(printf '%s\n' "$location" | sed -n '/^<Location/,/^<\/Location>/p' |
	sed '/^<\/Location>/i\
    AuthLDAPInitialBindAsUser on\
    AuthLDAPInitialBindPattern (.+) uid=$1,ou=people,dc=example,dc=com')"

test_expect_success 'trap: with AuthLDAPInitialBindAsUser, password+code never passes' '
	code=$(next_totp "$ALICE_TOTP")
	binds=$(binds_of_alice)
	replays=$(grep -c "apppw: BIND dn=\"$ALICE\" refused: replayed TOTP code" "$TEST_DIR/slapd.log")
	expect_http alice "$ALICE_PW$code" 401
	test $(($(binds_of_alice) - binds)) = 2
	expect_log_count $((replays + 1)) "apppw: BIND dn=\"$ALICE\" refused: replayed TOTP code"
'

test_done
