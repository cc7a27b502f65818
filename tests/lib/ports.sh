# ports.sh - loopback ports for private slapd servers; sourced by the test
# library and the benchmark (POSIX sh).
#
# Ports are drawn below the kernel's ephemeral range. A port inside it may
# be the local end of a client connection of an earlier test, or of its
# TIME_WAIT, for a minute after the suite's thousands of ldap tool runs;
# slapd's bind to it then fails with "Address already in use".

# free_port: prints a port that nothing listens on, or fails.
free_port() {
	_ephemeral_low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range \
		2>/dev/null) || _ephemeral_low=32768
	_span=$((_ephemeral_low - 10000))
	[ "$_span" -ge 1000 ] || _span=22768
	_tries=0
	while [ "$_tries" -lt 100 ]; do
		_port=$((10000 + $(od -An -N2 -tu2 /dev/urandom) % _span))
		if ! ss -Htln "( sport = :$_port )" | grep -q .; then
			echo "$_port"
			return 0
		fi
		_tries=$((_tries + 1))
	done
	return 1
}
