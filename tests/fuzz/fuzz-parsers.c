/* fuzz-parsers.c - libFuzzer target for every parser of the library
 *
 * The first byte picks the parser, the rest is its input: the values that
 * come from the directory, administrators and clients (records, requests,
 * labels, scopes, times, last use and last step, TOTP secrets, typed app
 * passwords, the create and enrol operations' BER). Under AddressSanitizer and
 * UndefinedBehaviorSanitizer, a parser that reads out of bounds, or
 * accepts a value its formatter would not write back, stops the run.
 * make fuzz builds and runs it from the seeds in tests/fuzz/corpus/
 * (FUZZ_SECONDS=N for longer).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "apppw_create.h"
#include "apppw_enrol.h"
#include "apppw_label.h"
#include "apppw_record.h"
#include "apppw_recovery.h"
#include "apppw_secret.h"
#include "apppw_state.h"
#include "apppw_time.h"
#include "apppw_totp.h"

/* a parsed record, an app password's or a recovery code's, formats back
 * to the very bytes it came from */
static void
record( const char *s, size_t len )
{
	char out[APPPW_RECORD_MAX];
	apppw_record r;
	apppw_recovery rc;
	int n;

	if ( apppw_record_parse( s, len, &r ) == APPPW_REC_OK ) {
		n = apppw_record_format( &r, out, sizeof( out ) );
		if ( n < 0 || (size_t)n != len || memcmp( out, s, len ) ) {
			abort();
		}
	}
	if ( apppw_recovery_parse( s, len, &rc ) == APPPW_REC_OK ) {
		n = apppw_recovery_format( &rc, out, sizeof( out ) );
		if ( n < 0 || (size_t)n != len || memcmp( out, s, len ) ) {
			abort();
		}
	}
}

static void
request( const char *s, size_t len )
{
	char pw[APPPW_PASSWORD_LEN + 1];
	apppw_record r;

	if ( apppw_request_parse( s, len, &r, pw ) == APPPW_REC_OK &&
			( strlen( pw ) != APPPW_PASSWORD_LEN ||
			apppw_label_check( r.label, strlen( r.label ) ) != APPPW_REC_OK ) ) {
		abort();
	}
	(void)apppw_value_is_request( s, len );
}

static void
lastused( const char *s, size_t len )
{
	char out[APPPW_LASTUSED_MAX_LEN + 1];
	apppw_lastuse u;

	if ( apppw_lastused_parse( s, len, &u ) == 0 &&
			( apppw_lastused_format( &u, out, sizeof( out ) ) != 0 ||
			strlen( out ) != len || memcmp( out, s, len ) ) ) {
		abort();
	}
}

static void
expiry( const char *s, size_t len )
{
	char id[APPPW_ID_LEN + 1], out[APPPW_EXPIRY_LEN_MAX + 1];
	enum apppw_expiry_reason why;
	time_t t;

	if ( apppw_expiry_parse( s, len, id, &t, &why ) == 0 &&
			( apppw_expiry_format( id, t, why, out, sizeof( out ) ) != 0 ||
			strlen( out ) != len || memcmp( out, s, len ) ) ) {
		abort();
	}
}

static void
laststep( const char *s, size_t len )
{
	char out[APPPW_LASTSTEP_MAX_LEN + 1];
	time_t t;

	if ( apppw_laststep_parse( s, len, &t ) == 0 &&
			( apppw_laststep_format( t, out, sizeof( out ) ) != 0 ||
			strlen( out ) != len || memcmp( out, s, len ) ) ) {
		abort();
	}
}

static void
gentime( const char *s, size_t len )
{
	char out[APPPW_TIME_LEN + 1];
	time_t t;

	if ( apppw_time_parse( s, len, &t ) == 0 ) {
		apppw_time_format( t, out );
		if ( strlen( out ) != len || memcmp( out, s, len ) ) {
			abort();
		}
	}
}

static void
create_ber( const char *s, size_t len )
{
	struct berval in = { len, (char *)s }, *again = NULL;
	struct apppw_create_request req;
	char norm[APPPW_PASSWORD_LEN + 1];

	if ( apppw_create_request_decode( &in, &req ) == 0 && req.label.bv_val &&
			apppw_create_request_encode( &req, &again ) != 0 ) {
		abort();
	}
	ber_bvfree( again );
	(void)apppw_create_response_decode( &in, norm );
}

/* Decoded codes lie within the input, at most APPPW_RECOVERY_CODES. */
static void
codes_within( const struct apppw_recovery_codes *codes, const char *s, size_t len )
{
	int i;

	if ( codes->n < 1 || codes->n > APPPW_RECOVERY_CODES ) {
		abort();
	}
	for ( i = 0; i < codes->n; i++ ) {
		if ( codes->code[i].bv_val < s || codes->code[i].bv_len > len ||
				codes->code[i].bv_val + codes->code[i].bv_len > s + len ) {
			abort();
		}
	}
}

/* a decoded enrol request encodes again; a decoded response's step
 * encodes to a value that decodes to the same step (BER allows more than
 * one encoding of one value: a long-form length, for one), with its codes
 * inside the input; so are a recovery response's */
static void
enrol_ber( const char *s, size_t len )
{
	static const struct apppw_recovery_set set = { { "0" } };
	struct berval in = { len, (char *)s }, *again = NULL, target;
	struct apppw_enrol_request req;
	struct apppw_recovery_codes codes, back_codes;
	time_t step, back;

	if ( apppw_enrol_request_decode( &in, &req ) == 0 &&
			apppw_enrol_request_encode( &req, &again ) != 0 ) {
		abort();
	}
	ber_bvfree( again );
	again = NULL;
	if ( apppw_enrol_response_decode( &in, &step, &codes ) == 0 ) {
		codes_within( &codes, s, len );
		if ( apppw_enrol_response_encode( step, &set, &again ) != 0 ||
				apppw_enrol_response_decode( again, &back, &back_codes ) != 0 ||
				back != step ) {
			abort();
		}
	}
	ber_bvfree( again );
	if ( apppw_recovery_response_decode( &in, &codes ) == 0 ) {
		codes_within( &codes, s, len );
	}
	if ( apppw_recovery_request_decode( &in, &target ) == 0 &&
			target.bv_val != NULL && ( target.bv_val < s ||
			target.bv_val + target.bv_len > s + len ) ) {
		abort();
	}
}

static void
typed( const char *s, size_t len )
{
	char norm[APPPW_PASSWORD_LEN + 1];

	if ( apppw_normalize( s, len, norm ) == 0 && !apppw_id_valid( norm, APPPW_ID_LEN ) ) {
		abort();
	}
	(void)apppw_totp_secret_check( s, len );
	(void)apppw_scope_check( s, len );
	(void)apppw_label_check( s, len );
}

int
LLVMFuzzerTestOneInput( const uint8_t *data, size_t size )
{
	static void (*const parsers[])( const char *, size_t ) = {
		record, request, lastused, laststep, gentime, create_ber, typed,
		expiry, enrol_ber
	};
	char *copy;

	if ( size < 1 ) {
		return 0;
	}
	/* an exact-size copy, so that a read past the input is caught */
	copy = malloc( size - 1 ? size - 1 : 1 );
	memcpy( copy, data + 1, size - 1 );
	parsers[data[0] % ( sizeof( parsers ) / sizeof( parsers[0] ) )]( copy, size - 1 );
	free( copy );
	return 0;
}
