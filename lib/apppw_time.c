/* apppw_time.c - GeneralizedTime to and from time_t
 *
 * Times come from records in the directory, from administrators and from
 * the command line, so the parser takes nothing that the formatter would
 * not write back byte for byte.
 */
#include <string.h>
#include <time.h>

#include "apppw_time.h"

static int
apppw_is_leap( int y )
{
	return ( y % 4 == 0 && y % 100 != 0 ) || y % 400 == 0;
}

static int
apppw_digits( const char *s, size_t n )
{
	int v = 0;
	size_t i;

	for ( i = 0; i < n; i++ ) {
		v = v * 10 + ( s[i] - '0' );
	}
	return v;
}

int
apppw_time_parse( const char *s, size_t len, time_t *t )
{
	static const int mdays[12] =
		{ 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	struct tm tm;
	time_t v;
	size_t i;
	int dim;

	*t = 0;
	if ( s == NULL || len != APPPW_TIME_LEN || s[APPPW_TIME_LEN - 1] != 'Z' ) {
		return -1;
	}
	for ( i = 0; i < APPPW_TIME_LEN - 1; i++ ) {
		if ( s[i] < '0' || s[i] > '9' ) {
			return -1;
		}
	}
	memset( &tm, 0, sizeof( tm ) );
	tm.tm_year = apppw_digits( s, 4 ) - 1900;
	tm.tm_mon = apppw_digits( s + 4, 2 ) - 1;
	tm.tm_mday = apppw_digits( s + 6, 2 );
	tm.tm_hour = apppw_digits( s + 8, 2 );
	tm.tm_min = apppw_digits( s + 10, 2 );
	tm.tm_sec = apppw_digits( s + 12, 2 );

	/* timegm() would quietly roll 20261340 over into 2027: check first.
	 * No leap seconds: time_t cannot tell them apart. */
	if ( tm.tm_year < 70 || tm.tm_mon < 0 || tm.tm_mon > 11 ) {
		return -1;
	}
	dim = mdays[tm.tm_mon];
	if ( tm.tm_mon == 1 && apppw_is_leap( tm.tm_year + 1900 ) ) {
		dim++;
	}
	if ( tm.tm_mday < 1 || tm.tm_mday > dim || tm.tm_hour > 23 ||
			tm.tm_min > 59 || tm.tm_sec > 59 ) {
		return -1;
	}
	v = timegm( &tm );
	if ( v < 0 ) {
		return -1;
	}
	*t = v;
	return 0;
}

void
apppw_time_format( time_t t, char out[APPPW_TIME_LEN + 1] )
{
	struct tm tm;

	/* "" for what apppw_time_parse() would refuse, so that nothing is
	 * written that cannot be read back */
	if ( t < 0 || gmtime_r( &t, &tm ) == NULL || tm.tm_year + 1900 > 9999 ||
			strftime( out, APPPW_TIME_LEN + 1, "%Y%m%d%H%M%SZ",
				&tm ) != APPPW_TIME_LEN ) {
		out[0] = '\0';
	}
}
