# tool-lib.sh - helpers of the scenarios that drive the apppw tool;
# sourced after test-lib.sh

# code SECRET: a code for a time step later than that of every code the
# server saw for SECRET, within its default window of one step either side
# (a code is accepted once); waits when the steps in the window are used up.
code() {
	local secret=$1 f="$TEST_DIR/last-step.$1" now last want
	while :; do
		totp_settle 30 3
		now=$(( $(date +%s) / 30 ))
		last=$(cat "$f" 2>/dev/null) || last=$(( now - 2 ))
		want=$(( last + 1 ))
		[ "$want" -ge $(( now - 1 )) ] || want=$(( now - 1 ))
		[ "$want" -le $(( now + 1 )) ] && break
		sleep $(( 30 - $(date +%s) % 30 ))
	done
	echo "$want" >"$f"
	oathtool --totp -b -N "@$(( want * 30 ))" "$secret"
}

# run_tool EXPECTED_EXIT ARGS...: apppw ARGS, stdout to tool.out and
# stderr to tool.err (both shown); fails unless it exits EXPECTED_EXIT
run_tool() {
	local want=$1 rc=0
	shift
	apppw "$@" >"$TEST_DIR/tool.out" 2>"$TEST_DIR/tool.err" || rc=$?
	cat "$TEST_DIR/tool.out" "$TEST_DIR/tool.err"
	[ "$rc" = "$want" ] || { echo "expected exit $want, got $rc"; return 1; }
}

# enrol_code FILE [seen]: wait for the tool to write the secret FILE, then
# print the current code for it, as the app shows it (for --code -); the
# server records its step, or with "seen" the next one, with which the tool
# binds after it, so that code() does not reuse them
enrol_code() {
	local i=0
	while [ ! -s "$1" ]; do
		i=$((i + 1))
		[ $i -le 100 ] || { echo "no secret file $1" >&2; return 1; }
		sleep 0.1
	done
	totp_settle 30 3
	local used=$(( $(date +%s) / 30 ))
	[ -z "${2:-}" ] || used=$(( used + 1 ))
	echo "$used" >"$TEST_DIR/last-step.$(cat "$1")"
	totp "$(cat "$1")"
}
