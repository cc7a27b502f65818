#!/bin/bash
# Every page apppw-web draws works under its Content-Security-Policy: no
# inline script or style anywhere, the script and stylesheet from
# /static/; every control has a label; methods other than GET, HEAD and
# POST are refused.
. "$(dirname "$0")/lib/test-lib.sh"
. "$(dirname "$0")/lib/web-lib.sh"
start_slapd
start_web

# keep NAME: the last body, kept as page NAME
keep() {
	cp "$TEST_DIR/body" "$TEST_DIR/page.$1"
}

test_expect_success 'every page, through the whole flow' '
	web_get / && keep signin
	web_post /signin username=bob password=wrong-pw
	web_get / && keep code
	web_post /code code=123456 && keep error
	sign_in bob "$BOB_PW"
	web_get /home && keep home
	web_post /signout
	require_mfa "$BOB"
	sign_in bob "$BOB_PW"
	web_get /
	web_post /setup
	web_get /setup && keep setup
	web_post /setup/verify code=000000 && keep setup-error
	totp_settle
	web_post /setup/verify "code=$(totp "$(page_text secret | tr -d " ")")" && keep recovery-codes
	web_get /apps && keep apps-empty
	web_post /create label=Phone && keep created
	web_get /apps && keep apps
	id=$(sed -n "s/.*data-id=\"\\([^\"]*\\)\".*/\\1/p" "$TEST_DIR/body")
	web_post /revoke "id=$id" && keep confirm
	web_get /apps
	web_post /revoke-all && keep confirm-all
	web_get /apps
	web_post /setup
	web_get /setup && keep setup-new
	web_get /apps
	web_post /recovery && keep recovery-confirm
	web_post /recovery confirm=yes && keep recovery-new
	web_get /nowhere && keep notfound
	web_post /create csrf=x && keep forbidden
	ls "$TEST_DIR"/page.* | wc -l >"$TEST_DIR/count"
	test "$(cat "$TEST_DIR/count")" = 17
'

test_expect_success 'no inline script or style on any page' '
	for f in "$TEST_DIR"/page.*; do
		grep -q "<script src=\"/static/apppw.js\" defer></script>" "$f"
		grep -q "<link rel=\"stylesheet\" href=\"/static/apppw.css\">" "$f"
		test "$(grep -c "<script" "$f")" = 1
		not grep -Eqi "<style|style=| on[a-z]+=|javascript:" "$f"
	done
'

test_expect_success 'every input has a label, every page a language switch' '
	for f in "$TEST_DIR"/page.*; do
		for id in $(sed -n "s/.*<input id=\"\\([^\"]*\\)\".*/\\1/p" "$f"); do
			grep -q "<label for=\"$id\">" "$f"
		done
		grep -q "<nav id=\"lang\"><a href=\"?lang=en\"" "$f"
	done
'

test_expect_success 'static files: their types, cached, no cookies' '
	web_get /static/apppw.js
	expect_status 200
	test "$(header Content-Type)" = "text/javascript; charset=utf-8"
	test "$(header Cache-Control)" = "public, max-age=3600"
	test -z "$(header Set-Cookie)"
	grep -q "navigator.clipboard.writeText" "$TEST_DIR/body"
	web_get /static/apppw.css
	test "$(header Content-Type)" = "text/css; charset=utf-8"
'

test_expect_success 'HEAD answers as GET, without a body' '
	JAR=head web_get / -I
	expect_status 200
	test "$(header Content-Type)" = "text/html; charset=utf-8"
'

test_expect_success 'other methods: 405' '
	for m in PUT DELETE OPTIONS; do
		web_get / -X $m
		expect_status 405
		test "$(header Allow)" = "GET, HEAD, POST"
	done
'

test_done
