# report.sh - the benchmark's report; sourced by bench.sh (POSIX sh).
#
# summarise merges the runs of each scenario into one line of $SUMMARY;
# report prints the settings, the table, the ratios against their targets,
# the servers' memory, and apppw-web's figures against theirs. Both read bench.sh's settings and results
# (RES, BIN, TICKS, USERS, K, ...); report sets RC=1 when a scenario had
# unexpected results.

# One summary line per scenario, its runs merged: binds and seconds
# added, percentiles over the latencies of all its runs. The rate of a
# timed scenario is the median of its passes' rates, which one disturbed
# pass does not move; that of d and e is all binds over all burst time.
# The fields: name binds errors seconds rate p50_us p99_us runs cpu_us.
summarise() {
	: >"$SUMMARY"
	for name in a b c1 c40 d e f f40 t w g ra rc rd; do
		[ -s "$RES/$name" ] || continue
		pct=$("$BIN/loadgen" -P "$RES/$name.lat") || :
		awk -v name="$name" -v pct="$pct" -v hz="$TICKS" '
		{
			for ( i = 1; i <= NF; i++ ) {
				split( $i, kv, "=" ); v[kv[1]] = kv[2]
			}
			binds += v["binds"]; errors += v["errors"]; secs += v["seconds"]
			all += v["all"]; ticks += v["cpu_ticks"]
			rate[++n] = v["rate"]
		}
		END {
			# timed: the median of the passes; bursts: all binds / all time
			if ( name ~ /^[de]$/ ) {
				r = secs > 0 ? binds / secs : 0
			} else {
				for ( i = 2; i <= n; i++ )
					for ( j = i; j > 1 && rate[j - 1] > rate[j]; j-- ) {
						t = rate[j]; rate[j] = rate[j - 1]; rate[j - 1] = t
					}
				r = n % 2 ? rate[( n + 1 ) / 2] : ( rate[n / 2] + rate[n / 2 + 1] ) / 2
			}
			split( pct, f, "[ =]" )
			printf "%s %d %d %.3f %.1f %.1f %.1f %d %.1f\n", name, binds, errors,
				secs, r, f[4], f[6], n, ( all > 0 ? ticks * 1e6 / hz / all : 0 )
		}' "$RES/$name" >>"$SUMMARY"
	done
}

describe() {
	case $1 in
	a) echo "password {SSHA}, no overlay" ;;
	b) echo "password {SSHA}, overlay, non-MFA entries" ;;
	c1) echo "app password, MFA entries, K=1" ;;
	c40) echo "app password, MFA entries, K=$K" ;;
	d) echo "password+TOTP, apppw overlay, burst" ;;
	e) echo "password+TOTP, slapo-otp (otp.so), burst" ;;
	f) echo "wrong app password (49), K=1" ;;
	f40) echo "wrong app password (49), K=$K" ;;
	t) echo "password + wrong code (49): TOTP locked" ;;
	w) echo "wrong password + a code (49)" ;;
	g) echo "password {ARGON2} $ARGON2_PARAMS" ;;
	ra) echo "password {SSHA}, 2 providers, no overlay" ;;
	rc) echo "app password, 2 providers, apppw" ;;
	rd) echo "password+TOTP, 2 providers, apppw, burst" ;;
	esac
}

# ratio label numerator denominator target-op target comment
# Throughput ratios, except f/c1 and f40/c40, which compare costs:
# cost(f)/cost(c1) = rate(c1)/rate(f), so <= 1 means a failure costs no
# more than a success. Either way the figure in brackets is the same
# ratio from slapd's CPU time per bind, cpu(den)/cpu(num), which the
# load of other processes on the machine moves much less.
ratio() {
	awk -v label="$1" -v num="$2" -v den="$3" -v op="$4" -v target="$5" \
		-v note="$6" '
	$1 == num && $3 == 0 && $2 > 0 { n = $5; cn = $9 }
	$1 == den && $3 == 0 && $2 > 0 { d = $5; cd = $9 }
	END {
		if ( n == "" || d == "" || d == 0 || n == 0 ) {
			printf "%-8s %9s             target %s %-5s        %s\n", label,
				"n/a", op, target, note
			exit
		}
		r = n / d
		ok = ( op == ">=" ) ? r >= target : r <= target
		printf "%-8s %9.3f (CPU %7.3f)  target %s %-5s %-6s  %s\n", label, r,
			( cn > 0 ? cd / cn : 0 ), op, target, ok ? "ok" : "MISSED", note
	}' "$SUMMARY"
}

report() {
	echo
	echo "apppw bind benchmark: $USERS users per dataset ($((USERS / 2)) MFA-required)," \
		"$THREADS threads x $CONNS connections$( [ "$NEWCONN" = 1 ] && echo ', new connection per bind')," \
		"$(nproc) CPUs shared with slapd"
	echo "timed scenarios: $PASSES passes of $SLICE s (warm-up ${WARMUP} s, then 0.5 s); d, e: $ROUNDS round(s) over $TOTP_USERS" \
		"TOTP users in $CHUNKS parts, 10% of each untimed"
	echo "databases: $( [ -n "$SHMDIR" ] && echo tmpfs || echo disk), $( [ "$SYNC" = 1 ] && echo durable commits || echo dbnosync)," \
		"ACLs: $( [ "$ACL" = 1 ] && echo tools/conf/acl.conf || echo "slapd's default")"
	echo
	printf '%-4s %-42s %8s %7s %9s %8s %8s %8s\n' scen description binds seconds \
		'binds/s' 'p50 us' 'p99 us' 'CPU us'
	while read -r name binds errors secs rate p50 p99 _ cpu; do
		if [ "$errors" != 0 ] || [ "$binds" = 0 ]; then
			printf '%-4s %-42s ERROR: %s unexpected results (see %s)\n' \
				"$name" "$(describe "$name")" "$errors" "$WORK/$name.out"
			RC=1
		else
			printf '%-4s %-42s %8d %7.2f %9.1f %8.1f %8.1f %8.1f\n' \
				"$name" "$(describe "$name")" "$binds" "$secs" "$rate" "$p50" "$p99" "$cpu"
		fi
	done <"$SUMMARY"
	echo "binds/s: median of the passes (d, e: all bursts); p50, p99: client-side latency;"
	echo "CPU us: slapd's CPU time (user+system) per bind answered, warm-up included"
	echo
	ratio "b/a" b a ">=" 0.98 "overlay overhead on non-MFA binds"
	ratio "c1/a" c1 a ">=" 0.95 "app password vs plain password"
	ratio "c40/a" c40 a ">=" 0.95 "app password with K=$K vs plain password"
	ratio "c40/c1" c40 c1 ">=" 0.95 "K=$K vs K=1: the cost does not grow with K"
	ratio "d/e" d e ">=" 1.0 "password+TOTP vs slapo-otp"
	ratio "f/c1" c1 f "<=" 1.0 "COST of a failure / of a success = rate(c1)/rate(f)"
	ratio "f40/c40" c40 f40 "<=" 1.0 "the same with K=$K = rate(c40)/rate(f40)"
	ratio "t/a" a t "<=" 1.05 "COST of a refusal while TOTP is locked / of a plain bind"
	ratio "t/w" w t "<=" 1.05 "COST of a locked refusal / of a wrong password's refusal"
	ratio "c1/g" c1 g ">=" 1000 "app password vs {ARGON2} password"
	ratio "rc/ra" rc ra ">=" 0.9 "app password vs plain password, 2 replicating providers"
	if wants ra rc rd; then
		echo
		echo "replicated writes (changes in the first provider's accesslog):"
		replication_report
	fi
	echo
	if [ -n "$RSS_B" ]; then
		echo "slapd peak RSS (VmHWM), $USERS users, $((USERS / 2)) x $K app passwords:" \
			"$((RSS_B / 1024)) MiB with the overlay (server B)" \
			"$( [ -n "$RSS_A" ] && echo "; $((RSS_A / 1024)) MiB for the same data without it (server A)")" \
			"; data.mdb $((DBSIZE / 1024)) MiB"
	elif [ -n "$RSS_A" ]; then
		echo "slapd peak RSS (VmHWM), $USERS users, no overlay: $((RSS_A / 1024)) MiB"
	fi
	[ -f "$RES/web" ] && web_report
	return 0
}

# web_report: apppw-web's rate and latency over its signed-in sessions,
# and its memory with them, against the issue's targets (p99 under 50 ms,
# RSS under 64 MiB); ERROR (and RC=1) if a request or a sign-in failed
web_report() {
	echo
	echo "apppw-web: $WEB_SESSIONS sessions signed in (password+code), then GET /apps" \
		"round-robin over them on $WEB_THREADS keep-alive connections, 2 s warm-up + $WEB_SECONDS s"
	if ! awk -v rss="${WEB_RSS:-0}" -v hwm="${WEB_HWM:-0}" -v out="$WORK/web.out" '
	{
		for ( i = 1; i <= NF; i++ ) {
			split( $i, kv, "=" ); v[kv[1]] = kv[2]
		}
		seen = 1
	}
	END {
		if ( !seen || v["errors"] != 0 || v["requests"] == 0 ) {
			printf "web      ERROR: %s unexpected answers (see %s)\n",
				seen ? v["errors"] : "no", out
			exit 1
		}
		printf "web      %d sessions signed in in %.2f s; %d requests\n",
			v["sessions"], v["signin_seconds"], v["requests"]
		printf "web      %9.1f requests/s     p50 %6.2f ms   p99 %6.2f ms" \
			"  target p99 < 50 ms    %s\n", v["rate"], v["p50_us"] / 1000,
			v["p99_us"] / 1000, v["p99_us"] < 50000 ? "ok" : "MISSED"
		printf "web      RSS %6.1f MiB (peak %6.1f MiB) with the sessions" \
			"        target < 64 MiB      %s\n", rss / 1024, hwm / 1024,
			hwm < 65536 ? "ok" : "MISSED"
	}' "$RES/web"; then
		RC=1
	fi
}
