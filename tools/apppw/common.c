/* common.c - messages, and memory that is there or ends the tool */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldap.h>

#include "apppw.h"

int verbose;

void
usage_error( const char *fmt, ... )
{
	va_list ap;

	fputs( "apppw: ", stderr );
	va_start( ap, fmt );
	vfprintf( stderr, fmt, ap );
	va_end( ap );
	fputs( "\nRun \"apppw -h\" for the usage.\n", stderr );
	exit( EXIT_USAGE );
}

/* One line on stderr, so that stdout carries only what scripts capture. */
static void
vmessage( const char *prefix, const char *fmt, va_list ap )
{
	fputs( prefix, stderr );
	vfprintf( stderr, fmt, ap );
	fputc( '\n', stderr );
}

void
complain( const char *fmt, ... )
{
	va_list ap;

	va_start( ap, fmt );
	vmessage( "apppw: ", fmt, ap );
	va_end( ap );
}

void
say( const char *fmt, ... )
{
	va_list ap;

	va_start( ap, fmt );
	vmessage( "", fmt, ap );
	va_end( ap );
}

void
trace( const char *fmt, ... )
{
	va_list ap;

	if ( !verbose ) {
		return;
	}
	va_start( ap, fmt );
	vmessage( "apppw: ", fmt, ap );
	va_end( ap );
}

void
ldap_complain( LDAP *ld, const char *what, int rc )
{
	char *diag = NULL;

	complain( "%s: %s (%d)", what, ldap_err2string( rc ), rc );
	if ( ld != NULL && ldap_get_option( ld, LDAP_OPT_DIAGNOSTIC_MESSAGE,
			&diag ) == LDAP_OPT_SUCCESS && diag != NULL ) {
		if ( *diag != '\0' ) {
			fprintf( stderr, "\tadditional info: %s\n", diag );
		}
		ldap_memfree( diag );
	}
}

void
json_string( const char *s )
{
	putchar( '"' );
	for ( ; *s; s++ ) {
		unsigned char c = *s;

		if ( c == '"' || c == '\\' ) {
			printf( "\\%c", c );
		} else if ( c < 0x20 || c == 0x7f ) {
			printf( "\\u%04x", c );
		} else {
			putchar( c );
		}
	}
	putchar( '"' );
}

/* Every allocation is small: failing one leaves nothing sensible to do,
 * and main() wipes the bind password on the way out. */
static void *
enough( void *p )
{
	if ( p == NULL ) {
		complain( "out of memory" );
		exit( EXIT_LOCAL );
	}
	return p;
}

void *
xcalloc( size_t n, size_t size )
{
	return enough( calloc( n ? n : 1, size ) );
}

void *
xrealloc( void *p, size_t size )
{
	return enough( realloc( p, size ) );
}

char *
xstrdup( const char *s )
{
	return enough( strdup( s ) );
}

char *
xstrndup( const char *s, size_t n )
{
	return enough( strndup( s, n ) );
}
