#!/bin/bash
# Recovery codes: made by the server at enrolment, ten, shown once and
# stored hashed; the password followed by one of them, in place of a TOTP
# code, gives a session signed in with MFA, once per code, so that the
# owner of a lost phone can enrol a new authenticator. Wrong ones count
# as wrong codes; an app-password session can neither see nor make them;
# nobody writes them but the server (or an administrator with Relax, and
# then only well-formed ones); the log names the code's id, never a code.
. "$(dirname "$0")/lib/test-lib.sh"
. "$TEST_ROOT/lib/security-lib.sh"
. "$TEST_ROOT/lib/enrol-lib.sh"
start_slapd

PAT="uid=pat,ou=people,$BASE_DN"
PAT_PW="pat-pw"
SECRET=$(head -c 20 /dev/urandom | base32 | tr -d =)
CODE_RE='[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){4}'
RECORD_RE='id=[0-9a-hjkmnp-tv-z]{4} created=[0-9]{14}Z hash=b2b\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}'

# code N: the Nth recovery code the enrolment showed
code() {
	sed -n "$(( $1 + 1 ))p" "$TEST_DIR/enrol.response"
}

# ids_of FILE: the first groups of the codes in FILE, sorted
ids_of() {
	cut -c1-4 "$1" | sort
}

# stored_ids DN: the ids of the recovery codes stored for DN, sorted
stored_ids() {
	values "$1" apppwRecoveryCode | sed 's/^id=\(....\) .*/\1/' | sort
}

test_expect_success 'setup: pat is pending (MFA required by an administrator) and enrols' '
	add_user pat "$PAT_PW" >/dev/null
	admin_modify "$PAT" replace apppwMFARequired TRUE
	totp_settle 30 5
	expect_enrol 0 "" "$PAT" "$PAT_PW" "$SECRET" "$(totp "$SECRET")"
	sed -n "s/^data:: //p" "$TEST_DIR/enrol.out" |
		"$CREATE_CODEC" enrol-response >"$TEST_DIR/enrol.response"
'

test_expect_success 'the enrolment answers ten codes, shown in groups, all different' '
	tail -n +2 "$TEST_DIR/enrol.response" >"$TEST_DIR/codes"
	test "$(wc -l <"$TEST_DIR/codes")" = 10
	test "$(grep -Ecx "$CODE_RE" "$TEST_DIR/codes")" = 10
	test "$(ids_of "$TEST_DIR/codes" | uniq | wc -l)" = 10
'

test_expect_success 'stored with the secret: one record each, hashed, named by its first group' '
	values "$PAT" apppwRecoveryCode >"$TEST_DIR/stored"
	test "$(grep -Ecx "$RECORD_RE" "$TEST_DIR/stored")" = 10
	stored_ids "$PAT" | diff -u <(ids_of "$TEST_DIR/codes") -
	while read -r c; do
		not grep -F -e "$c" -e "$(echo "$c" | tr -d -)" "$TEST_DIR/stored" || return 1
	done <"$TEST_DIR/codes"
'

test_expect_success 'not shown to "*": an operational attribute, read by name' '
	as_admin ldapsearch -LLL -o ldif-wrap=no -b "$PAT" -s base "*" >"$TEST_DIR/star"
	not grep -q apppwRecoveryCode "$TEST_DIR/star"
'

test_expect_success 'another user reads none of them (the README ACLs)' '
	ldapsearch -x -LLL -H "$LDAP_URI" -D "$BOB" -w "$BOB_PW" -b "$PAT" -s base \
		apppwRecoveryCode uid >"$TEST_DIR/bob.search"
	printf "dn: %s\nuid: pat\n\n" "$PAT" | diff -u - "$TEST_DIR/bob.search"
'

test_expect_success 'a wrong code with the right password is refused (49) and counted' '
	keep_accounts "$PAT"
	wrong="$(code 1 | cut -c1-5)aaaa-aaaa-aaaa-aaaa"
	test "$wrong" != "$(code 1)"
	expect_bind_refused "$PAT" "$PAT_PW$wrong"
	expect_log_count 1 "BIND dn=\"$PAT\" refused: wrong recovery code (1 of 3 before a lockout) peer=IP=127.0.0.1:"
	expect_accounts_kept
'

test_expect_success 'a right code with a wrong password is refused (49) and kept' '
	expect_bind_refused "$PAT" "wrong-pw$(code 1)"
	expect_log_count 1 "BIND dn=\"$PAT\" refused: wrong password, or a password policy (49); the TOTP code was right"
	expect_accounts_kept
'

test_expect_success 'the password and a code, in groups: a session as pat; the code is used up' '
	expect_bind_as "$PAT" "$PAT_PW$(code 1)"
	expect_log_count 1 "BIND dn=\"$PAT\" password and recovery code id=$(code 1 | cut -c1-4), 9 left, peer=IP=127.0.0.1:"
	stored_ids "$PAT" | diff -u <(ids_of "$TEST_DIR/codes" | grep -vx "$(code 1 | cut -c1-4)") -
'

test_expect_success 'the same code again is refused, and not counted as a guess' '
	expect_bind_refused "$PAT" "$PAT_PW$(code 1)"
	expect_log_count 1 "BIND dn=\"$PAT\" refused: password alone, or a recovery code used already or never made"
	expect_bind_refused "$PAT" "$PAT_PW$(code 1 | tr -d -)"
	expect_log_count 2 "refused: password alone, or a recovery code used already or never made"
'

test_expect_success 'a code typed in capitals without dashes is the same code' '
	expect_bind_as "$PAT" "$PAT_PW$(code 2 | tr -d - | tr a-z A-Z)"
	test "$(stored_ids "$PAT" | wc -l)" = 8
'

test_expect_success 'a right code ends the count of wrong ones, as a right TOTP code does' '
	expect_bind_refused "$PAT" "$PAT_PW$(code 3 | cut -c1-5)zzzz-zzzz-zzzz-zzzz"
	expect_log_count 2 "refused: wrong recovery code (1 of 3 before a lockout)"
	expect_bind_as "$PAT" "$PAT_PW$(code 3)"
	expect_bind_refused "$PAT" "$PAT_PW$(code 4 | cut -c1-5)zzzz-zzzz-zzzz-zzzz"
	expect_log_count 3 "refused: wrong recovery code (1 of 3 before a lockout)"
	not grep -qF "refused: wrong recovery code (2 of 3" "$TEST_DIR/slapd.log"
'

test_expect_success 'the recovery session may make new codes; the old ones stop working' '
	recovery_codes "$PAT" "$PAT_PW$(code 4)"
	test "$(grep -Ecx "$CODE_RE" "$TEST_DIR/recovery.codes")" = 10
	stored_ids "$PAT" | diff -u <(ids_of "$TEST_DIR/recovery.codes") -
	expect_log_count 1 "RECOVERY dn=\"$PAT\" 10 new recovery codes, the unused ones revoked, by=\"$PAT\""
	expect_bind_refused "$PAT" "$PAT_PW$(code 5)"
	expect_bind_as "$PAT" "$PAT_PW$(sed -n 1p "$TEST_DIR/recovery.codes")"
'

test_expect_success 'the recovery session may enrol a new authenticator, which then signs in' '
	new=$(head -c 20 /dev/urandom | base32 | tr -d =)
	modify_ldif "$PAT" replace apppwTOTPSecret "$new" |
		ldapmodify -x -H "$LDAP_URI" -D "$PAT" \
			-w "$PAT_PW$(sed -n 2p "$TEST_DIR/recovery.codes")" >/dev/null
	test "$(values "$PAT" apppwTOTPSecret)" = "$new"
	totp_settle 30 5
	expect_bind_as "$PAT" "$PAT_PW$(totp "$new" 1)"
	echo "$new" >"$TEST_DIR/new.secret"
'

test_expect_success 'the same code in concurrent binds: exactly one session' '
	c=$(sed -n 3p "$TEST_DIR/recovery.codes")
	at_once 6 ldapwhoami -x -H "$LDAP_URI" -D "$PAT" -w "$PAT_PW$c" >"$TEST_DIR/counts"
	printf "1 0\n5 49\n" | diff -u - "$TEST_DIR/counts"
	test "$(stored_ids "$PAT" | wc -l)" = 7
'

test_expect_success 'an app-password session neither sees nor makes recovery codes' '
	create_app_password "$ADMIN_DN" "$ADMIN_PW" target="$PAT" label=Phone >"$TEST_DIR/app"
	app=$(cut -d" " -f2 "$TEST_DIR/app")
	ldapsearch -x -LLL -H "$LDAP_URI" -D "$PAT" -w "$app" -b "$PAT" -s base \
		apppwRecoveryCode apppwTOTPLastStep >"$TEST_DIR/app.search"
	printf "dn: %s\napppwTOTPLastStep: %s\n\n" "$PAT" "$(values "$PAT" apppwTOTPLastStep)" |
		diff -u - "$TEST_DIR/app.search"
	ldapsearch -x -LLL -o ldif-wrap=no -H "$LDAP_URI" -D "$PAT" -w "$app" -b "$PAT" -s base \
		"+" >"$TEST_DIR/app.plus"
	grep -q "^apppwTOTPLastStep: " "$TEST_DIR/app.plus"
	not grep -q "^apppwRecoveryCode" "$TEST_DIR/app.plus"
	ldapsearch -x -LLL -H "$LDAP_URI" -D "$PAT" -w "$PAT_PW$(sed -n 4p "$TEST_DIR/recovery.codes")" \
		-b "$PAT" -s base apppwRecoveryCode >"$TEST_DIR/mfa.search"
	test "$(grep -c "^apppwRecoveryCode: " "$TEST_DIR/mfa.search")" = 6
	keep_accounts "$PAT"
	expect_recovery_refused 50 "apppw: this session authenticated with an app password: it may read, but not change passwords, app passwords or MFA settings" \
		"$PAT" "$app"
	expect_ldap_error 50 "this session authenticated with an app password" \
		ldapmodify -x -H "$LDAP_URI" -D "$PAT" -w "$app" -e relax \
		< <(modify_ldif "$PAT" delete apppwRecoveryCode)
	expect_accounts_kept
'

test_expect_success 'nobody adds a code: no user modification, and malformed ones even with Relax' '
	keep_accounts "$PAT"
	value=$(values "$PAT" apppwRecoveryCode | head -1 | sed "s/^id=..../id=zzzz/")
	expect_ldap_error 19 "apppwRecoveryCode: no user modification allowed" \
		as_admin ldapmodify < <(modify_ldif "$PAT" add apppwRecoveryCode "$value")
	expect_ldap_error 21 "apppw: malformed apppwRecoveryCode value: " \
		as_admin ldapmodify -e relax < <(modify_ldif "$PAT" add apppwRecoveryCode "id=zzzz hash=x")
	# slapd defines no option of an operational attribute
	expect_ldap_error 17 "apppwRecoveryCode;lang-en: operational attribute with options undefined" \
		as_admin ldapmodify -e relax < <(modify_ldif "$PAT" add "apppwRecoveryCode;lang-en" "$value")
	expect_accounts_kept
	echo "$value" >"$TEST_DIR/made-up"
'

test_expect_success 'nor pat herself, signed in with MFA, with Relax: the ACLs give her read' '
	expect_ldap_error 50 "Insufficient access" \
		ldapmodify -x -H "$LDAP_URI" -D "$PAT" -w "$PAT_PW$(sed -n 5p "$TEST_DIR/recovery.codes")" \
		-e relax < <(modify_ldif "$PAT" add apppwRecoveryCode "$(cat "$TEST_DIR/made-up")")
	values "$PAT" apppwRecoveryCode >"$TEST_DIR/stored"
	not grep -qF "$(cat "$TEST_DIR/made-up")" "$TEST_DIR/stored"
	test "$(stored_ids "$PAT" | wc -l)" = 5
'

test_expect_success 'an administrator makes codes for pat, and may delete them all with Relax' '
	recovery_codes "$ADMIN_DN" "$ADMIN_PW" "$PAT"
	stored_ids "$PAT" | diff -u <(ids_of "$TEST_DIR/recovery.codes") -
	expect_log_count 1 "RECOVERY dn=\"$PAT\" 10 new recovery codes, the unused ones revoked, by=\"$ADMIN_DN\""
	modify_ldif "$PAT" delete apppwRecoveryCode | as_admin ldapmodify -e relax >/dev/null
	test -z "$(values "$PAT" apppwRecoveryCode)"
'

test_expect_success 'refusals of the operation, each with its reason, storing nothing' '
	keep_accounts "$PAT" "$BOB"
	expect_recovery_refused 19 "apppw: recovery codes are for MFA-required accounts: this entry'"'"'s apppwMFARequired is not TRUE" \
		"$ADMIN_DN" "$ADMIN_PW" "$BOB"
	expect_recovery_refused 19 "apppw: recovery codes are for MFA-required accounts: this entry'"'"'s apppwMFARequired is not TRUE" \
		"$BOB" "$BOB_PW"
	expect_recovery_refused 32 "apppw: no such entry" \
		"$ADMIN_DN" "$ADMIN_PW" "uid=nobody,ou=people,$BASE_DN"
	expect_recovery_refused 50 "apppw: no write access to this entry'"'"'s apppwTOTPSecret, which recovery codes stand in for" \
		"$BOB" "$BOB_PW" "$PAT"
	ldapexop -x -H "$LDAP_URI" "$RECOVERY_OID::$("$CREATE_CODEC" recovery)" >"$TEST_DIR/anon.out" 2>&1 && false
	grep -qx "ldap_parse_result: Strong(er) authentication required (8)" "$TEST_DIR/anon.out"
	grep -qx "	additional info: apppw: bind first" "$TEST_DIR/anon.out"
	ldapexop -x -H "$LDAP_URI" -D "$ADMIN_DN" -w "$ADMIN_PW" "$RECOVERY_OID::$(printf "\x30\x03\x82\x01x" | base64)" \
		>"$TEST_DIR/bad.out" 2>&1 && false
	grep -qx "	additional info: apppw: malformed recovery codes request" "$TEST_DIR/bad.out"
	expect_accounts_kept
'

test_expect_success 'a pending account gets its first codes from the enrolment only' '
	add_user quinn quinn-pw "apppwMFARequired: TRUE" >/dev/null
	expect_recovery_refused 19 "apppw: this account has not enrolled a TOTP authenticator yet: its first recovery codes come with the enrolment (apppw mfa enroll)" \
		"$ADMIN_DN" "$ADMIN_PW" "uid=quinn,ou=people,$BASE_DN"
'

test_expect_success 'while TOTP is locked, a right recovery code is refused too' '
	recovery_codes "$ADMIN_DN" "$ADMIN_PW" "$PAT"
	for i in 1 2 3; do
		expect_bind_refused "$PAT" "$PAT_PW$(sed -n 1p "$TEST_DIR/recovery.codes" | cut -c1-5)zzzz-zzzz-zzzz-zzzz" || return 1
	done
	expect_bind_refused "$PAT" "$PAT_PW$(sed -n 2p "$TEST_DIR/recovery.codes")"
	test "$(stored_ids "$PAT" | wc -l)" = 10
	expect_log_count 1 "BIND dn=\"$PAT\" refused: wrong recovery code; TOTP locked until"
'

test_expect_success 'the log names ids, never a code' '
	cat "$TEST_DIR/codes" "$TEST_DIR/recovery.codes" >"$TEST_DIR/all.codes"
	while read -r c; do
		not grep -qiF -e "$c" -e "$(echo "$c" | tr -d -)" "$TEST_DIR/slapd.log" || return 1
	done <"$TEST_DIR/all.codes"
'

test_done
