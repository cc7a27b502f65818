#!/bin/bash
# The scopes the server offers (apppwOfferedScope) in apppw-web's create
# form: "Where it may be used", Anywhere by default, then each scope's
# name with its conditions; the one chosen goes in the create operation's
# scope and shows in the list; a name not offered is refused before
# anything is sent; without scopes on the server, no choice is shown.
. "$(dirname "$0")/lib/test-lib.sh"
. "$(dirname "$0")/lib/web-lib.sh"
start_slapd "apppw-totp-window $TOTP_WIDE_WINDOW
apppw-scope imap service=imap
apppw-scope office 10.0.0.0/8 2001:DB8::/32"
start_web

# create_events: how many create extended operations slapd has logged
create_events() {
	grep -c " EXT oid=$CREATE_OID\$" "$TEST_DIR/slapd.log" || :
}

test_expect_success 'the form offers Anywhere, then each scope with its conditions' '
	sign_in alice "$ALICE_PW" "$(next_totp "$ALICE_TOTP")"
	test "$(header Location)" = /apps
	web_get /apps
	grep -q "<label for=\"scope\">Where it may be used</label>" "$TEST_DIR/body"
	sed -n "/<select id=\"scope\" name=\"scope\">/,/<\\/select>/p" "$TEST_DIR/body" >"$TEST_DIR/select"
	cat >"$TEST_DIR/expected" <<-EOF
	<select id="scope" name="scope">
	<option value="" selected>Anywhere</option>
	<option value="imap">imap (service=imap)</option>
	<option value="office">office (10.0.0.0/8 2001:DB8::/32)</option>
	</select>
	EOF
	diff -u "$TEST_DIR/expected" "$TEST_DIR/select"
'

test_expect_success 'the scope chosen is the app password'"'"'s: shown, listed, stored' '
	web_post /create label=Mail scope=imap
	expect_status 200
	test "$(page_text scope)" = imap
	page_text app-password >"$TEST_DIR/imap.pw"
	id=$(cut -c1-4 "$TEST_DIR/imap.pw")
	values "$ALICE" apppwPassword | grep -q "^id=$id .* scope=imap "
	web_get /apps
	grep -q "<tr class=\"app\" data-id=\"$id\">.*<td class=\"scope\">imap</td>" "$TEST_DIR/body"
'

test_expect_success 'Anywhere: no scope' '
	web_post /create label=Laptop scope=
	expect_status 200
	not grep -q "id=\"scope\"" "$TEST_DIR/body"
	id=$(page_text app-password | cut -c1-4)
	web_get /apps
	grep -q "<tr class=\"app\" data-id=\"$id\">.*<td class=\"scope\">Any</td>" "$TEST_DIR/body"
'

test_expect_success 'a scope not offered: refused, nothing sent' '
	before=$(create_events)
	web_post /create label=Other scope=pop3
	expect_status 200
	test "$(error_text)" = "That place of use is not offered. Choose one from the list."
	test "$(create_events)" = "$before"
	test "$(values "$ALICE" apppwPassword | wc -l)" = 2
'

test_expect_success 'a server without scopes: no choice in the form' '
	as_config ldapmodify >/dev/null <<-EOF
	dn: olcOverlay={0}apppw,olcDatabase={1}mdb,cn=config
	changetype: modify
	delete: olcApppwScope
	EOF
	web_get /apps
	expect_status 200
	not grep -q "id=\"scope\"" "$TEST_DIR/body"
	grep -q "<button id=\"create\" type=\"submit\">" "$TEST_DIR/body"
'

test_done
