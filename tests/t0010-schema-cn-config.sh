#!/bin/bash
# The schema's two forms agree, and the README's cn=config installation
# works on a running server: load apppw.ldif, add the overlay, use it.
. "$(dirname "$0")/lib/test-lib.sh"

test_expect_success 'apppw.ldif is derived from apppw.schema' '
	"$SRC_ROOT/schema/schema2ldif.sh" apppw <"$SRC_ROOT/schema/apppw.schema" |
		diff -u "$SRC_ROOT/schema/apppw.ldif" -
'

# a server with the module loaded, but neither the schema nor the overlay
"$SRC_ROOT/tools/conf/slapd-conf.sh" "$TEST_DIR" "$BASE_DN" "$ADMIN_DN" "$ADMIN_PW" |
	sed '/apppw.schema/d; /^overlay apppw/,$d' >"$TEST_DIR/slapd.conf"
cat >"$TEST_DIR/plain.ldif" <<EOF
dn: $BASE_DN
objectClass: dcObject
objectClass: organization
dc: example
o: Example

dn: ou=people,$BASE_DN
objectClass: organizationalUnit
ou: people

dn: $BOB
objectClass: inetOrgPerson
uid: bob
cn: Bob Berg
sn: Berg
userPassword: $BOB_PW
EOF
BASE_LDIF="$TEST_DIR/plain.ldif" start_slapd

test_expect_success 'apppw.ldif is added to cn=schema,cn=config' '
	as_config ldapadd -f "$SRC_ROOT/schema/apppw.ldif"
'

test_expect_success 'the overlay is added to the database through cn=config' '
	as_config ldapadd <<-EOF
	dn: olcOverlay=apppw,olcDatabase={1}mdb,cn=config
	objectClass: olcOverlayConfig
	objectClass: olcApppwConfig
	olcOverlay: apppw
	olcApppwMaxCount: 10
	EOF
	expect_config olcApppwMaxCount 10
'

test_expect_success 'an entry is made MFA-required and given an app password' '
	pw=$(app_password_string)
	as_admin ldapmodify <<-EOF
	dn: $BOB
	changetype: modify
	add: objectClass
	objectClass: apppwUser
	-
	add: apppwMFARequired
	apppwMFARequired: TRUE
	-
	add: apppwPassword
	apppwPassword: password=$pw label=printer
	EOF
	expect_bind 0 "$BOB" "$pw"
	expect_bind 49 "$BOB" "$BOB_PW"
'

test_done
