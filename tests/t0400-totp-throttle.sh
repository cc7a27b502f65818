#!/bin/bash
# Guessing TOTP codes with the password known: three wrong codes lock TOTP
# for the entry, even the right code is then refused, app passwords are
# not, and nobody without the password can lock the owner out. Refusals
# say nothing more than 49, and are logged once.
. "$(dirname "$0")/lib/test-lib.sh"
. "$TEST_ROOT/lib/security-lib.sh"
start_slapd "apppw-totp-window $TOTP_WIDE_WINDOW"

DAVE="uid=dave,ou=people,$BASE_DN"
DAVE_TOTP=MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U
ERIN="uid=erin,ou=people,$BASE_DN"
ERIN_TOTP=ONSWG4TFORZWK3DFMN2XIZLSMFRGCZDF
FRED="uid=fred,ou=people,$BASE_DN"
FRED_TOTP=MZZGKZDGOJSWIZTSMVSGM4TFMRTHEZLE
GUS="uid=gus,ou=people,$BASE_DN"
GUS_TOTP=M52XGZ3VONTXK43HOVZWO5LTM52XGZ3V

test_expect_success 'setup: four more MFA-required users; alice has an app password' '
	add_mfa_user dave dave-pw "$DAVE_TOTP"
	add_mfa_user erin erin-pw "$ERIN_TOTP"
	add_mfa_user fred fred-pw "$FRED_TOTP"
	add_mfa_user gus gus-pw "$GUS_TOTP"
	new_app_password "$ALICE" "Mail" >"$TEST_DIR/app.pw"
'

test_expect_success 'a stranger guessing codes without the password cannot lock the owner out' '
	for i in 1 2 3 4 5 6 7 8 9 10; do
		expect_bind_refused "$ALICE" "not-alice-pw$(wrong_code "$ALICE_TOTP")"
		expect_bind_refused "$ALICE" "not-alice-pw$(next_totp "$ALICE_TOTP")"
	done
	expect_bind_as "$ALICE" "$ALICE_PW$(next_totp "$ALICE_TOTP")"
	expect_log_count 0 "dn=\"$ALICE\" refused: wrong or out-of-window TOTP code"
'

test_expect_success 'two wrong codes with the password are counted, and the right one ends the count' '
	expect_bind_refused "$DAVE" "dave-pw$(wrong_code "$DAVE_TOTP")"
	expect_bind_refused "$DAVE" "dave-pw$(wrong_code "$DAVE_TOTP")"
	expect_log_count 1 "dn=\"$DAVE\" refused: wrong or out-of-window TOTP code (1 of 3 before a lockout)"
	expect_log_count 1 "dn=\"$DAVE\" refused: wrong or out-of-window TOTP code (2 of 3 before a lockout)"
	expect_bind_as "$DAVE" "dave-pw$(next_totp "$DAVE_TOTP")"
	expect_bind_refused "$DAVE" "dave-pw$(wrong_code "$DAVE_TOTP")"
	expect_log_count 2 "dn=\"$DAVE\" refused: wrong or out-of-window TOTP code (1 of 3 before a lockout)"
'

test_expect_success 'three wrong codes lock TOTP: the right code is then refused' '
	totp_settle
	for i in 1 2 3; do
		expect_bind_refused "$ERIN" "erin-pw$(wrong_code "$ERIN_TOTP")"
	done
	expect_log_count 1 "dn=\"$ERIN\" refused: wrong or out-of-window TOTP code; TOTP locked until"
	expect_bind_refused "$ERIN" "erin-pw$(next_totp "$ERIN_TOTP")"
	expect_log_count 0 "dn=\"$ERIN\" password and TOTP code"
'

test_expect_success 'the refusal while locked is the bare 49 of a wrong password' '
	expect_bind_refused "$ERIN" "erin-pw$(next_totp "$ERIN_TOTP")"
	cp "$TEST_DIR/bind.out" "$TEST_DIR/locked.out"
	expect_bind_refused "$ERIN" "wrong-pw$(next_totp "$ERIN_TOTP")"
	diff -u "$TEST_DIR/locked.out" "$TEST_DIR/bind.out"
'

test_expect_success 'the first refusal of the lockout is logged, with the peer; the others are not' '
	expect_log_count 1 "dn=\"$ERIN\" refused: TOTP locked until"
	grep -F "dn=\"$ERIN\" refused: TOTP locked until" "$TEST_DIR/slapd.log" |
		grep -q "(lockout 1 in a row; further refusals until then are not logged) peer=IP=127.0.0.1:[0-9]*$"
'

test_expect_success 'no password or code is in the log' '
	not grep -F -e erin-pw -e dave-pw -e "$ALICE_PW" "$TEST_DIR/slapd.log"
'

test_expect_success 'app passwords keep working while TOTP is locked' '
	for i in 1 2 3; do
		expect_bind_refused "$ALICE" "$ALICE_PW$(wrong_code "$ALICE_TOTP")"
	done
	expect_bind_refused "$ALICE" "$ALICE_PW$(next_totp "$ALICE_TOTP")"
	expect_bind_as "$ALICE" "$(cat "$TEST_DIR/app.pw")"
'

test_expect_success 'a replayed code is refused but not counted' '
	code=$(next_totp "$FRED_TOTP")
	expect_bind_as "$FRED" "fred-pw$code"
	for i in 1 2 3 4; do
		expect_bind_refused "$FRED" "fred-pw$code"
	done
	expect_log_count 4 "dn=\"$FRED\" refused: replayed TOTP code"
	expect_bind_as "$FRED" "fred-pw$(next_totp "$FRED_TOTP")"
'

test_expect_success 'a new password set by an administrator ends the lockout' '
	for i in 1 2 3; do
		expect_bind_refused "$FRED" "fred-pw$(wrong_code "$FRED_TOTP")"
	done
	expect_bind_refused "$FRED" "fred-pw$(next_totp "$FRED_TOTP")"
	set_password "$FRED" fred-new-pw
	expect_bind_as "$FRED" "fred-new-pw$(next_totp "$FRED_TOTP")"
'

# guess DN PASSWORD SECRET: a simple bind with the password and a wrong code
guess() {
	ldapwhoami -x -H "$LDAP_URI" -D "$1" -w "$2$(wrong_code "$3")"
}

test_expect_success 'thirty connections guessing at once get three codes looked at' '
	totp_settle 30 10
	at_once 30 guess "$GUS" gus-pw "$GUS_TOTP" >"$TEST_DIR/counts"
	echo "30 49" | diff -u - "$TEST_DIR/counts"
	expect_log_count 3 "dn=\"$GUS\" refused: wrong or out-of-window TOTP code"
	expect_log_count 1 "dn=\"$GUS\" refused: TOTP locked until"
	expect_bind_refused "$GUS" "gus-pw$(next_totp "$GUS_TOTP")"
'

test_expect_success 'apppw-totp-max-failures 1 through cn=config: one wrong code locks' '
	config_set olcApppwTOTPMaxFailures 1
	expect_config olcApppwTOTPMaxFailures 1
	expect_bind_refused "$CAROL" "$CAROL_PW$(wrong_code "$CAROL_TOTP")"
	expect_log_count 1 "dn=\"$CAROL\" refused: wrong or out-of-window TOTP code; TOTP locked until"
	expect_bind_refused "$CAROL" "$CAROL_PW$(next_totp "$CAROL_TOTP")"
'

test_done
