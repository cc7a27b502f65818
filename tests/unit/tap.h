/* tap.h - a tiny Test Anything Protocol helper for the unit tests
 *
 *	plan( n );			optional: "1..n" up front
 *	ok( cond, "name %d", i );	returns cond, so a test may chain on it
 *	is_int( got, want, "name" );
 *	is_str( got, want, "name" );
 *	diag( "note" );
 *	is_zero( p, n )			1 when n bytes at p are all zero, as
 *					a refusal must leave its outputs
 *	return done_testing();		trailing plan when none was given;
 *					non-zero when anything failed
 *
 * One program, one thread: the counters are plain statics.
 */
#ifndef APPPW_TAP_H
#define APPPW_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define TAP_PRINTF( f, a )	__attribute__(( format( printf, f, a ) ))

static int tap_planned = -1;
static int tap_run;
static int tap_failed;

static inline void
plan( int n )
{
	tap_planned = n;
	printf( "1..%d\n", n );
	fflush( stdout );
}

static inline void
tap_vdiag( const char *fmt, va_list ap )
{
	/* on stdout, prefixed, so prove keeps them next to their test */
	fputs( "# ", stdout );
	vprintf( fmt, ap );
	fputc( '\n', stdout );
}

static inline void TAP_PRINTF( 1, 2 )
diag( const char *fmt, ... )
{
	va_list ap;

	va_start( ap, fmt );
	tap_vdiag( fmt, ap );
	va_end( ap );
}

static inline int
tap_vok( int cond, const char *fmt, va_list ap )
{
	tap_run++;
	if ( !cond ) {
		tap_failed++;
		fputs( "not ", stdout );
	}
	printf( "ok %d - ", tap_run );
	vprintf( fmt, ap );
	fputc( '\n', stdout );
	fflush( stdout );
	return cond;
}

static inline int TAP_PRINTF( 2, 3 )
ok( int cond, const char *fmt, ... )
{
	va_list ap;

	va_start( ap, fmt );
	cond = tap_vok( cond != 0, fmt, ap );
	va_end( ap );
	return cond;
}

static inline int TAP_PRINTF( 3, 4 )
is_int( long long got, long long want, const char *fmt, ... )
{
	va_list ap;
	int cond = got == want;

	va_start( ap, fmt );
	tap_vok( cond, fmt, ap );
	va_end( ap );
	if ( !cond ) {
		diag( "     got: %lld", got );
		diag( "expected: %lld", want );
	}
	return cond;
}

static inline int TAP_PRINTF( 3, 4 )
is_str( const char *got, const char *want, const char *fmt, ... )
{
	va_list ap;
	int cond;

	cond = ( got == NULL && want == NULL ) ||
		( got != NULL && want != NULL && strcmp( got, want ) == 0 );
	va_start( ap, fmt );
	tap_vok( cond, fmt, ap );
	va_end( ap );
	if ( !cond ) {
		diag( "     got: %s%s%s", got ? "'" : "", got ? got : "NULL", got ? "'" : "" );
		diag( "expected: %s%s%s", want ? "'" : "", want ? want : "NULL", want ? "'" : "" );
	}
	return cond;
}

static inline int
is_zero( const void *p, size_t n )
{
	const unsigned char *u = p;
	size_t i;

	for ( i = 0; i < n; i++ ) {
		if ( u[i] != 0 ) {
			return 0;
		}
	}
	return 1;
}

/* The exit status: 0 only when every test ran and passed. */
static inline int
done_testing( void )
{
	if ( tap_planned < 0 ) {
		printf( "1..%d\n", tap_run );
	} else if ( tap_planned != tap_run ) {
		diag( "planned %d tests but ran %d", tap_planned, tap_run );
		return 255;
	}
	if ( tap_failed > 0 ) {
		diag( "failed %d of %d tests", tap_failed, tap_run );
	}
	fflush( stdout );
	return tap_failed > 254 ? 254 : tap_failed;
}

#endif /* APPPW_TAP_H */
