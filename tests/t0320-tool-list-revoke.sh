#!/bin/bash
# apppw create (as an administrator, for another entry, with an expiry and
# a scope), list in its three formats, and revoke: several ids at once, any
# case, --all.
. "$(dirname "$0")/lib/test-lib.sh"
start_slapd "apppw-scope mail 127.0.0.1"

GOLDEN="$TEST_ROOT/data"
LABEL1="Outlook on laptop"
LABEL2="iPhone"
LABEL3='Büro <PC> & 1'

admin_apppw() {
	apppw -x -H "$LDAP_URI" -D "$ADMIN_DN" -w "$ADMIN_PW" "$@"
}

# ids: the sed script that names the three ids ID-1 ID-2 ID-3 in output
ids() {
	local i
	for i in 1 2 3; do
		printf 's/%s/ID-%s/g;' "$(cut -c1-4 "$TEST_DIR/pw$i")" "$i"
	done
}

test_expect_success 'the admin creates three app passwords for alice' '
	admin_apppw create --label "$LABEL1" --expires 2099-12-31 "$ALICE" >"$TEST_DIR/pw1"
	sleep 1
	admin_apppw create --label "$LABEL2" --scope mail --expires 20980101120000Z \
		"$ALICE" >"$TEST_DIR/pw2"
	sleep 1
	admin_apppw create --label "$LABEL3" "$ALICE" >"$TEST_DIR/pw3" 2>"$TEST_DIR/pw3.err"
	cat "$TEST_DIR"/pw? "$TEST_DIR/pw3.err"
	for i in 1 2 3; do
		grep -Eqx "[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){4}" "$TEST_DIR/pw$i"
	done
	grep -Fqx "App password \"$LABEL3\" (id $(cut -c1-4 "$TEST_DIR/pw3")) created for $ALICE." \
		"$TEST_DIR/pw3.err"
	test "$(ldif "$ALICE" apppwPassword | grep -c "^apppwPassword:")" = 3
'

test_expect_success 'the records hold what was asked for' '
	expect_values "$ALICE" apppwPassword $(cat "$TEST_DIR"/pw[123]) <<-EOF
	id=ID1 created=TIME expires=20991231235959Z hash=b2b:HASH label=$LABEL1
	id=ID2 created=TIME expires=20980101120000Z scope=mail hash=b2b:HASH label=$LABEL2
	id=ID3 created=TIME hash=b2b:HASH label=$LABEL3
	EOF
'

test_expect_success 'each binds as alice; the scoped one from 127.0.0.1' '
	for i in 1 2 3; do
		expect_bind 0 "$ALICE" "$(cat "$TEST_DIR/pw$i")"
	done
'

test_expect_success 'a relative expiry: --expires 12h' '
	admin_apppw create --label Soon --expires 12h "$CAROL" >"$TEST_DIR/soon"
	exp=$(values "$CAROL" apppwPassword | sed -n "s/.* expires=\([0-9]\{14\}Z\) .*/\1/p")
	echo "$exp"
	lo=$(date -u -d "+719 minutes" +%Y%m%d%H%M%SZ)
	hi=$(date -u -d "+721 minutes" +%Y%m%d%H%M%SZ)
	[[ ! "$exp" < "$lo" && ! "$exp" > "$hi" ]]
'

test_expect_success 'list (table): oldest first, aligned, last use shown' '
	admin_apppw list "$ALICE" >"$TEST_DIR/list.table"
	cat "$TEST_DIR/list.table"
	# created and last used are now; the expiries were given
	t="[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}Z"
	sed -E "$(ids); 2,\$ { s/$t/YYYY-MM-DD HH:MMZ/; s/  $t/  YYYY-MM-DD HH:MMZ/; }" \
		"$TEST_DIR/list.table" | diff -u "$GOLDEN/t0320-list.table" -
'

test_expect_success 'list --format tsv' '
	admin_apppw list --format tsv "$ALICE" >"$TEST_DIR/list.tsv"
	cat "$TEST_DIR/list.tsv"
	sed -E "$(ids); s/\t[0-9]{14}Z\t[0-9]{14}Z\t/\tCREATED\tUSED\t/" "$TEST_DIR/list.tsv" |
		diff -u "$GOLDEN/t0320-list.tsv" -
'

test_expect_success 'list --format json: valid, escaped, the same facts' '
	admin_apppw list --format json "$ALICE" >"$TEST_DIR/list.json"
	cat "$TEST_DIR/list.json"
	python3 - "$TEST_DIR/list.json" "$LABEL1" "$LABEL2" "$LABEL3" \
		"$(cut -c1-4 "$TEST_DIR/pw1")" "$(cut -c1-4 "$TEST_DIR/pw2")" \
		"$(cut -c1-4 "$TEST_DIR/pw3")" <<-\EOF
	import json, re, sys
	f, l1, l2, l3, i1, i2, i3 = sys.argv[1:]
	rows = json.load(open(f, encoding="utf-8"))
	t = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
	assert [r["id"] for r in rows] == [i1, i2, i3], rows
	assert [r["label"] for r in rows] == [l1, l2, l3], rows
	assert [r["expires"] for r in rows] == \
	    ["2099-12-31T23:59:59Z", "2098-01-01T12:00:00Z", None], rows
	assert [r["scope"] for r in rows] == [None, "mail", None], rows
	assert [r["expires_by"] for r in rows] == ["expires", "expires", None], rows
	assert [r["expired"] for r in rows] == [False, False, False], rows
	for r in rows:
	    assert sorted(r) == sorted(["id", "label", "created", "last_used",
	                                "from", "expires", "scope",
	                                "expires_by", "expired"]), r
	    assert r["from"] == "127.0.0.1", r
	    assert t.match(r["created"]) and t.match(r["last_used"]), r
	EOF
'

test_expect_success 'revoke two ids at once, one typed in upper case' '
	id1=$(cut -c1-4 "$TEST_DIR/pw1")
	id3=$(cut -c1-4 "$TEST_DIR/pw3")
	rc=0
	admin_apppw revoke "$(echo "$id1" | tr a-z A-Z)" "$ALICE" "$id3" \
		>"$TEST_DIR/revoke.out" 2>"$TEST_DIR/revoke.err" || rc=$?
	cat "$TEST_DIR/revoke.out" "$TEST_DIR/revoke.err"
	test "$rc" = 0
	test ! -s "$TEST_DIR/revoke.out"
	printf "Revoked %s \"%s\".\n" "$id1" "$LABEL1" "$id3" "$LABEL3" |
		diff -u - "$TEST_DIR/revoke.err"
	values "$ALICE" apppwPassword >"$TEST_DIR/left"
	test "$(wc -l <"$TEST_DIR/left")" = 1
	grep -q "^id=$(cut -c1-4 "$TEST_DIR/pw2") " "$TEST_DIR/left"
	expect_bind 49 "$ALICE" "$(cat "$TEST_DIR/pw1")"
	expect_bind 49 "$ALICE" "$(cat "$TEST_DIR/pw3")"
	expect_bind 0 "$ALICE" "$(cat "$TEST_DIR/pw2")"
'

test_expect_success 'the last uses of the revoked ones are gone with them' '
	values "$ALICE" apppwLastUsed >"$TEST_DIR/used"
	cat "$TEST_DIR/used"
	test "$(wc -l <"$TEST_DIR/used")" = 1
	grep -q "^$(cut -c1-4 "$TEST_DIR/pw2") " "$TEST_DIR/used"
'

test_expect_success 'revoke --all; again, an entry without any is no error' '
	admin_apppw revoke --all "$ALICE" >"$TEST_DIR/all.out" 2>"$TEST_DIR/all.err"
	test ! -s "$TEST_DIR/all.out"
	test "$(cat "$TEST_DIR/all.err")" = "Revoked 1 app password of $ALICE."
	test -z "$(values "$ALICE" apppwPassword)"
	expect_bind 49 "$ALICE" "$(cat "$TEST_DIR/pw2")"
	admin_apppw revoke --all "$ALICE" >"$TEST_DIR/all.out" 2>"$TEST_DIR/all.err"
	test ! -s "$TEST_DIR/all.out"
	test "$(cat "$TEST_DIR/all.err")" = "$ALICE has no app passwords."
'

test_expect_success 'list of an entry without any: tsv header only, json []' '
	admin_apppw list --format tsv "$ALICE" >"$TEST_DIR/none.tsv"
	printf "id\tlabel\tcreated\tlast_used\tfrom\texpires\tscope\texpires_by\texpired\n" | diff -u - "$TEST_DIR/none.tsv"
	test "$(admin_apppw list --format json "$ALICE")" = "[]"
'

test_done
