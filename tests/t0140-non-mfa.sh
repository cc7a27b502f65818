#!/bin/bash
# App passwords need MFA: none may be stored in an entry that is not
# MFA-required, and turning MFA off stops them at once.
. "$(dirname "$0")/lib/test-lib.sh"
start_slapd

test_expect_success 'adding an app password to bob (not MFA-required) is refused (19)' '
	ldif "$BOB" apppwPassword apppwMFARequired >"$TEST_DIR/before"
	expect_ldap_error 19 "apppw: app passwords need MFA: this entry.s apppwMFARequired is not TRUE" \
		admin_modify "$BOB" add apppwPassword "password=$(app_password_string) label=Bob phone"
	ldif "$BOB" apppwPassword apppwMFARequired >"$TEST_DIR/after"
	diff -u "$TEST_DIR/before" "$TEST_DIR/after"
	printf "%s\n" "dn: $BOB" "" >"$TEST_DIR/expected"
	diff -u "$TEST_DIR/expected" "$TEST_DIR/after"
'

test_expect_success 'a pre-hashed record is refused for bob too (19)' '
	new_app_password "$ALICE" "Alice phone" >"$TEST_DIR/alice.pw"
	expect_ldap_error 19 "app passwords need MFA" \
		admin_modify "$BOB" add apppwPassword "$(values "$ALICE" apppwPassword)"
	test -z "$(values "$BOB" apppwPassword)"
'

test_expect_success 'and with MFA set to FALSE in the same modify (19)' '
	expect_ldap_error 19 "app passwords need MFA" as_admin ldapmodify <<-EOF
	dn: $BOB
	changetype: modify
	add: apppwMFARequired
	apppwMFARequired: FALSE
	-
	add: apppwPassword
	apppwPassword: password=$(app_password_string) label=Bob phone
	EOF
	test -z "$(values "$BOB" apppwMFARequired)"
'

test_expect_success 'a new entry without MFA cannot be added with an app password (19)' '
	expect_ldap_error 19 "app passwords need MFA" as_admin ldapadd <<-EOF
	dn: uid=erik,ou=people,$BASE_DN
	objectClass: inetOrgPerson
	objectClass: apppwUser
	uid: erik
	cn: Erik
	sn: Erik
	apppwPassword: password=$(app_password_string) label=Erik phone
	EOF
	expect_ldap_error 32 "" as_admin ldapsearch -b "uid=erik,ou=people,$BASE_DN" -s base
'

test_expect_success 'adding it with apppwMFARequired TRUE in the same modify is accepted' '
	pw=$(app_password_string)
	as_admin ldapmodify <<-EOF
	dn: $BOB
	changetype: modify
	add: apppwMFARequired
	apppwMFARequired: TRUE
	-
	add: apppwPassword
	apppwPassword: password=$pw label=Bob phone
	EOF
	echo "$pw" >"$TEST_DIR/bob.pw"
	test "$(values "$BOB" apppwMFARequired)" = TRUE
	expect_values "$BOB" apppwPassword "$pw" <<-EOF
	id=ID1 created=TIME hash=b2b:HASH label=Bob phone
	EOF
	expect_bind 0 "$BOB" "$pw"
	expect_bind 49 "$BOB" "$BOB_PW"
'

test_expect_success 'alice: her app password works while she is MFA-required' '
	expect_bind 0 "$ALICE" "$(cat "$TEST_DIR/alice.pw")"
	expect_bind 49 "$ALICE" "$ALICE_PW"
'

test_expect_success 'turning MFA off (replace with FALSE) stops her app passwords at once' '
	values "$ALICE" apppwPassword >"$TEST_DIR/records"
	admin_modify "$ALICE" replace apppwMFARequired FALSE
	expect_bind_refused "$ALICE" "$(cat "$TEST_DIR/alice.pw")"
'

test_expect_success '... her password alone works again ...' '
	expect_bind_as "$ALICE" "$ALICE_PW"
'

test_expect_success '... password + code is just a wrong password now ...' '
	expect_bind 49 "$ALICE" "$ALICE_PW$(totp "$ALICE_TOTP")"
'

test_expect_success '... and the records stay stored, unused' '
	values "$ALICE" apppwPassword >"$TEST_DIR/records.after"
	diff -u "$TEST_DIR/records" "$TEST_DIR/records.after"
	test "$(wc -l <"$TEST_DIR/records.after")" = 1
'

test_expect_success 'while MFA is off, no app password may be added to her (19)' '
	expect_ldap_error 19 "app passwords need MFA" \
		admin_modify "$ALICE" add apppwPassword "password=$(app_password_string) label=Another"
	values "$ALICE" apppwPassword >"$TEST_DIR/records.after"
	diff -u "$TEST_DIR/records" "$TEST_DIR/records.after"
'

test_expect_success 'but an existing one may be revoked' '
	new_app_password "$CAROL" "Carol phone" >/dev/null
	as_admin ldapmodify <<-EOF
	dn: $CAROL
	changetype: modify
	replace: apppwMFARequired
	apppwMFARequired: FALSE
	-
	delete: apppwPassword
	EOF
	test -z "$(values "$CAROL" apppwPassword)"
'

test_expect_success 'turning MFA back on revives her app passwords' '
	admin_modify "$ALICE" replace apppwMFARequired TRUE
	expect_bind_as "$ALICE" "$(cat "$TEST_DIR/alice.pw")"
	expect_bind 49 "$ALICE" "$ALICE_PW"
'

test_expect_success 'deleting the flag altogether stops them too' '
	admin_modify "$ALICE" delete apppwMFARequired
	expect_bind 49 "$ALICE" "$(cat "$TEST_DIR/alice.pw")"
	expect_bind 0 "$ALICE" "$ALICE_PW"
'

test_expect_success 'the same app password never authenticates an entry without MFA' '
	expect_bind 49 "$BOB" "$(cat "$TEST_DIR/alice.pw")"
	expect_bind 49 "$CAROL" "$(cat "$TEST_DIR/bob.pw")"
'

test_done
