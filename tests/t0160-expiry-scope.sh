#!/bin/bash
# Expired, too old and out-of-scope app passwords are refused; scoped ones
# are accepted from inside their scope, unscoped ones from anywhere.
. "$(dirname "$0")/lib/test-lib.sh"

# Two more listeners on a second port: [::1] and 127.0.0.2. The clients of
# 127.0.0.2 come from 127.0.0.1, so that one is told apart by its URL.
PORT2=$(free_port) || bail_out "no free port"
V6_URI="ldap://[::1]:$PORT2"
SECOND_URI="ldap://127.0.0.2:$PORT2"
SLAPD_EXTRA_URLS="$V6_URI $SECOND_URI"
start_slapd "apppw-scope local 127.0.0.1/32
apppw-scope v6 ::1/128
apppw-scope second $SECOND_URI"

# gt OFFSET: GeneralizedTime OFFSET seconds from now
gt() {
	date -u -d "@$(( $(date +%s) + $1 ))" +%Y%m%d%H%M%SZ
}

# add_record DN VALUE: add one apppwPassword value as rootdn
add_record() {
	admin_modify "$1" add apppwPassword "$2" >/dev/null
}

test_expect_success 'the listeners answer' '
	expect_bind 0 "$BOB" "$BOB_PW" "$V6_URI"
	expect_bind 0 "$BOB" "$BOB_PW" "$SECOND_URI"
	grep -q "ACCEPT from IP=\[::1\]:" "$TEST_DIR/slapd.log"
'

test_expect_success 'an app password that expires in 5 s works now' '
	pw=$(app_password_string)
	echo "$pw" >"$TEST_DIR/expiring.pw"
	expires=$(gt 5)
	echo "$expires" >"$TEST_DIR/expiring.time"
	add_record "$ALICE" "expires=$expires password=$pw label=Short lived"
	expect_values "$ALICE" apppwPassword "$pw" <<-EOF
	id=ID1 created=TIME expires=$expires hash=b2b:HASH label=Short lived
	EOF
	expect_bind 0 "$ALICE" "$pw"
'

test_expect_success '... and is refused once it has expired' '
	pw=$(cat "$TEST_DIR/expiring.pw")
	expires=$(cat "$TEST_DIR/expiring.time")
	until [ "$(date -u +%Y%m%d%H%M%SZ)" \> "$expires" ]; do sleep 0.5; done
	expect_bind_refused "$ALICE" "$pw"
	grep -q "apppw: BIND dn=\"$ALICE\" refused: the app password has expired id=${pw:0:4}" "$TEST_DIR/slapd.log"
'

test_expect_success 'an old record (created 2020) binds while there is no max age' '
	pw=$(app_password_string)
	echo "$pw" >"$TEST_DIR/old.pw"
	add_record "$CAROL" "password=$pw label=Template"
	hash=$(values "$CAROL" apppwPassword | sed -n "s/.* hash=\([^ ]*\) .*/\1/p")
	add_record "$ALICE" "id=${pw:0:4} created=20200101000000Z hash=$hash label=Old phone"
	expect_bind 0 "$ALICE" "$pw"
'

test_expect_success 'apppw-max-age 365d through cn=config: the old record is refused' '
	config_set olcApppwMaxAge 365d
	pw=$(cat "$TEST_DIR/old.pw")
	expect_bind 49 "$ALICE" "$pw"
	grep -q "apppw: BIND dn=\"$ALICE\" refused: the app password is older than apppw-max-age id=${pw:0:4}" "$TEST_DIR/slapd.log"
'

test_expect_success '... while a new one still binds' '
	pw=$(new_app_password "$ALICE" "New phone")
	expect_bind 0 "$ALICE" "$pw"
'

test_expect_success 'max age back to 0 (no limit): the old record binds again' '
	config_set olcApppwMaxAge 0
	expect_bind 0 "$ALICE" "$(cat "$TEST_DIR/old.pw")"
'

test_expect_success 'setup: scoped records v6, local, second and one unscoped' '
	for s in v6 local second; do
		new_app_password "$ALICE" "Scoped $s" "scope=$s" >"$TEST_DIR/$s.pw"
	done
	new_app_password "$ALICE" "Anywhere" >"$TEST_DIR/any.pw"
	values "$ALICE" apppwPassword | grep -c " scope=[a-z0-9]* hash=" >"$TEST_DIR/n"
	test "$(cat "$TEST_DIR/n")" = 3
'

test_expect_success 'scope v6 (::1/128): refused from 127.0.0.1, accepted over [::1]' '
	pw=$(cat "$TEST_DIR/v6.pw")
	expect_bind 49 "$ALICE" "$pw" "$LDAP_URI"
	grep -q "apppw: BIND dn=\"$ALICE\" refused: the client is outside the app password.s scope id=${pw:0:4}" "$TEST_DIR/slapd.log"
	expect_bind_as "$ALICE" "$pw" "$V6_URI"
	grep -q "apppw: BIND dn=\"$ALICE\" app password id=${pw:0:4} label=\"Scoped v6\" peer=IP=\[::1\]:" "$TEST_DIR/slapd.log"
'

test_expect_success 'scope local (127.0.0.1/32): accepted from 127.0.0.1, refused over [::1]' '
	pw=$(cat "$TEST_DIR/local.pw")
	expect_bind 0 "$ALICE" "$pw" "$LDAP_URI"
	expect_bind 49 "$ALICE" "$pw" "$V6_URI"
'

test_expect_success 'scope second (a listener URL): accepted on that listener alone' '
	pw=$(cat "$TEST_DIR/second.pw")
	expect_bind 0 "$ALICE" "$pw" "$SECOND_URI"
	expect_bind 49 "$ALICE" "$pw" "$LDAP_URI"
	expect_bind 49 "$ALICE" "$pw" "$V6_URI"
'

test_expect_success 'an unscoped record is accepted from every client' '
	pw=$(cat "$TEST_DIR/any.pw")
	expect_bind 0 "$ALICE" "$pw" "$LDAP_URI"
	expect_bind 0 "$ALICE" "$pw" "$V6_URI"
	expect_bind 0 "$ALICE" "$pw" "$SECOND_URI"
'

test_expect_success 'a scope removed through cn=config: its records are refused everywhere' '
	as_config ldapmodify <<-EOF
	dn: $OVERLAY_CONFIG_DN
	changetype: modify
	delete: olcApppwScope
	olcApppwScope: {1}v6 ::1/128
	EOF
	expect_config olcApppwScope "{0}local 127.0.0.1/32" "{1}second $SECOND_URI"
	pw=$(cat "$TEST_DIR/v6.pw")
	expect_bind 49 "$ALICE" "$pw" "$V6_URI"
	grep -q "apppw: BIND dn=\"$ALICE\" refused: the app password.s scope is not configured id=${pw:0:4}" "$TEST_DIR/slapd.log"
	expect_bind 0 "$ALICE" "$(cat "$TEST_DIR/local.pw")"
'

test_expect_success 'a new scope added through cn=config: its records may be written and used' '
	expect_ldap_error 19 "apppw: scope \"v6b\" is not configured" \
		add_record "$CAROL" "scope=v6b password=$(app_password_string) label=Carol v6"
	as_config ldapmodify <<-EOF
	dn: $OVERLAY_CONFIG_DN
	changetype: modify
	add: olcApppwScope
	olcApppwScope: v6b ::/0
	EOF
	pw=$(new_app_password "$CAROL" "Carol v6" "scope=v6b")
	expect_bind 0 "$CAROL" "$pw" "$V6_URI"
	expect_bind 49 "$CAROL" "$pw" "$LDAP_URI"
'

test_done
