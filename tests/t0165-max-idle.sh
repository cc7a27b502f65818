#!/bin/bash
# apppw-max-idle: an app password not used for that long is refused; one in
# use never is. apppwExpiry says when each one ends and why, to those who
# may read the records, and apppw list shows it.
. "$(dirname "$0")/lib/test-lib.sh"

start_slapd "apppw-max-idle 30d
apppw-lastused-precision 1h"

DAY=86400
# erin lends her entry to old_record; frank's app passwords have ends
ERIN="uid=erin,ou=people,$BASE_DN"
FRANK="uid=frank,ou=people,$BASE_DN"

add_user erin erin-pw "apppwMFARequired: TRUE" >/dev/null || bail_out "cannot add erin"
add_user frank frank-pw "apppwMFARequired: TRUE" >/dev/null || bail_out "cannot add frank"

# gt OFFSET: GeneralizedTime OFFSET seconds from now
gt() {
	date -u -d "@$(( $(date +%s) + $1 ))" +%Y%m%d%H%M%SZ
}

# gt_after TIME SECONDS: GeneralizedTime SECONDS after GeneralizedTime TIME
gt_after() {
	local t=$1
	t="${t:0:4}-${t:4:2}-${t:6:2} ${t:8:2}:${t:10:2}:${t:12:2} UTC"
	date -u -d "@$(( $(date -u -d "$t" +%s) + $2 ))" +%Y%m%d%H%M%SZ
}

# old_record DN LABEL CREATED [LAST_USED]: an app password created at
# CREATED (a stored record, hashed by the overlay from a request on
# erin's entry) and, if given, last used at LAST_USED (written as the
# overlay would, with the Relax control); prints the password
old_record() {
	local pw hash
	pw=$(new_app_password "$ERIN" template) || return 1
	hash=$(values "$ERIN" apppwPassword | sed -n "s/.* hash=\([^ ]*\) label=template\$/\1/p")
	admin_modify "$ERIN" delete apppwPassword >/dev/null || return 1
	admin_modify "$1" add apppwPassword \
		"id=${pw:0:4} created=$3 hash=$hash label=$2" >/dev/null || return 1
	if [ -n "${4:-}" ]; then
		modify_ldif "$1" add apppwLastUsed "${pw:0:4} $4" |
			as_admin ldapmodify -e relax >/dev/null || return 1
	fi
	echo "$pw"
}

# expect_expiry DN READER_DN READER_PW: apppwExpiry of DN as READER sees
# it equals standard input, sorted
expect_expiry() {
	ldapsearch -x -LLL -o ldif-wrap=no -H "$LDAP_URI" -D "$2" -w "$3" \
		-b "$1" -s base apppwExpiry | sed -n "s/^apppwExpiry: //p" |
		sort >"$TEST_DIR/expiry.read"
	sort | diff -u - "$TEST_DIR/expiry.read"
}

test_expect_success 'setup: an old app password, never used; one last used a day ago' '
	created=$(gt $(( -40 * DAY )))
	used=$(gt $(( -DAY )))
	echo "$created" >"$TEST_DIR/created"
	echo "$used" >"$TEST_DIR/used"
	old_record "$ALICE" "Old tablet" "$created" >"$TEST_DIR/idle.pw"
	old_record "$ALICE" "Daily phone" "$created" "$used" >"$TEST_DIR/daily.pw"
	test "$(values "$ALICE" apppwPassword | wc -l)" = 2
'

test_expect_success 'never used for longer than apppw-max-idle: refused, and logged why' '
	pw=$(cat "$TEST_DIR/idle.pw")
	expect_bind_refused "$ALICE" "$pw"
	grep -q "apppw: BIND dn=\"$ALICE\" refused: the app password was not used for apppw-max-idle id=${pw:0:4}" "$TEST_DIR/slapd.log"
'

test_expect_success 'used within it (a day ago), though created 40 days ago: accepted' '
	expect_bind_as "$ALICE" "$(cat "$TEST_DIR/daily.pw")"
'

test_expect_success 'apppwExpiry: the end of each, for alice herself' '
	idle=$(cut -c1-4 "$TEST_DIR/idle.pw")
	daily=$(cut -c1-4 "$TEST_DIR/daily.pw")
	last=$(values "$ALICE" apppwLastUsed | sed -n "s/^$daily //p")
	test -n "$last"
	expect_expiry "$ALICE" "$ALICE" "$(cat "$TEST_DIR/daily.pw")" <<-EOF
	$idle $(gt_after "$(cat "$TEST_DIR/created")" $(( 30 * DAY ))) max-idle
	$daily $(gt_after "$last" $(( 30 * DAY ))) max-idle
	EOF
'

test_expect_success '... for nobody who may not read the records (bob, anonymous)' '
	expect_expiry "$ALICE" "$BOB" "$BOB_PW" </dev/null
	ldapsearch -x -LLL -H "$LDAP_URI" -b "$ALICE" -s base "+" >"$TEST_DIR/anon" 2>&1 || true
	cat "$TEST_DIR/anon"
	not grep -q apppwExpiry "$TEST_DIR/anon"
'

test_expect_success '... with "+" too, and never stored (slapcat)' '
	as_admin ldapsearch -LLL -b "$ALICE" -s base "+" | grep -c "^apppwExpiry: " >"$TEST_DIR/n"
	test "$(cat "$TEST_DIR/n")" = 2
	slapcat -F "$TEST_DIR/slapd.d" -b "$BASE_DN" >"$TEST_DIR/cat"
	grep -q "^apppwLastUsed: " "$TEST_DIR/cat"
	not grep -q "^apppwExpiry" "$TEST_DIR/cat"
'

test_expect_success 'apppwExpiry cannot be written, not even by the rootdn with Relax' '
	expect_ldap_error 19 "apppwExpiry: no user modification allowed" \
		admin_modify "$ALICE" add apppwExpiry "abcd 20300101000000Z expires"
	modify_ldif "$ALICE" add apppwExpiry "abcd 20300101000000Z expires" >"$TEST_DIR/mod"
	expect_ldap_error 19 "apppwExpiry: no-user-modification attribute not manageable" \
		as_admin ldapmodify -e relax -f "$TEST_DIR/mod"
'

test_expect_success 'the earliest end wins: its own expiry, max-age, max-idle' '
	soon=$(gt $(( 2 * DAY )))
	pw=$(new_app_password "$FRANK" "Expiring" "expires=$soon")
	echo "$pw" >"$TEST_DIR/expiring.pw"
	expect_expiry "$FRANK" "$ADMIN_DN" "$ADMIN_PW" <<-EOF
	${pw:0:4} $soon expires
	EOF
	config_set olcApppwMaxAge 1d
	created=$(values "$FRANK" apppwPassword | sed -n "s/.* created=\([0-9]*Z\) .*/\1/p")
	expect_expiry "$FRANK" "$ADMIN_DN" "$ADMIN_PW" <<-EOF
	${pw:0:4} $(gt_after "$created" $DAY) max-age
	EOF
	config_set olcApppwMaxIdle 1h
	expect_expiry "$FRANK" "$ADMIN_DN" "$ADMIN_PW" <<-EOF
	${pw:0:4} $(gt_after "$created" 3600) max-idle
	EOF
	config_set olcApppwMaxAge 0
	config_set olcApppwMaxIdle 30d
'

test_expect_success 'apppw list: the end and its reason, "expired" once past (table)' '
	apppw -x -H "$LDAP_URI" -D "$ADMIN_DN" -w "$ADMIN_PW" list "$ALICE" \
		>"$TEST_DIR/list" 2>"$TEST_DIR/list.err"
	cat "$TEST_DIR/list" "$TEST_DIR/list.err"
	idle=$(cut -c1-4 "$TEST_DIR/idle.pw")
	daily=$(cut -c1-4 "$TEST_DIR/daily.pw")
	grep -Eq "^$idle  Old tablet .* expired [0-9-]{10} [0-9:]{5}Z max-idle  -\$" "$TEST_DIR/list"
	grep -Eq "^$daily  Daily phone .*  [0-9-]{10} [0-9:]{5}Z max-idle +-\$" "$TEST_DIR/list"
	not grep -q "^$daily .*expired" "$TEST_DIR/list"
'

test_expect_success 'apppw list: tsv and json say expires_by and expired' '
	idle=$(cut -c1-4 "$TEST_DIR/idle.pw")
	apppw -x -H "$LDAP_URI" -D "$ADMIN_DN" -w "$ADMIN_PW" list --format tsv "$ALICE" \
		>"$TEST_DIR/list.tsv"
	cat "$TEST_DIR/list.tsv"
	grep -q "^$idle	Old tablet	.*	max-idle	yes\$" "$TEST_DIR/list.tsv"
	apppw -x -H "$LDAP_URI" -D "$ADMIN_DN" -w "$ADMIN_PW" list --format json "$ALICE" \
		>"$TEST_DIR/list.json"
	/usr/bin/python3 - "$TEST_DIR/list.json" "$idle" <<-\EOF
	import json, sys
	rows = {r["id"]: r for r in json.load(open(sys.argv[1]))}
	r = rows[sys.argv[2]]
	assert r["expires_by"] == "max-idle" and r["expired"] is True, r
	assert all(x["expired"] is False for i, x in rows.items() if i != sys.argv[2]), rows
	EOF
'

# An app password in use is recorded at least once per half of
# apppw-max-idle, whatever apppw-lastused-precision says: used every
# second, with max-idle 4 s, it is never refused; left alone, it is.
test_expect_success 'in use, never refused as idle although precision is 1h' '
	config_set olcApppwMaxIdle 4
	pw=$(new_app_password "$ERIN" "Busy")
	for i in 1 2 3 4 5 6 7 8; do
		expect_bind_as "$ERIN" "$pw"
		sleep 1
	done
	echo "$pw" >"$TEST_DIR/busy.pw"
'

test_expect_success '... and left alone for longer than max-idle, refused' '
	pw=$(cat "$TEST_DIR/busy.pw")
	last=$(values "$ERIN" apppwLastUsed | sed -n "s/^${pw:0:4} //p")
	until [ "$(gt 0)" \> "$(gt_after "$last" 4)" ]; do sleep 0.5; done
	expect_bind_refused "$ERIN" "$pw"
	grep -q "refused: the app password was not used for apppw-max-idle id=${pw:0:4}" "$TEST_DIR/slapd.log"
'

test_expect_success 'max-idle 0 (no limit): the idle ones bind again' '
	config_set olcApppwMaxIdle 0
	expect_bind_as "$ALICE" "$(cat "$TEST_DIR/idle.pw")"
	expect_bind_as "$ERIN" "$(cat "$TEST_DIR/busy.pw")"
'

test_done
