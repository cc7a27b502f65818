/* t-request.c - app password requests: parse, refuse, tell from records */
#include <string.h>

#include "apppw_record.h"
#include "record-samples.h"
#include "tap.h"

static enum apppw_record_error
request_n( const char *s, size_t len, apppw_record *r, char pw[APPPW_PASSWORD_LEN + 1] )
{
	enum apppw_record_error rc;

	memset( r, 0xa5, sizeof( *r ) );
	memset( pw, 0xa5, APPPW_PASSWORD_LEN + 1 );
	rc = apppw_request_parse( s, len, r, pw );
	if ( rc != APPPW_REC_OK && ( !is_zero( r, sizeof( *r ) ) ||
			!is_zero( pw, APPPW_PASSWORD_LEN + 1 ) ) ) {
		diag( "request outputs not zeroed after error %d", rc );
		return (enum apppw_record_error)-1;
	}
	return rc;
}

static enum apppw_record_error
request( const char *s )
{
	apppw_record r;
	char pw[APPPW_PASSWORD_LEN + 1];

	return request_n( s, strlen( s ), &r, pw );
}

#define REQ_REFUSE( s, err, name ) \
	is_int( request( s ), err, "request refused (%s): %s", #err, name )

static void
test_request( void )
{
	apppw_record r;
	char pw[APPPW_PASSWORD_LEN + 1];
	const char *s;

	s = "password=" PW " label=Outlook";
	is_int( request_n( s, strlen( s ), &r, pw ), APPPW_REC_OK, "minimal request" );
	is_str( pw, PWNORM, "request: password normalised" );
	is_str( r.id, "k7fq", "request: id is the first group" );
	is_str( r.label, "Outlook", "request: label" );
	ok( r.created == 0 && r.expires == 0 && r.scope[0] == '\0' && r.keyed == 0 &&
		is_zero( r.salt, sizeof( r.salt ) ) && is_zero( r.hash, sizeof( r.hash ) ),
		"request: the rest is zero" );

	s = "expires=20270101000000Z scope=mail password=K7FQ2M9XABCDEFGHJKMN label=Apple Mail";
	is_int( request_n( s, strlen( s ), &r, pw ), APPPW_REC_OK, "full request" );
	is_str( pw, PWNORM, "full request: password" );
	is_int( r.expires, 1798761600, "full request: expires" );
	is_str( r.scope, "mail", "full request: scope" );
	is_str( r.label, "Apple Mail", "full request: label" );

	REQ_REFUSE( "", APPPW_REC_EMPTY, "empty" );
	REQ_REFUSE( "password=k7fq-2m9x label=x", APPPW_REC_BAD_PASSWORD, "short password" );
	REQ_REFUSE( "password=k7fq-2m9x-abcd-efgh-jkmu label=x", APPPW_REC_BAD_PASSWORD,
		"password with u" );
	REQ_REFUSE( "password= label=x", APPPW_REC_BAD_PASSWORD, "empty password" );
	REQ_REFUSE( "password=" PW, APPPW_REC_MISSING_FIELD, "no label" );
	REQ_REFUSE( "label=x password=" PW, APPPW_REC_MISSING_FIELD,
		"label first swallows the password" );
	REQ_REFUSE( "scope=mail label=x", APPPW_REC_MISSING_FIELD, "no password" );
	REQ_REFUSE( "scope=mail expires=20270101000000Z password=" PW " label=x",
		APPPW_REC_BAD_FIELD, "scope before expires" );
	REQ_REFUSE( "id=k7fq password=" PW " label=x", APPPW_REC_BAD_FIELD, "id in a request" );
	REQ_REFUSE( "password=" PW " password=" PW " label=x", APPPW_REC_BAD_FIELD,
		"repeated password" );
	REQ_REFUSE( "expires=20271301000000Z password=" PW " label=x", APPPW_REC_BAD_TIME,
		"bad expires" );
	REQ_REFUSE( "expires=19700101000000Z password=" PW " label=x", APPPW_REC_BAD_TIME,
		"expires at the epoch" );
	REQ_REFUSE( "scope=MAIL password=" PW " label=x", APPPW_REC_BAD_SCOPE, "bad scope" );
	REQ_REFUSE( "password=" PW " label=\xc0\x80", APPPW_REC_BAD_LABEL, "bad label" );
	REQ_REFUSE( "password=" PW "  label=x", APPPW_REC_BAD_FIELD, "two spaces" );
	is_int( request_n( "password=" PW "\0 label=x", sizeof( "password=" PW "\0 label=x" ) - 1,
		&r, pw ), APPPW_REC_NUL, "request refused (APPPW_REC_NUL)" );
	{
		char big[APPPW_RECORD_MAX + 10];
		memset( big, 'a', sizeof( big ) );
		is_int( request_n( big, sizeof( big ), &r, pw ), APPPW_REC_TOO_LONG,
			"request refused (APPPW_REC_TOO_LONG)" );
	}

	/* the password in the request carries the secret: wiped by the caller */
	apppw_wipe( pw, sizeof( pw ) );
}

static void
test_is_request( void )
{
	ok( apppw_value_is_request( "password=" PW " label=x", 40 ), "password= is a request" );
	ok( apppw_value_is_request( "expires=20270101000000Z", 23 ), "expires= is a request" );
	ok( apppw_value_is_request( "scope=mail", 10 ), "scope= is a request" );
	ok( !apppw_value_is_request( MINIMAL, strlen( MINIMAL ) ), "a record is not" );
	ok( !apppw_value_is_request( "label=x", 7 ), "label= is not" );
	ok( !apppw_value_is_request( "PASSWORD=x", 10 ), "PASSWORD= is not" );
	ok( !apppw_value_is_request( "password", 8 ), "password without = is not" );
	ok( !apppw_value_is_request( "password=", 8 ), "a short length is honoured" );
	ok( !apppw_value_is_request( "", 0 ), "empty is not" );
	ok( !apppw_value_is_request( NULL, 10 ), "NULL is not" );
}

int
main( void )
{
	if ( apppw_secret_init() != 0 ) {
		printf( "1..0 # SKIP libsodium does not initialise\n" );
		return 0;
	}
	test_request();
	test_is_request();
	return done_testing();
}
