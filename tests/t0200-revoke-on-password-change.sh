#!/bin/bash
# apppw-revoke-on-password-change: off by default; on, a change of
# userPassword revokes every app password of the entry, with its last use.
. "$(dirname "$0")/lib/test-lib.sh"
start_slapd "apppw-totp-window $TOTP_WIDE_WINDOW"

# two_used DN: give DN two app passwords and use both; prints them (and
# what failed, on standard error)
two_used() {
	local a b
	a=$(new_app_password "$1" "Phone") && b=$(new_app_password "$1" "Laptop") || return 1
	{ expect_bind 0 "$1" "$a" && expect_bind 0 "$1" "$b"; } >&2 || return 1
	echo "$a $b"
}

# all_bind DN PW...: every PW binds as DN
all_bind() {
	local dn=$1 pw
	shift
	for pw; do
		expect_bind 0 "$dn" "$pw" || return 1
	done
}

test_expect_success 'off by default: changing the password (admin, ldapmodify) keeps app passwords' '
	expect_config olcApppwRevokeOnPasswordChange FALSE
	pws=$(two_used "$ALICE")
	echo "$pws" >"$TEST_DIR/pws"
	ldif "$ALICE" apppwPassword apppwLastUsed >"$TEST_DIR/before"
	test "$(grep -c "^apppwLastUsed: " "$TEST_DIR/before")" = 2
	set_password "$ALICE" alice-pw2
	ldif "$ALICE" apppwPassword apppwLastUsed >"$TEST_DIR/after"
	diff -u "$TEST_DIR/before" "$TEST_DIR/after"
	all_bind "$ALICE" $pws
'

test_expect_success 'off: nor does ldappasswd' '
	ldappasswd -x -H "$LDAP_URI" -D "$ADMIN_DN" -w "$ADMIN_PW" -s "$ALICE_PW" "$ALICE"
	ldif "$ALICE" apppwPassword apppwLastUsed >"$TEST_DIR/after"
	diff -u "$TEST_DIR/before" "$TEST_DIR/after"
	expect_bind 0 "$ALICE" "$ALICE_PW$(next_totp "$ALICE_TOTP")"
'

test_expect_success 'turned on through cn=config' '
	config_set olcApppwRevokeOnPasswordChange TRUE
	expect_config olcApppwRevokeOnPasswordChange TRUE
'

test_expect_success 'on: an admin ldapmodify of userPassword removes every app password and last use' '
	pws=$(cat "$TEST_DIR/before" | grep -c "^apppwPassword: ")
	test "$pws" = 2
	set_password "$ALICE" alice-pw2
	ldif "$ALICE" apppwPassword apppwLastUsed >"$TEST_DIR/after"
	printf "%s\n" "dn: $ALICE" "" >"$TEST_DIR/expected"
	diff -u "$TEST_DIR/expected" "$TEST_DIR/after"
	grep -q "apppw: MOD dn=\"$ALICE\" password changed: revoking 2 app passwords" "$TEST_DIR/slapd.log"
'

test_expect_success '... and they no longer bind; the new password + code does' '
	for pw in $(cat "$TEST_DIR/pws"); do expect_bind 49 "$ALICE" "$pw"; done
	expect_bind 0 "$ALICE" "alice-pw2$(next_totp "$ALICE_TOTP")"
'

test_expect_success 'on: ldappasswd by the admin revokes them too' '
	pws=$(two_used "$ALICE")
	test "$(values "$ALICE" apppwLastUsed | wc -l)" = 2
	ldappasswd -x -H "$LDAP_URI" -D "$ADMIN_DN" -w "$ADMIN_PW" -s "$ALICE_PW" "$ALICE"
	ldif "$ALICE" apppwPassword apppwLastUsed >"$TEST_DIR/after"
	printf "%s\n" "dn: $ALICE" "" >"$TEST_DIR/expected"
	diff -u "$TEST_DIR/expected" "$TEST_DIR/after"
	for pw in $pws; do expect_bind 49 "$ALICE" "$pw"; done
	expect_bind 0 "$ALICE" "$ALICE_PW$(next_totp "$ALICE_TOTP")"
'

test_expect_success 'on: the user changing her own password (password+TOTP session) revokes them' '
	pws=$(two_used "$ALICE")
	ldappasswd -x -H "$LDAP_URI" -D "$ALICE" -w "$ALICE_PW$(next_totp "$ALICE_TOTP")" -s alice-pw3
	ldif "$ALICE" apppwPassword apppwLastUsed >"$TEST_DIR/after"
	diff -u "$TEST_DIR/expected" "$TEST_DIR/after"
	for pw in $pws; do expect_bind 49 "$ALICE" "$pw"; done
'

test_expect_success 'on: a password change that also adds an app password keeps only the new one' '
	pws=$(two_used "$CAROL")
	new=$(app_password_string)
	as_admin ldapmodify <<-EOF
	dn: $CAROL
	changetype: modify
	replace: userPassword
	userPassword: carol-pw2
	-
	add: apppwPassword
	apppwPassword: password=$new label=After the change
	EOF
	expect_values "$CAROL" apppwPassword "$new" <<-EOF
	id=ID1 created=TIME hash=b2b:HASH label=After the change
	EOF
	test -z "$(values "$CAROL" apppwLastUsed)"
	expect_bind 0 "$CAROL" "$new"
	for pw in $pws; do expect_bind 49 "$CAROL" "$pw"; done
'

test_expect_success 'on: changing another attribute keeps them' '
	pw=$(new_app_password "$ALICE" "Kept")
	admin_modify "$ALICE" replace mail alice2@example.com
	expect_bind 0 "$ALICE" "$pw"
'

test_expect_success 'on: a non-MFA entry without app passwords changes its password as before' '
	set_password "$BOB" bob-pw2
	expect_bind 0 "$BOB" "bob-pw2"
'

test_done
