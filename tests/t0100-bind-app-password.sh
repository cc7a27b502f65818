#!/bin/bash
# An app password authenticates its MFA-required entry, and nothing else.
. "$(dirname "$0")/lib/test-lib.sh"
start_slapd

test_expect_success 'admin adds an app password with the request form' '
	new_app_password "$ALICE" "Outlook on laptop" >"$TEST_DIR/pw"
	test -s "$TEST_DIR/pw"
'
pw=$(cat "$TEST_DIR/pw")

test_expect_success 'the stored value is a record, not the password' '
	expect_values "$ALICE" apppwPassword "$pw" <<-EOF
	id=ID1 created=TIME hash=b2b:HASH label=Outlook on laptop
	EOF
	values "$ALICE" apppwPassword >"$TEST_DIR/stored"
	not grep "${pw:5:4}" "$TEST_DIR/stored"
'

test_expect_success 'the app password binds as alice' '
	expect_bind_as "$ALICE" "$pw"
'

test_expect_success 'without dashes, in upper case, with spaces' '
	expect_bind 0 "$ALICE" "$(echo "$pw" | tr -d - | tr a-z A-Z)"
	expect_bind 0 "$ALICE" "$(echo "$pw" | tr - " ")"
'

test_expect_success 'the same secret is refused for another MFA entry' '
	expect_bind 49 "$CAROL" "$pw"
'

test_expect_success 'and for a non-MFA entry' '
	expect_bind 49 "$BOB" "$pw"
'

test_expect_success 'a wrong secret with the right id is refused, with no detail' '
	wrong="${pw:0:4}-aaaa-bbbb-cccc-dddd"
	expect_bind_refused "$ALICE" "$wrong"
'

test_expect_success 'the log says why, and never holds a secret' '
	grep -q "apppw: BIND dn=\"uid=alice,ou=people,dc=example,dc=com\" refused: wrong app password id=${pw:0:4}" "$TEST_DIR/slapd.log"
	grep -q "apppw: BIND dn=\"uid=alice,ou=people,dc=example,dc=com\" app password id=${pw:0:4} label=\"Outlook on laptop\" peer=IP=127.0.0.1:" "$TEST_DIR/slapd.log"
	not grep -q "${pw:5:4}-${pw:10:4}" "$TEST_DIR/slapd.log"
	not grep -qi "${pw:5:4}${pw:10:4}" "$TEST_DIR/slapd.log"
'

test_expect_success 'the password alone is refused for the MFA entry' '
	expect_bind 49 "$ALICE" "$ALICE_PW"
	grep -q "refused: password alone" "$TEST_DIR/slapd.log"
'

test_expect_success 'a non-MFA entry binds with its password as before' '
	expect_bind 0 "$BOB" "$BOB_PW"
'

test_expect_success 'last use is recorded' '
	expect_values "$ALICE" apppwLastUsed "$pw" <<-EOF
	ID1 TIME 127.0.0.1
	EOF
'

test_expect_success 'a revoked app password is refused' '
	admin_modify "$ALICE" delete apppwPassword "$(values "$ALICE" apppwPassword)"
	expect_bind 49 "$ALICE" "$pw"
	test -z "$(values "$ALICE" apppwLastUsed)"
'

test_done
