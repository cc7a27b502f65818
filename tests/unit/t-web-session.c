/* t-web-session.c - apppw-web's session table: ids, CSRF tokens, lookups,
 * expiry, the bound, eviction, and references across an end */
#include <pthread.h>
#include <string.h>

#include <sodium.h>

#include "session.h"
#include "tap.h"

static int released;

static void
release( void *user )
{
	released++;
	( (char *)user )[0] = 'x';
}

static char users[64][1];

static void
test_basic( void )
{
	struct sess_table t;
	struct sess *a, *b, *f;
	char hex[SESS_ID_HEX + 1], hex2[SESS_ID_HEX + 1], bad[SESS_ID_HEX + 1];

	ok( sess_table_init( &t, 0, 10, 100, release ) == -1, "max 0 refused" );
	ok( sess_table_init( &t, 4, 10, 100, release ) == 0, "init" );
	ok( sess_new( &t, 1000, &a ) == 0, "a new session" );
	sess_id_hex( a, hex );
	is_int( strlen( hex ), SESS_ID_HEX, "id: 64 hex digits (256 bits)" );
	is_int( strlen( a->csrf ), SESS_TOKEN_HEX, "token: 64 hex digits" );
	ok( sess_new( &t, 1000, &b ) == 0, "another" );
	sess_id_hex( b, hex2 );
	ok( strcmp( hex, hex2 ) != 0 && strcmp( a->csrf, b->csrf ) != 0,
		"ids and tokens differ" );
	ok( strcmp( hex, a->csrf ) != 0, "the token is not the id" );
	sess_put( &t, a );
	sess_put( &t, b );

	f = sess_find( &t, hex, 1005 );
	ok( f == a, "found by its id" );
	sess_put( &t, f );
	ok( sess_find( &t, NULL, 1005 ) == NULL, "no cookie" );
	ok( sess_find( &t, "abc", 1005 ) == NULL, "too short" );
	memcpy( bad, hex, sizeof( bad ) );
	bad[10] = 'z';
	ok( sess_find( &t, bad, 1005 ) == NULL, "not hex" );
	bad[10] = hex[10] == '0' ? '1' : '0';
	ok( sess_find( &t, bad, 1005 ) == NULL, "one digit off" );

	ok( sess_csrf_ok( a, a->csrf ), "its token" );
	ok( !sess_csrf_ok( a, b->csrf ), "another's token" );
	ok( !sess_csrf_ok( a, NULL ) && !sess_csrf_ok( a, "" ), "none" );
	memcpy( bad, a->csrf, sizeof( bad ) );
	bad[SESS_TOKEN_HEX - 1] ^= 1;
	ok( !sess_csrf_ok( a, bad ), "one character off" );
	bad[SESS_TOKEN_HEX - 1] ^= 1;
	bad[SESS_TOKEN_HEX - 1] = '\0';
	ok( !sess_csrf_ok( a, bad ), "a prefix" );

	/* renew: the old id is gone, a new token */
	f = sess_find( &t, hex, 1006 );
	memcpy( bad, f->csrf, sizeof( bad ) );
	sess_renew( &t, f );
	sess_id_hex( f, hex2 );
	ok( strcmp( hex, hex2 ) != 0, "renew: a new id" );
	ok( strcmp( bad, f->csrf ) != 0, "renew: a new token" );
	sess_put( &t, f );
	ok( sess_find( &t, hex, 1006 ) == NULL, "the old id finds nothing" );
	f = sess_find( &t, hex2, 1006 );
	ok( f == a, "the new id finds it" );
	sess_put( &t, f );
	is_int( sess_count( &t ), 2, "two sessions" );
	sess_table_destroy( &t );
}

static void
test_expiry( void )
{
	struct sess_table t;
	struct sess *a, *f;
	char hex[SESS_ID_HEX + 1];

	released = 0;
	sess_table_init( &t, 4, 10, 100, release );
	sess_new( &t, 1000, &a );
	a->user = users[0];
	sess_id_hex( a, hex );
	sess_put( &t, a );
	f = sess_find( &t, hex, 1010 );
	ok( f == a, "idle exactly --idle: alive" );
	sess_put( &t, f );
	ok( sess_find( &t, hex, 1021 ) == NULL, "idle past --idle: gone" );
	is_int( released, 1, "and released (its LDAP connection closed)" );
	is_int( sess_count( &t ), 0, "the table is empty" );

	/* lifetime, however busy */
	sess_new( &t, 2000, &a );
	sess_id_hex( a, hex );
	sess_put( &t, a );
	for ( f = NULL; ; ) {
		static time_t now = 2000;

		now += 9;
		f = sess_find( &t, hex, now );
		if ( f == NULL ) {
			ok( now > 2100, "busy, it lives to its lifetime (%ld)",
				(long)( now - 2000 ) );
			break;
		}
		sess_put( &t, f );
	}

	/* the reaper */
	sess_new( &t, 3000, &a );
	a->user = users[1];
	sess_put( &t, a );
	sess_new( &t, 3005, &a );
	a->user = users[2];
	sess_put( &t, a );
	released = 0;
	is_int( sess_reap( &t, 3012 ), 1, "reap: the one idle past --idle" );
	is_int( released, 1, "released" );
	is_int( sess_count( &t ), 1, "one left" );
	sess_table_destroy( &t );
	is_int( released, 2, "destroy releases the rest" );
}

static void
test_bound( void )
{
	struct sess_table t;
	struct sess *s[4], *f, *n;
	char hex[4][SESS_ID_HEX + 1];
	int i;

	sess_table_init( &t, 3, 100, 1000, NULL );
	for ( i = 0; i < 3; i++ ) {
		sess_new( &t, 1000 + i, &s[i] );
		sess_id_hex( s[i], hex[i] );
		sess_put( &t, s[i] );
	}
	/* s[1] signs in */
	sess_set_state( &t, s[1], SESS_IN );
	ok( sess_new( &t, 1010, &n ) == 0, "full: a new one still comes in" );
	sess_id_hex( n, hex[3] );
	sess_put( &t, n );
	ok( sess_find( &t, hex[0], 1011 ) == NULL, "the oldest not signed in is evicted" );
	f = sess_find( &t, hex[1], 1011 );
	ok( f == s[1], "the signed-in one stays" );
	sess_put( &t, f );
	is_int( sess_count( &t ), 3, "still three" );

	sess_set_state( &t, s[2], SESS_IN );
	f = sess_find( &t, hex[3], 1012 );
	sess_set_state( &t, f, SESS_IN );
	sess_put( &t, f );
	ok( sess_new( &t, 1013, &n ) == -1 && n == NULL,
		"all signed in: a new one is refused" );
	for ( i = 1; i < 4; i++ ) {
		f = sess_find( &t, hex[i], 1014 );
		ok( f != NULL, "signed-in session %d kept", i );
		if ( f ) {
			sess_put( &t, f );
		}
	}
	sess_table_destroy( &t );
}

static void
test_references( void )
{
	struct sess_table t;
	struct sess *a, *f;
	char hex[SESS_ID_HEX + 1];

	released = 0;
	sess_table_init( &t, 4, 10, 100, release );
	sess_new( &t, 1000, &a );
	a->user = users[3];
	users[3][0] = 'u';
	sess_id_hex( a, hex );
	/* a request holds it while it is signed out elsewhere */
	f = sess_find( &t, hex, 1001 );
	sess_end( &t, a );
	ok( sess_find( &t, hex, 1001 ) == NULL, "ended: not found" );
	is_int( released, 0, "not freed while referenced" );
	ok( f->dead, "marked dead for the holder" );
	sess_put( &t, f );
	is_int( released, 0, "one reference left" );
	sess_put( &t, a );
	is_int( released, 1, "freed by the last one" );
	is_int( users[3][0], 'x', "its user released" );
	sess_table_destroy( &t );
}

/* threads finding, ending and making sessions at once */
static struct sess_table shared;

static void *
worker( void *arg )
{
	struct sess *s, *f;
	char hex[SESS_ID_HEX + 1];
	int i;

	(void)arg;
	for ( i = 0; i < 2000; i++ ) {
		if ( sess_new( &shared, 1000, &s ) != 0 ) {
			continue;
		}
		sess_id_hex( s, hex );
		f = sess_find( &shared, hex, 1000 );
		if ( f ) {
			pthread_mutex_lock( &f->lock );
			pthread_mutex_unlock( &f->lock );
			if ( i % 2 ) {
				sess_end( &shared, f );
			}
			sess_put( &shared, f );
		}
		sess_put( &shared, s );
	}
	return NULL;
}

static void
test_threads( void )
{
	pthread_t th[4];
	int i;

	sess_table_init( &shared, 16, 10, 100, NULL );
	for ( i = 0; i < 4; i++ ) {
		pthread_create( &th[i], NULL, worker, NULL );
	}
	for ( i = 0; i < 4; i++ ) {
		pthread_join( th[i], NULL );
	}
	ok( sess_count( &shared ) <= 16, "bounded under four threads (%zu)",
		sess_count( &shared ) );
	sess_table_destroy( &shared );
}

int
main( void )
{
	if ( sodium_init() < 0 ) {
		return 1;
	}
	test_basic();
	test_expiry();
	test_bound();
	test_references();
	test_threads();
	return done_testing();
}
