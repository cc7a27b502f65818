#!/bin/bash
# apppwOfferedScope: on apppwUser entries, when asked for by name or "+",
# one value per apppw-scope, "NAME ITEM..." as configured, in configuration
# order; none without scopes; never written; cn=config changes show at
# once. "apppw scopes" shows them as a table, TSV or JSON, and "apppw
# create --scope" refuses a scope not offered before it sends the request.
. "$(dirname "$0")/lib/test-lib.sh"
. "$(dirname "$0")/lib/tool-lib.sh"

# carol may not read the attribute: create then leaves the refusal to the
# server (the rule sits before the ACLs of acl.conf)
start_slapd "apppw-scope imap service=imap
apppw-scope office 10.0.0.0/8 2001:DB8::/32
apppw-scope mail service=imap service=smtp ldap://127.0.0.1:389/
access to attrs=apppwOfferedScope
	by dn.exact=\"$CAROL\" none
	by * break"

# search_as DN PW ARGS...: ldapsearch -LLL, unwrapped, bound as DN
search_as() {
	local dn=$1 pw=$2
	shift 2
	ldapsearch -x -H "$LDAP_URI" -D "$dn" -w "$pw" -LLL -o ldif-wrap=no "$@"
}

# create_events: how many create extended operations slapd has logged
create_events() {
	grep -c " EXT oid=$CREATE_OID\$" "$TEST_DIR/slapd.log" || :
}

test_expect_success 'by name: one value per scope, as configured, in order' '
	search_as "$BOB" "$BOB_PW" -b "$ALICE" -s base apppwOfferedScope \
		>"$TEST_DIR/out"
	cat >"$TEST_DIR/expected" <<-EOF
	dn: $ALICE
	apppwOfferedScope: imap service=imap
	apppwOfferedScope: office 10.0.0.0/8 2001:DB8::/32
	apppwOfferedScope: mail service=imap service=smtp ldap://127.0.0.1:389/

	EOF
	diff -u "$TEST_DIR/expected" "$TEST_DIR/out"
'

test_expect_success 'with "+" the same values; with "*" or no list, none' '
	search_as "$BOB" "$BOB_PW" -b "$ALICE" -s base "+" |
		grep "^apppwOfferedScope: " >"$TEST_DIR/plus"
	grep "^apppwOfferedScope: " "$TEST_DIR/expected" | diff -u - "$TEST_DIR/plus"
	search_as "$BOB" "$BOB_PW" -b "$ALICE" -s base "*" >"$TEST_DIR/star"
	not grep -qi offeredscope "$TEST_DIR/star"
	search_as "$BOB" "$BOB_PW" -b "$ALICE" -s base >"$TEST_DIR/plain"
	not grep -qi offeredscope "$TEST_DIR/plain"
'

test_expect_success 'only on apppwUser entries; not shown to whom the ACLs deny it' '
	as_admin ldapsearch -LLL -b "ou=people,$BASE_DN" -s base \
		apppwOfferedScope >"$TEST_DIR/out"
	printf "dn: ou=people,%s\n\n" "$BASE_DN" | diff -u - "$TEST_DIR/out"
	pw=$(new_app_password "$CAROL" Laptop)
	search_as "$CAROL" "$pw" -b "$CAROL" -s base apppwOfferedScope \
		>"$TEST_DIR/out"
	printf "dn: %s\n\n" "$CAROL" | diff -u - "$TEST_DIR/out"
	rc=0
	ldapsearch -x -H "$LDAP_URI" -LLL -b "$ALICE" -s base apppwOfferedScope \
		>"$TEST_DIR/anon" 2>&1 || rc=$?
	test "$rc" = 32
	echo "No such object (32)" | diff -u - "$TEST_DIR/anon"
'

test_expect_success 'a values-return filter matches the values' '
	search_as "$BOB" "$BOB_PW" -b "$ALICE" -s base \
		-E "mv=(apppwOfferedScope=Office 10.0.0.0/8 2001:db8::/32)" \
		apppwOfferedScope >"$TEST_DIR/out"
	printf "dn: %s\napppwOfferedScope: %s\n\n" "$ALICE" \
		"office 10.0.0.0/8 2001:DB8::/32" | diff -u - "$TEST_DIR/out"
'

# modify_refused ARGS...: ldapmodify ARGS, as rootdn, of $TEST_DIR/mod
# fails with constraintViolation and the text on stdin
modify_refused() {
	local rc=0
	as_admin ldapmodify "$@" -f "$TEST_DIR/mod" >"$TEST_DIR/out" \
		2>"$TEST_DIR/err" || rc=$?
	cat "$TEST_DIR/out" "$TEST_DIR/err"
	test "$rc" = 19
	printf "modifying entry \"%s\"\n\n" "$ALICE" | diff -u - "$TEST_DIR/out"
	printf "ldap_modify: Constraint violation (19)\n\tadditional info: %s\n" \
		"$(cat)" | diff -u - "$TEST_DIR/err"
}

test_expect_success 'not writable, not even by the rootdn with Relax' '
	modify_ldif "$ALICE" add apppwOfferedScope "vpn 192.0.2.0/24" >"$TEST_DIR/mod"
	echo "apppwOfferedScope: no user modification allowed" | modify_refused
	echo "apppwOfferedScope: no-user-modification attribute not manageable" |
		modify_refused -e relax
	modify_ldif "$ALICE" replace apppwOfferedScope >"$TEST_DIR/mod"
	echo "apppwOfferedScope: no user modification allowed" | modify_refused
'

test_expect_success 'apppw scopes: a table' '
	run_tool 0 -x -H "$LDAP_URI" -D "$BOB" -w "$BOB_PW" scopes
	cat >"$TEST_DIR/expected" <<-EOF
	SCOPE   CONDITIONS
	imap    service=imap
	office  10.0.0.0/8 2001:DB8::/32
	mail    service=imap service=smtp ldap://127.0.0.1:389/
	EOF
	diff -u "$TEST_DIR/expected" "$TEST_DIR/tool.out"
	test ! -s "$TEST_DIR/tool.err"
'

test_expect_success 'apppw scopes: TSV, for a DN given' '
	run_tool 0 -x -H "$LDAP_URI" -D "$ADMIN_DN" -w "$ADMIN_PW" scopes \
		--format tsv "$ALICE"
	printf "%s\t%s\n" scope conditions imap service=imap \
		office "10.0.0.0/8 2001:DB8::/32" \
		mail "service=imap service=smtp ldap://127.0.0.1:389/" |
		diff -u - "$TEST_DIR/tool.out"
	test ! -s "$TEST_DIR/tool.err"
'

test_expect_success 'apppw scopes: JSON, each condition a string' '
	run_tool 0 -x -H "$LDAP_URI" -D "$BOB" -w "$BOB_PW" scopes --format json
	cat >"$TEST_DIR/expected" <<-EOF
	[
	  {"scope": "imap", "conditions": ["service=imap"]},
	  {"scope": "office", "conditions": ["10.0.0.0/8", "2001:DB8::/32"]},
	  {"scope": "mail", "conditions": ["service=imap", "service=smtp", "ldap://127.0.0.1:389/"]}
	]
	EOF
	diff -u "$TEST_DIR/expected" "$TEST_DIR/tool.out"
	test ! -s "$TEST_DIR/tool.err"
'

test_expect_success 'apppw scopes: a bad --format is a usage error' '
	run_tool 2 -x -H "$LDAP_URI" -D "$BOB" -w "$BOB_PW" scopes --format xml
	printf "%s\n" "apppw: --format is table, tsv or json" \
		"Run \"apppw -h\" for the usage." | diff -u - "$TEST_DIR/tool.err"
'

test_expect_success 'create --scope with a scope not offered fails before sending' '
	before=$(create_events)
	run_tool 1 -x -H "$LDAP_URI" -D "$ADMIN_DN" -w "$ADMIN_PW" create \
		--label Pop --scope pop3 "$ALICE"
	test ! -s "$TEST_DIR/tool.out"
	echo "apppw: create: scope \"pop3\" is not offered for $ALICE; the offered scopes: imap, office, mail (see apppw scopes)" |
		diff -u - "$TEST_DIR/tool.err"
	test "$(create_events)" = "$before"
	test -z "$(values "$ALICE" apppwPassword)"
'

test_expect_success 'create --scope with an offered scope is sent, and made' '
	run_tool 0 -x -H "$LDAP_URI" -D "$ADMIN_DN" -w "$ADMIN_PW" create \
		--label Office --scope office "$ALICE"
	values "$ALICE" apppwPassword | grep -q " scope=office "
'

test_expect_success 'where the attribute cannot be read, the server'"'"'s refusal is shown' '
	run_tool 1 -x -H "$LDAP_URI" -D "$CAROL" -w "$CAROL_PW$(code "$CAROL_TOTP")" \
		create --label Pop --scope pop3
	test ! -s "$TEST_DIR/tool.out"
	printf "%s\n\t%s\n" "apppw: create: Constraint violation (19)" \
		"additional info: apppw: scope \"pop3\" is not configured (see apppw-scope in slapo-apppw(5)); this server'"'"'s scopes: imap, office, mail" |
		diff -u - "$TEST_DIR/tool.err"
'

test_expect_success 'cn=config: a scope added, inserted or deleted shows at once' '
	modify_ldif "$OVERLAY_CONFIG_DN" add olcApppwScope "vpn 192.0.2.0/24" |
		as_config ldapmodify >/dev/null
	modify_ldif "$OVERLAY_CONFIG_DN" add olcApppwScope "{0}web service=http" |
		as_config ldapmodify >/dev/null
	modify_ldif "$OVERLAY_CONFIG_DN" delete olcApppwScope "{2}" |
		as_config ldapmodify >/dev/null
	run_tool 0 -x -H "$LDAP_URI" -D "$BOB" -w "$BOB_PW" scopes --format tsv
	printf "%s\t%s\n" scope conditions web service=http imap service=imap \
		mail "service=imap service=smtp ldap://127.0.0.1:389/" \
		vpn 192.0.2.0/24 | diff -u - "$TEST_DIR/tool.out"
	expect_config olcApppwScope "{0}web service=http" "{1}imap service=imap" \
		"{2}mail service=imap service=smtp ldap://127.0.0.1:389/" \
		"{3}vpn 192.0.2.0/24"
'

test_expect_success 'cn=config: without scopes, no values, and apppw scopes says so' '
	modify_ldif "$OVERLAY_CONFIG_DN" delete olcApppwScope |
		as_config ldapmodify >/dev/null
	search_as "$BOB" "$BOB_PW" -b "$ALICE" -s base apppwOfferedScope \
		>"$TEST_DIR/out"
	printf "dn: %s\n\n" "$ALICE" | diff -u - "$TEST_DIR/out"
	run_tool 0 -x -H "$LDAP_URI" -D "$BOB" -w "$BOB_PW" scopes
	test ! -s "$TEST_DIR/tool.out"
	echo "No scopes are offered for $BOB: create its app passwords without --scope." |
		diff -u - "$TEST_DIR/tool.err"
	run_tool 0 -x -H "$LDAP_URI" -D "$BOB" -w "$BOB_PW" scopes --format tsv
	printf "scope\tconditions\n" | diff -u - "$TEST_DIR/tool.out"
	run_tool 0 -x -H "$LDAP_URI" -D "$BOB" -w "$BOB_PW" scopes --format json
	echo "[]" | diff -u - "$TEST_DIR/tool.out"
'

test_expect_success '... and create --scope leaves the refusal to the server' '
	run_tool 1 -x -H "$LDAP_URI" -D "$ADMIN_DN" -w "$ADMIN_PW" create \
		--label Imap --scope imap "$ALICE"
	printf "%s\n\t%s\n" "apppw: create: Constraint violation (19)" \
		"additional info: apppw: scope \"imap\" is not configured (see apppw-scope in slapo-apppw(5)); this server has none" |
		diff -u - "$TEST_DIR/tool.err"
'

test_done
