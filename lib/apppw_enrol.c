/* apppw_enrol.c - the enrol extended operation's request and response */

#include <string.h>

#include <lber.h>

#include "apppw_ber.h"
#include "apppw_enrol.h"
#include "apppw_proto.h"
#include "apppw_recovery.h"
#include "apppw_secret.h"
#include "apppw_state.h"

int
apppw_enrol_request_encode( const struct apppw_enrol_request *req,
	struct berval **out )
{
	BerElement *ber;

	*out = NULL;
	if ( req->dn.bv_val == NULL || req->password.bv_val == NULL ||
			req->secret.bv_val == NULL || req->code.bv_val == NULL ||
			( ber = ber_alloc_t( LBER_USE_DER ) ) == NULL ) {
		return -1;
	}
	if ( ber_printf( ber, "{" ) < 0 ||
			apppw_ber_put( ber, APPPW_TAG_ENROL_DN, &req->dn ) ||
			apppw_ber_put( ber, APPPW_TAG_ENROL_PASSWORD, &req->password ) ||
			apppw_ber_put( ber, APPPW_TAG_ENROL_SECRET, &req->secret ) ||
			apppw_ber_put( ber, APPPW_TAG_ENROL_CODE, &req->code ) ||
			ber_printf( ber, "}" ) < 0 ) {
		apppw_ber_abandon( ber );
		return -1;
	}
	return apppw_ber_flatten( ber, out );
}

int
apppw_enrol_request_decode( const struct berval *in,
	struct apppw_enrol_request *req )
{
	struct berval rest;

	memset( req, 0, sizeof( *req ) );
	if ( apppw_ber_sequence( in, &rest ) == 0 &&
			apppw_ber_take( &rest, APPPW_TAG_ENROL_DN, &req->dn ) == 1 &&
			apppw_ber_take( &rest, APPPW_TAG_ENROL_PASSWORD, &req->password ) == 1 &&
			apppw_ber_take( &rest, APPPW_TAG_ENROL_SECRET, &req->secret ) == 1 &&
			apppw_ber_take( &rest, APPPW_TAG_ENROL_CODE, &req->code ) == 1 &&
			rest.bv_len == 0 ) {
		return 0;
	}
	memset( req, 0, sizeof( *req ) );
	return -1;
}

int
apppw_enrol_response_encode( time_t step_start,
	const struct apppw_recovery_set *set, struct berval **out )
{
	char v[APPPW_LASTSTEP_MAX_LEN + 1];
	struct berval step;
	BerElement *ber;

	*out = NULL;
	if ( apppw_laststep_format( step_start, v, sizeof( v ) ) ||
			( ber = ber_alloc_t( LBER_USE_DER ) ) == NULL ) {
		return -1;
	}
	ber_str2bv( v, 0, 0, &step );
	if ( ber_printf( ber, "{tO", APPPW_TAG_ENROL_STEP, &step ) < 0 ||
			apppw_recovery_codes_put( ber, set ) ||
			ber_printf( ber, "}" ) < 0 ) {
		apppw_ber_abandon( ber );
		return -1;
	}
	return apppw_ber_flatten( ber, out );
}

int
apppw_enrol_response_decode( const struct berval *in, time_t *step_start,
	struct apppw_recovery_codes *codes )
{
	struct berval rest, step = { 0, NULL };

	if ( apppw_ber_sequence( in, &rest ) == 0 &&
			apppw_ber_take( &rest, APPPW_TAG_ENROL_STEP, &step ) == 1 &&
			apppw_recovery_codes_take( &rest, codes ) == 0 &&
			rest.bv_len == 0 &&
			apppw_laststep_parse( step.bv_val, step.bv_len, step_start ) == 0 ) {
		return 0;
	}
	*step_start = 0;
	memset( codes, 0, sizeof( *codes ) );
	return -1;
}
