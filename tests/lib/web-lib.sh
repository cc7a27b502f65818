# web-lib.sh - apppw-web beside a scenario's slapd, driven with curl
#
#	. "$(dirname "$0")/lib/test-lib.sh"
#	. "$(dirname "$0")/lib/web-lib.sh"
#	start_slapd
#	start_web [OPTIONS...]
#
# start_web runs build/apppw-web in the scenario's main shell, on a free
# loopback port, signing users in as uid=%s,ou=people,$BASE_DN (unless
# WEB_SEARCH is set); it is
# stopped by PID on exit, whatever happens. Requests go through web_get
# and web_post, which keep cookies in a jar (JAR, default "main"), and
# leave the status in $TEST_DIR/status, headers in $TEST_DIR/headers and
# the body in $TEST_DIR/body.

WEB_PID=
WEB_URL=
WEB_LOG="$TEST_DIR/web.log"

# start_web [OPTIONS...]: the options follow the defaults, and may
# override them
start_web() {
	local tries=0 port lookup=(--user-dn "uid=%s,ou=people,$BASE_DN")
	# WEB_SEARCH=1: the options find users by a search instead
	[ -z "${WEB_SEARCH:-}" ] || lookup=()
	while [ $tries -lt 5 ]; do
		port=$(free_port) || bail_out "no free port"
		WEB_URL="${WEB_SCHEME:-http}://127.0.0.1:$port"
		${WEB_WRAPPER:-} "$BUILD/apppw-web" -H "$LDAP_URI" "${lookup[@]}" \
			--listen "127.0.0.1:$port" --locale-dir "$BUILD/locale" \
			"$@" 2>>"$WEB_LOG" &
		WEB_PID=$!
		if wait_web "$WEB_PID" "$port"; then
			return 0
		fi
		stop_web
		tries=$((tries + 1))
	done
	bail_out "apppw-web did not start; see $WEB_LOG"
}

# wait_web PID PORT: until the port accepts connections
wait_web() {
	local i=0 tries=100
	[ -n "${WEB_WRAPPER:-}" ] && tries=600
	while [ $i -lt $tries ]; do
		kill -0 "$1" 2>/dev/null || return 1
		ss -Htln "( sport = :$2 )" | grep -q . && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# stop_web: SIGTERM, and its exit status must be 0
stop_web() {
	local rc=0
	if [ -n "$WEB_PID" ]; then
		end_process "$WEB_PID" || rc=$?
		WEB_PID=
		if [ "$rc" != 0 ]; then
			echo "# apppw-web exited with status $rc when stopped"
			test_failed=$((test_failed + 1))
		fi
	fi
}

trap 'stop_web; cleanup' EXIT

# web_get PATH [CURL ARGS...]: prints nothing; see the files above
web_get() {
	local path=$1
	shift
	curl -sS -k -o "$TEST_DIR/body" -D "$TEST_DIR/headers" \
		-w '%{http_code}' -b "$TEST_DIR/jar.${JAR:-main}" \
		-c "$TEST_DIR/jar.${JAR:-main}" "$@" "$WEB_URL$path" \
		>"$TEST_DIR/status"
}

# web_post PATH FIELD=VALUE... [-- CURL ARGS...]: a form POST with the
# page's CSRF token (from the last body) unless a csrf= field is given;
# values are URL-encoded here
web_post() {
	local path=$1 f have_csrf=
	local -a fields=() extra=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		case $1 in csrf=*) have_csrf=1 ;; esac
		fields+=(--data-urlencode "$1")
		shift
	done
	[ $# = 0 ] || { shift; extra=("$@"); }
	[ -n "$have_csrf" ] || fields=(--data-urlencode "csrf=$(csrf)" "${fields[@]}")
	web_get "$path" "${fields[@]}" "${extra[@]}"
}

# csrf: the CSRF token of the last page
csrf() {
	sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$TEST_DIR/body" | head -1
}

# status: the last response's status
status() {
	cat "$TEST_DIR/status"
}

# header NAME: the last response's header NAME, without CR
header() {
	sed -n "s/^$1: //Ip" "$TEST_DIR/headers" | tr -d '\r'
}

# expect_status CODE
expect_status() {
	[ "$(status)" = "$1" ] || { echo "status $(status), expected $1"; return 1; }
}

# unescape: HTML's five escapes undone, as a browser shows the text
unescape() {
	sed "s/&lt;/</g; s/&gt;/>/g; s/&quot;/\"/g; s/&#39;/'/g; s/&amp;/\\&/g"
}

# the #error paragraph's text, or nothing
error_text() {
	sed -n 's/.*<p id="error" role="alert">\(.*\)<\/p>.*/\1/p' "$TEST_DIR/body" |
		unescape
}

# sign_in USER PASSWORD [CODE]: through the form from a fresh start; the
# status is that of the last POST
sign_in() {
	web_get /
	web_post /signin "username=$1" "password=$2"
	if [ -n "${3:-}" ]; then
		web_get /
		web_post /code "code=$3"
	fi
}

# page_text ID: the text of the element with that id (one line), tags
# stripped
page_text() {
	sed -n "s/.*id=\"$1\"[^>]*>\\(.*\\)/\\1/p" "$TEST_DIR/body" | head -1 |
		sed 's/<\/[a-z]*>.*//; s/<[^>]*>//g' | unescape
}

# require_mfa DN: an administrator requires MFA for DN, with one
# ldapmodify; without a TOTP secret, the account is then pending
require_mfa() {
	admin_modify "$1" replace apppwMFARequired TRUE >/dev/null
}

# enrol USER PASSWORD: a pending USER signs in, and from the code page sets
# the first authenticator up (the page sends the enrol operation) with
# oathtool's code for the secret the page shows; the secret is left in
# $TEST_DIR/secret.USER
enrol() {
	sign_in "$1" "$2"
	web_get /
	web_post /setup
	web_get /setup
	page_text secret | tr -d ' ' >"$TEST_DIR/secret.$1"
	totp_settle
	web_post /setup/verify "code=$(totp "$(cat "$TEST_DIR/secret.$1")")"
}
