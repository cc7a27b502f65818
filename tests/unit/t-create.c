/* t-create.c - the create operation's request and response codec */
#include <stdlib.h>
#include <string.h>

#include <lber.h>

#include "apppw_create.h"
#include "apppw_proto.h"
#include "apppw_secret.h"
#include "ber-input.h"
#include "tap.h"

#define BV( s )	{ sizeof( s ) - 1, (char *)( s ) }

static const struct berval absent = { 0, NULL };

static int
request_decodes( const void *bytes, size_t len, struct apppw_create_request *req )
{
	struct berval in = exact( bytes, len );
	int rc = apppw_create_request_decode( &in, req );

	free( in.bv_val );
	return rc;
}

static void
test_request_round_trip( void )
{
	static const struct {
		const char *target, *label, *expires, *scope;
	} cases[] = {
		{ NULL, "Outlook", NULL, NULL },
		{ "uid=alice,ou=people,dc=example,dc=com", "Outlook on Anna's laptop",
			"20991231235959Z", "mail" },
		{ "uid=alice,dc=x", "Phone", NULL, NULL },
		{ NULL, "Printer", "20270101000000Z", NULL },
		{ NULL, "Printer", NULL, "dav" },
		{ "", "", "", "" },	/* present but empty: for the caller to refuse */
	};
	struct apppw_create_request req, got;
	struct berval *enc, copy;
	size_t i;

	for ( i = 0; i < sizeof( cases ) / sizeof( cases[0] ); i++ ) {
		memset( &req, 0, sizeof( req ) );
		if ( cases[i].target ) ber_str2bv( cases[i].target, 0, 0, &req.target );
		ber_str2bv( cases[i].label, 0, 0, &req.label );
		if ( cases[i].expires ) ber_str2bv( cases[i].expires, 0, 0, &req.expires );
		if ( cases[i].scope ) ber_str2bv( cases[i].scope, 0, 0, &req.scope );
		if ( !ok( apppw_create_request_encode( &req, &enc ) == 0 && enc != NULL,
				"request %zu encodes", i ) ) {
			continue;
		}
		copy = exact( enc->bv_val, enc->bv_len );
		ok( apppw_create_request_decode( &copy, &got ) == 0 &&
			bv_is( &got.target, cases[i].target ) &&
			bv_is( &got.label, cases[i].label ) &&
			bv_is( &got.expires, cases[i].expires ) &&
			bv_is( &got.scope, cases[i].scope ),
			"request %zu decodes to what was encoded", i );
		ok( got.label.bv_val >= copy.bv_val &&
			got.label.bv_val + got.label.bv_len <= copy.bv_val + copy.bv_len,
			"request %zu: the label points into the input", i );
		ok( memcmp( copy.bv_val, enc->bv_val, enc->bv_len ) == 0 &&
			apppw_create_request_decode( &copy, &got ) == 0 &&
			bv_is( &got.label, cases[i].label ),
			"request %zu: the input is unchanged, and decodes again", i );
		free( copy.bv_val );
		ber_bvfree( enc );
	}
}

static void
test_request_bytes( void )
{
	static const unsigned char label_only[] = { 0x30, 0x03, 0x81, 0x01, 'X' },
		all[] = { 0x30, 0x0c, 0x80, 0x01, 'T', 0x81, 0x01, 'L',
			0x82, 0x01, 'E', 0x83, 0x01, 'S' };
	struct apppw_create_request req = { absent, BV( "X" ), absent, absent };
	struct berval *enc;

	ok( apppw_create_request_encode( &req, &enc ) == 0 &&
		enc->bv_len == sizeof( label_only ) &&
		memcmp( enc->bv_val, label_only, sizeof( label_only ) ) == 0,
		"a label alone: SEQUENCE { [1] } in DER" );
	ber_bvfree( enc );
	req.target = (struct berval)BV( "T" );
	req.label = (struct berval)BV( "L" );
	req.expires = (struct berval)BV( "E" );
	req.scope = (struct berval)BV( "S" );
	ok( apppw_create_request_encode( &req, &enc ) == 0 &&
		enc->bv_len == sizeof( all ) &&
		memcmp( enc->bv_val, all, sizeof( all ) ) == 0,
		"every field: [0] [1] [2] [3] in that order" );
	ber_bvfree( enc );

	req.label = absent;
	enc = &req.target;
	ok( apppw_create_request_encode( &req, &enc ) == -1 && enc == NULL,
		"no label: nothing is encoded" );
}

static void
test_request_hostile( void )
{
	static const struct {
		const char	*name;
		size_t		len;
		unsigned char	b[16];
	} bad[] = {
		{ "empty", 0, { 0 } },
		{ "an empty SEQUENCE: no label", 2, { 0x30, 0x00 } },
		{ "a target and no label", 5, { 0x30, 0x03, 0x80, 0x01, 'T' } },
		{ "label before target", 8, { 0x30, 0x06, 0x81, 0x01, 'L', 0x80, 0x01, 'T' } },
		{ "scope before expires", 11, { 0x30, 0x09, 0x81, 0x01, 'L', 0x83, 0x01, 'S',
			0x82, 0x01, 'E' } },
		{ "two labels", 8, { 0x30, 0x06, 0x81, 0x01, 'L', 0x81, 0x01, 'M' } },
		{ "an unknown field", 8, { 0x30, 0x06, 0x81, 0x01, 'L', 0x84, 0x01, 'x' } },
		{ "a constructed label", 5, { 0x30, 0x03, 0xa1, 0x01, 'L' } },
		{ "a universal OCTET STRING label", 5, { 0x30, 0x03, 0x04, 0x01, 'L' } },
		{ "a multi-byte tag", 6, { 0x30, 0x04, 0x9f, 0x81, 0x01, 'L' } },
		{ "a SET, not a SEQUENCE", 5, { 0x31, 0x03, 0x81, 0x01, 'L' } },
		{ "a bare label", 3, { 0x81, 0x01, 'L' } },
		{ "a byte after the SEQUENCE", 6, { 0x30, 0x03, 0x81, 0x01, 'L', 0x00 } },
		{ "an element after the SEQUENCE", 8, { 0x30, 0x03, 0x81, 0x01, 'L',
			0x83, 0x01, 'S' } },
		{ "a label longer than the SEQUENCE", 5, { 0x30, 0x03, 0x81, 0x02, 'L' } },
		{ "a SEQUENCE longer than the input", 5, { 0x30, 0x04, 0x81, 0x01, 'L' } },
		{ "a length of 2^32-1", 9, { 0x30, 0x07, 0x81, 0x84, 0xff, 0xff, 0xff, 0xff, 'L' } },
		{ "a length longer than ber_len_t", 13, { 0x30, 0x0b, 0x81, 0x89,
			1, 0, 0, 0, 0, 0, 0, 0, 1 } },
		{ "an indefinite length", 7, { 0x30, 0x80, 0x81, 0x01, 'L', 0x00, 0x00 } },
		{ "a length of length cut short", 4, { 0x30, 0x02, 0x81, 0x82 } },
	};
	static const unsigned char good[] = { 0x30, 0x0c, 0x80, 0x01, 'T', 0x81, 0x01,
		'L', 0x82, 0x01, 'E', 0x83, 0x01, 'S' };
	struct apppw_create_request req;
	struct berval nul = { 4, NULL };
	size_t i, cut = 0;
	int all_absent;

	for ( i = 0; i < sizeof( bad ) / sizeof( bad[0] ); i++ ) {
		memset( &req, 0xa5, sizeof( req ) );
		all_absent = request_decodes( bad[i].b, bad[i].len, &req ) == -1 &&
			req.target.bv_val == NULL && req.label.bv_val == NULL &&
			req.expires.bv_val == NULL && req.scope.bv_val == NULL;
		ok( all_absent, "refused, every field absent: %s", bad[i].name );
	}
	for ( i = 0; i < sizeof( good ); i++ ) {
		cut += request_decodes( good, i, &req ) == -1;
	}
	is_int( cut, sizeof( good ), "every truncation of a valid request is refused" );
	ok( request_decodes( good, sizeof( good ), &req ) == 0,
		"and the whole of it is not" );
	ok( apppw_create_request_decode( NULL, &req ) == -1 &&
		apppw_create_request_decode( &nul, &req ) == -1,
		"no request value at all is refused" );
}

/* a label far beyond the rules: the codec leaves the rules to their owner */
static void
test_request_long( void )
{
	struct apppw_create_request req = { absent, absent, absent, absent }, got;
	struct berval *enc;
	char *label = malloc( 100000 + 1 );

	if ( label == NULL ) {
		abort();
	}
	memset( label, 'a', 100000 );
	label[100000] = '\0';
	ber_str2bv( label, 100000, 0, &req.label );
	ok( apppw_create_request_encode( &req, &enc ) == 0 &&
		apppw_create_request_decode( enc, &got ) == 0 &&
		got.label.bv_len == 100000 && memcmp( got.label.bv_val, label, 100000 ) == 0,
		"a 100000-byte label round-trips (long-form lengths)" );
	ber_bvfree( enc );
	free( label );
}

static int
response_decodes( const void *bytes, size_t len, char norm[APPPW_PASSWORD_LEN + 1] )
{
	struct berval in = exact( bytes, len );
	int rc = apppw_create_response_decode( &in, norm );

	free( in.bv_val );
	return rc;
}

/* SEQUENCE { [0] id, [1] password } with the given contents */
static size_t
response( unsigned char *out, const char *id, const char *pw )
{
	size_t n = 0, il = strlen( id ), pl = strlen( pw );

	out[n++] = 0x30;
	out[n++] = 4 + il + pl;
	out[n++] = 0x80;
	out[n++] = il;
	memcpy( out + n, id, il );
	n += il;
	out[n++] = 0x81;
	out[n++] = pl;
	memcpy( out + n, pw, pl );
	return n + pl;
}

static int
wiped( const char *p, size_t len )
{
	while ( len-- ) {
		if ( p[len] != '\0' ) {
			return 0;
		}
	}
	return 1;
}

static void
test_response( void )
{
	static const char pw[] = "k7fq2m9xc4hd8wpzv3nb";
	static const struct {
		const char *name, *id, *pw;
	} bad[] = {
		{ "an id that is not the password's", "k7fr", pw },
		{ "an id of five", "k7fq2", pw },
		{ "an empty id", "", pw },
		{ "a password of 21 symbols", "k7fq", "k7fq2m9xc4hd8wpzv3nbb" },
		{ "a password of 19 symbols", "k7fq", "k7fq2m9xc4hd8wpzv3n" },
		{ "a password with dashes", "k7fq", "k7fq-2m9x-c4hd-8wpz-v3nb" },
		{ "a password in upper case", "K7FQ", "K7FQ2M9XC4HD8WPZV3NB" },
		{ "a password with a symbol outside the alphabet", "k7fq",
			"k7fq2m9xc4hd8wpzv3nu" },
	};
	char norm[APPPW_PASSWORD_LEN + 1], gen[APPPW_PASSWORD_LEN + 1];
	unsigned char buf[64];
	struct berval *enc;
	size_t i, n, cut = 0;

	apppw_generate( gen );
	ok( apppw_create_response_encode( gen, &enc ) == 0 &&
		response_decodes( enc->bv_val, enc->bv_len, norm ) == 0 &&
		strcmp( norm, gen ) == 0, "a generated password round-trips" );
	ok( enc->bv_len == 30 && enc->bv_val[0] == 0x30 && enc->bv_val[1] == 28 &&
		memcmp( enc->bv_val + 2, "\x80\x04", 2 ) == 0 &&
		memcmp( enc->bv_val + 4, gen, 4 ) == 0 &&
		memcmp( enc->bv_val + 8, "\x81\x14", 2 ) == 0 &&
		memcmp( enc->bv_val + 10, gen, 20 ) == 0,
		"in DER: SEQUENCE { [0] id, [1] password }" );
	for ( i = 0; i < enc->bv_len; i++ ) {
		cut += response_decodes( enc->bv_val, i, norm ) == -1;
	}
	is_int( cut, enc->bv_len, "every truncation of a response is refused" );
	ber_bvfree( enc );

	n = response( buf, "k7fq", pw );
	ok( response_decodes( buf, n, norm ) == 0 && strcmp( norm, pw ) == 0,
		"a response made by hand decodes" );
	for ( i = 0; i < sizeof( bad ) / sizeof( bad[0] ); i++ ) {
		memset( norm, 'x', sizeof( norm ) );
		n = response( buf, bad[i].id, bad[i].pw );
		ok( response_decodes( buf, n, norm ) == -1 && wiped( norm, sizeof( norm ) ),
			"refused, and nothing left in norm: %s", bad[i].name );
	}
	n = response( buf, "k7fq", pw );
	buf[n - 3] = '\0';
	ok( response_decodes( buf, n, norm ) == -1 && wiped( norm, sizeof( norm ) ),
		"refused, and nothing left in norm: a password with a NUL" );

	n = response( buf, "k7fq", pw );
	buf[2] = 0x81;
	buf[4 + 4] = 0x80;
	ok( response_decodes( buf, n, norm ) == -1, "refused: password before id" );
	n = response( buf, "k7fq", pw );
	buf[n] = 0;
	ok( response_decodes( buf, n + 1, norm ) == -1, "refused: a byte after it" );
	n = response( buf, "k7fq", pw );
	buf[1] += 3;
	memcpy( buf + n, "\x82\x01x", 3 );
	ok( response_decodes( buf, n + 3, norm ) == -1, "refused: a third field" );
	n = response( buf, "k7fq", pw );
	buf[0] = 0x31;
	ok( response_decodes( buf, n, norm ) == -1, "refused: a SET" );
	ok( apppw_create_response_decode( NULL, norm ) == -1,
		"refused: no response value" );
}

int
main( void )
{
	if ( apppw_secret_init() != 0 ) {
		diag( "apppw_secret_init failed" );
		return 1;
	}
	test_request_round_trip();
	test_request_bytes();
	test_request_hostile();
	test_request_long();
	test_response();
	return done_testing();
}
