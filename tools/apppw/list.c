/* list.c - apppw list: an entry's app passwords, as a table, TSV or JSON */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ldap.h>

#include "apppw.h"
#include "apppw_proto.h"
#include "apppw_record.h"
#include "apppw_secret.h"
#include "apppw_state.h"
#include "apppw_time.h"

#define TIME_SHOWN_LEN	18
_Static_assert( sizeof( "2026-11-24 18:41Z" ) == TIME_SHOWN_LEN,
	"TIME_SHOWN_LEN holds a time as the table shows it" );
#define EXPIRES_SHOWN_LEN	( sizeof( "expired " ) + TIME_SHOWN_LEN + \
	APPPW_EXPIRY_REASON_MAX_LEN )

static enum format format;

struct row {
	apppw_record	rec;
	time_t		last_used;	/* 0: never */
	char		from[APPPW_FROM_MAX_LEN + 1];	/* "": not known */
	time_t		ends;		/* 0: never */
	enum apppw_expiry_reason ends_by;
	int		ended;		/* ends is past */
};

/* The latest apppwLastUsed value of r's app password, when and from
 * where; none leaves them 0 and "". */
static void
row_last_use( struct row *r, struct berval **used )
{
	apppw_lastuse u;
	int i;

	for ( i = 0; used && used[i]; i++ ) {
		if ( apppw_lastused_parse( used[i]->bv_val, used[i]->bv_len,
				&u ) == 0 && strcmp( u.id, r->rec.id ) == 0 &&
				u.when > r->last_used ) {
			r->last_used = u.when;
			memcpy( r->from, u.from, sizeof( r->from ) );
		}
	}
}

/* When the app password id stops authenticating, and why: the server's
 * apppwExpiry, which knows apppw-max-age and apppw-max-idle, or, from a
 * server without it, the record's own expiry. */
static void
row_end( struct row *r, struct berval **ends, time_t now )
{
	enum apppw_expiry_reason why;
	char vid[APPPW_ID_LEN + 1];
	time_t t;
	int i;

	r->ends = r->rec.expires;
	r->ends_by = APPPW_EXPIRY_EXPIRES;
	for ( i = 0; ends && ends[i]; i++ ) {
		if ( apppw_expiry_parse( ends[i]->bv_val, ends[i]->bv_len, vid, &t,
				&why ) == 0 && strcmp( vid, r->rec.id ) == 0 ) {
			r->ends = t;
			r->ends_by = why;
			break;
		}
	}
	r->ended = r->ends != 0 && now >= r->ends;
}

static int
row_cmp( const void *a, const void *b )
{
	const struct row *x = a, *y = b;

	if ( x->rec.created != y->rec.created ) {
		return x->rec.created < y->rec.created ? -1 : 1;
	}
	return strcmp( x->rec.id, y->rec.id );
}

/* "2026-11-24 18:41Z", or absent when t is 0 */
static const char *
time_shown( time_t t, char out[TIME_SHOWN_LEN], const char *absent )
{
	struct tm tm;

	if ( t == 0 || gmtime_r( &t, &tm ) == NULL ||
			strftime( out, TIME_SHOWN_LEN, "%Y-%m-%d %H:%MZ", &tm ) == 0 ) {
		return absent;
	}
	return out;
}

/* The EXPIRES cell: "never", the time, and the reason when it is a
 * setting of the server's rather than the record's own expiry; "expired"
 * first once it is past. */
static const char *
end_shown( const struct row *r, char out[EXPIRES_SHOWN_LEN] )
{
	char when[TIME_SHOWN_LEN];

	if ( r->ends == 0 ) {
		return "never";
	}
	snprintf( out, EXPIRES_SHOWN_LEN, "%s%s%s%s", r->ended ? "expired " : "",
		time_shown( r->ends, when, "-" ),
		r->ends_by == APPPW_EXPIRY_EXPIRES ? "" : " ",
		r->ends_by == APPPW_EXPIRY_EXPIRES ? "" :
			apppw_expiry_reason_name( r->ends_by ) );
	return out;
}

/* Labels are UTF-8: columns line up by characters, not bytes. */
static size_t
utf8_width( const char *s )
{
	size_t n = 0;

	for ( ; *s; s++ ) {
		if ( ( (unsigned char)*s & 0xc0 ) != 0x80 ) {
			n++;
		}
	}
	return n;
}

#define NCOLS	7

static void
print_table( const struct row *rows, int n )
{
	static const char *head[NCOLS] =
		{ "ID", "LABEL", "CREATED", "LAST-USED", "FROM", "EXPIRES", "SCOPE" };
	char times[2][TIME_SHOWN_LEN], ends[EXPIRES_SHOWN_LEN];
	const char *cell[NCOLS];
	size_t width[NCOLS], w;
	int i, c, pass;

	for ( c = 0; c < NCOLS; c++ ) {
		width[c] = strlen( head[c] );
	}
	/* the first pass measures, the second prints */
	for ( pass = 0; pass < 2; pass++ ) {
		for ( i = -1; i < n; i++ ) {
			if ( i < 0 ) {
				memcpy( cell, head, sizeof( cell ) );
			} else {
				cell[0] = rows[i].rec.id;
				cell[1] = rows[i].rec.label;
				cell[2] = time_shown( rows[i].rec.created, times[0], "-" );
				cell[3] = time_shown( rows[i].last_used, times[1], "never" );
				cell[4] = rows[i].from[0] ? rows[i].from : "-";
				cell[5] = end_shown( &rows[i], ends );
				cell[6] = rows[i].rec.scope[0] ? rows[i].rec.scope : "-";
			}
			for ( c = 0; c < NCOLS; c++ ) {
				w = utf8_width( cell[c] );
				if ( pass == 0 ) {
					if ( w > width[c] ) {
						width[c] = w;
					}
				} else if ( c < NCOLS - 1 ) {
					printf( "%s%*s", cell[c], (int)( width[c] - w + 2 ), "" );
				} else {
					printf( "%s\n", cell[c] );
				}
			}
		}
	}
}

static void
print_tsv( const struct row *rows, int n )
{
	char created[APPPW_TIME_LEN + 1], used[APPPW_TIME_LEN + 1],
		expires[APPPW_TIME_LEN + 1];
	int i;

	printf( "id\tlabel\tcreated\tlast_used\tfrom\texpires\tscope\t"
		"expires_by\texpired\n" );
	for ( i = 0; i < n; i++ ) {
		apppw_time_format( rows[i].rec.created, created );
		used[0] = expires[0] = '\0';
		if ( rows[i].last_used ) {
			apppw_time_format( rows[i].last_used, used );
		}
		if ( rows[i].ends ) {
			apppw_time_format( rows[i].ends, expires );
		}
		printf( "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", rows[i].rec.id,
			rows[i].rec.label, created, used, rows[i].from, expires,
			rows[i].rec.scope,
			rows[i].ends ? apppw_expiry_reason_name( rows[i].ends_by ) : "",
			rows[i].ended ? "yes" : "no" );
	}
}

/* RFC 3339, what JSON consumers parse; null when t is 0 */
static void
json_time( const char *name, time_t t )
{
	char out[sizeof( "2026-11-24T18:41:00Z" )];
	struct tm tm;

	printf( ", \"%s\": ", name );
	if ( t == 0 || gmtime_r( &t, &tm ) == NULL ||
			strftime( out, sizeof( out ), "%Y-%m-%dT%H:%M:%SZ", &tm ) == 0 ) {
		fputs( "null", stdout );
	} else {
		printf( "\"%s\"", out );
	}
}

static void
print_json( const struct row *rows, int n )
{
	int i;

	putchar( '[' );
	for ( i = 0; i < n; i++ ) {
		fputs( i ? ",\n  {\"id\": " : "\n  {\"id\": ", stdout );
		json_string( rows[i].rec.id );
		fputs( ", \"label\": ", stdout );
		json_string( rows[i].rec.label );
		json_time( "created", rows[i].rec.created );
		json_time( "last_used", rows[i].last_used );
		fputs( ", \"from\": ", stdout );
		if ( rows[i].from[0] ) {
			json_string( rows[i].from );
		} else {
			fputs( "null", stdout );
		}
		json_time( "expires", rows[i].ends );
		fputs( ", \"expires_by\": ", stdout );
		if ( rows[i].ends ) {
			json_string( apppw_expiry_reason_name( rows[i].ends_by ) );
		} else {
			fputs( "null", stdout );
		}
		printf( ", \"expired\": %s", rows[i].ended ? "true" : "false" );
		fputs( ", \"scope\": ", stdout );
		if ( rows[i].rec.scope[0] ) {
			json_string( rows[i].rec.scope );
		} else {
			fputs( "null", stdout );
		}
		putchar( '}' );
	}
	fputs( n ? "\n]\n" : "]\n", stdout );
}

static void
list_parse( int argc, char **argv, const char **dn )
{
	format = parse_format_and_dn( argc, argv, dn );
}

static int
list_run( struct session *s )
{
	char *attrs[] = { APPPW_AT_PASSWORD, APPPW_AT_LAST_USED, APPPW_AT_EXPIRY,
		NULL };
	char id[APPPW_ID_LEN + 1];
	struct berval **vals, **used, **ends;
	time_t now = time( NULL );
	enum apppw_record_error err;
	LDAPMessage *res, *e;
	struct row *rows;
	int rc = EXIT_OK, i, n = 0;

	if ( read_entry( s, s->dn, attrs, &res, &e ) != 0 ) {
		return EXIT_OPFAIL;
	}
	vals = ldap_get_values_len( s->ld, e, APPPW_AT_PASSWORD );
	used = ldap_get_values_len( s->ld, e, APPPW_AT_LAST_USED );
	ends = ldap_get_values_len( s->ld, e, APPPW_AT_EXPIRY );
	/* none shown is not none there: the ACLs may hide them */
	if ( vals == NULL && attr_present( s, s->dn, APPPW_AT_PASSWORD ) != 0 ) {
		complain( "%s: not allowed to read its app passwords", s->dn );
		ldap_value_free_len( used );
		ldap_value_free_len( ends );
		ldap_msgfree( res );
		return EXIT_OPFAIL;
	}
	rows = xcalloc( ldap_count_values_len( vals ) + 1, sizeof( *rows ) );
	for ( i = 0; vals && vals[i]; i++ ) {
		err = apppw_record_parse( vals[i]->bv_val, vals[i]->bv_len,
			&rows[n].rec );
		if ( err != APPPW_REC_OK ) {
			if ( apppw_record_id( vals[i]->bv_val, vals[i]->bv_len, id ) == 0 ) {
				complain( "skipping app password %s: %s", id,
					apppw_record_strerror( err ) );
			} else {
				complain( "skipping a malformed app password: %s",
					apppw_record_strerror( err ) );
			}
			continue;
		}
		row_last_use( &rows[n], used );
		row_end( &rows[n], ends, now );
		n++;
	}
	qsort( rows, n, sizeof( *rows ), row_cmp );

	switch ( format ) {
	case FORMAT_TABLE:
		if ( n == 0 ) {
			say( "%s has no app passwords.", s->dn );
		} else {
			print_table( rows, n );
		}
		break;
	case FORMAT_TSV:
		print_tsv( rows, n );
		break;
	case FORMAT_JSON:
		print_json( rows, n );
		break;
	}
	if ( fflush( stdout ) != 0 ) {
		complain( "standard output: %s", strerror( errno ) );
		rc = EXIT_LOCAL;
	}
	free( rows );
	ldap_value_free_len( vals );
	ldap_value_free_len( used );
	ldap_value_free_len( ends );
	ldap_msgfree( res );
	return rc;
}

const struct command cmd_list = { "list", NULL, list_parse, list_run, 0 };
