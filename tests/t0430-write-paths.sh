#!/bin/bash
# Every way around the write rules: renames whose RDN adds or removes a
# password, app password, MFA flag or TOTP secret; an app-password session
# with proxied authorization, Relax, ManageDIT, a transaction, or in a
# second database; attribute options; hostile values. Each is refused,
# with slapd up and nothing stored. The ACLs would allow all of it: a help
# desk manages ou=people, and every user may write the second database.
. "$(dirname "$0")/lib/test-lib.sh"
. "$TEST_ROOT/lib/security-lib.sh"

HELPDESK="uid=helpdesk,ou=people,$BASE_DN"
HELPDESK_TOTP=NBSWY3DPO5XXE3DEMFZWK4TWNFRWKZDF
# an administrator that is not MFA-required
OPS="uid=ops,ou=people,$BASE_DN"
OLGA="apppwMFARequired=TRUE+uid=olga,ou=people,$BASE_DN"
PRINTER="cn=printer,ou=people,$BASE_DN"
OTHER_DN="dc=other,dc=com"
OTHER_ADMIN="cn=admin,$OTHER_DN"
DAN="uid=dan,$OTHER_DN"

# olga is named by her MFA flag, as slapadd alone can make her: a rename
# with deleteoldrdn would delete the flag
cat "$TEST_ROOT/data/base.ldif" - >"$TEST_DIR/base.ldif" <<EOF

dn: $OLGA
objectClass: inetOrgPerson
objectClass: apppwUser
uid: olga
cn: Olga
sn: Olga
userPassword: olga-pw
apppwMFARequired: TRUE
apppwTOTPSecret: $HELPDESK_TOTP

dn: $PRINTER
objectClass: device
cn: printer
EOF
BASE_LDIF=$TEST_DIR/base.ldif

write_config "apppw-totp-window $TOTP_WIDE_WINDOW
access to dn.subtree=\"ou=people,$BASE_DN\"
	by dn.exact=\"$HELPDESK\" manage
	by dn.exact=\"$OPS\" manage
	by * break" "authz-policy to"
mkdir -p "$TEST_DIR/db2"
cat >>"$TEST_DIR/slapd.conf" <<EOF

database mdb
suffix "$OTHER_DN"
rootdn "$OTHER_ADMIN"
rootpw $ADMIN_PW
directory $TEST_DIR/db2
overlay apppw
access to *
	by users write
	by * none
EOF
slapadd -q -f "$TEST_DIR/slapd.conf" -b "$OTHER_DN" <<EOF || bail_out "slapadd failed"
dn: $OTHER_DN
objectClass: dcObject
objectClass: organization
dc: other
o: Other

dn: $DAN
objectClass: inetOrgPerson
uid: dan
cn: Dan
sn: Dan
userPassword: dan-pw
EOF
start_slapd

# as_app TOOL ARGS...: a stock tool bound with the help desk's app password
as_app() {
	local tool=$1
	shift
	"$tool" -x -H "$LDAP_URI" -D "$HELPDESK" -w "$(cat "$TEST_DIR/helpdesk.pw")" "$@"
}

# modrdn_ldif DN NEWRDN [DELETEOLDRDN]
modrdn_ldif() {
	printf 'dn: %s\nchangetype: modrdn\nnewrdn: %s\ndeleteoldrdn: %s\n' \
		"$1" "$2" "${3:-0}"
}

APP_SESSION="apppw: this session authenticated with an app password: it may read, but not change passwords, app passwords or MFA settings"
NAMING="apppw: passwords, app passwords, the MFA flag and TOTP attributes cannot be part of an entry's name"

test_expect_success 'setup: a help desk, MFA-required, with an app password; a second database' '
	add_mfa_user helpdesk helpdesk-pw "$HELPDESK_TOTP"
	modify_ldif "$HELPDESK" add authzTo "dn.regex:^uid=[^,]+,ou=people,dc=example,dc=com\$" |
		as_admin ldapmodify
	new_app_password "$HELPDESK" "Help desk tool" >"$TEST_DIR/helpdesk.pw"
	expect_bind_as "$HELPDESK" "$(cat "$TEST_DIR/helpdesk.pw")"
	keep_accounts "$ALICE" "$BOB" "$CAROL" "$OLGA" "$HELPDESK" "$DAN"
'

for RDN in "userPassword=attacker-pw" "apppwPassword=password\3D$(app_password_string) label\3Dx" \
		"apppwMFARequired=FALSE" "apppwTOTPSecret=KRUGS4ZANFZSAYLUORQWG23FOIQQ" \
		"apppwTOTPLastStep=0" "apppwLastUsed=zzzz 20260101000000Z" \
		"apppwRecoveryCode=id\3Dzzzz"; do
	test_expect_success "a rename adding ${RDN%%=*} through the new RDN is refused (64), even to the rootdn" '
		modrdn_ldif "$BOB" "$RDN" >"$TEST_DIR/modrdn"
		expect_ldap_error 64 "$NAMING" as_admin ldapmodify -f "$TEST_DIR/modrdn"
		expect_ldap_error 64 "$NAMING" as_app ldapmodify -f "$TEST_DIR/modrdn"
	'
done

test_expect_success 'a rename removing the MFA flag through deleteoldrdn is refused (64)' '
	modrdn_ldif "$OLGA" "uid=olga" 1 >"$TEST_DIR/modrdn"
	expect_ldap_error 64 "$NAMING" as_admin ldapmodify -f "$TEST_DIR/modrdn"
'

test_expect_success 'an entry cannot be added with a protected attribute in its name (64)' '
	expect_ldap_error 64 "$NAMING" as_admin ldapadd <<-EOF
	dn: userPassword=x+uid=mallory,ou=people,$BASE_DN
	objectClass: inetOrgPerson
	uid: mallory
	cn: Mallory
	sn: Mallory
	userPassword: x
	EOF
'

test_expect_success 'an app-password session may not rename an account (50)' '
	modrdn_ldif "$CAROL" "uid=carol2" 1 >"$TEST_DIR/modrdn"
	expect_ldap_error 50 "$APP_SESSION" as_app ldapmodify -f "$TEST_DIR/modrdn"
'

test_expect_success '... but may rename an entry that holds no account, as its ACL allows' '
	modrdn_ldif "$PRINTER" "cn=printer2" 1 | as_app ldapmodify
	modrdn_ldif "cn=printer2,ou=people,$BASE_DN" "cn=printer" 1 | as_app ldapmodify
'

test_expect_success 'proxied authorization from an app-password session is refused (50)' '
	modify_ldif "$BOB" replace userPassword attacker-pw >"$TEST_DIR/mod"
	expect_ldap_error 50 "$APP_SESSION" \
		as_app ldapmodify -e "!authzid=dn:$BOB" -f "$TEST_DIR/mod"
	modify_ldif "$CAROL" replace apppwMFARequired FALSE >"$TEST_DIR/mod"
	expect_ldap_error 50 "$APP_SESSION" \
		as_app ldapmodify -e "!authzid=dn:$CAROL" -f "$TEST_DIR/mod"
	# the recovery codes operation for carol, as carol: slapd takes no
	# proxied authorization on an extended operation it does not know
	expect_ldap_error 1 "Critical extension is unavailable (12)" \
		as_app ldapexop -e "!authzid=dn:$CAROL" \
		"$("$CREATE_CODEC" recovery-oid)::$("$CREATE_CODEC" recovery)"
'

test_expect_success '... while proxied authorization itself works: it reads as bob' '
	as_app ldapsearch -LLL -e "!authzid=dn:$BOB" -b "$BOB" -s base mail >"$TEST_DIR/mail"
	grep -q -x "mail: bob@example.com" "$TEST_DIR/mail"
'

test_expect_success 'the Relax and ManageDIT controls change nothing (50)' '
	modify_ldif "$BOB" replace userPassword attacker-pw >"$TEST_DIR/mod"
	expect_ldap_error 50 "$APP_SESSION" as_app ldapmodify -e relax -f "$TEST_DIR/mod"
	expect_ldap_error 50 "$APP_SESSION" as_app ldapmodify -e manageDIT -f "$TEST_DIR/mod"
	modify_ldif "$BOB" add apppwTOTPLastStep 0 >"$TEST_DIR/mod"
	expect_ldap_error 50 "$APP_SESSION" as_app ldapmodify -e relax -f "$TEST_DIR/mod"
'

test_expect_success 'nor does a transaction (50)' '
	modify_ldif "$BOB" replace userPassword attacker-pw >"$TEST_DIR/mod"
	expect_ldap_error 50 "ldap_txn_end_s: Insufficient access (50)" \
		as_app ldapmodify -E txn=commit -f "$TEST_DIR/mod"
'

test_expect_success 'nor a second database with its own overlay (50)' '
	modify_ldif "$DAN" replace userPassword attacker-pw >"$TEST_DIR/mod"
	expect_ldap_error 50 "$APP_SESSION" as_app ldapmodify -f "$TEST_DIR/mod"
	modify_ldif "$DAN" replace description "reachable" | as_app ldapmodify
'

test_expect_success 'nor an attribute option of a protected attribute (50)' '
	modify_ldif "$BOB" add "userPassword;lang-de" attacker-pw >"$TEST_DIR/mod"
	expect_ldap_error 50 "$APP_SESSION" as_app ldapmodify -f "$TEST_DIR/mod"
'

for ATTR in "apppwMFARequired;lang-en" "apppwTOTPSecret;lang-en" "apppwPassword;lang-sv"; do
	case $ATTR in
	apppwMFARequired*) VALUE=TRUE ;;
	apppwTOTPSecret*) VALUE=KRUGS4ZANFZSAYLUORQWG23FOIQQ ;;
	apppwPassword*) VALUE="password=$(app_password_string) label=x" ;;
	esac
	test_expect_success "$ATTR is refused to everyone (19)" '
		modify_ldif "$BOB" add "$ATTR" "$VALUE" >"$TEST_DIR/mod"
		expect_ldap_error 19 "apppw: ${ATTR%%;*} takes no attribute options or subtypes ($ATTR)" \
			as_admin ldapmodify -f "$TEST_DIR/mod"
	'
done

test_expect_success 'so a filter on the MFA flag finds only the flags the overlay reads' '
	as_admin ldapsearch -LLL -b "ou=people,$BASE_DN" "(apppwMFARequired=TRUE)" 1.1 |
		sed -n "s/^dn: //p" | sort >"$TEST_DIR/found"
	printf "%s\n" "$ALICE" "$CAROL" "$HELPDESK" "$OLGA" | sort | diff -u - "$TEST_DIR/found"
'

# a base32 secret of N symbols
secret_of() {
	head -c 200 /dev/zero | tr "\\0" A | head -c "$1"
}

test_expect_success 'a TOTP secret over 128 symbols is refused (19), 1 MiB too' '
	modify_ldif "$BOB" replace apppwTOTPSecret "$(secret_of 129)" >"$TEST_DIR/mod"
	expect_ldap_error 19 "apppw: apppwTOTPSecret must be at most 128 base32 symbols" \
		as_admin ldapmodify -f "$TEST_DIR/mod"
	{ printf "dn: %s\nchangetype: modify\nreplace: apppwTOTPSecret\napppwTOTPSecret: " "$BOB"
	  head -c 1048576 /dev/zero | tr "\\0" A; echo; } >"$TEST_DIR/mod"
	expect_ldap_error 19 "apppw: apppwTOTPSecret must be at most 128 base32 symbols" \
		as_admin ldapmodify -f "$TEST_DIR/mod"
'

test_expect_success 'a secret that is not base32 (21), or too short (21), is refused' '
	modify_ldif "$BOB" replace apppwTOTPSecret "GEZDGNBVGY3TQOJ1GEZDGNBV" >"$TEST_DIR/mod"
	expect_ldap_error 21 "apppw: apppwTOTPSecret must be base32 (RFC 4648) of at least 80 bits (16 symbols)" \
		as_admin ldapmodify -f "$TEST_DIR/mod"
	modify_ldif "$BOB" replace apppwTOTPSecret "GEZDGNBVGY3TQOJ" >"$TEST_DIR/mod"
	expect_ldap_error 21 "apppw: apppwTOTPSecret must be base32" as_admin ldapmodify -f "$TEST_DIR/mod"
'

test_expect_success 'nothing protected has changed, and slapd is up' '
	expect_accounts_kept
	expect_bind_as "$HELPDESK" "$(cat "$TEST_DIR/helpdesk.pw")"
'

test_expect_success 'the help desk bound with password and code manages accounts, as its ACL allows' '
	set_password "$BOB" bob-new-pw "$HELPDESK" "helpdesk-pw$(next_totp "$HELPDESK_TOTP")"
	expect_bind_as "$BOB" bob-new-pw
	modrdn_ldif "$CAROL" "uid=carol2" 1 |
		ldapmodify -x -H "$LDAP_URI" -D "$HELPDESK" -w "helpdesk-pw$(next_totp "$HELPDESK_TOTP")"
	expect_bind_as "uid=carol2,ou=people,$BASE_DN" "$CAROL_PW$(totp "$CAROL_TOTP")"
'

test_expect_success 'an administrator that is not MFA-required manages accounts with its password' '
	add_user ops ops-pw >/dev/null
	set_password "$BOB" bob-pw-by-ops "$OPS" ops-pw
	expect_bind_as "$BOB" bob-pw-by-ops
	modify_as "$OPS" ops-pw "$ALICE" replace apppwTOTPSecret "$HELPDESK_TOTP"
	expect_bind_as "$ALICE" "$ALICE_PW$(totp "$HELPDESK_TOTP")"
'

test_expect_success 'a 128-symbol secret is stored, and its codes bind' '
	secret=$(secret_of 128)
	admin_modify "$ALICE" replace apppwTOTPSecret "$secret"
	# the next step: this one was used, with the previous secret
	expect_bind_as "$ALICE" "$ALICE_PW$(totp "$secret" 1)"
'

for WHAT in "a double quote" "a backslash" "a right-to-left override" \
		"a zero-width space"; do
	case $WHAT in
	*quote)		LABEL='x" peer=IP=10.9.9.9:1' ;;
	*backslash)	LABEL='back\slash' ;;
	*override)	LABEL=$(printf 'evil\xe2\x80\xaeexe.txt') ;;
	*space)		LABEL=$(printf 'zero\xe2\x80\x8bwidth') ;;
	esac
	test_expect_success "a label with $WHAT is refused (21, and 19 by the extended operation)" '
		modify_ldif "$ALICE" add apppwPassword \
			"password=$(app_password_string) label=$LABEL" >"$TEST_DIR/mod"
		expect_ldap_error 21 "apppw: malformed apppwPassword request: label must be" \
			as_admin ldapmodify -f "$TEST_DIR/mod"
		expect_ldap_error 1 "apppw: the label must be" \
			create_app_password "$ADMIN_DN" "$ADMIN_PW" target="$ALICE" label="$LABEL"
		grep -q -F "Constraint violation (19)" "$TEST_DIR/err.out"
		not grep -q -F "peer=IP=10.9.9.9" "$TEST_DIR/slapd.log"
	'
done

test_expect_success 'the module exports init_module alone' '
	nm -D --defined-only "$BUILD/apppw.so" | sed "s/^[0-9a-f]* //" >"$TEST_DIR/exports"
	echo "T init_module" | diff -u - "$TEST_DIR/exports"
'

test_done
