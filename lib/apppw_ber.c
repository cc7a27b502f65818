/* apppw_ber.c - the BER pieces the extended operations' codecs share */

#include <string.h>

#include <lber.h>

#include "apppw_ber.h"
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

/* see apppw_ber.h */
int
apppw_ber_sequence( const struct berval *in, struct berval *contents )
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
int
apppw_ber_take( struct berval *rest, ber_tag_t tag, struct berval *field )
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
int
apppw_ber_flatten( BerElement *ber, struct berval **out )
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

void
apppw_ber_abandon( BerElement *ber )
{
	struct berval *flat;

	if ( apppw_ber_flatten( ber, &flat ) == 0 ) {
		apppw_wipe( flat->bv_val, flat->bv_len );
		ber_bvfree( flat );
	}
}

int
apppw_ber_put( BerElement *ber, ber_tag_t tag, const struct berval *field )
{
	if ( field->bv_val == NULL ) {
		return 0;
	}
	return ber_printf( ber, "tO", tag, field ) < 0 ? -1 : 0;
}

