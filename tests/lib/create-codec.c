/* create-codec.c - the create operation's values for the shell scenarios,
 * in base64 as ldapexop takes and prints them
 *
 *	create-codec oid
 *		the operation's OID
 *	create-codec request [target=DN] [label=LABEL] [expires=TIME] [scope=NAME]
 *		the requestValue
 *	create-codec response
 *		"ID PASSWORD" from the responseValue on standard input
 *	create-codec enrol-oid
 *		the enrol operation's OID
 *	create-codec enrol DN PASSWORD SECRET CODE
 *		the enrol operation's requestValue (apppw_enrol.h)
 *	create-codec enrol-response
 *		the step's start time from its responseValue on standard input,
 *		then its recovery codes, one a line
 *	create-codec recovery-oid
 *		the "make new recovery codes" operation's OID
 *	create-codec recovery [DN]
 *		its requestValue (apppw_recovery.h)
 *	create-codec recovery-response
 *		the recovery codes of its responseValue, one a line
 *
 * A request that the library's encoder can express (a label, and each
 * field at most once, in the order of apppw_proto.h) is made by it, as the
 * tool makes it. The scenarios also send requests that the server must
 * refuse: a label missing, fields out of order or twice. Those are written
 * element by element, in the order given.
 *
 * Exit status: 0, 1 a response that is none, 2 usage.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lber.h>
#include <sodium.h>

#include "apppw_create.h"
#include "apppw_enrol.h"
#include "apppw_proto.h"
#include "apppw_recovery.h"
#include "apppw_secret.h"

#define VARIANT		sodium_base64_VARIANT_ORIGINAL
#define FIELDS_MAX	16

static const struct {
	const char	*name;
	ber_tag_t	tag;
} fields[] = {
	/* in the order the request takes them */
	{ "target", APPPW_TAG_TARGET },
	{ "label", APPPW_TAG_LABEL },
	{ "expires", APPPW_TAG_EXPIRES },
	{ "scope", APPPW_TAG_SCOPE },
};
#define NFIELDS		( sizeof( fields ) / sizeof( fields[0] ) )

static void __attribute__(( noreturn ))
usage( void )
{
	fputs( "usage: create-codec oid | request [target=DN] [label=LABEL] "
		"[expires=TIME] [scope=NAME] | response | enrol-oid |\n"
		"       enrol DN PASSWORD SECRET CODE | enrol-response |\n"
		"       recovery-oid | recovery [DN] | recovery-response\n", stderr );
	exit( 2 );
}

static void
print_base64( const struct berval *bv )
{
	size_t len = sodium_base64_ENCODED_LEN( bv->bv_len, VARIANT );
	char *b64 = malloc( len );

	if ( b64 == NULL ) {
		perror( "create-codec" );
		exit( 2 );
	}
	sodium_bin2base64( b64, len, (const unsigned char *)bv->bv_val,
		bv->bv_len, VARIANT );
	puts( b64 );
	free( b64 );
}

/* Fields as given, each "name=value": where the encoder would refuse them
 * or write them otherwise, element by element. */
static int
request( int argc, char **argv )
{
	struct apppw_create_request req;
	struct berval *out = NULL, *slot[NFIELDS], val[FIELDS_MAX];
	ber_tag_t tags[FIELDS_MAX];
	BerElement *ber;
	size_t f, len, last = 0;
	int i, in_order = 1;

	if ( argc > FIELDS_MAX ) {
		usage();
	}
	memset( &req, 0, sizeof( req ) );
	slot[0] = &req.target;
	slot[1] = &req.label;
	slot[2] = &req.expires;
	slot[3] = &req.scope;
	for ( i = 0; i < argc; i++ ) {
		for ( f = 0; f < NFIELDS; f++ ) {
			len = strlen( fields[f].name );
			if ( strncmp( argv[i], fields[f].name, len ) == 0 &&
					argv[i][len] == '=' ) {
				break;
			}
		}
		if ( f == NFIELDS ) {
			fprintf( stderr, "create-codec: %s?\n", argv[i] );
			usage();
		}
		ber_str2bv( argv[i] + len + 1, 0, 0, &val[i] );
		tags[i] = fields[f].tag;
		if ( i > 0 && f <= last ) {
			in_order = 0;
		}
		last = f;
		*slot[f] = val[i];
	}

	if ( in_order && req.label.bv_val != NULL ) {
		if ( apppw_create_request_encode( &req, &out ) != 0 ) {
			fputs( "create-codec: cannot encode the request\n", stderr );
			return 2;
		}
	} else {
		if ( ( ber = ber_alloc_t( LBER_USE_DER ) ) == NULL ||
				ber_printf( ber, "{" ) < 0 ) {
			fputs( "create-codec: cannot encode the request\n", stderr );
			return 2;
		}
		for ( i = 0; i < argc && ber_printf( ber, "tO", tags[i], &val[i] ) >= 0; i++ )
			;
		if ( i < argc || ber_printf( ber, "}" ) < 0 ||
				ber_flatten( ber, &out ) < 0 ) {
			fputs( "create-codec: cannot encode the request\n", stderr );
			ber_free( ber, 1 );
			return 2;
		}
		ber_free( ber, 1 );
	}
	print_base64( out );
	ber_bvfree( out );
	return 0;
}

/* A responseValue from standard input, in base64, into bin. 0 or 1. */
static int
read_response( unsigned char *bin, size_t size, struct berval *bv )
{
	char b64[1024];
	size_t len, binlen;

	len = fread( b64, 1, sizeof( b64 ), stdin );
	if ( len == sizeof( b64 ) || sodium_base642bin( bin, size, b64,
			len, " \r\n", &binlen, NULL, VARIANT ) != 0 ) {
		fputs( "create-codec: the response is not base64\n", stderr );
		return 1;
	}
	bv->bv_val = (char *)bin;
	bv->bv_len = binlen;
	return 0;
}

static int
enrol_request( char **argv )
{
	struct apppw_enrol_request req;
	struct berval *out = NULL;

	ber_str2bv( argv[0], 0, 0, &req.dn );
	ber_str2bv( argv[1], 0, 0, &req.password );
	ber_str2bv( argv[2], 0, 0, &req.secret );
	ber_str2bv( argv[3], 0, 0, &req.code );
	if ( apppw_enrol_request_encode( &req, &out ) != 0 ) {
		fputs( "create-codec: cannot encode the request\n", stderr );
		return 2;
	}
	print_base64( out );
	ber_bvfree( out );
	return 0;
}

static void
print_codes( const struct apppw_recovery_codes *codes )
{
	int i;

	for ( i = 0; i < codes->n; i++ ) {
		printf( "%.*s\n", (int)codes->code[i].bv_len, codes->code[i].bv_val );
	}
}

static int
enrol_response( void )
{
	unsigned char bin[1024];
	struct apppw_recovery_codes codes;
	struct berval bv;
	time_t step;

	if ( read_response( bin, sizeof( bin ), &bv ) ) {
		return 1;
	}
	if ( apppw_enrol_response_decode( &bv, &step, &codes ) != 0 ) {
		fputs( "create-codec: not an enrol response\n", stderr );
		return 1;
	}
	printf( "%lld\n", (long long)step );
	print_codes( &codes );
	return 0;
}

static int
recovery_request( const char *dn )
{
	struct berval target, *out = NULL;

	if ( dn ) {
		ber_str2bv( dn, 0, 0, &target );
	}
	if ( apppw_recovery_request_encode( dn ? &target : NULL, &out ) != 0 ) {
		fputs( "create-codec: cannot encode the request\n", stderr );
		return 2;
	}
	print_base64( out );
	ber_bvfree( out );
	return 0;
}

static int
recovery_response( void )
{
	unsigned char bin[1024];
	struct apppw_recovery_codes codes;
	struct berval bv;

	if ( read_response( bin, sizeof( bin ), &bv ) ) {
		return 1;
	}
	if ( apppw_recovery_response_decode( &bv, &codes ) != 0 ) {
		fputs( "create-codec: not a recovery response\n", stderr );
		return 1;
	}
	print_codes( &codes );
	return 0;
}

static int
response( void )
{
	char norm[APPPW_PASSWORD_LEN + 1];
	unsigned char bin[1024];
	struct berval bv;

	if ( read_response( bin, sizeof( bin ), &bv ) ) {
		return 1;
	}
	if ( apppw_create_response_decode( &bv, norm ) != 0 ) {
		fputs( "create-codec: not a create response\n", stderr );
		return 1;
	}
	printf( "%.*s %s\n", APPPW_ID_LEN, norm, norm );
	return 0;
}

int
main( int argc, char **argv )
{
	if ( argc < 2 || apppw_secret_init() != 0 ) {
		usage();
	}
	if ( strcmp( argv[1], "oid" ) == 0 && argc == 2 ) {
		puts( APPPW_OID_EXOP_CREATE );
		return 0;
	}
	if ( strcmp( argv[1], "request" ) == 0 ) {
		return request( argc - 2, argv + 2 );
	}
	if ( strcmp( argv[1], "response" ) == 0 && argc == 2 ) {
		return response();
	}
	if ( strcmp( argv[1], "enrol-oid" ) == 0 && argc == 2 ) {
		puts( APPPW_OID_EXOP_ENROL );
		return 0;
	}
	if ( strcmp( argv[1], "enrol" ) == 0 && argc == 6 ) {
		return enrol_request( argv + 2 );
	}
	if ( strcmp( argv[1], "enrol-response" ) == 0 && argc == 2 ) {
		return enrol_response();
	}
	if ( strcmp( argv[1], "recovery-oid" ) == 0 && argc == 2 ) {
		puts( APPPW_OID_EXOP_RECOVERY );
		return 0;
	}
	if ( strcmp( argv[1], "recovery" ) == 0 && argc <= 3 ) {
		return recovery_request( argc == 3 ? argv[2] : NULL );
	}
	if ( strcmp( argv[1], "recovery-response" ) == 0 && argc == 2 ) {
		return recovery_response();
	}
	usage();
}
