#!/bin/bash
# A connection that authenticated with an app password may read, but not
# manage accounts: passwords, app passwords, MFA flag, TOTP secret.
. "$(dirname "$0")/lib/test-lib.sh"
. "$TEST_ROOT/lib/security-lib.sh"
start_slapd "apppw-totp-window $TOTP_WIDE_WINDOW"

TEXT="apppw: this session authenticated with an app password: it may read, but not change passwords, app passwords or MFA settings"

# app_modify ATTR VALUE [DN]: as alice with her app password, replace ATTR
# of DN (default: alice)
app_modify() {
	modify_as "$ALICE" "$(cat "$TEST_DIR/app.pw")" "${3:-$ALICE}" replace "$1" "$2"
}

test_expect_success 'setup: alice has an app password; the ACL lets her write her own userPassword' '
	new_app_password "$ALICE" "Mail client" >"$TEST_DIR/app.pw"
	new_app_password "$CAROL" "Carol mail" >/dev/null
	expect_bind 0 "$ALICE" "$(cat "$TEST_DIR/app.pw")"
	keep_accounts "$ALICE" "$CAROL"
'

test_expect_success 'an app-password session can search' '
	ldapsearch -x -LLL -o ldif-wrap=no -H "$LDAP_URI" -D "$ALICE" \
		-w "$(cat "$TEST_DIR/app.pw")" -b "ou=people,$BASE_DN" \
		"(objectClass=inetOrgPerson)" mail >"$TEST_DIR/search"
	cat >"$TEST_DIR/expected" <<-EOF
	dn: $ALICE
	mail: alice@example.com

	dn: $BOB
	mail: bob@example.com

	dn: $CAROL
	mail: carol@example.com

	EOF
	diff -u "$TEST_DIR/expected" "$TEST_DIR/search"
'

for attr in userPassword apppwPassword apppwMFARequired apppwTOTPSecret; do
	case $attr in
	userPassword) value=new-pw ;;
	apppwPassword) value="password=$(app_password_string) label=Sneaky" ;;
	apppwMFARequired) value=FALSE ;;
	apppwTOTPSecret) value=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ ;;
	esac
	test_expect_success "an app-password session may not change $attr of itself (50)" "
		expect_ldap_error 50 \"\$TEXT\" app_modify $attr '$value'
	"
	test_expect_success "nor $attr of another entry (50)" "
		expect_ldap_error 50 \"\$TEXT\" app_modify $attr '$value' \"\$CAROL\"
	"
done

test_expect_success 'nor delete its own app passwords (50)' '
	expect_ldap_error 50 "$TEXT" \
		modify_as "$ALICE" "$(cat "$TEST_DIR/app.pw")" "$ALICE" delete apppwPassword
'

test_expect_success 'nor change userPassword with the password modify extended operation (50)' '
	expect_ldap_error 1 "" ldappasswd -x -H "$LDAP_URI" -D "$ALICE" \
		-w "$(cat "$TEST_DIR/app.pw")" -s new-pw
	grep -q "Insufficient access (50)" "$TEST_DIR/err.out"
	grep -q "$TEXT" "$TEST_DIR/err.out"
'

test_expect_success 'nor add an entry holding protected attributes (50)' '
	expect_ldap_error 50 "$TEXT" ldapadd -x -H "$LDAP_URI" -D "$ALICE" -w "$(cat "$TEST_DIR/app.pw")" <<-EOF
	dn: uid=mallory,ou=people,$BASE_DN
	objectClass: inetOrgPerson
	uid: mallory
	cn: Mallory
	sn: Mallory
	userPassword: mallory-pw
	EOF
'

test_expect_success 'nor delete an entry holding them (50)' '
	expect_ldap_error 50 "$TEXT" ldapdelete -x -H "$LDAP_URI" -D "$ALICE" \
		-w "$(cat "$TEST_DIR/app.pw")" "$CAROL"
	expect_ldap_error 50 "$TEXT" ldapdelete -x -H "$LDAP_URI" -D "$ALICE" \
		-w "$(cat "$TEST_DIR/app.pw")" "$ALICE"
'

test_expect_success 'nor create an app password with the extended operation (50)' '
	expect_ldap_error 1 "$TEXT" create_app_password "$ALICE" "$(cat "$TEST_DIR/app.pw")" label=More
	grep -q "Insufficient access (50)" "$TEST_DIR/err.out"
'

test_expect_success 'nothing protected has changed' '
	expect_accounts_kept
'

test_expect_success 'the refusals are logged' '
	grep -q -F "apppw: MOD dn=\"$ALICE\" refused: $TEXT (bound as \"$ALICE\")" "$TEST_DIR/slapd.log"
	grep -q -F "apppw: DEL dn=\"$CAROL\" refused: $TEXT (bound as \"$ALICE\")" "$TEST_DIR/slapd.log"
'

test_expect_success 'a password+TOTP session may change its own userPassword (ACL self =w)' '
	set_password "$ALICE" alice-new-pw "$ALICE" "$ALICE_PW$(next_totp "$ALICE_TOTP")"
	expect_bind 0 "$ALICE" "alice-new-pw$(next_totp "$ALICE_TOTP")"
	expect_bind 49 "$ALICE" "$ALICE_PW$(next_totp "$ALICE_TOTP")"
'

test_expect_success 'and use ldappasswd' '
	ldappasswd -x -H "$LDAP_URI" -D "$ALICE" -w "alice-new-pw$(next_totp "$ALICE_TOTP")" \
		-s "$ALICE_PW"
	expect_bind 0 "$ALICE" "$ALICE_PW$(next_totp "$ALICE_TOTP")"
'

test_expect_success 'and delete its own app passwords (ACL self =rscz)' '
	modify_as "$ALICE" "$ALICE_PW$(next_totp "$ALICE_TOTP")" \
		"$ALICE" delete apppwPassword "$(values "$ALICE" apppwPassword)"
	test -z "$(values "$ALICE" apppwPassword)"
	expect_bind 49 "$ALICE" "$(cat "$TEST_DIR/app.pw")"
'

NEEDS_MFA="apppw: this session's account is MFA-required: changing passwords, app passwords or MFA settings needs a simple bind with the password followed by a TOTP code"

test_expect_success 'with apppw-password-alone allow, the password alone binds, but may not manage (50)' '
	config_set olcApppwPasswordAlone allow
	expect_bind_as "$ALICE" "$ALICE_PW"
	for attr in userPassword apppwMFARequired apppwTOTPSecret; do
		case $attr in
		userPassword) value=new-pw ;;
		apppwMFARequired) value=FALSE ;;
		apppwTOTPSecret) value=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ ;;
		esac
		expect_ldap_error 50 "$NEEDS_MFA" \
			modify_as "$ALICE" "$ALICE_PW" "$ALICE" replace $attr $value
	done
	expect_ldap_error 1 "$NEEDS_MFA" create_app_password "$ALICE" "$ALICE_PW" label=More
	config_set olcApppwPasswordAlone refuse
'

test_expect_success 'a non-MFA administrator keeps managing: the rootdn resets bob'"'"'s password' '
	set_password "$BOB" bob-new-pw
	expect_bind_as "$BOB" bob-new-pw
'

test_done
