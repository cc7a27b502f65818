/* apppw_enrol.h - the enrol extended operation's request and response
 *
 * One encoder and one decoder for each value described in apppw_proto.h,
 * shared by the overlay, the tool and the tests. liblber only. As in
 * apppw_create.h, decoders check the structure alone (every field is
 * required here), leave the fields pointing into their input, unterminated,
 * and never write to it; what a field may hold is the caller's to check.
 */
#ifndef APPPW_ENROL_H
#define APPPW_ENROL_H

#include <time.h>

#include <lber.h>

#include "apppw_recovery.h"

struct apppw_enrol_request {
	struct berval	dn;
	struct berval	password;	/* secret */
	struct berval	secret;		/* secret: the new TOTP secret */
	struct berval	code;
};

/* The requestValue for req, whose every field must be present. Returns 0
 * and *out (it holds the password and the secret: wipe it, then
 * ber_bvfree it), or -1 with *out NULL. */
int apppw_enrol_request_encode( const struct apppw_enrol_request *req,
	struct berval **out );

/* Decode a requestValue: 0, or -1 with every field absent. */
int apppw_enrol_request_decode( const struct berval *in,
	struct apppw_enrol_request *req );

/* The responseValue for a code's step, given by its start time, and the
 * entry's first recovery codes. 0 and *out (it holds the codes: wipe it,
 * then ber_bvfree it), or -1 with *out NULL. */
int apppw_enrol_response_encode( time_t step_start,
	const struct apppw_recovery_set *set, struct berval **out );

/* Decode a responseValue: 0, *step_start and *codes, or -1. */
int apppw_enrol_response_decode( const struct berval *in, time_t *step_start,
	struct apppw_recovery_codes *codes );

#endif /* APPPW_ENROL_H */
