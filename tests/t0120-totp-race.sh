#!/bin/bash
# Twenty binds racing with one password + TOTP code: exactly one gets in.
# Twenty racing with one app password: all get in, one last use is kept.
. "$(dirname "$0")/lib/test-lib.sh"
start_slapd

N=20

# race DN CREDENTIALS: N simple binds at once; their results, counted
race() {
	at_once $N ldapwhoami -x -H "$LDAP_URI" -D "$1" -w "$2"
}

test_expect_success "$N concurrent binds with one code: one succeeds, $((N - 1)) get 49" '
	totp_settle 30 10
	race "$ALICE" "$ALICE_PW$(totp "$ALICE_TOTP")" >"$TEST_DIR/counts"
	printf "%s\n" "1 0" "$((N - 1)) 49" >"$TEST_DIR/expected"
	diff -u "$TEST_DIR/expected" "$TEST_DIR/counts"
'

test_expect_success 'the one that got in is alice, the others were told nothing more' '
	cat "$TEST_DIR/at-once/"*.out | sort | uniq -c | sed "s/^ *//" >"$TEST_DIR/outs"
	printf "%s\n" "$((N - 1)) ldap_bind: Invalid credentials (49)" \
		"1 dn:$ALICE" | sort >"$TEST_DIR/expected"
	diff -u "$TEST_DIR/expected" "$TEST_DIR/outs"
'

test_expect_success 'slapd saw all of them' '
	test "$(grep -c "BIND dn=\"$ALICE\" method=128\$" "$TEST_DIR/slapd.log")" = $N
'

test_expect_success 'the refusals were the replay check or the lost write, nothing else' '
	grep "apppw: BIND dn=\"$ALICE\"" "$TEST_DIR/slapd.log" |
		sed "s/.*apppw: //" | sort | uniq -c | sed "s/^ *//; s/step at [0-9]*/step at S/" >"$TEST_DIR/reasons"
	cat "$TEST_DIR/reasons"
	grep -q "^1 BIND dn=\"$ALICE\" password and TOTP code, step at S, peer=IP=127.0.0.1:" "$TEST_DIR/reasons"
	test "$(grep -v "password and TOTP code" "$TEST_DIR/reasons" |
		grep -v "refused: replayed TOTP code\$" |
		grep -v -c "refused: a concurrent bind recorded this TOTP step or a later one ([A-Za-z ]*)\$")" = 0
'

test_expect_success 'a second race with the next code, now with a last step stored: again one' '
	totp_settle 30 10
	race "$ALICE" "$ALICE_PW$(totp "$ALICE_TOTP" 1)" >"$TEST_DIR/counts"
	printf "%s\n" "1 0" "$((N - 1)) 49" >"$TEST_DIR/expected"
	diff -u "$TEST_DIR/expected" "$TEST_DIR/counts"
'

test_expect_success "$N concurrent binds with one app password: all succeed" '
	new_app_password "$CAROL" "Mail server" >"$TEST_DIR/app.pw"
	race "$CAROL" "$(cat "$TEST_DIR/app.pw")" >"$TEST_DIR/counts"
	printf "%s\n" "$N 0" >"$TEST_DIR/expected"
	diff -u "$TEST_DIR/expected" "$TEST_DIR/counts"
'

# once, or, when the binds straddled a second, once for each of the two
# seconds: first uses add their value, and two adds of different values
# both succeed (the race below, which the next use merges)
test_expect_success '... and its last use is recorded once (or once per second straddled)' '
	pw=$(cat "$TEST_DIR/app.pw")
	values "$CAROL" apppwLastUsed | sort >"$TEST_DIR/lastused"
	cat "$TEST_DIR/lastused"
	case $(wc -l <"$TEST_DIR/lastused") in
	1)	expect_values "$CAROL" apppwLastUsed "$pw" <<-EOF
		ID1 TIME 127.0.0.1
		EOF
		;;
	2)	cut -d" " -f1 "$TEST_DIR/lastused" | uniq | grep -qx "${pw:0:4}" &&
		t1=$(sed -n "1s/^.... \([0-9]*\)Z .*/\1/p" "$TEST_DIR/lastused") &&
		t2=$(sed -n "2s/^.... \([0-9]*\)Z .*/\1/p" "$TEST_DIR/lastused") &&
		[ $(( $(date -u -d "${t2:0:8} ${t2:8:2}:${t2:10:2}:${t2:12:2}" +%s) -
			$(date -u -d "${t1:0:8} ${t1:8:2}:${t1:10:2}:${t1:12:2}" +%s) )) -eq 1 ]
		;;
	*)	false ;;
	esac
'

# Two first uses racing across a second boundary can both add a last use.
# Make that state offline (slapd writes these operational values alone),
# then check that the next recorded use leaves one value.
stop_slapd
pw=$(cat "$TEST_DIR/app.pw")
slapcat -F "$TEST_DIR/slapd.d" -b "$BASE_DN" -o ldif-wrap=no |
	sed "/^dn: $CAROL\$/,/^\$/{/^apppwLastUsed: /d}" |
	sed "/^dn: $CAROL\$/a apppwLastUsed: ${pw:0:4} 20200101000000Z\\
apppwLastUsed: ${pw:0:4} 20200101000001Z" >"$TEST_DIR/edited.ldif"
rm -f "$TEST_DIR/db/"*.mdb
slapadd -q -F "$TEST_DIR/slapd.d" -b "$BASE_DN" -l "$TEST_DIR/edited.ldif" ||
	bail_out "slapadd of the edited database failed"
start_slapd

test_expect_success 'two last uses of one app password are merged by its next use' '
	values "$CAROL" apppwLastUsed >"$TEST_DIR/lastused"
	printf "%s\n" "${pw:0:4} 20200101000000Z" "${pw:0:4} 20200101000001Z" >"$TEST_DIR/expected"
	diff -u "$TEST_DIR/expected" "$TEST_DIR/lastused"
	expect_bind 0 "$CAROL" "$pw"
	expect_values "$CAROL" apppwLastUsed "$pw" <<-EOF
	ID1 TIME 127.0.0.1
	EOF
	values "$CAROL" apppwLastUsed >"$TEST_DIR/lastused"
	not grep " 2020" "$TEST_DIR/lastused"
'

test_done
