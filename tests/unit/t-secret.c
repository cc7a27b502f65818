/* t-secret.c - app password generation, normalisation, hashing, key files */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apppw_secret.h"
#include "tap.h"

#define ALPHABET	"0123456789abcdefghjkmnpqrstvwxyz"
#define MANY		2000

static int
all_in_alphabet( const char *s, size_t n )
{
	size_t i;

	for ( i = 0; i < n; i++ ) {
		if ( s[i] == '\0' || strchr( ALPHABET, s[i] ) == NULL ) {
			return 0;
		}
	}
	return 1;
}

static const char *
tohex( const unsigned char *b, size_t n, char *out )
{
	size_t i;

	for ( i = 0; i < n; i++ ) {
		sprintf( out + 2 * i, "%02x", b[i] );
	}
	out[2 * n] = '\0';
	return out;
}

static int
cmp_pw( const void *a, const void *b )
{
	return memcmp( a, b, APPPW_PASSWORD_LEN + 1 );
}

static void
test_generate( void )
{
	static char pws[MANY][APPPW_PASSWORD_LEN + 1];
	char id[APPPW_ID_LEN + 1], norm[APPPW_PASSWORD_LEN + 1];
	int i, shape = 1, dup = 0, renorm = 1;
	int seen[32] = { 0 }, allseen = 1;

	for ( i = 0; i < MANY; i++ ) {
		size_t j;

		apppw_generate( pws[i] );
		if ( strlen( pws[i] ) != APPPW_PASSWORD_LEN ||
				!all_in_alphabet( pws[i], APPPW_PASSWORD_LEN ) ) {
			shape = 0;
		}
		for ( j = 0; j < APPPW_PASSWORD_LEN; j++ ) {
			const char *c = strchr( ALPHABET, pws[i][j] );
			if ( c != NULL ) {
				seen[c - ALPHABET]++;
			}
		}
		/* what generate writes, normalize returns unchanged */
		if ( apppw_normalize( pws[i], APPPW_PASSWORD_LEN, norm ) != 0 ||
				strcmp( norm, pws[i] ) != 0 ) {
			renorm = 0;
		}
		if ( !apppw_id_valid( pws[i], APPPW_ID_LEN ) ) {
			shape = 0;
		}
	}
	ok( shape, "%d passwords: 20 alphabet symbols, first 4 a valid id", MANY );
	ok( renorm, "generated passwords are already normalised" );
	for ( i = 0; i < 32; i++ ) {
		if ( seen[i] == 0 ) {
			allseen = 0;
		}
	}
	ok( allseen, "every alphabet symbol appears" );

	qsort( pws, MANY, sizeof( pws[0] ), cmp_pw );
	for ( i = 1; i < MANY; i++ ) {
		if ( memcmp( pws[i - 1], pws[i], sizeof( pws[0] ) ) == 0 ) {
			dup++;
		}
	}
	is_int( dup, 0, "%d passwords are all different", MANY );

	apppw_generate_id( id );
	ok( strlen( id ) == APPPW_ID_LEN && apppw_id_valid( id, APPPW_ID_LEN ),
		"generate_id gives a valid id: %s", id );
	apppw_wipe( pws, sizeof( pws ) );
}

static void
test_id_valid( void )
{
	ok( apppw_id_valid( "k7fq", 4 ), "id k7fq valid" );
	ok( apppw_id_valid( "0000", 4 ), "id 0000 valid" );
	ok( !apppw_id_valid( "K7FQ", 4 ), "upper case id refused (ids are canonical)" );
	ok( !apppw_id_valid( "k7fo", 4 ), "id with o refused" );
	ok( !apppw_id_valid( "k7fu", 4 ), "id with u refused" );
	ok( !apppw_id_valid( "k7f", 3 ), "short id refused" );
	ok( !apppw_id_valid( "k7fqa", 5 ), "long id refused" );
	ok( !apppw_id_valid( "k7\0q", 4 ), "id with NUL refused" );
	ok( !apppw_id_valid( NULL, 4 ), "NULL id refused" );
}

#define NORM( in, want, name ) \
	do { \
		char out_[APPPW_PASSWORD_LEN + 1]; \
		int rc_ = apppw_normalize( in, sizeof( in ) - 1, out_ ); \
		if ( want == NULL ) { \
			ok( rc_ == -1 && memcmp( out_, zero, sizeof( out_ ) ) == 0, \
				"normalize refuses %s", name ); \
		} else { \
			ok( rc_ == 0, "normalize accepts %s", name ); \
			is_str( out_, want, "normalize %s", name ); \
		} \
	} while ( 0 )

static void
test_normalize( void )
{
	static const char zero[APPPW_PASSWORD_LEN + 1];
	const char *canon = "k7fq2m9xabcdefghjkmn";
	char out[APPPW_PASSWORD_LEN + 1];
	char *huge;
	size_t hugelen = 1 << 20;

	NORM( "k7fq2m9xabcdefghjkmn", canon, "canonical form" );
	NORM( "k7fq-2m9x-abcd-efgh-jkmn", canon, "display form" );
	NORM( "k7fq 2m9x abcd efgh jkmn", canon, "spaces" );
	NORM( "k7fq\t2m9x\tabcd efgh-jkmn", canon, "tabs and mixed separators" );
	NORM( "K7FQ-2M9X-ABCD-EFGH-JKMN", canon, "upper case" );
	NORM( "  k7fq--2m9x-abcd-efgh-jkmn--  ", canon, "extra separators" );
	NORM( "oOiIlL0000000000abcd", "001111" "0000000000abcd", "look-alikes o i l" );
	NORM( "k7fq-2m9x-abcd-efgh-jkm", NULL, "19 symbols" );
	NORM( "k7fq-2m9x-abcd-efgh-jkmnp", NULL, "21 symbols" );
	NORM( "k7fq-2m9x-abcd-efgh-jkmu", NULL, "a u" );
	NORM( "k7fq-2m9x-abcd-efgh-jk!n", NULL, "punctuation" );
	NORM( "k7fq-2m9x-abcd-efgh-jkm\0n", NULL, "an embedded NUL" );
	NORM( "k7fq-2m9x-abcd-efgh-jkm\xc3\xa9", NULL, "non-ASCII" );
	NORM( "k7fq-2m9x-abcd-efgh-jkm\xff", NULL, "byte 0xff" );
	NORM( "k7fq_2m9x_abcd_efgh_jkmn", NULL, "underscores" );
	NORM( "k7fq-2m9x-abcd-efgh-jkmn\n", NULL, "trailing newline" );
	NORM( "", NULL, "empty input" );
	NORM( "----    ----", NULL, "only separators" );

	ok( apppw_normalize( NULL, 20, out ) == -1, "normalize refuses NULL" );

	huge = malloc( hugelen );
	if ( huge == NULL ) {
		abort();
	}
	memset( huge, 'a', hugelen );
	ok( apppw_normalize( huge, hugelen, out ) == -1 &&
		memcmp( out, zero, sizeof( out ) ) == 0, "normalize refuses 1 MiB" );
	memset( huge, '-', hugelen );
	memcpy( huge + hugelen - 20, canon, 20 );
	ok( apppw_normalize( huge, hugelen, out ) == 0 && strcmp( out, canon ) == 0,
		"normalize skips 1 MiB of dashes" );
	free( huge );
}

static void
test_display( void )
{
	char out[APPPW_DISPLAY_LEN + 1], norm[APPPW_PASSWORD_LEN + 1];
	char pw[APPPW_PASSWORD_LEN + 1];

	is_int( APPPW_DISPLAY_LEN, 24, "display length is 24" );
	apppw_display( "k7fq2m9xabcdefghjkmn", out );
	is_str( out, "k7fq-2m9x-abcd-efgh-jkmn", "display groups of four" );

	apppw_generate( pw );
	apppw_display( pw, out );
	ok( apppw_normalize( out, strlen( out ), norm ) == 0 && strcmp( norm, pw ) == 0,
		"display form normalises back" );
	apppw_wipe( pw, sizeof( pw ) );
	apppw_wipe( norm, sizeof( norm ) );
}

static void
test_hash( void )
{
	static const unsigned char zero[APPPW_HASH_LEN];
	unsigned char salt[APPPW_SALT_LEN], salt2[APPPW_SALT_LEN];
	unsigned char key[APPPW_KEY_LEN], key2[APPPW_KEY_LEN];
	unsigned char h[APPPW_HASH_LEN], h2[APPPW_HASH_LEN], hk[APPPW_HASH_LEN];
	char pw[APPPW_PASSWORD_LEN + 1], other[APPPW_PASSWORD_LEN + 1];
	const char shortpw[APPPW_PASSWORD_LEN + 1] = "k7fq2m9x";

	apppw_generate( pw );
	memcpy( other, pw, sizeof( pw ) );
	other[APPPW_PASSWORD_LEN - 1] = other[APPPW_PASSWORD_LEN - 1] == 'a' ? 'b' : 'a';
	apppw_salt( salt );
	memcpy( salt2, salt, sizeof( salt ) );
	salt2[0] ^= 1;
	memset( key, 0x42, sizeof( key ) );
	memset( key2, 0x43, sizeof( key2 ) );

	ok( apppw_hash( pw, salt, NULL, h ) == 0, "hash unkeyed" );
	ok( memcmp( h, zero, sizeof( h ) ) != 0, "hash is not zero" );
	ok( apppw_hash( pw, salt, NULL, h2 ) == 0 && memcmp( h, h2, sizeof( h ) ) == 0,
		"hash is deterministic" );
	ok( apppw_verify( pw, salt, NULL, h ) == 0, "verify matches" );
	ok( apppw_verify( other, salt, NULL, h ) == -1, "verify refuses another password" );
	ok( apppw_verify( pw, salt2, NULL, h ) == -1, "verify refuses another salt" );
	ok( apppw_hash( pw, salt2, NULL, h2 ) == 0 && memcmp( h, h2, sizeof( h ) ) != 0,
		"different salt, different hash" );

	ok( apppw_hash( pw, salt, key, hk ) == 0, "hash keyed" );
	ok( memcmp( h, hk, sizeof( h ) ) != 0, "keyed and unkeyed hashes differ" );
	ok( apppw_verify( pw, salt, key, hk ) == 0, "keyed verify matches" );
	ok( apppw_verify( pw, salt, NULL, hk ) == -1, "keyed hash refused without key" );
	ok( apppw_verify( pw, salt, key, h ) == -1, "unkeyed hash refused with key" );
	ok( apppw_verify( pw, salt, key2, hk ) == -1, "keyed hash refused with other key" );

	/* known answers (Python's hashlib.blake2b with salt and person) pin
	 * the personalisation and the parameters */
	{
		static const unsigned char kat_salt[APPPW_SALT_LEN] = "0123456789abcdef";
		unsigned char kat_key[APPPW_KEY_LEN], got[APPPW_HASH_LEN];
		char hex[2 * APPPW_HASH_LEN + 1];
		int i;

		for ( i = 0; i < APPPW_KEY_LEN; i++ ) {
			kat_key[i] = (unsigned char)i;
		}
		ok( apppw_hash( "k7fq2m9xabcdefghjkmn", kat_salt, NULL, got ) == 0,
			"known answer: hash" );
		is_str( tohex( got, sizeof( got ), hex ),
			"6d980b73f97e9018c1fe4f6439bfea1446b001bf7f9d534d921d746d04eebcda",
			"known answer: unkeyed" );
		ok( apppw_hash( "k7fq2m9xabcdefghjkmn", kat_salt, kat_key, got ) == 0,
			"known answer: keyed hash" );
		is_str( tohex( got, sizeof( got ), hex ),
			"4a343f024e1f425d39dc8966fe4b466078dceaebaa8458fa0ba8147b970a7b87",
			"known answer: keyed" );
	}

	memset( h2, 0xff, sizeof( h2 ) );
	ok( apppw_hash( "K7FQ2M9XABCDEFGHJKMN", salt, NULL, h2 ) == -1 &&
		memcmp( h2, zero, sizeof( h2 ) ) == 0,
		"hash refuses an unnormalised password, output zeroed" );
	memset( h2, 0xff, sizeof( h2 ) );
	ok( apppw_hash( shortpw, salt, NULL, h2 ) == -1 &&
		memcmp( h2, zero, sizeof( h2 ) ) == 0, "hash refuses a short password" );
	ok( apppw_verify( "K7FQ2M9XABCDEFGHJKMN", salt, NULL, h ) == -1,
		"verify refuses an unnormalised password" );
	ok( apppw_verify( pw, salt, NULL, NULL ) == -1, "verify refuses NULL expected" );

	apppw_wipe( pw, sizeof( pw ) );
	apppw_wipe( other, sizeof( other ) );
	apppw_wipe( key, sizeof( key ) );
	ok( memcmp( key, zero, sizeof( key ) ) == 0, "wipe zeroes" );
}

/* A temporary file holding len bytes of data; its path in path. */
static int
tmpfile_with( char path[64], const void *data, size_t len )
{
	int fd;

	strcpy( path, "/tmp/t-secret-key.XXXXXX" );
	fd = mkstemp( path );
	if ( fd < 0 ) {
		return -1;
	}
	if ( write( fd, data, len ) != (ssize_t)len ) {
		close( fd );
		unlink( path );
		return -1;
	}
	close( fd );
	return 0;
}

static int
key_file( const void *data, size_t len, unsigned char key[APPPW_KEY_LEN],
	const char **why )
{
	char path[64];
	int rc;

	if ( tmpfile_with( path, data, len ) != 0 ) {
		diag( "cannot write a temporary file" );
		return -2;
	}
	rc = apppw_key_load( path, key, why );
	unlink( path );
	return rc;
}

static void
test_key_load( void )
{
	static const unsigned char zero[APPPW_KEY_LEN];
	const char *hex = "000102030405060708090a0b0c0d0e0f"
		"101112131415161718191A1B1C1D1E1F";
	unsigned char want[APPPW_KEY_LEN], key[APPPW_KEY_LEN];
	char buf[128];
	const char *why;
	int i;

	for ( i = 0; i < APPPW_KEY_LEN; i++ ) {
		want[i] = (unsigned char)i;
	}

	why = "unset";
	ok( key_file( want, APPPW_KEY_LEN, key, &why ) == 0 &&
		memcmp( key, want, sizeof( key ) ) == 0 && why == NULL,
		"key file of 32 raw bytes" );
	ok( key_file( hex, 64, key, &why ) == 0 &&
		memcmp( key, want, sizeof( key ) ) == 0, "key file of 64 hex digits" );
	snprintf( buf, sizeof( buf ), "%s\n", hex );
	ok( key_file( buf, 65, key, &why ) == 0 &&
		memcmp( key, want, sizeof( key ) ) == 0, "64 hex digits and a newline" );

	memset( key, 0xff, sizeof( key ) );
	ok( key_file( want, 31, key, &why ) == -1 && why != NULL &&
		memcmp( key, zero, sizeof( key ) ) == 0, "31 bytes refused, key zeroed" );
	diag( "why: %s", why ? why : "(null)" );
	ok( key_file( "", 0, key, &why ) == -1 && why != NULL, "empty file refused" );
	memset( buf, 'a', sizeof( buf ) );
	ok( key_file( buf, 33, key, &why ) == -1 && why != NULL, "33 bytes refused" );
	ok( key_file( buf, 66, key, &why ) == -1 && why != NULL, "66 hex digits refused" );
	ok( key_file( buf, 63, key, &why ) == -1 && why != NULL, "63 hex digits refused" );
	snprintf( buf, sizeof( buf ), "%s\n\n", hex );
	ok( key_file( buf, 66, key, &why ) == -1 && why != NULL, "two newlines refused" );
	snprintf( buf, sizeof( buf ), "%s\r", hex );
	ok( key_file( buf, 65, key, &why ) == -1 && why != NULL, "carriage return refused" );
	memcpy( buf, hex, 64 );
	buf[10] = 'g';
	memset( key, 0xff, sizeof( key ) );
	ok( key_file( buf, 64, key, &why ) == -1 && why != NULL &&
		memcmp( key, zero, sizeof( key ) ) == 0, "non-hex digit refused, key zeroed" );
	diag( "why: %s", why ? why : "(null)" );
	memcpy( buf, hex, 64 );
	buf[5] = (char)0xc1;
	ok( key_file( buf, 64, key, &why ) == -1 && why != NULL, "non-ASCII byte refused" );
	memset( buf, 0xff, 65 );
	buf[64] = '\n';
	ok( key_file( buf, 65, key, &why ) == -1 && why != NULL, "65 bytes of 0xff refused" );
	memcpy( buf, hex, 64 );
	buf[63] = ' ';
	ok( key_file( buf, 64, key, &why ) == -1 && why != NULL, "trailing space refused" );
	memcpy( buf, hex, 64 );
	buf[20] = '\0';
	ok( key_file( buf, 64, key, &why ) == -1 && why != NULL, "NUL in hex refused" );

	ok( apppw_key_load( "/nonexistent/apppw.key", key, &why ) == -1 && why != NULL,
		"missing file refused" );
	diag( "why: %s", why ? why : "(null)" );
	ok( apppw_key_load( "/tmp", key, &why ) == -1 && why != NULL,
		"directory refused" );
	diag( "why: %s", why ? why : "(null)" );
	ok( apppw_key_load( "/dev/zero", key, &why ) == -1 && why != NULL,
		"device refused" );
	ok( apppw_key_load( "", key, &why ) == -1 && why != NULL, "empty path refused" );
	ok( apppw_key_load( "/nonexistent", key, NULL ) == -1, "why may be NULL" );
	apppw_wipe( key, sizeof( key ) );
}

int
main( void )
{
	if ( apppw_secret_init() != 0 ) {
		printf( "1..0 # SKIP libsodium does not initialise\n" );
		return 0;
	}
	ok( apppw_secret_init() == 0, "init twice is fine" );
	test_generate();
	test_id_valid();
	test_normalize();
	test_display();
	test_hash();
	test_key_load();
	return done_testing();
}
