#!/bin/bash
# apppw mfa status and mfa disable, by the user in a password+TOTP session
# and by an administrator; after disable the password alone binds again.
# Also: an administrator enrols an entry that lacks the apppwUser class.
. "$(dirname "$0")/lib/test-lib.sh"
. "$(dirname "$0")/lib/tool-lib.sh"
start_slapd

GOLDEN="$TEST_ROOT/data"
Q="'"
FRANK="uid=frank,ou=people,$BASE_DN"
FRANK_PW="frank-pw"

as_alice() {
	run_tool "$1" -x -H "$LDAP_URI" -D "$ALICE" -w "$ALICE_PW$(code "$ALICE_TOTP")" "${@:2}"
}

as_root() {
	run_tool "$1" -x -H "$LDAP_URI" -D "$ADMIN_DN" -w "$ADMIN_PW" "${@:2}"
}

# status DN REQUIRED TOTP COUNT [RECOVERY]: the expected report of mfa
# status; RECOVERY defaults to "0 left" (the fixtures have none)
status() {
	printf "%s\n  MFA required:   %s\n  TOTP enrolled:  %s\n  Recovery codes: %s\n  App passwords:  %s\n" \
		"$1" "$2" "$3" "${5:-0 left}" "$4"
}

test_expect_success 'setup: alice and carol have two app passwords each' '
	for u in "$ALICE" "$CAROL"; do
		new_app_password "$u" Laptop >>"$TEST_DIR/pw.$(echo "$u" | cut -c5-9)"
		new_app_password "$u" Phone >>"$TEST_DIR/pw.$(echo "$u" | cut -c5-9)"
	done
	test "$(wc -l <"$TEST_DIR/pw.alice")" = 2
	expect_bind 0 "$ALICE" "$(head -1 "$TEST_DIR/pw.alice")"
	test -n "$(values "$ALICE" apppwLastUsed)"
'

test_expect_success 'mfa status, alice herself (password+code)' '
	as_alice 0 mfa status
	test ! -s "$TEST_DIR/tool.err"
	# the ACLs give her no compare on her own secret
	status "$ALICE" yes "unknown (not readable)" 2 | diff -u - "$TEST_DIR/tool.out"
'

test_expect_success 'mfa status, alice with an app password' '
	run_tool 0 -x -H "$LDAP_URI" -D "$ALICE" -w "$(head -1 "$TEST_DIR/pw.alice")" mfa status
	status "$ALICE" yes "unknown (not readable)" 2 | diff -u - "$TEST_DIR/tool.out"
'

test_expect_success 'mfa status as the admin, for alice and for bob' '
	as_root 0 mfa status "$ALICE"
	status "$ALICE" yes yes 2 | diff -u - "$TEST_DIR/tool.out"
	as_root 0 mfa status "$BOB"
	status "$BOB" no no 0 | diff -u - "$TEST_DIR/tool.out"
'

test_expect_success 'SASL EXTERNAL over ldapi: an identity that is no entry needs a DN (2)' '
	run_tool 2 -Y EXTERNAL -H "$LDAPI_URI" mfa status
	test "$(cat "$TEST_DIR/tool.err")" = "apppw: bound as \"dn:gidNumber=$(id -g)+uidNumber=$(id -u),cn=peercred,cn=external,cn=auth\", which is not an entry: give the entry${Q}s DN"
	run_tool 0 -Y EXTERNAL -H "$LDAPI_URI" mfa status "$BOB"
	head -1 "$TEST_DIR/tool.out" | grep -qx "$BOB"
'

test_expect_success 'alice cannot disable MFA herself: the flag is the administrators'"'"' (exit 1)' '
	ldif "$ALICE" apppwMFARequired apppwTOTPSecret apppwPassword >"$TEST_DIR/alice.before"
	as_alice 1 mfa disable
	test ! -s "$TEST_DIR/tool.out"
	test "$(cat "$TEST_DIR/tool.err")" = "apppw: modifying $ALICE: Insufficient access (50)"
	ldif "$ALICE" apppwMFARequired apppwTOTPSecret apppwPassword |
		diff -u "$TEST_DIR/alice.before" -
'

test_expect_success 'mfa disable by the admin, for alice' '
	as_root 0 mfa disable "$ALICE"
	printf "MFA is no longer required for %s.\nRemoved the TOTP secret.\nRevoked 2 app passwords.\n" \
		"$ALICE" | diff -u - "$TEST_DIR/tool.err"
'

test_expect_success 'the secret and the records are gone, the flag is FALSE' '
	test "$(values "$ALICE" apppwMFARequired)" = FALSE
	test -z "$(values "$ALICE" apppwTOTPSecret)"
	test -z "$(values "$ALICE" apppwPassword)"
	test -z "$(values "$ALICE" apppwLastUsed)"
	as_root 0 mfa status "$ALICE"
	status "$ALICE" no no 0 | diff -u - "$TEST_DIR/tool.out"
'

test_expect_success 'the password alone binds again; the app passwords do not' '
	expect_bind 0 "$ALICE" "$ALICE_PW"
	expect_bind 49 "$ALICE" "$(head -1 "$TEST_DIR/pw.alice")"
	expect_bind 49 "$ALICE" "$(tail -1 "$TEST_DIR/pw.alice")"
	expect_bind 49 "$ALICE" "$ALICE_PW$(totp "$ALICE_TOTP")"
'

test_expect_success 'disable again: not MFA-enabled, exit 1, nothing changed' '
	ldif "$ALICE" "*" "+" >"$TEST_DIR/alice.before"
	run_tool 1 -x -H "$LDAP_URI" -D "$ALICE" -w "$ALICE_PW" mfa disable
	test "$(cat "$TEST_DIR/tool.err")" = "apppw: $ALICE does not have MFA enabled: nothing to disable"
	ldif "$ALICE" "*" "+" | diff -u "$TEST_DIR/alice.before" -
	run_tool 1 -x -H "$LDAP_URI" -D "$ADMIN_DN" -w "$ADMIN_PW" mfa disable "$BOB"
	test "$(cat "$TEST_DIR/tool.err")" = "apppw: $BOB does not have MFA enabled: nothing to disable"
'

test_expect_success 'mfa disable by the admin, for carol' '
	as_root 0 mfa disable "$CAROL"
	test ! -s "$TEST_DIR/tool.out"
	diff -u "$GOLDEN/t0330-disable-admin.err" "$TEST_DIR/tool.err"
	test "$(values "$CAROL" apppwMFARequired)" = FALSE
	test -z "$(values "$CAROL" apppwTOTPSecret)"
	test -z "$(values "$CAROL" apppwPassword)"
	expect_bind 0 "$CAROL" "$CAROL_PW"
	expect_bind 49 "$CAROL" "$(head -1 "$TEST_DIR/pw.carol")"
'

test_expect_success 'the admin enrols frank, whose entry lacks apppwUser' '
	as_admin ldapadd <<-EOF
	dn: $FRANK
	objectClass: inetOrgPerson
	uid: frank
	cn: Frank
	sn: Frank
	userPassword: $FRANK_PW
	EOF
	rc=0
	( i=0
	  while [ ! -s "$TEST_DIR/frank.key" ] && [ $i -lt 100 ]; do
		sleep 0.1; i=$((i + 1))
	  done
	  totp_settle 30 3
	  totp "$(cat "$TEST_DIR/frank.key")" ) |
		apppw -x -H "$LDAP_URI" -D "$ADMIN_DN" -w "$ADMIN_PW" mfa enroll \
			--secret-file "$TEST_DIR/frank.key" --code - "$FRANK" \
			>"$TEST_DIR/tool.out" 2>"$TEST_DIR/tool.err" || rc=$?
	cat "$TEST_DIR/tool.err"
	test "$rc" = 0
	# the recovery codes the server made for frank
	test "$(grep -Ecx "[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){4}" "$TEST_DIR/tool.out")" = 10
	test "$(wc -l <"$TEST_DIR/tool.out")" = 10
	diff -u "$GOLDEN/t0330-enrol-other.err" "$TEST_DIR/tool.err"
	ldif "$FRANK" objectClass | grep -qx "objectClass: apppwUser"
	test "$(values "$FRANK" apppwMFARequired)" = TRUE
	test "$(values "$FRANK" apppwTOTPSecret)" = "$(cat "$TEST_DIR/frank.key")"
	expect_bind 49 "$FRANK" "$FRANK_PW"
	expect_bind 0 "$FRANK" "$FRANK_PW$(code "$(cat "$TEST_DIR/frank.key")")"
'

test_expect_success 'frank cannot disable it himself; mfa status shows it on' '
	frank_totp=$(cat "$TEST_DIR/frank.key")
	run_tool 1 -x -H "$LDAP_URI" -D "$FRANK" -w "$FRANK_PW$(code "$frank_totp")" mfa disable
	grep -q "Insufficient access (50)" "$TEST_DIR/tool.err"
	run_tool 0 -x -H "$LDAP_URI" -D "$FRANK" -w "$FRANK_PW$(code "$frank_totp")" mfa status
	status "$FRANK" yes "unknown (not readable)" 0 "10 left" | diff -u - "$TEST_DIR/tool.out"
	test "$(values "$FRANK" apppwTOTPSecret)" = "$frank_totp"
'

test_done
