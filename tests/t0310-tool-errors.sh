#!/bin/bash
# The apppw tool's error paths and exit codes (apppw(1), EXIT STATUS):
# 1 the operation failed, 2 usage, 3 connect or bind, 4 local. Errors carry
# the LDAP error text and the server's diagnostic; a failed operation
# changes nothing.
. "$(dirname "$0")/lib/test-lib.sh"
. "$(dirname "$0")/lib/tool-lib.sh"
start_slapd

GOLDEN="$TEST_ROOT/data"
Q="'"

# wrong_code SECRET: a code that is none of those the window accepts now
wrong_code() {
	local ok c
	totp_settle 30 3
	ok=" $(totp "$1" -1) $(totp "$1" 0) $(totp "$1" 1) "
	c=$(( (10#$(totp "$1") + 500000) % 1000000 ))
	while :; do
		c=$(printf %06d "$c")
		case $ok in *" $c "*) c=$(( (10#$c + 1) % 1000000 )) ;; *) break ;; esac
	done
	echo "$c"
}

# wrong_after FILE: wait for the tool to write the secret FILE, then print
# a wrong code for it (for --code -)
wrong_after() {
	local i=0
	while [ ! -s "$1" ]; do
		i=$((i + 1))
		[ $i -le 100 ] || { echo "no secret file $1" >&2; return 1; }
		sleep 0.1
	done
	wrong_code "$(cat "$1")"
}

test_expect_success 'usage errors: exit 2, a message, nothing on stdout (transcript)' '
	while IFS= read -r line; do
		eval "set -- $line"
		echo "\$ apppw $line"
		rc=0
		apppw "$@" 2>&1 >"$TEST_DIR/usage.stdout" || rc=$?
		echo "exit $rc"
		test ! -s "$TEST_DIR/usage.stdout" || echo "stdout: $(cat "$TEST_DIR/usage.stdout")"
	done <<-\EOF >"$TEST_DIR/usage.out"
	
	frobnicate
	mfa
	mfa frob
	-Q list
	-H
	-ZZZ list
	-w secret list
	-D cn=x -w a -y f list
	-x -Y EXTERNAL list
	create
	create --label
	create --label ""
	create --label " padded"
	create --label X --expires yesterday
	create --label X --expires 2001-01-01
	create --label X --expires 2027-02-30
	create --label X --scope BAD
	create --label X --bogus
	create --label X uid=a,dc=x uid=b,dc=x
	list --format xml
	list uid=a,dc=x uid=b,dc=x
	revoke
	revoke --all abcd
	revoke not-an-id
	revoke abcd uid=a,dc=x uid=b,dc=x
	mfa enroll --digits 9
	mfa enroll --period 0
	mfa enroll --app-password X --no-app-password
	mfa enroll --issuer a:b
	mfa status extra uid=a,dc=x
	mfa disable --all
	--bogus list
	list -Q
	list --format tsv -H
	create --label X -ZZZ
	create -w secret --label X
	list -x -Y EXTERNAL
	create -D cn=x -w a --label X -W
	-Z list -Z -Z
	EOF
	diff -u "$GOLDEN/t0310-usage.out" "$TEST_DIR/usage.out"
'

test_expect_success '-h: the usage on stdout, exit 0 (asked for, it is no error)' '
	run_tool 0 -h
	test ! -s "$TEST_DIR/tool.err"
	head -1 "$TEST_DIR/tool.out" | grep -q "^usage: apppw "
	for c in "create --label LABEL" "list \[--format table|tsv|json\]" \
		"revoke ID" "revoke --all" "mfa enroll" "mfa status" "mfa disable"; do
		grep -q "^  $c" "$TEST_DIR/tool.out"
	done
	grep -q "exit status: 0 success, 1 the operation failed, 2 usage error," "$TEST_DIR/tool.out"
'

test_expect_success 'bound anonymously, without a DN: usage error (2)' '
	run_tool 2 -x -H "$LDAP_URI" list
	test "$(cat "$TEST_DIR/tool.err")" = "apppw: bound anonymously: give the entry${Q}s DN, or bind as it with -D"
'

test_expect_success 'a bad URI: exit 3 with the LDAP error' '
	run_tool 3 -x -H ldap://127.0.0.1:1 -D "$BOB" -w "$BOB_PW" list
	test ! -s "$TEST_DIR/tool.out"
	test "$(cat "$TEST_DIR/tool.err")" = "apppw: bind: Can${Q}t contact LDAP server (-1)"
	run_tool 3 -x -H foo://bar -D "$BOB" -w "$BOB_PW" list
	test "$(cat "$TEST_DIR/tool.err")" = "apppw: foo://bar: Bad parameter to an ldap routine"
'

test_expect_success 'wrong credentials: exit 3, "Invalid credentials (49)"' '
	run_tool 3 -x -H "$LDAP_URI" -D "$BOB" -w wrong list
	test "$(cat "$TEST_DIR/tool.err")" = "apppw: bind: Invalid credentials (49)"
	run_tool 3 -x -H "$LDAP_URI" -D "uid=nobody,ou=people,$BASE_DN" -w x mfa status
	test "$(cat "$TEST_DIR/tool.err")" = "apppw: bind: Invalid credentials (49)"
'

test_expect_success 'the password alone of an MFA entry: exit 3' '
	run_tool 3 -x -H "$LDAP_URI" -D "$ALICE" -w "$ALICE_PW" create --label X
	test "$(cat "$TEST_DIR/tool.err")" = "apppw: bind: Invalid credentials (49)"
	test -z "$(values "$ALICE" apppwPassword)"
'

test_expect_success '-y reads the password from a file, but for one trailing newline' '
	printf "%s\n" "$BOB_PW" >"$TEST_DIR/bob.pw"
	run_tool 0 -x -H "$LDAP_URI" -D "$BOB" -y "$TEST_DIR/bob.pw" mfa status
	head -1 "$TEST_DIR/tool.out" | grep -qx "$BOB"
	printf "%s\n\n" "$BOB_PW" >"$TEST_DIR/bob.pw"
	run_tool 3 -x -H "$LDAP_URI" -D "$BOB" -y "$TEST_DIR/bob.pw" mfa status
'

test_expect_success 'local errors: exit 4 (no password file, no terminal)' '
	run_tool 4 -x -H "$LDAP_URI" -D "$BOB" -y "$TEST_DIR/missing" list
	test "$(cat "$TEST_DIR/tool.err")" = "apppw: $TEST_DIR/missing: No such file or directory"
	rc=0
	setsid -w apppw -x -H "$LDAP_URI" -D "$BOB" list </dev/null \
		>"$TEST_DIR/tool.out" 2>"$TEST_DIR/tool.err" || rc=$?
	cat "$TEST_DIR/tool.err"
	test "$rc" = 4
	grep -qx "apppw: without a terminal, give the password with -y" "$TEST_DIR/tool.err"
'

test_expect_success 'create for a non-MFA target (bob, as admin): exit 1, "need MFA"' '
	run_tool 1 -x -H "$LDAP_URI" -D "$ADMIN_DN" -w "$ADMIN_PW" create --label Mail "$BOB"
	test ! -s "$TEST_DIR/tool.out"
	diff -u "$GOLDEN/t0310-need-mfa.err" "$TEST_DIR/tool.err"
	test -z "$(values "$BOB" apppwPassword)"
'

test_expect_success 'bob asking for himself is told the same' '
	run_tool 1 -x -H "$LDAP_URI" -D "$BOB" -w "$BOB_PW" create --label Mail
	diff -u "$GOLDEN/t0310-need-mfa.err" "$TEST_DIR/tool.err"
	test -z "$(values "$BOB" apppwPassword)"
'

test_expect_success 'setup: alice has an app password, used once' '
	new_app_password "$ALICE" "Mail" >"$TEST_DIR/alice.pw"
	expect_bind 0 "$ALICE" "$(cat "$TEST_DIR/alice.pw")"
	test -n "$(values "$ALICE" apppwLastUsed)"
	ldif "$ALICE" "*" "+" >"$TEST_DIR/alice.before"
'
APP_PW=$(cat "$TEST_DIR/alice.pw")

test_expect_success 'an app-password session cannot create: exit 1, says why' '
	run_tool 1 -x -H "$LDAP_URI" -D "$ALICE" -w "$APP_PW" create --label More
	test ! -s "$TEST_DIR/tool.out"
	diff -u "$GOLDEN/t0310-app-session-create.err" "$TEST_DIR/tool.err"
	test "$(values "$ALICE" apppwPassword | wc -l)" = 1
'

test_expect_success 'nor revoke, nor disable MFA: exit 1, nothing changed' '
	run_tool 1 -x -H "$LDAP_URI" -D "$ALICE" -w "$APP_PW" revoke "${APP_PW:0:4}"
	grep -q "^apppw: modifying $ALICE: Insufficient access (50)\$" "$TEST_DIR/tool.err"
	grep -q "additional info: apppw: this session authenticated with an app password" "$TEST_DIR/tool.err"
	run_tool 1 -x -H "$LDAP_URI" -D "$ALICE" -w "$APP_PW" mfa disable
	grep -q "additional info: apppw: this session authenticated with an app password" "$TEST_DIR/tool.err"
	ldif "$ALICE" "*" "+" | diff -u "$TEST_DIR/alice.before" -
'

test_expect_success 'but it may read: list and status' '
	run_tool 0 -x -H "$LDAP_URI" -D "$ALICE" -w "$APP_PW" list --format tsv
	cut -f1,2 "$TEST_DIR/tool.out" | tail -1 | grep -qx "${APP_PW:0:4}	Mail"
	run_tool 0 -x -H "$LDAP_URI" -D "$ALICE" -w "$APP_PW" mfa status
	grep -qx "  MFA required:   yes" "$TEST_DIR/tool.out"
'

test_expect_success 'an unknown id: exit 1, says which, nothing is revoked' '
	id=${APP_PW:0:4}
	unknown=zzzz; [ "$id" != zzzz ] || unknown=zzzy
	values "$ALICE" apppwPassword >"$TEST_DIR/records.before"
	run_tool 1 -x -H "$LDAP_URI" -D "$ADMIN_DN" -w "$ADMIN_PW" revoke "$unknown" "$id" "$ALICE"
	test ! -s "$TEST_DIR/tool.out"
	printf "apppw: %s has no app password with id %s\napppw: nothing was revoked\n" \
		"$ALICE" "$unknown" | diff -u - "$TEST_DIR/tool.err"
	values "$ALICE" apppwPassword | diff -u "$TEST_DIR/records.before" -
	expect_bind 0 "$ALICE" "$APP_PW"
'

test_expect_success 'a wrong enrolment code (bob, himself) changes nothing: exit 1' '
	ldif "$BOB" "*" "+" >"$TEST_DIR/bob.before"
	rc=0
	wrong_after "$TEST_DIR/bob.key" |
		apppw -x -H "$LDAP_URI" -D "$BOB" -w "$BOB_PW" mfa enroll \
			--secret-file "$TEST_DIR/bob.key" --code - --no-app-password \
			>"$TEST_DIR/tool.out" 2>"$TEST_DIR/tool.err" || rc=$?
	cat "$TEST_DIR/tool.err"
	test "$rc" = 1
	test ! -s "$TEST_DIR/tool.out"
	test "$(cat "$TEST_DIR/tool.err")" = "apppw: wrong code: nothing was changed"
	test ! -e "$TEST_DIR/bob.key"
	ldif "$BOB" "*" "+" | diff -u "$TEST_DIR/bob.before" -
	expect_bind 0 "$BOB" "$BOB_PW"
'

test_expect_success 'nor does a code that is no code, or none at all' '
	run_tool 1 -x -H "$LDAP_URI" -D "$BOB" -w "$BOB_PW" mfa enroll \
		--secret-file "$TEST_DIR/bob.key" --code 12ab56 --no-app-password
	printf "apppw: that is not a 6-digit code\napppw: wrong code: nothing was changed\n" |
		diff -u - "$TEST_DIR/tool.err"
	test ! -e "$TEST_DIR/bob.key"
	rc=0
	apppw -x -H "$LDAP_URI" -D "$BOB" -w "$BOB_PW" mfa enroll \
		--secret-file "$TEST_DIR/bob.key" --code - --no-app-password \
		</dev/null >"$TEST_DIR/tool.out" 2>"$TEST_DIR/tool.err" || rc=$?
	cat "$TEST_DIR/tool.err"
	test "$rc" = 4
	grep -qx "apppw: reading the code from standard input: end of input" "$TEST_DIR/tool.err"
	test ! -e "$TEST_DIR/bob.key"
	ldif "$BOB" "*" "+" | diff -u "$TEST_DIR/bob.before" -
'

test_expect_success 'without a terminal and without --code: exit 4, nothing changed' '
	rc=0
	setsid -w apppw -x -H "$LDAP_URI" -D "$BOB" -w "$BOB_PW" mfa enroll --no-qr \
		</dev/null >"$TEST_DIR/tool.out" 2>"$TEST_DIR/tool.err" || rc=$?
	cat "$TEST_DIR/tool.err"
	test "$rc" = 4
	grep -qx "apppw: without a terminal, give --secret-file and --code" "$TEST_DIR/tool.err"
	ldif "$BOB" "*" "+" | diff -u "$TEST_DIR/bob.before" -
'

test_expect_success 'an existing secret file is not overwritten: exit 4' '
	echo keep >"$TEST_DIR/exists.key"
	run_tool 4 -x -H "$LDAP_URI" -D "$BOB" -w "$BOB_PW" mfa enroll \
		--secret-file "$TEST_DIR/exists.key" --code 123456 --no-app-password
	test "$(cat "$TEST_DIR/tool.err")" = "apppw: $TEST_DIR/exists.key: File exists"
	test "$(cat "$TEST_DIR/exists.key")" = keep
	ldif "$BOB" "*" "+" | diff -u "$TEST_DIR/bob.before" -
'

test_expect_success 'a wrong code when the admin re-enrols alice keeps her secret' '
	ldif "$ALICE" "*" "+" >"$TEST_DIR/alice.before"
	rc=0
	wrong_after "$TEST_DIR/alice.key" |
		apppw -x -H "$LDAP_URI" -D "$ADMIN_DN" -w "$ADMIN_PW" mfa enroll \
			--secret-file "$TEST_DIR/alice.key" --code - "$ALICE" \
			>"$TEST_DIR/tool.out" 2>"$TEST_DIR/tool.err" || rc=$?
	cat "$TEST_DIR/tool.err"
	test "$rc" = 1
	grep -q "^$ALICE already has a TOTP secret: enrolling replaces it" "$TEST_DIR/tool.err"
	grep -qx "apppw: wrong code: nothing was changed" "$TEST_DIR/tool.err"
	test ! -e "$TEST_DIR/alice.key"
	ldif "$ALICE" "*" "+" | diff -u "$TEST_DIR/alice.before" -
	test "$(values "$ALICE" apppwTOTPSecret)" = "$ALICE_TOTP"
'

test_expect_success 'list --format json is valid JSON' '
	apppw -x -H "$LDAP_URI" -D "$ADMIN_DN" -w "$ADMIN_PW" list --format json "$ALICE" \
		>"$TEST_DIR/list.json"
	cat "$TEST_DIR/list.json"
	python3 -m json.tool "$TEST_DIR/list.json" >/dev/null
	apppw -x -H "$LDAP_URI" -D "$ADMIN_DN" -w "$ADMIN_PW" list --format json "$CAROL" \
		>"$TEST_DIR/empty.json"
	python3 -m json.tool "$TEST_DIR/empty.json" >/dev/null
	test "$(cat "$TEST_DIR/empty.json")" = "[]"
'

test_expect_success 'revoke --all by someone who cannot see the records fails and keeps them' '
	new_app_password "$CAROL" "Carol phone" >/dev/null
	values "$CAROL" apppwPassword >"$TEST_DIR/carol.before"
	test -s "$TEST_DIR/carol.before"
	rc=0
	apppw -x -H "$LDAP_URI" -D "$BOB" -w "$BOB_PW" revoke --all "$CAROL" \
		>"$TEST_DIR/tool.out" 2>"$TEST_DIR/tool.err" || rc=$?
	cat "$TEST_DIR/tool.err"
	test "$rc" = 1
	grep -q "Insufficient access (50)" "$TEST_DIR/tool.err"
	values "$CAROL" apppwPassword | diff -u "$TEST_DIR/carol.before" -
'

test_expect_success 'list and status say when the records cannot be read' '
	run_tool 1 -x -H "$LDAP_URI" -D "$BOB" -w "$BOB_PW" list "$CAROL"
	grep -qx "apppw: $CAROL: not allowed to read its app passwords" "$TEST_DIR/tool.err"
	run_tool 0 -x -H "$LDAP_URI" -D "$BOB" -w "$BOB_PW" mfa status "$CAROL"
	grep -qx "  App passwords:  unknown (not readable)" "$TEST_DIR/tool.out"
'

test_done
