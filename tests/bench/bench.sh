#!/bin/sh
# bench.sh - bind throughput of app passwords and password+TOTP against
# plain binds and the peers, in one run (make bench). See README.md here.
#
# Starts private slapd servers (back-mdb, data loaded with slapadd) on free
# loopback ports, never the system service (servers.sh), runs the
# scenarios one after another, prints a table and the ratios against their
# targets (report.sh), and stops every server it started, by PID, whatever
# happens.
#
#   server A  dataset 1 (half MFA, K app passwords), no overlay   a
#   server B  dataset 1, apppw overlay                             b c40 f40
#   server C  dataset 2 (half MFA, 1 app password), apppw         c1 f t w
#   server D  dataset 3 (all MFA, TOTP, 1 app password), apppw    d
#   server E  dataset 3 as OATH-LDAP entries, slapo-otp (otp.so)  e
#   server G  {ARGON2} users, argon2.so, no overlay                g
#   P, Q      two providers replicating each other, apppw         rc rd
#   R, S      the same without the overlay                        ra
#             (replication.sh)
#   server W  dataset 4 (all MFA, TOTP, 3 app passwords), apppw   web
#             and apppw-web in front of it
#
# Dataset 3 exists because a TOTP code may be used once per 30 s step:
# d and e are bursts over all its users, and the bigger it is, the longer
# (and steadier) a burst. Datasets 1 and 3 are written by one gendata run
# each, with the OATH-LDAP twin of dataset 3 from the same run (same
# passwords, same secrets).
#
# Environment (defaults in brackets):
#   BENCH_USERS [10000]   users per dataset; every second one is MFA-required
#   BENCH_K [40]          app passwords per MFA user on server B
#   BENCH_WARMUP [2]      warm-up seconds per timed scenario, first pass
#   BENCH_SECONDS [12]    measured seconds per timed scenario, in all passes
#   BENCH_PASSES [6]      passes over the timed scenarios, alternating order
#   BENCH_THREADS [2]     load generator threads
#   BENCH_CONNS [2]       connections per thread
#   BENCH_NEWCONN [0]     1: a new connection for every bind
#   BENCH_TOTP_USERS [60000]  users of dataset 3 (d, e)
#   BENCH_TOTP_ROUNDS [3] rounds of d and e bursts, each in its own TOTP step
#   BENCH_TOTP_CHUNKS [2] bursts per round and server (parts of the users)
#   BENCH_ARGON2_USERS [300], BENCH_ARGON2_SECONDS [4],
#   BENCH_ARGON2_PARAMS ["m=65536 t=2 p=1"]  scenario g
#   BENCH_SYNC [0]        1: durable commits (no dbnosync) on every server
#   BENCH_DB [tmpfs]      where the databases live: tmpfs (/dev/shm, removed
#                         at the end) or disk (under BENCH_DIR)
#   BENCH_KEEP [0]        1: leave the servers running for another load tool
#                         ($BENCH_DIR/servers lists them, stop.sh stops them)
#   BENCH_ACL [1]         the ACLs the README recommends (tools/conf/acl.conf)
#                         on every server; 0: slapd's default (read for all)
#   BENCH_REPL_SECONDS [8] measured seconds of ra and rc
#   BENCH_REPL_PASSES [3]  passes of ra and rc, alternating order
#   BENCH_REPL_TOTP_USERS [20000]  TOTP users of rd
#   BENCH_WEB_SESSIONS [200]  web: sessions signed in to apppw-web
#   BENCH_WEB_THREADS [4] web: concurrent keep-alive connections
#   BENCH_WEB_SECONDS [10]    web: measured seconds (after 2 s of warm-up)
#   BENCH_SCENARIOS ["a b c40 f40 d e c1 f t w g ra rc rd web"]  which ones to run
#   BENCH_DIR [build/bench/run]  data, configs, logs (wiped at start)
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=$ROOT/build/bench
MODULE=$ROOT/build/apppw.so
SCHEMA=${BENCH_SCHEMA:-$ROOT/schema/apppw.schema}
SLAPD=/usr/sbin/slapd
. "$ROOT/tests/bench/servers.sh"
. "$ROOT/tests/bench/report.sh"
. "$ROOT/tests/bench/replication.sh"
SUFFIX=dc=bench,dc=test

USERS=${BENCH_USERS:-10000}
K=${BENCH_K:-40}
WARMUP=${BENCH_WARMUP:-2}
MEASURE=${BENCH_SECONDS:-12}
PASSES=${BENCH_PASSES:-6}
THREADS=${BENCH_THREADS:-2}
CONNS=${BENCH_CONNS:-2}
NEWCONN=${BENCH_NEWCONN:-0}
TOTP_USERS=${BENCH_TOTP_USERS:-60000}
ROUNDS=${BENCH_TOTP_ROUNDS:-3}
CHUNKS=${BENCH_TOTP_CHUNKS:-2}
ARGON2_USERS=${BENCH_ARGON2_USERS:-300}
ARGON2_SECONDS=${BENCH_ARGON2_SECONDS:-4}
ARGON2_PARAMS=${BENCH_ARGON2_PARAMS:-m=65536 t=2 p=1}
WEB_SESSIONS=${BENCH_WEB_SESSIONS:-200}
WEB_THREADS=${BENCH_WEB_THREADS:-4}
WEB_SECONDS=${BENCH_WEB_SECONDS:-10}
WEB=$ROOT/build/apppw-web
SYNC=${BENCH_SYNC:-0}
ACL=${BENCH_ACL:-1}
DBPLACE=${BENCH_DB:-tmpfs}
KEEP=${BENCH_KEEP:-0}
SCENARIOS=${BENCH_SCENARIOS:-a b c40 f40 d e c1 f t w g ra rc rd web}
WORK=${BENCH_DIR:-$ROOT/build/bench/run}
# the TOTP parameters, the same for the overlay and for slapo-otp
DIGITS=6
STEP=30
WINDOW=1
# the overlay's configuration on servers B, C and D
APPPW_OVERLAY="overlay apppw
apppw-max-count 40
apppw-totp-digits $DIGITS
apppw-totp-step $STEP
apppw-totp-window $WINDOW
apppw-lastused-precision 300"

START=$(date +%s)
PIDS=
RC=0

say() { printf '%s\n' "$*" >&2; }
die() { say "bench: $*"; exit 1; }

wants() {
	for s in $SCENARIOS; do
		for w in "$@"; do [ "$s" = "$w" ] && return 0; done
	done
	return 1
}

# set before the trap: a failure before the databases exist still cleans up
SHMDIR=
cleanup() {
	stop_servers
	[ -n "$SHMDIR" ] && rm -rf "$SHMDIR"
	return 0
}
trap 'cleanup' EXIT
trap 'exit 130' INT TERM

for f in "$BIN/gendata" "$BIN/loadgen" "$BIN/webload"; do
	[ -x "$f" ] || die "$f is missing; run 'make bench'"
done
if wants web; then
	[ -x "$WEB" ] || die "$WEB is missing; run 'make bench'"
fi
if wants b c40 f40 c1 f d rc rd web; then
	[ -f "$MODULE" ] || die "$MODULE is missing; run 'make bench'"
fi
[ -x "$SLAPD" ] || die "no $SLAPD (Debian's slapd package)"

rm -rf "$WORK"
mkdir -p "$WORK"

# The databases go to a tmpfs when there is one with room: d and e write
# at every bind, and on a disk the kernel's writeback of those pages comes
# and goes during the run and blurs the comparison. The bind path's cost
# is what is measured, not the disk's.
case $DBPLACE in
tmpfs)
	if [ -d /dev/shm ] && [ -w /dev/shm ] &&
			[ "$(df -Pk /dev/shm | awk 'NR == 2 { print $4 }')" -gt 2097152 ]; then
		SHMDIR=$(mktemp -d /dev/shm/apppw-bench.XXXXXX)
		DBROOT=$SHMDIR
	else
		say "bench: no tmpfs with 2 GiB free at /dev/shm; databases on disk"
		DBROOT=$WORK/db
	fi ;;
disk)	DBROOT=$WORK/db ;;
*)	die "BENCH_DB must be tmpfs or disk" ;;
esac

# ---------------------------------------------------------------- data

say "bench: generating data ($USERS users, half MFA-required, K=$K and K=1;" \
	"$TOTP_USERS TOTP users)"
DATA=$WORK/data
mkdir -p "$DATA"
if wants a b c40 f40; then
	"$BIN/gendata" -n "$USERS" -k "$K" -o "$DATA/k$K.ldif" -c "$DATA/k$K.creds"
fi
if wants c1 f t w ra rc; then
	"$BIN/gendata" -n "$USERS" -k 1 -o "$DATA/k1.ldif" -c "$DATA/k1.creds"
fi
if wants d e; then
	"$BIN/gendata" -t mfa -n "$TOTP_USERS" -k 1 -d $DIGITS -s $STEP -w $WINDOW \
		-o "$DATA/totp.ldif" -O "$DATA/oath.ldif" -c "$DATA/totp.creds"
fi
if wants web; then
	"$BIN/gendata" -t mfa -n "$WEB_SESSIONS" -k 3 -d $DIGITS -s $STEP -w $WINDOW \
		-o "$DATA/web.ldif" -c "$DATA/web.creds"
fi
if wants g; then
	# one hash for all: each costs some 100 ms to make, and what is
	# measured is the check, whose cost the parameters alone decide
	ARGON2_HASH=$(slappasswd -o module-path=/usr/lib/ldap \
		-o module-load="argon2.so $ARGON2_PARAMS" -h '{ARGON2}' -s bench-argon2)
	"$BIN/gendata" -t plain -n "$ARGON2_USERS" -H "$ARGON2_HASH" \
		-p bench-argon2 -o "$DATA/argon2.ldif" -c "$DATA/argon2.creds"
fi

say "bench: loading the servers with slapadd"
if wants a; then
	write_conf A "" ""
	load A "$DATA/k$K.ldif"
fi
if wants b c40 f40; then
	write_conf B "moduleload $MODULE" "$APPPW_OVERLAY"
	if [ -f "$DBROOT/A/data.mdb" ]; then
		cp "$DBROOT/A/data.mdb" "$DBROOT/B/"	# the same data
	else
		load B "$DATA/k$K.ldif"
	fi
fi
if wants c1 f t w; then
	write_conf C "moduleload $MODULE" "$APPPW_OVERLAY"
	load C "$DATA/k1.ldif"
fi
if wants d; then
	write_conf D "moduleload $MODULE" "$APPPW_OVERLAY"
	load D "$DATA/totp.ldif"
fi
if wants e; then
	write_conf E "moduleload otp.so" "overlay otp"
	load E "$DATA/oath.ldif"
fi
if wants g; then
	write_conf G "moduleload argon2.so $ARGON2_PARAMS" ""
	load G "$DATA/argon2.ldif"
fi

if wants web; then
	write_conf W "moduleload $MODULE" "$APPPW_OVERLAY"
	load W "$DATA/web.ldif"
fi

for s in A B C D E G W; do
	[ -f "$WORK/$s/slapd.conf" ] && start_server $s
done
say "bench: servers up after $(( $(date +%s) - START )) s"

# ---------------------------------------------------------------- scenarios

RES=$WORK/results
mkdir -p "$RES"
LG_OPTS="-t $THREADS -c $CONNS"
[ "$NEWCONN" = 1 ] && LG_OPTS="$LG_OPTS -N"

# slapd's CPU time so far (user + system), in clock ticks
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
TICKS=$(getconf CLK_TCK)

# run name server creds loadgen-args...: the RESULT line is added to
# $RES/name with the server's CPU ticks during the run, the latencies to
# $RES/name.lat, the output to $WORK/name.out
run() {
	name=$1 server=$2 creds=$3
	shift 3
	eval "port=\$PORT_$server pid=\$PID_$server"
	out=$WORK/$name.out
	t0=$(cpu_ticks "$pid")
	"$BIN/loadgen" -L "$name" -H "ldap://127.0.0.1:$port/" -f "$creds" \
		-o "$RES/$name.lat" $LG_OPTS "$@" >"$out.new" 2>&1 || RC=1
	t1=$(cpu_ticks "$pid")
	sed -n "s/^RESULT \(.*\)/\1 cpu_ticks=$((t1 - t0))/p" "$out.new" >>"$RES/$name"
	grep -v '^RESULT ' "$out.new" >&2 || :
	cat "$out.new" >>"$out"
	rm -f "$out.new"
}

# The timed scenarios run in PASSES passes, every other one in reverse
# order (a b c40 f40 c1 f, then f c1 f40 c40 b a, ...), each measuring
# MEASURE/PASSES seconds, so that a drift or a disturbance of the machine
# during the run (page cache writeback, a neighbour) weighs on all of
# them alike. The first pass warms up for WARMUP seconds: it is when
# entries come into memory and each app password's first use writes its
# apppwLastUsed (then not again for 300 s); later ones need only 0.5 s.
TIMED="a:A:k$K:plain b:B:k$K:plain c40:B:k$K:apppw f40:B:k$K:badapppw
c1:C:k1:apppw f:C:k1:badapppw t:C:k1:badcode w:C:k1:badpassword"
SLICE=$(awk -v s="$MEASURE" -v p="$PASSES" 'BEGIN { printf "%g", s / p }')
timed_pass() {
	warm=$WARMUP
	[ "$2" -gt 1 ] && warm=0.5
	for t in $1; do
		IFS=: read -r name server data mode <<-EOF
		$t
		EOF
		wants "$name" || continue
		run "$name" "$server" "$DATA/$data.creds" -m "$mode" \
			-w "$warm" -d "$SLICE"
	done
}
REVERSED=$(printf '%s\n' $TIMED | awk '{ l[NR] = $0 } END { for ( i = NR; i > 0; i-- ) print l[i] }')

# d and e: each user binds once per TOTP step, so bursts over the users
# of dataset 3 are timed. A round splits them in CHUNKS parts; each part
# is used by both servers, alternately first (d e, e d, ... and the other
# way in the next round), so that a disturbance hits both alike. A later
# round needs a newer step for the same users: -A makes loadgen wait for
# a step newer than the one the part last used on that server (no wait
# in practice: the rounds are separated by timed passes).
CHUNK=$((TOTP_USERS / CHUNKS))
totp_part() {
	stepfile=$RES/$1.step$3
	last=-1
	[ -s "$stepfile" ] && last=$(cat "$stepfile")
	run "$1" "$2" "$DATA/totp.creds" -m totp -S $STEP -D $DIGITS -A "$last" \
		-s $((($3 - 1) * CHUNK)) -l $CHUNK
	tail -1 "$RES/$1" | sed -n 's/.*laststep=\([-0-9]*\).*/\1/p' >"$stepfile"
}
totp_rounds() {
	c=0
	while [ $c -lt "$CHUNKS" ]; do
		c=$((c + 1))
		if [ $((($1 + c) % 2)) = 0 ]; then
			wants d && totp_part d D $c
			wants e && totp_part e E $c
		else
			wants e && totp_part e E $c
			wants d && totp_part d D $c
		fi
	done
	return 0
}

# settle the writes of slapadd before anything is measured
sync
r=0 p=0
while [ $p -lt "$PASSES" ]; do
	p=$((p + 1))
	if [ $((p % 2)) = 1 ]; then
		timed_pass "$TIMED" $p
	else
		timed_pass "$REVERSED" $p
	fi
	# TOTP rounds need a new step each: every other pass takes longer
	if [ $((p % 2)) = 1 ] && [ $r -lt "$ROUNDS" ]; then
		r=$((r + 1))
		totp_rounds $r
	fi
	if [ $p = 2 ] || [ "$PASSES" = 1 ]; then
		wants g && run g G "$DATA/argon2.creds" -m plain -u all \
			-w 1 -d "$ARGON2_SECONDS"
	fi
done
while [ $r -lt "$ROUNDS" ]; do
	r=$((r + 1))
	totp_rounds $r
done
replication_scenarios

# web: apppw-web in front of server W, after the LDAP scenarios (so that
# it disturbs none of them); its RSS is read with the sessions still open
if wants web; then
	start_web W
	"$BIN/webload" -a "127.0.0.1:$PORT_WEB" -f "$DATA/web.creds" \
		-n "$WEB_SESSIONS" -t "$WEB_THREADS" -w 2 -d "$WEB_SECONDS" \
		>"$WORK/web.out" 2>&1 || RC=1
	sed -n 's/^RESULT //p' "$WORK/web.out" >"$RES/web"
	grep -v '^RESULT ' "$WORK/web.out" >&2 || :
	WEB_RSS=$(awk '/^VmRSS/ { print $2 }' "/proc/$PID_WEB/status") || WEB_RSS=
	WEB_HWM=$(rss_kib "$PID_WEB") || WEB_HWM=
fi

RSS_A="" RSS_B=""
[ -n "${PID_A:-}" ] && RSS_A=$(rss_kib "$PID_A")
[ -n "${PID_B:-}" ] && RSS_B=$(rss_kib "$PID_B")
DBSIZE=$(du -k "$DBROOT/B/data.mdb" 2>/dev/null | cut -f1) || DBSIZE=
if [ "$KEEP" = 1 ]; then
	# leave the servers to another load tool: list them, and write the
	# script that stops them (by PID) and removes their databases
	: >"$WORK/servers"
	{
		echo "#!/bin/sh"
		echo "# stops the servers bench.sh left running (BENCH_KEEP=1)"
	} >"$WORK/stop.sh"
	for s in A B C D E G W WEB; do
		eval "port=\${PORT_$s:-} pid=\${PID_$s:-}"
		[ -n "$pid" ] || continue
		if [ "$s" = WEB ]; then
			echo "$s http://127.0.0.1:$port/ $pid $WORK/web.log" >>"$WORK/servers"
		else
			echo "$s ldap://127.0.0.1:$port/ $pid $WORK/$s/slapd.conf" >>"$WORK/servers"
		fi
		echo "kill $pid 2>/dev/null" >>"$WORK/stop.sh"
	done
	[ -n "$SHMDIR" ] && echo "sleep 1; rm -rf '$SHMDIR'" >>"$WORK/stop.sh"
	chmod +x "$WORK/stop.sh"
	PIDS="" SHMDIR=""
else
	stop_servers
fi

# ---------------------------------------------------------------- report

SUMMARY=$WORK/summary
summarise
report
echo "bench: done in $(( $(date +%s) - START )) s; logs and data in $WORK"
if [ "$KEEP" = 1 ]; then
	echo "bench: servers left running (name, URL, PID, config):"
	sed 's/^/  /' "$WORK/servers"
	echo "bench: credentials in $DATA/*.creds; stop them with $WORK/stop.sh"
fi
exit $RC
