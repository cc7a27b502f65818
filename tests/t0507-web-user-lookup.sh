#!/bin/bash
# How apppw-web turns a username into a DN: the DN template, with the
# username escaped as a DN value; or a search (base, filter, a search
# account), with the username escaped as a filter value, and exactly one
# entry found.
. "$(dirname "$0")/lib/test-lib.sh"
. "$(dirname "$0")/lib/web-lib.sh"
start_slapd
start_web
ESCAPED_DN='uid=bob\2Cou\3Dpeople,ou=people,dc=example,dc=com'
ESCAPED_FILTER='filter="(&(objectClass=inetOrgPerson)(mail=\2A@example.com))"'

test_expect_success 'template: a username cannot add RDNs or wildcards' '
	JAR=a sign_in "bob,ou=people" "$BOB_PW" 123456
	test "$(error_text)" = "The username, password or code is not right."
	JAR=b sign_in "bob+cn=x" "$BOB_PW" 123456
	test "$(error_text)" = "The username, password or code is not right."
	grep -qF "BIND dn=\"$ESCAPED_DN\"" "$TEST_DIR/slapd.log"
'

stop_web
printf "%s\n" "$ADMIN_PW" >"$TEST_DIR/search.pw"
WEB_SEARCH=1 start_web --search-base "ou=people,$BASE_DN" \
	--search-filter "(&(objectClass=inetOrgPerson)(mail=%s@example.com))" \
	--search-bind-dn "$ADMIN_DN" --search-bind-pw-file "$TEST_DIR/search.pw"

test_expect_success 'search: the entry found signs in' '
	JAR=c sign_in bob "$BOB_PW"
	expect_status 303
	test "$(header Location)" = /home
	grep -q "signin user=\"bob\" from=127.0.0.1 mfa=no" "$WEB_LOG"
'

test_expect_success 'search: a wildcard is a literal, and finds nobody' '
	JAR=d sign_in "*" "$BOB_PW"
	expect_status 200
	test "$(error_text)" = "The username, password or code is not right."
	grep -q "signin failed user=\"\\*\" from=127.0.0.1 reason=no such user" "$WEB_LOG"
	grep -qF "$ESCAPED_FILTER" "$TEST_DIR/slapd.log"
'

test_expect_success 'the search account password is not logged' '
	not grep -e "$ADMIN_PW" "$WEB_LOG"
'

test_done
