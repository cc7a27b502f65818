#!/bin/bash
# Two providers made multi-provider at run time with the cn=config LDIF
# slapo-apppw(5), REPLICATION, gives (taken from the page, between its
# "snippet: multiprovider.ldif" marks, with the page's example names made
# the test's: URIs on loopback, directories, the replicator's DN): an app
# password created on either binds on the other, and the last uses both
# record are merged.
. "$(dirname "$0")/lib/test-lib.sh"

MAN_PAGE="$SRC_ROOT/overlay/slapo-apppw.5"
CC_NAMES="a b"
CC_PID_a= CC_PID_b=
trap 'cc_stop a; cc_stop b; cleanup' EXIT

# man_ldif SID PEER_URI DIR: the page's LDIF for provider SID of that
# server, in DIR, replicating from PEER_URI
man_ldif() {
	awk '/^\.\\" snippet: multiprovider\.ldif/ { w = 1; found = 1; next }
		/^\.\\" end of snippet/ { w = 0 }
		w && !/^\.(nf|fi)$/ { print }
		END { if (!found) exit 1 }' "$MAN_PAGE" | sed \
		-e 's/\\-/-/g' \
		-e "s/^olcServerID: 1\$/olcServerID: $1/" \
		-e "s|ldaps://ldap2\.example\.com|$2|" \
		-e "s|/var/lib/ldap-accesslog|$3/accesslog|" \
		-e "s/cn=replicator,dc=example,dc=com/$ADMIN_DN/" \
		-e "s/credentials=secret/credentials=$ADMIN_PW/"
}

# cc_launch NAME: start that server on its port and ldapi socket
cc_launch() {
	local dir=$TEST_DIR/$1 uri pid
	uri=$(eval echo "\$URI_$1")
	${SLAPD_WRAPPER:-} /usr/sbin/slapd -F "$dir/slapd.d" -d stats \
		-h "$uri $(eval echo "\$LDAPI_$1")" >>"$dir/slapd.log" 2>&1 &
	pid=$!
	eval "CC_PID_$1=$pid"
	wait_listening "$pid" "$uri" || {
		tail -20 "$dir/slapd.log" | sed 's/^/# /'
		bail_out "slapd $1 did not start on $uri"
	}
}

cc_stop() {
	local pid
	pid=$(eval echo "\$CC_PID_$1")
	[ -n "$pid" ] || return 0
	end_process "$pid" || shutdown_failed "$1" $? "$TEST_DIR/$1/slapd.log"
	eval "CC_PID_$1="
}

# wait_bind CODE URI DN PASSWORD: poll (at most 15 s: the page's retry is
# 5 s) until a bind there ends with CODE
wait_bind() {
	local i=0
	while [ $i -lt 150 ]; do
		expect_bind "$1" "$3" "$4" "$2" >/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	expect_bind "$1" "$3" "$4" "$2"
}

# Each server as a single provider first: the suffix olcDatabase={1}mdb
# with olcOverlay={0}apppw, in cn=config, seeded from one slapcat of A.
for n in $CC_NAMES; do
	dir=$TEST_DIR/$n
	mkdir -p "$dir/slapd.d" "$dir/accesslog"
	"$SRC_ROOT/tools/conf/slapd-conf.sh" "$dir" "$BASE_DN" "$ADMIN_DN" \
		"$ADMIN_PW" "apppw-totp-window $TOTP_WIDE_WINDOW" >"$dir/slapd.conf"
	port=$(free_port) || bail_out "no free port"
	eval "URI_$n=ldap://127.0.0.1:$port"
	eval "LDAPI_$n=ldapi://$(printf %s "$dir/ldapi" | sed 's|/|%2F|g')"
done
slapadd -q -w -S 1 -f "$TEST_DIR/a/slapd.conf" -b "$BASE_DN" \
	-l "$TEST_ROOT/data/base.ldif" || bail_out "slapadd failed"
slapcat -f "$TEST_DIR/a/slapd.conf" -b "$BASE_DN" >"$TEST_DIR/seed.ldif"
slapadd -q -f "$TEST_DIR/b/slapd.conf" -b "$BASE_DN" -l "$TEST_DIR/seed.ldif" ||
	bail_out "slapadd of b failed"
for n in $CC_NAMES; do
	slaptest -Q -f "$TEST_DIR/$n/slapd.conf" -F "$TEST_DIR/$n/slapd.d" ||
		bail_out "cannot convert $n's configuration to cn=config"
	cc_launch "$n"
done

man_ldif 1 "$URI_b" "$TEST_DIR/a" >"$TEST_DIR/a.ldif" ||
	bail_out "slapo-apppw(5) has no multiprovider.ldif snippet"
man_ldif 2 "$URI_a" "$TEST_DIR/b" >"$TEST_DIR/b.ldif"
test_expect_success 'the page'\''s LDIF is accepted by both servers, over ldapi' '
	grep -q "^olcSyncrepl: rid=001 provider=$URI_b\$" "$TEST_DIR/a.ldif"
	grep -q "^olcServerID: 2\$" "$TEST_DIR/b.ldif"
	for n in $CC_NAMES; do
		ldapmodify -Q -Y EXTERNAL -H "$(eval echo "\$LDAPI_$n")" \
			-f "$TEST_DIR/$n.ldif" >/dev/null
	done
'

# as the page says: restart slapd
for n in $CC_NAMES; do
	cc_stop "$n"
	cc_launch "$n"
done

LDAP_URI=$URI_a
PW_A=$(new_app_password "$ALICE" "Made on A") || bail_out "cannot add on A"
test_expect_success 'an app password created on A binds on B' '
	wait_bind 0 "$URI_b" "$ALICE" "$PW_A"
	expect_bind 0 "$ALICE" "$PW_A" "$URI_a"
'

LDAP_URI=$URI_b
PW_B=$(new_app_password "$ALICE" "Made on B") || bail_out "cannot add on B"
test_expect_success 'one created on B binds on A, and both servers hold both' '
	wait_bind 0 "$URI_a" "$ALICE" "$PW_B"
	for n in $CC_NAMES; do
		LDAP_URI=$(eval echo "\$URI_$n") values "$ALICE" apppwPassword |
			sed -n "s/.* label=//p" | sort >"$TEST_DIR/labels.$n"
	done
	printf "%s\n" "Made on A" "Made on B" >"$TEST_DIR/want"
	diff -u "$TEST_DIR/want" "$TEST_DIR/labels.a"
	diff -u "$TEST_DIR/want" "$TEST_DIR/labels.b"
'

# Each bind recorded a last use, which replicated to the other server and
# was merged there (apppw_merge_replicated): with syncrepl's overlay above
# apppw, as cn=config stacked it, the first such merge aborted slapd.
test_expect_success 'the last uses, merged both ways: one per app password, the same on both' '
	i=0
	while [ $i -lt 150 ]; do
		for n in $CC_NAMES; do
			LDAP_URI=$(eval echo "\$URI_$n") values "$ALICE" apppwLastUsed |
				sort >"$TEST_DIR/used.$n"
		done
		cmp -s "$TEST_DIR/used.a" "$TEST_DIR/used.b" && break
		sleep 0.1
		i=$((i + 1))
	done
	diff -u "$TEST_DIR/used.a" "$TEST_DIR/used.b"
	test "$(wc -l <"$TEST_DIR/used.a")" = 2
'

test_done
