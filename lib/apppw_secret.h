/* apppw_secret.h - app password generation, normalisation and hashing
 *
 * An app password is 20 symbols of lowercase Crockford base32
 * ("0123456789abcdefghjkmnpqrstvwxyz": no i, l, o, u), shown in five groups
 * of four: "k7fq-2m9x-...". The first group is the record's id, a selector
 * that is not secret: it lets the bind hook find the one record to check.
 * The other sixteen symbols are the secret, 80 bits from randombytes.
 *
 * Input is accepted in any case, with or without '-' and spaces, and with
 * the look-alikes o -> 0, i and l -> 1 folded as Crockford prescribes.
 *
 * The stored hash is BLAKE2b-256 over the normalised password, with a
 * per-record 16-byte salt, a fixed personalisation, and optionally the
 * server's 32-byte key.
 */
#ifndef APPPW_SECRET_H
#define APPPW_SECRET_H

#include <stddef.h>

#define APPPW_ID_LEN		4
#define APPPW_SECRET_LEN	16
#define APPPW_PASSWORD_LEN	(APPPW_ID_LEN + APPPW_SECRET_LEN)
/* five groups of four separated by '-' */
#define APPPW_DISPLAY_LEN	(APPPW_PASSWORD_LEN + APPPW_PASSWORD_LEN / 4 - 1)
#define APPPW_SALT_LEN		16
#define APPPW_HASH_LEN		32
#define APPPW_KEY_LEN		32

/* Call once before any other function: initialises libsodium. 0 or -1. */
int apppw_secret_init( void );

/* A fresh normalised password: APPPW_PASSWORD_LEN symbols and a NUL. */
void apppw_generate( char out[APPPW_PASSWORD_LEN + 1] );

/* A fresh random id, for records whose id is not derived from a password. */
void apppw_generate_id( char out[APPPW_ID_LEN + 1] );

/* Normalise user input of len bytes (NULs included). Returns 0 when it is
 * exactly one app password; otherwise -1 and out is zeroed. */
int apppw_normalize( const char *in, size_t len,
	char out[APPPW_PASSWORD_LEN + 1] );

/* 1 if s (len bytes) is exactly APPPW_ID_LEN alphabet symbols, else 0. */
int apppw_id_valid( const char *s, size_t len );

/* "abcd-efgh-jkmn-pqrs-tvwx" from a normalised password. */
void apppw_display( const char norm[APPPW_PASSWORD_LEN + 1],
	char out[APPPW_DISPLAY_LEN + 1] );

/* A fresh salt from randombytes. */
void apppw_salt( unsigned char salt[APPPW_SALT_LEN] );

/* Hash a normalised password; key may be NULL. 0, or -1 with out zeroed. */
int apppw_hash( const char norm[APPPW_PASSWORD_LEN + 1],
	const unsigned char salt[APPPW_SALT_LEN],
	const unsigned char *key,
	unsigned char out[APPPW_HASH_LEN] );

/* Constant-time check of a normalised password against a stored hash.
 * 0 on match, -1 otherwise. */
int apppw_verify( const char norm[APPPW_PASSWORD_LEN + 1],
	const unsigned char salt[APPPW_SALT_LEN],
	const unsigned char *key,
	const unsigned char expected[APPPW_HASH_LEN] );

/* Read a server key file: exactly APPPW_KEY_LEN raw bytes, or 64 hex digits
 * and an optional newline. 0, or -1 with errno-like detail in *why and key
 * zeroed. */
int apppw_key_load( const char *path, unsigned char key[APPPW_KEY_LEN],
	const char **why );

/* Wipe a buffer that held a secret. */
void apppw_wipe( void *p, size_t len );

#endif /* APPPW_SECRET_H */
