/* main.c - apppw-web: options, the daemon, the reaper, a clean stop
 *
 * Threads: libmicrohttpd runs one thread per connection
 * (MHD_USE_THREAD_PER_CONNECTION), because every page waits on the
 * user's LDAP connection with synchronous calls: a slow directory then
 * holds only the connections waiting on it. The number of connections is
 * bounded (--max-connections), and so is each one's idle time, memory
 * for headers and body, and stack. The main thread waits for SIGTERM or
 * SIGINT; a reaper thread ends idle and old sessions every second.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>
#include <sodium.h>

#include "apppw_number.h"
#include "apppw_secret.h"
#include "apppw_throttle.h"
#include "apppw_totp.h"
#include "form.h"
#include "http.h"
#include "web.h"

#ifndef LOCALEDIR
#define LOCALEDIR	"/usr/share/locale"
#endif

#define CONNECTION_TIMEOUT	30	/* seconds a connection may stay quiet */
#define CONNECTION_MEMORY	( 64 * 1024 )	/* headers and body, per connection */
#define THREAD_STACK		( 512 * 1024 )
#define PEM_MAX			( 64 * 1024 )

struct config cfg = {
	.listen = "127.0.0.1:8080",
	.idle = 600,
	.lifetime = 3600,
	.max_sessions = 1000,
	.max_connections = 256,
	.signin_failures = 5,
	.signin_lockout = 60,
	.locale_dir = LOCALEDIR,
};
struct sess_table sessions;

static volatile int stopping;

void
logmsg( const char *fmt, ... )
{
	char line[1024], stamp[32];
	struct tm tm;
	time_t now = time( NULL );
	va_list ap;

	gmtime_r( &now, &tm );
	strftime( stamp, sizeof( stamp ), "%Y-%m-%dT%H:%M:%SZ", &tm );
	va_start( ap, fmt );
	vsnprintf( line, sizeof( line ), fmt, ap );
	va_end( ap );
	/* one write a line, so that threads' lines do not interleave */
	fprintf( stderr, "%s apppw-web: %s\n", stamp, line );
}

static void
usage( int status )
{
	fprintf( status ? stderr : stdout,
"usage: apppw-web [options]\n"
"  -H URI                  the LDAP server (default: ldap.conf's URI)\n"
"  -Z, -ZZ                 StartTLS (try; require)\n"
"  --user-dn TEMPLATE      a username's DN, e.g. uid=%%s,ou=people,dc=example,dc=com\n"
"  --search-base DN --search-filter FILTER   or: find it (FILTER with %%s)\n"
"  --search-bind-dn DN --search-bind-pw-file FILE   the search's account\n"
"  --listen ADDR:PORT      default 127.0.0.1:8080, [::1]:8080 for IPv6\n"
"  --tls-cert FILE --tls-key FILE   serve HTTPS\n"
"  --trusted-proxy ADDR    honour X-Forwarded-For from ADDR (repeatable)\n"
"  --idle SECONDS          end a session idle this long (600)\n"
"  --lifetime SECONDS      end a session this old (3600)\n"
"  --max-sessions N        sessions at once (1000)\n"
"  --max-connections N     HTTP connections at once (256)\n"
"  --signin-failures N     failed sign-ins per address or username (5)\n"
"  --signin-lockout SECONDS  before more are allowed, doubling (60)\n"
"  --issuer NAME           TOTP issuer shown in the app (default: the DN's dc=)\n"
"  --mail-server HOST      shown with a new app password\n"
"  --locale-dir DIR        catalogs (default " LOCALEDIR ")\n"
"  --pid-file FILE\n" );
	exit( status );
}

static unsigned
number( const char *s, const char *what, unsigned min, unsigned max )
{
	unsigned v;

	if ( apppw_number_parse( s, min, max, &v ) ) {
		fprintf( stderr, "apppw-web: %s must be a number from %u to %u\n",
			what, min, max );
		exit( 2 );
	}
	return v;
}

static char *
read_file( const char *path, size_t max, size_t *len )
{
	char *data;
	ssize_t n;
	int fd;

	fd = open( path, O_RDONLY | O_CLOEXEC );
	if ( fd < 0 ) {
		fprintf( stderr, "apppw-web: %s: %s\n", path, strerror( errno ) );
		exit( 1 );
	}
	data = calloc( 1, max + 1 );
	if ( data == NULL ) {
		exit( 1 );
	}
	*len = 0;
	while ( ( n = read( fd, data + *len, max - *len ) ) > 0 ) {
		*len += n;
	}
	close( fd );
	if ( n < 0 || *len == max ) {
		fprintf( stderr, "apppw-web: %s: unreadable or over %zu bytes\n",
			path, max );
		exit( 1 );
	}
	return data;
}

static void
parse_options( int argc, char **argv )
{
	enum { O_USER_DN = 256, O_SEARCH_BASE, O_SEARCH_FILTER, O_SEARCH_BIND_DN,
		O_SEARCH_BIND_PW_FILE, O_LISTEN, O_TLS_CERT, O_TLS_KEY,
		O_TRUSTED_PROXY, O_IDLE, O_LIFETIME, O_MAX_SESSIONS,
		O_MAX_CONNECTIONS, O_SIGNIN_FAILURES, O_SIGNIN_LOCKOUT, O_ISSUER,
		O_MAIL_SERVER, O_LOCALE_DIR, O_PID_FILE, O_HELP };
	static const struct option opts[] = {
		{ "user-dn", required_argument, NULL, O_USER_DN },
		{ "search-base", required_argument, NULL, O_SEARCH_BASE },
		{ "search-filter", required_argument, NULL, O_SEARCH_FILTER },
		{ "search-bind-dn", required_argument, NULL, O_SEARCH_BIND_DN },
		{ "search-bind-pw-file", required_argument, NULL, O_SEARCH_BIND_PW_FILE },
		{ "listen", required_argument, NULL, O_LISTEN },
		{ "tls-cert", required_argument, NULL, O_TLS_CERT },
		{ "tls-key", required_argument, NULL, O_TLS_KEY },
		{ "trusted-proxy", required_argument, NULL, O_TRUSTED_PROXY },
		{ "idle", required_argument, NULL, O_IDLE },
		{ "lifetime", required_argument, NULL, O_LIFETIME },
		{ "max-sessions", required_argument, NULL, O_MAX_SESSIONS },
		{ "max-connections", required_argument, NULL, O_MAX_CONNECTIONS },
		{ "signin-failures", required_argument, NULL, O_SIGNIN_FAILURES },
		{ "signin-lockout", required_argument, NULL, O_SIGNIN_LOCKOUT },
		{ "issuer", required_argument, NULL, O_ISSUER },
		{ "mail-server", required_argument, NULL, O_MAIL_SERVER },
		{ "locale-dir", required_argument, NULL, O_LOCALE_DIR },
		{ "pid-file", required_argument, NULL, O_PID_FILE },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 }
	};
	size_t len;
	char *pw;
	int c;

	while ( ( c = getopt_long( argc, argv, "H:Z", opts, NULL ) ) != -1 ) {
		switch ( c ) {
		case 'H':
			cfg.uri = optarg;
			break;
		case 'Z':
			cfg.starttls++;
			break;
		case O_USER_DN:
			cfg.user_dn = optarg;
			break;
		case O_SEARCH_BASE:
			cfg.search_base = optarg;
			break;
		case O_SEARCH_FILTER:
			cfg.search_filter = optarg;
			break;
		case O_SEARCH_BIND_DN:
			cfg.search_bind_dn = optarg;
			break;
		case O_SEARCH_BIND_PW_FILE:
			pw = read_file( optarg, 1024, &len );
			pw[strcspn( pw, "\r\n" )] = '\0';
			cfg.search_bind_pw = pw;
			break;
		case O_LISTEN:
			cfg.listen = optarg;
			break;
		case O_TLS_CERT:
			cfg.tls_cert = optarg;
			break;
		case O_TLS_KEY:
			cfg.tls_key = optarg;
			break;
		case O_TRUSTED_PROXY:
			if ( cfg.ntrusted == MAX_TRUSTED_PROXIES ) {
				fprintf( stderr, "apppw-web: at most %d --trusted-proxy\n",
					MAX_TRUSTED_PROXIES );
				exit( 2 );
			}
			cfg.trusted_proxy[cfg.ntrusted++] = optarg;
			break;
		case O_IDLE:
			cfg.idle = number( optarg, "--idle", 1, 86400 );
			break;
		case O_LIFETIME:
			cfg.lifetime = number( optarg, "--lifetime", 1, 7 * 86400 );
			break;
		case O_MAX_SESSIONS:
			cfg.max_sessions = number( optarg, "--max-sessions", 1, 1000000 );
			break;
		case O_MAX_CONNECTIONS:
			cfg.max_connections = number( optarg, "--max-connections", 1, 10000 );
			break;
		case O_SIGNIN_FAILURES:
			cfg.signin_failures = number( optarg, "--signin-failures", 1,
				APPPW_THROTTLE_MAX_FAILURES_LIMIT );
			break;
		case O_SIGNIN_LOCKOUT:
			cfg.signin_lockout = number( optarg, "--signin-lockout", 1, 3600 );
			break;
		case O_ISSUER:
			cfg.issuer = optarg;
			break;
		case O_MAIL_SERVER:
			cfg.mail_server = optarg;
			break;
		case O_LOCALE_DIR:
			cfg.locale_dir = optarg;
			break;
		case O_PID_FILE:
			cfg.pid_file = optarg;
			break;
		case O_HELP:
			usage( 0 );
			break;
		default:
			usage( 2 );
		}
	}
	if ( optind != argc ) {
		usage( 2 );
	}
	if ( cfg.starttls > 2 ) {
		cfg.starttls = 2;
	}
	if ( ( cfg.user_dn == NULL ) == ( cfg.search_base == NULL ) ||
			( cfg.search_base && cfg.search_filter == NULL ) ) {
		fprintf( stderr, "apppw-web: give --user-dn, or --search-base and "
			"--search-filter\n" );
		exit( 2 );
	}
	if ( ( cfg.user_dn && template_ok( cfg.user_dn ) != 0 ) ||
			( cfg.search_filter && template_ok( cfg.search_filter ) != 0 ) ) {
		fprintf( stderr, "apppw-web: --user-dn and --search-filter take one %%s "
			"and no other %%\n" );
		exit( 2 );
	}
	if ( ( cfg.search_bind_dn == NULL ) != ( cfg.search_bind_pw == NULL ) ) {
		fprintf( stderr, "apppw-web: --search-bind-dn and "
			"--search-bind-pw-file go together\n" );
		exit( 2 );
	}
	if ( ( cfg.tls_cert == NULL ) != ( cfg.tls_key == NULL ) ) {
		fprintf( stderr, "apppw-web: --tls-cert and --tls-key go together\n" );
		exit( 2 );
	}
	if ( cfg.issuer && ( cfg.issuer[0] == '\0' || strchr( cfg.issuer, ':' ) ) ) {
		fprintf( stderr, "apppw-web: --issuer must be non-empty and without ':'\n" );
		exit( 2 );
	}
	cfg.tls = cfg.tls_cert != NULL;
}

/* ADDR:PORT or [ADDR6]:PORT. 0 or -1. */
static int
listen_address( const char *spec, struct sockaddr_storage *ss )
{
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	char host[64];
	const char *colon;
	unsigned long port;
	char *end;
	size_t len;

	memset( ss, 0, sizeof( *ss ) );
	if ( spec[0] == '[' ) {
		colon = strstr( spec, "]:" );
		if ( colon == NULL || ( len = colon - spec - 1 ) >= sizeof( host ) ) {
			return -1;
		}
		memcpy( host, spec + 1, len );
		colon++;
	} else {
		colon = strrchr( spec, ':' );
		if ( colon == NULL || ( len = colon - spec ) >= sizeof( host ) ) {
			return -1;
		}
		memcpy( host, spec, len );
	}
	host[len] = '\0';
	port = strtoul( colon + 1, &end, 10 );
	if ( *end || port == 0 || port > 65535 ) {
		return -1;
	}
	if ( inet_pton( AF_INET, host, &in4->sin_addr ) == 1 ) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons( port );
		return 0;
	}
	if ( inet_pton( AF_INET6, host, &in6->sin6_addr ) == 1 ) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons( port );
		return 0;
	}
	return -1;
}

static void *
reaper( void *arg )
{
	size_t n;

	(void)arg;
	while ( !stopping ) {
		sleep( 1 );
		n = sess_reap( &sessions, time( NULL ) );
		if ( n ) {
			logmsg( "ended %zu idle or expired session%s", n, n == 1 ? "" : "s" );
		}
	}
	return NULL;
}

int
main( int argc, char **argv )
{
	struct sockaddr_storage ss;
	struct MHD_Daemon *d;
	pthread_t reaper_thread;
	sigset_t sigs;
	char *cert = NULL, *key = NULL;
	size_t certlen = 0, keylen = 0;
	unsigned flags;
	int sig;
	FILE *f;

	parse_options( argc, argv );
	if ( listen_address( cfg.listen, &ss ) != 0 ) {
		fprintf( stderr, "apppw-web: --listen %s: give ADDR:PORT, or "
			"[ADDR6]:PORT\n", cfg.listen );
		return 2;
	}
	if ( apppw_secret_init() != 0 || apppw_totp_init() != 0 ||
			apppw_throttle_init() != 0 ) {
		fprintf( stderr, "apppw-web: cannot initialise libsodium or liboath\n" );
		return 1;
	}
	if ( i18n_init( cfg.locale_dir ) != 0 ) {
		return 1;
	}
	if ( sess_table_init( &sessions, cfg.max_sessions, cfg.idle, cfg.lifetime,
			user_release ) != 0 ) {
		fprintf( stderr, "apppw-web: cannot make the session table\n" );
		return 1;
	}
	if ( cfg.tls ) {
		cert = read_file( cfg.tls_cert, PEM_MAX, &certlen );
		key = read_file( cfg.tls_key, PEM_MAX, &keylen );
	}

	/* every thread started from here on blocks the signals; the main
	 * thread takes them with sigwait */
	sigemptyset( &sigs );
	sigaddset( &sigs, SIGTERM );
	sigaddset( &sigs, SIGINT );
	pthread_sigmask( SIG_BLOCK, &sigs, NULL );
	signal( SIGPIPE, SIG_IGN );

	flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
		MHD_USE_ERROR_LOG;
	if ( ss.ss_family == AF_INET6 ) {
		flags |= MHD_USE_IPv6;
	}
	if ( cfg.tls ) {
		flags |= MHD_USE_TLS;
	}
	d = MHD_start_daemon( flags, 0, NULL, NULL, http_handler, NULL,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)cfg.max_connections,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONNECTION_TIMEOUT,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY,
		MHD_OPTION_THREAD_STACK_SIZE, (size_t)THREAD_STACK,
		MHD_OPTION_NOTIFY_COMPLETED, http_completed, NULL,
		cfg.tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, cert,
		MHD_OPTION_HTTPS_MEM_KEY, key,
		MHD_OPTION_END );
	if ( d == NULL ) {
		fprintf( stderr, "apppw-web: cannot listen on %s\n", cfg.listen );
		return 1;
	}
	if ( cfg.pid_file ) {
		f = fopen( cfg.pid_file, "w" );
		if ( f == NULL || fprintf( f, "%ld\n", (long)getpid() ) < 0 ||
				fclose( f ) != 0 ) {
			fprintf( stderr, "apppw-web: %s: %s\n", cfg.pid_file,
				strerror( errno ) );
			MHD_stop_daemon( d );
			return 1;
		}
	}
	if ( pthread_create( &reaper_thread, NULL, reaper, NULL ) != 0 ) {
		fprintf( stderr, "apppw-web: cannot start the reaper\n" );
		MHD_stop_daemon( d );
		return 1;
	}
	logmsg( "listening on %s%s", cfg.listen, cfg.tls ? " (HTTPS)" : "" );

	while ( sigwait( &sigs, &sig ) != 0 || ( sig != SIGTERM && sig != SIGINT ) )
		;
	logmsg( "stopping on signal %d", sig );
	stopping = 1;
	MHD_stop_daemon( d );
	pthread_join( reaper_thread, NULL );
	logmsg( "closing %zu session%s", sess_count( &sessions ),
		sess_count( &sessions ) == 1 ? "" : "s" );
	sess_table_destroy( &sessions );
	i18n_free();
	if ( cert ) {
		apppw_wipe( key, PEM_MAX );
		free( cert );
		free( key );
	}
	if ( cfg.search_bind_pw ) {
		apppw_wipe( cfg.search_bind_pw, strlen( cfg.search_bind_pw ) );
		free( cfg.search_bind_pw );
	}
	if ( cfg.pid_file ) {
		unlink( cfg.pid_file );
	}
	return 0;
}
