/* apppw_state.c - the apppwLastUsed and apppwTOTPLastStep values */

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "apppw_secret.h"
#include "apppw_state.h"
#include "apppw_time.h"

_Static_assert( sizeof( time_t ) == sizeof( int64_t ),
	"APPPW_LASTSTEP_MAX_LEN counts the digits of a 64-bit time_t" );

int
apppw_lastused_parse( const char *v, size_t len, char id[APPPW_ID_LEN + 1],
	time_t *t )
{
	if ( v != NULL && len == APPPW_LASTUSED_LEN &&
			apppw_id_valid( v, APPPW_ID_LEN ) && v[APPPW_ID_LEN] == ' ' &&
			apppw_time_parse( v + APPPW_ID_LEN + 1, APPPW_TIME_LEN,
				t ) == 0 ) {
		memcpy( id, v, APPPW_ID_LEN );
		id[APPPW_ID_LEN] = '\0';
		return 0;
	}
	memset( id, 0, APPPW_ID_LEN + 1 );
	*t = 0;
	return -1;
}

int
apppw_lastused_format( const char id[APPPW_ID_LEN + 1], time_t t,
	char *out, size_t outlen )
{
	char when[APPPW_TIME_LEN + 1];

	if ( outlen == 0 ) {
		return -1;
	}
	out[0] = '\0';
	if ( outlen <= APPPW_LASTUSED_LEN || !apppw_id_valid( id, strlen( id ) ) ) {
		return -1;
	}
	/* "" for a time apppw_time_parse() would refuse */
	apppw_time_format( t, when );
	if ( when[0] == '\0' ) {
		return -1;
	}
	snprintf( out, outlen, "%s %s", id, when );
	return 0;
}

int
apppw_laststep_parse( const char *v, size_t len, time_t *t )
{
	int64_t n = 0;
	size_t i;

	*t = 0;
	/* "0" alone may start with a zero: one value, one spelling */
	if ( v == NULL || len == 0 || len > APPPW_LASTSTEP_MAX_LEN ||
			( v[0] == '0' && len > 1 ) ) {
		return -1;
	}
	for ( i = 0; i < len; i++ ) {
		if ( v[i] < '0' || v[i] > '9' ||
				n > ( INT64_MAX - ( v[i] - '0' ) ) / 10 ) {
			return -1;
		}
		n = n * 10 + ( v[i] - '0' );
	}
	*t = (time_t)n;
	return 0;
}

int
apppw_laststep_format( time_t t, char *out, size_t outlen )
{
	int n;

	if ( outlen == 0 ) {
		return -1;
	}
	out[0] = '\0';
	if ( t < 0 ) {
		return -1;
	}
	n = snprintf( out, outlen, "%lld", (long long)t );
	if ( n < 0 || (size_t)n >= outlen ) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}
