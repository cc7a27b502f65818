#!/bin/bash
# apppw-key-file: new records are keyed ("b2bk") and need the key to bind;
# without the key, keyed records are refused when written and at bind time.
. "$(dirname "$0")/lib/test-lib.sh"

head -c 32 /dev/urandom >"$TEST_DIR/key"
xxd -p -c 64 "$TEST_DIR/key" >"$TEST_DIR/key.hex"
head -c 32 /dev/urandom >"$TEST_DIR/other-key"
start_slapd "apppw-key-file $TEST_DIR/key"

KEYED_TEXT="apppw: the record is keyed, but no apppw-key-file is configured"

test_expect_success 'with a key file, a new record is keyed (b2bk) and binds' '
	new_app_password "$ALICE" "Keyed" >"$TEST_DIR/keyed.pw"
	pw=$(cat "$TEST_DIR/keyed.pw")
	expect_values "$ALICE" apppwPassword "$pw" <<-EOF
	id=ID1 created=TIME hash=b2bk:HASH label=Keyed
	EOF
	expect_bind 0 "$ALICE" "$pw"
'

test_expect_success 'the extended operation makes keyed records too' '
	create_app_password "$ADMIN_DN" "$ADMIN_PW" "target=$CAROL" label=Made >"$TEST_DIR/made"
	read -r id pw <"$TEST_DIR/made"
	expect_values "$CAROL" apppwPassword "$id" <<-EOF
	id=ID1 created=TIME hash=b2bk:HASH label=Made
	EOF
	expect_bind 0 "$CAROL" "$pw"
'

test_expect_success 'the key file removed from the configuration: the keyed record no longer binds' '
	as_config ldapmodify <<-EOF
	dn: $OVERLAY_CONFIG_DN
	changetype: modify
	delete: olcApppwKeyFile
	EOF
	pw=$(cat "$TEST_DIR/keyed.pw")
	expect_bind 49 "$ALICE" "$pw"
	grep -q "apppw: BIND dn=\"$ALICE\" refused: the record is keyed but no apppw-key-file is configured id=${pw:0:4}" "$TEST_DIR/slapd.log"
'

test_expect_success '... a keyed record may not be written (19), nothing stored' '
	record=$(values "$ALICE" apppwPassword)
	expect_ldap_error 19 "$KEYED_TEXT" as_admin ldapmodify <<-EOF
	dn: $BOB
	changetype: modify
	replace: apppwMFARequired
	apppwMFARequired: TRUE
	-
	add: apppwPassword
	apppwPassword: $record
	EOF
	ldif "$BOB" apppwPassword apppwMFARequired >"$TEST_DIR/bob"
	printf "%s\n" "dn: $BOB" "" >"$TEST_DIR/expected"
	diff -u "$TEST_DIR/expected" "$TEST_DIR/bob"
'

test_expect_success '... a new record is unkeyed (b2b) and binds' '
	new_app_password "$ALICE" "Unkeyed" >"$TEST_DIR/plain.pw"
	pw=$(cat "$TEST_DIR/plain.pw")
	expect_values "$ALICE" apppwPassword "$(cat "$TEST_DIR/keyed.pw")" "$pw" <<-EOF
	id=ID1 created=TIME hash=b2bk:HASH label=Keyed
	id=ID2 created=TIME hash=b2b:HASH label=Unkeyed
	EOF
	expect_bind 0 "$ALICE" "$pw"
'

test_expect_success 'another key: the keyed record is refused as a wrong password' '
	config_set olcApppwKeyFile "$TEST_DIR/other-key"
	pw=$(cat "$TEST_DIR/keyed.pw")
	expect_bind 49 "$ALICE" "$pw"
	grep -q "apppw: BIND dn=\"$ALICE\" refused: wrong app password id=${pw:0:4}" "$TEST_DIR/slapd.log"
	expect_bind 0 "$ALICE" "$(cat "$TEST_DIR/plain.pw")"
'

test_expect_success 'the same key as 64 hex digits: keyed and unkeyed records bind' '
	config_set olcApppwKeyFile "$TEST_DIR/key.hex"
	expect_bind 0 "$ALICE" "$(cat "$TEST_DIR/keyed.pw")"
	expect_bind 0 "$ALICE" "$(cat "$TEST_DIR/plain.pw")"
'

test_expect_success 'the configured key file reads back' '
	expect_config olcApppwKeyFile "$TEST_DIR/key.hex"
'

restart_slapd

test_expect_success 'after a restart the key is read again: keyed records bind' '
	expect_bind 0 "$ALICE" "$(cat "$TEST_DIR/keyed.pw")"
'

test_expect_success 'the log never holds the key' '
	not grep -q "$(cat "$TEST_DIR/key.hex")" "$TEST_DIR/slapd.log"
'

test_done
