/* apppw_state.c - the apppwLastUsed, apppwExpiry and apppwTOTPLastStep
 * values */

#include <arpa/inet.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "apppw_secret.h"
#include "apppw_state.h"
#include "apppw_time.h"

_Static_assert( sizeof( time_t ) == sizeof( int64_t ),
	"APPPW_LASTSTEP_MAX_LEN counts the digits of a 64-bit time_t, and "
	"apppw_time_after() adds to one" );

int
apppw_from_check( const char *s, size_t len )
{
	char copy[APPPW_FROM_MAX_LEN + 1], back[INET6_ADDRSTRLEN];
	unsigned char addr[sizeof( struct in6_addr )];
	int family;

	if ( s == NULL || len == 0 || len > APPPW_FROM_MAX_LEN ||
			memchr( s, '\0', len ) ) {
		return -1;
	}
	memcpy( copy, s, len );
	copy[len] = '\0';
	if ( strcmp( copy, APPPW_FROM_LOCAL ) == 0 ) {
		return 0;
	}
	family = strchr( copy, ':' ) ? AF_INET6 : AF_INET;
	/* one spelling per address: the one inet_ntop writes */
	if ( inet_pton( family, copy, addr ) != 1 ||
			( family == AF_INET6 &&
				IN6_IS_ADDR_V4MAPPED( (struct in6_addr *)addr ) ) ||
			inet_ntop( family, addr, back, sizeof( back ) ) == NULL ||
			strcmp( back, copy ) != 0 ) {
		return -1;
	}
	return 0;
}

int
apppw_lastused_parse( const char *v, size_t len, apppw_lastuse *u )
{
	memset( u, 0, sizeof( *u ) );
	if ( v == NULL || len < APPPW_LASTUSED_LEN || len > APPPW_LASTUSED_MAX_LEN ||
			!apppw_id_valid( v, APPPW_ID_LEN ) || v[APPPW_ID_LEN] != ' ' ||
			apppw_time_parse( v + APPPW_ID_LEN + 1, APPPW_TIME_LEN,
				&u->when ) != 0 ) {
		goto bad;
	}
	if ( len > APPPW_LASTUSED_LEN ) {
		if ( v[APPPW_LASTUSED_LEN] != ' ' ||
				apppw_from_check( v + APPPW_LASTUSED_LEN + 1,
					len - APPPW_LASTUSED_LEN - 1 ) != 0 ) {
			goto bad;
		}
		memcpy( u->from, v + APPPW_LASTUSED_LEN + 1,
			len - APPPW_LASTUSED_LEN - 1 );
	}
	memcpy( u->id, v, APPPW_ID_LEN );
	return 0;
bad:
	memset( u, 0, sizeof( *u ) );
	return -1;
}

int
apppw_lastused_format( const apppw_lastuse *u, char *out, size_t outlen )
{
	char when[APPPW_TIME_LEN + 1];
	size_t fromlen;
	int n;

	if ( outlen == 0 ) {
		return -1;
	}
	out[0] = '\0';
	fromlen = strnlen( u->from, sizeof( u->from ) );
	if ( !apppw_id_valid( u->id, strnlen( u->id, sizeof( u->id ) ) ) ||
			fromlen == sizeof( u->from ) ||
			( fromlen && apppw_from_check( u->from, fromlen ) ) ) {
		return -1;
	}
	/* "" for a time apppw_time_parse() would refuse */
	apppw_time_format( u->when, when );
	if ( when[0] == '\0' ) {
		return -1;
	}
	n = snprintf( out, outlen, "%s %s%s%s", u->id, when, fromlen ? " " : "",
		u->from );
	if ( n < 0 || (size_t)n >= outlen ) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}

static const char *const apppw_expiry_reasons[APPPW_EXPIRY_REASONS] = {
	[APPPW_EXPIRY_EXPIRES] = "expires",
	[APPPW_EXPIRY_MAX_AGE] = "max-age",
	[APPPW_EXPIRY_MAX_IDLE] = "max-idle",
};

const char *
apppw_expiry_reason_name( enum apppw_expiry_reason why )
{
	if ( (unsigned)why >= APPPW_EXPIRY_REASONS ) {
		return NULL;
	}
	return apppw_expiry_reasons[why];
}

int
apppw_expiry_parse( const char *v, size_t len, char id[APPPW_ID_LEN + 1],
	time_t *t, enum apppw_expiry_reason *why )
{
	/* "ID SP TIME" is an apppwLastUsed value without an address */
	const size_t head = APPPW_LASTUSED_LEN;
	apppw_lastuse u;
	unsigned r;

	if ( v != NULL && len > head + 1 && len <= APPPW_EXPIRY_LEN_MAX &&
			v[head] == ' ' &&
			apppw_lastused_parse( v, head, &u ) == 0 ) {
		for ( r = 0; r < APPPW_EXPIRY_REASONS; r++ ) {
			if ( strlen( apppw_expiry_reasons[r] ) == len - head - 1 &&
					memcmp( apppw_expiry_reasons[r], v + head + 1,
						len - head - 1 ) == 0 ) {
				memcpy( id, u.id, sizeof( u.id ) );
				*t = u.when;
				*why = (enum apppw_expiry_reason)r;
				return 0;
			}
		}
	}
	memset( id, 0, APPPW_ID_LEN + 1 );
	*t = 0;
	*why = APPPW_EXPIRY_EXPIRES;
	return -1;
}

int
apppw_expiry_format( const char id[APPPW_ID_LEN + 1], time_t t,
	enum apppw_expiry_reason why, char *out, size_t outlen )
{
	const char *name = apppw_expiry_reason_name( why );
	char head[APPPW_LASTUSED_MAX_LEN + 1];
	apppw_lastuse u = { .when = t };

	if ( outlen == 0 ) {
		return -1;
	}
	out[0] = '\0';
	if ( name == NULL || outlen <= APPPW_EXPIRY_LEN_MAX ||
			strnlen( id, APPPW_ID_LEN + 1 ) != APPPW_ID_LEN ) {
		return -1;
	}
	memcpy( u.id, id, sizeof( u.id ) );
	if ( apppw_lastused_format( &u, head, sizeof( head ) ) ) {
		return -1;
	}
	snprintf( out, outlen, "%s %s", head, name );
	return 0;
}

/* start + seconds, or 0 when time_t cannot hold it */
static time_t
apppw_time_after( time_t start, unsigned long seconds )
{
	if ( start < 0 || seconds > (uint64_t)( INT64_MAX - start ) ) {
		return 0;
	}
	return start + (time_t)seconds;
}

/* Take end as the deadline when it comes first. */
static void
apppw_earliest( time_t end, enum apppw_expiry_reason r, time_t *deadline,
	enum apppw_expiry_reason *why )
{
	if ( end != 0 && ( *deadline == 0 || end < *deadline ) ) {
		*deadline = end;
		*why = r;
	}
}

time_t
apppw_deadline( const apppw_record *r, time_t last_used, unsigned long max_age,
	unsigned long max_idle, enum apppw_expiry_reason *why )
{
	time_t deadline = 0, idle_since = r->created;

	apppw_earliest( r->expires, APPPW_EXPIRY_EXPIRES, &deadline, why );
	if ( max_age ) {
		apppw_earliest( apppw_time_after( r->created, max_age ),
			APPPW_EXPIRY_MAX_AGE, &deadline, why );
	}
	if ( max_idle ) {
		if ( last_used > idle_since ) {
			idle_since = last_used;
		}
		apppw_earliest( apppw_time_after( idle_since, max_idle ),
			APPPW_EXPIRY_MAX_IDLE, &deadline, why );
	}
	return deadline;
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
