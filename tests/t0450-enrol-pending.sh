#!/bin/bash
# MFA required before enrolment: an administrator sets only
# apppwMFARequired TRUE; the entry is pending. Its password alone never
# binds, no app password is made for it, and it enrols its first TOTP
# authenticator with the enrol extended operation, anonymously, with its
# password, the new secret and a code: a wrong code or a wrong password
# stores nothing, the right ones store the secret and the code's step (the
# code cannot bind afterwards), and a second enrolment is refused.
. "$(dirname "$0")/lib/test-lib.sh"
. "$TEST_ROOT/lib/security-lib.sh"
. "$TEST_ROOT/lib/enrol-lib.sh"
start_slapd

PAT="uid=pat,ou=people,$BASE_DN"
PAT_PW="pat-pw"
SECRET=$(head -c 20 /dev/urandom | base32 | tr -d =)
test_expect_success 'setup: an administrator requires MFA for pat with one ldapmodify' '
	add_user pat "$PAT_PW" >/dev/null
	admin_modify "$PAT" replace apppwMFARequired TRUE
	keep_accounts "$PAT"
'

test_expect_success 'the pending account: its password alone is refused (49, bare)' '
	expect_bind_refused "$PAT" "$PAT_PW"
	expect_log_count 1 "BIND dn=\"$PAT\" refused: pending: MFA is required but no TOTP secret is enrolled; enrol first (apppw mfa enroll)"
'

test_expect_success 'and so is its password followed by any six digits' '
	expect_bind_refused "$PAT" "${PAT_PW}123456"
	expect_log_count 2 "BIND dn=\"$PAT\" refused: pending: MFA is required"
'

test_expect_success 'no app password is made for a pending account, not even by an administrator' '
	expect_ldap_error 1 "has not enrolled a TOTP authenticator yet: app passwords are made once it has" \
		create_app_password "$ADMIN_DN" "$ADMIN_PW" target="$PAT" label=Phone
	expect_accounts_kept
'

test_expect_success 'enrolment with a wrong code stores nothing (49)' '
	expect_enrol 49 "" "$PAT" "$PAT_PW" "$SECRET" "$(wrong_code "$SECRET")"
	expect_accounts_kept
	expect_log_count 1 "ENROL dn=\"$PAT\" refused: wrong or out-of-window TOTP code for the new secret (1 of 3 before a lockout)"
'

test_expect_success 'enrolment with a wrong password stores nothing (49)' '
	expect_enrol 49 "" "$PAT" "wrong-pw" "$SECRET" "$(totp "$SECRET")"
	expect_accounts_kept
	expect_log_count 1 "ENROL dn=\"$PAT\" refused: wrong password, or a password policy (49)"
'

test_expect_success 'malformed requests are refused with what is wrong, and store nothing' '
	expect_enrol 21 "apppw: apppwTOTPSecret must be base32 (RFC 4648) of at least 80 bits (16 symbols)" \
		"$PAT" "$PAT_PW" ABCDEFGH "$(totp "$SECRET")"
	expect_enrol 19 "apppw: the code must be 6 digits (apppw-totp-digits)" \
		"$PAT" "$PAT_PW" "$SECRET" 12345
	expect_enrol 19 "apppw: the code must be 6 digits (apppw-totp-digits)" \
		"$PAT" "$PAT_PW" "$SECRET" 12a456
	expect_enrol 34 "apppw: the DN is not valid" "not a dn" "$PAT_PW" "$SECRET" 123456
	expect_enrol 49 "" "uid=nobody,ou=people,$BASE_DN" "$PAT_PW" "$SECRET" "$(totp "$SECRET")"
	expect_accounts_kept
'

test_expect_success 'the right password and code: the secret and the code step are stored' '
	totp_settle 30 5
	code=$(totp "$SECRET")
	echo "$code" >"$TEST_DIR/enrol.code"
	expect_enrol 0 "" "$PAT" "$PAT_PW" "$SECRET" "$code"
	sed -n "s/^data:: //p" "$TEST_DIR/enrol.out" | "$CREATE_CODEC" enrol-response >"$TEST_DIR/enrol.response"
	step=$(head -n 1 "$TEST_DIR/enrol.response")
	test "$step" = $(( $(date +%s) / 30 * 30 ))
	test "$(values "$PAT" apppwTOTPSecret)" = "$SECRET"
	test "$(values "$PAT" apppwTOTPLastStep)" = "$step"
	test "$(values "$PAT" apppwMFARequired)" = TRUE
	expect_log_count 1 "ENROL dn=\"$PAT\" TOTP authenticator enrolled, step at $step, peer=IP=127.0.0.1:"
'

test_expect_success 'the log holds neither the password nor the secret' '
	not grep -F -e "$PAT_PW" -e "$SECRET" "$TEST_DIR/slapd.log"
'

test_expect_success 'the enrolment code cannot bind (a replay); the next code does' '
	expect_bind_refused "$PAT" "$PAT_PW$(cat "$TEST_DIR/enrol.code")"
	expect_log_count 1 "BIND dn=\"$PAT\" refused: replayed TOTP code"
	expect_bind_as "$PAT" "$PAT_PW$(totp "$SECRET" 1)"
'

test_expect_success 'once enrolled, enrolment is refused before the password is looked at (53)' '
	keep_accounts "$PAT"
	other=$(head -c 20 /dev/urandom | base32 | tr -d =)
	expect_enrol 53 "apppw: this account has enrolled a TOTP authenticator already: a new one is enrolled from a session signed in with the password followed by a code" \
		"$PAT" "$PAT_PW" "$other" "$(totp "$other")"
	expect_enrol 53 "apppw: this account has enrolled a TOTP authenticator already: a new one is enrolled from a session signed in with the password followed by a code" \
		"$PAT" "wrong-pw" "$other" "$(totp "$other")"
	expect_accounts_kept
'

test_expect_success 'an account that is not MFA-required: nothing to enrol (53), after its password' '
	keep_accounts "$BOB"
	expect_enrol 53 "apppw: MFA is not required for this account: there is nothing to enrol (ask your administrator)" \
		"$BOB" "$BOB_PW" "$SECRET" "$(totp "$SECRET")"
	expect_enrol 49 "" "$BOB" "wrong-pw" "$SECRET" "$(totp "$SECRET")"
	expect_accounts_kept
'

test_expect_success 'now an app password is made for pat' '
	create_app_password "$ADMIN_DN" "$ADMIN_PW" target="$PAT" label=Phone >"$TEST_DIR/pw"
	expect_bind_as "$PAT" "$(cut -d" " -f2 "$TEST_DIR/pw")"
'

test_done
