#!/bin/bash
# apppw-max-count: an entry never holds more app passwords than configured.
. "$(dirname "$0")/lib/test-lib.sh"
start_slapd "apppw-max-count 3"

# requests N LABEL: N new app password requests, labelled "LABEL 1" to
# "LABEL N", one a line
requests() {
	local i
	for i in $(seq "$1"); do
		echo "password=$(app_password_string) label=$2 $i"
	done
}

# add_values N: one modify adding N new requests to alice
add_values() {
	local reqs
	mapfile -t reqs < <(requests "$1" Device)
	admin_modify "$ALICE" add apppwPassword "${reqs[@]}"
}

# replace_values N: one modify replacing alice's app passwords with N
replace_values() {
	local reqs
	mapfile -t reqs < <(requests "$1" New)
	admin_modify "$ALICE" replace apppwPassword "${reqs[@]}"
}

test_expect_success 'three app passwords are accepted' '
	new_app_password "$ALICE" "One" >/dev/null
	new_app_password "$ALICE" "Two" >/dev/null
	new_app_password "$ALICE" "Three" >"$TEST_DIR/three.pw"
	test "$(values "$ALICE" apppwPassword | wc -l)" = 3
	values "$ALICE" apppwPassword >"$TEST_DIR/three"
'

test_expect_success 'the fourth is refused (19), nothing stored' '
	expect_ldap_error 19 "apppw: an entry may hold at most 3 app passwords (apppw-max-count)" \
		add_values 1
	values "$ALICE" apppwPassword >"$TEST_DIR/now"
	diff -u "$TEST_DIR/three" "$TEST_DIR/now"
'

test_expect_success 'a replace with four values is refused (19), nothing changed' '
	expect_ldap_error 19 "at most 3" replace_values 4
	values "$ALICE" apppwPassword >"$TEST_DIR/now"
	diff -u "$TEST_DIR/three" "$TEST_DIR/now"
'

test_expect_success 'a replace with three values is accepted' '
	replace_values 3
	values "$ALICE" apppwPassword >"$TEST_DIR/now"
	test "$(wc -l <"$TEST_DIR/now")" = 3
	test "$(grep -c " label=New [123]\$" "$TEST_DIR/now")" = 3
	expect_bind 49 "$ALICE" "$(cat "$TEST_DIR/three.pw")"
	values "$ALICE" apppwPassword >"$TEST_DIR/three"
'

test_expect_success 'deleting one and adding two in the same modify is refused (19)' '
	{
		printf "dn: %s\nchangetype: modify\n" "$ALICE"
		printf "delete: apppwPassword\napppwPassword: %s\n-\n" "$(head -1 "$TEST_DIR/three")"
		printf "add: apppwPassword\n"
		printf "apppwPassword: password=%s label=X\n" "$(app_password_string)" "$(app_password_string)"
	} >"$TEST_DIR/mod.ldif"
	expect_ldap_error 19 "at most 3" as_admin ldapmodify -f "$TEST_DIR/mod.ldif"
	values "$ALICE" apppwPassword >"$TEST_DIR/now"
	diff -u "$TEST_DIR/three" "$TEST_DIR/now"
'

test_expect_success 'deleting one and adding one in the same modify is accepted' '
	pw=$(app_password_string)
	as_admin ldapmodify <<-EOF
	dn: $ALICE
	changetype: modify
	delete: apppwPassword
	apppwPassword: $(head -1 "$TEST_DIR/three")
	-
	add: apppwPassword
	apppwPassword: password=$pw label=Swapped
	EOF
	values "$ALICE" apppwPassword >"$TEST_DIR/now"
	test "$(wc -l <"$TEST_DIR/now")" = 3
	grep -q " label=Swapped\$" "$TEST_DIR/now"
	expect_bind 0 "$ALICE" "$pw"
'

test_expect_success 'two values over the limit at once are refused too' '
	values "$ALICE" apppwPassword >"$TEST_DIR/three"
	expect_ldap_error 19 "at most 3" add_values 2
	values "$ALICE" apppwPassword >"$TEST_DIR/now"
	diff -u "$TEST_DIR/three" "$TEST_DIR/now"
'

test_expect_success 'an entry added with four is refused (19)' '
	{
		printf "%s\n" "dn: uid=dave,ou=people,$BASE_DN" "objectClass: inetOrgPerson" \
			"objectClass: apppwUser" "uid: dave" "cn: Dave" "sn: Dave" \
			"apppwMFARequired: TRUE"
		for i in 1 2 3 4; do
			echo "apppwPassword: password=$(app_password_string) label=D$i"
		done
	} >"$TEST_DIR/dave.ldif"
	expect_ldap_error 19 "at most 3" as_admin ldapadd -f "$TEST_DIR/dave.ldif"
	expect_ldap_error 32 "" as_admin ldapsearch -b "uid=dave,ou=people,$BASE_DN" -s base
'

test_expect_success 'the limit raised through cn=config to 4: the fourth is accepted, the fifth refused' '
	config_set olcApppwMaxCount 4
	add_values 1
	test "$(values "$ALICE" apppwPassword | wc -l)" = 4
	expect_ldap_error 19 "at most 4" add_values 1
	test "$(values "$ALICE" apppwPassword | wc -l)" = 4
'

test_expect_success 'the limit lowered to 2: entries over it keep their records, may only shrink' '
	config_set olcApppwMaxCount 2
	values "$ALICE" apppwPassword >"$TEST_DIR/four"
	expect_ldap_error 19 "at most 2" add_values 1
	values "$ALICE" apppwPassword >"$TEST_DIR/now"
	diff -u "$TEST_DIR/four" "$TEST_DIR/now"
	admin_modify "$ALICE" delete apppwPassword "$(head -1 "$TEST_DIR/four")"
	test "$(values "$ALICE" apppwPassword | wc -l)" = 3
'

test_done
