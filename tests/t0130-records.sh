#!/bin/bash
# Every value written to apppwPassword is checked: malformed ones are
# refused with a text naming the problem, and nothing is stored.
. "$(dirname "$0")/lib/test-lib.sh"
start_slapd "apppw-scope mail 192.0.2.25"

# try VALUE: add one apppwPassword value to alice, as rootdn
try() {
	admin_modify "$ALICE" add apppwPassword "$1"
}

# try64 VALUE: the same, the value sent base64-encoded (for control bytes)
try64() {
	as_admin ldapmodify <<-EOF
	dn: $ALICE
	changetype: modify
	add: apppwPassword
	apppwPassword:: $(printf "$1" | base64 -w0)
	EOF
}

# refused CODE TEXT try|try64 VALUE: refused with CODE and TEXT, and alice's
# app passwords and last uses are as they were
refused() {
	local code=$1 text=$2
	shift 2
	ldif "$ALICE" apppwPassword apppwLastUsed >"$TEST_DIR/before"
	expect_ldap_error "$code" "$text" "$@"
	ldif "$ALICE" apppwPassword apppwLastUsed >"$TEST_DIR/after"
	diff -u "$TEST_DIR/before" "$TEST_DIR/after"
}

test_expect_success 'setup: alice has one app password, carol another' '
	new_app_password "$ALICE" "Phone" >"$TEST_DIR/alice.pw"
	new_app_password "$CAROL" "Carol laptop" >"$TEST_DIR/carol.pw"
	expect_bind 0 "$ALICE" "$(cat "$TEST_DIR/alice.pw")"
	test "$(values "$ALICE" apppwPassword | wc -l)" = 1
'
carol_record=$(values "$CAROL" apppwPassword)
# the stored record's fields, to build others from
hash=$(printf %s "$carol_record" | sed -n "s/.* hash=\([^ ]*\) .*/\1/p")
salt=$(printf %s "$hash" | cut -d\$ -f2)
NOW=$(date -u +%Y%m%d%H%M%SZ)

test_expect_success 'garbage is refused (21)' '
	refused 21 "apppw: malformed apppwPassword value: unknown, repeated or misplaced field" \
		try "hello world"
'

test_expect_success 'a truncated record is refused (21)' '
	refused 21 "apppw: malformed apppwPassword value: " \
		try "${carol_record%% label=*}"
	refused 21 "apppw: malformed apppwPassword value: " \
		try "id=zzzz created=$NOW"
	refused 21 "apppw: malformed apppwPassword value: hash field is malformed" \
		try "id=zzzz created=$NOW hash=${hash:0:30} label=x"
'

test_expect_success 'a hash that is not base64 is refused (21)' '
	refused 21 "apppw: malformed apppwPassword value: hash field is malformed" \
		try "id=zzzz created=$NOW hash=b2b\$$salt\$!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!! label=x"
	refused 21 "apppw: malformed apppwPassword value: hash field is malformed" \
		try "id=zzzz created=$NOW hash=md5\$$salt\$${hash##*\$} label=x"
'

test_expect_success 'a bad time is refused (21)' '
	refused 21 "apppw: malformed apppwPassword value: time is not a valid GeneralizedTime YYYYmmddHHMMSSZ" \
		try "id=zzzz created=20261399000000Z hash=$hash label=x"
	refused 21 "apppw: malformed apppwPassword value: time is not a valid GeneralizedTime YYYYmmddHHMMSSZ" \
		try "id=zzzz created=$NOW expires=tomorrow hash=$hash label=x"
'

test_expect_success 'a bad id is refused (21)' '
	refused 21 "apppw: malformed apppwPassword value: id is not four base32 symbols" \
		try "id=zzzi created=$NOW hash=$hash label=x"
'

test_expect_success 'a label with a control character is refused (21)' '
	refused 21 "apppw: malformed apppwPassword value: label must be 1 to 64 characters" \
		try64 "id=zzzz created=$NOW hash=$hash label=tab\\there"
	refused 21 "apppw: malformed apppwPassword request: label must be 1 to 64 characters" \
		try64 "password=$(app_password_string) label=new\\nline"
'

test_expect_success 'an empty label, and one of 65 characters, are refused (21)' '
	refused 21 "apppw: malformed apppwPassword value: " \
		try "id=zzzz created=$NOW hash=$hash label="
	refused 21 "apppw: malformed apppwPassword request: label must be 1 to 64 characters" \
		try "password=$(app_password_string) label=$(printf "%065d" 0)"
'

test_expect_success 'a label of 64 characters of UTF-8 is accepted' '
	label=$(printf "å%.0s" $(seq 64))
	pw=$(app_password_string)
	echo "$pw" >"$TEST_DIR/utf8.pw"
	try "password=$pw label=$label"
	expect_values "$ALICE" apppwPassword "$(cat "$TEST_DIR/alice.pw")" "$pw" <<-EOF
	id=ID1 created=TIME hash=b2b:HASH label=Phone
	id=ID2 created=TIME hash=b2b:HASH label=$label
	EOF
	expect_bind 0 "$ALICE" "$pw"
'

test_expect_success 'a value with a NUL byte is refused (21)' '
	refused 21 "" try64 "id=zzzz created=$NOW hash=$hash label=a\\0b"
'

test_expect_success 'a value over 640 bytes is refused (21)' '
	refused 21 "apppw: malformed apppwPassword value: value too long" \
		try "id=zzzz created=$NOW hash=$hash label=$(printf "%0700d" 0)"
'

test_expect_success 'a request with a bad password is refused (21)' '
	refused 21 "apppw: malformed apppwPassword request: password is not an app password" \
		try "password=secret label=Phone"
	refused 21 "apppw: malformed apppwPassword request: password is not an app password" \
		try "password=$(app_password_string)x label=Phone"
	refused 21 "apppw: malformed apppwPassword request: password is not an app password" \
		try "password=ilou-ilou-ilou-ilou-ilou label=Phone"
'

test_expect_success 'a request without a label is refused (21)' '
	refused 21 "apppw: malformed apppwPassword request: a required field is missing" \
		try "password=$(app_password_string)"
'

test_expect_success 'a record naming a scope that is not configured is refused (19)' '
	refused 19 "apppw: scope \"vpn\" is not configured (see apppw-scope in slapo-apppw(5))" \
		try "id=zzzz created=$NOW scope=vpn hash=$hash label=x"
	refused 19 "apppw: scope \"vpn\" is not configured" \
		try "scope=vpn password=$(app_password_string) label=VPN"
'

test_expect_success 'a record with a configured scope is accepted' '
	pw=$(app_password_string)
	echo "$pw" >"$TEST_DIR/mail.pw"
	try "scope=mail password=$pw label=Mail server"
	expect_values "$ALICE" apppwPassword \
		$(cat "$TEST_DIR"/alice.pw "$TEST_DIR"/utf8.pw "$TEST_DIR"/mail.pw) <<-EOF
	id=ID1 created=TIME hash=b2b:HASH label=Phone
	id=ID2 created=TIME hash=b2b:HASH label=$(printf "å%.0s" $(seq 64))
	id=ID3 created=TIME scope=mail hash=b2b:HASH label=Mail server
	EOF
'

test_expect_success 'an expiry in the past is refused (19)' '
	refused 19 "apppw: the app password.s expiry is in the past" \
		try "id=zzzz created=20200101000000Z expires=20200201000000Z hash=$hash label=x"
	refused 19 "apppw: the app password.s expiry is in the past" \
		try "expires=20200201000000Z password=$(app_password_string) label=x"
'

test_expect_success 'a creation time in the future is refused (19)' '
	refused 19 "apppw: the record.s creation time is in the future" \
		try "id=zzzz created=20300101000000Z hash=$hash label=x"
'

test_expect_success 'an expiry before the creation is refused (21)' '
	refused 21 "apppw: malformed apppwPassword value: expires is not after created" \
		try "id=zzzz created=20300101000000Z expires=20290101000000Z hash=$hash label=x"
'

test_expect_success 'a duplicate id is refused (19), in the entry or in the same modify' '
	alice_pw=$(cat "$TEST_DIR/alice.pw")
	refused 19 "apppw: the entry already has an app password with id ${alice_pw:0:4}" \
		try "password=${alice_pw:0:4}-$(app_password_string | cut -c6-) label=Twin"
	pw=$(app_password_string)
	refused 19 "apppw: the entry already has an app password with id ${pw:0:4}" \
		admin_modify "$ALICE" add apppwPassword "password=$pw label=One" \
			"password=${pw:0:4}-$(app_password_string | cut -c6-) label=Two"
'

test_expect_success 'one bad value among good ones: nothing of the modify is stored' '
	refused 21 "apppw: malformed apppwPassword value: " \
		as_admin ldapmodify <<-EOF
	dn: $ALICE
	changetype: modify
	replace: mail
	mail: changed@example.com
	-
	add: apppwPassword
	apppwPassword: password=$(app_password_string) label=Good
	apppwPassword: garbage
	EOF
	test "$(values "$ALICE" mail)" = alice@example.com
'

test_expect_success 'a replace with a bad value keeps the old values' '
	refused 21 "apppw: malformed apppwPassword request: password is not an app password" \
		admin_modify "$ALICE" replace apppwPassword "password=nope label=x"
'

test_expect_success 'an entry added with a bad value is not added' '
	expect_ldap_error 21 "apppw: malformed apppwPassword value: " \
		as_admin ldapadd <<-EOF
	dn: uid=dave,ou=people,$BASE_DN
	objectClass: inetOrgPerson
	objectClass: apppwUser
	uid: dave
	cn: Dave
	sn: Dave
	apppwMFARequired: TRUE
	apppwPassword: garbage
	EOF
	expect_ldap_error 32 "" as_admin ldapsearch -b "uid=dave,ou=people,$BASE_DN" -s base
'

test_expect_success 'an entry added with a request gets a record' '
	pw=$(app_password_string)
	as_admin ldapadd <<-EOF
	dn: uid=dave,ou=people,$BASE_DN
	objectClass: inetOrgPerson
	objectClass: apppwUser
	uid: dave
	cn: Dave
	sn: Dave
	apppwMFARequired: TRUE
	apppwPassword: password=$pw label=Dave phone
	EOF
	expect_values "uid=dave,ou=people,$BASE_DN" apppwPassword "$pw" <<-EOF
	id=ID1 created=TIME hash=b2b:HASH label=Dave phone
	EOF
	expect_bind 0 "uid=dave,ou=people,$BASE_DN" "$pw"
'

test_expect_success 'a pre-hashed record (taken from carol) is stored as it is, and binds' '
	try "$carol_record"
	values "$ALICE" apppwPassword | grep -Fqx "$carol_record"
	expect_bind_as "$ALICE" "$(cat "$TEST_DIR/carol.pw")"
'

test_expect_success 'the final state, as LDIF' '
	ldif "$ALICE" apppwPassword | ldif_plain |
		normalize_records $(cat "$TEST_DIR"/alice.pw "$TEST_DIR"/utf8.pw \
			"$TEST_DIR"/mail.pw "$TEST_DIR"/carol.pw) >"$TEST_DIR/final"
	cat >"$TEST_DIR/expected" <<-EOF
	dn: $ALICE
	apppwPassword: id=ID1 created=TIME hash=b2b:HASH label=Phone
	apppwPassword: id=ID2 created=TIME hash=b2b:HASH label=$(printf "å%.0s" $(seq 64))
	apppwPassword: id=ID3 created=TIME scope=mail hash=b2b:HASH label=Mail server
	apppwPassword: id=ID4 created=TIME hash=b2b:HASH label=Carol laptop

	EOF
	diff -u "$TEST_DIR/expected" "$TEST_DIR/final"
'

test_done
