# enrol-lib.sh - helpers of the scenarios of the enrol extended operation
# (lib/apppw_proto.h); sourced after test-lib.sh

ENROL_OID=$("$CREATE_CODEC" enrol-oid)

# enrol DN PASSWORD SECRET CODE [URI]: the enrol operation, anonymous,
# with ldapexop; its output in $TEST_DIR/enrol.out; prints the LDAP result
# code (ldapexop exits 1 for any)
enrol() {
	ldapexop -o ldif-wrap=no -x -H "${5:-$LDAP_URI}" \
		"$ENROL_OID::$("$CREATE_CODEC" enrol "$1" "$2" "$3" "$4")" \
		>"$TEST_DIR/enrol.out" 2>&1 && { echo 0; return; }
	sed -n "s/^ldap_parse_result: .*(\([0-9]*\))\$/\1/p" "$TEST_DIR/enrol.out"
}

# expect_enrol CODE TEXT DN PASSWORD SECRET CODE [URI]: enrol ends with
# the LDAP result CODE and the diagnostic TEXT (exactly; "" for none);
# ldapexop's output if not
expect_enrol() {
	local want=$1 text=$2 got diag
	shift 2
	got=$(enrol "$@")
	diag=$(sed -n "s/^\tadditional info: //p" "$TEST_DIR/enrol.out")
	[ "$got" = "$want" ] && [ "$diag" = "$text" ] && return 0
	echo "expected result $want and text: $text"
	cat "$TEST_DIR/enrol.out"
	return 1
}
