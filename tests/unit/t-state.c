/* t-state.c - the apppwLastUsed (with the address), apppwExpiry and apppwTOTPLastStep values,
 * and the deadline apppwExpiry shows */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "apppw_secret.h"
#include "apppw_state.h"
#include "tap.h"

/* a value of its own allocation of exactly len bytes, without a NUL, so
 * that a read past it shows under valgrind or ASan */
static char *
exact( const char *s, size_t len )
{
	char *p = malloc( len ? len : 1 );

	if ( p == NULL ) {
		abort();
	}
	memcpy( p, s, len );
	return p;
}

static int
lastused( const char *s, size_t len, apppw_lastuse *u )
{
	char *v = exact( s, len );
	int rc = apppw_lastused_parse( v, len, u );

	free( v );
	return rc;
}

/* whether every byte of u is zero, as a refused parse leaves it */
static int
zeroed( const apppw_lastuse *u )
{
	static const apppw_lastuse zero;

	return memcmp( u, &zero, sizeof( zero ) ) == 0;
}

static int
expiry( const char *s, char id[APPPW_ID_LEN + 1], time_t *t,
	enum apppw_expiry_reason *why )
{
	char *v = exact( s, strlen( s ) );
	int rc = apppw_expiry_parse( v, strlen( s ), id, t, why );

	free( v );
	return rc;
}

static int
laststep( const char *s, time_t *t )
{
	char *v = exact( s, strlen( s ) );
	int rc = apppw_laststep_parse( v, strlen( s ), t );

	free( v );
	return rc;
}

static void
test_lastused( void )
{
	static const char *bad[] = {
		"",
		"k7fq",
		"k7fq ",
		"k7fq 20261124190233",			/* no Z */
		"k7fq 20261124190233Z ",		/* a space, no address */
		" k7fq 20261124190233Z",
		"k7fq  20261124190233Z",
		"k7fq\t20261124190233Z",
		"k7fqx20261124190233Z",
		"K7FQ 20261124190233Z",			/* ids are stored in lower case */
		"k7fu 20261124190233Z",			/* u is not in the alphabet */
		"k7f 20261124190233Z0",
		"k7fq 20261324190233Z",			/* month 13 */
		"k7fq 20260230000000Z",			/* 30 February */
		"k7fq 19691231235959Z",			/* before the epoch */
		"k7fq +0261124190233Z",
		"k7fq 20261124190233Zk7fq 20261124190233Z",
		"k7fq 20261124190233Z  192.0.2.1",
		"k7fq 20261124190233Z 192.0.2.1 ",
		"k7fq 20261124190233Z 192.0.2.256",
		"k7fq 20261124190233Z 192.0.2",
		"k7fq 20261124190233Z 192.000.2.1",	/* not inet_ntop's spelling */
		"k7fq 20261124190233Z 2001:DB8::1",
		"k7fq 20261124190233Z 2001:db8:0::1",
		"k7fq 20261124190233Z ::ffff:192.0.2.1",	/* v4-mapped: as IPv4 */
		"k7fq 20261124190233Z [::1]",
		"k7fq 20261124190233Z LOCAL",
		"k7fq 20261124190233Z localhost",
		"k7fq 20261124190233Z 192.0.2.1:389",
	};
	static const char *good[] = {
		"k7fq 20261124190233Z",
		"k7fq 20261124190233Z 192.0.2.25",
		"k7fq 20261124190233Z 2001:db8::25",
		"k7fq 20261124190233Z ::1",
		"k7fq 20261124190233Z local",
		"zzzz 99991231235959Z ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
	};
	char out[APPPW_LASTUSED_MAX_LEN + 1];
	apppw_lastuse u, w;
	size_t i;

	ok( lastused( "k7fq 20261124190233Z", 20, &u ) == 0 &&
		strcmp( u.id, "k7fq" ) == 0 && u.when == 1795546953 && u.from[0] == '\0',
		"\"k7fq 20261124190233Z\" is k7fq at 2026-11-24 19:02:33Z, from nowhere known" );
	ok( lastused( "k7fq 20261124190233Z 192.0.2.25", 31, &u ) == 0 &&
		strcmp( u.id, "k7fq" ) == 0 && u.when == 1795546953 &&
		strcmp( u.from, "192.0.2.25" ) == 0, "... and with an address" );
	for ( i = 0; i < sizeof( bad ) / sizeof( bad[0] ); i++ ) {
		memset( &u, 'x', sizeof( u ) );
		ok( lastused( bad[i], strlen( bad[i] ), &u ) == -1 && zeroed( &u ),
			"refused, zeroed: \"%s\"", bad[i] );
	}
	ok( lastused( "k7fq 2026\0124190233Z", 20, &u ) == -1,
		"refused: a NUL inside" );
	ok( lastused( "k7fq 20261124190233Z 192.0.2.1\0", 31, &u ) == -1,
		"refused: a NUL after the address" );
	ok( apppw_lastused_parse( NULL, 20, &u ) == -1, "refused: NULL" );
	for ( i = 0; i < sizeof( good ) / sizeof( good[0] ); i++ ) {
		ok( lastused( good[i], strlen( good[i] ), &u ) == 0 &&
			apppw_lastused_format( &u, out, sizeof( out ) ) == 0 &&
			strcmp( out, good[i] ) == 0, "\"%s\" round-trips", good[i] );
	}
	ok( strlen( good[5] ) <= APPPW_LASTUSED_MAX_LEN,
		"APPPW_LASTUSED_MAX_LEN holds the longest address" );

	memset( &w, 0, sizeof( w ) );
	memcpy( w.id, "k7fq", 5 );
	w.when = 253402300799;
	ok( apppw_lastused_format( &w, out, sizeof( out ) ) == 0 &&
		strcmp( out, "k7fq 99991231235959Z" ) == 0,
		"9999-12-31 23:59:59 is written" );
	w.when = 253402300800;
	ok( apppw_lastused_format( &w, out, sizeof( out ) ) == -1 &&
		out[0] == '\0', "year 10000: refused, out empty" );
	w.when = -1;
	ok( apppw_lastused_format( &w, out, sizeof( out ) ) == -1 &&
		out[0] == '\0', "before the epoch: refused, out empty" );
	w.when = 0;
	memcpy( w.id, "K7FQ", 5 );
	ok( apppw_lastused_format( &w, out, sizeof( out ) ) == -1 && out[0] == '\0',
		"an id that is not one: refused, out empty" );
	memcpy( w.id, "k7fq", 5 );
	strcpy( w.from, "192.0.2.256" );
	ok( apppw_lastused_format( &w, out, sizeof( out ) ) == -1 && out[0] == '\0',
		"an address that is not one: refused, out empty" );
	memset( w.from, '1', sizeof( w.from ) );
	ok( apppw_lastused_format( &w, out, sizeof( out ) ) == -1,
		"an address without its NUL: refused" );
	strcpy( w.from, "local" );
	ok( apppw_lastused_format( &w, out, APPPW_LASTUSED_LEN + 6 ) == -1 &&
		out[0] == '\0', "no room for the NUL: refused, out empty" );
	ok( apppw_lastused_format( &w, out, 0 ) == -1, "no room at all" );
	ok( apppw_from_check( "local", 5 ) == 0 && apppw_from_check( "loc", 3 ) == -1,
		"apppw_from_check" );
}

static void
test_laststep( void )
{
	static const char *bad[] = {
		"", "-30", "+30", "030", "00", " 30", "30 ", "3e1", "1.5", "0x1e",
		"9223372036854775808",		/* 2^63 */
		"18446744073709551646",		/* 2^64 + 30 */
		"99999999999999999999",
	};
	static const time_t good[] = { 0, 30, 1795546950, INT64_MAX };
	char out[APPPW_LASTSTEP_MAX_LEN + 1];
	time_t t;
	size_t i;

	ok( laststep( "1795546950", &t ) == 0 && t == 1795546950, "parse" );
	ok( laststep( "0", &t ) == 0 && t == 0, "parse 0" );
	ok( laststep( "9223372036854775807", &t ) == 0 && t == INT64_MAX,
		"parse 2^63 - 1" );
	for ( i = 0; i < sizeof( bad ) / sizeof( bad[0] ); i++ ) {
		t = 1;
		ok( laststep( bad[i], &t ) == -1 && t == 0, "refused, zeroed: \"%s\"",
			bad[i] );
	}
	ok( apppw_laststep_parse( "30\0", 3, &t ) == -1, "refused: a NUL after it" );
	ok( apppw_laststep_parse( NULL, 2, &t ) == -1, "refused: NULL" );

	for ( i = 0; i < sizeof( good ) / sizeof( good[0] ); i++ ) {
		ok( apppw_laststep_format( good[i], out, sizeof( out ) ) == 0 &&
			laststep( out, &t ) == 0 && t == good[i],
			"%lld round-trips as \"%s\"", (long long)good[i], out );
	}
	ok( apppw_laststep_format( -30, out, sizeof( out ) ) == -1 && out[0] == '\0',
		"negative: refused, out empty" );
	ok( apppw_laststep_format( 1795546950, out, 10 ) == -1 && out[0] == '\0',
		"no room for the NUL: refused, out empty" );
	ok( apppw_laststep_format( 0, out, 0 ) == -1, "no room at all" );
}

static void
test_expiry( void )
{
	static const char *bad[] = {
		"k7fq 20261124190233Z",			/* no reason */
		"k7fq 20261124190233Z ",
		"k7fq 20261124190233Z max_idle",
		"k7fq 20261124190233Z MAX-IDLE",
		"k7fq 20261124190233Z max-idlex",
		"k7fq 20261124190233Z  max-age",
		"k7fq 20261124190233Zmax-age",
		"k7fq 2026112419023Z expires",
		"K7FQ 20261124190233Z expires",
	};
	static const char *good[] = {
		"k7fq 20261124190233Z expires",
		"k7fq 20261124190233Z max-age",
		"zzzz 99991231235959Z max-idle",
	};
	char id[APPPW_ID_LEN + 1], out[APPPW_EXPIRY_LEN_MAX + 1];
	enum apppw_expiry_reason why;
	time_t t;
	size_t i;

	ok( expiry( "k7fq 20261124190233Z max-idle", id, &t, &why ) == 0 &&
		strcmp( id, "k7fq" ) == 0 && t == 1795546953 &&
		why == APPPW_EXPIRY_MAX_IDLE, "parse: id, time and reason" );
	for ( i = 0; i < sizeof( bad ) / sizeof( bad[0] ); i++ ) {
		t = 1;
		why = APPPW_EXPIRY_MAX_AGE;
		ok( expiry( bad[i], id, &t, &why ) == -1 && t == 0 &&
			why == APPPW_EXPIRY_EXPIRES && id[0] == '\0',
			"refused, zeroed: \"%s\"", bad[i] );
	}
	for ( i = 0; i < sizeof( good ) / sizeof( good[0] ); i++ ) {
		ok( expiry( good[i], id, &t, &why ) == 0 &&
			apppw_expiry_format( id, t, why, out, sizeof( out ) ) == 0 &&
			strcmp( out, good[i] ) == 0, "\"%s\" round-trips", good[i] );
	}
	ok( apppw_expiry_format( "k7fq", 0, APPPW_EXPIRY_REASONS, out,
		sizeof( out ) ) == -1 && out[0] == '\0', "no such reason: refused" );
	ok( apppw_expiry_format( "k7fq", 0, APPPW_EXPIRY_MAX_IDLE, out,
		APPPW_EXPIRY_LEN_MAX ) == -1 && out[0] == '\0',
		"no room for the NUL: refused, out empty" );
	is_str( apppw_expiry_reason_name( APPPW_EXPIRY_MAX_AGE ), "max-age",
		"the reasons' names" );
}

static void
test_deadline( void )
{
	apppw_record r = { .id = "k7fq", .created = 1000000 };
	enum apppw_expiry_reason why = APPPW_EXPIRY_REASONS;

	ok( apppw_deadline( &r, 0, 0, 0, &why ) == 0 &&
		why == APPPW_EXPIRY_REASONS, "no expiry, no limits: no end" );
	r.expires = 5000000;
	ok( apppw_deadline( &r, 0, 0, 0, &why ) == 5000000 &&
		why == APPPW_EXPIRY_EXPIRES, "its own expiry" );
	ok( apppw_deadline( &r, 0, 3000000, 0, &why ) == 4000000 &&
		why == APPPW_EXPIRY_MAX_AGE, "max age, when it comes first" );
	ok( apppw_deadline( &r, 0, 3000000, 100, &why ) == 1000100 &&
		why == APPPW_EXPIRY_MAX_IDLE, "never used: idle from its creation" );
	ok( apppw_deadline( &r, 2000000, 3000000, 100, &why ) == 2000100 &&
		why == APPPW_EXPIRY_MAX_IDLE, "used: idle from its last use" );
	ok( apppw_deadline( &r, 500, 0, 100, &why ) == 1000100 &&
		why == APPPW_EXPIRY_MAX_IDLE,
		"a last use before its creation (an old id reused) counts not" );
	ok( apppw_deadline( &r, 0, 4000000, 0, &why ) == 5000000 &&
		why == APPPW_EXPIRY_EXPIRES, "a tie goes to its own expiry" );
	r.expires = 0;
	why = APPPW_EXPIRY_REASONS;
	ok( apppw_deadline( &r, 0, ULONG_MAX, 0, &why ) == 0 &&
		why == APPPW_EXPIRY_REASONS, "an end past time_t is no end" );
	ok( apppw_deadline( &r, INT64_MAX, 0, 1, &why ) == 0,
		"nor one past time_t after the last use" );
}

int
main( void )
{
	test_lastused();
	test_expiry();
	test_deadline();
	test_laststep();
	return done_testing();
}
