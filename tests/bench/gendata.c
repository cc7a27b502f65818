/* gendata.c - generate the benchmark's directory data and credentials
 *
 * Writes an LDIF for slapadd with N users under ou=people of the suffix.
 * Every second user (odd index) is MFA-required: it has a TOTP secret and
 * K app passwords, stored as records built with the library's own
 * functions (apppw_generate, apppw_salt, apppw_hash, apppw_record_format,
 * unkeyed), so that the data is exactly what the overlay writes itself.
 * The others are plain accounts. Each user has its own random password,
 * stored as {SSHA} with its own salt.
 *
 * With -O, the same MFA users are also written to a second LDIF as the
 * OATH-LDAP entries slapo-otp(5) reads: same password, same TOTP secret
 * (as raw bytes in oathSecret), one shared oathTOTPParams entry with the
 * same digits, step and window. By default each user entry is its own
 * token (oathTOTPToken points to itself), the layout closest to apppw's,
 * which keeps the secret in the user entry; -T puts the tokens in
 * separate entries under ou=tokens, the layout OATH-LDAP documents.
 *
 * The credentials file, one line per user, tab-separated, is what the load
 * generator reads:
 *   dn  password  app-password-or-"-"  totp-secret-base32-or-"-"
 * The app password is one of the user's K, picked at random, in the
 * dashed form a user copies from the tool.
 *
 * -t mfa makes every user MFA-required (the TOTP datasets), -k 0 gives
 * them no app password; -t plain makes every user a plain one. With -H
 * all users get the given userPassword value (used for the {ARGON2}
 * scenario, whose hashes are too slow to make one per user) and -p is
 * then their password.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <liboath/oath.h>
#include <nettle/sha1.h>
#include <sodium.h>

#include "apppw_record.h"
#include "apppw_secret.h"
#include "apppw_totp.h"

#define PASSWORD_LEN	12
#define SSHA_SALT_LEN	8
/* RFC 8018 OID of HMAC-SHA1, what slapo-otp calls oathHMACAlgorithm */
#define OID_HMAC_SHA1	"1.2.840.113549.2.7"

enum { KIND_HALF, KIND_PLAIN, KIND_MFA };

struct options {
	unsigned long	users;
	unsigned long	apppw_count;
	const char	*suffix;
	int		kind;		/* KIND_* */
	const char	*ldif_path;
	const char	*otp_ldif_path;
	int		otp_separate_tokens;
	const char	*creds_path;
	const char	*fixed_hash;
	const char	*fixed_password;
	unsigned	totp_digits;
	unsigned	totp_step;
	unsigned	totp_window;
};

static void
usage( const char *prog )
{
	fprintf( stderr,
		"usage: %s [-n users] [-k app-passwords] [-b suffix] [-t half|plain|mfa]\n"
		"\t[-o ldif] [-O otp-ldif] [-T] [-c credentials]\n"
		"\t[-H userPassword -p password] [-d digits] [-s step] [-w window]\n"
		"  -n  number of users (10000); every second one is MFA-required\n"
		"  -k  app passwords per MFA user (40; may be 0)\n"
		"  -b  suffix (dc=bench,dc=test)\n"
		"  -t  plain: no MFA user; mfa: all MFA (default: every second one)\n"
		"  -o  the apppw LDIF (stdout)\n"
		"  -O  also write the slapo-otp LDIF for the same users\n"
		"  -T  slapo-otp tokens in separate entries, not in the user entry\n"
		"  -c  the credentials file for loadgen (none)\n"
		"  -H  one userPassword value for every user, with -p its password\n"
		"  -d, -s, -w  TOTP digits (6), step (30), window (1) for slapo-otp\n",
		prog );
	exit( 2 );
}

static unsigned long
parse_count( const char *s, const char *what, unsigned long max )
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul( s, &end, 10 );
	if ( errno || end == s || *end || v > max ) {
		fprintf( stderr, "gendata: bad %s \"%s\"\n", what, s );
		exit( 2 );
	}
	return v;
}

static FILE *
open_out( const char *path )
{
	FILE *fp;

	if ( path == NULL || strcmp( path, "-" ) == 0 )
		return stdout;
	fp = fopen( path, "w" );
	if ( fp == NULL ) {
		fprintf( stderr, "gendata: %s: %s\n", path, strerror( errno ) );
		exit( 1 );
	}
	return fp;
}

static void
close_out( FILE *fp, const char *path )
{
	if ( fp == NULL )
		return;
	if ( ferror( fp ) || ( fp != stdout ? fclose( fp ) : fflush( fp ) ) ) {
		fprintf( stderr, "gendata: %s: write error\n",
			path ? path : "stdout" );
		exit( 1 );
	}
}

static void
random_password( char out[PASSWORD_LEN + 1] )
{
	static const char alphabet[] =
		"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	int i;

	for ( i = 0; i < PASSWORD_LEN; i++ )
		out[i] = alphabet[randombytes_uniform( sizeof(alphabet) - 1 )];
	out[PASSWORD_LEN] = '\0';
}

/* {SSHA} as slappasswd writes it: base64( SHA1( pw . salt ) . salt ).
 * libsodium has no SHA-1; nettle comes with GnuTLS, which the build
 * needs anyway. */
static void
ssha( const char *password, char *out, size_t outlen )
{
	unsigned char buf[SHA1_DIGEST_SIZE + SSHA_SALT_LEN];
	struct sha1_ctx ctx;

	randombytes_buf( buf + SHA1_DIGEST_SIZE, SSHA_SALT_LEN );
	sha1_init( &ctx );
	sha1_update( &ctx, strlen( password ), (const uint8_t *)password );
	sha1_update( &ctx, SSHA_SALT_LEN, buf + SHA1_DIGEST_SIZE );
	sha1_digest( &ctx, SHA1_DIGEST_SIZE, buf );

	snprintf( out, outlen, "{SSHA}" );
	sodium_bin2base64( out + 6, outlen - 6, buf, sizeof(buf),
		sodium_base64_VARIANT_ORIGINAL );
}

static void
write_base( FILE *fp, const struct options *o, int otp )
{
	const char *dc = o->suffix + 3;
	size_t dclen = strcspn( dc, "," );

	fprintf( fp, "dn: %s\nobjectClass: dcObject\nobjectClass: organization\n"
		"dc: %.*s\no: bench\n\n", o->suffix, (int)dclen, dc );
	fprintf( fp, "dn: ou=people,%s\nobjectClass: organizationalUnit\n"
		"ou: people\n\n", o->suffix );
	if ( !otp )
		return;
	fprintf( fp, "dn: ou=oath,%s\nobjectClass: organizationalUnit\n"
		"ou: oath\n\n", o->suffix );
	fprintf( fp, "dn: cn=totp-params,ou=oath,%s\n"
		"objectClass: organizationalRole\nobjectClass: oathTOTPParams\n"
		"cn: totp-params\noathOTPLength: %u\noathHMACAlgorithm: %s\n"
		"oathTOTPTimeStepPeriod: %u\noathTOTPTimeStepWindow: %u\n\n",
		o->suffix, o->totp_digits, OID_HMAC_SHA1, o->totp_step,
		o->totp_window );
	if ( o->otp_separate_tokens )
		fprintf( fp, "dn: ou=tokens,%s\nobjectClass: organizationalUnit\n"
			"ou: tokens\n\n", o->suffix );
}

/* The entry's first lines. slapadd wants all values of an attribute
 * together, so the auxiliary classes come here, in extra_oc (a list of
 * "objectClass: ..." lines, or ""). */
static void
write_person( FILE *fp, const char *dn, unsigned long i,
	const char *userpassword, const char *extra_oc )
{
	fprintf( fp, "dn: %s\nobjectClass: inetOrgPerson\n%s", dn, extra_oc );
	fprintf( fp, "uid: u%06lu\ncn: Bench User %lu\nsn: User%lu\n"
		"mail: u%06lu@bench.test\nuserPassword: %s\n",
		i, i, i, i, userpassword );
}

/* K records with distinct ids; returns the dashed form of one of them,
 * chosen at random so that no position in the list is favoured. */
static void
write_apppw_records( FILE *fp, unsigned long count, time_t now,
	char chosen[APPPW_DISPLAY_LEN + 1] )
{
	char (*ids)[APPPW_ID_LEN + 1];
	unsigned long n, j, pick;
	char record[APPPW_RECORD_MAX];

	ids = calloc( count ? count : 1, sizeof(*ids) );
	if ( ids == NULL ) {
		fprintf( stderr, "gendata: out of memory\n" );
		exit( 1 );
	}
	if ( count == 0 )
		return;
	pick = randombytes_uniform( (uint32_t)count );
	for ( n = 0; n < count; ) {
		char password[APPPW_PASSWORD_LEN + 1];
		apppw_record r;
		int dup = 0;

		apppw_generate( password );
		/* ids are 20 random bits: among 40 a collision happens for
		 * about one user in a thousand, and the overlay finds a
		 * record by its id, so draw again */
		for ( j = 0; j < n; j++ )
			if ( memcmp( ids[j], password, APPPW_ID_LEN ) == 0 )
				dup = 1;
		if ( dup )
			continue;
		memcpy( ids[n], password, APPPW_ID_LEN );

		memset( &r, 0, sizeof(r) );
		memcpy( r.id, password, APPPW_ID_LEN );
		snprintf( r.label, sizeof(r.label), "bench device %lu", n + 1 );
		r.created = now;
		r.keyed = 0;
		apppw_salt( r.salt );
		if ( apppw_hash( password, r.salt, NULL, r.hash ) != 0 ||
				apppw_record_format( &r, record, sizeof(record) ) < 0 ) {
			fprintf( stderr, "gendata: cannot build a record\n" );
			exit( 1 );
		}
		fprintf( fp, "apppwPassword: %s\n", record );
		if ( n == pick )
			apppw_display( password, chosen );
		apppw_wipe( password, sizeof(password) );
		n++;
	}
	free( ids );
}

static void
write_otp_user( FILE *fp, const struct options *o, const char *dn,
	unsigned long i, const char *userpassword, const char *totp_b32 )
{
	char *raw = NULL, *b64;
	size_t rawlen = 0, b64len;

	if ( oath_base32_decode( totp_b32, strlen( totp_b32 ), &raw, &rawlen )
			!= OATH_OK ) {
		fprintf( stderr, "gendata: cannot decode a TOTP secret\n" );
		exit( 1 );
	}
	b64len = sodium_base64_ENCODED_LEN( rawlen,
		sodium_base64_VARIANT_ORIGINAL );
	b64 = malloc( b64len );
	if ( b64 == NULL ) {
		fprintf( stderr, "gendata: out of memory\n" );
		exit( 1 );
	}
	sodium_bin2base64( b64, b64len, (unsigned char *)raw, rawlen,
		sodium_base64_VARIANT_ORIGINAL );

	write_person( fp, dn, i, userpassword, o->otp_separate_tokens ?
		"objectClass: oathTOTPUser\n" :
		"objectClass: oathTOTPUser\nobjectClass: oathTOTPToken\n" );
	if ( o->otp_separate_tokens ) {
		fprintf( fp, "oathTOTPToken: cn=u%06lu,ou=tokens,%s\n\n",
			i, o->suffix );
		fprintf( fp, "dn: cn=u%06lu,ou=tokens,%s\n"
			"objectClass: device\nobjectClass: oathTOTPToken\n"
			"cn: u%06lu\n", i, o->suffix, i );
	} else {
		fprintf( fp, "oathTOTPToken: %s\n", dn );
	}
	fprintf( fp, "oathSecret:: %s\noathTOTPParams: cn=totp-params,"
		"ou=oath,%s\n\n", b64, o->suffix );

	sodium_memzero( raw, rawlen );
	free( raw );
	free( b64 );
}

static void
generate( const struct options *o )
{
	FILE *ldif, *otp = NULL, *creds = NULL;
	time_t now = time( NULL );
	unsigned long i;

	ldif = open_out( o->ldif_path );
	if ( o->otp_ldif_path )
		otp = open_out( o->otp_ldif_path );
	if ( o->creds_path )
		creds = open_out( o->creds_path );

	write_base( ldif, o, 0 );
	if ( otp )
		write_base( otp, o, 1 );
	if ( creds )
		fprintf( creds, "# dn\tpassword\tapp password\tTOTP secret\n" );

	for ( i = 0; i < o->users; i++ ) {
		char dn[256], password[PASSWORD_LEN + 1], hash[128];
		char apppw[APPPW_DISPLAY_LEN + 1] = "-";
		char totp[64] = "-";
		const char *pw = password, *userpassword = hash;
		int mfa = o->kind == KIND_MFA ||
			( o->kind == KIND_HALF && ( i & 1 ) );

		snprintf( dn, sizeof(dn), "uid=u%06lu,ou=people,%s",
			i, o->suffix );
		if ( o->fixed_hash ) {
			pw = o->fixed_password;
			userpassword = o->fixed_hash;
		} else {
			random_password( password );
			ssha( password, hash, sizeof(hash) );
		}

		write_person( ldif, dn, i, userpassword,
			mfa ? "objectClass: apppwUser\n" : "" );
		if ( mfa ) {
			if ( apppw_totp_new( totp, sizeof(totp) ) != 0 ) {
				fprintf( stderr, "gendata: apppw_totp_new failed\n" );
				exit( 1 );
			}
			fprintf( ldif, "apppwMFARequired: TRUE\napppwTOTPSecret: %s\n", totp );
			write_apppw_records( ldif, o->apppw_count, now, apppw );
		}
		fputc( '\n', ldif );

		if ( otp ) {
			if ( mfa ) {
				write_otp_user( otp, o, dn, i, userpassword, totp );
			} else {
				write_person( otp, dn, i, userpassword, "" );
				fputc( '\n', otp );
			}
		}
		if ( creds )
			fprintf( creds, "%s\t%s\t%s\t%s\n", dn, pw, apppw, totp );
	}

	close_out( ldif, o->ldif_path );
	close_out( otp, o->otp_ldif_path );
	close_out( creds, o->creds_path );
}

int
main( int argc, char **argv )
{
	struct options o = {
		.users = 10000,
		.apppw_count = 40,
		.suffix = "dc=bench,dc=test",
		.totp_digits = 6,
		.totp_step = 30,
		.totp_window = 1,
	};
	int c;

	while ( ( c = getopt( argc, argv, "n:k:b:t:o:O:Tc:H:p:d:s:w:" ) ) != -1 ) {
		switch ( c ) {
		case 'n': o.users = parse_count( optarg, "user count", 999999 ); break;
		case 'k': o.apppw_count = parse_count( optarg, "app password count", 1000 ); break;
		case 'b': o.suffix = optarg; break;
		case 't':
			if ( strcmp( optarg, "plain" ) == 0 )
				o.kind = KIND_PLAIN;
			else if ( strcmp( optarg, "mfa" ) == 0 )
				o.kind = KIND_MFA;
			else if ( strcmp( optarg, "half" ) == 0 )
				o.kind = KIND_HALF;
			else
				usage( argv[0] );
			break;
		case 'o': o.ldif_path = optarg; break;
		case 'O': o.otp_ldif_path = optarg; break;
		case 'T': o.otp_separate_tokens = 1; break;
		case 'c': o.creds_path = optarg; break;
		case 'H': o.fixed_hash = optarg; break;
		case 'p': o.fixed_password = optarg; break;
		case 'd': o.totp_digits = parse_count( optarg, "digits", 8 ); break;
		case 's': o.totp_step = parse_count( optarg, "step", 3600 ); break;
		case 'w': o.totp_window = parse_count( optarg, "window", 10 ); break;
		default: usage( argv[0] );
		}
	}
	if ( optind != argc || strncmp( o.suffix, "dc=", 3 ) != 0 ||
			( o.fixed_hash && !o.fixed_password ) ||
			( o.totp_digits < 6 ) )
		usage( argv[0] );

	if ( apppw_secret_init() != 0 || apppw_totp_init() != 0 ) {
		fprintf( stderr, "gendata: cannot initialise libsodium/liboath\n" );
		return 1;
	}
	generate( &o );
	return 0;
}
