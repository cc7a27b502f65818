#!/bin/bash
# The interactive enrolment as a person sees it, run under a pseudo-terminal
# (tmux): the password prompt without echo, the QR code in half blocks, the
# otpauth:// URI and the key, the prompt for a code (a typo, then the code
# from the screen's secret), the success text; then, in a second run, step
# 5: the offer of an app password, its label, and the app password shown.
. "$(dirname "$0")/lib/test-lib.sh"
. "$(dirname "$0")/lib/tool-lib.sh"
start_slapd

GINA="uid=gina,ou=people,$BASE_DN"
GINA_PW="gina-pw"
HANK="uid=hank,ou=people,$BASE_DN"
HANK_PW="hank-pw"
TMUX_SOCK="$TEST_DIR/tmux.sock"
unset TMUX

# the tmux server is this scenario's: killed on exit, whatever happens
cleanup_tmux() {
	tmux -S "$TMUX_SOCK" kill-server >/dev/null 2>&1
	cleanup
}
trap cleanup_tmux EXIT

t() {
	tmux -S "$TMUX_SOCK" -f /dev/null "$@"
}

# start_pane NAME COMMAND: COMMAND in a new 200x80 terminal; its exit status
# is shown after it, and the pane stays for capture-pane
start_pane() {
	t new-session -d -s "$1" -x 200 -y 80 \
		"$2; echo \"[exit \$?]\"; sleep 120"
}

screen() {
	t capture-pane -p -J -t "$1" -S - >"$TEST_DIR/screen.$1"
	cat "$TEST_DIR/screen.$1"
}

# wait_for NAME TEXT [COUNT]: until TEXT (fixed string) is on NAME's screen,
# at least COUNT times (default 1); 15 s at most. The screen is then in
# $TEST_DIR/screen.NAME.
wait_for() {
	local i=0
	while [ $i -lt 150 ]; do
		screen "$1" >/dev/null
		if [ "$(grep -cF -- "$2" "$TEST_DIR/screen.$1")" -ge "${3:-1}" ]; then
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	echo "timed out waiting for: $2"
	cat "$TEST_DIR/screen.$1"
	return 1
}

test_expect_success 'setup: gina and hank, MFA required by the administrator, not enrolled' '
	add_user gina "$GINA_PW" "apppwMFARequired: TRUE"
	add_user hank "$HANK_PW" "apppwMFARequired: TRUE"
'

test_expect_success 'the tool asks for the password on the terminal, without echo' '
	start_pane gina "$BUILD/apppw -x -H $LDAP_URI -D $GINA mfa enroll --no-app-password"
	wait_for gina "Password for $GINA:"
	t send-keys -t gina -l "$GINA_PW"
	t send-keys -t gina Enter
	wait_for gina "Code from your authenticator app:"
	not grep -q "$GINA_PW" "$TEST_DIR/screen.gina"
'

test_expect_success 'the screen shows the QR code in half blocks' '
	# "  " then only half blocks and spaces (its size: see below)
	grep -E "^  [ ▀▄█]{21,}\$" "$TEST_DIR/screen.gina" >"$TEST_DIR/qr"
	cat "$TEST_DIR/qr"
	test "$(wc -l <"$TEST_DIR/qr")" -ge 15
	grep -q "▀" "$TEST_DIR/qr"
	grep -q "▄" "$TEST_DIR/qr"
	grep -q "█" "$TEST_DIR/qr"
'

test_expect_success 'the otpauth:// URI, the key in groups, the prompt' '
	grep -E "^  otpauth://totp/example\.com:gina\?secret=[A-Z2-7]{32}&issuer=example\.com&algorithm=SHA1&digits=6&period=30\$" \
		"$TEST_DIR/screen.gina" >"$TEST_DIR/uri"
	test "$(wc -l <"$TEST_DIR/uri")" = 1
	secret=$(sed "s/.*secret=\([A-Z2-7]*\)&.*/\1/" "$TEST_DIR/uri")
	grep -qx "  Key:  $(echo "$secret" | sed "s/..../& /g; s/ \$//")" "$TEST_DIR/screen.gina"
	# pending: the entry is not read before enrolment, the account is its RDN value
	grep -qx "        (example.com:gina, time-based, SHA1, 6 digits, every 30 seconds)" \
		"$TEST_DIR/screen.gina"
	grep -q "^Add this account to your authenticator app" "$TEST_DIR/screen.gina"
	test "$(grep -v "^ *\$" "$TEST_DIR/screen.gina" | tail -1 | sed "s/ *\$//")" = \
		"Code from your authenticator app:"
	echo "$secret" >"$TEST_DIR/gina.secret"
	test -z "$(values "$GINA" apppwTOTPSecret)"
'

test_expect_success 'the QR code is the URI on the screen, drawn light on dark' '
	python3 - "$TEST_DIR/qr" "$(sed "s/^  //" "$TEST_DIR/uri")" <<-\EOF
	import ctypes, sys
	lines = [l.rstrip("\n")[2:] for l in open(sys.argv[1], encoding="utf-8")]
	uri = sys.argv[2].encode()
	# the screen: a block is a light module; two rows per line
	top = {" ": 0, "▄": 0, "▀": 1, "█": 1}
	bottom = {" ": 0, "▄": 1, "▀": 0, "█": 1}
	light = []
	for l in lines:
	    light.append([top[c] for c in l])
	    light.append([bottom[c] for c in l])
	n = len(lines[0])
	light = light[:n]
	# libqrencode, as the tool calls it: version auto, level M, 8-bit
	class QR(ctypes.Structure):
	    _fields_ = [("version", ctypes.c_int), ("width", ctypes.c_int),
	                ("data", ctypes.POINTER(ctypes.c_ubyte))]
	lib = ctypes.CDLL("libqrencode.so.4")
	lib.QRcode_encodeString.restype = ctypes.POINTER(QR)
	lib.QRcode_encodeString.argtypes = [ctypes.c_char_p, ctypes.c_int,
	                                    ctypes.c_int, ctypes.c_int, ctypes.c_int]
	qr = lib.QRcode_encodeString(uri, 0, 1, 2, 1).contents
	w, q = qr.width, 4
	assert n == w + 2 * q, (n, w)
	want = [[1 if x < q or y < q or x >= w + q or y >= w + q
	         else 1 - (qr.data[(y - q) * w + (x - q)] & 1)
	         for x in range(n)] for y in range(n)]
	assert light == want, "the QR code on the screen is not that of the URI"
	# and a finder pattern where a scanner looks: dark ring, light ring
	assert all(light[q][q + i] == 0 for i in range(7))
	assert all(light[q + 1][q + 1 + i] == 1 for i in range(5))
	print("QR version", qr.version, "width", w)
	EOF
'

test_expect_success 'a typo is not a code: the tool says so and asks again' '
	t send-keys -t gina -l "12"
	t send-keys -t gina Enter
	wait_for gina "Code from your authenticator app:" 2
	grep -qx "That is not a 6-digit code." "$TEST_DIR/screen.gina"
	test -z "$(values "$GINA" apppwTOTPSecret)"
'

test_expect_success 'the code for the secret on the screen: MFA is on' '
	totp_settle 30 5
	t send-keys -t gina -l "$(totp "$(cat "$TEST_DIR/gina.secret")")"
	t send-keys -t gina Enter
	wait_for gina "[exit 0]"
	grep -qx "Your authenticator app is enrolled for $GINA." "$TEST_DIR/screen.gina"
	grep -q "^From now on, sign in with your password immediately followed by the current" \
		"$TEST_DIR/screen.gina"
	not grep -q "Create an app password now" "$TEST_DIR/screen.gina"
	test "$(values "$GINA" apppwMFARequired)" = TRUE
	test "$(values "$GINA" apppwTOTPSecret)" = "$(cat "$TEST_DIR/gina.secret")"
	expect_bind 49 "$GINA" "$GINA_PW"
'

test_expect_success 'step 5 under a terminal: offered, named, shown, and it binds' '
	start_pane hank "$BUILD/apppw -x -H $LDAP_URI -D $HANK -w $HANK_PW mfa enroll --no-qr"
	wait_for hank "Code from your authenticator app:"
	not grep -q "▀" "$TEST_DIR/screen.hank"
	secret=$(sed -n "s/^  otpauth:.*secret=\([A-Z2-7]*\)&.*/\1/p" "$TEST_DIR/screen.hank")
	test -n "$secret"
	totp_settle 30 12
	t send-keys -t hank -l "$(totp "$secret")"
	t send-keys -t hank Enter
	wait_for hank "? [Y/n]"
	grep -q "^Create an app password now, for a program that cannot ask for a code" \
		"$TEST_DIR/screen.hank"
	t send-keys -t hank Enter
	wait_for hank "Name it after the app or device (e.g. \"Outlook on my laptop\"):"
	t send-keys -t hank -l "Thunderbird"
	t send-keys -t hank Enter
	wait_for hank "[exit 0]"
	# the ten recovery codes, then the app password
	grep -E "^[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){4}\$" "$TEST_DIR/screen.hank" >"$TEST_DIR/hank.shown"
	test "$(wc -l <"$TEST_DIR/hank.shown")" = 11
	grep -qx "These 10 recovery codes are shown once: print them or keep them somewhere" "$TEST_DIR/screen.hank"
	tail -n 1 "$TEST_DIR/hank.shown" >"$TEST_DIR/hank.pw"
	grep -qx "App password \"Thunderbird\" (id $(cut -c1-4 "$TEST_DIR/hank.pw")) created for $HANK." \
		"$TEST_DIR/screen.hank"
	grep -qx "Copy it now: it will not be shown again." "$TEST_DIR/screen.hank"
	expect_bind 0 "$HANK" "$(cat "$TEST_DIR/hank.pw")"
	test "$(values "$HANK" apppwMFARequired)" = TRUE
	test "$(values "$HANK" apppwTOTPSecret)" = "$secret"
'

test_expect_success 'as people type it: apppw create -H URI -D DN -W --label X' '
	secret=$(values "$HANK" apppwTOTPSecret)
	# step 5 signed in with the code of the step after the enrolment'"'"'s
	echo $(( $(values "$HANK" apppwTOTPLastStep) / 30 )) >"$TEST_DIR/last-step.$secret"
	start_pane hank2 "$BUILD/apppw create -H $LDAP_URI -D $HANK -W --label Phone -x"
	wait_for hank2 "Password for $HANK:"
	t send-keys -t hank2 -l "$HANK_PW$(code "$secret")"
	t send-keys -t hank2 Enter
	wait_for hank2 "[exit 0]"
	grep -E "^[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){4}\$" "$TEST_DIR/screen.hank2" \
		>"$TEST_DIR/hank2.pw"
	test "$(wc -l <"$TEST_DIR/hank2.pw")" = 1
	grep -qx "App password \"Phone\" (id $(cut -c1-4 "$TEST_DIR/hank2.pw")) created for $HANK." \
		"$TEST_DIR/screen.hank2"
	expect_bind 0 "$HANK" "$(cat "$TEST_DIR/hank2.pw")"
'

test_done
