#!/bin/bash
# apppw mfa enroll's refusals around pending accounts: a wrong password
# stores nothing and removes the secret file; an enrolled account's
# password alone is told to sign in with a code; a user who is not
# MFA-required cannot turn MFA on; a DN other than the bind DN is not
# enrolled with the bind DN's password.
. "$(dirname "$0")/lib/test-lib.sh"
. "$TEST_ROOT/lib/security-lib.sh"
. "$TEST_ROOT/lib/tool-lib.sh"
start_slapd

VAL="uid=val,ou=people,$BASE_DN"

# enrol_with FILE ARGS...: apppw ARGS mfa enroll --secret-file FILE
# --code -, the code computed from FILE once it exists; exit status in rc
enrol_with() {
	local file=$1
	shift
	rc=0
	( i=0
	  while [ ! -s "$file" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	  [ -s "$file" ] || exit 0
	  totp_settle 30 3
	  totp "$(cat "$file")" ) |
		apppw "$@" mfa enroll --secret-file "$file" --code - --no-app-password \
			>"$TEST_DIR/tool.out" 2>"$TEST_DIR/tool.err" || rc=$?
	cat "$TEST_DIR/tool.err"
}

test_expect_success 'setup: val is pending' '
	add_user val val-pw "apppwMFARequired: TRUE" >/dev/null
	keep_accounts "$VAL"
'

test_expect_success 'a wrong password: exit 1, nothing stored, the secret file removed' '
	enrol_with "$TEST_DIR/val.key" -x -H "$LDAP_URI" -D "$VAL" -w wrong-pw
	test "$rc" = 1
	printf "apppw: bind: Invalid credentials (49)\napppw: the password is wrong, or the account is locked; nothing was changed\n" |
		diff -u - "$TEST_DIR/tool.err"
	test ! -e "$TEST_DIR/val.key"
	expect_accounts_kept
'

test_expect_success 'another DN than the bind DN: the bind'"'"'s refusal (exit 3)' '
	run_tool 3 -x -H "$LDAP_URI" -D "$VAL" -w wrong-pw mfa enroll --no-app-password "$BOB"
	test "$(cat "$TEST_DIR/tool.err")" = "apppw: bind: Invalid credentials (49)"
	expect_accounts_kept
'

test_expect_success 'the right password: enrolled, the file kept' '
	enrol_with "$TEST_DIR/val.key" -x -H "$LDAP_URI" -D "$VAL" -w val-pw
	test "$rc" = 0
	test "$(values "$VAL" apppwTOTPSecret)" = "$(cat "$TEST_DIR/val.key")"
'

test_expect_success 'enrolled: the password alone is told to sign in with a code (exit 1)' '
	keep_accounts "$VAL"
	enrol_with "$TEST_DIR/val2.key" -x -H "$LDAP_URI" -D "$VAL" -w val-pw
	test "$rc" = 1
	printf "apppw: enrol: Server is unwilling to perform (53)\n\tadditional info: apppw: this account has enrolled a TOTP authenticator already: a new one is enrolled from a session signed in with the password followed by a code\n" |
		diff -u - "$TEST_DIR/tool.err"
	test ! -e "$TEST_DIR/val2.key"
	expect_accounts_kept
'

test_expect_success 'bob, not MFA-required, cannot turn MFA on himself (exit 1)' '
	keep_accounts "$BOB"
	enrol_with "$TEST_DIR/bob.key" -x -H "$LDAP_URI" -D "$BOB" -w "$BOB_PW"
	test "$rc" = 1
	grep -qx "apppw: modifying $BOB: Insufficient access (50)" "$TEST_DIR/tool.err"
	grep -qx "MFA is not required for $BOB: once an administrator requires it," "$TEST_DIR/tool.err"
	test ! -e "$TEST_DIR/bob.key"
	expect_accounts_kept
'

test_done
