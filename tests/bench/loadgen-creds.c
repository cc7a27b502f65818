/* loadgen-creds.c - the users, and what each bind sends
 *
 * The credentials file is gendata's: one line per user, tab-separated,
 * DN, password, one of its app passwords or "-", TOTP secret in base32 or
 * "-". The wrong app passwords and codes that some modes send are made
 * from the right ones, each wrong in the one way its mode is about.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <liboath/oath.h>

#include "loadgen.h"

#define CROCKFORD	"0123456789abcdefghjkmnpqrstvwxyz"

struct user *users;
size_t nusers;

static void
bv_set( struct berval *bv, const char *s )
{
	bv->bv_len = strlen( s );
	bv->bv_val = xmalloc( bv->bv_len + 1 );
	memcpy( bv->bv_val, s, bv->bv_len + 1 );
}

/* A wrong app password that keeps the record's id, so the server finds
 * the record and must run the hash check: every secret symbol is moved
 * to the next one of the alphabet, which can never give the right one. */
static void
make_bad_apppw( const struct berval *good, struct berval *bad )
{
	size_t i, symbols = 0;

	bv_set( bad, good->bv_val );
	for ( i = 0; i < bad->bv_len; i++ ) {
		const char *p;

		if ( bad->bv_val[i] == '-' )
			continue;
		if ( symbols++ < 4 )
			continue;
		p = strchr( CROCKFORD, bad->bv_val[i] );
		if ( p != NULL && *p )
			bad->bv_val[i] = p[1] ? p[1] : CROCKFORD[0];
	}
}

static void
strip_dashes( struct berval *bv )
{
	size_t i, j;

	for ( i = j = 0; i < bv->bv_len; i++ )
		if ( bv->bv_val[i] != '-' )
			bv->bv_val[j++] = bv->bv_val[i];
	bv->bv_val[j] = '\0';
	bv->bv_len = j;
}

static int
user_wanted( int mfa )
{
	switch ( cfg.group ) {
	case GROUP_PLAIN: return !mfa;
	case GROUP_MFA: return mfa;
	default: return 1;
	}
}

void
load_users( void )
{
	FILE *fp = fopen( cfg.creds, "r" );
	char line[1024];
	size_t cap = 1024;
	long skipped = 0;

	if ( fp == NULL ) {
		fprintf( stderr, "loadgen: %s: %s\n", cfg.creds, strerror( errno ) );
		exit( 2 );
	}
	users = xmalloc( cap * sizeof(*users) );
	while ( fgets( line, sizeof(line), fp ) ) {
		char *f[4], *save = NULL, *p = line;
		struct user *u;
		int i, mfa;

		if ( line[0] == '#' || line[0] == '\n' )
			continue;
		line[strcspn( line, "\n" )] = '\0';
		for ( i = 0; i < 4; i++, p = NULL ) {
			f[i] = strtok_r( p, "\t", &save );
			if ( f[i] == NULL )
				die( "malformed credentials line" );
		}
		/* MFA users have a TOTP secret, and app passwords unless K is 0 */
		mfa = strcmp( f[3], "-" ) != 0;
		if ( !user_wanted( mfa ) )
			continue;
		if ( skipped < cfg.skip ) {
			skipped++;
			continue;
		}
		if ( cfg.limit > 0 && nusers >= (size_t)cfg.limit )
			break;
		if ( nusers == cap ) {
			cap *= 2;
			users = realloc( users, cap * sizeof(*users) );
			if ( users == NULL )
				die( "out of memory" );
		}
		u = &users[nusers++];
		memset( u, 0, sizeof(*u) );
		u->dn = strdup( f[0] );
		bv_set( &u->password, f[1] );
		if ( strcmp( f[2], "-" ) != 0 ) {
			bv_set( &u->apppw, f[2] );
			make_bad_apppw( &u->apppw, &u->bad_apppw );
			if ( cfg.nodash ) {
				strip_dashes( &u->apppw );
				strip_dashes( &u->bad_apppw );
			}
		}
		if ( strcmp( f[3], "-" ) != 0 &&
				oath_base32_decode( f[3], strlen( f[3] ),
					&u->totp, &u->totp_len ) != OATH_OK )
			die( "bad TOTP secret in the credentials file" );
	}
	fclose( fp );
	if ( nusers == 0 )
		die( "no user of the requested group in the credentials file" );
	if ( cfg.mode != MODE_PLAIN ) {
		size_t i;

		for ( i = 0; i < nusers; i++ ) {
			if ( cfg.mode == MODE_APPPW || cfg.mode == MODE_BADAPPPW ?
					!users[i].apppw.bv_val : !users[i].totp )
				die( "this mode needs MFA users with app passwords "
					"or TOTP secrets (-u mfa)" );
		}
	}
}

/* prefix, the password and the code, in buf */
static int
password_and_code( const char *prefix, const struct berval *password,
	const char *code, struct berval *cred, char *buf, size_t buflen )
{
	size_t plen = strlen( prefix );

	if ( plen + password->bv_len + cfg.digits + 1 > buflen )
		return -1;
	memcpy( buf, prefix, plen );
	memcpy( buf + plen, password->bv_val, password->bv_len );
	memcpy( buf + plen + password->bv_len, code, cfg.digits + 1 );
	cred->bv_val = buf;
	cred->bv_len = plen + password->bv_len + cfg.digits;
	return 0;
}

/* A code that no step of a window of 1 around now accepts: the current
 * one with its first digit moved on until it is none of the three. */
static int
wrong_code( const struct user *u, char code[MAX_DIGITS + 1] )
{
	char near[3][MAX_DIGITS + 1];
	time_t now = time( NULL );
	int i, clash;

	for ( i = 0; i < 3; i++ ) {
		if ( oath_totp_generate( u->totp, u->totp_len,
				now + ( i - 1 ) * (time_t)cfg.step, cfg.step, 0,
				cfg.digits, near[i] ) != OATH_OK )
			return -1;
	}
	memcpy( code, near[1], cfg.digits + 1 );
	do {
		code[0] = code[0] == '9' ? '0' : code[0] + 1;
		for ( clash = 0, i = 0; i < 3; i++ )
			clash |= strcmp( code, near[i] ) == 0;
	} while ( clash );
	return 0;
}

/* Build the credentials for one bind. For TOTP the code is computed now,
 * at the moment of the bind, and the step it belongs to is remembered. */
int
make_cred( const struct user *u, int64_t *last_step, struct berval *cred,
	char *buf, size_t buflen )
{
	switch ( cfg.mode ) {
	case MODE_PLAIN:
		*cred = u->password;
		return 0;
	case MODE_APPPW:
		*cred = u->apppw;
		return 0;
	case MODE_BADAPPPW:
		*cred = u->bad_apppw;
		return 0;
	case MODE_TOTP: {
		char code[MAX_DIGITS + 1];
		time_t now = time( NULL );
		int64_t step = now / cfg.step;

		if ( oath_totp_generate( u->totp, u->totp_len, now, cfg.step, 0,
				cfg.digits, code ) != OATH_OK )
			return -1;
		if ( step > *last_step )
			*last_step = step;
		return password_and_code( "", &u->password, code, cred, buf, buflen );
	}
	case MODE_BADCODE:
	case MODE_BADPASSWORD: {
		char code[MAX_DIGITS + 1];

		if ( wrong_code( u, code ) != 0 )
			return -1;
		return password_and_code( cfg.mode == MODE_BADPASSWORD ? "x" : "",
			&u->password, code, cred, buf, buflen );
	}
	}
	return -1;
}
