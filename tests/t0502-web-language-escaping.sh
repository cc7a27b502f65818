#!/bin/bash
# apppw-web's languages and its HTML escaping: Swedish from
# Accept-Language (q-values honoured), the apppw_lang cookie and the ?lang=
# switch overriding it; a hostile label is shown as text, in the list, on
# the confirmation page and with the new app password.
. "$(dirname "$0")/lib/test-lib.sh"
. "$(dirname "$0")/lib/web-lib.sh"
start_slapd
start_web

test_expect_success 'English by default' '
	JAR=a web_get /
	grep -q "^<html lang=\"en\">" "$TEST_DIR/body"
	grep -q ">Sign in</button>" "$TEST_DIR/body"
'

test_expect_success 'Swedish from Accept-Language' '
	JAR=b web_get / -H "Accept-Language: sv-SE,sv;q=0.9,en;q=0.8"
	grep -q "^<html lang=\"sv\">" "$TEST_DIR/body"
	grep -q "<button id=\"signin\" type=\"submit\">Logga in</button>" "$TEST_DIR/body"
	grep -q "<label for=\"username\">Användarnamn</label>" "$TEST_DIR/body"
	grep -q "<label for=\"password\">Lösenord</label>" "$TEST_DIR/body"
'

test_expect_success 'q-values decide' '
	JAR=c web_get / -H "Accept-Language: en;q=0.5, sv;q=0.8"
	grep -q "^<html lang=\"sv\">" "$TEST_DIR/body"
	JAR=c web_get / -H "Accept-Language: sv;q=0, en"
	grep -q "^<html lang=\"en\">" "$TEST_DIR/body"
	JAR=c web_get / -H "Accept-Language: de, fr;q=0.9"
	grep -q "^<html lang=\"en\">" "$TEST_DIR/body"
'

test_expect_success '?lang= sets the cookie and returns to the page' '
	JAR=d web_get "/?lang=sv" -H "Accept-Language: en"
	expect_status 303
	test "$(header Location)" = /
	header Set-Cookie | grep -qx "apppw_lang=sv; Path=/; HttpOnly; SameSite=Strict; Max-Age=31536000"
	JAR=d web_get / -H "Accept-Language: en"
	grep -q "^<html lang=\"sv\">" "$TEST_DIR/body"
'

test_expect_success '?lang= returns only to a page of the site' '
	JAR=d web_get "//evil.example.com/?lang=sv"
	expect_status 303
	test "$(header Location)" = /
	JAR=d web_get "/nowhere?lang=en"
	expect_status 303
	test "$(header Location)" = /
	JAR=d web_get "/apps?lang=en"
	test "$(header Location)" = /apps
'

test_expect_success 'the cookie overrides Accept-Language, both ways' '
	JAR=e web_get / -H "Accept-Language: sv" -b apppw_lang=en
	grep -q "^<html lang=\"en\">" "$TEST_DIR/body"
	JAR=e web_get / -H "Accept-Language: en" -b apppw_lang=sv
	grep -q "^<html lang=\"sv\">" "$TEST_DIR/body"
'

test_expect_success 'the sign-in failure in Swedish' '
	JAR=f web_get /?lang=sv
	JAR=f web_get /
	JAR=f web_post /signin username=alice password=
	test "$(error_text)" = "Användarnamnet, lösenordet eller koden är inte rätt."
'

LABEL="<script>alert('x')</script> & <b>bold</b>"
ESCAPED="&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;"

test_expect_success 'a hostile label is text on every page that shows it' '
	totp_settle
	sign_in alice "$ALICE_PW" "$(totp "$ALICE_TOTP")"
	expect_status 303
	web_get /apps
	web_post /create "label=$LABEL"
	expect_status 200
	grep -qF "<dd>$ESCAPED</dd>" "$TEST_DIR/body"
	not grep -qF "<script>alert" "$TEST_DIR/body"
	web_get /apps
	grep -qF "<td class=\"label\">$ESCAPED</td>" "$TEST_DIR/body"
	not grep -qF "<script>alert" "$TEST_DIR/body"
	id=$(sed -n "s/.*<tr class=\"app\" data-id=\"\\([^\"]*\\)\".*/\\1/p" "$TEST_DIR/body")
	web_post /revoke "id=$id"
	grep -qF "<strong>$ESCAPED</strong>" "$TEST_DIR/body"
	not grep -qF "<script>alert" "$TEST_DIR/body"
'

test_expect_success 'the stored label is the one typed' '
	values "$ALICE" apppwPassword | grep -qF "label=$LABEL"
'

test_expect_success 'a signed-in page in Swedish' '
	web_get /apps -b apppw_lang=sv
	grep -q "<button id=\"signout\">Logga ut</button>" "$TEST_DIR/body"
	grep -q "<button id=\"create\" type=\"submit\">Skapa applösenord</button>" "$TEST_DIR/body"
	grep -q "<td class=\"expires\">Aldrig</td>" "$TEST_DIR/body"
'

test_done
