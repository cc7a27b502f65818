#!/bin/bash
# A restart keeps everything: records, last use, the TOTP step (a replayed
# code stays refused), and settings changed through cn=config.
. "$(dirname "$0")/lib/test-lib.sh"
start_slapd "apppw-max-count 7"

test_expect_success 'setup: an app password, used; a password+TOTP bind' '
	new_app_password "$ALICE" "Phone" >"$TEST_DIR/app.pw"
	new_app_password "$ALICE" "Tablet" "expires=20991231000000Z" >/dev/null
	expect_bind 0 "$ALICE" "$(cat "$TEST_DIR/app.pw")"
	totp_settle 30 15
	totp "$ALICE_TOTP" >"$TEST_DIR/code"
	expect_bind 0 "$ALICE" "$ALICE_PW$(cat "$TEST_DIR/code")"
	test -n "$(values "$ALICE" apppwLastUsed)"
	test -n "$(values "$ALICE" apppwTOTPLastStep)"
'

test_expect_success 'setup: settings changed through cn=config' '
	as_config ldapmodify <<-EOF
	dn: $OVERLAY_CONFIG_DN
	changetype: modify
	replace: olcApppwMaxCount
	olcApppwMaxCount: 3
	-
	replace: olcApppwTOTPWindow
	olcApppwTOTPWindow: 2
	-
	replace: olcApppwLastUsedPrecision
	olcApppwLastUsedPrecision: 10m
	-
	add: olcApppwScope
	olcApppwScope: mail 192.0.2.25
	olcApppwScope: local 127.0.0.1
	EOF
'

ldif "$ALICE" apppwPassword apppwLastUsed apppwTOTPLastStep >"$TEST_DIR/entry.before"
overlay_ldif >"$TEST_DIR/config.before"

test_expect_success 'restart' '
	cat "$TEST_DIR/entry.before" "$TEST_DIR/config.before"
	grep -q "^olcApppwScope: {1}local 127.0.0.1\$" "$TEST_DIR/config.before"
	grep -q "^apppwTOTPLastStep: " "$TEST_DIR/entry.before"
	grep -q "^apppwLastUsed: " "$TEST_DIR/entry.before"
'
restart_slapd

test_expect_success 'records, last use and TOTP step are as they were' '
	ldif "$ALICE" apppwPassword apppwLastUsed apppwTOTPLastStep >"$TEST_DIR/entry.after"
	diff -u "$TEST_DIR/entry.before" "$TEST_DIR/entry.after"
'

test_expect_success 'the cn=config settings are as they were' '
	# a replace moves an attribute to the end of the entry: their order
	# is not significant
	overlay_ldif >"$TEST_DIR/config.after"
	diff -u <(sort "$TEST_DIR/config.before") <(sort "$TEST_DIR/config.after")
'

test_expect_success 'the app password still binds' '
	expect_bind_as "$ALICE" "$(cat "$TEST_DIR/app.pw")"
'

test_expect_success 'the code used before the restart is still refused' '
	expect_bind 49 "$ALICE" "$ALICE_PW$(cat "$TEST_DIR/code")"
	grep -q -E "apppw: BIND dn=\"$ALICE\" refused: (replayed TOTP code|wrong or out-of-window TOTP code)" "$TEST_DIR/slapd.log"
'

test_expect_success 'a newer code is accepted' '
	expect_bind 0 "$ALICE" "$ALICE_PW$(totp "$ALICE_TOTP" 1)"
'

test_expect_success 'the window set through cn=config holds: two steps ahead is accepted' '
	expect_bind 0 "$ALICE" "$ALICE_PW$(totp "$ALICE_TOTP" 2)"
'

test_expect_success 'the scopes added through cn=config hold' '
	pw=$(new_app_password "$CAROL" "Mail server" scope=local)
	expect_bind 0 "$CAROL" "$pw"
'

test_expect_success 'the max count set through cn=config holds (3)' '
	expect_ldap_error 19 "apppw: an entry may hold at most 3 app passwords" \
		admin_modify "$ALICE" add apppwPassword "password=$(app_password_string) label=Two" \
			"password=$(app_password_string) label=Three"
'

# a second restart from slapd.d alone, the slapd.conf it came from gone
overlay_ldif >"$TEST_DIR/config.before"
mv "$TEST_DIR/slapd.conf" "$TEST_DIR/slapd.conf.orig"
: >"$TEST_DIR/slapd.conf"
restart_slapd

test_expect_success 'a second restart, from slapd.d alone: the same settings' '
	overlay_ldif >"$TEST_DIR/config.after"
	diff -u "$TEST_DIR/config.before" "$TEST_DIR/config.after"
	expect_bind 0 "$ALICE" "$(cat "$TEST_DIR/app.pw")"
'

test_done
