#!/bin/bash
# Every setting: refused with a clear message when invalid, by slaptest and
# by cn=config; read back exactly; changes through cn=config act at once.
. "$(dirname "$0")/lib/test-lib.sh"

head -c 32 /dev/urandom >"$TEST_DIR/key"
head -c 31 /dev/urandom >"$TEST_DIR/short-key"
start_slapd "apppw-max-count 5
apppw-max-age 90d
apppw-max-idle 30d
apppw-totp-digits 6
apppw-totp-step 30
apppw-totp-window 2
apppw-totp-max-failures 5
apppw-totp-backoff-max 2h
apppw-lastused-precision 1h
apppw-revoke-on-password-change off
apppw-key-file $TEST_DIR/key
apppw-scope mail 192.0.2.25 192.0.2.26
apppw-scope lan 10.0.0.0/8 2001:db8::/32 ldap://127.0.0.1:389/"

# slaptest_refuses DIRECTIVE TEXT: a slapd.conf with DIRECTIVE after
# "overlay apppw" fails slaptest, which names the problem
slaptest_refuses() {
	local dir="$TEST_DIR/bad" rc
	rm -rf "$dir"
	mkdir -p "$dir"
	"$SRC_ROOT/tools/conf/slapd-conf.sh" "$dir" "$BASE_DN" "$ADMIN_DN" \
		"$ADMIN_PW" "$1" >"$dir/slapd.conf"
	slaptest -u -f "$dir/slapd.conf" >"$dir/out" 2>&1 && rc=0 || rc=$?
	cat "$dir/out"
	test "$rc" = 1
	grep -F -q -- "$2" "$dir/out"
	grep -q "slaptest: bad configuration file!" "$dir/out"
}

while IFS='|' read -r directive text; do
	[ -n "$directive" ] || continue
	test_expect_success "slaptest refuses: $directive" "
		slaptest_refuses \"$directive\" '$text'
	"
done <<EOF
apppw-enabled maybe|<apppw-enabled> invalid value
apppw-max-count 0|<apppw-max-count> must be between 1 and 1000
apppw-max-count 1001|<apppw-max-count> must be between 1 and 1000
apppw-max-count many|<apppw-max-count> unable to parse "many" as int
apppw-max-count 3 4|<apppw-max-count> extra cruft after <count>
apppw-max-age -1|<apppw-max-age> takes a duration such as 3600, 90d or 1d12h, not "-1"
apppw-max-age forever|<apppw-max-age> takes a duration such as 3600, 90d or 1d12h, not "forever"
apppw-max-idle -1|<apppw-max-idle> takes a duration such as 3600, 90d or 1d12h, not "-1"
apppw-max-idle 1d 2d|<apppw-max-idle> extra cruft after <duration>
apppw-password-alone sometimes|<apppw-password-alone> takes "refuse" or "allow", not "sometimes"
apppw-totp-digits 5|<apppw-totp-digits> must be between 6 and 8
apppw-totp-digits 9|<apppw-totp-digits> must be between 6 and 8
apppw-totp-step 0|<apppw-totp-step> must be between 1 and 300
apppw-totp-step 301|<apppw-totp-step> must be between 1 and 300
apppw-totp-window -1|<apppw-totp-window> must be between 0 and 10
apppw-totp-window 11|<apppw-totp-window> must be between 0 and 10
apppw-totp-max-failures 0|<apppw-totp-max-failures> must be between 1 and 10
apppw-totp-max-failures 11|<apppw-totp-max-failures> must be between 1 and 10
apppw-totp-backoff-max 899|<apppw-totp-backoff-max> must be between 900 and 86400 seconds
apppw-totp-backoff-max 1d1s|<apppw-totp-backoff-max> must be between 900 and 86400 seconds
apppw-totp-backoff-max later|<apppw-totp-backoff-max> takes a duration such as 3600, 90d or 1d12h, not "later"
apppw-lastused-precision soon|<apppw-lastused-precision> takes a duration such as 3600, 90d or 1d12h, not "soon"
apppw-revoke-on-password-change maybe|<apppw-revoke-on-password-change> invalid value
apppw-key-file /nonexistent/key|<apppw-key-file> "/nonexistent/key": key file does not exist
apppw-key-file $TEST_DIR/short-key|key file must hold exactly 32 raw bytes or 64 hex digits
apppw-scope Mail 192.0.2.25|<apppw-scope> scope name "Mail": scope must be 1 to 32 of a-z 0-9 _ -, starting with a letter
apppw-scope mail 192.0.2.300|<apppw-scope> scope "mail": "192.0.2.300" is neither an IPv4/IPv6 address or network (address/prefix) nor a listener URL
apppw-scope mail 10.0.0.0/33|"10.0.0.0/33" is neither an IPv4/IPv6 address or network
apppw-scope mail 2001:db8::/129|"2001:db8::/129" is neither an IPv4/IPv6 address or network
apppw-scope mail mail.example.com|"mail.example.com" is neither an IPv4/IPv6 address or network
apppw-scope mail foo://bar|<apppw-scope> scope "mail": "foo://bar" is not a valid listener URL
apppw-scope mail|keyword <apppw-scope> missing <name> <address/prefix|URL> <...> argument
EOF

test_expect_success 'slaptest refuses a scope defined twice' '
	slaptest_refuses "apppw-scope mail 192.0.2.25
apppw-scope mail 192.0.2.26" "<apppw-scope> scope \"mail\" is already defined"
'

test_expect_success 'slaptest accepts the configuration slapd runs with' '
	slaptest -u -f "$TEST_DIR/slapd.conf"
'

cat >"$TEST_DIR/config.ldif" <<EOF
dn: $OVERLAY_CONFIG_DN
objectClass: olcOverlayConfig
objectClass: olcApppwConfig
olcOverlay: {0}apppw
olcApppwEnabled: TRUE
olcApppwMaxCount: 5
olcApppwMaxAge: 90d
olcApppwMaxIdle: 30d
olcApppwPasswordAlone: refuse
olcApppwTOTPDigits: 6
olcApppwTOTPStep: 30
olcApppwTOTPWindow: 2
olcApppwTOTPMaxFailures: 5
olcApppwTOTPBackoffMax: 2h
olcApppwLastUsedPrecision: 1h
olcApppwRevokeOnPasswordChange: FALSE
olcApppwKeyFile: $TEST_DIR/key
olcApppwScope: {0}mail 192.0.2.25 192.0.2.26
olcApppwScope: {1}lan 10.0.0.0/8 2001:db8::/32 ldap://127.0.0.1:389/

EOF

# config_as_written: the overlay's cn=config entry holds every setting
# slapd started with, as config.ldif has them, and nothing else
config_as_written() {
	overlay_ldif >"$TEST_DIR/read.ldif"
	diff -u "$TEST_DIR/config.ldif" "$TEST_DIR/read.ldif"
}

test_expect_success 'every setting reads back from cn=config' '
	config_as_written
'

# config_refuses ATTR VALUE CODE TEXT: replacing ATTR with VALUE through
# cn=config fails with CODE and TEXT, and nothing changes
config_refuses() {
	expect_ldap_error "$3" "$4" config_set "$1" "$2"
	config_as_written
}

while IFS='|' read -r attr value code text; do
	[ -n "$attr" ] || continue
	test_expect_success "cn=config refuses $attr: $value ($code)" "
		config_refuses $attr '$value' $code '$text'
	"
done <<EOF
olcApppwEnabled|maybe|21|olcApppwEnabled: value #0 invalid per syntax
olcApppwMaxCount|0|80|<olcApppwMaxCount> must be between 1 and 1000
olcApppwMaxCount|1001|80|<olcApppwMaxCount> must be between 1 and 1000
olcApppwMaxCount|many|21|olcApppwMaxCount: value #0 invalid per syntax
olcApppwMaxAge|forever|80|<olcApppwMaxAge> takes a duration such as 3600, 90d or 1d12h, not "forever"
olcApppwMaxIdle|unused|80|<olcApppwMaxIdle> takes a duration such as 3600, 90d or 1d12h, not "unused"
olcApppwPasswordAlone|sometimes|80|<olcApppwPasswordAlone> takes "refuse" or "allow", not "sometimes"
olcApppwTOTPDigits|9|80|<olcApppwTOTPDigits> must be between 6 and 8
olcApppwTOTPStep|0|80|<olcApppwTOTPStep> must be between 1 and 300
olcApppwTOTPWindow|11|80|<olcApppwTOTPWindow> must be between 0 and 10
olcApppwTOTPMaxFailures|11|80|<olcApppwTOTPMaxFailures> must be between 1 and 10
olcApppwTOTPBackoffMax|14m|80|<olcApppwTOTPBackoffMax> must be between 900 and 86400 seconds
olcApppwLastUsedPrecision|soon|80|<olcApppwLastUsedPrecision> takes a duration such as 3600, 90d or 1d12h, not "soon"
olcApppwRevokeOnPasswordChange|maybe|21|olcApppwRevokeOnPasswordChange: value #0 invalid per syntax
olcApppwKeyFile|/nonexistent/key|80|<olcApppwKeyFile> "/nonexistent/key": key file does not exist
olcApppwKeyFile|$TEST_DIR/short-key|80|key file must hold exactly 32 raw bytes or 64 hex digits
olcApppwScope|Mail 192.0.2.25|80|<olcApppwScope> scope name "Mail": scope must be 1 to 32 of a-z
olcApppwScope|mail 192.0.2.300|80|<olcApppwScope> scope "mail": "192.0.2.300" is neither an IPv4/IPv6 address or network (address/prefix) nor a listener URL
olcApppwScope|mail foo://bar|80|<olcApppwScope> scope "mail": "foo://bar" is not a valid listener URL
olcApppwScope|mail|19|<olcApppwScope> missing <name> <address/prefix|URL> <...> argument
EOF

test_expect_success 'cn=config refuses a second scope of the same name (80)' '
	expect_ldap_error 80 "<olcApppwScope> scope \"mail\" is already defined" \
		as_config ldapmodify <<-EOF
	dn: $OVERLAY_CONFIG_DN
	changetype: modify
	add: olcApppwScope
	olcApppwScope: mail 192.0.2.27
	EOF
	config_as_written
'

test_expect_success 'a refused replace of the scopes keeps the old ones in force' '
	expect_ldap_error 80 "\"bad\" is neither" as_config ldapmodify <<-EOF
	dn: $OVERLAY_CONFIG_DN
	changetype: modify
	replace: olcApppwScope
	olcApppwScope: vpn 192.0.2.1
	olcApppwScope: wifi bad
	EOF
	config_as_written
	new_app_password "$CAROL" "Mail only" scope=mail >/dev/null
	expect_ldap_error 19 "apppw: scope \"vpn\" is not configured" \
		admin_modify "$CAROL" add apppwPassword "scope=vpn password=$(app_password_string) label=VPN"
'

test_expect_success 'setup: alice has an app password' '
	new_app_password "$ALICE" "Laptop" >"$TEST_DIR/app.pw"
	expect_values "$ALICE" apppwPassword "$(cat "$TEST_DIR/app.pw")" <<-EOF
	id=ID1 created=TIME hash=b2bk:HASH label=Laptop
	EOF
	expect_bind 0 "$ALICE" "$(cat "$TEST_DIR/app.pw")"
'

test_expect_success 'apppw-enabled FALSE: app-password binds fail at once' '
	config_set olcApppwEnabled FALSE
	expect_bind 49 "$ALICE" "$(cat "$TEST_DIR/app.pw")"
	grep -q "apppw: BIND dn=\"$ALICE\" refused: app passwords are disabled (apppw-enabled off)" "$TEST_DIR/slapd.log"
'

test_expect_success '... new ones are refused (53), by ldapmodify and by the extended operation' '
	expect_ldap_error 53 "apppw: app passwords are disabled on this server (apppw-enabled off)" \
		admin_modify "$ALICE" add apppwPassword "password=$(app_password_string) label=Another"
	expect_ldap_error 1 "apppw: app passwords are disabled on this server" \
		create_app_password "$ADMIN_DN" "$ADMIN_PW" "target=$ALICE" label=Another
	grep -q "Server is unwilling to perform (53)" "$TEST_DIR/err.out"
	test "$(values "$ALICE" apppwPassword | wc -l)" = 1
'

test_expect_success '... password + TOTP still works, and records are kept' '
	totp_settle
	expect_bind 0 "$ALICE" "$ALICE_PW$(totp "$ALICE_TOTP")"
	test "$(values "$ALICE" apppwPassword | wc -l)" = 1
'

test_expect_success 'apppw-enabled TRUE again: the app password binds' '
	config_set olcApppwEnabled TRUE
	expect_bind 0 "$ALICE" "$(cat "$TEST_DIR/app.pw")"
'

test_expect_success 'apppw-password-alone allow: the password alone gets in' '
	expect_bind 49 "$ALICE" "$ALICE_PW"
	config_set olcApppwPasswordAlone allow
	expect_bind_as "$ALICE" "$ALICE_PW"
	expect_bind 49 "$ALICE" "wrong-pw"
	grep -q "apppw: BIND dn=\"$ALICE\" neither app password nor TOTP code (.*); apppw-password-alone allow: the password alone is checked" "$TEST_DIR/slapd.log"
'

test_expect_success 'apppw-password-alone refuse: refused again' '
	config_set olcApppwPasswordAlone refuse
	expect_bind 49 "$ALICE" "$ALICE_PW"
'

test_expect_success 'apppw-max-count 1: a second app password is refused (19)' '
	config_set olcApppwMaxCount 1
	expect_ldap_error 19 "apppw: an entry may hold at most 1 app passwords" \
		admin_modify "$ALICE" add apppwPassword "password=$(app_password_string) label=Second"
	config_set olcApppwMaxCount 2
	new_app_password "$ALICE" "Second" >/dev/null
	test "$(values "$ALICE" apppwPassword | wc -l)" = 2
'

test_expect_success 'apppw-lastused-precision 0: every use is recorded' '
	config_set olcApppwLastUsedPrecision 0
	pw=$(cat "$TEST_DIR/app.pw")
	expect_bind 0 "$ALICE" "$pw"
	first=$(values "$ALICE" apppwLastUsed)
	sleep 1.1
	expect_bind 0 "$ALICE" "$pw"
	second=$(values "$ALICE" apppwLastUsed)
	echo "$first / $second"
	test "${first%% *}" = "${second%% *}"
	test "$first" != "$second"
'

test_expect_success 'apppw-lastused-precision 1h: a use a second later is not recorded' '
	config_set olcApppwLastUsedPrecision 1h
	pw=$(cat "$TEST_DIR/app.pw")
	first=$(values "$ALICE" apppwLastUsed)
	sleep 1.1
	expect_bind 0 "$ALICE" "$pw"
	test "$(values "$ALICE" apppwLastUsed)" = "$first"
'

test_expect_success 'deleting a setting brings its default back' '
	as_config ldapmodify <<-EOF
	dn: $OVERLAY_CONFIG_DN
	changetype: modify
	delete: olcApppwMaxCount
	-
	delete: olcApppwMaxAge
	-
	delete: olcApppwMaxIdle
	-
	delete: olcApppwScope
	olcApppwScope: {1}lan 10.0.0.0/8 2001:db8::/32 ldap://127.0.0.1:389/
	EOF
	expect_config olcApppwMaxCount
	expect_config olcApppwMaxAge
	expect_config olcApppwMaxIdle
	expect_config olcApppwScope "{0}mail 192.0.2.25 192.0.2.26"
	# the default count, 40, lets alice have a third
	new_app_password "$ALICE" "Third" >/dev/null
	test "$(values "$ALICE" apppwPassword | wc -l)" = 3
	expect_ldap_error 19 "apppw: scope \"lan\" is not configured" \
		admin_modify "$CAROL" add apppwPassword "scope=lan password=$(app_password_string) label=LAN"
'

test_expect_success 'a scope deleted by its index alone' '
	as_config ldapmodify <<-EOF
	dn: $OVERLAY_CONFIG_DN
	changetype: modify
	add: olcApppwScope
	olcApppwScope: vpn 192.0.2.1
	olcApppwScope: wifi 192.0.2.128/25
	-
	delete: olcApppwScope
	olcApppwScope: {0}
	EOF
	expect_config olcApppwScope "{0}vpn 192.0.2.1" "{1}wifi 192.0.2.128/25"
	expect_ldap_error 19 "apppw: scope \"mail\" is not configured" \
		admin_modify "$CAROL" add apppwPassword "scope=mail password=$(app_password_string) label=Mail"
	new_app_password "$CAROL" "Wifi" scope=wifi >/dev/null
'

test_done
