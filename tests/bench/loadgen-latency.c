/* loadgen-latency.c - the latencies of the counted binds: percentiles, the
 * latency file, and -P, which summarises such a file
 *
 * Percentiles are nearest-rank, here and in -P alike, so that one run's
 * figures and a merged file's agree.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loadgen.h"

int
cmp_u64( const void *a, const void *b )
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of a sorted array, in microseconds. */
double
percentile_us( const uint64_t *v, size_t n, double p )
{
	size_t rank;

	if ( n == 0 )
		return 0;
	rank = (size_t)( p * n + 0.999999 );
	if ( rank < 1 )
		rank = 1;
	if ( rank > n )
		rank = n;
	return v[rank - 1] / 1000.0;
}

/* Raw latencies, so that runs made in several rounds (TOTP bursts) can
 * be summarised together. */
void
write_latencies( const uint64_t *v, size_t n )
{
	FILE *fp = fopen( cfg.latfile, "a" );
	size_t i;

	if ( fp == NULL ) {
		fprintf( stderr, "loadgen: %s: %s\n", cfg.latfile, strerror( errno ) );
		exit( 2 );
	}
	for ( i = 0; i < n; i++ )
		fprintf( fp, "%.1f\n", v[i] / 1000.0 );
	if ( fclose( fp ) != 0 )
		die( "cannot write the latency file" );
}

static int
cmp_double( const void *a, const void *b )
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* -P: the percentiles of the latencies of several runs, written with -o */
int
summarise( void )
{
	FILE *fp = fopen( cfg.summarise, "r" );
	double *v = NULL, x;
	size_t n = 0, cap = 0, r50, r99;

	if ( fp == NULL ) {
		fprintf( stderr, "loadgen: %s: %s\n", cfg.summarise, strerror( errno ) );
		return 2;
	}
	while ( fscanf( fp, "%lf", &x ) == 1 ) {
		if ( n == cap ) {
			cap = cap ? cap * 2 : 65536;
			v = realloc( v, cap * sizeof(*v) );
			if ( v == NULL )
				die( "out of memory" );
		}
		v[n++] = x;
	}
	fclose( fp );
	if ( n == 0 ) {
		printf( "count=0 p50_us=0 p99_us=0\n" );
		return 1;
	}
	qsort( v, n, sizeof(*v), cmp_double );
	/* nearest rank, as percentile_us() */
	r50 = (size_t)( 0.50 * n + 0.999999 );
	r99 = (size_t)( 0.99 * n + 0.999999 );
	printf( "count=%zu p50_us=%.1f p99_us=%.1f\n", n,
		v[( r50 ? r50 : 1 ) - 1], v[( r99 ? r99 : 1 ) - 1] );
	free( v );
	return 0;
}
