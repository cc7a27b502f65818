#!/bin/bash
# apppw-web over HTTPS (--tls-cert, --tls-key; a throwaway self-signed
# certificate made here by openssl): cookies get Secure, plain HTTP gets
# nothing. And the options it refuses, each with its reason.
. "$(dirname "$0")/lib/test-lib.sh"
. "$(dirname "$0")/lib/web-lib.sh"
start_slapd

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	-subj /CN=127.0.0.1 -days 2 -keyout "$TEST_DIR/key.pem" \
	-out "$TEST_DIR/cert.pem" 2>/dev/null || bail_out "openssl cannot make a certificate"
WEB_SCHEME=https start_web --tls-cert "$TEST_DIR/cert.pem" --tls-key "$TEST_DIR/key.pem"

test_expect_success 'the sign-in page over HTTPS, its cookie Secure' '
	web_get /
	expect_status 200
	header Set-Cookie | grep -Eqx "apppw_session=[0-9a-f]{64}; Path=/; HttpOnly; SameSite=Strict; Secure"
	grep -q "listening on 127.0.0.1:[0-9]* (HTTPS)" "$WEB_LOG"
'

test_expect_success 'the certificate is the one given' '
	curl -sS --cacert "$TEST_DIR/cert.pem" -o /dev/null -w "%{http_code}" \
		"$WEB_URL/" >"$TEST_DIR/code"
	test "$(cat "$TEST_DIR/code")" = 200
'

test_expect_success 'sign-in over HTTPS; every cookie Secure' '
	sign_in bob "$BOB_PW"
	expect_status 303
	header Set-Cookie | grep -Eqx "apppw_session=[0-9a-f]{64}; Path=/; HttpOnly; SameSite=Strict; Secure"
	web_get /?lang=sv
	header Set-Cookie | grep -qx "apppw_lang=sv; Path=/; HttpOnly; SameSite=Strict; Secure; Max-Age=31536000"
'

test_expect_success 'plain HTTP to the HTTPS port gets no page' '
	not curl -sS -m 5 -o "$TEST_DIR/plain" "http${WEB_URL#https}/"
	not grep -q "id=\"signin\"" "$TEST_DIR/plain"
'

# refused OPTIONS... MESSAGE: apppw-web exits 2 and says MESSAGE
refused() {
	local msg=$1 rc=0
	shift
	"$BUILD/apppw-web" "$@" >"$TEST_DIR/out" 2>"$TEST_DIR/err" || rc=$?
	test "$rc" = 2 || { echo "status $rc"; return 1; }
	echo "apppw-web: $msg" | diff -u - "$TEST_DIR/err"
}

test_expect_success 'options it refuses' '
	refused "give --user-dn, or --search-base and --search-filter"
	refused "--user-dn and --search-filter take one %s and no other %" \
		--user-dn uid=x,dc=example,dc=com
	refused "--tls-cert and --tls-key go together" --user-dn "uid=%s" \
		--tls-cert "$TEST_DIR/cert.pem"
	refused "--idle must be a number from 1 to 86400" --user-dn "uid=%s" --idle 0
	refused "--listen nowhere: give ADDR:PORT, or [ADDR6]:PORT" \
		--user-dn "uid=%s" --listen nowhere
	refused "--issuer must be non-empty and without '"'"':'"'"'" \
		--user-dn "uid=%s" --issuer a:b
'

test_done
