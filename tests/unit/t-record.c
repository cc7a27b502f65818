/* t-record.c - app password records: parse, format, refuse */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "apppw_record.h"
#include "record-samples.h"
#include "tap.h"

/* Parse len bytes; on failure the record must come back zeroed. */
static enum apppw_record_error
parse_n( const char *s, size_t len, apppw_record *r )
{
	enum apppw_record_error rc;

	memset( r, 0xa5, sizeof( *r ) );
	rc = apppw_record_parse( s, len, r );
	if ( rc != APPPW_REC_OK && !is_zero( r, sizeof( *r ) ) ) {
		diag( "record not zeroed after error %d", rc );
		return (enum apppw_record_error)-1;
	}
	return rc;
}

static enum apppw_record_error
parse( const char *s )
{
	apppw_record r;

	return parse_n( s, strlen( s ), &r );
}

/* A literal with embedded NULs, whole */
#define PARSE_LIT( lit )	( parse_n( lit, sizeof( lit ) - 1, &r ) )

#define REFUSE( s, err, name ) \
	is_int( parse( s ), err, "refused (%s): %s", #err, name )

/* Format r and compare with want. */
static int
formats_as( const apppw_record *r, const char *want, const char *name )
{
	char out[APPPW_RECORD_MAX];
	int n;

	n = apppw_record_format( r, out, sizeof( out ) );
	if ( !ok( n >= 0 && (size_t)n == strlen( want ), "format %s: length", name ) ) {
		return 0;
	}
	return is_str( out, want, "format %s: round trip", name );
}

static void
test_parse_valid( void )
{
	apppw_record r;
	unsigned char want_salt[APPPW_SALT_LEN], want_hash[APPPW_HASH_LEN];
	int i;

	for ( i = 0; i < APPPW_SALT_LEN; i++ ) {
		want_salt[i] = (unsigned char)i;
	}
	for ( i = 0; i < APPPW_HASH_LEN; i++ ) {
		want_hash[i] = (unsigned char)i;
	}

	is_int( parse_n( MINIMAL, strlen( MINIMAL ), &r ), APPPW_REC_OK, "minimal record" );
	is_str( r.id, "k7fq", "minimal: id" );
	is_int( r.created, T_CREATED, "minimal: created" );
	is_int( r.expires, 0, "minimal: no expiry" );
	is_str( r.scope, "", "minimal: any scope" );
	is_int( r.keyed, 0, "minimal: unkeyed" );
	ok( memcmp( r.salt, want_salt, sizeof( want_salt ) ) == 0, "minimal: salt" );
	ok( memcmp( r.hash, want_hash, sizeof( want_hash ) ) == 0, "minimal: hash" );
	is_str( r.label, "Outlook", "minimal: label" );
	formats_as( &r, MINIMAL, "minimal" );

	is_int( parse_n( FULL, strlen( FULL ), &r ), APPPW_REC_OK, "full record" );
	is_int( r.expires, 1798761600, "full: expires" );
	is_str( r.scope, "mail", "full: scope" );
	is_int( r.keyed, 1, "full: keyed" );
	is_str( r.label, "Outlook on Anna's laptop", "full: label with spaces" );
	formats_as( &r, FULL, "full" );

	{
		const char *s = "id=0000 " CREATED " expires=20261124184101Z " HASH
			" label=Annas b\xc3\xa4rbara dator \xf0\x9f\x93\xa7 id=zzzz hash=x";
		is_int( parse_n( s, strlen( s ), &r ), APPPW_REC_OK,
			"UTF-8 label that looks like fields, expiry one second on" );
		formats_as( &r, s, "UTF-8 label" );
	}
	{
		const char *s = "id=k7fq " CREATED " scope=dav " HASH " label=x";
		is_int( parse_n( s, strlen( s ), &r ), APPPW_REC_OK, "scope without expires" );
		is_str( r.scope, "dav", "scope without expires: scope" );
	}
	{
		const char *s = "id=k7fq " CREATED " expires=20270101000000Z " HASH " label=x";
		is_int( parse_n( s, strlen( s ), &r ), APPPW_REC_OK, "expires without scope" );
	}
}

static void
test_parse_refused( void )
{
	char buf[2 * APPPW_RECORD_MAX];
	apppw_record r;
	size_t i, n;
	int all;

	/* EMPTY, TOO_LONG, NUL */
	is_int( parse_n( "", 0, &r ), APPPW_REC_EMPTY, "empty value" );
	is_int( parse_n( NULL, 5, &r ), APPPW_REC_EMPTY, "NULL value" );
	memset( buf, 'a', sizeof( buf ) );
	is_int( parse_n( buf, APPPW_RECORD_MAX, &r ), APPPW_REC_TOO_LONG, "640 bytes" );
	is_int( parse_n( buf, sizeof( buf ), &r ), APPPW_REC_TOO_LONG, "1280 bytes" );
	is_int( parse_n( buf, APPPW_RECORD_MAX - 1, &r ), APPPW_REC_BAD_FIELD,
		"639 bytes is not too long" );
	is_int( PARSE_LIT( "id=k7fq " CREATED " " HASH " label=Out\0look" ),
		APPPW_REC_NUL, "NUL in the label" );
	is_int( PARSE_LIT( "id=k7fq\0" CREATED " " HASH " label=x" ),
		APPPW_REC_NUL, "NUL as a separator" );
	is_int( PARSE_LIT( MINIMAL "\0" ), APPPW_REC_NUL, "trailing NUL" );

	/* BAD_FIELD */
	REFUSE( "id=k7fq " CREATED " foo=bar " HASH " label=x", APPPW_REC_BAD_FIELD,
		"unknown field" );
	REFUSE( "id=k7fq " CREATED " " CREATED " " HASH " label=x", APPPW_REC_BAD_FIELD,
		"repeated created" );
	REFUSE( "id=k7fq " CREATED " " HASH " " HASH " label=x", APPPW_REC_BAD_FIELD,
		"repeated hash" );
	REFUSE( "id=k7fq id=k7fq " CREATED " " HASH " label=x", APPPW_REC_BAD_FIELD,
		"repeated id" );
	REFUSE( "id=k7fq " CREATED " scope=mail expires=20270101000000Z " HASH " label=x",
		APPPW_REC_BAD_FIELD, "scope before expires" );
	REFUSE( CREATED " id=k7fq " HASH " label=x", APPPW_REC_BAD_FIELD,
		"created before id" );
	REFUSE( "id=k7fq " HASH " " CREATED " label=x", APPPW_REC_BAD_FIELD,
		"hash before created (misplaced, not missing)" );
	REFUSE( "id=k7fq " HASH " label=x " CREATED, APPPW_REC_MISSING_FIELD,
		"created inside the label is label text" );
	REFUSE( " " MINIMAL, APPPW_REC_BAD_FIELD, "leading space" );
	REFUSE( "id=k7fq  " CREATED " " HASH " label=x", APPPW_REC_BAD_FIELD,
		"two spaces" );
	REFUSE( "id=k7fq\t" CREATED " " HASH " label=x", APPPW_REC_BAD_ID,
		"tab is not a separator" );
	REFUSE( "id=k7fq " CREATED " ", APPPW_REC_BAD_FIELD, "trailing space" );
	REFUSE( "id=k7fq created " HASH " label=x", APPPW_REC_BAD_FIELD, "field without =" );
	REFUSE( "ID=k7fq " CREATED " " HASH " label=x", APPPW_REC_BAD_FIELD,
		"upper case field name" );
	REFUSE( "=k7fq " CREATED " " HASH " label=x", APPPW_REC_BAD_FIELD, "empty name" );
	REFUSE( "password=" PW " label=x", APPPW_REC_BAD_FIELD, "a request is not a record" );
	REFUSE( "label=x", APPPW_REC_MISSING_FIELD, "only a label" );
	REFUSE( "id", APPPW_REC_BAD_FIELD, "a bare word" );

	/* BAD_ID */
	REFUSE( "id=k7f " CREATED " " HASH " label=x", APPPW_REC_BAD_ID, "3 symbols" );
	REFUSE( "id=k7fqq " CREATED " " HASH " label=x", APPPW_REC_BAD_ID, "5 symbols" );
	REFUSE( "id=K7FQ " CREATED " " HASH " label=x", APPPW_REC_BAD_ID, "upper case" );
	REFUSE( "id=k7fu " CREATED " " HASH " label=x", APPPW_REC_BAD_ID, "a u" );
	REFUSE( "id=k7fo " CREATED " " HASH " label=x", APPPW_REC_BAD_ID, "an o" );
	REFUSE( "id= " CREATED " " HASH " label=x", APPPW_REC_BAD_ID, "empty id" );
	REFUSE( "id=k7f\xc3\xa9 " CREATED " " HASH " label=x", APPPW_REC_BAD_ID,
		"non-ASCII id" );

	/* BAD_TIME */
	REFUSE( "id=k7fq created=20261340000000Z " HASH " label=x", APPPW_REC_BAD_TIME,
		"month 13" );
	REFUSE( "id=k7fq created=20260001000000Z " HASH " label=x", APPPW_REC_BAD_TIME,
		"month 0" );
	REFUSE( "id=k7fq created=20261100000000Z " HASH " label=x", APPPW_REC_BAD_TIME,
		"day 0" );
	REFUSE( "id=k7fq created=20261131000000Z " HASH " label=x", APPPW_REC_BAD_TIME,
		"November 31" );
	REFUSE( "id=k7fq created=20230229000000Z " HASH " label=x", APPPW_REC_BAD_TIME,
		"February 29 2023" );
	REFUSE( "id=k7fq created=21000229000000Z " HASH " label=x", APPPW_REC_BAD_TIME,
		"February 29 2100" );
	REFUSE( "id=k7fq created=20261124240000Z " HASH " label=x", APPPW_REC_BAD_TIME,
		"hour 24" );
	REFUSE( "id=k7fq created=20261124236000Z " HASH " label=x", APPPW_REC_BAD_TIME,
		"minute 60" );
	REFUSE( "id=k7fq created=20261124235960Z " HASH " label=x", APPPW_REC_BAD_TIME,
		"second 60" );
	REFUSE( "id=k7fq created=2026112418410Z " HASH " label=x", APPPW_REC_BAD_TIME,
		"14 characters" );
	REFUSE( "id=k7fq created=202611241841000Z " HASH " label=x", APPPW_REC_BAD_TIME,
		"16 characters" );
	REFUSE( "id=k7fq created=20261124184100 " HASH " label=x", APPPW_REC_BAD_TIME,
		"no Z" );
	REFUSE( "id=k7fq created=20261124184100z " HASH " label=x", APPPW_REC_BAD_TIME,
		"lower case z" );
	REFUSE( "id=k7fq created=2026112418410.Z " HASH " label=x", APPPW_REC_BAD_TIME,
		"fraction" );
	REFUSE( "id=k7fq created=+0261124184100Z " HASH " label=x", APPPW_REC_BAD_TIME,
		"a sign" );
	REFUSE( "id=k7fq created=19691231235959Z " HASH " label=x", APPPW_REC_BAD_TIME,
		"before 1970" );
	REFUSE( "id=k7fq created= " HASH " label=x", APPPW_REC_BAD_TIME, "empty time" );
	REFUSE( "id=k7fq " CREATED " expires=2027 " HASH " label=x", APPPW_REC_BAD_TIME,
		"truncated expires" );
	REFUSE( "id=k7fq created=19700101000000Z expires=19700101000000Z " HASH " label=x",
		APPPW_REC_BAD_TIME, "expires at the epoch (would read as never)" );

	/* EXPIRES_BEFORE_CREATED */
	REFUSE( "id=k7fq " CREATED " expires=20261124184100Z " HASH " label=x",
		APPPW_REC_EXPIRES_BEFORE_CREATED, "expires == created" );
	REFUSE( "id=k7fq " CREATED " expires=20251124184100Z " HASH " label=x",
		APPPW_REC_EXPIRES_BEFORE_CREATED, "expires < created" );

	/* BAD_SCOPE */
	REFUSE( "id=k7fq " CREATED " scope=Mail " HASH " label=x", APPPW_REC_BAD_SCOPE,
		"upper case scope" );
	REFUSE( "id=k7fq " CREATED " scope=1mail " HASH " label=x", APPPW_REC_BAD_SCOPE,
		"scope starting with a digit" );
	REFUSE( "id=k7fq " CREATED " scope= " HASH " label=x", APPPW_REC_BAD_SCOPE,
		"empty scope" );
	REFUSE( "id=k7fq " CREATED " scope=ma.il " HASH " label=x", APPPW_REC_BAD_SCOPE,
		"dot in scope" );
	REFUSE( "id=k7fq " CREATED " scope=abcdefghijabcdefghijabcdefghijabc " HASH " label=x",
		APPPW_REC_BAD_SCOPE, "33-character scope" );
	REFUSE( "id=k7fq " CREATED " scope=abcdefghijabcdefghijabcdefghijab " HASH " label=x",
		APPPW_REC_OK, "32-character scope accepted" );

	/* BAD_HASH */
	REFUSE( "id=k7fq " CREATED " hash=b2x$" SALT64 "$" HASH64 " label=x",
		APPPW_REC_BAD_HASH, "unknown algorithm" );
	REFUSE( "id=k7fq " CREATED " hash=B2B$" SALT64 "$" HASH64 " label=x",
		APPPW_REC_BAD_HASH, "upper case algorithm" );
	REFUSE( "id=k7fq " CREATED " hash=b2b " HASH " label=x",
		APPPW_REC_BAD_HASH, "algorithm alone" );
	REFUSE( "id=k7fq " CREATED " hash= label=x", APPPW_REC_BAD_HASH, "empty hash" );
	REFUSE( "id=k7fq " CREATED " hash=b2b$ label=x", APPPW_REC_BAD_HASH, "b2b$" );
	REFUSE( "id=k7fq " CREATED " hash=b2b$AAECAwQFBgcICQoLDA0OD$" HASH64 " label=x",
		APPPW_REC_BAD_HASH, "21-symbol salt" );
	REFUSE( "id=k7fq " CREATED " hash=b2b$AAECAwQFBgcICQoLDA0ODwA$" HASH64 " label=x",
		APPPW_REC_BAD_HASH, "23-symbol salt" );
	REFUSE( "id=k7fq " CREATED " hash=b2b$AAECAwQFBgcICQoLDA0ODw==$" HASH64 " label=x",
		APPPW_REC_BAD_HASH, "padded salt" );
	REFUSE( "id=k7fq " CREATED " hash=b2b$AAECAwQFBgcICQoLDA0ODx$" HASH64 " label=x",
		APPPW_REC_BAD_HASH, "stray bits in the salt's last symbol" );
	REFUSE( "id=k7fq " CREATED " hash=b2b$AAECAwQFBgcICQoLDA0OD-$" HASH64 " label=x",
		APPPW_REC_BAD_HASH, "URL-safe symbol in the salt" );
	REFUSE( "id=k7fq " CREATED " hash=b2b$AAECAwQFBgcICQoLDA0OD\xc1$" HASH64 " label=x",
		APPPW_REC_BAD_HASH, "non-ASCII byte in the salt (libsodium 1.0.18 takes it)" );
	REFUSE( "id=k7fq " CREATED " hash=b2b$" SALT64 "$\xff" HASH64 " label=x",
		APPPW_REC_BAD_HASH, "non-ASCII byte in the hash" );
	REFUSE( "id=k7fq " CREATED " hash=b2b$" SALT64 "$AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh"
		" label=x", APPPW_REC_BAD_HASH, "42-symbol hash" );
	REFUSE( "id=k7fq " CREATED " hash=b2b$" SALT64 "$" HASH64 "A label=x",
		APPPW_REC_BAD_HASH, "44-symbol hash" );
	REFUSE( "id=k7fq " CREATED " hash=b2b$" SALT64 HASH64 "A label=x",
		APPPW_REC_BAD_HASH, "no separator between salt and hash" );
	REFUSE( "id=k7fq " CREATED " hash=b2b$" SALT64 "$" HASH64 "$ label=x",
		APPPW_REC_BAD_HASH, "trailing $" );
	REFUSE( "id=k7fq " CREATED " hash=b2bkk$" SALT64 "$" HASH64 " label=x",
		APPPW_REC_BAD_HASH, "b2bkk" );

	/* BAD_LABEL */
	REFUSE( "id=k7fq " CREATED " " HASH " label=", APPPW_REC_BAD_LABEL, "empty label" );
	REFUSE( "id=k7fq " CREATED " " HASH " label= x", APPPW_REC_BAD_LABEL, "leading space" );
	REFUSE( "id=k7fq " CREATED " " HASH " label=x ", APPPW_REC_BAD_LABEL, "trailing space" );
	REFUSE( "id=k7fq " CREATED " " HASH " label=a\tb", APPPW_REC_BAD_LABEL, "tab" );
	REFUSE( "id=k7fq " CREATED " " HASH " label=a\nb", APPPW_REC_BAD_LABEL, "newline" );
	REFUSE( "id=k7fq " CREATED " " HASH " label=a\x01", APPPW_REC_BAD_LABEL, "control" );
	REFUSE( "id=k7fq " CREATED " " HASH " label=a\x7f", APPPW_REC_BAD_LABEL, "DEL" );
	REFUSE( "id=k7fq " CREATED " " HASH " label=a\xc2\x85", APPPW_REC_BAD_LABEL, "C1 NEL" );
	REFUSE( "id=k7fq " CREATED " " HASH " label=a\xc0\xaf", APPPW_REC_BAD_LABEL,
		"overlong 2-byte" );
	REFUSE( "id=k7fq " CREATED " " HASH " label=a\xe0\x80\xaf", APPPW_REC_BAD_LABEL,
		"overlong 3-byte" );
	REFUSE( "id=k7fq " CREATED " " HASH " label=a\xf0\x80\x80\xaf", APPPW_REC_BAD_LABEL,
		"overlong 4-byte" );
	REFUSE( "id=k7fq " CREATED " " HASH " label=a\xed\xa0\x80", APPPW_REC_BAD_LABEL,
		"surrogate" );
	REFUSE( "id=k7fq " CREATED " " HASH " label=a\xe2\x82", APPPW_REC_BAD_LABEL,
		"truncated sequence" );
	REFUSE( "id=k7fq " CREATED " " HASH " label=a\xe2\x82z", APPPW_REC_BAD_LABEL,
		"interrupted sequence" );
	REFUSE( "id=k7fq " CREATED " " HASH " label=a\x80", APPPW_REC_BAD_LABEL,
		"lone continuation byte" );
	REFUSE( "id=k7fq " CREATED " " HASH " label=a\xf4\x90\x80\x80", APPPW_REC_BAD_LABEL,
		"beyond U+10FFFF" );
	REFUSE( "id=k7fq " CREATED " " HASH " label=a\xff", APPPW_REC_BAD_LABEL, "byte 0xff" );
	REFUSE( "id=k7fq " CREATED " " HASH " label="
		"abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcde",
		APPPW_REC_BAD_LABEL, "65 characters" );
	REFUSE( "id=k7fq " CREATED " " HASH " label="
		"abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcd",
		APPPW_REC_OK, "64 characters accepted" );

	/* MISSING_FIELD */
	REFUSE( "id=k7fq " CREATED " " HASH, APPPW_REC_MISSING_FIELD, "no label" );
	REFUSE( "id=k7fq " CREATED " label=x", APPPW_REC_MISSING_FIELD, "no hash" );
	REFUSE( "id=k7fq " HASH " label=x", APPPW_REC_MISSING_FIELD, "no created" );
	REFUSE( CREATED " " HASH " label=x", APPPW_REC_MISSING_FIELD, "no id" );
	REFUSE( "id=k7fq", APPPW_REC_MISSING_FIELD, "only an id" );
	REFUSE( "id=k7fq " CREATED " expires=20270101000000Z", APPPW_REC_MISSING_FIELD,
		"truncated after expires" );

	/* every truncation short of the label's value is refused, and cleanly */
	n = strlen( FULL ) - strlen( "Outlook on Anna's laptop" );
	all = 1;
	for ( i = 1; i < n; i++ ) {
		enum apppw_record_error rc = parse_n( FULL, i, &r );
		if ( rc == APPPW_REC_OK || (int)rc == -1 ) {
			diag( "truncated at %zu: %d", i, rc );
			all = 0;
		}
	}
	ok( all, "all %zu truncations refused, record zeroed", n - 1 );

	/* any single byte changed outside the label must not crash; most refuse */
	all = 1;
	for ( i = 0; i < n; i++ ) {
		int c;
		memcpy( buf, FULL, strlen( FULL ) );
		for ( c = 0; c < 256; c++ ) {
			enum apppw_record_error rc;
			buf[i] = (char)c;
			rc = parse_n( buf, strlen( FULL ), &r );
			if ( (int)rc == -1 ) {
				all = 0;
			}
			if ( rc == APPPW_REC_OK ) {
				char out[APPPW_RECORD_MAX];
				int m = apppw_record_format( &r, out, sizeof( out ) );
				/* whatever is accepted is canonical */
				if ( m != (int)strlen( FULL ) || memcmp( out, buf, m ) != 0 ) {
					diag( "byte %zu = %d accepted but not canonical", i, c );
					all = 0;
				}
			}
		}
	}
	ok( all, "every one-byte change: refused cleanly, or accepted and canonical" );
}

static void
test_format( void )
{
	char out[APPPW_RECORD_MAX], small[16];
	apppw_record r, r2;
	int n, i, all;

	memset( &r, 0, sizeof( r ) );
	strcpy( r.id, "zz99" );
	strcpy( r.label, "Phone" );
	r.created = T_CREATED;
	randombytes_buf( r.salt, sizeof( r.salt ) );
	randombytes_buf( r.hash, sizeof( r.hash ) );

	n = apppw_record_format( &r, out, sizeof( out ) );
	ok( n > 0 && (size_t)n == strlen( out ), "format returns the length" );
	is_int( apppw_record_parse( out, (size_t)n, &r2 ), APPPW_REC_OK, "format parses back" );
	ok( memcmp( &r, &r2, sizeof( r ) ) == 0, "parse(format(r)) == r" );

	is_int( apppw_record_format( &r, out, (size_t)n + 1 ), n, "exact buffer fits" );
	memset( out, 'x', sizeof( out ) );
	is_int( apppw_record_format( &r, out, (size_t)n ), -1, "one byte short fails" );
	ok( is_zero( out, (size_t)n ), "output zeroed on failure" );
	is_int( apppw_record_format( &r, small, sizeof( small ) ), -1, "small buffer fails" );
	is_int( apppw_record_format( &r, NULL, 100 ), -1, "NULL buffer fails" );

	r2 = r;
	strcpy( r2.id, "ZZ99" );
	is_int( apppw_record_format( &r2, out, sizeof( out ) ), -1, "bad id refused" );
	r2 = r;
	strcpy( r2.label, " x" );
	is_int( apppw_record_format( &r2, out, sizeof( out ) ), -1, "bad label refused" );
	r2 = r;
	r2.label[0] = '\0';
	is_int( apppw_record_format( &r2, out, sizeof( out ) ), -1, "empty label refused" );
	r2 = r;
	memset( r2.label, 'a', sizeof( r2.label ) );
	is_int( apppw_record_format( &r2, out, sizeof( out ) ), -1, "unterminated label refused" );
	r2 = r;
	strcpy( r2.scope, "Mail" );
	is_int( apppw_record_format( &r2, out, sizeof( out ) ), -1, "bad scope refused" );
	r2 = r;
	r2.expires = r2.created;
	is_int( apppw_record_format( &r2, out, sizeof( out ) ), -1, "expires == created refused" );
	r2 = r;
	r2.created = -1;
	is_int( apppw_record_format( &r2, out, sizeof( out ) ), -1, "negative created refused" );
	r2 = r;
	r2.expires = 253402300800;
	is_int( apppw_record_format( &r2, out, sizeof( out ) ), -1, "expires after 9999 refused" );
	is_int( apppw_record_format( NULL, out, sizeof( out ) ), -1, "NULL record refused" );

	/* the longest record fits APPPW_RECORD_MAX */
	r2 = r;
	for ( i = 0; i < APPPW_LABEL_MAX; i++ ) {
		memcpy( r2.label + 4 * i, "\xf0\x9f\x93\xa7", 4 );
	}
	r2.label[APPPW_LABEL_MAX_BYTES] = '\0';
	memset( r2.scope, 'a', APPPW_SCOPE_MAX );
	r2.scope[APPPW_SCOPE_MAX] = '\0';
	r2.expires = 253402300799;
	r2.keyed = 1;
	n = apppw_record_format( &r2, out, sizeof( out ) );
	ok( n > 0 && n < APPPW_RECORD_MAX, "longest record: %d bytes", n );
	is_int( apppw_record_parse( out, (size_t)n, &r ), APPPW_REC_OK, "longest record parses" );

	/* random records survive the round trip */
	all = 1;
	for ( i = 0; i < 500; i++ ) {
		char again[APPPW_RECORD_MAX];
		size_t j, llen = 1 + randombytes_uniform( 60 );

		memset( &r, 0, sizeof( r ) );
		apppw_generate_id( r.id );
		for ( j = 0; j < llen; j++ ) {
			do {
				r.label[j] = (char)( 0x21 + randombytes_uniform( 0x7f - 0x21 ) );
			} while ( r.label[j] == '"' || r.label[j] == '\\' );
		}
		r.created = (time_t)randombytes_uniform( 2000000000 );
		r.expires = i % 2 ? r.created + 1 + randombytes_uniform( 1000000 ) : 0;
		if ( i % 3 ) {
			strcpy( r.scope, i % 3 == 1 ? "mail" : "dav_2-x" );
		}
		r.keyed = i % 5 == 0;
		randombytes_buf( r.salt, sizeof( r.salt ) );
		randombytes_buf( r.hash, sizeof( r.hash ) );
		n = apppw_record_format( &r, out, sizeof( out ) );
		if ( n < 0 || apppw_record_parse( out, (size_t)n, &r2 ) != APPPW_REC_OK ||
				memcmp( &r, &r2, sizeof( r ) ) != 0 ||
				apppw_record_format( &r2, again, sizeof( again ) ) != n ||
				strcmp( out, again ) != 0 ) {
			diag( "round trip failed: %s", out );
			all = 0;
		}
	}
	ok( all, "500 random records round trip" );
}

static void
test_record_id( void )
{
	char id[APPPW_ID_LEN + 1];

	ok( apppw_record_id( MINIMAL, strlen( MINIMAL ), id ) == 0, "record id of a record" );
	is_str( id, "k7fq", "record id value" );
	ok( apppw_record_id( "id=zzzz garbage", 15, id ) == 0,
		"fast path does not look past the id" );
	memset( id, 'x', sizeof( id ) );
	ok( apppw_record_id( "id=k7fq", 7, id ) == -1 && is_zero( id, sizeof( id ) ),
		"id without anything after refused, id zeroed" );
	ok( apppw_record_id( "id=k7fq ", 7, id ) == -1, "length honoured" );
	ok( apppw_record_id( "id=K7FQ x", 9, id ) == -1, "upper case id refused" );
	ok( apppw_record_id( "id=k7f x", 8, id ) == -1, "short id refused" );
	ok( apppw_record_id( "id=k7fqq x", 10, id ) == -1, "long id refused" );
	ok( apppw_record_id( "xd=k7fq x", 9, id ) == -1, "wrong field refused" );
	ok( apppw_record_id( "password=" PW, 33, id ) == -1, "request refused" );
	ok( apppw_record_id( "id=k7\0q x", 9, id ) == -1, "NUL refused" );
	ok( apppw_record_id( NULL, 9, id ) == -1, "NULL refused" );
	ok( apppw_record_id( "", 0, id ) == -1, "empty refused" );
}

int
main( void )
{
	if ( apppw_secret_init() != 0 ) {
		printf( "1..0 # SKIP libsodium does not initialise\n" );
		return 0;
	}
	test_parse_valid();
	test_parse_refused();
	test_format();
	test_record_id();
	return done_testing();
}
