/* apppw_recovery.h - recovery codes, and the extended operation that
 * makes them
 *
 * A recovery code stands in for the TOTP code once, after the password,
 * so that whoever lost the authenticator can sign in and enrol a new one.
 * The server makes them, APPPW_RECOVERY_CODES at a time: at enrolment and
 * on request from a session signed in with the password and a code. A
 * code has an app password's form (apppw_secret.h: 20 symbols, the first
 * four its id) and is stored as its record (apppw_record.h) in
 * apppwRecoveryCode, one value a code, deleted when it is used.
 *
 * The codecs below follow apppw_create.h: decoders check the structure
 * alone and leave fields pointing into their input; encoders wipe
 * liblber's buffers, which held the codes.
 */
#ifndef APPPW_RECOVERY_H
#define APPPW_RECOVERY_H

#include <time.h>

#include <lber.h>

#include "apppw_record.h"
#include "apppw_secret.h"

#define APPPW_RECOVERY_CODES	10

/* A new set, in display form ("abcd-efgh-jkmn-pqrs-tvwx"). */
struct apppw_recovery_set {
	char	code[APPPW_RECOVERY_CODES][APPPW_DISPLAY_LEN + 1];
};

/* A set as decoded: n codes, pointing into the input. */
struct apppw_recovery_codes {
	int		n;
	struct berval	code[APPPW_RECOVERY_CODES];
};

/* A new set and its records, hashed with key (NULL: unkeyed), created at
 * now; the ids differ from each other. 0, or -1 with both wiped. */
int apppw_recovery_make( const unsigned char *key, time_t now,
	struct apppw_recovery_set *set,
	apppw_recovery rec[APPPW_RECOVERY_CODES] );

/* Whether a normalised code matches a record, in constant time. 0 or -1. */
int apppw_recovery_verify( const char norm[APPPW_PASSWORD_LEN + 1],
	const apppw_recovery *rec, const unsigned char *key );

/* The set as "codes [1] SEQUENCE OF OCTET STRING" into ber, which the
 * caller has opened a SEQUENCE in. 0 or -1. */
int apppw_recovery_codes_put( BerElement *ber,
	const struct apppw_recovery_set *set );

/* Take "codes [1] ..." from *rest: 1 to APPPW_RECOVERY_CODES codes. 0 or
 * -1 with codes->n 0. */
int apppw_recovery_codes_take( struct berval *rest,
	struct apppw_recovery_codes *codes );

/* The "make new recovery codes" request: see apppw_proto.h. target NULL
 * (or its bv_val NULL): the bound identity. 0 and *out (free with
 * ber_bvfree), or -1. */
int apppw_recovery_request_encode( const struct berval *target,
	struct berval **out );

/* Decode a requestValue; in NULL (no value) is the bound identity's.
 * 0 and target (bv_val NULL when absent), or -1. */
int apppw_recovery_request_decode( const struct berval *in,
	struct berval *target );

/* The response: 0 and *out (wipe, then ber_bvfree it), or -1. */
int apppw_recovery_response_encode( const struct apppw_recovery_set *set,
	struct berval **out );

/* Decode a response: 0, or -1 with codes->n 0. */
int apppw_recovery_response_decode( const struct berval *in,
	struct apppw_recovery_codes *codes );

#endif /* APPPW_RECOVERY_H */
