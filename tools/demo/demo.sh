#!/bin/bash
# The demo directory of "make run": a private slapd with the overlay,
# never the machine's own.
#
# usage: demo.sh run [PORT]     serve in the foreground until Ctrl-C
#        demo.sh start [PORT]   serve in the background
#        demo.sh stop           stop the background server
#
# Beside slapd runs apppw-web, the self-service page, on a free loopback
# port (WEB_PORT to choose it), its URL in demo.env as WEB_URL.
#
# Everything lives in RUN_DIR (default: run/ in the checkout): the
# configuration as cn=config (run/slapd.d, so runtime changes persist), the
# database, the ldapi socket, the logs (run/slapd.log, run/web.log) and
# run/demo.env.
# The directory is seeded once; later runs serve what is there. demo.env
# appears, or changes, at once and complete, when the server answers: a
# script may wait for it, then source it.
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
RUN_DIR=${RUN_DIR:-$top/run}
PORT=${2:-${PORT:-3890}}
BASE_DN="dc=example,dc=com"
PEOPLE="ou=people,$BASE_DN"
APPPW="$top/build/apppw"
WEB="$top/build/apppw-web"
LDAPNOINIT=1
export LDAPNOINIT

die() {
	echo "demo: $*" >&2
	exit 1
}

random_password() {
	tr -dc 'A-Za-z0-9' </dev/urandom | head -c "${1:-16}"
}

running_pid() {
	local pid
	[ -f "$RUN_DIR/slapd.pid" ] || return 1
	pid=$(cat "$RUN_DIR/slapd.pid")
	kill -0 "$pid" 2>/dev/null && echo "$pid"
}

web_pid() {
	local pid
	[ -f "$RUN_DIR/web.pid" ] || return 1
	pid=$(cat "$RUN_DIR/web.pid")
	kill -0 "$pid" 2>/dev/null && echo "$pid"
}

ldapi_uri() {
	echo "ldapi://$(printf %s "$RUN_DIR/ldapi" | sed 's|/|%2F|g')"
}

# The users of the demo: an MFA-required user (TOTP enrolled, one app
# password), a plain user, and a new user for whom an administrator has
# required MFA (apppwMFARequired: TRUE, as one ldapmodify sets it) and who
# has not enrolled yet: pending, to walk through the seed's flow with
# "apppw mfa enroll" or apppw-web, both through the enrol operation.
seed() {
	local admin_pw mfa_pw plain_pw new_pw secret conf
	admin_pw=$(random_password)
	mfa_pw=$(random_password 12)
	plain_pw=$(random_password 12)
	new_pw=$(random_password 12)
	secret=$(head -c 20 /dev/urandom | base32 | tr -d '=')

	mkdir -p "$RUN_DIR/slapd.d"
	conf="$RUN_DIR/slapd.conf"
	"$top/tools/conf/slapd-conf.sh" "$RUN_DIR" \
		"$BASE_DN" "cn=admin,$BASE_DN" "$admin_pw" >"$conf"
	slaptest -Q -u -f "$conf" || die "slaptest refused $conf"
	slapadd -q -f "$conf" -b "$BASE_DN" <<EOF || die "slapadd failed"
dn: $BASE_DN
objectClass: dcObject
objectClass: organization
dc: example
o: Example

dn: $PEOPLE
objectClass: organizationalUnit
ou: people

dn: uid=alice,$PEOPLE
objectClass: inetOrgPerson
objectClass: apppwUser
uid: alice
cn: Alice Andersson
sn: Andersson
mail: alice@example.com
userPassword: $mfa_pw
apppwMFARequired: TRUE
apppwTOTPSecret: $secret

dn: uid=bob,$PEOPLE
objectClass: inetOrgPerson
uid: bob
cn: Bob Berg
sn: Berg
mail: bob@example.com
userPassword: $plain_pw

dn: uid=dave,$PEOPLE
objectClass: inetOrgPerson
objectClass: apppwUser
uid: dave
cn: Dave Dahl
sn: Dahl
mail: dave@example.com
userPassword: $new_pw
apppwMFARequired: TRUE
EOF
	slaptest -Q -f "$conf" -F "$RUN_DIR/slapd.d" ||
		die "cannot convert $conf to cn=config"
	# cn=config is the configuration from now on
	rm -f "$conf"

	# demo.env is written once the app password is made, by the server;
	# until then the seeded values wait in seed.env, which only this
	# script reads
	write_env "$RUN_DIR/seed.env" <<EOF
LDAP_URI='ldap://127.0.0.1:$PORT'
LDAPI_URI='$(ldapi_uri)'
BASE_DN='$BASE_DN'
ADMIN_DN='cn=admin,$BASE_DN'
ADMIN_PW='$admin_pw'
MFA_USER_DN='uid=alice,$PEOPLE'
MFA_USER_PW='$mfa_pw'
MFA_USER_TOTP_SECRET='$secret'
MFA_USER_APP_PASSWORD=''
PLAIN_USER_DN='uid=bob,$PEOPLE'
PLAIN_USER_PW='$plain_pw'
NEW_USER_DN='uid=dave,$PEOPLE'
NEW_USER_PW='$new_pw'
EOF
}

# write_env FILE: standard input becomes FILE, mode 0600, at once: it is
# written to a temporary file in the same directory, then renamed, so that
# a reader finds the old FILE, or none, or the whole new one
write_env() {
	local tmp
	tmp=$(mktemp "$1.XXXXXX") || die "cannot write $1"
	if ! cat >"$tmp"; then
		rm -f "$tmp"
		die "cannot write $1"
	fi
	mv -f "$tmp" "$1"
}

# finish_env URI WEB_URL: write run/demo.env with every value in it: the
# URIs served now, and the app password. That is made by the server, through
# the tool, by the admin (a TOTP code used here would be refused as a
# replay to whoever tries it next within the same 30 seconds). A first
# start takes the seeded values from seed.env; later ones keep demo.env's.
finish_env() {
	local from=$RUN_DIR/demo.env pw
	[ -f "$from" ] || from=$RUN_DIR/seed.env
	# shellcheck disable=SC1090
	. "$from"
	pw=$MFA_USER_APP_PASSWORD
	if [ -z "$pw" ]; then
		pw=$("$APPPW" -x -H "$1" -D "$ADMIN_DN" -w "$ADMIN_PW" \
			create --label "Demo mail app" "$MFA_USER_DN" 2>/dev/null) ||
			die "could not create the demo app password"
	fi
	{
		sed "s|^LDAP_URI=.*|LDAP_URI='$1'|
			s|^MFA_USER_APP_PASSWORD=.*|MFA_USER_APP_PASSWORD='$pw'|
			/^WEB_URL=/d" "$from"
		echo "WEB_URL='$2'"
	} | write_env "$RUN_DIR/demo.env"
	rm -f "$RUN_DIR/seed.env"
}

start_server() {
	local i=0 uri
	if running_pid >/dev/null; then
		die "already running (pid $(running_pid)); 'make stop' stops it"
	fi
	[ -x "$APPPW" ] && [ -f "$top/build/apppw.so" ] || die "run 'make' first"
	[ -f "$RUN_DIR/slapd.d/cn=config.ldif" ] || seed
	uri="ldap://127.0.0.1:$PORT"
	/usr/sbin/slapd -F "$RUN_DIR/slapd.d" -h "$uri $(ldapi_uri)" \
		-d stats >>"$RUN_DIR/slapd.log" 2>&1 &
	echo $! >"$RUN_DIR/slapd.pid.start"
	while ! ldapsearch -x -H "$uri" -b "" -s base >/dev/null 2>&1; do
		if ! kill -0 "$(cat "$RUN_DIR/slapd.pid.start")" 2>/dev/null ||
				[ $i -ge 100 ]; then
			tail -5 "$RUN_DIR/slapd.log" >&2
			die "slapd did not start on $uri (is the port free? PORT=N make run)"
		fi
		sleep 0.1
		i=$((i + 1))
	done
	rm -f "$RUN_DIR/slapd.pid.start"
	start_web "$uri"
	finish_env "$uri" "$WEB_URL"
}

# start_web URI: apppw-web for the directory at URI, on WEB_PORT, else on
# the port of the last start while it is free (so that demo.env and a
# browser's bookmark stay right), else on a free port; sets WEB_URL
start_web() {
	local i=0 port=${WEB_PORT:-}
	[ -x "$WEB" ] || die "run 'make' first"
	if [ -z "$port" ] && [ -f "$RUN_DIR/demo.env" ]; then
		port=$(sed -n "s|^WEB_URL='http://127.0.0.1:\([0-9]*\)'$|\1|p" \
			"$RUN_DIR/demo.env")
		if [ -n "$port" ] && ss -Htln "( sport = :$port )" | grep -q .; then
			port=
		fi
	fi
	if [ -z "$port" ]; then
		. "$top/tests/lib/ports.sh"
		port=$(free_port) || die "no free port for apppw-web"
	fi
	WEB_URL="http://127.0.0.1:$port"
	rm -f "$RUN_DIR/web.pid"
	"$WEB" -H "$1" --user-dn "uid=%s,$PEOPLE" --listen "127.0.0.1:$port" \
		--locale-dir "$top/build/locale" --mail-server 127.0.0.1 \
		--pid-file "$RUN_DIR/web.pid" 2>>"$RUN_DIR/web.log" &
	while ! ss -Htln "( sport = :$port )" | grep -q . || [ ! -s "$RUN_DIR/web.pid" ]; do
		if ! kill -0 $! 2>/dev/null || [ $i -ge 100 ]; then
			tail -5 "$RUN_DIR/web.log" >&2
			die "apppw-web did not start on $WEB_URL (WEB_PORT=N to choose)"
		fi
		sleep 0.1
		i=$((i + 1))
	done
}

stop_pid() {
	kill "$1"
	while kill -0 "$1" 2>/dev/null; do sleep 0.1; done
}

print_help() {
	cat <<EOF

The demo directory is served at ldap://127.0.0.1:$PORT (log: run/slapd.log),
the self-service page at $WEB_URL (log: run/web.log).
Its credentials are in run/demo.env. Try, from the top of the checkout:

  . run/demo.env

  # a plain user binds with the password, as before
  ldapwhoami -x -H "\$LDAP_URI" -D "\$PLAIN_USER_DN" -w "\$PLAIN_USER_PW"

  # an MFA-required user: the password alone is refused (49)...
  ldapwhoami -x -H "\$LDAP_URI" -D "\$MFA_USER_DN" -w "\$MFA_USER_PW"
  # ...the password followed by the current TOTP code is accepted...
  ldapwhoami -x -H "\$LDAP_URI" -D "\$MFA_USER_DN" -w "\$MFA_USER_PW\$(oathtool --totp -b "\$MFA_USER_TOTP_SECRET")"
  # ...and so is the user's app password, as a mail program would send it
  ldapwhoami -x -H "\$LDAP_URI" -D "\$MFA_USER_DN" -w "\$MFA_USER_APP_PASSWORD"

  # the user's app passwords, with when they were last used
  build/apppw -x -H "\$LDAP_URI" -D "\$MFA_USER_DN" -w "\$MFA_USER_APP_PASSWORD" list

  # an administrator requires MFA for the new user dave with one ldapmodify
  # (the seed did already): he is pending, his password alone is refused
  printf 'dn: %s\nchangetype: modify\nreplace: apppwMFARequired\napppwMFARequired: TRUE\n' "\$NEW_USER_DN" |
    ldapmodify -x -H "\$LDAP_URI" -D "\$ADMIN_DN" -w "\$ADMIN_PW"

  # the seed's flow for dave: enrol an authenticator, keep the recovery
  # codes it prints, get an app password
  build/apppw -x -H "\$LDAP_URI" -D "\$NEW_USER_DN" -w "\$NEW_USER_PW" mfa enroll

  # dave lost his phone: his password followed by a recovery code (each
  # works once) signs in; he enrols a new app, and makes new codes
  build/apppw -x -H "\$LDAP_URI" -D "\$NEW_USER_DN" -w "\$NEW_USER_PW<a recovery code>" mfa enroll
  build/apppw -x -H "\$LDAP_URI" -D "\$NEW_USER_DN" -w "\$NEW_USER_PW<a code>" mfa recovery

  # or in a browser, at $WEB_URL: sign in as dave (NEW_USER_PW), "Set it
  # up now" under the code, scan the QR code, "Next", keep the recovery
  # codes, "Create app password"; alice signs in with MFA_USER_PW and a
  # code; bob (PLAIN_USER_PW) sees that the options are not for him
  sed -n "s/^NEW_USER_PW=//p" run/demo.env

EOF
}

case "${1:-}" in
run)
	start_server
	print_help
	echo "Serving in the foreground; Ctrl-C stops the server."
	pid=$(cat "$RUN_DIR/slapd.pid")
	wpid=$(cat "$RUN_DIR/web.pid")
	trap 'kill "$wpid" "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; while kill -0 "$wpid" 2>/dev/null; do sleep 0.1; done; rm -f "$RUN_DIR/web.pid"; echo; echo "demo: stopped"; exit 0' INT TERM
	wait "$pid" 2>/dev/null || true
	;;
start)
	start_server
	print_help
	echo "Running in the background (slapd pid $(cat "$RUN_DIR/slapd.pid"), apppw-web pid $(cat "$RUN_DIR/web.pid")); 'make stop' stops them."
	;;
stop)
	if pid=$(web_pid); then
		stop_pid "$pid"
		rm -f "$RUN_DIR/web.pid"
		echo "demo: apppw-web stopped (pid $pid)"
	fi
	if pid=$(running_pid); then
		stop_pid "$pid"
		echo "demo: stopped (pid $pid)"
	else
		echo "demo: not running"
	fi
	;;
*)
	echo "usage: demo.sh run|start [PORT] | stop" >&2
	exit 2
	;;
esac
