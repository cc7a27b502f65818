/* apppw_totp.c - TOTP (RFC 6238) checks with replay refusal, via liboath
 *
 * liboath computes the codes; the window walk, the replay rule and the
 * constant-time comparison are ours, because oath_totp_validate() compares
 * with strcmp and cannot skip the steps already used.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <liboath/oath.h>
#include <sodium.h>

#include "apppw_totp.h"

int
apppw_totp_init( void )
{
	return oath_init() == OATH_OK ? 0 : -1;
}

int
apppw_totp_new( char *out, size_t outlen )
{
	unsigned char raw[APPPW_TOTP_SECRET_LEN];
	char *b32 = NULL;
	size_t b32alloc = 0, b32len;
	int rc = -1;

	if ( out == NULL || outlen == 0 ) {
		return -1;
	}
	randombytes_buf( raw, sizeof( raw ) );
	if ( oath_base32_encode( (const char *)raw, sizeof( raw ),
			&b32, &b32alloc ) != OATH_OK || b32 == NULL ) {
		goto done;
	}
	/* authenticator apps and oathtool take it without padding */
	b32len = b32alloc;
	while ( b32len > 0 && b32[b32len - 1] == '=' ) {
		b32len--;
	}
	if ( b32len == 0 || b32len >= outlen ) {
		goto done;
	}
	memcpy( out, b32, b32len );
	out[b32len] = '\0';
	rc = 0;

done:
	sodium_memzero( raw, sizeof( raw ) );
	if ( b32 != NULL ) {
		sodium_memzero( b32, b32alloc );
		free( b32 );
	}
	if ( rc != 0 ) {
		sodium_memzero( out, outlen );
	}
	return rc;
}

/* The secret's bytes in *key (malloc'd, to be wiped and freed with
 * apppw_totp_key_free()), or -1. An empty secret is no secret, and one
 * over the bound is refused before it is decoded: values stored before
 * the bound existed cost a bind no more than others. */
static int
apppw_totp_key( const char *secret_b32, size_t secret_len,
	char **key, size_t *keylen )
{
	*key = NULL;
	*keylen = 0;
	if ( secret_b32 == NULL || secret_len == 0 ||
			secret_len > APPPW_TOTP_SECRET_B32_MAX ||
			memchr( secret_b32, '\0', secret_len ) != NULL ) {
		return -1;
	}
	if ( oath_base32_decode( secret_b32, secret_len, key, keylen ) != OATH_OK ||
			*key == NULL || *keylen == 0 ) {
		if ( *key != NULL ) {
			sodium_memzero( *key, *keylen );
			free( *key );
		}
		*key = NULL;
		*keylen = 0;
		return -1;
	}
	return 0;
}

static void apppw_totp_key_free( char *key, size_t keylen );

enum apppw_totp_secret_error
apppw_totp_secret_check( const char *secret_b32, size_t secret_len )
{
	char *key;
	size_t keylen;

	if ( secret_len > APPPW_TOTP_SECRET_B32_MAX ) {
		return APPPW_TOTP_SECRET_TOO_LONG;
	}
	if ( secret_len < APPPW_TOTP_SECRET_B32_MIN ||
			apppw_totp_key( secret_b32, secret_len, &key, &keylen ) != 0 ) {
		return APPPW_TOTP_SECRET_MALFORMED;
	}
	apppw_totp_key_free( key, keylen );
	return keylen * 8 >= APPPW_TOTP_SECRET_B32_MIN * 5 ?
		APPPW_TOTP_SECRET_OK : APPPW_TOTP_SECRET_MALFORMED;
}

#define APPPW_STR_( x )	#x
#define APPPW_STR( x )	APPPW_STR_( x )

const char *
apppw_totp_secret_strerror( enum apppw_totp_secret_error e )
{
	switch ( e ) {
	case APPPW_TOTP_SECRET_OK:
		return "success";
	case APPPW_TOTP_SECRET_MALFORMED:
		return "apppwTOTPSecret must be base32 (RFC 4648) of at least "
			"80 bits (" APPPW_STR( APPPW_TOTP_SECRET_B32_MIN ) " symbols)";
	case APPPW_TOTP_SECRET_TOO_LONG:
		return "apppwTOTPSecret must be at most "
			APPPW_STR( APPPW_TOTP_SECRET_B32_MAX ) " base32 symbols";
	}
	return "unknown error";
}

static void
apppw_totp_key_free( char *key, size_t keylen )
{
	if ( key != NULL ) {
		sodium_memzero( key, keylen );
		free( key );
	}
}

static int
apppw_totp_params_ok( unsigned step, unsigned digits )
{
	return step > 0 && digits >= APPPW_TOTP_DIGITS_MIN &&
		digits <= APPPW_TOTP_DIGITS_MAX;
}

int
apppw_totp_check( const char *secret_b32, size_t secret_len,
	const char *code, size_t code_len,
	time_t now, unsigned step, unsigned digits, unsigned window,
	int64_t last_step, int64_t *matched )
{
	char cand[APPPW_TOTP_DIGITS_MAX + 1];
	char *key = NULL;
	size_t keylen = 0, i;
	int64_t cur, lo, hi, s, found = -1;

	if ( matched != NULL ) {
		*matched = -1;
	}
	if ( matched == NULL || code == NULL || now < 0 ||
			!apppw_totp_params_ok( step, digits ) || code_len != digits ||
			window > APPPW_TOTP_WINDOW_MAX ) {
		return -1;
	}
	for ( i = 0; i < code_len; i++ ) {
		if ( code[i] < '0' || code[i] > '9' ) {
			return -1;
		}
	}

	cur = (int64_t)now / step;
	lo = cur > (int64_t)window ? cur - (int64_t)window : 0;
	/* the window must not run past what time_t can express */
	if ( cur > INT64_MAX / (int64_t)step - (int64_t)window ) {
		return -1;
	}
	hi = cur + (int64_t)window;
	/* steps already used are never accepted again: replay refusal */
	if ( last_step >= lo ) {
		if ( last_step >= hi ) {
			return -1;
		}
		lo = last_step + 1;
	}

	if ( apppw_totp_key( secret_b32, secret_len, &key, &keylen ) != 0 ) {
		return -1;
	}
	/* every step of the window costs the same, match or not; the oldest
	 * match wins so that a later code stays usable */
	for ( s = lo; s <= hi; s++ ) {
		if ( oath_totp_generate2( key, keylen, (time_t)( s * step ), step,
				OATH_TOTP_DEFAULT_START_TIME, digits, 0, cand ) != OATH_OK ) {
			found = -1;
			break;
		}
		if ( sodium_memcmp( cand, code, digits ) == 0 && found < 0 ) {
			found = s;
		}
	}
	sodium_memzero( cand, sizeof( cand ) );
	apppw_totp_key_free( key, keylen );
	if ( found < 0 ) {
		return -1;
	}
	*matched = found;
	return 0;
}

int
apppw_totp_code( const char *secret_b32, size_t secret_len,
	time_t now, unsigned step, unsigned digits, char *out, size_t outlen )
{
	char *key = NULL;
	size_t keylen = 0;
	int rc = -1;

	if ( out == NULL || outlen == 0 ) {
		return -1;
	}
	if ( now < 0 || !apppw_totp_params_ok( step, digits ) || outlen <= digits ||
			apppw_totp_key( secret_b32, secret_len, &key, &keylen ) != 0 ) {
		goto done;
	}
	if ( oath_totp_generate2( key, keylen, now, step,
			OATH_TOTP_DEFAULT_START_TIME, digits, 0, out ) == OATH_OK ) {
		rc = 0;
	}
	apppw_totp_key_free( key, keylen );

done:
	if ( rc != 0 ) {
		memset( out, 0, outlen );
	}
	return rc;
}
