# test-lib.sh - shared helpers for the integration scenarios
#
# A scenario sources this file, describes itself, then runs checks:
#
#	. "$(dirname "$0")/lib/test-lib.sh"
#	start_slapd
#	test_expect_success 'title' 'shell commands'
#	test_done
#
# Output is TAP. Each scenario gets its own temporary directory and its own
# slapd on a free port, killed by PID on exit whatever happens. Set
# TEST_VERBOSE=1 to see every check's output, TEST_KEEP=1 to keep the
# directory, SLAPD_WRAPPER to run slapd under a tool, such as
# SLAPD_WRAPPER="valgrind --log-file=/tmp/vg.%p".

set -u

TEST_ROOT=$(cd "$(dirname "$0")" && pwd)
SRC_ROOT=$(cd "$TEST_ROOT/.." && pwd)
. "$TEST_ROOT/lib/ports.sh"
BUILD="$SRC_ROOT/build"
PATH="$BUILD:$PATH"
export PATH

TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/apppw-test.XXXXXX")
SLAPD_PID=
test_count=0
test_failed=0

BASE_DN="dc=example,dc=com"
ADMIN_DN="cn=admin,$BASE_DN"
ADMIN_PW="admin-secret"
ALICE="uid=alice,ou=people,$BASE_DN"
ALICE_PW="alice-pw"
ALICE_TOTP="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
BOB="uid=bob,ou=people,$BASE_DN"
BOB_PW="bob-pw"
CAROL="uid=carol,ou=people,$BASE_DN"
CAROL_PW="carol-pw"
CAROL_TOTP="GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

# No ldap.conf or ldaprc of the machine or the user may change a test.
LDAPNOINIT=1
export LDAPNOINIT

cleanup() {
	local failed=$test_failed
	stop_slapd
	if [ -n "${TEST_KEEP:-}" ] || [ "$test_failed" != 0 ]; then
		echo "# test directory kept: $TEST_DIR"
	else
		rm -rf "$TEST_DIR"
	fi
	[ "$test_failed" = "$failed" ] || exit 1
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() {
	printf '# %s\n' "$*"
}

# run_check SCRIPT: SCRIPT runs in a subshell with set -e, its output in
# $TEST_DIR/check.out; its exit status. Call it as a plain command, never
# in an if or an && / || list: bash ignores set -e there, down into the
# subshell, and only the last command of SCRIPT would count. (Under set -e,
# "! cmd" never stops a script either: write "not cmd" instead.)
run_check() {
	(set -e; eval "$1") >"$TEST_DIR/check.out" 2>&1
}

# test_expect_success TITLE SCRIPT: the check SCRIPT (run_check); its
# output is shown only when it fails
test_expect_success() {
	local rc
	test_count=$((test_count + 1))
	run_check "$2"
	rc=$?
	if [ "$rc" = 0 ]; then
		echo "ok $test_count - $1"
		[ -n "${TEST_VERBOSE:-}" ] && sed 's/^/# /' "$TEST_DIR/check.out"
	else
		echo "not ok $test_count - $1"
		sed 's/^/# /' "$TEST_DIR/check.out"
		test_failed=$((test_failed + 1))
	fi
	return 0
}

# test_expect_todo TITLE REASON SCRIPT: a check of a known breakage (a
# bug found and not fixed yet, named in REASON): run and shown like any
# other, reported with TAP's TODO directive, so that its failure does not
# fail the suite and prove says when it passes
test_expect_todo() {
	local rc
	test_count=$((test_count + 1))
	run_check "$3"
	rc=$?
	if [ "$rc" = 0 ]; then
		echo "ok $test_count - $1 # TODO $2"
	else
		echo "not ok $test_count - $1 # TODO $2"
		sed 's/^/# /' "$TEST_DIR/check.out"
	fi
	return 0
}

# not COMMAND...: succeeds when COMMAND fails, and stops a check under
# set -e when COMMAND succeeds (which "! COMMAND" does not)
not() {
	if "$@"; then
		return 1
	fi
	return 0
}

test_done() {
	echo "1..$test_count"
	[ "$test_failed" = 0 ]
	exit $?
}

bail_out() {
	echo "Bail out! $*"
	test_failed=$((test_failed + 1))
	exit 1
}

# write_config [DIRECTIVES [GLOBAL]]: the demo's slapd.conf; DIRECTIVES
# are added after "overlay apppw", GLOBAL after the modules are loaded.
write_config() {
	mkdir -p "$TEST_DIR/slapd.d"
	"$SRC_ROOT/tools/conf/slapd-conf.sh" "$TEST_DIR" "$BASE_DN" "$ADMIN_DN" \
		"$ADMIN_PW" "${1:-}" "${2:-}" >"$TEST_DIR/slapd.conf"
}

# start_slapd [DIRECTIVES]: configure (unless configured), convert to
# cn=config, load the base data once, and start slapd on free ports.
start_slapd() {
	if [ ! -f "$TEST_DIR/slapd.conf" ]; then
		write_config "${1:-}"
	fi
	if [ ! -f "$TEST_DIR/slapd.d/cn=config.ldif" ]; then
		slaptest -Q -u -f "$TEST_DIR/slapd.conf" ||
			bail_out "slaptest refused the configuration"
		slapadd -q -f "$TEST_DIR/slapd.conf" -b "$BASE_DN" \
			-l "${BASE_LDIF:-$TEST_ROOT/data/base.ldif}" ||
			bail_out "slapadd failed"
		mkdir -p "$TEST_DIR/slapd.d"
		slaptest -Q -f "$TEST_DIR/slapd.conf" -F "$TEST_DIR/slapd.d" ||
			bail_out "cannot convert the configuration to cn=config"
	fi
	LDAPI_SOCK="$TEST_DIR/ldapi"
	LDAPI_URI="ldapi://$(printf %s "$LDAPI_SOCK" | sed 's|/|%2F|g')"
	: >"$TEST_DIR/slapd.log"
	launch_slapd "$TEST_DIR/slapd.log" "$LDAPI_URI ${SLAPD_EXTRA_URLS:-}" \
		-F "$TEST_DIR/slapd.d"
	SLAPD_PID=$LAUNCHED_PID
	LDAP_URI=$LAUNCHED_URI
}

# launch_slapd LOG MORE_URLS ARGS...: start slapd with ARGS, listening on
# a free loopback port and MORE_URLS, trying five ports at most; sets
# LAUNCHED_PID and LAUNCHED_URI
launch_slapd() {
	local log=$1 more_urls=$2 tries=0
	shift 2
	while [ $tries -lt 5 ]; do
		LAUNCHED_URI="ldap://127.0.0.1:$(free_port)" || bail_out "no free port"
		${SLAPD_WRAPPER:-} /usr/sbin/slapd "$@" -d stats \
			-h "$LAUNCHED_URI $more_urls" >>"$log" 2>&1 &
		LAUNCHED_PID=$!
		if wait_listening "$LAUNCHED_PID" "$LAUNCHED_URI"; then
			return 0
		fi
		end_process "$LAUNCHED_PID" || :
		tries=$((tries + 1))
	done
	tail -20 "$log" | sed 's/^/# /'
	bail_out "slapd did not start"
}

# wait_listening PID URI: until the slapd of PID answers on URI, or exits
wait_listening() {
	local i=0 tries=100
	# valgrind and the sanitizers start slowly
	[ -n "${SLAPD_WRAPPER:-}" ] && tries=600
	while [ $i -lt $tries ]; do
		kill -0 "$1" 2>/dev/null || return 1
		ldapsearch -x -H "$2" -b "" -s base >/dev/null 2>&1 && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# stop_slapd: stop the scenario's slapd; one that does not exit cleanly
# fails the scenario
stop_slapd() {
	if [ -n "$SLAPD_PID" ]; then
		end_process "$SLAPD_PID" || shutdown_failed slapd $? "$TEST_DIR/slapd.log"
		SLAPD_PID=
	fi
}

# end_process PID: stop it with SIGTERM; its exit status
end_process() {
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

# shutdown_failed NAME STATUS LOG: a crash while slapd shuts its databases
# and overlays down fails the scenario. One after "slapd stopped." is only
# reported: slapd has unloaded its modules by then. One such crash was
# seen in several hundred stops (a worker thread jumping into unmapped
# code); its cause is not known.
shutdown_failed() {
	if [ "$(tail -1 "$3" | sed 's/^[^ ]* [^ ]* //')" = "slapd stopped." ]; then
		echo "# $1 exited with status $2 after \"slapd stopped.\""
		return 0
	fi
	echo "# $1 exited with status $2 when stopped; the end of $3:"
	tail -5 "$3" | sed 's/^/#   /'
	test_failed=$((test_failed + 1))
}

restart_slapd() {
	stop_slapd
	start_slapd
}

# expect_bind CODE DN PASSWORD [URI]: a simple bind as DN (with ldapwhoami)
# ends with the LDAP result CODE; if not, says what was expected, what
# happened and what ldapwhoami said (never the password). ldapwhoami's
# output stays in $TEST_DIR/bind.out.
expect_bind() {
	local want=$1 rc=0
	ldapwhoami -x -H "${4:-$LDAP_URI}" -D "$2" -w "$3" \
		>"$TEST_DIR/bind.out" 2>&1 || rc=$?
	[ "$rc" = "$want" ] && return 0
	echo "bind as $2: expected result $want, got $rc; ldapwhoami said:"
	cat "$TEST_DIR/bind.out"
	return 1
}

# expect_bind_as DN PASSWORD [URI]: the bind succeeds, and the server says
# the session is DN's (ldapwhoami prints "dn:DN"); a diff if not
expect_bind_as() {
	expect_bind 0 "$@" || return 1
	printf 'dn:%s\n' "$1" | diff -u - "$TEST_DIR/bind.out" ||
		{ echo "bind as $1: another identity"; return 1; }
}

# expect_bind_refused DN PASSWORD [URI]: the bind fails with 49, and the
# client is told nothing more than "Invalid credentials" (no diagnostic
# saying what was wrong); a diff if not
expect_bind_refused() {
	expect_bind 49 "$@" || return 1
	echo "ldap_bind: Invalid credentials (49)" | diff -u - "$TEST_DIR/bind.out" ||
		{ echo "bind as $1: refused, but told more"; return 1; }
}

# totp SECRET [OFFSET_STEPS [STEP [DIGITS]]]: the code oathtool computes
totp() {
	local step=${3:-30}
	oathtool --totp -b -s "${step}s" -d "${4:-6}" \
		-N "@$(( $(date +%s) + ${2:-0} * step ))" "$1"
}

# as_admin ldapmodify|ldapadd|ldapsearch|... ARGS: a stock tool as rootdn
as_admin() {
	local tool=$1
	shift
	"$tool" -x -H "$LDAP_URI" -D "$ADMIN_DN" -w "$ADMIN_PW" "$@"
}

# as_config ldapmodify ARGS: a stock tool on cn=config, as root over ldapi
as_config() {
	local tool=$1
	shift
	"$tool" -Q -Y EXTERNAL -H "$LDAPI_URI" "$@"
}

# values DN ATTR: the values of one attribute, one a line, as rootdn
values() {
	as_admin ldapsearch -LLL -o ldif-wrap=no -b "$1" -s base "$2" |
		sed -n "s/^$2: //p"
}

# modify_ldif DN add|delete|replace ATTR [VALUE...]: the LDIF of one change
# of one attribute (delete without a VALUE removes the attribute)
modify_ldif() {
	local dn=$1 op=$2 attr=$3 v
	shift 3
	printf 'dn: %s\nchangetype: modify\n%s: %s\n' "$dn" "$op" "$attr"
	for v; do
		printf '%s: %s\n' "$attr" "$v"
	done
}

# modify_as BINDDN BINDPW DN add|delete|replace ATTR [VALUE...]: that
# change with ldapmodify, bound as BINDDN; ldapmodify's exit status
modify_as() {
	local binddn=$1 bindpw=$2
	shift 2
	modify_ldif "$@" | ldapmodify -x -H "$LDAP_URI" -D "$binddn" -w "$bindpw"
}

# admin_modify DN add|delete|replace ATTR [VALUE...]: the same, as rootdn
admin_modify() {
	modify_as "$ADMIN_DN" "$ADMIN_PW" "$@"
}

# set_password DN PASSWORD [AS_DN AS_PASSWORD]: replace DN's userPassword
# with ldapmodify, as rootdn or as AS_DN
set_password() {
	modify_as "${3:-$ADMIN_DN}" "${4:-$ADMIN_PW}" "$1" replace userPassword "$2"
}

# add_user UID PASSWORD [LINE...]: a new account, provisioned with
# apppwUser; each LINE ("attr: value") is added to it
add_user() {
	local uid=$1 pw=$2
	shift 2
	{
		cat <<-EOF
		dn: uid=$uid,ou=people,$BASE_DN
		objectClass: inetOrgPerson
		objectClass: apppwUser
		uid: $uid
		cn: $uid
		sn: $uid
		mail: $uid@example.com
		userPassword: $pw
		EOF
		[ $# = 0 ] || printf '%s\n' "$@"
	} | as_admin ldapadd
}

# at_once N COMMAND...: COMMAND run N times at the same moment (each waits
# on a FIFO, opened all together); each run's output is in
# $TEST_DIR/at-once/I.out; prints the exit statuses, counted, as
# "COUNT STATUS" lines
at_once() {
	local n=$1 i pids=
	shift
	rm -rf "$TEST_DIR/at-once"
	mkdir -p "$TEST_DIR/at-once"
	mkfifo "$TEST_DIR/at-once/go"
	for i in $(seq "$n"); do
		(
			set +e
			# opening the FIFO blocks until the starting gun below
			: <"$TEST_DIR/at-once/go"
			"$@" >"$TEST_DIR/at-once/$i.out" 2>&1
			echo $? >"$TEST_DIR/at-once/$i.rc"
		) &
		pids="$pids $!"
	done
	sleep 0.5
	: >"$TEST_DIR/at-once/go"
	wait $pids
	cat "$TEST_DIR/at-once/"*.rc | sort | uniq -c | sed "s/^ *//"
}

# new_app_password DN LABEL [FIELDS]: add an app password as rootdn with
# the documented request form; prints the password
new_app_password() {
	local pw
	pw=$(app_password_string)
	admin_modify "$1" add apppwPassword "${3:+$3 }password=$pw label=$2" \
		>/dev/null || return 1
	echo "$pw"
}

# A well-formed app password, made up by the test (the overlay's own
# generator is used through the extended operation).
app_password_string() {
	tr -dc '0123456789abcdefghjkmnpqrstvwxyz' </dev/urandom | head -c 20 |
		sed 's/\(....\)/\1-/g; s/-$//'
}

# expect_ldap_error CODE TEXT COMMAND...: the command fails with the LDAP
# result CODE and its diagnostic holds TEXT
expect_ldap_error() {
	local code=$1 text=$2 rc
	shift 2
	"$@" >"$TEST_DIR/err.out" 2>&1 && rc=0 || rc=$?
	cat "$TEST_DIR/err.out"
	[ "$rc" = "$code" ] || { echo "expected exit $code, got $rc"; return 1; }
	grep -q -- "$text" "$TEST_DIR/err.out" ||
		{ echo "expected text: $text"; return 1; }
}

# ---- helpers for password+TOTP binds, LDIF and the extended operation ----

# totp_settle [STEP [MARGIN]]: if fewer than MARGIN (default 5) seconds are
# left in the current TOTP step, wait for the next one, so that a code
# computed now is still current when slapd checks it. Not a timing check:
# it keeps step boundaries out of checks that depend on the step.
totp_settle() {
	local step=${1:-30} margin=${2:-5} left
	left=$(( step - $(date +%s) % step ))
	if [ "$left" -lt "$margin" ]; then
		sleep "$left"
	fi
}

# next_totp SECRET: a code whose step is later than that of every code
# next_totp gave for SECRET before, for scenarios that need many
# password+code binds: they run with "apppw-totp-window $TOTP_WIDE_WINDOW"
# and get offsets -(W-1) .. W-1 from now, a margin of one step for the
# clock to move on between here and slapd.
TOTP_WIDE_WINDOW=10
next_totp() {
	local f="$TEST_DIR/next-totp.$1" off
	off=$(cat "$f" 2>/dev/null) || off=$(( 1 - TOTP_WIDE_WINDOW ))
	if [ "$off" -ge "$TOTP_WIDE_WINDOW" ]; then
		echo "next_totp: no codes left for $1" >&2
		return 1
	fi
	echo $(( off + 1 )) >"$f"
	totp "$1" "$off"
}

# ldif DN [ATTRS...]: the entry as LDIF, read as rootdn, unwrapped
ldif() {
	local dn=$1
	shift
	as_admin ldapsearch -LLL -o ldif-wrap=no -b "$dn" -s base "$@"
}

# ldif_plain: LDIF on stdin, with the values ldapsearch base64-encodes
# (non-ASCII, control characters) written as text, for comparisons
ldif_plain() {
	local line
	while IFS= read -r line; do
		case $line in
		*::\ *)	printf '%s: %s\n' "${line%%:: *}" \
				"$(printf %s "${line#*:: }" | base64 -d)" ;;
		*)	printf '%s\n' "$line" ;;
		esac
	done
}

# normalize_records [ID|PASSWORD...]: app password records and last uses
# on standard input (one value a line, or LDIF), with what changes from run
# to run named, for diff -u against a fixed expectation:
#   id=k7fq created=20261124184100Z hash=b2b$<22>$<43> label=Phone
#   k7fq 20261124185000Z 127.0.0.1
# become, when k7fq is the id of the first argument (an app password or
# its id: its first four characters),
#   id=ID1 created=TIME hash=b2b:HASH label=Phone
#   ID1 TIME 127.0.0.1
# A hash becomes KIND:HASH only when its salt and digest have the right
# lengths; anything malformed is left as it is, for the diff to show.
# Expiry times are kept: the tests choose them.
normalize_records() {
	local script= i=0 a b64='[A-Za-z0-9+/]'
	for a; do
		i=$((i + 1))
		script="$script
			s/(^|: )id=${a:0:4} /\1id=ID$i /
			s/^(apppwLastUsed: )?${a:0:4} ([0-9]{14}Z)( |\$)/\1ID$i \2\3/"
	done
	sed -E "$script
		s/ created=[0-9]{14}Z / created=TIME /
		s| hash=(b2bk?)\\\$$b64{22}\\\$$b64{43} | hash=\1:HASH |
		s/^((apppwLastUsed: )?[0-9A-Za-z]+) [0-9]{14}Z( |\$)/\1 TIME\3/"
}

# expect_values DN ATTR [ID|PASSWORD...]: DN's values of ATTR, read as
# rootdn, through normalize_records with the IDs, are the lines on
# standard input; a diff if not
expect_values() {
	local dn=$1 attr=$2
	shift 2
	cat >"$TEST_DIR/values.expected"
	ldif "$dn" "$attr" | ldif_plain | sed -n "s/^$attr: //p" |
		normalize_records "$@" >"$TEST_DIR/values.read"
	diff -u "$TEST_DIR/values.expected" "$TEST_DIR/values.read"
}

# overlay_ldif [ATTRS...]: the overlay's cn=config entry as LDIF
OVERLAY_CONFIG_DN="olcOverlay={0}apppw,olcDatabase={1}mdb,cn=config"
overlay_ldif() {
	as_config ldapsearch -LLL -o ldif-wrap=no -b "$OVERLAY_CONFIG_DN" -s base "$@"
}

# expect_config ATTR [VALUE...]: the overlay's cn=config entry holds ATTR
# with exactly these values, in this order (none: ATTR is absent); a diff
# against what it holds if not
expect_config() {
	local attr=$1 v
	shift
	{
		printf 'dn: %s\n' "$OVERLAY_CONFIG_DN"
		for v; do printf '%s: %s\n' "$attr" "$v"; done
		echo
	} >"$TEST_DIR/config.expected"
	overlay_ldif "$attr" >"$TEST_DIR/config.read" || return 1
	diff -u "$TEST_DIR/config.expected" "$TEST_DIR/config.read"
}

# config_set ATTR VALUE: replace one setting of the overlay through cn=config
config_set() {
	as_config ldapmodify <<-EOF
	dn: $OVERLAY_CONFIG_DN
	changetype: modify
	replace: $1
	$1: $2
	EOF
}

# CREATE_CODEC: makes and reads the create extended operation's values
# (lib/apppw_proto.h) with the library's codec; built by make check from
# tests/lib/create-codec.c
CREATE_CODEC="$BUILD/tests/create-codec"

# create_request [target=DN] [label=LABEL] [expires=TIME] [scope=NAME]:
# the base64 requestValue of the create extended operation, fields in the
# order given, each one optional here so that malformed requests can be
# made too
create_request() {
	"$CREATE_CODEC" request "$@"
}

# CREATE_OID: the create extended operation's OID, from the schema
CREATE_OID=$("$CREATE_CODEC" oid)

# create_app_password BINDDN BINDPW [REQUEST FIELDS]: run the create
# extended operation with ldapexop; on success, prints "ID PASSWORD" from
# the response; on failure, ldapexop's output and its exit status
create_app_password() {
	local dn=$1 pw=$2 out rc
	shift 2
	out=$(ldapexop -x -H "$LDAP_URI" -D "$dn" -w "$pw" \
		"$CREATE_OID::$(create_request "$@")" 2>&1) && rc=0 || rc=$?
	if [ "$rc" != 0 ]; then
		printf '%s\n' "$out"
		return "$rc"
	fi
	printf '%s\n' "$out" | sed -n 's/^data:: //p' | "$CREATE_CODEC" response || {
		echo "create_app_password: unexpected response: $out" >&2
		return 1
	}
}
