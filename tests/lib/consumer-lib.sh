# consumer-lib.sh - a second private slapd, a syncrepl consumer of the
# scenario's server; sourced after test-lib.sh. The provider must not be
# restarted: start_slapd picks a new port, and the consumer's syncrepl
# names the old one.

CONSUMER_DIR="$TEST_DIR/consumer"
CONSUMER_PID=
CONSUMER_URI=
trap 'stop_consumer; cleanup' EXIT

# start_consumer [DIRECTIVES [GLOBAL]]: configure (once; DIRECTIVES go
# after "overlay apppw", GLOBAL before the databases) and start a consumer of $LDAP_URI on a free port, with
# an empty database that syncrepl fills; sets CONSUMER_URI
start_consumer() {
	if [ ! -f "$CONSUMER_DIR/slapd.conf" ]; then
		mkdir -p "$CONSUMER_DIR"
		"$SRC_ROOT/tools/conf/slapd-conf.sh" "$CONSUMER_DIR" "$BASE_DN" \
			"$ADMIN_DN" "$ADMIN_PW" "${1:-}
syncrepl rid=001 provider=$LDAP_URI type=refreshAndPersist
	retry=\"1 +\" searchbase=\"$BASE_DN\" bindmethod=simple
	binddn=\"$ADMIN_DN\" credentials=$ADMIN_PW
updateref $LDAP_URI" "${2:-}" >"$CONSUMER_DIR/slapd.conf"
		slaptest -Q -u -f "$CONSUMER_DIR/slapd.conf" ||
			bail_out "slaptest refused the consumer's configuration"
	fi
	launch_slapd "$CONSUMER_DIR/slapd.log" "" -f "$CONSUMER_DIR/slapd.conf"
	CONSUMER_PID=$LAUNCHED_PID
	CONSUMER_URI=$LAUNCHED_URI
}

stop_consumer() {
	if [ -n "$CONSUMER_PID" ]; then
		end_process "$CONSUMER_PID" ||
			shutdown_failed consumer $? "$CONSUMER_DIR/slapd.log"
		CONSUMER_PID=
	fi
}

# in_sync DN ATTR: wait (at most 20 s) until the consumer holds the same
# values of ATTR in DN as the provider
in_sync() {
	local i=0
	values "$1" "$2" | sort >"$TEST_DIR/provider.values"
	while [ $i -lt 200 ]; do
		LDAP_URI=$CONSUMER_URI values "$1" "$2" | sort >"$TEST_DIR/consumer.values"
		cmp -s "$TEST_DIR/provider.values" "$TEST_DIR/consumer.values" &&
			return 0
		sleep 0.1
		i=$((i + 1))
	done
	diff -u "$TEST_DIR/provider.values" "$TEST_DIR/consumer.values"
	return 1
}
