/* apppw_recovery.c - recovery codes, and the extended operation that
 * makes them */

#include <string.h>

#include <lber.h>

#include "apppw_ber.h"
#include "apppw_proto.h"
#include "apppw_recovery.h"

int
apppw_recovery_make( const unsigned char *key, time_t now,
	struct apppw_recovery_set *set,
	apppw_recovery rec[APPPW_RECOVERY_CODES] )
{
	char norm[APPPW_PASSWORD_LEN + 1];
	int i, j, rc = 0;

	for ( i = 0; i < APPPW_RECOVERY_CODES && rc == 0; i++ ) {
		/* a repeated id would hide one code behind the other */
		do {
			apppw_generate( norm );
			for ( j = 0; j < i &&
					memcmp( rec[j].id, norm, APPPW_ID_LEN ) != 0; j++ )
				;
		} while ( j < i );
		memset( &rec[i], 0, sizeof( rec[i] ) );
		memcpy( rec[i].id, norm, APPPW_ID_LEN );
		rec[i].created = now;
		rec[i].keyed = key != NULL;
		apppw_salt( rec[i].salt );
		rc = apppw_hash( norm, rec[i].salt, key, rec[i].hash );
		apppw_display( norm, set->code[i] );
	}
	apppw_wipe( norm, sizeof( norm ) );
	if ( rc != 0 ) {
		apppw_wipe( set, sizeof( *set ) );
		apppw_wipe( rec, sizeof( *rec ) * APPPW_RECOVERY_CODES );
	}
	return rc;
}

int
apppw_recovery_verify( const char norm[APPPW_PASSWORD_LEN + 1],
	const apppw_recovery *rec, const unsigned char *key )
{
	/* a keyed hash cannot be checked without the key it was made with */
	if ( rec->keyed && key == NULL ) {
		return -1;
	}
	return apppw_verify( norm, rec->salt, rec->keyed ? key : NULL, rec->hash );
}

int
apppw_recovery_codes_put( BerElement *ber, const struct apppw_recovery_set *set )
{
	struct berval code;
	int i;

	if ( ber_printf( ber, "t{", APPPW_TAG_RECOVERY_CODES ) < 0 ) {
		return -1;
	}
	for ( i = 0; i < APPPW_RECOVERY_CODES; i++ ) {
		ber_str2bv( set->code[i], 0, 0, &code );
		if ( ber_printf( ber, "O", &code ) < 0 ) {
			return -1;
		}
	}
	return ber_printf( ber, "}" ) < 0 ? -1 : 0;
}

int
apppw_recovery_codes_take( struct berval *rest, struct apppw_recovery_codes *codes )
{
	struct berval seq;

	memset( codes, 0, sizeof( *codes ) );
	if ( apppw_ber_take( rest, APPPW_TAG_RECOVERY_CODES, &seq ) != 1 ) {
		return -1;
	}
	while ( seq.bv_len > 0 ) {
		if ( codes->n == APPPW_RECOVERY_CODES || apppw_ber_take( &seq,
				LBER_OCTETSTRING, &codes->code[codes->n] ) != 1 ) {
			memset( codes, 0, sizeof( *codes ) );
			return -1;
		}
		codes->n++;
	}
	if ( codes->n == 0 ) {
		return -1;
	}
	return 0;
}

int
apppw_recovery_request_encode( const struct berval *target, struct berval **out )
{
	BerElement *ber;

	*out = NULL;
	if ( ( ber = ber_alloc_t( LBER_USE_DER ) ) == NULL ) {
		return -1;
	}
	if ( ber_printf( ber, "{" ) < 0 || ( target != NULL &&
			apppw_ber_put( ber, APPPW_TAG_TARGET, target ) ) ||
			ber_printf( ber, "}" ) < 0 ) {
		ber_free( ber, 1 );
		return -1;
	}
	return apppw_ber_flatten( ber, out );
}

int
apppw_recovery_request_decode( const struct berval *in, struct berval *target )
{
	struct berval rest;

	target->bv_val = NULL;
	target->bv_len = 0;
	if ( in == NULL ) {
		return 0;
	}
	if ( apppw_ber_sequence( in, &rest ) == 0 &&
			apppw_ber_take( &rest, APPPW_TAG_TARGET, target ) >= 0 &&
			rest.bv_len == 0 ) {
		return 0;
	}
	target->bv_val = NULL;
	target->bv_len = 0;
	return -1;
}

int
apppw_recovery_response_encode( const struct apppw_recovery_set *set,
	struct berval **out )
{
	BerElement *ber;

	*out = NULL;
	if ( ( ber = ber_alloc_t( LBER_USE_DER ) ) == NULL ) {
		return -1;
	}
	if ( ber_printf( ber, "{" ) < 0 || apppw_recovery_codes_put( ber, set ) ||
			ber_printf( ber, "}" ) < 0 ) {
		apppw_ber_abandon( ber );
		return -1;
	}
	return apppw_ber_flatten( ber, out );
}

int
apppw_recovery_response_decode( const struct berval *in,
	struct apppw_recovery_codes *codes )
{
	struct berval rest;

	if ( apppw_ber_sequence( in, &rest ) == 0 &&
			apppw_recovery_codes_take( &rest, codes ) == 0 &&
			rest.bv_len == 0 ) {
		return 0;
	}
	memset( codes, 0, sizeof( *codes ) );
	return -1;
}
