/* t-record-error.c - every record error has a text of its own */
#include <string.h>

#include "apppw_record_error.h"
#include "tap.h"

static void
test_strerror( void )
{
	int e, distinct = 1, present = 1, j;

	for ( e = APPPW_REC_OK; e <= APPPW_REC_MISSING_FIELD; e++ ) {
		const char *s = apppw_record_strerror( (enum apppw_record_error)e );
		if ( s == NULL || *s == '\0' ) {
			present = 0;
			continue;
		}
		for ( j = APPPW_REC_OK; j < e; j++ ) {
			if ( strcmp( s, apppw_record_strerror( (enum apppw_record_error)j ) ) == 0 ) {
				distinct = 0;
			}
		}
	}
	ok( present, "every error has a text" );
	ok( distinct, "every error text is different" );
	ok( apppw_record_strerror( (enum apppw_record_error)99 ) != NULL, "unknown error has a text" );
}

int
main( void )
{
	test_strerror();
	return done_testing();
}
