/* t-enrol.c - the enrol operation's request and response codec */
#include <stdlib.h>
#include <string.h>

#include <lber.h>

#include "apppw_enrol.h"
#include "apppw_proto.h"
#include "apppw_secret.h"
#include "ber-input.h"
#include "tap.h"

static int
decodes( const void *bytes, size_t len, struct apppw_enrol_request *req )
{
	struct berval in = exact( bytes, len );
	int rc = apppw_enrol_request_decode( &in, req );

	free( in.bv_val );
	return rc;
}

static void
test_request( void )
{
	struct apppw_enrol_request req, got;
	struct berval *out = NULL, in;
	size_t cut;

	ber_str2bv( "uid=pat,ou=people,dc=example,dc=com", 0, 0, &req.dn );
	ber_str2bv( "pat pw with spaces", 0, 0, &req.password );
	ber_str2bv( "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", 0, 0, &req.secret );
	ber_str2bv( "123456", 0, 0, &req.code );
	ok( apppw_enrol_request_encode( &req, &out ) == 0 && out, "encoded" );
	in = exact( out->bv_val, out->bv_len );
	ok( apppw_enrol_request_decode( &in, &got ) == 0 &&
		bv_is( &got.dn, "uid=pat,ou=people,dc=example,dc=com" ) &&
		bv_is( &got.password, "pat pw with spaces" ) &&
		bv_is( &got.secret, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP" ) &&
		bv_is( &got.code, "123456" ), "round trip: every field back" );
	free( in.bv_val );
	/* 0x30 len, then [0] first */
	ok( (unsigned char)out->bv_val[0] == 0x30 &&
		(unsigned char)out->bv_val[2] == APPPW_TAG_ENROL_DN,
		"a SEQUENCE whose first element is the DN" );
	for ( cut = 0; cut < out->bv_len; cut++ ) {
		if ( decodes( out->bv_val, cut, &got ) == 0 ) {
			break;
		}
	}
	ok( cut == out->bv_len, "refused: every truncation" );
	ok( got.dn.bv_val == NULL && got.code.bv_val == NULL,
		"a refused request leaves every field absent" );
	ber_bvfree( out );

	req.code.bv_val = NULL;
	ok( apppw_enrol_request_encode( &req, &out ) == -1 && out == NULL,
		"not encoded: a field missing" );
	ok( apppw_enrol_request_decode( NULL, &got ) == -1, "refused: no value" );
}

static void
test_request_hostile( void )
{
	struct apppw_enrol_request got;
	/* fields out of order: password before dn */
	static const unsigned char swapped[] = { 0x30, 0x0c, 0x81, 0x01, 'p',
		0x80, 0x01, 'd', 0x82, 0x01, 's', 0x83, 0x01, '1' };
	/* the code missing */
	static const unsigned char three[] = { 0x30, 0x09, 0x80, 0x01, 'd',
		0x81, 0x01, 'p', 0x82, 0x01, 's' };
	/* something after the code */
	static const unsigned char trailing[] = { 0x30, 0x0f, 0x80, 0x01, 'd',
		0x81, 0x01, 'p', 0x82, 0x01, 's', 0x83, 0x01, '1', 0x84, 0x01, 'x' };
	/* a length past the end */
	static const unsigned char longer[] = { 0x30, 0x7f, 0x80, 0x01, 'd' };
	static const unsigned char good[] = { 0x30, 0x0c, 0x80, 0x01, 'd',
		0x81, 0x01, 'p', 0x82, 0x01, 's', 0x83, 0x01, '1' };

	struct berval in = exact( good, sizeof( good ) );

	ok( apppw_enrol_request_decode( &in, &got ) == 0 && bv_is( &got.dn, "d" ) &&
		bv_is( &got.code, "1" ), "decoded: the smallest request" );
	free( in.bv_val );
	ok( decodes( swapped, sizeof( swapped ), &got ) == -1, "refused: fields out of order" );
	ok( decodes( three, sizeof( three ), &got ) == -1, "refused: the code missing" );
	ok( decodes( trailing, sizeof( trailing ), &got ) == -1, "refused: a field after the code" );
	ok( decodes( longer, sizeof( longer ), &got ) == -1, "refused: a length past the end" );
}

static void
test_response( void )
{
	struct berval *out = NULL, in;
	struct apppw_recovery_set set = { { "" } };
	struct apppw_recovery_codes codes;
	time_t t = 0;
	static const unsigned char leading_zero[] = { 0x30, 0x04, 0x80, 0x02, '0', '1' };
	static const unsigned char other_tag[] = { 0x30, 0x03, 0x81, 0x01, '1' };

	ok( apppw_enrol_response_encode( 1795892130, &set, &out ) == 0 && out, "response encoded" );
	in = exact( out->bv_val, out->bv_len );
	ok( apppw_enrol_response_decode( &in, &t, &codes ) == 0 && t == 1795892130,
		"response round trip: the step's start" );
	free( in.bv_val );
	ber_bvfree( out );
	in = exact( leading_zero, sizeof( leading_zero ) );
	ok( apppw_enrol_response_decode( &in, &t, &codes ) == -1 && t == 0,
		"refused: a step that is not apppwTOTPLastStep's format" );
	free( in.bv_val );
	in = exact( other_tag, sizeof( other_tag ) );
	ok( apppw_enrol_response_decode( &in, &t, &codes ) == -1, "refused: another tag" );
	free( in.bv_val );
}

int
main( void )
{
	if ( apppw_secret_init() != 0 ) {
		diag( "apppw_secret_init failed" );
		return 1;
	}
	test_request();
	test_request_hostile();
	test_response();
	return done_testing();
}
