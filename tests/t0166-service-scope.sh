#!/bin/bash
# Per-service scope by bind DN: "uid=alice,apppwService=imap,ou=people,..."
# authenticates alice's entry with app passwords scoped to imap only, and
# the connection's identity is alice's DN; binds without the component keep
# their rules; scopes combine services with networks.
. "$(dirname "$0")/lib/test-lib.sh"

start_slapd "apppw-scope imap service=imap
apppw-scope mail service=imap service=smtp
apppw-scope imap-here service=imap 127.0.0.1/32
apppw-scope imap-far service=imap 192.0.2.0/24
apppw-scope here 127.0.0.1/32"

# via SERVICE DN: DN with the service component after its first RDN
via() {
	echo "${2%%,*},apppwService=$1,${2#*,}"
}

test_expect_success 'setup: alice has app passwords of every kind' '
	for s in imap mail imap-here imap-far here; do
		new_app_password "$ALICE" "Scope $s" "scope=$s" >"$TEST_DIR/$s.pw"
	done
	new_app_password "$ALICE" "Any client" >"$TEST_DIR/any.pw"
	test "$(values "$ALICE" apppwPassword | wc -l)" = 6
'

test_expect_success 'through the imap DN: an imap-scoped app password, and the identity is alice' '
	expect_bind 0 "$(via imap "$ALICE")" "$(cat "$TEST_DIR/imap.pw")"
	printf "dn:%s\n" "$ALICE" | diff -u - "$TEST_DIR/bind.out"
	grep -q "apppw: BIND dn=\"$ALICE\" through service imap" "$TEST_DIR/slapd.log"
	grep -q "apppw: BIND dn=\"$ALICE\" app password id=$(cut -c1-4 "$TEST_DIR/imap.pw") label=\"Scope imap\" peer=IP=127.0.0.1:[0-9]* service=imap" "$TEST_DIR/slapd.log"
'

test_expect_success '... a scope of two services, and one of imap from here' '
	expect_bind 0 "$(via imap "$ALICE")" "$(cat "$TEST_DIR/mail.pw")"
	expect_bind 0 "$(via smtp "$ALICE")" "$(cat "$TEST_DIR/mail.pw")"
	expect_bind 0 "$(via imap "$ALICE")" "$(cat "$TEST_DIR/imap-here.pw")"
'

# refused_via SERVICE PWFILE REASON: through the service DN the app
# password in PWFILE is refused, and the log says REASON
refused_via() {
	local pw
	pw=$(cat "$TEST_DIR/$2.pw")
	expect_bind_refused "$(via "$1" "$ALICE")" "$pw" || return 1
	grep -q "apppw: BIND dn=\"$ALICE\" refused: $3 id=${pw:0:4}" "$TEST_DIR/slapd.log" ||
		{ echo "not logged: $3 id=${pw:0:4}"; return 1; }
}

test_expect_success 'through the imap DN, refused: another service, no scope, a network-only scope, the wrong network' '
	modify_ldif "$OVERLAY_CONFIG_DN" add olcApppwScope "smtp service=smtp" |
		as_config ldapmodify >/dev/null
	new_app_password "$ALICE" "Scope smtp" scope=smtp >"$TEST_DIR/smtp.pw"
	refused_via imap smtp "the app password'"'"'s scope does not include this service"
	refused_via imap any "the app password has no scope: a service takes only app passwords scoped to it"
	refused_via imap here "the app password'"'"'s scope does not include this service"
	refused_via imap imap-far "the client is outside the app password'"'"'s scope"
'

test_expect_success 'through the imap DN, the password with a right code is refused, and the code is not used up' '
	totp_settle
	code=$(totp "$ALICE_TOTP")
	expect_bind_refused "$(via imap "$ALICE")" "$ALICE_PW$code"
	grep -q "apppw: BIND dn=\"$ALICE\" refused: a service DN takes only app passwords" "$TEST_DIR/slapd.log"
	expect_bind_as "$ALICE" "$ALICE_PW$code"
	expect_bind_refused "$(via imap "$ALICE")" "$ALICE_PW"
'

test_expect_success 'without the component: service-scoped ones refused, the others as before' '
	pw=$(cat "$TEST_DIR/imap.pw")
	expect_bind_refused "$ALICE" "$pw"
	grep -q "apppw: BIND dn=\"$ALICE\" refused: the app password is for a service: bind through its service DN id=${pw:0:4}" "$TEST_DIR/slapd.log"
	expect_bind_refused "$ALICE" "$(cat "$TEST_DIR/mail.pw")"
	expect_bind_as "$ALICE" "$(cat "$TEST_DIR/any.pw")"
	expect_bind_as "$ALICE" "$(cat "$TEST_DIR/here.pw")"
'

test_expect_success 'a plain account through a service DN: its password, as before; never an app password' '
	expect_bind 0 "$(via imap "$BOB")" "$BOB_PW"
	printf "dn:%s\n" "$BOB" | diff -u - "$TEST_DIR/bind.out"
	expect_bind_refused "$(via imap "$BOB")" "wrong"
	expect_bind_refused "$(via imap "$BOB")" "$(cat "$TEST_DIR/imap.pw")"
'

test_expect_success 'the component in any case; a DN of no entry is refused' '
	dn="uid=alice,APPPWSERVICE=IMAP,ou=people,$BASE_DN"
	expect_bind 0 "$dn" "$(cat "$TEST_DIR/imap.pw")"
	printf "dn:%s\n" "$ALICE" | diff -u - "$TEST_DIR/bind.out"
	expect_bind_refused "$(via imap "uid=nobody,ou=people,$BASE_DN")" "$(cat "$TEST_DIR/imap.pw")"
'

# refused_dn DN REASON: a bind to DN is refused, and the log says REASON
refused_dn() {
	expect_bind_refused "$1" "$(cat "$TEST_DIR/imap.pw")" || return 1
	grep -Fq "apppw: BIND dn=\"$1\" refused: $2" "$TEST_DIR/slapd.log" ||
		{ echo "not logged: $2"; return 1; }
}

test_expect_success 'malformed service DNs are refused, and the log says why' '
	refused_dn "uid=alice,apppwService=pop3,ou=people,$BASE_DN" "no apppw-scope names this service"
	refused_dn "uid=alice,apppwService=imap,apppwService=imap,ou=people,$BASE_DN" "the DN names more than one service"
	refused_dn "apppwService=imap,uid=alice,ou=people,$BASE_DN" "a service cannot be the DN'"'"'s first RDN"
	refused_dn "uid=alice,apppwService=imap+ou=x,ou=people,$BASE_DN" "a service must be an RDN of its own"
'

test_expect_success 'a session through a service DN is an app-password session: it may not manage' '
	modify_ldif "$ALICE" replace userPassword x >"$TEST_DIR/mod"
	expect_ldap_error 50 "this session authenticated with an app password" \
		ldapmodify -x -H "$LDAP_URI" -D "$(via imap "$ALICE")" \
		-w "$(cat "$TEST_DIR/imap.pw")" -f "$TEST_DIR/mod"
'

# apppw create refuses a scope not offered before sending (t0168)
test_expect_success 'create: an unknown scope is refused with the server'"'"'s scopes' '
	rc=0
	create_app_password "$ADMIN_DN" "$ADMIN_PW" "target=$ALICE" label=Pop \
		scope=pop3 >"$TEST_DIR/err" || rc=$?
	cat "$TEST_DIR/err"
	test "$rc" = 1
	grep -Fxq "ldap_parse_result: Constraint violation (19)" "$TEST_DIR/err"
	grep -Fq "apppw: scope \"pop3\" is not configured (see apppw-scope in slapo-apppw(5)); this server'"'"'s scopes: imap, mail, imap-here, imap-far, here, smtp" "$TEST_DIR/err"
'

test_expect_success 'scope definitions: a bad service name is refused by cn=config' '
	for bad in "service=IMAP" "service=" "service=imap/x"; do
		modify_ldif "$OVERLAY_CONFIG_DN" add olcApppwScope "bad $bad" >"$TEST_DIR/mod"
		expect_ldap_error 80 "scope \"bad\": service name \"${bad#service=}\": a service must be 1 to 32 of a-z 0-9 _ -, starting with a letter" \
			as_config ldapmodify -f "$TEST_DIR/mod"
	done
	expect_config olcApppwScope "{0}imap service=imap" \
		"{1}mail service=imap service=smtp" \
		"{2}imap-here service=imap 127.0.0.1/32" \
		"{3}imap-far service=imap 192.0.2.0/24" "{4}here 127.0.0.1/32" \
		"{5}smtp service=smtp"
'

test_done
