/* apppw_create.c - the create extended operation's request and response */

#include <string.h>

#include <lber.h>

#include "apppw_ber.h"
#include "apppw_create.h"
#include "apppw_proto.h"
#include "apppw_secret.h"

int
apppw_create_request_encode( const struct apppw_create_request *req,
	struct berval **out )
{
	BerElement *ber;

	*out = NULL;
	if ( req->label.bv_val == NULL ||
			( ber = ber_alloc_t( LBER_USE_DER ) ) == NULL ) {
		return -1;
	}
	if ( ber_printf( ber, "{" ) < 0 ||
			apppw_ber_put( ber, APPPW_TAG_TARGET, &req->target ) ||
			apppw_ber_put( ber, APPPW_TAG_LABEL, &req->label ) ||
			apppw_ber_put( ber, APPPW_TAG_EXPIRES, &req->expires ) ||
			apppw_ber_put( ber, APPPW_TAG_SCOPE, &req->scope ) ||
			ber_printf( ber, "}" ) < 0 ) {
		ber_free( ber, 1 );
		return -1;
	}
	return apppw_ber_flatten( ber, out );
}

int
apppw_create_request_decode( const struct berval *in,
	struct apppw_create_request *req )
{
	struct berval rest;

	memset( req, 0, sizeof( *req ) );
	if ( apppw_ber_sequence( in, &rest ) == 0 &&
			apppw_ber_take( &rest, APPPW_TAG_TARGET, &req->target ) >= 0 &&
			apppw_ber_take( &rest, APPPW_TAG_LABEL, &req->label ) == 1 &&
			apppw_ber_take( &rest, APPPW_TAG_EXPIRES, &req->expires ) >= 0 &&
			apppw_ber_take( &rest, APPPW_TAG_SCOPE, &req->scope ) >= 0 &&
			rest.bv_len == 0 ) {
		return 0;
	}
	memset( req, 0, sizeof( *req ) );
	return -1;
}

int
apppw_create_response_encode( const char norm[APPPW_PASSWORD_LEN + 1],
	struct berval **out )
{
	struct berval id = { APPPW_ID_LEN, (char *)norm },
		pw = { APPPW_PASSWORD_LEN, (char *)norm };
	BerElement *ber;

	*out = NULL;
	if ( ( ber = ber_alloc_t( LBER_USE_DER ) ) == NULL ) {
		return -1;
	}
	if ( ber_printf( ber, "{tOtO}", APPPW_TAG_ID, &id,
			APPPW_TAG_PASSWORD, &pw ) < 0 ) {
		ber_free( ber, 1 );
		return -1;
	}
	return apppw_ber_flatten( ber, out );
}

int
apppw_create_response_decode( const struct berval *in,
	char norm[APPPW_PASSWORD_LEN + 1] )
{
	struct berval rest, id = { 0, NULL }, pw = { 0, NULL };

	/* the server sends the password normalised: anything else is not
	 * its answer */
	if ( apppw_ber_sequence( in, &rest ) == 0 &&
			apppw_ber_take( &rest, APPPW_TAG_ID, &id ) == 1 &&
			apppw_ber_take( &rest, APPPW_TAG_PASSWORD, &pw ) == 1 &&
			rest.bv_len == 0 &&
			pw.bv_len == APPPW_PASSWORD_LEN &&
			apppw_normalize( pw.bv_val, pw.bv_len, norm ) == 0 &&
			memcmp( norm, pw.bv_val, APPPW_PASSWORD_LEN ) == 0 &&
			id.bv_len == APPPW_ID_LEN &&
			memcmp( id.bv_val, norm, APPPW_ID_LEN ) == 0 ) {
		return 0;
	}
	apppw_wipe( norm, APPPW_PASSWORD_LEN + 1 );
	return -1;
}
