#!/bin/bash
# The enrol operation checks the password as a simple bind through the
# whole overlay stack: slapo-ppolicy, in either order, counts a wrong
# password and a wrong code sent with the right one, locks the account at
# pwdMaxFailure, refuses the locked account's enrolment (nothing stored),
# and sees the success that resets the count.
. "$(dirname "$0")/lib/test-lib.sh"
. "$TEST_ROOT/lib/security-lib.sh"
. "$TEST_ROOT/lib/enrol-lib.sh"

POLICY="cn=lockout,ou=policies,$BASE_DN"
PPOLICY="overlay ppolicy
ppolicy_default \"$POLICY\"
ppolicy_use_lockout"
SAM="uid=sam,ou=people,$BASE_DN"

cat "$TEST_ROOT/data/base.ldif" - >"$TEST_DIR/base.ldif" <<EOF

dn: ou=policies,$BASE_DN
objectClass: organizationalUnit
ou: policies

dn: $POLICY
objectClass: device
objectClass: pwdPolicy
cn: lockout
pwdAttribute: userPassword
pwdLockout: TRUE
pwdMaxFailure: 2
EOF
BASE_LDIF=$TEST_DIR/base.ldif

# configure FIRST: a new server, the overlay named FIRST configured first
# (slapd runs the last configured overlay first)
configure() {
	stop_slapd
	rm -rf "$TEST_DIR/slapd.d" "$TEST_DIR/db"
	if [ "$1" = ppolicy ]; then
		write_config "" "moduleload ppolicy"
		awk -v pp="$PPOLICY" '$0 == "overlay apppw" { print pp } { print }' \
			"$TEST_DIR/slapd.conf" >"$TEST_DIR/slapd.conf.new"
		mv "$TEST_DIR/slapd.conf.new" "$TEST_DIR/slapd.conf"
	else
		write_config "$PPOLICY" "moduleload ppolicy"
	fi
	start_slapd
}

# expect_failures N: sam's pwdFailureTime has N values
expect_failures() {
	local n
	n=$(values "$SAM" pwdFailureTime | wc -l)
	[ "$n" = "$1" ] || { echo "expected $1 pwdFailureTime, found $n"; ldif "$SAM" '+'; return 1; }
}

# unlock: the administrator clears the lock and the failures (Relax: they
# are ppolicy's operational attributes)
unlock() {
	local attr
	for attr in pwdAccountLockedTime pwdFailureTime; do
		[ -n "$(values "$SAM" $attr)" ] || continue
		modify_ldif "$SAM" delete $attr | as_admin ldapmodify -e relax >/dev/null
	done
}

checks() {
	local first=$1 secret
	secret=$(head -c 20 /dev/urandom | base32 | tr -d =)
	configure "$first"
	test_expect_success "$first first: a wrong password counts" "
		add_user sam sam-pw 'apppwMFARequired: TRUE' >/dev/null
		keep_accounts \"\$SAM\"
		expect_enrol 49 '' \"\$SAM\" wrong-pw $secret \"\$(totp $secret)\"
		expect_failures 1
	"
	test_expect_success "$first first: a wrong code with the right password counts, and locks" "
		expect_enrol 49 '' \"\$SAM\" sam-pw $secret \"\$(wrong_code $secret)\"
		expect_failures 2
		test -n \"\$(values \"\$SAM\" pwdAccountLockedTime)\"
	"
	test_expect_success "$first first: locked, the right password and code store nothing" "
		expect_enrol 49 '' \"\$SAM\" sam-pw $secret \"\$(totp $secret)\"
		test -z \"\$(values \"\$SAM\" apppwTOTPSecret)\"
	"
	test_expect_success "$first first: unlocked, the enrolment succeeds and resets the count" "
		unlock
		expect_enrol 49 '' \"\$SAM\" wrong-pw $secret \"\$(totp $secret)\"
		expect_failures 1
		expect_enrol 0 '' \"\$SAM\" sam-pw $secret \"\$(totp $secret)\"
		expect_failures 0
		test \"\$(values \"\$SAM\" apppwTOTPSecret)\" = $secret
	"
}

checks ppolicy
checks apppw

test_done
