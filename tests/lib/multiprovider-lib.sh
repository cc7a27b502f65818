# multiprovider-lib.sh - two writable providers A and B (serverID 1 and 2,
# delta-syncrepl over accesslog, multiprovider on, each a consumer of the
# other) and a consumer C of A, which forwards writes to A with updateref
# and the chain overlay: the configuration slapo-apppw(5), REPLICATION,
# documents. Each is a private slapd on a loopback port, killed by PID.
# Sourced after test-lib.sh; the scenario calls mp_start in its main shell.
# LDAP_URI is A's, so that test-lib's helpers talk to A.

MP_NAMES="a b c"
MP_DIR_a="$TEST_DIR/a" MP_DIR_b="$TEST_DIR/b" MP_DIR_c="$TEST_DIR/c"
MP_PID_a= MP_PID_b= MP_PID_c=
A_URI= B_URI= C_URI=
trap 'mp_stop_all; cleanup' EXIT

# mp_conf NAME SID PEER_URI APPPW_DIRECTIVES [CHAIN_URI]: the slapd.conf
# of a provider (SID 1, 2) or of the consumer (SID 0, PEER_URI its
# provider, which its chain overlay forwards writes to); a provider with
# CHAIN_URI has a chain overlay too, for apppw-totp-step-provider. The
# overlays' order matters: apppw first, so that it runs below accesslog,
# which serialises every write to the database, the replicated ones
# included, and apppw's merge of a replicated change of its own
# attributes with the entry it reads cannot race a bind's write.
mp_conf() {
	local name=$1 sid=$2 peer=$3 directives=$4 chain=${5:-} dir global repl
	dir=$(eval echo "\$MP_DIR_$name")
	mkdir -p "$dir/accesslog"
	global="moduleload syncprov
moduleload accesslog"
	repl="syncrepl rid=001 provider=$peer type=refreshAndPersist
	retry=\"1 +\" timeout=3 searchbase=\"$BASE_DN\" bindmethod=simple
	binddn=\"$ADMIN_DN\" credentials=$ADMIN_PW
	logbase=\"cn=accesslog\" syncdata=accesslog
	logfilter=\"(&(objectClass=auditWriteObject)(reqResult=0))\""
	[ "$sid" = 0 ] && chain=$peer
	[ -n "$chain" ] && global="$global
moduleload back_ldap
overlay chain
chain-uri $chain
chain-idassert-bind bindmethod=simple binddn=\"$ADMIN_DN\"
	credentials=$ADMIN_PW mode=self
chain-return-error TRUE"
	if [ "$sid" = 0 ]; then
		repl="$repl
updateref $peer"
	else
		global="$global
serverID $sid"
		repl="$repl
multiprovider on"
	fi
	"$SRC_ROOT/tools/conf/slapd-conf.sh" "$dir" "$BASE_DN" "$ADMIN_DN" \
		"$ADMIN_PW" "$directives
overlay syncprov
syncprov-checkpoint 100 1
overlay accesslog
logdb cn=accesslog
logops writes
logsuccess TRUE
logpurge 1+00:00 1+00:00" "$global" |
	awk -v repl="$repl" '/^overlay apppw$/ { print repl } { print }'
	cat <<-EOF

	database mdb
	suffix cn=accesslog
	rootdn cn=accesslog
	directory $dir/accesslog
	maxsize 268435456
	index default eq
	index entryCSN,objectClass,reqEnd,reqResult,reqStart,reqDN
	overlay syncprov
	syncprov-nopresent TRUE
	syncprov-reloadhint TRUE
	access to * by dn.exact="$ADMIN_DN" read by * none
	EOF
}

# mp_start [APPPW_DIRECTIVES_A [APPPW_DIRECTIVES_B [APPPW_DIRECTIVES_C]]]:
# ("@A" in a directive stands for A's URI; B then chains to A)
# configure A, B and C, load the base data into A and a copy of A's
# database (entryUUIDs, CSNs and contextCSN included) into B and C, as a
# deployment seeds its servers, and start all three
mp_start() {
	local pa pb pc
	pa=$(free_port) && pb=$(free_port) && pc=$(free_port) ||
		bail_out "no free port"
	A_URI="ldap://127.0.0.1:$pa" B_URI="ldap://127.0.0.1:$pb"
	C_URI="ldap://127.0.0.1:$pc"
	mkdir -p "$MP_DIR_a" "$MP_DIR_b" "$MP_DIR_c"
	local da=${1:-} db=${2:-} dc=${3:-} chain=
	case $db in *@A*) chain=$A_URI ;; esac
	mp_conf a 1 "$B_URI" "${da//@A/$A_URI}" >"$MP_DIR_a/slapd.conf"
	mp_conf b 2 "$A_URI" "${db//@A/$A_URI}" "$chain" >"$MP_DIR_b/slapd.conf"
	mp_conf c 0 "$A_URI" "${dc//@A/$A_URI}" >"$MP_DIR_c/slapd.conf"
	for n in $MP_NAMES; do
		slaptest -Q -u -f "$(eval echo "\$MP_DIR_$n")/slapd.conf" ||
			bail_out "slaptest refused $n's configuration"
	done
	slapadd -q -w -S 1 -f "$MP_DIR_a/slapd.conf" -b "$BASE_DN" \
		-l "${BASE_LDIF:-$TEST_ROOT/data/base.ldif}" ||
		bail_out "slapadd failed"
	slapcat -f "$MP_DIR_a/slapd.conf" -b "$BASE_DN" >"$TEST_DIR/seed.ldif"
	for n in b c; do
		slapadd -q -f "$(eval echo "\$MP_DIR_$n")/slapd.conf" -b "$BASE_DN" \
			-l "$TEST_DIR/seed.ldif" || bail_out "slapadd of $n failed"
	done
	LDAP_URI=$A_URI
	for n in $MP_NAMES; do
		mp_launch "$n"
	done
}

# mp_launch NAME: start that server on its port, logging at
# MP_DEBUG's levels (default stats; stats,sync to follow replication);
# sets MP_PID_NAME
mp_launch() {
	local dir uri pid
	dir=$(eval echo "\$MP_DIR_$1")
	uri=$(mp_uri "$1")
	${SLAPD_WRAPPER:-} /usr/sbin/slapd -f "$dir/slapd.conf" -d "${MP_DEBUG:-stats}" \
		-h "$uri" >>"$dir/slapd.log" 2>&1 &
	pid=$!
	eval "MP_PID_$1=$pid"
	wait_listening "$pid" "$uri" || {
		tail -20 "$dir/slapd.log" | sed 's/^/# /'
		bail_out "slapd $1 did not start on $uri"
	}
}

mp_uri() {
	case $1 in a) echo "$A_URI" ;; b) echo "$B_URI" ;; c) echo "$C_URI" ;; esac
}

# mp_stop NAME: SIGTERM, and wait
mp_stop() {
	local pid
	pid=$(eval echo "\$MP_PID_$1")
	[ -n "$pid" ] || return 0
	end_process "$pid" ||
		shutdown_failed "$1" $? "$(eval echo "\$MP_DIR_$1")/slapd.log"
	eval "MP_PID_$1="
}

# mp_kill NAME: SIGKILL, as a crash would
mp_kill() {
	local pid
	pid=$(eval echo "\$MP_PID_$1")
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null || :
	eval "MP_PID_$1="
}

mp_stop_all() {
	for n in $MP_NAMES; do
		mp_stop "$n"
	done
}

# mp_values NAME DN ATTR: the values of one attribute on that server,
# sorted, as rootdn
mp_values() {
	LDAP_URI=$(mp_uri "$1") values "$2" "$3" | sort
}

# mp_wait_same DN ATTR [NAMES]: wait (at most 20 s) until every server
# (default A, B and C) holds the same values of ATTR in DN; a diff if not
mp_wait_same() {
	local dn=$1 attr=$2 names=${3:-$MP_NAMES} i=0 n first same
	while [ $i -lt 200 ]; do
		same=1 first=
		for n in $names; do
			mp_values "$n" "$dn" "$attr" >"$TEST_DIR/mp.$n" 2>/dev/null || same=0
			[ -z "$first" ] && first=$n && continue
			cmp -s "$TEST_DIR/mp.$first" "$TEST_DIR/mp.$n" || same=0
		done
		[ "$same" = 1 ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	for n in $names; do
		echo "--- $n: $attr of $dn"
		cat "$TEST_DIR/mp.$n"
	done
	return 1
}

# mp_wait_bind CODE NAME DN PASSWORD: poll (at most 1 s, then fail) until
# a bind on that server ends with CODE: replication's delay is allowed,
# not a wrong answer that lasts
mp_wait_bind() {
	local code=$1 uri i=0
	uri=$(mp_uri "$2")
	while [ $i -lt 20 ]; do
		expect_bind "$code" "$3" "$4" "$uri" >/dev/null && return 0
		sleep 0.05
		i=$((i + 1))
	done
	expect_bind "$code" "$3" "$4" "$uri"
}

# mp_slapcat NAME: the server's main database, with what differs between
# servers by design taken out (who wrote last and when, the CSNs) and
# entries sorted, for a diff of A against B
mp_slapcat() {
	local dir
	dir=$(eval echo "\$MP_DIR_$1")
	slapcat -f "$dir/slapd.conf" -b "$BASE_DN" -o ldif-wrap=no 2>/dev/null |
		grep -v -E '^(entryCSN|contextCSN|modifyTimestamp|modifiersName):' |
		perl -00 -ne 'chomp; print join( "\n", sort split /\n/ ), "\n\n"' |
		perl -00 -e 'print sort <>'
}
