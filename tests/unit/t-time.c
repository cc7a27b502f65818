/* t-time.c - GeneralizedTime: parse, format, refuse */
#include "apppw_time.h"
#include "tap.h"

static void
test_time( void )
{
	char out[APPPW_TIME_LEN + 1];
	time_t t;

	ok( apppw_time_parse( "19700101000000Z", 15, &t ) == 0 && t == 0, "epoch" );
	ok( apppw_time_parse( "20261124184100Z", 15, &t ) == 0 && t == 1795545660,
		"20261124184100Z" );
	ok( apppw_time_parse( "20240229120000Z", 15, &t ) == 0 && t == 1709208000,
		"leap day 2024" );
	ok( apppw_time_parse( "20000229000000Z", 15, &t ) == 0, "leap day 2000" );
	ok( apppw_time_parse( "99991231235959Z", 15, &t ) == 0 && t == 253402300799,
		"end of 9999" );
	t = 5;
	ok( apppw_time_parse( "20261340000000Z", 15, &t ) == -1 && t == 0,
		"month 13 refused, t zeroed" );
	ok( apppw_time_parse( "20261124184100Z", 14, &t ) == -1, "length honoured" );
	ok( apppw_time_parse( "20261124184100Zx", 16, &t ) == -1, "16 characters" );
	ok( apppw_time_parse( NULL, 15, &t ) == -1, "NULL" );
	ok( apppw_time_parse( "2026112418\00100Z", 15, &t ) == -1, "NUL" );

	apppw_time_format( 0, out );
	is_str( out, "19700101000000Z", "format epoch" );
	apppw_time_format( 1795545660, out );
	is_str( out, "20261124184100Z", "format 20261124184100Z" );
	apppw_time_format( 253402300799, out );
	is_str( out, "99991231235959Z", "format end of 9999" );
	apppw_time_format( 253402300800, out );
	is_str( out, "", "format year 10000: empty" );
	apppw_time_format( -1, out );
	is_str( out, "", "format before 1970: empty" );
}

int
main( void )
{
	test_time();
	return done_testing();
}
