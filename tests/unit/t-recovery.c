/* t-recovery.c - recovery codes: records, making and checking a set, and
 * the codecs of the operations that carry them */
#include <stdlib.h>
#include <string.h>

#include <lber.h>

#include "apppw_enrol.h"
#include "apppw_proto.h"
#include "apppw_recovery.h"
#include "ber-input.h"
#include "tap.h"

static const char sample[] = "id=k7fq created=20261202083000Z "
	"hash=b2bk$AAAAAAAAAAAAAAAAAAAAAA$"
	"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

static enum apppw_record_error
parse( const char *s )
{
	apppw_recovery r;
	enum apppw_record_error rc;

	memset( &r, 0xa5, sizeof( r ) );
	rc = apppw_recovery_parse( s, strlen( s ), &r );
	if ( rc != APPPW_REC_OK && !is_zero( &r, sizeof( r ) ) ) {
		diag( "record not zeroed after error %d", rc );
		return (enum apppw_record_error)-1;
	}
	return rc;
}

static void
test_record( void )
{
	apppw_recovery r;
	char out[APPPW_RECOVERY_MAX];
	int n;

	is_int( apppw_recovery_parse( sample, strlen( sample ), &r ), APPPW_REC_OK,
		"a record parses" );
	is_str( r.id, "k7fq", "its id" );
	is_int( r.created, 1796200200, "its creation time" );
	ok( r.keyed == 1, "keyed" );
	n = apppw_recovery_format( &r, out, sizeof( out ) );
	ok( n == (int)strlen( sample ) && strcmp( out, sample ) == 0,
		"formats back to the same bytes" );
	ok( n < APPPW_RECOVERY_MAX, "within APPPW_RECOVERY_MAX" );
	ok( apppw_recovery_format( &r, out, (size_t)n ) == -1 && is_zero( out, (size_t)n ),
		"refused: no room for the NUL" );
	is_int( parse( "id=k7fq created=20261202083000Z" ), APPPW_REC_MISSING_FIELD,
		"refused: no hash" );
	is_int( parse( "created=20261202083000Z id=k7fq hash=b2b$x$y" ), APPPW_REC_BAD_FIELD,
		"refused: fields out of order" );
	is_int( parse( "id=k7f created=20261202083000Z hash=b2b$x$y" ), APPPW_REC_BAD_ID,
		"refused: a short id" );
	is_int( parse( "id=k7fq created=2026 hash=b2b$x$y" ), APPPW_REC_BAD_TIME,
		"refused: a bad time" );
	is_int( parse( "id=k7fq created=20261202083000Z hash=md5$x$y" ), APPPW_REC_BAD_HASH,
		"refused: another hash" );
	is_int( parse( "id=k7fq created=20261202083000Z hash=b2b$AAAAAAAAAAAAAAAAAAAAAA$"
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA label=x" ), APPPW_REC_BAD_FIELD,
		"refused: an app password's field" );
	is_int( parse( "" ), APPPW_REC_EMPTY, "refused: empty" );
}

static void
test_make( void )
{
	static const unsigned char key[APPPW_KEY_LEN] = { 1, 2, 3 };
	struct apppw_recovery_set set;
	apppw_recovery rec[APPPW_RECOVERY_CODES], back;
	char norm[APPPW_PASSWORD_LEN + 1], out[APPPW_RECOVERY_MAX];
	int i, j, distinct = 1, verified = 0, formatted = 0;

	ok( apppw_recovery_make( key, 1796200200, &set, rec ) == 0, "a set is made" );
	for ( i = 0; i < APPPW_RECOVERY_CODES; i++ ) {
		for ( j = 0; j < i; j++ ) {
			distinct &= strcmp( rec[i].id, rec[j].id ) != 0;
		}
		if ( apppw_normalize( set.code[i], strlen( set.code[i] ), norm ) == 0 &&
				strncmp( norm, rec[i].id, APPPW_ID_LEN ) == 0 &&
				apppw_recovery_verify( norm, &rec[i], key ) == 0 ) {
			verified++;
		}
		if ( apppw_recovery_format( &rec[i], out, sizeof( out ) ) > 0 &&
				apppw_recovery_parse( out, strlen( out ), &back ) == APPPW_REC_OK &&
				memcmp( &back, &rec[i], sizeof( back ) ) == 0 ) {
			formatted++;
		}
	}
	ok( distinct, "the ids differ" );
	is_int( verified, APPPW_RECOVERY_CODES, "each code is its record's, in display form" );
	is_int( formatted, APPPW_RECOVERY_CODES, "each record round-trips" );
	ok( strlen( set.code[0] ) == APPPW_DISPLAY_LEN && set.code[0][4] == '-',
		"codes are shown in groups: %s", set.code[0] );
	apppw_normalize( set.code[0], strlen( set.code[0] ), norm );
	ok( apppw_recovery_verify( norm, &rec[1], key ) == -1, "refused: another code" );
	ok( apppw_recovery_verify( norm, &rec[0], NULL ) == -1,
		"refused: a keyed record without the key" );
	rec[0].keyed = 0;
	ok( apppw_recovery_verify( norm, &rec[0], key ) == -1,
		"refused: a keyed hash read as unkeyed" );
}

/* the set's codes, in order, are codes' */
static int
same_codes( const struct apppw_recovery_set *set, const struct apppw_recovery_codes *codes )
{
	int i;

	if ( codes->n != APPPW_RECOVERY_CODES ) {
		return 0;
	}
	for ( i = 0; i < codes->n; i++ ) {
		if ( codes->code[i].bv_len != strlen( set->code[i] ) ||
				memcmp( codes->code[i].bv_val, set->code[i], codes->code[i].bv_len ) ) {
			return 0;
		}
	}
	return 1;
}

static void
test_codecs( void )
{
	struct apppw_recovery_set set;
	apppw_recovery rec[APPPW_RECOVERY_CODES];
	struct apppw_recovery_codes codes;
	struct berval *out = NULL, in, target, dn = {
		sizeof( "uid=pat,dc=example,dc=com" ) - 1, (char *)"uid=pat,dc=example,dc=com" };
	time_t step = 0;
	static const unsigned char empty_codes[] = { 0x30, 0x02, 0xa1, 0x00 };
	static const unsigned char not_octets[] = { 0x30, 0x05, 0xa1, 0x03, 0x02, 0x01, 0x01 };
	static const unsigned char other_tag[] = { 0x30, 0x03, 0x82, 0x01, 'x' };

	apppw_recovery_make( NULL, 1796200200, &set, rec );

	ok( apppw_enrol_response_encode( 1796200200, &set, &out ) == 0 && out,
		"enrol response encoded" );
	in = exact( out->bv_val, out->bv_len );
	ok( apppw_enrol_response_decode( &in, &step, &codes ) == 0 && step == 1796200200 &&
		same_codes( &set, &codes ), "enrol response round trip: step and codes" );
	free( in.bv_val );
	ber_bvfree( out );

	ok( apppw_recovery_response_encode( &set, &out ) == 0 && out, "recovery response encoded" );
	in = exact( out->bv_val, out->bv_len );
	ok( apppw_recovery_response_decode( &in, &codes ) == 0 && same_codes( &set, &codes ),
		"recovery response round trip" );
	in.bv_len--;
	ok( apppw_recovery_response_decode( &in, &codes ) == -1 && codes.n == 0,
		"refused: cut short" );
	free( in.bv_val );
	ber_bvfree( out );
	in = exact( empty_codes, sizeof( empty_codes ) );
	ok( apppw_recovery_response_decode( &in, &codes ) == -1, "refused: no codes" );
	free( in.bv_val );
	in = exact( not_octets, sizeof( not_octets ) );
	ok( apppw_recovery_response_decode( &in, &codes ) == -1, "refused: a code that is no string" );
	free( in.bv_val );

	ok( apppw_recovery_request_encode( &dn, &out ) == 0, "request with a target encoded" );
	in = exact( out->bv_val, out->bv_len );
	ok( apppw_recovery_request_decode( &in, &target ) == 0 && target.bv_len == dn.bv_len &&
		memcmp( target.bv_val, dn.bv_val, dn.bv_len ) == 0, "request round trip: the target" );
	free( in.bv_val );
	ber_bvfree( out );
	ok( apppw_recovery_request_encode( NULL, &out ) == 0, "request without one encoded" );
	in = exact( out->bv_val, out->bv_len );
	ok( apppw_recovery_request_decode( &in, &target ) == 0 && target.bv_val == NULL,
		"request round trip: no target" );
	free( in.bv_val );
	ber_bvfree( out );
	ok( apppw_recovery_request_decode( NULL, &target ) == 0 && target.bv_val == NULL,
		"no requestValue: the bound identity" );
	in = exact( other_tag, sizeof( other_tag ) );
	ok( apppw_recovery_request_decode( &in, &target ) == -1 && target.bv_val == NULL,
		"refused: another field" );
	free( in.bv_val );
}

int
main( void )
{
	if ( apppw_secret_init() != 0 ) {
		diag( "apppw_secret_init failed" );
		return 1;
	}
	test_record();
	test_make();
	test_codecs();
	return done_testing();
}
