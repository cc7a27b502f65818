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

#include "loadgen.h"

#define SHOW_ERRORS	5
/* consecutive transport failures after which a thread gives up */
#define MAX_CONN_FAILURES	100

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

void
die( const char *msg )
{
	fprintf( stderr, "loadgen: %s\n", msg );
	exit( 2 );
}

void *
xmalloc( size_t n )
{
	void *p = malloc( n ? n : 1 );

	if ( p == NULL )
		die( "out of memory" );
	return p;
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
	if ( make_cred( u, &w->last_step, &cred, buf, sizeof(buf) ) != 0 )
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
