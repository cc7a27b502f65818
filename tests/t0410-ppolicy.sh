#!/bin/bash
# slapo-ppolicy (Debian's ppolicy.so, a pwdLockout policy) sees every bind
# of an MFA-required entry, whichever order the two overlays have: wrong
# app passwords, wrong codes and the password alone count, pwdMaxFailure
# locks, a locked account refuses app passwords and password+code, an
# administrator's lock too, and a success resets the count.
. "$(dirname "$0")/lib/test-lib.sh"
. "$TEST_ROOT/lib/security-lib.sh"

POLICY="cn=lockout,ou=policies,$BASE_DN"
PPOLICY="overlay ppolicy
ppolicy_default \"$POLICY\"
ppolicy_use_lockout"

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
pwdMaxFailure: 3
EOF
BASE_LDIF=$TEST_DIR/base.ldif

# configure FIRST: a new server and database with ppolicy and apppw, the
# overlay named FIRST configured first (slapd runs the last configured
# overlay first)
configure() {
	stop_slapd
	rm -rf "$TEST_DIR/slapd.d" "$TEST_DIR/db" "$TEST_DIR"/next-totp.*
	if [ "$1" = ppolicy ]; then
		write_config "apppw-totp-window $TOTP_WIDE_WINDOW" "moduleload ppolicy"
		awk -v pp="$PPOLICY" '$0 == "overlay apppw" { print pp } { print }' \
			"$TEST_DIR/slapd.conf" >"$TEST_DIR/slapd.conf.new"
		mv "$TEST_DIR/slapd.conf.new" "$TEST_DIR/slapd.conf"
	else
		write_config "apppw-totp-window $TOTP_WIDE_WINDOW
$PPOLICY" "moduleload ppolicy"
	fi
	start_slapd
}

# expect_failures N: alice's pwdFailureTime has N values
expect_failures() {
	local n
	n=$(values "$ALICE" pwdFailureTime | wc -l)
	[ "$n" = "$1" ] || { echo "expected $1 pwdFailureTime, found $n"; ldif "$ALICE" '+'; return 1; }
}

# expect_locked yes|no: whether alice's pwdAccountLockedTime is set
expect_locked() {
	local t
	t=$(values "$ALICE" pwdAccountLockedTime)
	case $1 in
	yes)	[ -n "$t" ] || { echo "alice is not locked"; return 1; } ;;
	no)	[ -z "$t" ] || { echo "alice is locked: $t"; return 1; } ;;
	esac
}

# unlock: the administrator clears the lock and the failures (Relax: they
# are ppolicy's operational attributes)
unlock() {
	local attr
	for attr in pwdAccountLockedTime pwdFailureTime; do
		[ -n "$(values "$ALICE" $attr)" ] || continue
		modify_ldif "$ALICE" delete $attr | as_admin ldapmodify -e relax
	done
}

# lock: the administrator locks alice for good
lock() {
	modify_ldif "$ALICE" add pwdAccountLockedTime 000001010000Z |
		as_admin ldapmodify -e relax
}

ppolicy_checks() {
	local first=$1
	configure "$first"
	test_expect_success "$first configured first: the overlays are in that order in cn=config" "
		as_config ldapsearch -LLL -b 'olcDatabase={1}mdb,cn=config' -s one \
			olcOverlay | sed -n 's/^olcOverlay: //p' >\"\$TEST_DIR/order\"
		case $first in
		ppolicy) printf '%s\n' '{0}ppolicy' '{1}apppw' ;;
		apppw) printf '%s\n' '{0}apppw' '{1}ppolicy' ;;
		esac | diff -u - \"\$TEST_DIR/order\"
		new_app_password \"\$ALICE\" Mail >\"\$TEST_DIR/app.pw\"
		expect_bind_as \"\$ALICE\" \"\$(cat \"\$TEST_DIR/app.pw\")\"
	"
	test_expect_success "$first first: a wrong app password counts" '
		expect_bind_refused "$ALICE" "$(app_password_string)"
		expect_failures 1
	'
	test_expect_success "$first first: a wrong code with the password counts" '
		expect_bind_refused "$ALICE" "$ALICE_PW$(wrong_code "$ALICE_TOTP")"
		expect_failures 2
	'
	test_expect_success "$first first: the password alone counts, and the third failure locks" '
		expect_locked no
		expect_bind_refused "$ALICE" "$ALICE_PW"
		expect_failures 3
		expect_locked yes
	'
	test_expect_success "$first first: locked, the app password and password+code are refused" '
		expect_bind_refused "$ALICE" "$(cat "$TEST_DIR/app.pw")"
		expect_bind_refused "$ALICE" "$ALICE_PW$(next_totp "$ALICE_TOTP")"
	'
	test_expect_success "$first first: unlocked, the app password gets in and resets the count" '
		unlock
		expect_bind_refused "$ALICE" "$(app_password_string)"
		expect_failures 1
		expect_bind_as "$ALICE" "$(cat "$TEST_DIR/app.pw")"
		expect_failures 0
	'
	test_expect_success "$first first: password+code gets in and resets the count" '
		expect_bind_refused "$ALICE" "$ALICE_PW"
		expect_failures 1
		expect_bind_as "$ALICE" "$ALICE_PW$(next_totp "$ALICE_TOTP")"
		expect_failures 0
	'
	test_expect_success "$first first: an administrator's lock refuses both" '
		lock
		expect_bind_refused "$ALICE" "$(cat "$TEST_DIR/app.pw")"
		expect_bind_refused "$ALICE" "$ALICE_PW$(next_totp "$ALICE_TOTP")"
		unlock
		expect_bind_as "$ALICE" "$(cat "$TEST_DIR/app.pw")"
	'
}

ppolicy_checks ppolicy
ppolicy_checks apppw

test_done
