/* t-throttle.c - wrong TOTP codes: counting, lockouts, back-off, the table's
 * bounds, concurrency, and what an attacker who knows the password gets */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "apppw_throttle.h"
#include "tap.h"

#define T0		1800000000	/* the start of a 30 s step */
#define YEAR		31557600	/* seconds in a Julian year */
/* a 6-digit code with window 1: three codes are right at any time */
#define GUESSES_PER_SUCCESS	( 1000000 / 3 )

static const apppw_throttle_policy defaults = {
	APPPW_THROTTLE_DEFAULT_MAX_FAILURES, 30, APPPW_THROTTLE_DEFAULT_BACKOFF_MAX
};
static const apppw_throttle_policy *policy = &defaults;

static apppw_throttle_key
key( const char *dn )
{
	apppw_throttle_key k;

	apppw_throttle_key_of( dn, strlen( dn ), &k );
	return k;
}

static enum apppw_throttle_verdict
attempt( const char *dn, time_t now, int code_ok, apppw_throttle_report *r )
{
	apppw_throttle_key k = key( dn );

	return apppw_throttle_attempt( &k, now, code_ok, policy, r );
}

static int
locked( const char *dn, time_t now, apppw_throttle_report *r )
{
	apppw_throttle_key k = key( dn );

	return apppw_throttle_locked( &k, now, &defaults, r );
}

/* fail DN N times at NOW; the last verdict */
static enum apppw_throttle_verdict
fail_times( const char *dn, time_t now, int n, apppw_throttle_report *r )
{
	enum apppw_throttle_verdict v = APPPW_THROTTLE_PASS;

	while ( n-- > 0 ) {
		v = attempt( dn, now, 0, r );
	}
	return v;
}

static void
test_counting( void )
{
	apppw_throttle_report r;
	const char *dn = "uid=count,dc=example,dc=com";

	is_int( attempt( dn, T0, 0, &r ), APPPW_THROTTLE_COUNTED, "a first wrong code is counted" );
	is_int( r.failures, 1, "one failure" );
	is_int( attempt( dn, T0 + 1, 0, &r ), APPPW_THROTTLE_COUNTED, "a second too" );
	is_int( r.failures, 2, "two failures" );
	is_int( attempt( dn, T0 + 2, 0, &r ), APPPW_THROTTLE_LOCKED_NOW, "the third locks TOTP" );
	is_int( r.until, T0 + 2 + 30, "for one step" );
	is_int( r.lockouts, 1, "the first lockout" );

	is_int( attempt( dn, T0 + 3, 1, &r ), APPPW_THROTTLE_REFUSED,
		"while locked, even the right code is refused" );
	ok( r.log && r.unlogged == 0, "the first refusal is to be logged" );
	is_int( attempt( dn, T0 + 4, 0, &r ), APPPW_THROTTLE_REFUSED, "and a wrong one" );
	ok( !r.log, "later refusals of the lockout are not" );
	attempt( dn, T0 + 5, 0, &r );
	is_int( attempt( dn, T0 + 31, 0, &r ), APPPW_THROTTLE_REFUSED,
		"the lockout lasts to its end" );

	is_int( attempt( dn, T0 + 32, 0, &r ), APPPW_THROTTLE_COUNTED,
		"after it, codes are counted again" );
	is_int( fail_times( dn, T0 + 33, 2, &r ), APPPW_THROTTLE_LOCKED_NOW,
		"three more lock again" );
	is_int( r.until, T0 + 33 + 60, "for twice as long" );
	is_int( r.lockouts, 2, "the second lockout in a row" );
	is_int( r.unlogged, 3, "the refusals that were not logged are told" );

	is_int( attempt( dn, T0 + 93, 1, &r ), APPPW_THROTTLE_PASS, "a right code passes" );
	is_int( fail_times( dn, T0 + 94, 3, &r ), APPPW_THROTTLE_LOCKED_NOW,
		"and ends the run: three wrong codes ..." );
	is_int( r.until, T0 + 94 + 30, "... lock for one step again" );
}

static void
test_locked( void )
{
	apppw_throttle_report r;
	const char *dn = "uid=locked,dc=example,dc=com";

	ok( !locked( dn, T0, &r ),
		"an entry never seen is not locked" );
	attempt( dn, T0, 0, &r );
	attempt( dn, T0, 0, &r );
	ok( !locked( dn, T0, &r ),
		"nor one with two wrong codes" );
	is_int( attempt( dn, T0, 0, &r ), APPPW_THROTTLE_LOCKED_NOW,
		"asking did not count: the third locks" );
	ok( locked( dn, T0 + 1, &r ) && r.log &&
		r.until == T0 + 30, "locked: the first refusal, to be logged" );
	ok( locked( dn, T0 + 2, &r ) && !r.log,
		"the next is not logged" );
	is_int( attempt( dn, T0 + 3, 1, &r ), APPPW_THROTTLE_REFUSED,
		"an attempt decides the same" );
	ok( !r.log && !locked( dn, T0 + 30, &r ),
		"and is not logged either; at its end the lockout is over" );
}

static void
test_backoff( void )
{
	apppw_throttle_policy p = defaults;
	unsigned long want[] = { 30, 60, 120, 240, 480, 960, 1920, 3600, 3600 };
	unsigned n;

	for ( n = 1; n <= sizeof( want ) / sizeof( want[0] ); n++ ) {
		is_int( apppw_throttle_lockout( &p, n ), want[n - 1],
			"lockout %u lasts %lu s", n, want[n - 1] );
	}
	is_int( apppw_throttle_lockout( &p, 1000 ), 3600, "a thousand in a row: the cap" );
	p.backoff_max = 10;
	is_int( apppw_throttle_lockout( &p, 3 ), 30,
		"a cap under one step still locks for one step" );
}

static void
test_forgetting( void )
{
	apppw_throttle_report r;
	const char *dn = "uid=quiet,dc=example,dc=com";
	time_t t = T0;

	fail_times( dn, t, 3, &r );
	t = r.until;
	fail_times( dn, t, 3, &r );
	is_int( r.lockouts, 2, "two lockouts in a row" );
	t = r.until + APPPW_THROTTLE_DEFAULT_BACKOFF_MAX - 1;
	is_int( attempt( dn, t, 0, &r ), APPPW_THROTTLE_COUNTED,
		"quiet for less than backoff_max: remembered" );
	is_int( r.lockouts, 2, "with its lockouts in a row" );
	t += APPPW_THROTTLE_DEFAULT_BACKOFF_MAX;
	fail_times( dn, t, 3, &r );
	is_int( r.lockouts, 1, "quiet for backoff_max: forgotten, the next lockout is a first" );

	{
		apppw_throttle_key k = key( dn );

		apppw_throttle_forget( &k );
	}
	is_int( attempt( dn, t + 1, 1, &r ), APPPW_THROTTLE_PASS,
		"forgotten on request (a new password): the owner's code passes" );
}

static void
test_independent( void )
{
	apppw_throttle_report r;

	fail_times( "uid=a,dc=example,dc=com", T0, 3, &r );
	is_int( attempt( "uid=b,dc=example,dc=com", T0, 1, &r ), APPPW_THROTTLE_PASS,
		"another entry is not locked with it" );
	is_int( attempt( "uid=a,dc=example,dc=com", T0, 1, &r ), APPPW_THROTTLE_REFUSED,
		"the locked one is" );
}

/* A flood of distinct DNs fits in the fixed table, and does not push out
 * an entry that is locked. */
static void
test_flood( void )
{
	apppw_throttle_report r;
	const char *victim = "uid=victim,dc=example,dc=com";
	char dn[64];
	int i;

	fail_times( victim, T0, 3, &r );
	for ( i = 0; i < 20 * APPPW_THROTTLE_SETS * APPPW_THROTTLE_WAYS; i++ ) {
		snprintf( dn, sizeof( dn ), "uid=flood%d,dc=example,dc=com", i );
		attempt( dn, T0 + 1, 0, &r );
	}
	is_int( attempt( victim, T0 + 2, 1, &r ), APPPW_THROTTLE_REFUSED,
		"a locked entry outlives %d distinct DNs",
		20 * APPPW_THROTTLE_SETS * APPPW_THROTTLE_WAYS );
}

#define THREADS		8
#define PER_THREAD	1000

static int evaluated[THREADS];

static void *
hammer( void *arg )
{
	apppw_throttle_report r;
	int *n = arg, i;

	for ( i = 0; i < PER_THREAD; i++ ) {
		if ( attempt( "uid=concurrent,dc=example,dc=com", T0, 0, &r ) !=
				APPPW_THROTTLE_REFUSED ) {
			(*n)++;
		}
	}
	return NULL;
}

static void
test_concurrency( void )
{
	pthread_t t[THREADS];
	int i, total = 0;

	for ( i = 0; i < THREADS; i++ ) {
		pthread_create( &t[i], NULL, hammer, &evaluated[i] );
	}
	for ( i = 0; i < THREADS; i++ ) {
		pthread_join( t[i], NULL );
		total += evaluated[i];
	}
	is_int( total, APPPW_THROTTLE_DEFAULT_MAX_FAILURES,
		"%d threads sending %d wrong codes at once get %d looked at",
		THREADS, PER_THREAD, APPPW_THROTTLE_DEFAULT_MAX_FAILURES );
}

/* What an attacker who knows the password gets in a year, never right:
 * either greedy (a code whenever one is looked at), or patient (L lockouts,
 * then quiet until forgotten, and again). Also checks that no 30 s step
 * ever sees more than max_failures codes looked at. */
static long
attack( int patient_lockouts, int *worst_step )
{
	apppw_throttle_report r;
	char dn[64];
	time_t t = T0, end = T0 + YEAR, step_start = -1;
	long guesses = 0;
	int in_step = 0, lockouts = 0;

	snprintf( dn, sizeof( dn ), "uid=attacked%d-%u,dc=example,dc=com",
		patient_lockouts, policy->backoff_max );
	*worst_step = 0;
	while ( t < end ) {
		enum apppw_throttle_verdict v = attempt( dn, t, 0, &r );

		if ( v == APPPW_THROTTLE_REFUSED ) {
			t = r.until;
			continue;
		}
		guesses++;
		if ( t / 30 != step_start ) {
			step_start = t / 30;
			in_step = 0;
		}
		if ( ++in_step > *worst_step ) {
			*worst_step = in_step;
		}
		if ( v == APPPW_THROTTLE_LOCKED_NOW && patient_lockouts &&
				++lockouts == patient_lockouts ) {
			lockouts = 0;
			t = r.until + policy->backoff_max;
		}
	}
	return guesses;
}

/* The best an attacker gets in a year under p: at most GUESSES_PER_SUCCESS
 * codes, and never more than max_failures in one step. */
static void
test_attacker( const apppw_throttle_policy *p, const char *what )
{
	long g, best = 0;
	int l, best_l = 0, worst_step, worst = 0;

	policy = p;
	for ( l = 0; l <= 14; l++ ) {
		g = attack( l, &worst_step );
		if ( g > best ) {
			best = g;
			best_l = l;
		}
		if ( worst_step > worst ) {
			worst = worst_step;
		}
	}
	diag( "%s: at best %ld codes a year (%s%d lockouts, then quiet), "
		"expected time to a right code %.1f years", what, best,
		best_l ? "" : "greedy, ", best_l,
		(double)GUESSES_PER_SUCCESS / best );
	ok( best <= GUESSES_PER_SUCCESS,
		"%s: a right code takes an attacker a year or more", what );
	is_int( worst, p->max_failures,
		"%s: no step ever sees more than %u codes looked at", what,
		p->max_failures );
	policy = &defaults;
}

int
main( void )
{
	if ( apppw_throttle_init() != 0 ) {
		printf( "1..0 # SKIP libsodium does not initialise\n" );
		return 0;
	}
	test_counting();
	test_locked();
	test_backoff();
	test_forgetting();
	test_independent();
	test_flood();
	test_concurrency();
	test_attacker( &defaults, "the defaults" );
	{
		apppw_throttle_policy shortest = defaults;

		shortest.backoff_max = APPPW_THROTTLE_BACKOFF_MAX_MIN;
		test_attacker( &shortest, "the shortest apppw-totp-backoff-max" );
	}
	return done_testing();
}
