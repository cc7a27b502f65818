#!/bin/bash
# The create extended operation (stock ldapexop, the request built here):
# the server generates the app password, stores its record, returns it once.
. "$(dirname "$0")/lib/test-lib.sh"
start_slapd "apppw-totp-window $TOTP_WIDE_WINDOW
apppw-max-count 3
apppw-scope mail 127.0.0.1"

# mfa_create DN PASSWORD SECRET [FIELDS]: create, bound with password+TOTP
mfa_create() {
	local dn=$1 pw=$2 secret=$3 code
	shift 3
	code=$(next_totp "$secret") || return 1
	create_app_password "$dn" "$pw$code" "$@"
}

# refused CODE TEXT BINDDN BINDPW [FIELDS]: ldapexop reports the LDAP result
# CODE and TEXT (it exits 1 for any failure of the operation itself)
refused() {
	local code=$1 text=$2
	shift 2
	expect_ldap_error 1 "$text" create_app_password "$@"
	grep -q "ldap_parse_result: .* ($code)\$" "$TEST_DIR/err.out"
}

# refused_mfa CODE TEXT [FIELDS]: the same, alice bound with password+TOTP
refused_mfa() {
	local code=$1 text=$2
	shift 2
	refused "$code" "$text" "$ALICE" "$ALICE_PW$(next_totp "$ALICE_TOTP")" "$@"
}

test_expect_success 'alice, bound with password+TOTP, creates one for herself' '
	mfa_create "$ALICE" "$ALICE_PW" "$ALICE_TOTP" "label=Outlook on laptop" >"$TEST_DIR/made"
	cat "$TEST_DIR/made"
	read -r id pw <"$TEST_DIR/made"
	echo "$pw" | grep -qx "[0-9a-hjkmnp-tv-z]\{20\}"
	test "$id" = "${pw:0:4}"
	expect_values "$ALICE" apppwPassword "$id" <<-EOF
	id=ID1 created=TIME hash=b2b:HASH label=Outlook on laptop
	EOF
	values "$ALICE" apppwPassword >"$TEST_DIR/stored"
	not grep "${pw:4}" "$TEST_DIR/stored"
'

test_expect_success 'the password returned binds as alice, with or without dashes' '
	read -r id pw <"$TEST_DIR/made"
	expect_bind_as "$ALICE" "$pw"
	expect_bind 0 "$ALICE" "$(echo "$pw" | sed "s/\(....\)/\1-/g; s/-\$//")"
'

test_expect_success 'the creation is logged, without the password' '
	read -r id pw <"$TEST_DIR/made"
	grep -q "apppw: CREATE dn=\"$ALICE\" id=$id label=\"Outlook on laptop\" scope=- by=\"$ALICE\"" "$TEST_DIR/slapd.log"
	not grep -q "${pw:4}" "$TEST_DIR/slapd.log"
'

test_expect_success 'with an expiry and a scope' '
	mfa_create "$ALICE" "$ALICE_PW" "$ALICE_TOTP" "label=Mail" \
		expires=20991231235959Z scope=mail >"$TEST_DIR/made2"
	read -r id pw <"$TEST_DIR/made2"
	expect_values "$ALICE" apppwPassword $(cut -d" " -f1 "$TEST_DIR"/made "$TEST_DIR"/made2) <<-EOF
	id=ID1 created=TIME hash=b2b:HASH label=Outlook on laptop
	id=ID2 created=TIME expires=20991231235959Z scope=mail hash=b2b:HASH label=Mail
	EOF
	expect_bind 0 "$ALICE" "$pw"
'

test_expect_success 'alice bound with an app password is refused (50)' '
	read -r id pw <"$TEST_DIR/made"
	refused 50 "apppw: this session authenticated with an app password" \
		"$ALICE" "$pw" label=More
	test "$(values "$ALICE" apppwPassword | wc -l)" = 2
'

test_expect_success 'alice with the password alone cannot even bind (49)' '
	expect_ldap_error 49 "Invalid credentials (49)" \
		create_app_password "$ALICE" "$ALICE_PW" label=More
'

test_expect_success 'an anonymous request is refused (8)' '
	expect_ldap_error 1 "apppw: bind first" ldapexop -x -H "$LDAP_URI" \
		"$CREATE_OID::$(create_request label=Anon)"
	grep -q "(8)\$" "$TEST_DIR/err.out"
'

test_expect_success 'the rootdn creates one for alice (target given)' '
	create_app_password "$ADMIN_DN" "$ADMIN_PW" "target=$ALICE" "label=Printer" >"$TEST_DIR/made3"
	read -r id pw <"$TEST_DIR/made3"
	expect_values "$ALICE" apppwPassword \
		$(cut -d" " -f1 "$TEST_DIR"/made "$TEST_DIR"/made2 "$TEST_DIR"/made3) <<-EOF
	id=ID1 created=TIME hash=b2b:HASH label=Outlook on laptop
	id=ID2 created=TIME expires=20991231235959Z scope=mail hash=b2b:HASH label=Mail
	id=ID3 created=TIME hash=b2b:HASH label=Printer
	EOF
	expect_bind 0 "$ALICE" "$pw"
	grep -q "apppw: CREATE dn=\"$ALICE\" id=$id label=\"Printer\" scope=- by=\"$ADMIN_DN\"" "$TEST_DIR/slapd.log"
'

test_expect_success 'the max count holds (3): a fourth is refused (19)' '
	refused 19 "apppw: an entry may hold at most 3 app passwords" \
		"$ADMIN_DN" "$ADMIN_PW" "target=$ALICE" label=Fourth
	refused_mfa 19 "at most 3" label=Fourth
	test "$(values "$ALICE" apppwPassword | wc -l)" = 3
'

test_expect_success 'creating one for bob (not MFA-required) is refused (19)' '
	refused 19 "apppw: app passwords need MFA" \
		"$ADMIN_DN" "$ADMIN_PW" "target=$BOB" label=Bob
	test -z "$(values "$BOB" apppwPassword)"
'

test_expect_success 'bob asking for himself is told the same (19)' '
	refused 19 "apppw: app passwords need MFA" "$BOB" "$BOB_PW" label=Bob
	test -z "$(values "$BOB" apppwPassword)"
'

test_expect_success 'carol (password+TOTP) may not create one for alice: ACL (50)' '
	refused 50 "apppw: no write access to this entry.s apppwPassword" \
		"$CAROL" "$CAROL_PW$(next_totp "$CAROL_TOTP")" "target=$ALICE" label=Intruder
'

test_expect_success 'bob may not create one for carol either (50)' '
	refused 50 "apppw: no write access" "$BOB" "$BOB_PW" "target=$CAROL" label=Intruder
	test -z "$(values "$CAROL" apppwPassword)"
'

test_expect_success 'a missing label is a malformed request (2)' '
	refused 2 "apppw: malformed create request" "$ADMIN_DN" "$ADMIN_PW" "target=$CAROL"
	refused 2 "apppw: malformed create request" "$ADMIN_DN" "$ADMIN_PW" "target=$CAROL" scope=mail
'

test_expect_success 'fields out of order, or a garbage value, are malformed (2)' '
	refused 2 "apppw: malformed create request" "$ADMIN_DN" "$ADMIN_PW" label=X "target=$CAROL"
	refused 2 "apppw: malformed create request" "$ADMIN_DN" "$ADMIN_PW" label=X scope=mail expires=20991231235959Z
	expect_ldap_error 1 "apppw: malformed create request" ldapexop -x -H "$LDAP_URI" \
		-D "$ADMIN_DN" -w "$ADMIN_PW" "$CREATE_OID:garbage"
	expect_ldap_error 1 "apppw: malformed create request" ldapexop -x -H "$LDAP_URI" \
		-D "$ADMIN_DN" -w "$ADMIN_PW" "$CREATE_OID"
'

test_expect_success 'an invalid label is refused (19): empty, too long, control character' '
	refused 19 "apppw: the label must be 1 to 64 characters of UTF-8 without spaces at either end, control, invisible or bidirectional characters" \
		"$ADMIN_DN" "$ADMIN_PW" "target=$CAROL" "label="
	refused 19 "apppw: the label must be 1 to 64 characters" \
		"$ADMIN_DN" "$ADMIN_PW" "target=$CAROL" "label=$(printf "%065d" 0)"
	refused 19 "apppw: the label must be 1 to 64 characters" \
		"$ADMIN_DN" "$ADMIN_PW" "target=$CAROL" "label=$(printf "a\tb")"
	refused 19 "apppw: the label must be 1 to 64 characters" \
		"$ADMIN_DN" "$ADMIN_PW" "target=$CAROL" "label=$(printf "bad \377 utf8")"
	test -z "$(values "$CAROL" apppwPassword)"
'

test_expect_success 'a label of 64 characters is accepted' '
	create_app_password "$ADMIN_DN" "$ADMIN_PW" "target=$CAROL" "label=$(printf "%064d" 0)" \
		>"$TEST_DIR/made64"
	read -r id pw <"$TEST_DIR/made64"
	expect_values "$CAROL" apppwPassword "$id" <<-EOF
	id=ID1 created=TIME hash=b2b:HASH label=$(printf "%064d" 0)
	EOF
'

test_expect_success 'an unknown or malformed scope is refused (19)' '
	refused 19 "apppw: scope \"vpn\" is not configured (see apppw-scope in slapo-apppw(5))" \
		"$ADMIN_DN" "$ADMIN_PW" "target=$CAROL" label=VPN scope=vpn
	refused 19 "apppw: malformed scope name" \
		"$ADMIN_DN" "$ADMIN_PW" "target=$CAROL" label=VPN scope=VPN
	refused 19 "apppw: malformed scope name" \
		"$ADMIN_DN" "$ADMIN_PW" "target=$CAROL" label=VPN "scope=$(printf "a%.0s" $(seq 40))"
	test "$(values "$CAROL" apppwPassword | wc -l)" = 1
'

test_expect_success 'an expiry in the past or malformed is refused (19)' '
	refused 19 "apppw: the expiry must be a GeneralizedTime (YYYYmmddHHMMSSZ) in the future" \
		"$ADMIN_DN" "$ADMIN_PW" "target=$CAROL" label=Old expires=20200101000000Z
	refused 19 "apppw: the expiry must be a GeneralizedTime" \
		"$ADMIN_DN" "$ADMIN_PW" "target=$CAROL" label=Old expires=tomorrow
	test "$(values "$CAROL" apppwPassword | wc -l)" = 1
'

test_expect_success 'a target that does not exist (32), is not a DN (34), or is elsewhere (53)' '
	refused 32 "apppw: no such entry" "$ADMIN_DN" "$ADMIN_PW" \
		"target=uid=nobody,ou=people,$BASE_DN" label=X
	refused 34 "apppw: the target is not a valid DN" "$ADMIN_DN" "$ADMIN_PW" \
		"target=not a dn" label=X
	refused 53 "apppw: the target.s database has no apppw overlay" "$ADMIN_DN" "$ADMIN_PW" \
		"target=cn=config" label=X
'

test_expect_success 'with MFA turned off for carol, she cannot create any more (19)' '
	admin_modify "$CAROL" replace apppwMFARequired FALSE
	refused 19 "apppw: app passwords need MFA" "$CAROL" "$CAROL_PW" label=More
'

test_done
