#!/bin/bash
# apppwLastUsed records where an app password was last used from: IPv4,
# IPv6, or "local" over ldapi; apppw list shows it. The address never
# forces a write: within the precision window a use from elsewhere is not
# recorded, and a bind makes at most one write.
. "$(dirname "$0")/lib/test-lib.sh"

PORT2=$(free_port) || bail_out "no free port"
V6_URI="ldap://[::1]:$PORT2"
SLAPD_EXTRA_URLS="$V6_URI"
start_slapd "apppw-lastused-precision 0"

# last_from DN ID: the address part of ID's apppwLastUsed value
last_from() {
	values "$1" apppwLastUsed | sed -n "s/^$2 [0-9]\{14\}Z *//p"
}

# expect_from DN ID FROM: ID's last use is recorded from FROM
expect_from() {
	local got
	got=$(last_from "$1" "$2")
	[ "$got" = "$3" ] && return 0
	echo "last use of $2: expected from \"$3\", got \"$got\""
	values "$1" apppwLastUsed
	return 1
}

test_expect_success 'setup: an app password' '
	new_app_password "$ALICE" "Laptop" >"$TEST_DIR/pw"
'

test_expect_success 'over IPv4: the address' '
	pw=$(cat "$TEST_DIR/pw")
	expect_bind_as "$ALICE" "$pw"
	expect_from "$ALICE" "${pw:0:4}" 127.0.0.1
'

test_expect_success 'over IPv6: the address as inet_ntop writes it' '
	pw=$(cat "$TEST_DIR/pw")
	sleep 1.1
	expect_bind_as "$ALICE" "$pw" "$V6_URI"
	expect_from "$ALICE" "${pw:0:4}" ::1
'

test_expect_success 'over ldapi: local' '
	pw=$(cat "$TEST_DIR/pw")
	sleep 1.1
	expect_bind_as "$ALICE" "$pw" "$LDAPI_URI"
	expect_from "$ALICE" "${pw:0:4}" local
'

test_expect_success 'apppw list shows it (table, tsv, json)' '
	pw=$(cat "$TEST_DIR/pw")
	apppw -x -H "$LDAP_URI" -D "$ADMIN_DN" -w "$ADMIN_PW" list "$ALICE" >"$TEST_DIR/table"
	cat "$TEST_DIR/table"
	grep -Eq "^${pw:0:4}  Laptop  [0-9-]{10} [0-9:]{5}Z  [0-9-]{10} [0-9:]{5}Z  local  never    -\$" "$TEST_DIR/table"
	apppw -x -H "$LDAP_URI" -D "$ADMIN_DN" -w "$ADMIN_PW" list --format tsv "$ALICE" |
		cut -f 1,5 | tail -1 >"$TEST_DIR/tsv"
	printf "%s\tlocal\n" "${pw:0:4}" | diff -u - "$TEST_DIR/tsv"
	apppw -x -H "$LDAP_URI" -D "$ADMIN_DN" -w "$ADMIN_PW" list --format json "$ALICE" |
		/usr/bin/python3 -c "import json, sys; r = json.load(sys.stdin); assert r[0][\"from\"] == \"local\", r"
'

test_expect_success 'a value written before addresses were recorded still reads, as unknown' '
	pw=$(cat "$TEST_DIR/pw")
	modify_ldif "$ALICE" replace apppwLastUsed "${pw:0:4} 20261124190233Z" |
		as_admin ldapmodify -e relax >/dev/null
	apppw -x -H "$LDAP_URI" -D "$ADMIN_DN" -w "$ADMIN_PW" list --format tsv "$ALICE" |
		tail -1 | cut -f 4,5 >"$TEST_DIR/tsv"
	printf "20261124190233Z\t\n" | diff -u - "$TEST_DIR/tsv"
	apppw -x -H "$LDAP_URI" -D "$ADMIN_DN" -w "$ADMIN_PW" list "$ALICE" | tail -1 |
		grep -q "  2026-11-24 19:02Z  -  "
'

test_expect_success 'malformed state is refused, even from the rootdn with Relax (21)' '
	pw=$(cat "$TEST_DIR/pw")
	before=$(values "$ALICE" apppwLastUsed)
	for v in "${pw:0:4} 20261124190233Z 192.0.2.256" "${pw:0:4} 20261124190233Z ::ffff:192.0.2.1" \
			"${pw:0:4} 2026-11-24"; do
		modify_ldif "$ALICE" replace apppwLastUsed "$v" >"$TEST_DIR/mod"
		expect_ldap_error 21 "apppw: malformed apppwLastUsed value: \"ID GeneralizedTime \[address\]\" is expected" \
			as_admin ldapmodify -e relax -f "$TEST_DIR/mod"
	done
	modify_ldif "$ALICE" replace apppwTOTPLastStep "-30" >"$TEST_DIR/mod"
	expect_ldap_error 21 "apppw: malformed apppwTOTPLastStep value: seconds since the epoch are expected" \
		as_admin ldapmodify -e relax -f "$TEST_DIR/mod"
	test "$(values "$ALICE" apppwLastUsed)" = "$before"
'

test_expect_success 'with precision 1h, a use from another address is not written (one write per bind at most)' '
	config_set olcApppwLastUsedPrecision 1h
	pw=$(cat "$TEST_DIR/pw")
	sleep 1.1
	expect_bind_as "$ALICE" "$pw"
	before=$(values "$ALICE" apppwLastUsed)
	expect_from "$ALICE" "${pw:0:4}" 127.0.0.1
	csn=$(as_admin ldapsearch -LLL -b "$ALICE" -s base entryCSN | sed -n "s/^entryCSN: //p")
	expect_bind_as "$ALICE" "$pw" "$V6_URI"
	expect_bind_as "$ALICE" "$pw" "$LDAPI_URI"
	test "$(values "$ALICE" apppwLastUsed)" = "$before"
	test "$(as_admin ldapsearch -LLL -b "$ALICE" -s base entryCSN | sed -n "s/^entryCSN: //p")" = "$csn"
'

test_done
