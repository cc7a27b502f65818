/* apppw_create.c - the create extended operation's request and response */

#include <string.h>

#include <lber.h>

#include "apppw_create.h"
#include "apppw_proto.h"
#include "apppw_secret.h"

/* The element at the start of *rest: its tag, its contents in *val, *rest
 * moved past it; LBER_DEFAULT when none is there or it is cut short.
 * Peeking from a BerElement made afresh reads no byte past rest, where
 * ber_skip_element() reads the byte after the element it skips. */
static ber_tag_t
next_element( struct berval *rest, struct berval *val )
{
	BerElement *ber;
	ber_tag_t tag;

	val->bv_val = NULL;
	val->bv_len = 0;
	if ( rest->bv_len == 0 || ( ber = ber_alloc_t( 0 ) ) == NULL ) {
		return LBER_DEFAULT;
	}
	ber_init2( ber, rest, 0 );
	tag = ber_peek_element( ber, val );
	ber_free( ber, 0 );
	if ( tag == LBER_DEFAULT ) {
		val->bv_val = NULL;
		val->bv_len = 0;
		return tag;
	}
	rest->bv_len -= val->bv_val + val->bv_len - rest->bv_val;
	rest->bv_val = val->bv_val + val->bv_len;
	return tag;
}

/* The contents of the SEQUENCE that must be all of in. */
static int
sequence_contents( const struct berval *in, struct berval *contents )
{
	struct berval rest;

	if ( in == NULL || in->bv_val == NULL ) {
		return -1;
	}
	rest = *in;
	if ( next_element( &rest, contents ) != LBER_SEQUENCE || rest.bv_len != 0 ) {
		return -1;
	}
	return 0;
}

/* Take the element at *rest into *field if its tag is tag: 1 taken, 0
 * another tag or none, -1 malformed. */
static int
take_field( struct berval *rest, ber_tag_t tag, struct berval *field )
{
	struct berval peek = *rest, val;
	ber_tag_t t;

	if ( rest->bv_len == 0 ) {
		return 0;
	}
	if ( ( t = next_element( &peek, &val ) ) == LBER_DEFAULT ) {
		return -1;
	}
	if ( t != tag ) {
		return 0;
	}
	*rest = peek;
	*field = val;
	return 1;
}

/* Flatten ber into *out, wiping ber's buffer before it is freed. */
static int
flatten( BerElement *ber, struct berval **out )
{
	struct berval flat;

	*out = NULL;
	if ( ber_flatten2( ber, &flat, 0 ) == 0 ) {
		*out = ber_bvdup( &flat );
		apppw_wipe( flat.bv_val, flat.bv_len );
	}
	ber_free( ber, 1 );
	return *out ? 0 : -1;
}

static int
put_field( BerElement *ber, ber_tag_t tag, const struct berval *field )
{
	if ( field->bv_val == NULL ) {
		return 0;
	}
	return ber_printf( ber, "tO", tag, field ) < 0 ? -1 : 0;
}

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
			put_field( ber, APPPW_TAG_TARGET, &req->target ) ||
			put_field( ber, APPPW_TAG_LABEL, &req->label ) ||
			put_field( ber, APPPW_TAG_EXPIRES, &req->expires ) ||
			put_field( ber, APPPW_TAG_SCOPE, &req->scope ) ||
			ber_printf( ber, "}" ) < 0 ) {
		ber_free( ber, 1 );
		return -1;
	}
	return flatten( ber, out );
}

int
apppw_create_request_decode( const struct berval *in,
	struct apppw_create_request *req )
{
	struct berval rest;

	memset( req, 0, sizeof( *req ) );
	if ( sequence_contents( in, &rest ) == 0 &&
			take_field( &rest, APPPW_TAG_TARGET, &req->target ) >= 0 &&
			take_field( &rest, APPPW_TAG_LABEL, &req->label ) == 1 &&
			take_field( &rest, APPPW_TAG_EXPIRES, &req->expires ) >= 0 &&
			take_field( &rest, APPPW_TAG_SCOPE, &req->scope ) >= 0 &&
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
	return flatten( ber, out );
}

int
apppw_create_response_decode( const struct berval *in,
	char norm[APPPW_PASSWORD_LEN + 1] )
{
	struct berval rest, id = { 0, NULL }, pw = { 0, NULL };

	/* the server sends the password normalised: anything else is not
	 * its answer */
	if ( sequence_contents( in, &rest ) == 0 &&
			take_field( &rest, APPPW_TAG_ID, &id ) == 1 &&
			take_field( &rest, APPPW_TAG_PASSWORD, &pw ) == 1 &&
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
