#!/bin/bash
# TOTP lockouts in time, with 3-second steps so that the scenario is
# short: a lockout lasts one step, the next one in a row twice as long, and
# once it is over the right code gets in and ends the run. Durations are
# read from the log (when each lockout was logged, and until when it
# lasts), so that a slow machine cannot make them look longer or shorter.
. "$(dirname "$0")/lib/test-lib.sh"
. "$TEST_ROOT/lib/security-lib.sh"
STEP=3
start_slapd "apppw-totp-step $STEP"

# three_wrong: three wrong codes with alice's password, all refused
three_wrong() {
	for i in 1 2 3; do
		expect_bind_refused "$ALICE" "$ALICE_PW$(wrong_code "$ALICE_TOTP" $STEP)"
	done
}

# right_code: alice's password and the current code
right_code() {
	printf '%s%s' "$ALICE_PW" "$(totp "$ALICE_TOTP" 0 $STEP)"
}

# lockout N: "START UNTIL" of the Nth lockout, in seconds since the epoch:
# when slapd logged it, and until when it lasts
lockout() {
	local line stamp until
	line=$(grep -F "; TOTP locked until" "$TEST_DIR/slapd.log" | sed -n "${1}p")
	[ -n "$line" ] || { echo "no lockout $1 in the log" >&2; return 1; }
	stamp=${line%%.*}
	until=$(printf %s "$line" | sed 's/.*; TOTP locked until \([0-9]*\)Z.*/\1/')
	echo "$(( 0x$stamp )) $(date -u -d "${until:0:8} ${until:8:2}:${until:10:2}:${until:12:2}" +%s)"
}

# wait_out N: until lockout N is over (30 seconds at most)
wait_out() {
	local until i=0
	until=$(lockout "$1" | cut -d" " -f2) || return 1
	while [ "$(date +%s)" -lt "$until" ] && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

# expect_lasts N SECONDS: lockout N lasts SECONDS from the second it began
# (or one less: the bind may have begun in the second before it was logged)
expect_lasts() {
	local start until
	read -r start until <<-EOF
	$(lockout "$1")
	EOF
	case $(( until - start )) in
	"$2"|"$(( $2 - 1 ))") return 0 ;;
	esac
	echo "lockout $1 lasts $(( until - start )) s, not $2:"
	grep -F "; TOTP locked until" "$TEST_DIR/slapd.log"
	return 1
}

test_expect_success 'three wrong codes lock TOTP for one step; the right code is refused' '
	three_wrong
	expect_log_count 1 "(lockout 1 in a row; 0 refusals not logged before)"
	expect_lasts 1 $STEP
	expect_bind_refused "$ALICE" "$(right_code)"
'

test_expect_success 'three more once it is over lock for two steps; the right code is refused' '
	wait_out 1
	three_wrong
	expect_log_count 1 "(lockout 2 in a row; 0 refusals not logged before)"
	expect_lasts 2 $(( 2 * STEP ))
	expect_bind_refused "$ALICE" "$(right_code)"
'

test_expect_success 'once the second is over, the right code gets in' '
	wait_out 2
	expect_bind_as "$ALICE" "$(right_code)"
'

test_expect_success 'and has ended the run: three wrong codes lock for one step again' '
	three_wrong
	expect_log_count 2 "(lockout 1 in a row; 0 refusals not logged before)"
	expect_lasts 3 $STEP
'

test_done
