# servers.sh - the benchmark's private slapd servers, and apppw-web in
# front of one of them; sourced by bench.sh (POSIX sh).
#
# Every server has a directory $WORK/NAME (slapd.conf and the logs) and a
# database in $DBROOT/NAME. The caller sets ROOT (before sourcing), WORK,
# DBROOT, SUFFIX, SCHEMA, SLAPD, SYNC, ACL and WEB (apppw-web), and
# defines die; PIDS holds the servers started and not yet stopped.

. "$ROOT/tests/lib/ports.sh"

# stop_servers: every server in PIDS, by PID, killed if it will not stop
stop_servers() {
	for pid in $PIDS; do
		kill "$pid" 2>/dev/null || :
	done
	for pid in $PIDS; do
		i=0
		while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do
			sleep 0.1; i=$((i + 1))
		done
		kill -9 "$pid" 2>/dev/null || :
	done
	PIDS=
}

# The recommended ACLs. apppwLastUsed and apppwTOTPLastStep are defined
# by the module, so a server without it gets them without the clause that
# names those two (it is never reached by a bind: userPassword has its own).
acls() {
	case $1 in
	*apppw.so*) sed "s/SUFFIX/$SUFFIX/g" "$ROOT/tools/conf/acl.conf" ;;
	*) awk -v RS= -v ORS='\n\n' '!/apppwLastUsed/' "$ROOT/tools/conf/acl.conf" |
		sed "s/SUFFIX/$SUFFIX/g" ;;
	esac
}

# write_conf name extra-modules overlay-lines
write_conf() {
	d=$WORK/$1
	mkdir -p "$d" "$DBROOT/$1"
	{
		cat <<-EOF
		include /etc/ldap/schema/core.schema
		include /etc/ldap/schema/cosine.schema
		include /etc/ldap/schema/inetorgperson.schema
		include $SCHEMA
		modulepath /usr/lib/ldap
		moduleload back_mdb.so
		EOF
		if [ -n "$2" ]; then printf '%s\n' "$2"; fi
		cat <<-EOF
		pidfile $d/slapd.pid
		argsfile $d/slapd.args
		loglevel 0

		database mdb
		suffix "$SUFFIX"
		rootdn "cn=admin,$SUFFIX"
		rootpw bench-admin
		directory $DBROOT/$1
		maxsize 8589934592
		index objectClass eq
		EOF
		if [ "$SYNC" != 1 ]; then echo "dbnosync"; fi
		if [ -n "$3" ]; then printf '%s\n' "$3"; fi
		if [ "$ACL" = 1 ]; then acls "$2"; fi
	} >"$d/slapd.conf"
}

# start_server name [port]: sets PORT_name and PID_name; without a port,
# on a free one (tried five times)
start_server() {
	d=$WORK/$1
	slaptest -u -f "$d/slapd.conf" >"$d/slaptest.log" 2>&1 ||
		{ cat "$d/slaptest.log" >&2; die "slaptest failed for server $1"; }
	for _ in 1 2 3 4 5; do
		port=${2:-$(free_port)} || die "no free port"
		"$SLAPD" -f "$d/slapd.conf" -h "ldap://127.0.0.1:$port/" -d 0 \
			>"$d/slapd.log" 2>&1 &
		pid=$!
		PIDS="$PIDS $pid"
		i=0
		while kill -0 "$pid" 2>/dev/null && [ $i -lt 300 ]; do
			if ldapsearch -x -H "ldap://127.0.0.1:$port/" -b "" -s base \
					-LLL 1.1 >/dev/null 2>&1; then
				eval "PORT_$1=$port PID_$1=$pid"
				return 0
			fi
			sleep 0.1; i=$((i + 1))
		done
		kill "$pid" 2>/dev/null || :
		wait "$pid" 2>/dev/null || :
	done
	cat "$d/slapd.log" >&2
	die "server $1 did not start"
}

# start_web name: apppw-web for server NAME's users, on a free loopback
# port; sets PORT_WEB and PID_WEB once it listens. Its log (one line an
# event) is $WORK/web.log.
start_web() {
	eval "ldap_port=\$PORT_$1"
	for _ in 1 2 3 4 5; do
		port=$(free_port) || die "no free port"
		"$WEB" -H "ldap://127.0.0.1:$ldap_port/" \
			--user-dn "uid=%s,ou=people,$SUFFIX" \
			--listen "127.0.0.1:$port" --locale-dir "$ROOT/build/locale" \
			>>"$WORK/web.log" 2>&1 &
		pid=$!
		PIDS="$PIDS $pid"
		i=0
		while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do
			if ss -Htln "( sport = :$port )" | grep -q .; then
				PORT_WEB=$port PID_WEB=$pid
				return 0
			fi
			sleep 0.1; i=$((i + 1))
		done
		kill "$pid" 2>/dev/null || :
		wait "$pid" 2>/dev/null || :
	done
	tail -5 "$WORK/web.log" >&2
	die "apppw-web did not start"
}

# load name ldif: slapadd the LDIF into the server's database
load() {
	slapadd -q -f "$WORK/$1/slapd.conf" -l "$2" >"$WORK/$1/slapadd.log" 2>&1 ||
		{ tail -5 "$WORK/$1/slapadd.log" >&2; die "slapadd failed for server $1"; }
}

# rss_kib pid: the process's peak resident size, in KiB
rss_kib() { awk '/^VmHWM/ { print $2 }' "/proc/$1/status"; }
