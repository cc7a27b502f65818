#!/bin/bash
# apppw-web refuses every POST without the session's CSRF token with 403,
# and changes nothing: checked in the directory with ldapsearch.
. "$(dirname "$0")/lib/test-lib.sh"
. "$(dirname "$0")/lib/web-lib.sh"
start_slapd
start_web

# records: alice's app password records, as rootdn sees them
records() {
	values "$ALICE" apppwPassword | sort
}

test_expect_success 'signed in as alice, with one app password' '
	totp_settle
	sign_in alice "$ALICE_PW" "$(totp "$ALICE_TOTP")"
	web_get /apps
	web_post /create label=Phone
	expect_status 200
	records >"$TEST_DIR/before"
	test "$(wc -l <"$TEST_DIR/before")" = 1
	web_get /apps
	csrf >"$TEST_DIR/token"
	sed -n "s/.*data-id=\"\\([^\"]*\\)\".*/\\1/p" "$TEST_DIR/body" >"$TEST_DIR/id"
'

test_expect_success 'a token of another session' '
	JAR=other web_get /
	csrf >"$TEST_DIR/other-token"
	test -s "$TEST_DIR/other-token"
	test "$(cat "$TEST_DIR/other-token")" != "$(cat "$TEST_DIR/token")"
'

# every way on the two that change most, the likeliest ways on the rest
for path in /create /revoke-all /revoke /signout /setup /setup/verify; do
	hows="missing other"
	case $path in /create|/revoke-all) hows="missing empty wrong other" ;; esac
	for how in $hows; do
		test_expect_success "POST $path, token $how: 403, nothing changed" '
			case '$how' in
			missing) web_get '$path' --data-urlencode label=X \
				--data-urlencode "id=$(cat "$TEST_DIR/id")" \
				--data-urlencode confirm=yes ;;
			empty) web_post '$path' csrf= label=X "id=$(cat "$TEST_DIR/id")" confirm=yes ;;
			wrong) web_post '$path' csrf=$(printf "%064d" 0) label=X \
				"id=$(cat "$TEST_DIR/id")" confirm=yes ;;
			other) web_post '$path' "csrf=$(cat "$TEST_DIR/other-token")" \
				label=X "id=$(cat "$TEST_DIR/id")" confirm=yes ;;
			esac
			expect_status 403
			records | diff -u "$TEST_DIR/before" -
			web_get /apps
			expect_status 200
		'
	done
done

test_expect_success 'POST /signin without the token' '
	JAR=s web_get /
	JAR=s web_get /signin --data-urlencode username=bob \
		--data-urlencode "password=$BOB_PW"
	expect_status 403
	not grep -q "signin user=\"bob\"" "$WEB_LOG"
'

test_expect_success 'the refusals are logged, without the tokens' '
	test "$(grep -c "no or wrong CSRF token" "$WEB_LOG")" -ge 16
	not grep -e "$(cat "$TEST_DIR/token")" -e "$(cat "$TEST_DIR/other-token")" "$WEB_LOG"
'

test_expect_success 'with the token, the same revoke works' '
	web_get /apps
	web_post /revoke "id=$(cat "$TEST_DIR/id")" confirm=yes
	expect_status 303
	test -z "$(records)"
'

test_done
