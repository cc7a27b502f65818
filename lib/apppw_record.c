/* apppw_record.c - parse and write app password records and requests
 *
 * Values come from the directory and from administrators' modifications,
 * so every parser here treats its input as hostile: lengths are checked
 * before bytes are touched, fields must come in their one documented
 * order, and nothing is accepted that apppw_record_format() would not
 * write back byte for byte.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "apppw_label.h"
#include "apppw_record.h"
#include "apppw_time.h"

#define APPPW_B64		sodium_base64_VARIANT_ORIGINAL_NO_PADDING
#define APPPW_SALT_B64_LEN	22	/* unpadded base64 of 16 bytes */
#define APPPW_HASH_B64_LEN	43	/* unpadded base64 of 32 bytes */
/* "b2bk$salt$hash", the longer algorithm's */
#define APPPW_HASH_FIELD_LEN	( sizeof( APPPW_ALG_KEYED ) - 1 + 1 + \
	APPPW_SALT_B64_LEN + 1 + APPPW_HASH_B64_LEN )

#define APPPW_ALG_PLAIN		"b2b"
#define APPPW_ALG_KEYED		"b2bk"

/* One field of a value. rest: the field takes the rest of the value, which
 * is what lets the label hold spaces; only the last field may have it. */
struct apppw_field {
	const char	*name;
	size_t		namelen;
	int		required;
	int		rest;
};

#define F( name, required, rest )	{ name, sizeof( name ) - 1, required, rest }

enum { R_ID, R_CREATED, R_EXPIRES, R_SCOPE, R_HASH, R_LABEL, R_NFIELDS };
static const struct apppw_field apppw_record_fields[R_NFIELDS] = {
	F( "id", 1, 0 ),
	F( "created", 1, 0 ),
	F( "expires", 0, 0 ),
	F( "scope", 0, 0 ),
	F( "hash", 1, 0 ),
	F( "label", 1, 1 )
};

enum { C_ID, C_CREATED, C_HASH, C_NFIELDS };
static const struct apppw_field apppw_recovery_fields[C_NFIELDS] = {
	F( "id", 1, 0 ),
	F( "created", 1, 0 ),
	F( "hash", 1, 0 )
};

enum { Q_EXPIRES, Q_SCOPE, Q_PASSWORD, Q_LABEL, Q_NFIELDS };
static const struct apppw_field apppw_request_fields[Q_NFIELDS] = {
	F( "expires", 0, 0 ),
	F( "scope", 0, 0 ),
	F( "password", 1, 0 ),
	F( "label", 1, 1 )
};

#undef F

/* Walks a value field by field. */
struct apppw_cursor {
	const char			*p;
	const char			*start;
	const char			*end;
	const struct apppw_field	*fields;
	int				nfields;
	int				last;	/* index of the field seen last */
};

static void
apppw_cursor_init( struct apppw_cursor *c, const char *val, size_t len,
	const struct apppw_field *fields, int nfields )
{
	c->p = c->start = val;
	c->end = val + len;
	c->fields = fields;
	c->nfields = nfields;
	c->last = -1;
}

/* The checks every value gets before its fields are looked at. */
static enum apppw_record_error
apppw_value_check( const char *val, size_t len )
{
	if ( val == NULL || len == 0 ) {
		return APPPW_REC_EMPTY;
	}
	if ( len >= APPPW_RECORD_MAX ) {
		return APPPW_REC_TOO_LONG;
	}
	if ( memchr( val, '\0', len ) != NULL ) {
		return APPPW_REC_NUL;
	}
	return APPPW_REC_OK;
}

/* 1 if a token from "from" on is field j. The scan stops at the field
 * that takes the rest of the value: what follows it is its text. */
static int
apppw_cursor_later( const struct apppw_cursor *c, const char *from, int j )
{
	const struct apppw_field *f = &c->fields[j];
	const char *t = from, *sp;
	size_t left;
	int k;

	while ( t < c->end ) {
		left = (size_t)( c->end - t );
		if ( left > f->namelen && memcmp( t, f->name, f->namelen ) == 0 &&
				t[f->namelen] == '=' ) {
			return 1;
		}
		for ( k = 0; k < c->nfields; k++ ) {
			if ( c->fields[k].rest && left > c->fields[k].namelen &&
					memcmp( t, c->fields[k].name, c->fields[k].namelen ) == 0 &&
					t[c->fields[k].namelen] == '=' ) {
				return 0;
			}
		}
		sp = memchr( t, ' ', left );
		if ( sp == NULL ) {
			break;
		}
		t = sp + 1;
	}
	return 0;
}

/* A required field between the last one seen and index upto is absent,
 * or, when it comes later (from is where the scan starts), misplaced. */
static enum apppw_record_error
apppw_cursor_skipped( const struct apppw_cursor *c, int upto, const char *from )
{
	int i;

	for ( i = c->last + 1; i < upto; i++ ) {
		if ( c->fields[i].required ) {
			return from != NULL && apppw_cursor_later( c, from, i ) ?
				APPPW_REC_BAD_FIELD : APPPW_REC_MISSING_FIELD;
		}
	}
	return APPPW_REC_OK;
}

/* The next "name=value": its index in *which and its value. Returns
 * APPPW_REC_OK, or -1 cast when the value is exhausted. Fields are
 * separated by exactly one space. */
#define APPPW_CURSOR_END	( (enum apppw_record_error)-1 )

static enum apppw_record_error
apppw_cursor_next( struct apppw_cursor *c, int *which,
	const char **v, size_t *vlen )
{
	enum apppw_record_error rc;
	const char *name, *eq, *vend;
	size_t namelen;
	int i;

	if ( c->p == c->end ) {
		/* the value is used up: whatever has not been seen is absent */
		rc = apppw_cursor_skipped( c, c->nfields, NULL );
		return rc != APPPW_REC_OK ? rc : APPPW_CURSOR_END;
	}
	if ( c->p != c->start ) {
		/* the previous field stopped at its space */
		c->p++;
	}
	name = c->p;
	for ( eq = name; eq < c->end && *eq != '=' && *eq != ' '; eq++ )
		;
	if ( eq == c->end || *eq != '=' ) {
		return APPPW_REC_BAD_FIELD;
	}
	namelen = (size_t)( eq - name );
	for ( i = 0; i < c->nfields; i++ ) {
		if ( c->fields[i].namelen == namelen &&
				memcmp( c->fields[i].name, name, namelen ) == 0 ) {
			break;
		}
	}
	/* unknown, or a repeat, or out of order */
	if ( i == c->nfields || i <= c->last ) {
		return APPPW_REC_BAD_FIELD;
	}
	rc = apppw_cursor_skipped( c, i, name );
	if ( rc != APPPW_REC_OK ) {
		return rc;
	}
	c->last = i;
	*v = eq + 1;
	if ( c->fields[i].rest ) {
		vend = c->end;
	} else {
		vend = memchr( *v, ' ', (size_t)( c->end - *v ) );
		if ( vend == NULL ) {
			vend = c->end;
		}
	}
	*vlen = (size_t)( vend - *v );
	*which = i;
	c->p = vend;
	/* "name=value " with nothing after: a truncated value, not a field */
	if ( vend != c->end && vend + 1 == c->end ) {
		return APPPW_REC_BAD_FIELD;
	}
	return APPPW_REC_OK;
}

static int
apppw_is_b64( unsigned char c )
{
	return ( c >= 'A' && c <= 'Z' ) || ( c >= 'a' && c <= 'z' ) ||
		( c >= '0' && c <= '9' ) || c == '+' || c == '/';
}

/* Decodes exactly binlen bytes from exactly b64len symbols. */
static int
apppw_b64_decode( unsigned char *bin, size_t binlen,
	const char *b64, size_t b64len )
{
	size_t got, i;

	if ( b64len != sodium_base64_ENCODED_LEN( binlen, APPPW_B64 ) - 1 ) {
		return -1;
	}
	/* libsodium 1.0.18 decodes bytes 0x80 and up as '/': check first */
	for ( i = 0; i < b64len; i++ ) {
		if ( !apppw_is_b64( (unsigned char)b64[i] ) ) {
			return -1;
		}
	}
	/* without b64_end, sodium refuses input it does not use up; it also
	 * refuses stray bits in the last symbol, so the form is canonical */
	if ( sodium_base642bin( bin, binlen, b64, b64len, NULL, &got, NULL,
			APPPW_B64 ) != 0 || got != binlen ) {
		return -1;
	}
	return 0;
}

/* "b2b$salt$hash" or "b2bk$salt$hash" */
static enum apppw_record_error
apppw_hash_parse( const char *v, size_t len, int *keyed,
	unsigned char salt[APPPW_SALT_LEN], unsigned char hash[APPPW_HASH_LEN] )
{
	size_t alg;

	if ( len > sizeof( APPPW_ALG_KEYED ) &&
			memcmp( v, APPPW_ALG_KEYED "$", sizeof( APPPW_ALG_KEYED ) ) == 0 ) {
		alg = sizeof( APPPW_ALG_KEYED );
		*keyed = 1;
	} else if ( len > sizeof( APPPW_ALG_PLAIN ) &&
			memcmp( v, APPPW_ALG_PLAIN "$", sizeof( APPPW_ALG_PLAIN ) ) == 0 ) {
		alg = sizeof( APPPW_ALG_PLAIN );
		*keyed = 0;
	} else {
		return APPPW_REC_BAD_HASH;
	}
	v += alg;
	len -= alg;
	if ( len != APPPW_SALT_B64_LEN + 1 + APPPW_HASH_B64_LEN ||
			v[APPPW_SALT_B64_LEN] != '$' ||
			apppw_b64_decode( salt, APPPW_SALT_LEN,
				v, APPPW_SALT_B64_LEN ) != 0 ||
			apppw_b64_decode( hash, APPPW_HASH_LEN,
				v + APPPW_SALT_B64_LEN + 1, APPPW_HASH_B64_LEN ) != 0 ) {
		return APPPW_REC_BAD_HASH;
	}
	return APPPW_REC_OK;
}

static enum apppw_record_error
apppw_id_set( char id[APPPW_ID_LEN + 1], const char *v, size_t len )
{
	if ( !apppw_id_valid( v, len ) ) {
		return APPPW_REC_BAD_ID;
	}
	memcpy( id, v, len );
	id[len] = '\0';
	return APPPW_REC_OK;
}

static enum apppw_record_error
apppw_created_set( time_t *created, const char *v, size_t len )
{
	return apppw_time_parse( v, len, created ) != 0 ?
		APPPW_REC_BAD_TIME : APPPW_REC_OK;
}

/* A text field that check accepts, copied into dst, which the check's
 * bound makes large enough. */
static enum apppw_record_error
apppw_text_set( char *dst, const char *v, size_t len,
	enum apppw_record_error (*check)( const char *, size_t ) )
{
	enum apppw_record_error err = check( v, len );

	if ( err == APPPW_REC_OK ) {
		memcpy( dst, v, len );
		dst[len] = '\0';
	}
	return err;
}

/* expires=19700101000000Z would read as 0, which means "never" */
static enum apppw_record_error
apppw_expires_set( apppw_record *r, const char *v, size_t len )
{
	if ( apppw_time_parse( v, len, &r->expires ) != 0 || r->expires == 0 ) {
		r->expires = 0;
		return APPPW_REC_BAD_TIME;
	}
	return APPPW_REC_OK;
}

/* One field's value, set into the value being parsed. */
typedef enum apppw_record_error (*apppw_field_set)( void *dst, int which,
	const char *v, size_t len );

/* Walk a value's fields, setting each into dst: the one loop of the
 * parsers below, which zero dst first and wipe it on failure. */
static enum apppw_record_error
apppw_fields_parse( const char *val, size_t len, const struct apppw_field *fields,
	int nfields, apppw_field_set set, void *dst )
{
	struct apppw_cursor c;
	enum apppw_record_error rc;
	const char *v = NULL;
	size_t vlen = 0;
	int which = 0;

	rc = apppw_value_check( val, len );
	if ( rc != APPPW_REC_OK ) {
		return rc;
	}
	apppw_cursor_init( &c, val, len, fields, nfields );
	while ( ( rc = apppw_cursor_next( &c, &which, &v, &vlen ) ) == APPPW_REC_OK ) {
		rc = set( dst, which, v, vlen );
		if ( rc != APPPW_REC_OK ) {
			return rc;
		}
	}
	return rc == APPPW_CURSOR_END ? APPPW_REC_OK : rc;
}

static enum apppw_record_error
apppw_record_set( void *dst, int which, const char *v, size_t len )
{
	apppw_record *r = dst;

	switch ( which ) {
	case R_ID:
		return apppw_id_set( r->id, v, len );
	case R_CREATED:
		return apppw_created_set( &r->created, v, len );
	case R_EXPIRES:
		return apppw_expires_set( r, v, len );
	case R_SCOPE:
		return apppw_text_set( r->scope, v, len, apppw_scope_check );
	case R_HASH:
		return apppw_hash_parse( v, len, &r->keyed, r->salt, r->hash );
	default:
		return apppw_text_set( r->label, v, len, apppw_label_check );
	}
}

enum apppw_record_error
apppw_record_parse( const char *val, size_t len, apppw_record *r )
{
	enum apppw_record_error rc;

	memset( r, 0, sizeof( *r ) );
	rc = apppw_fields_parse( val, len, apppw_record_fields, R_NFIELDS,
		apppw_record_set, r );
	if ( rc == APPPW_REC_OK && r->expires != 0 && r->expires <= r->created ) {
		rc = APPPW_REC_EXPIRES_BEFORE_CREATED;
	}
	if ( rc != APPPW_REC_OK ) {
		sodium_memzero( r, sizeof( *r ) );
	}
	return rc;
}

/* A request's fields; password points to the normalised password. */
struct apppw_request_dst {
	apppw_record	*r;
	char		*password;
};

static enum apppw_record_error
apppw_request_set( void *dst, int which, const char *v, size_t len )
{
	struct apppw_request_dst *q = dst;

	switch ( which ) {
	case Q_EXPIRES:
		return apppw_expires_set( q->r, v, len );
	case Q_SCOPE:
		return apppw_text_set( q->r->scope, v, len, apppw_scope_check );
	case Q_PASSWORD:
		if ( apppw_normalize( v, len, q->password ) != 0 ) {
			return APPPW_REC_BAD_PASSWORD;
		}
		memcpy( q->r->id, q->password, APPPW_ID_LEN );
		q->r->id[APPPW_ID_LEN] = '\0';
		return APPPW_REC_OK;
	default:
		return apppw_text_set( q->r->label, v, len, apppw_label_check );
	}
}

enum apppw_record_error
apppw_request_parse( const char *val, size_t len, apppw_record *r,
	char password[APPPW_PASSWORD_LEN + 1] )
{
	struct apppw_request_dst q = { r, password };
	enum apppw_record_error rc;

	memset( r, 0, sizeof( *r ) );
	sodium_memzero( password, APPPW_PASSWORD_LEN + 1 );
	rc = apppw_fields_parse( val, len, apppw_request_fields, Q_NFIELDS,
		apppw_request_set, &q );
	if ( rc != APPPW_REC_OK ) {
		sodium_memzero( r, sizeof( *r ) );
		sodium_memzero( password, APPPW_PASSWORD_LEN + 1 );
	}
	return rc;
}

static enum apppw_record_error
apppw_recovery_set( void *dst, int which, const char *v, size_t len )
{
	apppw_recovery *r = dst;

	switch ( which ) {
	case C_ID:
		return apppw_id_set( r->id, v, len );
	case C_CREATED:
		return apppw_created_set( &r->created, v, len );
	default:
		return apppw_hash_parse( v, len, &r->keyed, r->salt, r->hash );
	}
}

enum apppw_record_error
apppw_recovery_parse( const char *val, size_t len, apppw_recovery *r )
{
	enum apppw_record_error rc;

	memset( r, 0, sizeof( *r ) );
	rc = apppw_fields_parse( val, len, apppw_recovery_fields, C_NFIELDS,
		apppw_recovery_set, r );
	if ( rc != APPPW_REC_OK ) {
		sodium_memzero( r, sizeof( *r ) );
	}
	return rc;
}

static int
apppw_has_prefix( const char *val, size_t len, const char *prefix )
{
	size_t n = strlen( prefix );

	return len >= n && memcmp( val, prefix, n ) == 0;
}

int
apppw_value_is_request( const char *val, size_t len )
{
	/* a stored record always starts "id=" */
	return val != NULL && (
		apppw_has_prefix( val, len, "password=" ) ||
		apppw_has_prefix( val, len, "expires=" ) ||
		apppw_has_prefix( val, len, "scope=" ) );
}

int
apppw_record_id( const char *val, size_t len, char id[APPPW_ID_LEN + 1] )
{
	const size_t idend = sizeof( "id=" ) - 1 + APPPW_ID_LEN;

	if ( val == NULL || len <= idend || !apppw_has_prefix( val, len, "id=" ) ||
			val[idend] != ' ' || !apppw_id_valid( val + 3, APPPW_ID_LEN ) ) {
		memset( id, 0, APPPW_ID_LEN + 1 );
		return -1;
	}
	memcpy( id, val + 3, APPPW_ID_LEN );
	id[APPPW_ID_LEN] = '\0';
	return 0;
}

/* The hash field's value, as apppw_hash_parse reads it. */
static void
apppw_hash_format( int keyed, const unsigned char salt[APPPW_SALT_LEN],
	const unsigned char hash[APPPW_HASH_LEN], char out[APPPW_HASH_FIELD_LEN + 1] )
{
	const char *alg = keyed ? APPPW_ALG_KEYED : APPPW_ALG_PLAIN;
	size_t n = strlen( alg );

	memcpy( out, alg, n );
	out[n++] = '$';
	sodium_bin2base64( out + n, APPPW_SALT_B64_LEN + 1, salt, APPPW_SALT_LEN,
		APPPW_B64 );
	n += APPPW_SALT_B64_LEN;
	out[n++] = '$';
	sodium_bin2base64( out + n, APPPW_HASH_B64_LEN + 1, hash, APPPW_HASH_LEN,
		APPPW_B64 );
}

int
apppw_record_format( const apppw_record *r, char *out, size_t outlen )
{
	char created[APPPW_TIME_LEN + 1], expires[APPPW_TIME_LEN + 1] = "";
	char hash[APPPW_HASH_FIELD_LEN + 1];
	size_t labellen, scopelen;
	int n = -1;

	if ( out == NULL || outlen == 0 ) {
		return -1;
	}
	if ( r == NULL ) {
		goto done;
	}
	/* refuse whatever apppw_record_parse() would refuse */
	labellen = strnlen( r->label, sizeof( r->label ) );
	scopelen = strnlen( r->scope, sizeof( r->scope ) );
	if ( !apppw_id_valid( r->id, strnlen( r->id, sizeof( r->id ) ) ) ||
			labellen == sizeof( r->label ) ||
			apppw_label_check( r->label, labellen ) != APPPW_REC_OK ||
			scopelen == sizeof( r->scope ) ||
			( scopelen > 0 && apppw_scope_check( r->scope, scopelen ) != APPPW_REC_OK ) ||
			( r->expires != 0 && r->expires <= r->created ) ) {
		goto done;
	}
	apppw_time_format( r->created, created );
	if ( created[0] == '\0' ) {
		goto done;
	}
	if ( r->expires != 0 ) {
		apppw_time_format( r->expires, expires );
		if ( expires[0] == '\0' ) {
			goto done;
		}
	}
	apppw_hash_format( r->keyed, r->salt, r->hash, hash );

	n = snprintf( out, outlen, "id=%s created=%s%s%s%s%s hash=%s label=%s",
		r->id, created,
		r->expires != 0 ? " expires=" : "", expires,
		scopelen > 0 ? " scope=" : "", r->scope, hash, r->label );
	if ( n < 0 || (size_t)n >= outlen ) {
		n = -1;
	}

done:
	if ( n < 0 ) {
		memset( out, 0, outlen );
	}
	return n;
}

int
apppw_recovery_format( const apppw_recovery *r, char *out, size_t outlen )
{
	char created[APPPW_TIME_LEN + 1], hash[APPPW_HASH_FIELD_LEN + 1];
	int n = -1;

	if ( out == NULL || outlen == 0 ) {
		return -1;
	}
	if ( r == NULL || !apppw_id_valid( r->id, strnlen( r->id, sizeof( r->id ) ) ) ) {
		goto done;
	}
	apppw_time_format( r->created, created );
	if ( created[0] == '\0' ) {
		goto done;
	}
	apppw_hash_format( r->keyed, r->salt, r->hash, hash );
	n = snprintf( out, outlen, "id=%s created=%s hash=%s", r->id, created, hash );
	if ( n < 0 || (size_t)n >= outlen ) {
		n = -1;
	}

done:
	if ( n < 0 ) {
		memset( out, 0, outlen );
	}
	return n;
}
