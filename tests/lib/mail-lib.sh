# mail-lib.sh - a private Dovecot (and Postfix, Apache) configured from the
# deployment guide's snippets, for the t06xx scenarios; sourced after
# test-lib.sh and security-lib.sh.
#
# The guide (docs/deploying.md) marks each configuration snippet with a
# line "<!-- snippet: NAME -->" just before its fenced block. The scenarios
# take their servers' configuration from those blocks, changing only the
# guide's example host names, paths and users into the test's own
# (guide_snippet), so that what the guide says is what is tested. What only
# a private test server needs (its base_dir, its ports on 127.0.0.1, no
# TLS for the clients on loopback) is written here, around the snippets.
#
# The servers run in the scenario's temporary directory, as root as the
# scenario does, with their own configuration files, never the machine's
# services or their sockets; they are stopped by PID on exit whatever
# happens.

# Dovecot, Postfix and Apache start as root and give up their rights
# themselves; the mail and web servers' users must own their directories.
if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP private Dovecot, Postfix and Apache servers need root"
	exit 0
fi

GUIDE="$SRC_ROOT/docs/deploying.md"
MAIL_CLIENT="$TEST_ROOT/lib/mail-client.py"
DOVECOT_DIR="$TEST_DIR/dovecot"
DOVECOT_CONF="$DOVECOT_DIR/dovecot.conf"
DOVECOT_PID=
POSTFIX_DIR="$TEST_DIR/postfix"
POSTFIX_PID=
APACHE_DIR="$TEST_DIR/apache"
APACHE_PID=
TLS_DIR="$TEST_DIR/tls"
# the address of the mail server, for slapd
MAIL_SERVER_IP=127.0.0.1

# The servers' unprivileged processes (mail as nobody, Postfix's daemons,
# Apache's workers) must reach their files in the test's directory: it
# may be searched, still not listed.
chmod 711 "$TEST_DIR"

# stop the mail servers before test-lib's cleanup stops slapd
trap 'stop_apache; stop_postfix; stop_dovecot; cleanup' EXIT

# alice_app_password LABEL [--scope NAME]: a new app password of alice's,
# made by the administrator with the apppw tool, as the tool shows it
alice_app_password() {
	local label=$1
	shift
	apppw -H "$LDAP_URI" -D "$ADMIN_DN" -w "$ADMIN_PW" create --label "$label" \
		"$@" "$ALICE" 2>/dev/null
}

# add_lookup_accounts: the lookup accounts of the guide, with ldapadd as
# the rootdn: cn=dovecot and cn=apache under ou=services
add_lookup_accounts() {
	local ldif
	ldif=$(guide_snippet lookup-accounts.ldif) || exit 1
	printf '%s\n' "$ldif" | as_admin ldapadd >/dev/null
}

# guide_snippet NAME: the guide's snippet NAME, with the guide's example
# names made the test's: its slapd's ldaps listener, CA, directories, the
# user mail is stored as, the mail server's address. Fails, saying so on
# standard error, if the guide has no such snippet: its callers exit then
# (they may be in a subshell, where bail_out could not stop the scenario).
guide_snippet() {
	awk -v name="$1" '
		$0 == "<!-- snippet: " name " -->" { want = 1; next }
		want == 1 && /^```/ { want = 2; found = 1; next }
		want == 2 && /^```/ { exit }
		want == 2 { print }
		END { if (!found) exit 1 }
	' "$GUIDE" | sed \
		-e "s|ldaps://ldap\.example\.com|ldaps://127.0.0.1:$LDAPS_PORT|g" \
		-e "s|ldap://ldap\.example\.com|${LDAP_URI:-}|g" \
		-e "s|/etc/ldap/tls/ldap\.example\.com\.pem|$TLS_DIR/server.pem|g" \
		-e "s|/etc/ldap/tls/ldap\.example\.com\.key|$TLS_DIR/server.key|g" \
		-e "s|/etc/ssl/certs/ldap-ca\.pem|$TLS_DIR/ca.pem|g" \
		-e "s|/etc/dovecot/|$DOVECOT_DIR/|g" \
		-e "s|/var/spool/postfix|$TEST_DIR/postfix/spool|g" \
		-e "s|/var/vmail|$TEST_DIR/vmail|g" \
		-e "s|uid=vmail gid=vmail|uid=nobody gid=nogroup|g" \
		-e "s|192\.0\.2\.25|$MAIL_SERVER_IP|g"
	[ "${PIPESTATUS[0]}" = 0 ] && return 0
	echo "guide_snippet: no snippet $1 in $GUIDE" >&2
	return 1
}

# make_tls: a CA and a certificate for 127.0.0.1 signed by it, for slapd's
# ldaps listener; sets LDAPS_PORT and SLAPD_EXTRA_URLS, and TLS_GLOBAL to
# the guide's global directives for write_config
make_tls() {
	mkdir -p "$TLS_DIR"
	(
		cd "$TLS_DIR" &&
		openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=apppw test CA" \
			-keyout ca.key -out ca.pem &&
		openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
			-keyout server.key -out server.csr &&
		printf 'subjectAltName=IP:127.0.0.1\n' >server.ext &&
		openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key \
			-CAcreateserial -days 2 -extfile server.ext -out server.pem
	) >"$TLS_DIR/openssl.log" 2>&1 || bail_out "cannot make the test certificates"
	LDAPS_PORT=$(free_port) || bail_out "no free port"
	SLAPD_EXTRA_URLS="ldaps://127.0.0.1:$LDAPS_PORT"
	TLS_GLOBAL=$(guide_snippet slapd-tls) || exit 1
}

# write_dovecot_conf [SETTINGS]: the guide's Dovecot snippets in a private
# configuration: the LDAP settings from the snippet named in
# DOVECOT_LDAP_SNIPPET (dovecot-ldap.conf.ext by default), IMAP and POP3
# on free ports of 127.0.0.1 in plain text (on loopback; the guide says
# that real deployments use TLS), the auth penalty off (the guide's
# snippet for it), then SETTINGS, which override what comes before
write_dovecot_conf() {
	mkdir -p "$DOVECOT_DIR/run" "$DOVECOT_DIR/state" "$TEST_DIR/vmail"
	chown nobody:nogroup "$TEST_DIR/vmail"
	: "${IMAP_PORT:=$(free_port)}" "${POP3_PORT:=$(free_port)}"
	guide_snippet "${DOVECOT_LDAP_SNIPPET:-dovecot-ldap.conf.ext}" \
		>"$DOVECOT_DIR/dovecot-ldap.conf.ext" || exit 1
	{
		cat <<-EOF
		# private test server: nothing of the machine's Dovecot
		base_dir = $DOVECOT_DIR/run
		state_dir = $DOVECOT_DIR/state
		log_path = $DOVECOT_DIR/dovecot.log
		instance_name = apppw-test
		default_login_user = dovenull
		default_internal_user = dovecot
		protocols = imap pop3
		listen = 127.0.0.1
		ssl = no
		service imap-login {
		  inet_listener imap {
		    port = $IMAP_PORT
		  }
		  inet_listener imaps {
		    port = 0
		  }
		}
		service pop3-login {
		  inet_listener pop3 {
		    port = $POP3_PORT
		  }
		  inet_listener pop3s {
		    port = 0
		  }
		}
		EOF
		echo "# from the guide"
		guide_snippet dovecot-auth.conf || exit 1
		guide_snippet dovecot-penalty-off || exit 1
		echo "# this scenario's"
		printf '%s\n' "${1:-}"
	} >"$DOVECOT_CONF"
}

# start_dovecot [SETTINGS]: write the configuration (write_dovecot_conf
# SETTINGS) and start Dovecot in the foreground of a background job; wait
# until IMAP and POP3 answer
start_dovecot() {
	write_dovecot_conf "${1:-}"
	doveconf -c "$DOVECOT_CONF" -n >"$DOVECOT_DIR/doveconf.out" 2>&1 || {
		sed 's/^/# /' "$DOVECOT_DIR/doveconf.out"
		bail_out "doveconf refused the configuration"
	}
	/usr/sbin/dovecot -c "$DOVECOT_CONF" -F >>"$DOVECOT_DIR/dovecot.out" 2>&1 &
	DOVECOT_PID=$!
	if ! wait_port "$DOVECOT_PID" "$IMAP_PORT" ||
			! wait_port "$DOVECOT_PID" "$POP3_PORT"; then
		tail -20 "$DOVECOT_DIR/dovecot.out" "$DOVECOT_DIR/dovecot.log" 2>&1 | sed 's/^/# /'
		bail_out "dovecot did not start"
	fi
}

# wait_port PID PORT: until something listens on 127.0.0.1:PORT, or PID exits
wait_port() {
	local i=0
	while [ $i -lt 200 ]; do
		kill -0 "$1" 2>/dev/null || return 1
		ss -Htln "( sport = :$2 )" | grep -q . && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

stop_dovecot() {
	if [ -n "$DOVECOT_PID" ]; then
		end_process "$DOVECOT_PID" || :
		DOVECOT_PID=
	fi
}

restart_dovecot() {
	stop_dovecot
	start_dovecot "${1:-}"
}

# doveadm_ ARGS: doveadm on the private Dovecot
doveadm_() {
	doveadm -c "$DOVECOT_CONF" "$@"
}

# mail_login PROTOCOL USER PASSWORD: log in with mail-client.py (imap,
# imap-plain, pop3, smtp) to the private server; its output, its status
mail_login() {
	local port
	case $1 in
	imap*)	port=$IMAP_PORT ;;
	pop3)	port=$POP3_PORT ;;
	smtp)	port=$SMTP_PORT ;;
	esac
	MAIL_CA="$TLS_DIR/ca.pem" MAIL_PASSWORD=$3 /usr/bin/python3 "$MAIL_CLIENT" "$1" 127.0.0.1 "$port" "$2"
}

# expect_login PROTOCOL USER PASSWORD: the login is accepted, and the
# session works (IMAP selects INBOX, POP3 counts the messages); a diff of
# the client's output if not
expect_login() {
	local rc=0
	mail_login "$@" >"$TEST_DIR/login.out" 2>&1 || rc=$?
	case $1 in
	imap*)	printf '%s\n' "OK Logged in" "SELECT INBOX: OK, 0 messages" ;;
	pop3)	printf '%s\n' "+OK Logged in." "STAT: 0 messages, 0 bytes" ;;
	smtp)	printf '%s\n' "235 2.7.0 Authentication successful" ;;
	esac >"$TEST_DIR/login.expected"
	diff -u "$TEST_DIR/login.expected" "$TEST_DIR/login.out" &&
		[ "$rc" = 0 ] && return 0
	echo "$1 login as $2: expected to be accepted, exit status $rc"
	return 1
}

# expect_login_refused PROTOCOL USER PASSWORD: the server refuses the
# login with its plain authentication failure; a diff if not
expect_login_refused() {
	local rc=0
	mail_login "$@" >"$TEST_DIR/login.out" 2>&1 || rc=$?
	case $1 in
	imap*)	echo "[AUTHENTICATIONFAILED] Authentication failed." ;;
	pop3)	echo "-ERR [AUTH] Authentication failed." ;;
	smtp)	echo "535 5.7.8 Error: authentication failed: (reason unavailable)" ;;
	esac >"$TEST_DIR/login.expected"
	diff -u "$TEST_DIR/login.expected" "$TEST_DIR/login.out" &&
		[ "$rc" = 1 ] && return 0
	echo "$1 login as $2: expected to be refused, exit status $rc"
	return 1
}

# ---- Postfix, with Dovecot's SASL ----

# prepare_postfix: the configuration of a private Postfix (its own
# config_directory, queue and data directories, log file) with the guide's
# main.cf and master.cf snippets: submission with STARTTLS and SMTP AUTH
# through Dovecot's auth socket in its queue directory (start Dovecot with
# the guide's dovecot-postfix-auth snippet after prepare_postfix, which
# makes the directory). The submission service listens on a free port of
# 127.0.0.1 (SMTP_PORT), and nothing runs chrooted: a chroot would need
# copies of the system's files in the test's queue directory.
prepare_postfix() {
	local d=$POSTFIX_DIR master
	mkdir -p "$d/etc" "$d/spool" "$d/data"
	chown postfix "$d/data"
	: "${SMTP_PORT:=$(free_port)}"
	{
		cat <<-EOF
		# private test server: nothing of the machine's Postfix
		compatibility_level = 3.6
		queue_directory = $d/spool
		data_directory = $d/data
		maillog_file_prefixes = $d
		maillog_file = $d/maillog
		inet_interfaces = 127.0.0.1
		inet_protocols = ipv4
		myhostname = mail.example.test
		mydestination =
		smtpd_tls_cert_file = $TLS_DIR/server.pem
		smtpd_tls_key_file = $TLS_DIR/server.key
		EOF
		echo "# from the guide"
		guide_snippet postfix-main.cf || exit 1
	} >"$d/etc/main.cf"
	{
		# the services the submission service needs, as Debian has them
		# but not chrooted
		awk '$1 ~ /^(cleanup|qmgr|tlsmgr|rewrite|bounce|defer|trace|verify|proxymap|proxywrite|anvil|scache|postlog)$/ {
			$5 = "n"; print }' /usr/share/postfix/master.cf.dist
		echo "# from the guide, on a private port, not chrooted"
		master=$(guide_snippet postfix-master.cf) || exit 1
		printf '%s\n' "$master" |
			sed "1s|^submission inet n       -       y |127.0.0.1:$SMTP_PORT inet n - n |"
	} >"$d/etc/master.cf"
	# creates the queue's directories, owned as Postfix wants them; it
	# speaks only to a terminal (stderr) or syslog, so its log is its own
	postfix -c "$d/etc" check >"$d/check.out" 2>&1 || {
		sed 's/^/# /' "$d/check.out"
		bail_out "postfix check refused the configuration"
	}
}

# start_postfix: Postfix's master in the foreground of a background job,
# after prepare_postfix; waits until the submission port answers
start_postfix() {
	/usr/lib/postfix/sbin/master -c "$POSTFIX_DIR/etc" -d \
		>>"$POSTFIX_DIR/master.out" 2>&1 &
	POSTFIX_PID=$!
	wait_port "$POSTFIX_PID" "$SMTP_PORT" || {
		tail -20 "$POSTFIX_DIR/master.out" "$POSTFIX_DIR/maillog" 2>&1 | sed 's/^/# /'
		bail_out "postfix did not start"
	}
}

stop_postfix() {
	if [ -n "$POSTFIX_PID" ]; then
		end_process "$POSTFIX_PID" || :
		POSTFIX_PID=
	fi
}

# ---- Apache with mod_authnz_ldap ----

# start_apache [DIRECTIVES]: a private Apache (its own ServerRoot, pid
# file, runtime directory and log, one process with -X) on a free port of
# 127.0.0.1 (HTTP_PORT), with the guide's mod_authnz_ldap snippet, then
# DIRECTIVES, which override it; /private/ serves "private page"
start_apache() {
	local d=$APACHE_DIR m=/usr/lib/apache2/modules
	mkdir -p "$d/run" "$d/htdocs/private"
	echo "private page" >"$d/htdocs/private/index.html"
	chmod -R a+rX "$d/htdocs"
	: "${HTTP_PORT:=$(free_port)}"
	{
		cat <<-EOF
		# private test server: nothing of the machine's Apache
		ServerRoot $d
		PidFile $d/run/httpd.pid
		DefaultRuntimeDir $d/run
		ErrorLog $d/error.log
		LogLevel warn authnz_ldap:debug
		ServerName 127.0.0.1
		Listen 127.0.0.1:$HTTP_PORT
		User www-data
		Group www-data
		LoadModule mpm_event_module $m/mod_mpm_event.so
		LoadModule authn_core_module $m/mod_authn_core.so
		LoadModule authz_core_module $m/mod_authz_core.so
		LoadModule authz_user_module $m/mod_authz_user.so
		LoadModule auth_basic_module $m/mod_auth_basic.so
		LoadModule dir_module $m/mod_dir.so
		LoadModule ldap_module $m/mod_ldap.so
		LoadModule authnz_ldap_module $m/mod_authnz_ldap.so
		DocumentRoot $d/htdocs
		DirectoryIndex index.html
		EOF
		echo "# from the guide"
		guide_snippet apache-ldap.conf || exit 1
		echo "# this scenario's"
		printf '%s\n' "${1:-}"
	} >"$d/httpd.conf"
	apache2 -t -f "$d/httpd.conf" >"$d/configtest.out" 2>&1 || {
		sed 's/^/# /' "$d/configtest.out"
		bail_out "apache2 refused the configuration"
	}
	apache2 -X -f "$d/httpd.conf" >>"$d/apache.out" 2>&1 &
	APACHE_PID=$!
	wait_port "$APACHE_PID" "$HTTP_PORT" || {
		tail -20 "$d/apache.out" "$d/error.log" 2>&1 | sed 's/^/# /'
		bail_out "apache did not start"
	}
}

stop_apache() {
	if [ -n "$APACHE_PID" ]; then
		end_process "$APACHE_PID" || :
		rm -f "$APACHE_DIR/run/httpd.pid"
		APACHE_PID=
	fi
}

# http_get USER PASSWORD: GET /private/ with basic authentication (the
# credentials reach curl on its standard input, not its command line; no
# '"' or '\' in them); prints the HTTP status, and the page when it is 200
http_get() {
	local code
	code=$(curl -s -o "$TEST_DIR/page.out" -w '%{http_code}' \
		-K - "http://127.0.0.1:$HTTP_PORT/private/" <<-EOF
		user = "$1:$2"
		EOF
	) || return 1
	echo "$code"
	[ "$code" != 200 ] || cat "$TEST_DIR/page.out"
}

# expect_http USER PASSWORD STATUS: http_get ends with STATUS (200: and the
# page); a diff if not
expect_http() {
	http_get "$1" "$2" >"$TEST_DIR/http.out" || :
	if [ "$3" = 200 ]; then
		printf '200\nprivate page\n'
	else
		echo "$3"
	fi | diff -u - "$TEST_DIR/http.out"
}
