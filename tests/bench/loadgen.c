/* loadgen.c - simple-bind load generator for the apppw benchmark
 *
 * T threads each drive C connections. A connection has at most one bind
 * in flight: the thread sends a bind on every idle connection, then waits
 * in poll() for any of them to answer, records the latency, checks the
 * result code and sends the next bind on that connection. So the offered
 * load is T*C concurrent clients, each one as fast as the server answers,
 * which is how a mail server's pool of authenticating processes behaves.
 * With -N every bind gets a fresh connection (connect, bind, unbind).
 *
 * Users come from gendata's credentials file and are taken round-robin
 * from one shared cursor, so that every entry of the chosen group is
 * touched, not a hot few.
 *
 * Two ways to measure:
 *   timed  (default) binds for -w seconds of warm-up, then -d seconds;
 *          binds sent during the measured window count. Rate is
 *          counted binds / window.
 *   burst  (-B, forced for TOTP) every user of the group binds exactly
 *          once: the first -W users as a warm-up, then, after all threads
 *          have finished it, the rest are timed. TOTP codes may be used
 *          once per time step per user (replay is refused), so a user is
 *          never reused within a run; -A makes the run wait until the
 *          step is newer than the one a previous run used, and the run
 *          prints the last step it used.
 *
 * Every result code is checked against the expected one (0, or 49 for
 * the modes that send something wrong). Unexpected results are counted as errors,
 * the first few are shown, and the exit status is then 1: a scenario with
 * failures reports an error, never a throughput.
 *
 * The last line of output is machine-readable:
 *   RESULT scenario=.. mode=.. binds=.. errors=.. seconds=.. rate=..
 *          p50_us=.. p99_us=.. laststep=.. all=..
 * where all counts every answer, warm-up included (for CPU per bind).
 */

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <lber.h>
#include <ldap.h>
#include <liboath/oath.h>

#define MAX_CONNS	1024
#define MAX_DIGITS	8
#define SHOW_ERRORS	5
/* consecutive transport failures after which a thread gives up */
#define MAX_CONN_FAILURES	100
#define CROCKFORD	"0123456789abcdefghjkmnpqrstvwxyz"

enum mode { MODE_PLAIN, MODE_APPPW, MODE_BADAPPPW, MODE_TOTP, MODE_BADCODE,
	MODE_BADPASSWORD };
enum group { GROUP_DEFAULT, GROUP_PLAIN, GROUP_MFA, GROUP_ALL };

struct user {
	char		*dn;
	struct berval	password;
	struct berval	apppw;		/* NULL bv_val for plain users */
	struct berval	bad_apppw;	/* same id, different secret */
	char		*totp;		/* raw secret bytes */
	size_t		totp_len;
};

struct conn {
	LDAP		*ld;
	int		fd;
	int		msgid;
	int		busy;
	int		counted;	/* sent inside the measured window */
	uint64_t	sent_ns;
	const struct user *user;
};

struct worker {
	pthread_t	tid;
	struct conn	*conns;
	uint64_t	*lat;		/* latencies of counted binds, ns */
	size_t		nlat, cap;
	unsigned long	errors;
	unsigned long	answered;	/* all answers, warm-up included */
	uint64_t	last_done_ns;
	int64_t		last_step;
	int		failed;		/* gave up: transport broken */
};

static struct {
	const char	*uri;
	const char	*creds;
	const char	*scenario;
	enum mode	mode;
	enum group	group;
	int		threads;
	int		conns;
	double		warmup;
	double		duration;
	int		new_conn;
	int		burst;
	long		warm_users;	/* -1: 10% of the users */
	long		skip;
	long		limit;
	long long	after_step;
	unsigned	step;
	unsigned	digits;
	int		expect;
	int		nodash;
	const char	*latfile;
	const char	*summarise;	/* -P: only summarise this file */
} cfg = {
	.uri = "ldap://127.0.0.1:389",
	.scenario = "-",
	.threads = 2,
	.conns = 2,
	.warmup = 2,
	.duration = 8,
	.warm_users = -1,
	.after_step = -1,
	.step = 30,
	.digits = 6,
	.expect = -1,
};

static struct user *users;
static size_t nusers;

/* The dispatch state shared by the threads. */
static atomic_ulong cursor;
static unsigned long burst_first, burst_end;	/* current burst range */
static uint64_t warm_end_ns, end_ns;		/* timed mode */
static pthread_barrier_t barrier;
static uint64_t burst_start_ns;
static atomic_int errors_shown;

static uint64_t
now_ns( void )
{
	struct timespec ts;

	clock_gettime( CLOCK_MONOTONIC, &ts );
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

static void
die( const char *msg )
{
	fprintf( stderr, "loadgen: %s\n", msg );
	exit( 2 );
}

static void *
xmalloc( size_t n )
{
	void *p = malloc( n ? n : 1 );

	if ( p == NULL )
		die( "out of memory" );
	return p;
}

static void
bv_set( struct berval *bv, const char *s )
{
	bv->bv_len = strlen( s );
	bv->bv_val = xmalloc( bv->bv_len + 1 );
	memcpy( bv->bv_val, s, bv->bv_len + 1 );
}

/* A wrong app password that keeps the record's id, so the server finds
 * the record and must run the hash check: every secret symbol is moved
 * to the next one of the alphabet, which can never give the right one. */
static void
make_bad_apppw( const struct berval *good, struct berval *bad )
{
	size_t i, symbols = 0;

	bv_set( bad, good->bv_val );
	for ( i = 0; i < bad->bv_len; i++ ) {
		const char *p;

		if ( bad->bv_val[i] == '-' )
			continue;
		if ( symbols++ < 4 )
			continue;
		p = strchr( CROCKFORD, bad->bv_val[i] );
		if ( p != NULL && *p )
			bad->bv_val[i] = p[1] ? p[1] : CROCKFORD[0];
	}
}

static void
strip_dashes( struct berval *bv )
{
	size_t i, j;

	for ( i = j = 0; i < bv->bv_len; i++ )
		if ( bv->bv_val[i] != '-' )
			bv->bv_val[j++] = bv->bv_val[i];
	bv->bv_val[j] = '\0';
	bv->bv_len = j;
}

static int
user_wanted( int mfa )
{
	switch ( cfg.group ) {
	case GROUP_PLAIN: return !mfa;
	case GROUP_MFA: return mfa;
	default: return 1;
	}
}

static void
load_users( void )
{
	FILE *fp = fopen( cfg.creds, "r" );
	char line[1024];
	size_t cap = 1024;
	long skipped = 0;

	if ( fp == NULL ) {
		fprintf( stderr, "loadgen: %s: %s\n", cfg.creds, strerror( errno ) );
		exit( 2 );
	}
	users = xmalloc( cap * sizeof(*users) );
	while ( fgets( line, sizeof(line), fp ) ) {
		char *f[4], *save = NULL, *p = line;
		struct user *u;
		int i, mfa;

		if ( line[0] == '#' || line[0] == '\n' )
			continue;
		line[strcspn( line, "\n" )] = '\0';
		for ( i = 0; i < 4; i++, p = NULL ) {
			f[i] = strtok_r( p, "\t", &save );
			if ( f[i] == NULL )
				die( "malformed credentials line" );
		}
		/* MFA users have a TOTP secret, and app passwords unless K is 0 */
		mfa = strcmp( f[3], "-" ) != 0;
		if ( !user_wanted( mfa ) )
			continue;
		if ( skipped < cfg.skip ) {
			skipped++;
			continue;
		}
		if ( cfg.limit > 0 && nusers >= (size_t)cfg.limit )
			break;
		if ( nusers == cap ) {
			cap *= 2;
			users = realloc( users, cap * sizeof(*users) );
			if ( users == NULL )
				die( "out of memory" );
		}
		u = &users[nusers++];
		memset( u, 0, sizeof(*u) );
		u->dn = strdup( f[0] );
		bv_set( &u->password, f[1] );
		if ( strcmp( f[2], "-" ) != 0 ) {
			bv_set( &u->apppw, f[2] );
			make_bad_apppw( &u->apppw, &u->bad_apppw );
			if ( cfg.nodash ) {
				strip_dashes( &u->apppw );
				strip_dashes( &u->bad_apppw );
			}
		}
		if ( strcmp( f[3], "-" ) != 0 &&
				oath_base32_decode( f[3], strlen( f[3] ),
					&u->totp, &u->totp_len ) != OATH_OK )
			die( "bad TOTP secret in the credentials file" );
	}
	fclose( fp );
	if ( nusers == 0 )
		die( "no user of the requested group in the credentials file" );
	if ( cfg.mode != MODE_PLAIN ) {
		size_t i;

		for ( i = 0; i < nusers; i++ ) {
			if ( cfg.mode == MODE_APPPW || cfg.mode == MODE_BADAPPPW ?
					!users[i].apppw.bv_val : !users[i].totp )
				die( "this mode needs MFA users with app passwords "
					"or TOTP secrets (-u mfa)" );
		}
	}
}

static int
conn_open( struct conn *c )
{
	int version = LDAP_VERSION3;

	if ( ldap_initialize( &c->ld, cfg.uri ) != LDAP_SUCCESS ) {
		c->ld = NULL;
		return -1;
	}
	ldap_set_option( c->ld, LDAP_OPT_PROTOCOL_VERSION, &version );
	c->fd = -1;
	return 0;
}

static void
conn_close( struct conn *c )
{
	if ( c->ld )
		ldap_unbind_ext( c->ld, NULL, NULL );
	c->ld = NULL;
	c->fd = -1;
	c->busy = 0;
}

/* prefix, the password and the code, in buf */
static int
password_and_code( const char *prefix, const struct berval *password,
	const char *code, struct berval *cred, char *buf, size_t buflen )
{
	size_t plen = strlen( prefix );

	if ( plen + password->bv_len + cfg.digits + 1 > buflen )
		return -1;
	memcpy( buf, prefix, plen );
	memcpy( buf + plen, password->bv_val, password->bv_len );
	memcpy( buf + plen + password->bv_len, code, cfg.digits + 1 );
	cred->bv_val = buf;
	cred->bv_len = plen + password->bv_len + cfg.digits;
	return 0;
}

/* A code that no step of a window of 1 around now accepts: the current
 * one with its first digit moved on until it is none of the three. */
static int
wrong_code( const struct user *u, char code[MAX_DIGITS + 1] )
{
	char near[3][MAX_DIGITS + 1];
	time_t now = time( NULL );
	int i, clash;

	for ( i = 0; i < 3; i++ ) {
		if ( oath_totp_generate( u->totp, u->totp_len,
				now + ( i - 1 ) * (time_t)cfg.step, cfg.step, 0,
				cfg.digits, near[i] ) != OATH_OK )
			return -1;
	}
	memcpy( code, near[1], cfg.digits + 1 );
	do {
		code[0] = code[0] == '9' ? '0' : code[0] + 1;
		for ( clash = 0, i = 0; i < 3; i++ )
			clash |= strcmp( code, near[i] ) == 0;
	} while ( clash );
	return 0;
}

/* Build the credentials for one bind. For TOTP the code is computed now,
 * at the moment of the bind, and the step it belongs to is remembered. */
static int
make_cred( struct worker *w, const struct user *u, struct berval *cred,
	char *buf, size_t buflen )
{
	switch ( cfg.mode ) {
	case MODE_PLAIN:
		*cred = u->password;
		return 0;
	case MODE_APPPW:
		*cred = u->apppw;
		return 0;
	case MODE_BADAPPPW:
		*cred = u->bad_apppw;
		return 0;
	case MODE_TOTP: {
		char code[MAX_DIGITS + 1];
		time_t now = time( NULL );
		int64_t step = now / cfg.step;

		if ( oath_totp_generate( u->totp, u->totp_len, now, cfg.step, 0,
				cfg.digits, code ) != OATH_OK )
			return -1;
		if ( step > w->last_step )
			w->last_step = step;
		return password_and_code( "", &u->password, code, cred, buf, buflen );
	}
	case MODE_BADCODE:
	case MODE_BADPASSWORD: {
		char code[MAX_DIGITS + 1];

		if ( wrong_code( u, code ) != 0 )
			return -1;
		return password_and_code( cfg.mode == MODE_BADPASSWORD ? "x" : "",
			&u->password, code, cred, buf, buflen );
	}
	}
	return -1;
}

static void
show_error( const struct user *u, int rc, const char *diag )
{
	if ( atomic_fetch_add( &errors_shown, 1 ) >= SHOW_ERRORS )
		return;
	fprintf( stderr, "loadgen: %s: bind as %s: %d (%s)%s%s\n",
		cfg.scenario, u->dn, rc, ldap_err2string( rc ),
		diag && *diag ? ": " : "", diag ? diag : "" );
}

/* Send one bind on c for user u. 0, or -1 when the transport failed. */
static int
send_bind( struct worker *w, struct conn *c, const struct user *u )
{
	char buf[1024];
	struct berval cred;
	int rc;

	c->user = u;
	if ( make_cred( w, u, &cred, buf, sizeof(buf) ) != 0 )
		die( "cannot compute a TOTP code" );
	/* the clock starts after the client's own work; with -N it includes
	 * the connection, which ldap_sasl_bind() opens */
	c->sent_ns = now_ns();
	if ( c->ld == NULL && conn_open( c ) != 0 )
		return -1;
	rc = ldap_sasl_bind( c->ld, u->dn, LDAP_SASL_SIMPLE, &cred,
		NULL, NULL, &c->msgid );
	if ( cfg.mode == MODE_TOTP || cfg.mode == MODE_BADCODE ||
			cfg.mode == MODE_BADPASSWORD )
		memset( buf, 0, sizeof(buf) );
	if ( rc != LDAP_SUCCESS ) {
		show_error( u, rc, "sending the bind" );
		conn_close( c );
		return -1;
	}
	if ( c->fd < 0 &&
			ldap_get_option( c->ld, LDAP_OPT_DESC, &c->fd ) != LDAP_OPT_SUCCESS )
		c->fd = -1;
	c->busy = 1;
	return 0;
}

static void
record_latency( struct worker *w, uint64_t ns )
{
	if ( w->nlat == w->cap ) {
		w->cap = w->cap ? w->cap * 2 : 65536;
		w->lat = realloc( w->lat, w->cap * sizeof(*w->lat) );
		if ( w->lat == NULL )
			die( "out of memory" );
	}
	w->lat[w->nlat++] = ns;
}

/* Read c's result if it has fully arrived. 1 done, 0 not yet, -1 broken. */
static int
collect( struct worker *w, struct conn *c )
{
	struct timeval zero = { 0, 0 };
	LDAPMessage *res = NULL;
	char *diag = NULL;
	int rc, err;
	uint64_t done;

	rc = ldap_result( c->ld, c->msgid, LDAP_MSG_ALL, &zero, &res );
	if ( rc == 0 )
		return 0;
	done = now_ns();
	if ( rc < 0 ) {
		ldap_get_option( c->ld, LDAP_OPT_RESULT_CODE, &err );
		show_error( c->user, err, "reading the result" );
		w->errors++;
		conn_close( c );
		return -1;
	}
	rc = ldap_parse_result( c->ld, res, &err, NULL, &diag, NULL, NULL, 1 );
	if ( rc != LDAP_SUCCESS )
		err = rc;
	if ( err != cfg.expect ) {
		show_error( c->user, err, diag );
		w->errors++;
	} else if ( c->counted ) {
		record_latency( w, done - c->sent_ns );
	}
	ldap_memfree( diag );
	c->busy = 0;
	w->last_done_ns = done;
	w->answered++;
	if ( cfg.new_conn )
		conn_close( c );
	return 1;
}

/* The next user, or NULL when the burst range is exhausted. */
static const struct user *
next_user( void )
{
	unsigned long i = atomic_fetch_add( &cursor, 1 );

	if ( cfg.burst ) {
		i += burst_first;
		return i < burst_end ? &users[i] : NULL;
	}
	return &users[i % nusers];
}

/* Drive this worker's connections until nothing more is to be sent and
 * nothing is in flight. */
static void
run_phase( struct worker *w, int counted_burst )
{
	struct pollfd pfd[MAX_CONNS];
	int idx[MAX_CONNS];
	int i, more = 1, failures = 0, unknown;

	while ( !w->failed ) {
		int n = 0, busy = 0;

		for ( i = 0; i < cfg.conns; i++ ) {
			struct conn *c = &w->conns[i];

			while ( !c->busy && more ) {
				const struct user *u;
				uint64_t t = now_ns();

				if ( !cfg.burst && t >= end_ns ) {
					more = 0;
					break;
				}
				if ( ( u = next_user() ) == NULL ) {
					more = 0;
					break;
				}
				c->counted = cfg.burst ? counted_burst : t >= warm_end_ns;
				if ( send_bind( w, c, u ) == 0 ) {
					failures = 0;
					break;
				}
				w->errors++;
				if ( ++failures >= MAX_CONN_FAILURES ) {
					w->failed = 1;
					return;
				}
			}
			if ( c->busy ) {
				pfd[n].fd = c->fd;
				pfd[n].events = POLLIN;
				pfd[n].revents = 0;
				idx[n++] = i;
				busy++;
			}
		}
		if ( busy == 0 )
			break;

		/* one answer per connection is in flight, so libldap holds no
		 * unread data and poll() tells when an answer arrives; a
		 * connection whose descriptor is unknown is simply polled */
		for ( i = 0, unknown = 0; i < n; i++ )
			unknown |= pfd[i].fd < 0;
		if ( poll( pfd, n, unknown ? 0 : 1000 ) < 0 && errno != EINTR )
			die( "poll failed" );
		for ( i = 0; i < n; i++ ) {
			struct conn *c = &w->conns[idx[i]];

			if ( c->busy && ( pfd[i].revents || pfd[i].fd < 0 ) )
				collect( w, c );
		}
	}
}

static void *
worker_main( void *arg )
{
	struct worker *w = arg;
	int i;

	if ( cfg.burst ) {
		/* warm-up users, then wait for every thread, then the rest */
		run_phase( w, 0 );
		if ( pthread_barrier_wait( &barrier ) == PTHREAD_BARRIER_SERIAL_THREAD ) {
			atomic_store( &cursor, 0 );
			burst_first = burst_end;
			burst_end = nusers;
			burst_start_ns = now_ns();
		}
		pthread_barrier_wait( &barrier );
		run_phase( w, 1 );
	} else {
		run_phase( w, 0 );
	}
	for ( i = 0; i < cfg.conns; i++ )
		conn_close( &w->conns[i] );
	return NULL;
}

static int
cmp_u64( const void *a, const void *b )
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of a sorted array, in microseconds. */
static double
percentile_us( const uint64_t *v, size_t n, double p )
{
	size_t rank;

	if ( n == 0 )
		return 0;
	rank = (size_t)( p * n + 0.999999 );
	if ( rank < 1 )
		rank = 1;
	if ( rank > n )
		rank = n;
	return v[rank - 1] / 1000.0;
}

/* Raw latencies, so that runs made in several rounds (TOTP bursts) can
 * be summarised together. */
static void
write_latencies( const uint64_t *v, size_t n )
{
	FILE *fp = fopen( cfg.latfile, "a" );
	size_t i;

	if ( fp == NULL ) {
		fprintf( stderr, "loadgen: %s: %s\n", cfg.latfile, strerror( errno ) );
		exit( 2 );
	}
	for ( i = 0; i < n; i++ )
		fprintf( fp, "%.1f\n", v[i] / 1000.0 );
	if ( fclose( fp ) != 0 )
		die( "cannot write the latency file" );
}

static int
cmp_double( const void *a, const void *b )
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* -P: the percentiles of the latencies of several runs, written with -o */
static int
summarise( void )
{
	FILE *fp = fopen( cfg.summarise, "r" );
	double *v = NULL, x;
	size_t n = 0, cap = 0, r50, r99;

	if ( fp == NULL ) {
		fprintf( stderr, "loadgen: %s: %s\n", cfg.summarise, strerror( errno ) );
		return 2;
	}
	while ( fscanf( fp, "%lf", &x ) == 1 ) {
		if ( n == cap ) {
			cap = cap ? cap * 2 : 65536;
			v = realloc( v, cap * sizeof(*v) );
			if ( v == NULL )
				die( "out of memory" );
		}
		v[n++] = x;
	}
	fclose( fp );
	if ( n == 0 ) {
		printf( "count=0 p50_us=0 p99_us=0\n" );
		return 1;
	}
	qsort( v, n, sizeof(*v), cmp_double );
	/* nearest rank, as percentile_us() */
	r50 = (size_t)( 0.50 * n + 0.999999 );
	r99 = (size_t)( 0.99 * n + 0.999999 );
	printf( "count=%zu p50_us=%.1f p99_us=%.1f\n", n,
		v[( r50 ? r50 : 1 ) - 1], v[( r99 ? r99 : 1 ) - 1] );
	free( v );
	return 0;
}

static const char *mode_names[] = { "plain", "apppw", "badapppw", "totp",
	"badcode", "badpassword" };

static void
usage( void )
{
	fprintf( stderr,
		"usage: loadgen -H uri -f credentials\n"
		"\t[-m plain|apppw|badapppw|totp|badcode|badpassword]\n"
		"\t[-u plain|mfa|all] [-t threads] [-c conns-per-thread]\n"
		"\t[-w warm-up-s] [-d seconds] [-N] [-B] [-W warm-users]\n"
		"\t[-A after-step] [-S step] [-D digits] [-s skip] [-l users] [-e rc]\n"
		"\t[-R] [-L scenario] [-o latency-file]\n"
		"       loadgen -P latency-file\n"
		"  -m  what is sent: password, app password, wrong app password\n"
		"      (expects 49), password + TOTP code (burst mode), password +\n"
		"      a wrong code, wrong password + a code (both expect 49)\n"
		"  -u  which users (plain for plain, mfa otherwise)\n"
		"  -t, -c  threads (2) and connections per thread (2)\n"
		"  -w, -d  warm-up (2) and measured (8) seconds, timed mode\n"
		"  -N  a new connection for every bind\n"
		"  -B  burst: each user once, the first -W (10%%) untimed\n"
		"  -A  wait until the TOTP step is greater than this one\n"
		"  -S, -D  TOTP step (30) and digits (6)\n"
		"  -s, -l  skip the first N users of the group, use the next N\n"
		"  -e  expected result code\n"
		"  -R  send app passwords without their dashes\n"
		"  -L  scenario name for the output\n"
		"  -o  append the measured latencies (us, one a line) to a file\n"
		"  -P  print p50 and p99 of such a file (several runs merged)\n" );
	exit( 2 );
}

static long
num_arg( const char *s, long min, long max )
{
	char *end;
	long v;

	errno = 0;
	v = strtol( s, &end, 10 );
	if ( errno || end == s || *end || v < min || v > max )
		usage();
	return v;
}

static double
sec_arg( const char *s )
{
	char *end;
	double v = strtod( s, &end );

	if ( end == s || *end || v < 0 || v > 86400 )
		usage();
	return v;
}

static void
parse_args( int argc, char **argv )
{
	int c;

	while ( ( c = getopt( argc, argv, "H:f:m:u:t:c:w:d:NBW:A:S:D:s:l:e:RL:o:P:" ) ) != -1 ) {
		switch ( c ) {
		case 'H': cfg.uri = optarg; break;
		case 'f': cfg.creds = optarg; break;
		case 'm':
			for ( cfg.mode = 0; cfg.mode <= MODE_BADPASSWORD; cfg.mode++ )
				if ( strcmp( optarg, mode_names[cfg.mode] ) == 0 )
					break;
			if ( cfg.mode > MODE_BADPASSWORD )
				usage();
			break;
		case 'u':
			if ( strcmp( optarg, "plain" ) == 0 ) cfg.group = GROUP_PLAIN;
			else if ( strcmp( optarg, "mfa" ) == 0 ) cfg.group = GROUP_MFA;
			else if ( strcmp( optarg, "all" ) == 0 ) cfg.group = GROUP_ALL;
			else usage();
			break;
		case 't': cfg.threads = num_arg( optarg, 1, 256 ); break;
		case 'c': cfg.conns = num_arg( optarg, 1, MAX_CONNS ); break;
		case 'w': cfg.warmup = sec_arg( optarg ); break;
		case 'd': cfg.duration = sec_arg( optarg ); break;
		case 'N': cfg.new_conn = 1; break;
		case 'B': cfg.burst = 1; break;
		case 'W': cfg.warm_users = num_arg( optarg, 0, 100000000 ); break;
		case 'A': cfg.after_step = num_arg( optarg, -1, 1L << 40 ); break;
		case 'S': cfg.step = num_arg( optarg, 1, 3600 ); break;
		case 'D': cfg.digits = num_arg( optarg, 6, MAX_DIGITS ); break;
		case 's': cfg.skip = num_arg( optarg, 0, 100000000 ); break;
		case 'l': cfg.limit = num_arg( optarg, 1, 100000000 ); break;
		case 'e': cfg.expect = num_arg( optarg, 0, 255 ); break;
		case 'R': cfg.nodash = 1; break;
		case 'L': cfg.scenario = optarg; break;
		case 'o': cfg.latfile = optarg; break;
		case 'P': cfg.summarise = optarg; break;
		default: usage();
		}
	}
	if ( optind != argc || ( cfg.creds == NULL && cfg.summarise == NULL ) )
		usage();
	if ( cfg.group == GROUP_DEFAULT )
		cfg.group = cfg.mode == MODE_PLAIN ? GROUP_PLAIN : GROUP_MFA;
	if ( cfg.expect < 0 )
		cfg.expect = cfg.mode == MODE_BADAPPPW || cfg.mode == MODE_BADCODE ||
			cfg.mode == MODE_BADPASSWORD ?
			LDAP_INVALID_CREDENTIALS : LDAP_SUCCESS;
	/* a TOTP code is good once per step: only a burst respects that */
	if ( cfg.mode == MODE_TOTP )
		cfg.burst = 1;
	if ( !cfg.burst && cfg.duration <= 0 )
		usage();
}

/* A run after another one on the same server must not reuse a step the
 * previous one used: wait for the next step (and a little margin, so that
 * the server's clock, read a moment later, agrees). */
static void
wait_for_step( void )
{
	struct timespec ts;

	if ( cfg.after_step < 0 )
		return;
	for ( ;; ) {
		clock_gettime( CLOCK_REALTIME, &ts );
		if ( ts.tv_sec / cfg.step > cfg.after_step &&
				ts.tv_sec % cfg.step >= 1 )
			return;
		usleep( 100000 );
	}
}

int
main( int argc, char **argv )
{
	struct worker *workers;
	uint64_t *all, t0, t_end, measured_ns;
	size_t total = 0, off = 0;
	unsigned long errors = 0, answered = 0;
	int64_t last_step = -1;
	int i, failed = 0;
	double seconds, rate;

	parse_args( argc, argv );
	if ( cfg.summarise )
		return summarise();
	if ( oath_init() != OATH_OK )
		die( "oath_init failed" );
	load_users();

	if ( cfg.burst ) {
		long warm = cfg.warm_users >= 0 ? cfg.warm_users : (long)( nusers / 10 );

		if ( (size_t)warm >= nusers )
			die( "no user left to measure after the warm-up users" );
		burst_first = 0;
		burst_end = warm;
		wait_for_step();
	}
	if ( pthread_barrier_init( &barrier, NULL, cfg.threads ) != 0 )
		die( "pthread_barrier_init failed" );

	workers = calloc( cfg.threads, sizeof(*workers) );
	if ( workers == NULL )
		die( "out of memory" );
	t0 = now_ns();
	warm_end_ns = t0 + (uint64_t)( cfg.warmup * 1e9 );
	end_ns = warm_end_ns + (uint64_t)( cfg.duration * 1e9 );
	for ( i = 0; i < cfg.threads; i++ ) {
		workers[i].conns = calloc( cfg.conns, sizeof(struct conn) );
		if ( workers[i].conns == NULL )
			die( "out of memory" );
		workers[i].last_step = -1;
		if ( pthread_create( &workers[i].tid, NULL, worker_main, &workers[i] ) )
			die( "pthread_create failed" );
	}
	t_end = 0;
	for ( i = 0; i < cfg.threads; i++ ) {
		pthread_join( workers[i].tid, NULL );
		total += workers[i].nlat;
		errors += workers[i].errors;
		answered += workers[i].answered;
		failed |= workers[i].failed;
		if ( workers[i].last_done_ns > t_end )
			t_end = workers[i].last_done_ns;
		if ( workers[i].last_step > last_step )
			last_step = workers[i].last_step;
	}

	if ( cfg.burst )
		measured_ns = t_end > burst_start_ns ? t_end - burst_start_ns : 1;
	else
		measured_ns = end_ns - warm_end_ns;
	seconds = measured_ns / 1e9;

	all = xmalloc( total * sizeof(*all) );
	for ( i = 0; i < cfg.threads; i++ ) {
		if ( workers[i].nlat )
			memcpy( all + off, workers[i].lat,
				workers[i].nlat * sizeof(*all) );
		off += workers[i].nlat;
		free( workers[i].lat );
	}
	qsort( all, total, sizeof(*all), cmp_u64 );
	if ( cfg.latfile )
		write_latencies( all, total );
	rate = total / seconds;

	printf( "%s: %s binds to %s, %d threads x %d connections%s%s, users %zu\n",
		cfg.scenario, mode_names[cfg.mode], cfg.uri, cfg.threads,
		cfg.conns, cfg.new_conn ? ", new connection per bind" : "",
		cfg.burst ? ", burst" : "", nusers );
	printf( "%s: %zu binds in %.3f s: %.1f binds/s, p50 %.1f us, "
		"p99 %.1f us, %lu unexpected results%s\n",
		cfg.scenario, total, seconds, rate,
		percentile_us( all, total, 0.50 ), percentile_us( all, total, 0.99 ),
		errors, failed ? ", transport failed" : "" );
	printf( "RESULT scenario=%s mode=%s binds=%zu errors=%lu seconds=%.3f "
		"rate=%.1f p50_us=%.1f p99_us=%.1f laststep=%" PRId64 " all=%lu\n",
		cfg.scenario, mode_names[cfg.mode], total, errors, seconds, rate,
		percentile_us( all, total, 0.50 ), percentile_us( all, total, 0.99 ),
		last_step, answered );
	free( all );
	return errors || failed || total == 0 ? 1 : 0;
}
