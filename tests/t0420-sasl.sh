#!/bin/bash
# SASL binds to MFA-required entries: every mechanism that checks a
# password is refused, over ldap and ldapi, with a bare 49, while a plain
# user binds with each of them. EXTERNAL is the administrator's choice
# (here mapped to alice), and the session it makes may read, not manage:
# the escalation of a password alone (replace the TOTP secret, bind with
# it, create an app password, turn MFA off) fails at every step.
. "$(dirname "$0")/lib/test-lib.sh"
. "$TEST_ROOT/lib/security-lib.sh"

# Directory users bind with SASL: authz-regexp maps a SASL name to the
# entry, auth access to the entry lets slapd's auxprop plugin read it,
# sasl-secprops none lets plain-text mechanisms run without TLS, and root's
# ldapi identity is mapped to alice for EXTERNAL.
write_config 'access to dn.subtree="ou=people,dc=example,dc=com" attrs=entry,objectClass
	by anonymous auth
	by * break' 'sasl-secprops none
authz-regexp "^uid=([^,]+),.*cn=auth$" "uid=$1,ou=people,dc=example,dc=com"
authz-regexp "^gidNumber=0[+]uidNumber=0,cn=peercred,cn=external,cn=auth$" "uid=alice,ou=people,dc=example,dc=com"'
start_slapd

# sasl_bind MECH USER PASSWORD [URI]: ldapwhoami with SASL; its output in
# sasl.out, its exit status returned
sasl_bind() {
	ldapwhoami -O none -H "${4:-$LDAP_URI}" -Y "$1" -U "$2" -w "$3" \
		>"$TEST_DIR/sasl.out" 2>&1
}

# expect_sasl_as MECH USER PASSWORD DN [URI]: the bind succeeds as DN
expect_sasl_as() {
	local rc=0
	sasl_bind "$1" "$2" "$3" "${5:-}" || rc=$?
	[ "$rc" = 0 ] && tail -1 "$TEST_DIR/sasl.out" | grep -q -x -F "dn:$4" && return 0
	echo "SASL/$1 as $2: expected dn:$4, got exit $rc:"
	cat "$TEST_DIR/sasl.out"
	return 1
}

# expect_sasl_refused MECH USER PASSWORD [URI]: the bind fails with 49 and
# the client is told nothing more
expect_sasl_refused() {
	local rc=0
	sasl_bind "$@" || rc=$?
	[ "$rc" = 49 ] && tail -1 "$TEST_DIR/sasl.out" |
		grep -q -x -F "ldap_sasl_interactive_bind: Invalid credentials (49)" && return 0
	echo "SASL/$1 as $2: expected a bare 49, got exit $rc:"
	cat "$TEST_DIR/sasl.out"
	return 1
}

MECHS="PLAIN LOGIN CRAM-MD5 DIGEST-MD5 NTLM SCRAM-SHA-1 SCRAM-SHA-256 SCRAM-SHA-512"

test_expect_success 'the server offers the password mechanisms' '
	ldapsearch -x -H "$LDAP_URI" -b "" -s base -LLL supportedSASLMechanisms |
		sed -n "s/^supportedSASLMechanisms: //p" | sort >"$TEST_DIR/offered"
	for m in $MECHS; do
		grep -q -x "$m" "$TEST_DIR/offered" || { echo "$m is not offered"; exit 1; }
	done
'

for mech in $MECHS; do
	test_expect_success "SASL/$mech: bob, not MFA-required, binds with his password" "
		expect_sasl_as $mech bob \"\$BOB_PW\" \"\$BOB\"
	"
	test_expect_success "SASL/$mech: alice, MFA-required, is refused with hers" "
		expect_sasl_refused $mech alice \"\$ALICE_PW\"
	"
done

test_expect_success 'SASL/PLAIN over ldapi: refused too' '
	expect_sasl_refused PLAIN alice "$ALICE_PW" "$LDAPI_URI"
	expect_sasl_as PLAIN bob "$BOB_PW" "$BOB" "$LDAPI_URI"
'

test_expect_success 'nor with password and code, or an app password: SASL checks the password' '
	new_app_password "$ALICE" Mail >"$TEST_DIR/app.pw"
	expect_sasl_refused PLAIN alice "$ALICE_PW$(totp "$ALICE_TOTP")"
	expect_sasl_refused PLAIN alice "$(cat "$TEST_DIR/app.pw")"
'

# No entry has a service DN: SASL, which reads the entry itself, fails
# there (slapd answers 80, "Password verification failed"), whoever asks.
test_expect_success 'SASL through a service DN: no session, for MFA and plain users alike (service DNs are for simple binds)' '
	not sasl_bind PLAIN "dn:uid=alice,apppwService=imap,ou=people,$BASE_DN" "$(cat "$TEST_DIR/app.pw")"
	not grep -q "^dn:" "$TEST_DIR/sasl.out"
	not sasl_bind PLAIN "dn:uid=bob,apppwService=imap,ou=people,$BASE_DN" "$BOB_PW"
	not grep -q "^dn:" "$TEST_DIR/sasl.out"
	expect_sasl_as PLAIN bob "$BOB_PW" "$BOB"
'

test_expect_success 'each refusal is logged with the mechanism and the peer, never a password' '
	for m in $MECHS; do
		grep -q -F "apppw: BIND dn=\"$ALICE\" mech=$m refused: MFA-required entries do not bind with a SASL mechanism that checks a password" "$TEST_DIR/slapd.log" ||
			{ echo "no refusal logged for $m"; exit 1; }
	done
	grep -q -F "mech=PLAIN refused: MFA-required entries do not bind with a SASL mechanism that checks a password peer=PATH=$LDAPI_SOCK" "$TEST_DIR/slapd.log"
	not grep -F -e "$ALICE_PW" -e "$BOB_PW" "$TEST_DIR/slapd.log"
'

# as_external TOOL ARGS...: a stock tool bound with SASL/EXTERNAL over
# ldapi, which authz-regexp maps to alice
as_external() {
	local tool=$1
	shift
	"$tool" -Q -Y EXTERNAL -H "$LDAPI_URI" "$@"
}

NEEDS_MFA="apppw: this session's account is MFA-required: changing passwords, app passwords or MFA settings needs a simple bind with the password followed by a TOTP code"
ATTACKER_TOTP=KRUGS4ZANFZSAYLUORQWG23FOIQQ

test_expect_success 'EXTERNAL, which checks no password, is left to authz-regexp: here alice; she may read' '
	as_external ldapwhoami >"$TEST_DIR/whoami"
	echo "dn:$ALICE" | diff -u - "$TEST_DIR/whoami"
	as_external ldapsearch -LLL -b "$ALICE" -s base mail >"$TEST_DIR/mail"
	grep -q -x "mail: alice@example.com" "$TEST_DIR/mail"
	keep_accounts "$ALICE" "$BOB"
'

test_expect_success 'escalation, step 1: her session cannot replace the TOTP secret (50)' '
	modify_ldif "$ALICE" replace apppwTOTPSecret "$ATTACKER_TOTP" >"$TEST_DIR/mod"
	expect_ldap_error 50 "$NEEDS_MFA" as_external ldapmodify -f "$TEST_DIR/mod"
'

test_expect_success 'step 2: so the attacker'"'"'s code does not bind' '
	expect_bind_refused "$ALICE" "$ALICE_PW$(totp "$ATTACKER_TOTP")"
'

test_expect_success 'step 3: nor can the session create an app password (50)' '
	expect_ldap_error 1 "$NEEDS_MFA" ldapexop -Q -Y EXTERNAL -H "$LDAPI_URI" \
		"$CREATE_OID::$(create_request label=Backdoor)"
	grep -q -F "Insufficient access (50)" "$TEST_DIR/err.out"
	modify_ldif "$ALICE" add apppwPassword \
		"password=$(app_password_string) label=Backdoor" >"$TEST_DIR/mod"
	expect_ldap_error 50 "$NEEDS_MFA" as_external ldapmodify -f "$TEST_DIR/mod"
'

test_expect_success 'step 4: nor turn MFA off, nor change the password (50)' '
	modify_ldif "$ALICE" replace apppwMFARequired FALSE >"$TEST_DIR/mod"
	expect_ldap_error 50 "$NEEDS_MFA" as_external ldapmodify -f "$TEST_DIR/mod"
	modify_ldif "$ALICE" replace userPassword attacker-pw >"$TEST_DIR/mod"
	expect_ldap_error 50 "$NEEDS_MFA" as_external ldapmodify -f "$TEST_DIR/mod"
	expect_ldap_error 1 "$NEEDS_MFA" as_external ldappasswd -s attacker-pw
'

test_expect_success 'nothing of alice or bob has changed' '
	expect_accounts_kept
	expect_bind_as "$ALICE" "$(cat "$TEST_DIR/app.pw")"
'

# slaptest_auxprops VALUE: slaptest, which opens the databases, on a
# configuration of its own with "sasl-auxprops VALUE"
slaptest_auxprops() {
	local dir="$TEST_DIR/auxprops"
	rm -rf "$dir"
	mkdir -p "$dir"
	"$SRC_ROOT/tools/conf/slapd-conf.sh" "$dir" "$BASE_DN" "$ADMIN_DN" \
		"$ADMIN_PW" "" "sasl-auxprops $1" >"$dir/slapd.conf"
	slapadd -q -f "$dir/slapd.conf" -l "$TEST_ROOT/data/base.ldif"
	slaptest -f "$dir/slapd.conf"
}

test_expect_success 'slapd does not start when sasl-auxprops leaves out slapd'"'"'s plugin' '
	expect_ldap_error 1 "apppw: sasl-auxprops (olcSaslAuxprops) \"sasldb\" leaves out slapd'"'"'s own plugin, through which apppw refuses SASL password mechanisms for MFA-required entries; add \"slapd\" to it, or remove it" \
		slaptest_auxprops sasldb
	slaptest_auxprops "\"sasldb slapd\""
'

test_done
