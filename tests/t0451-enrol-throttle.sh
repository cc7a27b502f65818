#!/bin/bash
# The enrol operation is subject to the TOTP throttle like binds: wrong
# codes sent with the right password count, three lock TOTP for the entry
# (then even the right code is refused and nothing is stored), and wrong
# codes with a wrong password do not count. And it asks for the
# confidentiality simple binds ask for (security simple_bind=).
. "$(dirname "$0")/lib/test-lib.sh"
. "$TEST_ROOT/lib/security-lib.sh"
. "$TEST_ROOT/lib/enrol-lib.sh"
start_slapd

QUINN="uid=quinn,ou=people,$BASE_DN"
RUTH="uid=ruth,ou=people,$BASE_DN"
UMA="uid=uma,ou=people,$BASE_DN"
SECRET=$(head -c 20 /dev/urandom | base32 | tr -d =)

test_expect_success 'setup: quinn and ruth are pending' '
	add_user quinn quinn-pw "apppwMFARequired: TRUE" >/dev/null
	add_user ruth ruth-pw "apppwMFARequired: TRUE" >/dev/null
	keep_accounts "$QUINN" "$RUTH"
'

test_expect_success 'wrong codes with a wrong password do not count' '
	for i in 1 2 3 4 5; do
		expect_enrol 49 "" "$RUTH" wrong-pw "$SECRET" "$(wrong_code "$SECRET")" || return 1
	done
	expect_log_count 5 "ENROL dn=\"$RUTH\" refused: wrong password, or a password policy (49)"
	expect_log_count 0 "ENROL dn=\"$RUTH\" refused: wrong or out-of-window TOTP code"
'

test_expect_success 'two wrong codes with the right password are counted' '
	expect_enrol 49 "" "$QUINN" quinn-pw "$SECRET" "$(wrong_code "$SECRET")"
	expect_enrol 49 "" "$QUINN" quinn-pw "$SECRET" "$(wrong_code "$SECRET")"
	expect_log_count 1 "ENROL dn=\"$QUINN\" refused: wrong or out-of-window TOTP code for the new secret (2 of 3 before a lockout)"
'

test_expect_success 'the third locks TOTP for quinn' '
	expect_enrol 49 "" "$QUINN" quinn-pw "$SECRET" "$(wrong_code "$SECRET")"
	expect_log_count 1 "ENROL dn=\"$QUINN\" refused: wrong or out-of-window TOTP code for the new secret; TOTP locked until"
'

test_expect_success 'locked: the right password and code are refused, and nothing is stored' '
	expect_enrol 49 "" "$QUINN" quinn-pw "$SECRET" "$(totp "$SECRET")"
	expect_log_count 1 "ENROL dn=\"$QUINN\" refused: TOTP locked until"
	expect_accounts_kept
'

test_expect_success 'ruth, whose codes did not count, enrols' '
	expect_enrol 0 "" "$RUTH" ruth-pw "$SECRET" "$(totp "$SECRET")"
	test "$(values "$RUTH" apppwTOTPSecret)" = "$SECRET"
'

test_expect_success 'two enrolments at once with two secrets: one stores its secret' '
	add_user uma uma-pw "apppwMFARequired: TRUE" >/dev/null
	other=$(head -c 20 /dev/urandom | base32 | tr -d =)
	totp_settle 30 5
	printf "%s\n" "$("$CREATE_CODEC" enrol "$UMA" uma-pw "$SECRET" "$(totp "$SECRET")")" \
		"$("$CREATE_CODEC" enrol "$UMA" uma-pw "$other" "$(totp "$other")")" \
		>"$TEST_DIR/requests"
	# each run takes a request of its own: the first to make the directory
	# the first line
	cat >"$TEST_DIR/send" <<-EOF
	#!/bin/sh
	n=2
	mkdir "$TEST_DIR/first" 2>/dev/null && n=1
	exec ldapexop -x -H "$LDAP_URI" "$ENROL_OID::\$(sed -n "\${n}p" "$TEST_DIR/requests")"
	EOF
	chmod +x "$TEST_DIR/send"
	at_once 2 "$TEST_DIR/send" >"$TEST_DIR/statuses"
	printf "1 0\n1 1\n" | diff -u - "$TEST_DIR/statuses"
	grep -h "additional info" "$TEST_DIR"/at-once/*.out >"$TEST_DIR/texts"
	echo "	additional info: apppw: this account has enrolled a TOTP authenticator already: a new one is enrolled from a session signed in with the password followed by a code" |
		diff -u - "$TEST_DIR/texts"
	stored=$(values "$UMA" apppwTOTPSecret)
	test "$stored" = "$SECRET" || test "$stored" = "$other"
'

stop_slapd
rm -rf "$TEST_DIR/slapd.d" "$TEST_DIR/db" "$TEST_DIR/slapd.conf"
write_config "security simple_bind=64"
start_slapd
# the administrator's binds too need it: they go over ldapi
TCP_URI=$LDAP_URI
LDAP_URI=$LDAPI_URI

test_expect_success 'security simple_bind=64: refused in the clear (13), nothing stored' '
	add_user quinn quinn-pw "apppwMFARequired: TRUE" >/dev/null
	keep_accounts "$QUINN"
	expect_enrol 13 "confidentiality required" "$QUINN" quinn-pw "$SECRET" \
		"$(totp "$SECRET")" "$TCP_URI"
	expect_accounts_kept
	expect_log_count 1 "ENROL dn=\"$QUINN\" refused: confidentiality required peer=IP=127.0.0.1:"
'

test_expect_success 'and accepted over ldapi, whose strength slapd counts as 71' '
	expect_enrol 0 "" "$QUINN" quinn-pw "$SECRET" "$(totp "$SECRET")"
	test "$(values "$QUINN" apppwTOTPSecret)" = "$SECRET"
	expect_log_count 1 "ENROL dn=\"$QUINN\" TOTP authenticator enrolled, step at"
'

test_done
