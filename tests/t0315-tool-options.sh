#!/bin/bash
# How people type apppw: the usage asked for (help, -h, --help, before or
# after a command) on standard output with exit 0, and the connection
# options after the command, among its own (apppw create -H URI -D DN -w PW
# --label X). The usage errors of options after the command are in t0310's
# transcript; -W after the command under a terminal is in t0340.
. "$(dirname "$0")/lib/test-lib.sh"
. "$(dirname "$0")/lib/tool-lib.sh"
start_slapd

Q="'"

test_expect_success 'help, -h and --help, alone or after a command: the same usage, exit 0' '
	run_tool 0 --help
	test ! -s "$TEST_DIR/tool.err"
	head -1 "$TEST_DIR/tool.out" | grep -q "^usage: apppw "
	cp "$TEST_DIR/tool.out" "$TEST_DIR/usage"
	for args in help -h "-x -h list" "create -h" "list --help" \
		"mfa enroll --code 1 --help" "revoke --help abcd"; do
		echo "\$ apppw $args"
		run_tool 0 $args
		test ! -s "$TEST_DIR/tool.err"
		diff -u "$TEST_DIR/usage" "$TEST_DIR/tool.out"
	done
'

test_expect_success 'the usage says that options may follow the command' '
	grep -qx "       apppw help | -h | --help" "$TEST_DIR/usage"
	grep -qx "options, before the command or among its arguments:" "$TEST_DIR/usage"
'

test_expect_success 'list, the connection options after the command and among its own' '
	run_tool 0 list -H "$LDAP_URI" --format tsv -D "$BOB" -x -w "$BOB_PW"
	printf "id\tlabel\tcreated\tlast_used\tfrom\texpires\tscope\texpires_by\texpired\n" |
		diff -u - "$TEST_DIR/tool.out"
	test ! -s "$TEST_DIR/tool.err"
'

test_expect_success 'some before the command, some after' '
	printf "%s\n" "$ADMIN_PW" >"$TEST_DIR/admin.pw"
	run_tool 0 -x -H "$LDAP_URI" mfa status "$ALICE" -D "$ADMIN_DN" -y "$TEST_DIR/admin.pw"
	printf "%s\n  MFA required:   yes\n  TOTP enrolled:  yes\n  Recovery codes: 0 left\n  App passwords:  0\n" \
		"$ALICE" | diff -u - "$TEST_DIR/tool.out"
'

test_expect_success 'create for alice as the admin, options mixed with the DN' '
	run_tool 0 create -H "$LDAP_URI" --label Printer -D "$ADMIN_DN" "$ALICE" \
		--expires 90d -w "$ADMIN_PW"
	grep -Eqx "[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){4}" "$TEST_DIR/tool.out"
	cp "$TEST_DIR/tool.out" "$TEST_DIR/printer.pw"
	expect_bind 0 "$ALICE" "$(cat "$TEST_DIR/printer.pw")"
	values "$ALICE" apppwPassword | grep -q " expires=[0-9]\{14\}Z .*label=Printer\$"
'

test_expect_success 'revoke it, the id first and the options after' '
	id=$(cut -c1-4 "$TEST_DIR/printer.pw")
	run_tool 0 revoke "$id" -x -D "$ADMIN_DN" -w "$ADMIN_PW" -H "$LDAP_URI" "$ALICE"
	test "$(cat "$TEST_DIR/tool.err")" = "Revoked $id \"Printer\"."
	test -z "$(values "$ALICE" apppwPassword)"
'

test_expect_success '-v after the command traces the operations' '
	run_tool 0 list -x -H "$LDAP_URI" -D "$BOB" -w "$BOB_PW" -v
	grep -qx "apppw: connect $LDAP_URI" "$TEST_DIR/tool.err"
	grep -qx "apppw: bind simple \"$BOB\"" "$TEST_DIR/tool.err"
	grep -qx "apppw: whoami: \"dn:$BOB\"" "$TEST_DIR/tool.err"
'

test_expect_success '-ZZ after the command: StartTLS is required, and fails here (3)' '
	run_tool 3 list -x -H "$LDAP_URI" -D "$BOB" -w "$BOB_PW" -ZZ
	grep -q "^apppw: StartTLS: " "$TEST_DIR/tool.err"
	not grep -q "^apppw: bind" "$TEST_DIR/tool.err"
'

test_expect_success '-W after the command asks for the password: no terminal here (4)' '
	rc=0
	setsid -w apppw list -x -H "$LDAP_URI" -D "$BOB" -W </dev/null \
		>"$TEST_DIR/tool.out" 2>"$TEST_DIR/tool.err" || rc=$?
	cat "$TEST_DIR/tool.err"
	test "$rc" = 4
	test ! -s "$TEST_DIR/tool.out"
	grep -qx "apppw: without a terminal, give the password with -y" "$TEST_DIR/tool.err"
'

test_expect_success '-Y after the command: SASL EXTERNAL as root over ldapi' '
	run_tool 2 mfa status -Y EXTERNAL -H "$LDAPI_URI"
	grep -qx "apppw: bound as \"dn:gidNumber=0+uidNumber=0,cn=peercred,cn=external,cn=auth\", which is not an entry: give the entry${Q}s DN" \
		"$TEST_DIR/tool.err"
'

test_done
