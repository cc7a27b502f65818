/* apppw_create.h - the create extended operation's request and response
 *
 * One encoder and one decoder for each value described in apppw_proto.h,
 * shared by the overlay, the tool and the tests. liblber only.
 *
 * Decoders check the structure alone: the tags, their order, which fields
 * are there, and that nothing follows. What a field may hold (a label's
 * rules, a DN, a time) is the caller's to check, so that it can say which
 * field is wrong.
 */
#ifndef APPPW_CREATE_H
#define APPPW_CREATE_H

#include <lber.h>

#include "apppw_secret.h"

/* A field is absent when its bv_val is NULL. */
struct apppw_create_request {
	struct berval	target;		/* LDAPDN; absent: the bound identity */
	struct berval	label;		/* required */
	struct berval	expires;	/* GeneralizedTime */
	struct berval	scope;
};

/* The requestValue for req, which must have a label. Returns 0 and *out
 * (free it with ber_bvfree), or -1 with *out NULL. */
int apppw_create_request_encode( const struct apppw_create_request *req,
	struct berval **out );

/* Decode a requestValue. Returns 0 with the fields of *req pointing into
 * in, or -1 with every field absent. in is neither written nor read past
 * its bv_len (liblber's "m" would terminate each field in place, and its
 * skip reads the byte after the last element), so it may be decoded more
 * than once and needs no copy; the fields are not NUL-terminated. */
int apppw_create_request_decode( const struct berval *in,
	struct apppw_create_request *req );

/* The responseValue for a normalised password; its first APPPW_ID_LEN
 * symbols are the id. Returns 0 and *out (wipe it, then ber_bvfree it), or
 * -1 with *out NULL. No other copy of the password is left in memory. */
int apppw_create_response_encode( const char norm[APPPW_PASSWORD_LEN + 1],
	struct berval **out );

/* Decode a responseValue: 0 and the normalised password, which starts
 * with the id, or -1 with norm zeroed. in is not written. */
int apppw_create_response_decode( const struct berval *in,
	char norm[APPPW_PASSWORD_LEN + 1] );

#endif /* APPPW_CREATE_H */
