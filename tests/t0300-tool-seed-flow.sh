#!/bin/bash
# The seed's self-service flow, scripted with the apppw tool against the
# real slapd: an administrator requires MFA for a user with one ldapmodify
# (the account is pending: its password alone no longer binds); the user
# enrols with the password (the code computed by oathtool from the secret
# file), binds with password+code, creates an app password, binds with it,
# lists it with its last use, revokes it, and the app password is refused.
# Also: enrolment that creates the first app password in the same run.
. "$(dirname "$0")/lib/test-lib.sh"
. "$(dirname "$0")/lib/tool-lib.sh"
start_slapd

DAVE="uid=dave,ou=people,$BASE_DN"
DAVE_PW="dave-pw"
ERIN="uid=erin,ou=people,$BASE_DN"
ERIN_PW="erin-pw"
GOLDEN="$TEST_ROOT/data"
PW_RE='^[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){4}$'

test_expect_success 'dave binds with his password alone, until MFA is required (one ldapmodify)' '
	add_user dave "$DAVE_PW"
	add_user erin "$ERIN_PW"
	expect_bind 0 "$DAVE" "$DAVE_PW"
	admin_modify "$DAVE" replace apppwMFARequired TRUE
	admin_modify "$ERIN" replace apppwMFARequired TRUE
	expect_bind_refused "$DAVE" "$DAVE_PW"
'

test_expect_success '1. mfa enroll, the code computed by oathtool from the secret file' '
	rc=0
	enrol_code "$TEST_DIR/dave.key" |
		apppw -x -H "$LDAP_URI" -D "$DAVE" -w "$DAVE_PW" mfa enroll \
			--secret-file "$TEST_DIR/dave.key" --code - --no-app-password \
			>"$TEST_DIR/enrol.out" 2>"$TEST_DIR/enrol.err" || rc=$?
	cat "$TEST_DIR/enrol.err"
	test "$rc" = 0
	test "$(wc -l <"$TEST_DIR/enrol.out")" = 10
	test "$(grep -Ec "$PW_RE" "$TEST_DIR/enrol.out")" = 10
	grep -q "^These 10 recovery codes are shown once: print them" "$TEST_DIR/enrol.err"
	grep -q "^Your authenticator app is enrolled for $DAVE\.\$" "$TEST_DIR/enrol.err"
	grep -q "password immediately followed by the" "$TEST_DIR/enrol.err"
	not grep -q "$(cat "$TEST_DIR/dave.key")" "$TEST_DIR/enrol.err"
'

test_expect_success 'the secret file holds the stored secret, mode 0600; MFA is on' '
	grep -Eqx "[A-Z2-7]{32}" "$TEST_DIR/dave.key"
	test "$(stat -c %a "$TEST_DIR/dave.key")" = 600
	test "$(values "$DAVE" apppwTOTPSecret)" = "$(cat "$TEST_DIR/dave.key")"
	test "$(values "$DAVE" apppwMFARequired)" = TRUE
	test -z "$(values "$DAVE" apppwPassword)"
'
DAVE_TOTP=$(cat "$TEST_DIR/dave.key" 2>/dev/null)

test_expect_success '2. password+code binds; the password alone is refused (49)' '
	expect_bind_as "$DAVE" "$DAVE_PW$(code "$DAVE_TOTP")"
	expect_bind 49 "$DAVE" "$DAVE_PW"
'

test_expect_success 'dave cannot turn MFA off himself, even with password+code' '
	expect_ldap_error 50 "Insufficient access" \
		modify_as "$DAVE" "$DAVE_PW$(code "$DAVE_TOTP")" "$DAVE" replace apppwMFARequired FALSE
	test "$(values "$DAVE" apppwMFARequired)" = TRUE
'

test_expect_success '3. create prints only the password on stdout, advice on stderr' '
	rc=0
	apppw -x -H "$LDAP_URI" -D "$DAVE" -w "$DAVE_PW$(code "$DAVE_TOTP")" \
		create --label Phone >"$TEST_DIR/pw" 2>"$TEST_DIR/create.err" || rc=$?
	cat "$TEST_DIR/pw" "$TEST_DIR/create.err"
	test "$rc" = 0
	test "$(wc -l <"$TEST_DIR/pw")" = 1
	grep -Eq "$PW_RE" "$TEST_DIR/pw"
	pw=$(cat "$TEST_DIR/pw")
	sed "s/\\b${pw:0:4}\\b/ID/g" "$TEST_DIR/create.err" |
		diff -u "$GOLDEN/t0300-create.err" -
	not grep -q "${pw:5:4}" "$TEST_DIR/create.err"
	expect_values "$DAVE" apppwPassword "$pw" <<-EOF
	id=ID1 created=TIME hash=b2b:HASH label=Phone
	EOF
'
PW=$(cat "$TEST_DIR/pw" 2>/dev/null)

test_expect_success '4. the app password binds with stock ldapwhoami' '
	ldapwhoami -x -H "$LDAP_URI" -D "$DAVE" -w "$PW" >"$TEST_DIR/whoami"
	test "$(cat "$TEST_DIR/whoami")" = "dn:$DAVE"
'

test_expect_success '5. list shows it, its label and its last use (tsv)' '
	apppw -x -H "$LDAP_URI" -D "$DAVE" -w "$PW" list --format tsv \
		>"$TEST_DIR/list.tsv"
	cat "$TEST_DIR/list.tsv"
	test "$(wc -l <"$TEST_DIR/list.tsv")" = 2
	printf "id\tlabel\tcreated\tlast_used\tfrom\texpires\tscope\texpires_by\texpired\n" |
		diff -u - <(head -1 "$TEST_DIR/list.tsv")
	tail -1 "$TEST_DIR/list.tsv" >"$TEST_DIR/row"
	# tabs are white space to read: empty fields would collapse
	field() { cut -f "$1" "$TEST_DIR/row"; }
	id=$(field 1) label=$(field 2) created=$(field 3) used=$(field 4)
	from=$(field 5) expires=$(field 6) scope=$(field 7) ends_by=$(field 8)
	expired=$(field 9)
	test "$(awk -F "\t" "{ print NF }" "$TEST_DIR/row")" = 9
	test "$id" = "${PW:0:4}"
	test "$label" = Phone
	echo "$created" | grep -Eqx "[0-9]{14}Z"
	echo "$used" | grep -Eqx "[0-9]{14}Z"
	test "$from" = 127.0.0.1
	test -z "$expires"
	test -z "$scope"
	test -z "$ends_by"
	test "$expired" = no
	# both are now, give or take the time the test took
	now=$(date -u +%Y%m%d%H%M%SZ)
	old=$(date -u -d "-10 minutes" +%Y%m%d%H%M%SZ)
	[[ ! "$created" < "$old" && ! "$created" > "$now" ]]
	[[ ! "$used" < "$created" && ! "$used" > "$now" ]]
	# the same as the server holds
	test "$(values "$DAVE" apppwLastUsed)" = "$id $used $from"
'

test_expect_success 'list as a table: aligned columns, times in UTC' '
	apppw -x -H "$LDAP_URI" -D "$DAVE" -w "$PW" list >"$TEST_DIR/list.table"
	cat "$TEST_DIR/list.table"
	sed -E "s/^${PW:0:4} /ID   /; s/[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}Z/YYYY-MM-DD HH:MMZ/g" \
		"$TEST_DIR/list.table" | diff -u "$GOLDEN/t0300-list.table" -
'

test_expect_success '6. revoke ID, bound with password+code' '
	rc=0
	apppw -x -H "$LDAP_URI" -D "$DAVE" -w "$DAVE_PW$(code "$DAVE_TOTP")" \
		revoke "${PW:0:4}" >"$TEST_DIR/revoke.out" 2>"$TEST_DIR/revoke.err" || rc=$?
	cat "$TEST_DIR/revoke.out" "$TEST_DIR/revoke.err"
	test "$rc" = 0
	test ! -s "$TEST_DIR/revoke.out"
	test "$(cat "$TEST_DIR/revoke.err")" = "Revoked ${PW:0:4} \"Phone\"."
	test -z "$(values "$DAVE" apppwPassword)"
'

test_expect_success '7. the revoked app password is refused (49)' '
	expect_bind_refused "$DAVE" "$PW"
'

test_expect_success 'list (the admin, DN given) now says there are none, on stderr only' '
	apppw -x -H "$LDAP_URI" -D "$ADMIN_DN" -w "$ADMIN_PW" list "$DAVE" \
		>"$TEST_DIR/list.out" 2>"$TEST_DIR/list.err"
	test ! -s "$TEST_DIR/list.out"
	test "$(cat "$TEST_DIR/list.err")" = "$DAVE has no app passwords."
'

test_expect_success 'enrol with --app-password: the app password on stdout, and it binds' '
	rc=0
	enrol_code "$TEST_DIR/erin.key" seen |
		apppw -v -x -H "$LDAP_URI" -D "$ERIN" -w "$ERIN_PW" mfa enroll \
			--secret-file "$TEST_DIR/erin.key" --code - \
			--app-password "Outlook on laptop" \
			>"$TEST_DIR/erin.out" 2>"$TEST_DIR/erin.err" || rc=$?
	cat "$TEST_DIR/erin.out" "$TEST_DIR/erin.err"
	test "$rc" = 0
	# the recovery codes, then the app password
	test "$(wc -l <"$TEST_DIR/erin.out")" = 11
	test "$(grep -Ec "$PW_RE" "$TEST_DIR/erin.out")" = 11
	tail -n 1 "$TEST_DIR/erin.out" >"$TEST_DIR/erin.pw"
	grep -q "^Your authenticator app is enrolled for $ERIN\.\$" "$TEST_DIR/erin.err"
	grep -q "^App password \"Outlook on laptop\" (id $(cut -c1-4 "$TEST_DIR/erin.pw")) created for $ERIN\.\$" \
		"$TEST_DIR/erin.err"
	test "$(values "$ERIN" apppwMFARequired)" = TRUE
	test "$(values "$ERIN" apppwTOTPSecret)" = "$(cat "$TEST_DIR/erin.key")"
	expect_bind 0 "$ERIN" "$(cat "$TEST_DIR/erin.pw")"
	expect_bind 49 "$ERIN" "$ERIN_PW"
	expect_values "$ERIN" apppwPassword "$(cat "$TEST_DIR/erin.pw")" <<-EOF
	id=ID1 created=TIME hash=b2b:HASH label=Outlook on laptop
	EOF
'

test_expect_success '-v showed the operations, and no secret' '
	grep -qx "apppw: bind refused: the account may be pending enrolment" "$TEST_DIR/erin.err"
	grep -qx "apppw: extended operation $("$CREATE_CODEC" enrol-oid) (enrol) dn \"$ERIN\", the password, the secret and the code not shown" "$TEST_DIR/erin.err"
	not grep -q "^apppw: modify" "$TEST_DIR/erin.err"
	grep -qx "apppw: bind again, with the password followed by the next code" "$TEST_DIR/erin.err"
	grep -q "^apppw: extended operation .* (create) label \"Outlook on laptop\"\$" "$TEST_DIR/erin.err"
	not grep -q "$(cat "$TEST_DIR/erin.key")" "$TEST_DIR/erin.err"
	not grep -q "$ERIN_PW" "$TEST_DIR/erin.err"
	not grep -q "$(cut -c6- "$TEST_DIR/erin.pw")" "$TEST_DIR/erin.err"
'

test_expect_success 'the server enrolled erin, then the tool bound with the next code' '
	grep -q "apppw: ENROL dn=\"$ERIN\" TOTP authenticator enrolled" "$TEST_DIR/slapd.log"
	grep -q "apppw: CREATE dn=\"$ERIN\" id=$(cut -c1-4 "$TEST_DIR/erin.pw") label=\"Outlook on laptop\" scope=- by=\"$ERIN\"" \
		"$TEST_DIR/slapd.log"
	erin_totp=$(cat "$TEST_DIR/erin.key")
	expect_bind 0 "$ERIN" "$ERIN_PW$(code "$erin_totp")"
'

test_done
