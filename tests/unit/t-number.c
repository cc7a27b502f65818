/* t-number.c - numbers given on a command line */
#include "apppw_number.h"
#include "tap.h"

static int
parses( const char *s, unsigned min, unsigned max, unsigned want )
{
	unsigned got = 12345;

	return apppw_number_parse( s, min, max, &got ) == 0 && got == want;
}

static int
refused( const char *s, unsigned min, unsigned max )
{
	unsigned got = 12345;

	return apppw_number_parse( s, min, max, &got ) == -1 && got == 12345;
}

int
main( void )
{
	ok( parses( "6", 6, 10, 6 ), "the least" );
	ok( parses( "10", 6, 10, 10 ), "the most" );
	ok( parses( "007", 1, 10, 7 ), "leading zeros" );
	ok( parses( "4294967295", 0, 4294967295U, 4294967295U ), "UINT_MAX" );
	ok( refused( "5", 6, 10 ), "refused: below" );
	ok( refused( "11", 6, 10 ), "refused: above" );
	ok( refused( "", 0, 10 ), "refused: empty" );
	ok( refused( NULL, 0, 10 ), "refused: NULL" );
	ok( refused( " 7", 0, 10 ), "refused: leading space" );
	ok( refused( "+7", 0, 10 ), "refused: a sign" );
	ok( refused( "-1", 0, 4294967295U ), "refused: negative, which strtoul wraps" );
	ok( refused( "7s", 0, 10 ), "refused: a unit" );
	ok( refused( "99999999999999999999", 0, 4294967295U ), "refused: out of range" );
	ok( refused( "4294967296", 0, 4294967295U ), "refused: past UINT_MAX" );
	return done_testing();
}
