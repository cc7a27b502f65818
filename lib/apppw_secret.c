/* apppw_secret.c - app password generation, normalisation and hashing
 *
 * No slapd headers here: the overlay, the tool and the unit tests share it.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "apppw_secret.h"

/* Crockford's base32 in lowercase: no i, l, o, u, so nothing reads as
 * another symbol or spells a word by accident. */
static const char apppw_alphabet[32] = "0123456789abcdefghjkmnpqrstvwxyz";

/* Binds the hash to this scheme and version: the same password and salt
 * hashed for any other purpose give an unrelated value. */
static const unsigned char apppw_personal[crypto_generichash_blake2b_PERSONALBYTES] =
	"apppw-v1";

/* Key files are tiny; one byte more than the longest accepted form tells
 * a longer file from an accepted one. */
#define APPPW_KEY_FILE_MAX	( 2 * APPPW_KEY_LEN + 1 )

int
apppw_secret_init( void )
{
	/* 1 means another caller got there first, which is fine */
	return sodium_init() < 0 ? -1 : 0;
}

void
apppw_wipe( void *p, size_t len )
{
	if ( p != NULL && len > 0 ) {
		sodium_memzero( p, len );
	}
}

static void
apppw_random_symbols( char *out, size_t n )
{
	size_t i;

	for ( i = 0; i < n; i++ ) {
		out[i] = apppw_alphabet[randombytes_uniform( sizeof( apppw_alphabet ) )];
	}
	out[n] = '\0';
}

void
apppw_generate( char out[APPPW_PASSWORD_LEN + 1] )
{
	apppw_random_symbols( out, APPPW_PASSWORD_LEN );
}

void
apppw_generate_id( char out[APPPW_ID_LEN + 1] )
{
	apppw_random_symbols( out, APPPW_ID_LEN );
}

/* The canonical symbol for one input byte, or 0 when the byte cannot be
 * part of an app password. */
static char
apppw_fold( unsigned char c )
{
	if ( c >= 'A' && c <= 'Z' ) {
		c += 'a' - 'A';
	}
	switch ( c ) {
	case 'o':
		return '0';
	case 'i':
	case 'l':
		return '1';
	}
	if ( c != '\0' && memchr( apppw_alphabet, c, sizeof( apppw_alphabet ) ) != NULL ) {
		return (char)c;
	}
	return '\0';
}

static int
apppw_is_symbol( unsigned char c )
{
	return c != '\0' &&
		memchr( apppw_alphabet, c, sizeof( apppw_alphabet ) ) != NULL;
}

int
apppw_normalize( const char *in, size_t len, char out[APPPW_PASSWORD_LEN + 1] )
{
	size_t i, n = 0;
	char c;

	if ( in == NULL ) {
		goto fail;
	}
	for ( i = 0; i < len; i++ ) {
		/* people copy the display form, or type it with spaces */
		if ( in[i] == '-' || in[i] == ' ' || in[i] == '\t' ) {
			continue;
		}
		c = apppw_fold( (unsigned char)in[i] );
		/* stopping at the 21st symbol bounds the work on huge input */
		if ( c == '\0' || n == APPPW_PASSWORD_LEN ) {
			goto fail;
		}
		out[n++] = c;
	}
	if ( n != APPPW_PASSWORD_LEN ) {
		goto fail;
	}
	out[n] = '\0';
	return 0;

fail:
	sodium_memzero( out, APPPW_PASSWORD_LEN + 1 );
	return -1;
}

int
apppw_id_valid( const char *s, size_t len )
{
	size_t i;

	if ( s == NULL || len != APPPW_ID_LEN ) {
		return 0;
	}
	/* stored ids are canonical: no folding here */
	for ( i = 0; i < len; i++ ) {
		if ( !apppw_is_symbol( (unsigned char)s[i] ) ) {
			return 0;
		}
	}
	return 1;
}

void
apppw_display( const char norm[APPPW_PASSWORD_LEN + 1],
	char out[APPPW_DISPLAY_LEN + 1] )
{
	size_t i, o = 0;

	for ( i = 0; i < APPPW_PASSWORD_LEN; i++ ) {
		if ( i > 0 && i % 4 == 0 ) {
			out[o++] = '-';
		}
		out[o++] = norm[i];
	}
	out[o] = '\0';
}

void
apppw_salt( unsigned char salt[APPPW_SALT_LEN] )
{
	randombytes_buf( salt, APPPW_SALT_LEN );
}

/* 1 when norm is exactly what apppw_normalize() writes. */
static int
apppw_norm_valid( const char *norm )
{
	size_t i;

	for ( i = 0; i < APPPW_PASSWORD_LEN; i++ ) {
		if ( !apppw_is_symbol( (unsigned char)norm[i] ) ) {
			return 0;
		}
	}
	return norm[APPPW_PASSWORD_LEN] == '\0';
}

int
apppw_hash( const char norm[APPPW_PASSWORD_LEN + 1],
	const unsigned char salt[APPPW_SALT_LEN],
	const unsigned char *key,
	unsigned char out[APPPW_HASH_LEN] )
{
	/* hashing anything else would store a hash no bind can match */
	if ( norm == NULL || salt == NULL || !apppw_norm_valid( norm ) ) {
		goto fail;
	}
	if ( crypto_generichash_blake2b_salt_personal( out, APPPW_HASH_LEN,
			(const unsigned char *)norm, APPPW_PASSWORD_LEN,
			key, key != NULL ? APPPW_KEY_LEN : 0,
			salt, apppw_personal ) != 0 ) {
		goto fail;
	}
	return 0;

fail:
	sodium_memzero( out, APPPW_HASH_LEN );
	return -1;
}

int
apppw_verify( const char norm[APPPW_PASSWORD_LEN + 1],
	const unsigned char salt[APPPW_SALT_LEN],
	const unsigned char *key,
	const unsigned char expected[APPPW_HASH_LEN] )
{
	unsigned char got[APPPW_HASH_LEN];
	int rc = -1;

	if ( expected != NULL && apppw_hash( norm, salt, key, got ) == 0 &&
			sodium_memcmp( got, expected, APPPW_HASH_LEN ) == 0 ) {
		rc = 0;
	}
	sodium_memzero( got, sizeof( got ) );
	return rc;
}

/* Reads the whole of a small regular file into buf; the byte count, or -1
 * with *why set. */
static ssize_t
apppw_key_read( const char *path, unsigned char *buf, size_t buflen,
	const char **why )
{
	struct stat st;
	size_t got = 0;
	ssize_t n;
	int fd;

	/* O_NONBLOCK: a FIFO planted at the path must not hang slapd */
	fd = open( path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK );
	if ( fd < 0 ) {
		*why = errno == ENOENT ? "key file does not exist" :
			errno == EACCES ? "key file: permission denied" :
			"key file cannot be opened";
		return -1;
	}
	if ( fstat( fd, &st ) != 0 || !S_ISREG( st.st_mode ) ) {
		*why = "key file is not a regular file";
		close( fd );
		return -1;
	}
	while ( got < buflen ) {
		n = read( fd, buf + got, buflen - got );
		if ( n < 0 && errno == EINTR ) {
			continue;
		}
		if ( n < 0 ) {
			*why = "key file cannot be read";
			close( fd );
			return -1;
		}
		if ( n == 0 ) {
			break;
		}
		got += (size_t)n;
	}
	close( fd );
	return (ssize_t)got;
}

int
apppw_key_load( const char *path, unsigned char key[APPPW_KEY_LEN],
	const char **why )
{
	unsigned char buf[APPPW_KEY_FILE_MAX + 1];
	const char *dummy;
	size_t hexlen, binlen;
	ssize_t n;
	int rc = -1;

	if ( why == NULL ) {
		why = &dummy;
	}
	*why = NULL;
	if ( path == NULL || *path == '\0' ) {
		*why = "no key file given";
		goto done;
	}
	n = apppw_key_read( path, buf, sizeof( buf ), why );
	if ( n < 0 ) {
		goto done;
	}
	if ( n == APPPW_KEY_LEN ) {
		memcpy( key, buf, APPPW_KEY_LEN );
		rc = 0;
		goto done;
	}
	hexlen = (size_t)n;
	if ( hexlen == 2 * APPPW_KEY_LEN + 1 && buf[hexlen - 1] == '\n' ) {
		hexlen--;
	}
	if ( hexlen != 2 * APPPW_KEY_LEN ) {
		*why = "key file must hold exactly 32 raw bytes or 64 hex digits";
		goto done;
	}
	/* no hex_end pointer: sodium then insists that every digit is used */
	if ( sodium_hex2bin( key, APPPW_KEY_LEN, (const char *)buf, hexlen,
			NULL, &binlen, NULL ) != 0 || binlen != APPPW_KEY_LEN ) {
		*why = "key file holds a character that is not a hex digit";
		goto done;
	}
	rc = 0;

done:
	sodium_memzero( buf, sizeof( buf ) );
	if ( rc != 0 ) {
		sodium_memzero( key, APPPW_KEY_LEN );
	}
	return rc;
}
