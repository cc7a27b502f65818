# enrol-lib.sh - helpers of the scenarios of the enrol and the recovery
# codes extended operations (lib/apppw_proto.h); sourced after test-lib.sh

ENROL_OID=$("$CREATE_CODEC" enrol-oid)
RECOVERY_OID=$("$CREATE_CODEC" recovery-oid)

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

# recovery_codes BINDDN BINDPW [TARGET]: the "make new recovery codes"
# operation with ldapexop, on RECOVERY_URI (default LDAP_URI); the codes,
# one a line, into $TEST_DIR/recovery.codes; ldapexop's output in
# $TEST_DIR/recovery.out
recovery_codes() {
	ldapexop -o ldif-wrap=no -x -H "${RECOVERY_URI:-$LDAP_URI}" -D "$1" -w "$2" \
		"$RECOVERY_OID::$("$CREATE_CODEC" recovery ${3:+"$3"})" \
		>"$TEST_DIR/recovery.out" 2>&1 || return 1
	sed -n 's/^data:: //p' "$TEST_DIR/recovery.out" |
		"$CREATE_CODEC" recovery-response >"$TEST_DIR/recovery.codes"
}

# expect_recovery_refused CODE TEXT BINDDN BINDPW [TARGET]: the operation
# ends with the LDAP result CODE and the diagnostic TEXT, exactly
expect_recovery_refused() {
	local want=$1 text=$2
	shift 2
	if recovery_codes "$@"; then
		echo "expected a refusal ($want), got codes"
		return 1
	fi
	grep -q "^ldap_parse_result: .*($want)\$" "$TEST_DIR/recovery.out" &&
		grep -qxF "	additional info: $text" "$TEST_DIR/recovery.out" && return 0
	echo "expected result $want and text: $text"
	cat "$TEST_DIR/recovery.out"
	return 1
}
