/* t-totp.c - TOTP codes, window, replay refusal, secrets */
#include <stdlib.h>
#include <string.h>

#include <liboath/oath.h>

#include "apppw_secret.h"
#include "apppw_totp.h"
#include "tap.h"

/* RFC 6238 appendix B: the SHA-1 seed "12345678901234567890" */
#define RFC_B32		"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
#define RFC_LEN		( sizeof( RFC_B32 ) - 1 )

static const struct {
	time_t		t;
	const char	*code;
} rfc6238[] = {
	{ 59, "94287082" },
	{ 1111111109, "07081804" },
	{ 1111111111, "14050471" },
	{ 1234567890, "89005924" },
	{ 2000000000, "69279037" },
	{ 20000000000LL, "65353130" },
};

static int
check( const char *code, time_t now, unsigned window, int64_t last, int64_t *matched )
{
	return apppw_totp_check( RFC_B32, RFC_LEN, code, strlen( code ), now, 30, 8,
		window, last, matched );
}

static void
test_vectors( void )
{
	char out[APPPW_TOTP_DIGITS_MAX + 1];
	int64_t m;
	size_t i;

	for ( i = 0; i < sizeof( rfc6238 ) / sizeof( rfc6238[0] ); i++ ) {
		ok( apppw_totp_code( RFC_B32, RFC_LEN, rfc6238[i].t, 30, 8, out, sizeof( out ) ) == 0,
			"code at t=%lld", (long long)rfc6238[i].t );
		is_str( out, rfc6238[i].code, "RFC 6238 t=%lld", (long long)rfc6238[i].t );
		ok( check( rfc6238[i].code, rfc6238[i].t, 0, -1, &m ) == 0 &&
			m == (int64_t)rfc6238[i].t / 30,
			"check accepts RFC 6238 t=%lld as its step", (long long)rfc6238[i].t );
	}
	ok( apppw_totp_code( RFC_B32, RFC_LEN, 59, 30, 6, out, sizeof( out ) ) == 0 &&
		strcmp( out, "287082" ) == 0, "6 digits: the last six" );
	ok( apppw_totp_check( RFC_B32, RFC_LEN, "287082", 6, 59, 30, 6, 0, -1, &m ) == 0,
		"check 6 digits" );
	ok( apppw_totp_code( RFC_B32, RFC_LEN, 59, 30, 7, out, sizeof( out ) ) == 0 &&
		strcmp( out, "4287082" ) == 0, "7 digits" );
	ok( apppw_totp_code( "gezdgnbvgy3tqojq gezdgnbvgy3tqojq", 33, 59, 30, 8, out,
		sizeof( out ) ) == 0 && strcmp( out, "94287082" ) == 0,
		"lower case secret with a space" );

	memset( out, 'x', sizeof( out ) );
	ok( apppw_totp_code( RFC_B32, RFC_LEN, 59, 30, 8, out, 8 ) == -1 &&
		out[0] == '\0', "code refuses a short buffer, zeroes it" );
	ok( apppw_totp_code( RFC_B32, RFC_LEN, 59, 0, 8, out, sizeof( out ) ) == -1,
		"code refuses step 0" );
	ok( apppw_totp_code( RFC_B32, RFC_LEN, 59, 30, 5, out, sizeof( out ) ) == -1,
		"code refuses 5 digits" );
	ok( apppw_totp_code( RFC_B32, RFC_LEN, 59, 30, 9, out, sizeof( out ) ) == -1,
		"code refuses 9 digits" );
	ok( apppw_totp_code( RFC_B32, RFC_LEN, -1, 30, 8, out, sizeof( out ) ) == -1,
		"code refuses a negative time" );
	ok( apppw_totp_code( "", 0, 59, 30, 8, out, sizeof( out ) ) == -1,
		"code refuses an empty secret" );
}

static void
test_window( void )
{
	/* t=59 is step 1; its code is 94287082 */
	int64_t m;

	ok( check( "94287082", 59 + 30, 1, -1, &m ) == 0 && m == 1,
		"one step late, window 1: accepted as step 1" );
	ok( check( "94287082", 59 - 30, 1, -1, &m ) == 0 && m == 1,
		"one step early, window 1: accepted as step 1" );
	m = 42;
	ok( check( "94287082", 59 + 30, 0, -1, &m ) == -1 && m == -1,
		"one step late, window 0: refused, matched -1" );
	ok( check( "94287082", 59 - 30, 0, -1, &m ) == -1, "one step early, window 0: refused" );
	ok( check( "94287082", 59 + 60, 1, -1, &m ) == -1, "two steps late, window 1: refused" );
	ok( check( "94287082", 59 + 60, 2, -1, &m ) == 0 && m == 1,
		"two steps late, window 2: accepted" );
	ok( check( "94287082", 0, 1, -1, &m ) == 0 && m == 1,
		"window reaching below step 0 at t=0" );
	ok( check( "94287082", 59 + 30 * APPPW_TOTP_WINDOW_MAX, APPPW_TOTP_WINDOW_MAX,
		-1, &m ) == 0 && m == 1, "the largest window" );
	ok( check( "94287082", 59, APPPW_TOTP_WINDOW_MAX + 1, -1, &m ) == -1 && m == -1,
		"a window over APPPW_TOTP_WINDOW_MAX refused" );
	ok( check( "94287082", 59, 4000000000U, -1, &m ) == -1, "a huge window refused" );
	ok( apppw_totp_check( RFC_B32, RFC_LEN, "00000000", 8, (time_t)INT64_MAX, 1, 8,
		APPPW_TOTP_WINDOW_MAX, -1, &m ) == -1, "the end of time does not overflow" );
}

static void
test_replay( void )
{
	int64_t m;

	ok( check( "07081804", 1111111109, 1, -1, &m ) == 0 && m == 37037036,
		"first use accepted" );
	ok( check( "07081804", 1111111109, 1, 37037036, &m ) == -1 && m == -1,
		"same step again: refused" );
	ok( check( "07081804", 1111111109, 1, 37037037, &m ) == -1,
		"after a later step was used: refused" );
	ok( check( "07081804", 1111111109 + 30, 1, 37037036, &m ) == -1,
		"replayed one step later: refused" );
	ok( check( "07081804", 1111111109, 1, 37037035, &m ) == 0 && m == 37037036,
		"last step just before: accepted" );
	ok( check( "07081804", 1111111109, 1, INT64_MAX, &m ) == -1,
		"last step far in the future: refused" );
	/* the next code after a used one still works */
	{
		char next[9];
		ok( apppw_totp_code( RFC_B32, RFC_LEN, 1111111109 + 30, 30, 8, next,
			sizeof( next ) ) == 0 &&
			check( next, 1111111109, 1, 37037036, &m ) == 0 && m == 37037037,
			"the following step is accepted after the used one" );
	}
}

static void
test_bad_input( void )
{
	int64_t m;

	ok( check( "94287083", 59, 1, -1, &m ) == -1, "wrong code refused" );
	ok( check( "00000000", 59, 1, -1, &m ) == -1, "zeros refused" );
	ok( check( "9428708a", 59, 1, -1, &m ) == -1, "non-digit refused" );
	ok( check( "9428708 ", 59, 1, -1, &m ) == -1, "trailing space refused" );
	ok( check( "+4287082", 59, 1, -1, &m ) == -1, "sign refused" );
	ok( check( "9428708", 59, 1, -1, &m ) == -1, "7 digits for 8 refused" );
	ok( check( "942870820", 59, 1, -1, &m ) == -1, "9 digits for 8 refused" );
	ok( check( "287082", 59, 1, -1, &m ) == -1, "last 6 digits for 8 refused" );
	ok( check( "", 59, 1, -1, &m ) == -1, "empty code refused" );
	ok( apppw_totp_check( RFC_B32, RFC_LEN, "9428\0" "082", 8, 59, 30, 8, 1, -1, &m ) == -1,
		"NUL in code refused" );
	ok( apppw_totp_check( RFC_B32, RFC_LEN, "\xd9\x34\x32\x38\x37\x30\x38\x32", 8,
		59, 30, 8, 1, -1, &m ) == -1, "high byte in code refused" );
	ok( apppw_totp_check( RFC_B32, RFC_LEN, NULL, 8, 59, 30, 8, 1, -1, &m ) == -1,
		"NULL code refused" );
	ok( apppw_totp_check( RFC_B32, RFC_LEN, "94287082", 8, 59, 30, 8, 1, -1, NULL ) == -1,
		"NULL matched refused" );
	ok( apppw_totp_check( RFC_B32, RFC_LEN, "94287082", 8, 59, 0, 8, 1, -1, &m ) == -1,
		"step 0 refused" );
	ok( apppw_totp_check( RFC_B32, RFC_LEN, "94287", 5, 59, 30, 5, 1, -1, &m ) == -1,
		"5 digits refused" );
	ok( apppw_totp_check( RFC_B32, RFC_LEN, "942870820", 9, 59, 30, 9, 1, -1, &m ) == -1,
		"9 digits refused" );
	ok( apppw_totp_check( RFC_B32, RFC_LEN, "94287082", 8, -1, 30, 8, 1, -1, &m ) == -1,
		"negative time refused" );

	ok( apppw_totp_check( "GEZDGNBVGY3TQOJ1GEZDGNBVGY3TQOJQ", RFC_LEN, "94287082", 8,
		59, 30, 8, 1, -1, &m ) == -1, "secret with a 1 refused" );
	ok( apppw_totp_check( "GEZDGNBVGY3TQOJQ!EZDGNBVGY3TQOJQ", RFC_LEN, "94287082", 8,
		59, 30, 8, 1, -1, &m ) == -1, "secret with punctuation refused" );
	ok( apppw_totp_check( "GEZDGNBVGY3TQOJ\0GEZDGNBVGY3TQOJQ", RFC_LEN, "94287082", 8,
		59, 30, 8, 1, -1, &m ) == -1, "secret with a NUL refused" );
	ok( apppw_totp_check( "GEZDGNBVGY3TQOJ\xc7GEZDGNBVGY3TQOJQ", RFC_LEN, "94287082", 8,
		59, 30, 8, 1, -1, &m ) == -1, "secret with a high byte refused" );
	ok( apppw_totp_check( "", 0, "94287082", 8, 59, 30, 8, 1, -1, &m ) == -1,
		"empty secret refused" );
	ok( apppw_totp_check( "   ", 3, "94287082", 8, 59, 30, 8, 1, -1, &m ) == -1,
		"blank secret refused" );
	ok( apppw_totp_check( NULL, 32, "94287082", 8, 59, 30, 8, 1, -1, &m ) == -1,
		"NULL secret refused" );
	ok( apppw_totp_check( RFC_B32, RFC_LEN - 1, "94287082", 8, 59, 30, 8, 1, -1, &m ) == -1,
		"truncated secret does not give the code" );
}

static void
test_new( void )
{
	char s[64], s2[64], code[9];
	char *raw = NULL;
	size_t rawlen = 0;
	int64_t m;

	ok( apppw_totp_new( s, sizeof( s ) ) == 0, "new secret" );
	is_int( strlen( s ), 32, "32 base32 symbols" );
	ok( strchr( s, '=' ) == NULL, "no padding" );
	ok( strspn( s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" ) == strlen( s ), "RFC 4648 alphabet" );
	ok( oath_base32_decode( s, strlen( s ), &raw, &rawlen ) == OATH_OK && rawlen == 20,
		"decodes to 20 bytes" );
	if ( raw != NULL ) {
		apppw_wipe( raw, rawlen );
		free( raw );
	}
	ok( apppw_totp_new( s2, sizeof( s2 ) ) == 0 && strcmp( s, s2 ) != 0,
		"two secrets differ" );
	ok( apppw_totp_code( s, strlen( s ), 1800000000, 30, 6, code, sizeof( code ) ) == 0 &&
		apppw_totp_check( s, strlen( s ), code, 6, 1800000000, 30, 6, 1, -1, &m ) == 0 &&
		m == 60000000, "a new secret's code checks" );
	ok( apppw_totp_new( s, 33 ) == 0, "33 bytes are enough" );
	memset( s, 'x', sizeof( s ) );
	ok( apppw_totp_new( s, 32 ) == -1 && s[0] == '\0' && s[31] == '\0',
		"32 bytes are too few, output zeroed" );
	ok( apppw_totp_new( NULL, 64 ) == -1, "NULL output refused" );
	apppw_wipe( s, sizeof( s ) );
	apppw_wipe( s2, sizeof( s2 ) );
}

static void
test_secret_bounds( void )
{
	char s[APPPW_TOTP_SECRET_B32_MAX + 2], code[APPPW_TOTP_DIGITS_MAX + 1];
	int64_t m;

	is_int( apppw_totp_secret_check( RFC_B32, RFC_LEN ), APPPW_TOTP_SECRET_OK,
		"a 160-bit secret may be stored" );
	is_int( apppw_totp_secret_check( RFC_B32, 16 ), APPPW_TOTP_SECRET_OK,
		"16 symbols, 80 bits, may be stored" );
	is_int( apppw_totp_secret_check( RFC_B32, 15 ), APPPW_TOTP_SECRET_MALFORMED,
		"15 symbols may not" );
	is_int( apppw_totp_secret_check( "GEZDGNBVGY3TQOJ1", 16 ),
		APPPW_TOTP_SECRET_MALFORMED, "a 1 is not base32" );
	is_int( apppw_totp_secret_check( "GEZDGNBV\0Y3TQOJQ", 16 ),
		APPPW_TOTP_SECRET_MALFORMED, "a NUL is not base32" );
	memset( s, 'A', sizeof( s ) );
	is_int( apppw_totp_secret_check( s, APPPW_TOTP_SECRET_B32_MAX ),
		APPPW_TOTP_SECRET_OK, "%d symbols may be stored", APPPW_TOTP_SECRET_B32_MAX );
	is_int( apppw_totp_secret_check( s, APPPW_TOTP_SECRET_B32_MAX + 1 ),
		APPPW_TOTP_SECRET_TOO_LONG, "%d may not", APPPW_TOTP_SECRET_B32_MAX + 1 );
	ok( apppw_totp_code( s, APPPW_TOTP_SECRET_B32_MAX, 59, 30, 6, code,
		sizeof( code ) ) == 0, "the longest secret gives codes" );
	ok( apppw_totp_check( s, APPPW_TOTP_SECRET_B32_MAX + 1, code, 6, 59, 30, 6, 1,
		-1, &m ) == -1, "a longer one, stored before the bound, checks nothing" );
	ok( strstr( apppw_totp_secret_strerror( APPPW_TOTP_SECRET_TOO_LONG ), "128" ) &&
		strstr( apppw_totp_secret_strerror( APPPW_TOTP_SECRET_MALFORMED ), "80 bits" ),
		"the messages give the bounds" );
}

int
main( void )
{
	if ( apppw_secret_init() != 0 || apppw_totp_init() != 0 ) {
		printf( "1..0 # SKIP libsodium or liboath does not initialise\n" );
		return 0;
	}
	test_vectors();
	test_window();
	test_replay();
	test_bad_input();
	test_new();
	test_secret_bounds();
	oath_done();
	return done_testing();
}
