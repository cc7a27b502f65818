# security-lib.sh - helpers of the scenarios that attack the overlay's
# rules; sourced after test-lib.sh

# add_mfa_user UID PASSWORD SECRET: a new MFA-required account, enrolled
add_mfa_user() {
	add_user "$1" "$2" "apppwMFARequired: TRUE" "apppwTOTPSecret: $3" >/dev/null
}

# wrong_code SECRET [STEP]: a code that no step from -3 to +3 gives, so
# wrong whatever the clock does meanwhile
wrong_code() {
	local c=100000 o valid=
	for o in -3 -2 -1 0 1 2 3; do
		valid="$valid $(totp "$1" $o "${2:-30}")"
	done
	while case "$valid " in *" $c "*) true ;; *) false ;; esac; do
		c=$((c + 1))
	done
	echo "$c"
}

# expect_log_count N TEXT: slapd's log has N lines holding TEXT (a fixed
# string); those lines if not
expect_log_count() {
	local n
	n=$(grep -c -F -- "$2" "$TEST_DIR/slapd.log") || :
	[ "$n" = "$1" ] && return 0
	echo "expected $1 log lines with: $2; found $n:"
	grep -F -- "$2" "$TEST_DIR/slapd.log" || :
	return 1
}

# accounts DN...: what makes the accounts, as the rootdn reads it:
# passwords, app passwords, MFA flag, TOTP state, last uses, all options
accounts() {
	local dn
	for dn; do
		as_admin ldapsearch -LLL -o ldif-wrap=no -b "$dn" -s base \
			userPassword apppwPassword apppwMFARequired apppwTOTPSecret \
			apppwTOTPLastStep apppwLastUsed apppwRecoveryCode 2>&1
	done
}

# keep_accounts DN...: remember them; expect_accounts_kept: none has changed
keep_accounts() {
	echo "$@" >"$TEST_DIR/accounts.dns"
	# shellcheck disable=SC2046
	accounts $(cat "$TEST_DIR/accounts.dns") >"$TEST_DIR/accounts.before"
}
expect_accounts_kept() {
	# shellcheck disable=SC2046
	accounts $(cat "$TEST_DIR/accounts.dns") >"$TEST_DIR/accounts.after"
	diff -u "$TEST_DIR/accounts.before" "$TEST_DIR/accounts.after"
}
