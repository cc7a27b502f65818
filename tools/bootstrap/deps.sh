#!/bin/sh
# Install the Debian packages the build, the demo and the tests need.
#
# usage: deps.sh check|install
#   check    print the missing packages, exit 1 if any are missing
#   install  install the missing ones (root only); add a deb-src entry
#            mirroring the machine's Debian deb entries when none exists
#
# Installing slapd never starts the machine's own slapd, nor Dovecot, Postfix
# or Apache theirs: a policy-rc.d that forbids service starts is in place
# for the duration of the install; a fresh slapd is preseeded to create no
# database of its own, a fresh Postfix to write no configuration.
set -eu

PACKAGES="slapd ldap-utils libldap-dev libsodium-dev liboath-dev
libqrencode-dev oathtool dpkg-dev gcc make
libltdl-dev libsasl2-dev libgnutls28-dev libwrap0-dev nettle-dev
perl procps iproute2 tmux python3 libsasl2-modules"
# the mail and web servers tests/t06*.sh run privately against the overlay,
# configured as docs/deploying.md says; openssl makes their certificates,
# curl is the web client
PACKAGES="$PACKAGES dovecot-core dovecot-imapd dovecot-pop3d dovecot-ldap postfix apache2 openssl curl"
# apppw-web: its HTTP server library, msgfmt for its catalogs, and curl and
# openssl (above) for its scenarios
PACKAGES="$PACKAGES libmicrohttpd-dev gettext"
# apppw-web's browser tests (tests/web): headless Chromium driven by Selenium
PACKAGES="$PACKAGES chromium chromium-driver python3-selenium"

missing_packages() {
	for p in $PACKAGES; do
		s=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
		[ "$s" = installed ] || printf '%s\n' "$p"
	done
}

have_deb_src() {
	grep -Eqs '^[[:space:]]*deb-src[[:space:]]' /etc/apt/sources.list \
		/etc/apt/sources.list.d/*.list && return 0
	grep -Eqs '^Types:.*deb-src' /etc/apt/sources.list.d/*.sources
}

# Mirror every enabled Debian "deb" entry as "deb-src": same URIs, suites,
# components and keyring, so no host is ever hard-coded here.
add_deb_src() {
	out=/etc/apt/sources.list.d/apppw-deb-src.sources
	: >"$out.tmp"
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk 'BEGIN { RS = ""; ORS = "\n\n" }
		     /(^|\n)Types:[^\n]*deb/ && /debian/ && !/(^|\n)Enabled: *no/ {
			sub(/(^|\n)Types:[^\n]*/, "\nTypes: deb-src"); sub(/^\n/, "");
			print }' "$f" >>"$out.tmp"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		sed -n 's/^[[:space:]]*deb\([[:space:]].*debian.*\)/deb-src\1/p' "$f"
	done >"${out%.sources}.list.tmp"
	if [ -s "$out.tmp" ]; then mv "$out.tmp" "$out"; else rm -f "$out.tmp"; fi
	if [ -s "${out%.sources}.list.tmp" ]; then
		mv "${out%.sources}.list.tmp" "${out%.sources}.list"
	else
		rm -f "${out%.sources}.list.tmp"
	fi
	have_deb_src || { echo "deps.sh: no Debian deb entry to mirror as deb-src" >&2; exit 1; }
	echo "deps.sh: added deb-src entries in /etc/apt/sources.list.d/apppw-deb-src.*" >&2
}

install_missing() {
	missing=$(missing_packages)
	need_src=0
	have_deb_src || need_src=1
	[ -z "$missing" ] && [ $need_src = 0 ] && return 0
	if [ "$(id -u)" != 0 ]; then
		echo "deps.sh: missing, install as root:" >&2
		[ -n "$missing" ] && echo "  apt-get install" $missing >&2
		[ $need_src = 1 ] && echo "  and a deb-src line for apt-get source" >&2
		exit 1
	fi
	[ $need_src = 1 ] && add_deb_src
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	[ -n "$missing" ] || return 0
	if ! dpkg-query -W -f='${db:Status-Status}' slapd 2>/dev/null | grep -q '^installed'; then
		echo "slapd slapd/no_configuration boolean true" | debconf-set-selections
	fi
	if ! dpkg-query -W -f='${db:Status-Status}' postfix 2>/dev/null | grep -q '^installed'; then
		echo "postfix postfix/main_mailer_type select No configuration" |
			debconf-set-selections
	fi
	policy=/usr/sbin/policy-rc.d
	made_policy=0
	if [ ! -e $policy ]; then
		printf '#!/bin/sh\nexit 101\n' >$policy
		chmod 755 $policy
		made_policy=1
	fi
	trap '[ $made_policy = 1 ] && rm -f $policy' EXIT
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing
	disable_new_services $missing
}

# The services a package of this install brought with it stay off at boot
# too: the tests run their own servers, and a machine that had none of
# them must not find a Dovecot, Postfix or Apache listening after a
# reboot. Services that were installed before are left as they were.
disable_new_services() {
	for p; do
		case $p in
		slapd|dovecot-core|postfix|apache2) ;;
		*) continue ;;
		esac
		svc=${p%-core}
		if [ -d /run/systemd/system ]; then
			systemctl disable --quiet "$svc" 2>/dev/null || true
		elif command -v update-rc.d >/dev/null; then
			update-rc.d "$svc" disable >/dev/null 2>&1 || true
		fi
	done
}

case "${1:-}" in
check)
	missing=$(missing_packages)
	[ -z "$missing" ] && exit 0
	echo $missing
	exit 1 ;;
install)
	install_missing ;;
*)
	echo "usage: deps.sh check|install" >&2
	exit 2 ;;
esac
