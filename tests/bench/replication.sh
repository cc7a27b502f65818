# replication.sh - the replication scenarios of the benchmark; sourced by
# bench.sh (POSIX sh), after servers.sh.
#
# Two pairs of providers replicate each other as slapo-apppw(5),
# REPLICATION, configures them: serverID 1 and 2, delta-syncrepl over
# accesslog, multiprovider on. Pair P, Q has the overlay, pair R, S has
# not; both hold dataset 2 (k1), seeded from one database, and P, Q also
# the TOTP users of dataset 4. A scenario drives both providers of a pair
# at once, one loadgen each:
#
#   ra  password {SSHA} binds of the non-MFA users, pair R S (no overlay)
#   rc  app password binds of the MFA users, pair P Q
#   rd  password+TOTP burst, each TOTP user once, half on P and half on Q
#
# and counts the changes the binds made, as the accesslog of P (or R)
# holds them: each is one replicated write, whichever provider made it.

REPL_SECONDS=${BENCH_REPL_SECONDS:-8}
REPL_PASSES=${BENCH_REPL_PASSES:-3}
REPL_TOTP_USERS=${BENCH_REPL_TOTP_USERS:-20000}

# mpr_conf name sid peer-port modules overlay-lines: a provider of a pair
mpr_conf() {
	write_conf "$1" "moduleload syncprov.so
moduleload accesslog.so
serverID $2${4:+
$4}" "syncrepl rid=001 provider=ldap://127.0.0.1:$3/ type=refreshAndPersist
	retry=\"1 +\" timeout=3 searchbase=\"$SUFFIX\" bindmethod=simple
	binddn=\"cn=admin,$SUFFIX\" credentials=bench-admin
	logbase=\"cn=accesslog\" syncdata=accesslog
	logfilter=\"(&(objectClass=auditWriteObject)(reqResult=0))\"
multiprovider on${5:+
$5}
overlay syncprov
syncprov-checkpoint 1000 10
overlay accesslog
logdb cn=accesslog
logops writes
logsuccess TRUE"
	mkdir -p "$DBROOT/$1/log"
	cat >>"$WORK/$1/slapd.conf" <<-EOF

	database mdb
	suffix cn=accesslog
	rootdn cn=accesslog
	directory $DBROOT/$1/log
	maxsize 2147483648
	EOF
	if [ "$SYNC" != 1 ]; then echo "dbnosync" >>"$WORK/$1/slapd.conf"; fi
	cat >>"$WORK/$1/slapd.conf" <<-EOF
	index entryCSN,objectClass,reqEnd,reqResult,reqStart,reqDN eq
	overlay syncprov
	syncprov-nopresent TRUE
	syncprov-reloadhint TRUE
	access to * by dn.exact="cn=admin,$SUFFIX" read by * none
	EOF
}

# mpr_pair first second modules overlay-lines ldif...: configure, seed
# (one slapadd, its database copied) and start a pair
mpr_pair() {
	p1=$(free_port) && p2=$(free_port) || die "no free port"
	mpr_conf "$1" 1 "$p2" "$3" "$4"
	mpr_conf "$2" 2 "$p1" "$3" "$4"
	f=$1 s=$2
	shift 4
	cat "$@" | slapadd -q -w -S 1 -f "$WORK/$f/slapd.conf" -b "$SUFFIX" \
		>"$WORK/$f/slapadd.log" 2>&1 ||
		{ tail -5 "$WORK/$f/slapadd.log" >&2; die "slapadd failed for server $f"; }
	cp "$DBROOT/$f/data.mdb" "$DBROOT/$s/"
	start_server "$f" "$p1"
	start_server "$s" "$p2"
}

# changes server: the modifications its accesslog holds
changes() {
	slapcat -f "$WORK/$1/slapd.conf" -b cn=accesslog -a "(reqType=modify)" \
		2>/dev/null | grep -c '^dn: ' || :
}

# settle server: wait (at most 20 s) until the changes in its accesslog
# stop moving (replication is asynchronous); prints their count
settle() {
	c1=$(changes "$1") i=0
	while [ $i -lt 40 ]; do
		sleep 0.5
		c2=$(changes "$1")
		[ "$c2" = "$c1" ] && break
		c1=$c2 i=$((i + 1))
	done
	echo "$c1"
}

# pair_load name first second creds out-suffix loadgen-args...: one
# loadgen per provider, at once, on the same users (for -m totp: each on
# half of them); their outputs in $WORK/name.{1,2}.out-suffix
pair_load() {
	name=$1 first=$2 second=$3 creds=$4 sfx=$5
	shift 5
	eval "port1=\$PORT_$first port2=\$PORT_$second"
	half1= half2=
	case " $* " in *" totp "*)
		n=$((REPL_TOTP_USERS / 2))
		half1="-s 0 -l $n" half2="-s $n -l $n" ;;
	esac
	"$BIN/loadgen" -L "$name" -H "ldap://127.0.0.1:$port1/" -f "$creds" \
		$LG_OPTS $half1 "$@" >"$WORK/$name.1.$sfx" 2>&1 &
	lg=$!
	"$BIN/loadgen" -L "$name" -H "ldap://127.0.0.1:$port2/" -f "$creds" \
		$LG_OPTS $half2 "$@" >"$WORK/$name.2.$sfx" 2>&1 || RC=1
	wait "$lg" || RC=1
	grep -h -v '^RESULT ' "$WORK/$name.1.$sfx" "$WORK/$name.2.$sfx" >&2 || :
}

# pair_run name first second creds loadgen-args...: a timed scenario on
# both providers at once. A warm-up run first (each app password's first
# use on each provider writes its last use), then, once replication has
# settled, the measured one, whose RESULT line in $RES/name adds both
# providers', with both servers' CPU ticks. The changes made by both
# runs, per 1,000 binds of both, go to $RES/name.writes, from the first
# pass only (its warm-up writes each app password's first use). With -m totp (a
# burst: each user binds once) there is no warm-up run.
pair_run() {
	name=$1 first=$2 second=$3 creds=$4
	shift 4
	eval "pid1=\$PID_$first pid2=\$PID_$second"
	c0=$(changes "$first")
	warm_all=0
	case " $* " in *" totp "*) ;; *)
		pair_load "$name" "$first" "$second" "$creds" warm -w 0 -d "$WARMUP" "$@"
		warm_all=$(cat "$WORK/$name.1.warm" "$WORK/$name.2.warm" |
			sed -n 's/^RESULT .* all=\([0-9]*\).*/\1/p' | awk '{ s += $1 } END { print s + 0 }')
		settle "$first" >/dev/null ;;
	esac
	t0=$(( $(cpu_ticks "$pid1") + $(cpu_ticks "$pid2") ))
	case " $* " in
	*" totp "*) pair_load "$name" "$first" "$second" "$creds" out -o "$RES/$name.lat" "$@" ;;
	*) pair_load "$name" "$first" "$second" "$creds" out -o "$RES/$name.lat" \
		-w 0.5 -d "$REPL_SECONDS" "$@" ;;
	esac
	t1=$(( $(cpu_ticks "$pid1") + $(cpu_ticks "$pid2") ))
	c1=$(settle "$first")
	wfile="$RES/$name.writes"
	[ ! -s "$wfile" ] || wfile=/dev/null
	cat "$WORK/$name.1.out" "$WORK/$name.2.out" | sed -n 's/^RESULT //p' |
	awk -v ticks=$((t1 - t0)) -v changes=$((c1 - c0)) -v warm="$warm_all" \
		-v wfile="$wfile" '
	{
		for ( i = 1; i <= NF; i++ ) {
			split( $i, kv, "=" ); v[kv[1]] += kv[2]
			if ( kv[1] == "seconds" && kv[2] > secs ) secs = kv[2]
		}
		n++
	}
	END {
		if ( n != 2 ) exit 1
		printf "binds=%d errors=%d seconds=%.3f rate=%.1f all=%d cpu_ticks=%d\n",
			v["binds"], v["errors"], secs, v["rate"], v["all"], ticks
		all = v["all"] + warm
		printf "%d %d %.1f\n", changes, all,
			( all > 0 ? changes * 1000 / all : 0 ) >wfile
	}' >>"$RES/$name" || RC=1
}

# replication_scenarios: set up what the wanted ones need, run them, stop
# the pairs (the other servers keep running)
replication_scenarios() {
	wants ra rc rd || return 0
	others=$PIDS
	PIDS=
	if wants rd; then
		"$BIN/gendata" -t mfa -n "$REPL_TOTP_USERS" -k 1 -d $DIGITS -s $STEP \
			-w $WINDOW -o "$DATA/rtotp.ldif" -c "$DATA/rtotp.creds"
		# its base entries are dataset 2's: users only
		awk -v RS= -v ORS='\n\n' '/^dn: uid=/' "$DATA/rtotp.ldif" >"$DATA/rtotp-users.ldif"
	fi
	say "bench: replication: two pairs of providers"
	if wants rc rd; then
		# dataset 2 and the TOTP users under other names
		: >"$DATA/rtotp-renamed.ldif"
		wants rd && sed 's/^dn: uid=\([^,]*\)/dn: uid=t\1/; s/^uid: /uid: t/' \
			"$DATA/rtotp-users.ldif" >"$DATA/rtotp-renamed.ldif" &&
			sed 's/^\(uid=\)\([^,	]*\)/\1t\2/' "$DATA/rtotp.creds" >"$DATA/rtotp-renamed.creds"
		mpr_pair P Q "moduleload $MODULE" "$APPPW_OVERLAY" \
			"$DATA/k1.ldif" "$DATA/rtotp-renamed.ldif"
	fi
	wants ra && mpr_pair R S "" "" "$DATA/k1.ldif"
	sync
	# ra and rc in passes, in alternating order, as the timed scenarios
	# are: the report takes the median, which one disturbed pass of the
	# pair without the overlay (the ratio's denominator) does not move
	pass=1
	while [ "$pass" -le "$REPL_PASSES" ]; do
		if [ $((pass % 2)) = 1 ]; then
			wants ra && pair_run ra R S "$DATA/k1.creds" -m plain
			wants rc && pair_run rc P Q "$DATA/k1.creds" -m apppw
		else
			wants rc && pair_run rc P Q "$DATA/k1.creds" -m apppw
			wants ra && pair_run ra R S "$DATA/k1.creds" -m plain
		fi
		pass=$((pass + 1))
	done
	wants rd && pair_run rd P Q "$DATA/rtotp-renamed.creds" -m totp -S $STEP -D $DIGITS
	stop_servers
	PIDS=$others
	return 0
}

# replication_report: the changes per 1,000 binds
replication_report() {
	for name in ra rc rd; do
		[ -s "$RES/$name.writes" ] || continue
		read -r changes binds per <"$RES/$name.writes"
		printf '%-4s %-42s %6d changes for %7d binds: %6.1f per 1,000\n' \
			"$name" "$(describe "$name")" "$changes" "$binds" "$per"
	done
}
