/* t-state.c - the apppwLastUsed and apppwTOTPLastStep values */
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
lastused( const char *s, size_t len, char id[APPPW_ID_LEN + 1], time_t *t )
{
	char *v = exact( s, len );
	int rc = apppw_lastused_parse( v, len, id, t );

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
		"k7fq 20261124190233Z ",		/* trailing space */
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
	};
	char id[APPPW_ID_LEN + 1], out[APPPW_LASTUSED_LEN + 1],
		short_id[APPPW_ID_LEN + 1] = "k7f";
	time_t t;
	size_t i;

	ok( lastused( "k7fq 20261124190233Z", 20, id, &t ) == 0 &&
		strcmp( id, "k7fq" ) == 0 && t == 1795546953,
		"\"k7fq 20261124190233Z\" is k7fq at 2026-11-24 19:02:33Z" );
	for ( i = 0; i < sizeof( bad ) / sizeof( bad[0] ); i++ ) {
		memset( id, 'x', sizeof( id ) );
		t = 1;
		ok( lastused( bad[i], strlen( bad[i] ), id, &t ) == -1 && t == 0 &&
			memcmp( id, "\0\0\0\0", APPPW_ID_LEN + 1 ) == 0,
			"refused, id and time zeroed: \"%s\"", bad[i] );
	}
	ok( lastused( "k7fq 2026\0124190233Z", 20, id, &t ) == -1,
		"refused: a NUL inside" );
	ok( apppw_lastused_parse( NULL, 20, id, &t ) == -1, "refused: NULL" );

	ok( apppw_lastused_format( "k7fq", 1795546953, out, sizeof( out ) ) == 0,
		"format" );
	is_str( out, "k7fq 20261124190233Z", "format writes ID SP GeneralizedTime" );
	ok( lastused( out, strlen( out ), id, &t ) == 0 && strcmp( id, "k7fq" ) == 0 &&
		t == 1795546953, "and parse reads it back" );
	ok( apppw_lastused_format( "zzzz", 0, out, sizeof( out ) ) == 0 &&
		lastused( out, strlen( out ), id, &t ) == 0 && t == 0 &&
		strcmp( id, "zzzz" ) == 0, "the epoch round-trips" );
	ok( apppw_lastused_format( "k7fq", 253402300799, out, sizeof( out ) ) == 0 &&
		lastused( out, strlen( out ), id, &t ) == 0 && t == 253402300799,
		"9999-12-31 23:59:59 round-trips" );
	ok( apppw_lastused_format( "k7fq", 253402300800, out, sizeof( out ) ) == -1 &&
		out[0] == '\0', "year 10000: refused, out empty" );
	ok( apppw_lastused_format( "k7fq", -1, out, sizeof( out ) ) == -1 &&
		out[0] == '\0', "before the epoch: refused, out empty" );
	ok( apppw_lastused_format( "K7FQ", 0, out, sizeof( out ) ) == -1 &&
		apppw_lastused_format( short_id, 0, out, sizeof( out ) ) == -1 &&
		apppw_lastused_format( "k7fqq", 0, out, sizeof( out ) ) == -1 &&
		out[0] == '\0', "an id that is not one: refused, out empty" );
	ok( apppw_lastused_format( "k7fq", 0, out, APPPW_LASTUSED_LEN ) == -1 &&
		out[0] == '\0', "no room for the NUL: refused, out empty" );
	ok( apppw_lastused_format( "k7fq", 0, out, 0 ) == -1, "no room at all" );
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

int
main( void )
{
	test_lastused();
	test_laststep();
	return done_testing();
}
