/* scopes.c - apppw scopes: the scopes an entry's app passwords may be
 * given (create --scope), as a table, TSV or JSON
 *
 * The server says which, in the computed attribute apppwOfferedScope: one
 * value per apppw-scope of the entry's database, "NAME ITEM...", the name
 * and the conditions as slapo-apppw(5) configures them.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldap.h>

#include "apppw.h"
#include "apppw_label.h"
#include "apppw_proto.h"
#include "apppw_record_error.h"

static enum format format;

struct scope {
	char	*name;
	char	*items;		/* space-separated conditions; "" if none */
};

/* A value split at its first space; -1 if its name is no scope name. */
static int
scope_split( const struct berval *v, struct scope *sc )
{
	const char *space = memchr( v->bv_val, ' ', v->bv_len );
	size_t namelen = space ? (size_t)( space - v->bv_val ) : v->bv_len;

	if ( apppw_scope_check( v->bv_val, namelen ) != APPPW_REC_OK ) {
		return -1;
	}
	sc->name = xstrndup( v->bv_val, namelen );
	sc->items = space ? xstrndup( space + 1, v->bv_len - namelen - 1 ) :
		xstrdup( "" );
	return 0;
}

/* The offered scopes among vals, each well-formed one; *n of them. */
static struct scope *
scopes_split( struct berval **vals, int *n )
{
	struct scope *scopes;
	int i;

	scopes = xcalloc( ldap_count_values_len( vals ) + 1, sizeof( *scopes ) );
	for ( *n = 0, i = 0; vals && vals[i]; i++ ) {
		if ( scope_split( vals[i], &scopes[*n] ) != 0 ) {
			complain( "skipping a malformed %s value: %.*s",
				APPPW_AT_OFFERED_SCOPE, (int)vals[i]->bv_len,
				vals[i]->bv_val );
			continue;
		}
		(*n)++;
	}
	return scopes;
}

static void
scopes_free( struct scope *scopes, int n )
{
	int i;

	for ( i = 0; i < n; i++ ) {
		free( scopes[i].name );
		free( scopes[i].items );
	}
	free( scopes );
}

static void
print_table( const struct scope *scopes, int n )
{
	int i, width = (int)strlen( "SCOPE" );

	for ( i = 0; i < n; i++ ) {
		if ( (int)strlen( scopes[i].name ) > width ) {
			width = (int)strlen( scopes[i].name );
		}
	}
	printf( "%-*s  CONDITIONS\n", width, "SCOPE" );
	for ( i = 0; i < n; i++ ) {
		printf( "%-*s  %s\n", width, scopes[i].name, scopes[i].items );
	}
}

static void
print_tsv( const struct scope *scopes, int n )
{
	int i;

	printf( "scope\tconditions\n" );
	for ( i = 0; i < n; i++ ) {
		printf( "%s\t%s\n", scopes[i].name, scopes[i].items );
	}
}

/* The conditions as a list of strings, one per item. */
static void
print_json( const struct scope *scopes, int n )
{
	const char *p, *space;
	char *item;
	int i;

	putchar( '[' );
	for ( i = 0; i < n; i++ ) {
		fputs( i ? ",\n  {\"scope\": " : "\n  {\"scope\": ", stdout );
		json_string( scopes[i].name );
		fputs( ", \"conditions\": [", stdout );
		for ( p = scopes[i].items; *p; p = *space ? space + 1 : space ) {
			space = strchrnul( p, ' ' );
			item = xstrndup( p, space - p );
			if ( p != scopes[i].items ) {
				fputs( ", ", stdout );
			}
			json_string( item );
			free( item );
		}
		fputs( "]}", stdout );
	}
	fputs( n ? "\n]\n" : "]\n", stdout );
}

/* "imap, office": the names, for a message */
static char *
scope_names( const struct scope *scopes, int n )
{
	size_t len = 1;
	char *names;
	int i;

	for ( i = 0; i < n; i++ ) {
		len += strlen( scopes[i].name ) + 2;
	}
	names = xcalloc( 1, len );
	for ( i = 0; i < n; i++ ) {
		if ( i ) {
			strcat( names, ", " );
		}
		strcat( names, scopes[i].name );
	}
	return names;
}

int
check_scope_offered( struct session *s, const char *dn, const char *name )
{
	char *attrs[] = { APPPW_AT_OFFERED_SCOPE, NULL }, *names;
	struct berval **vals = NULL;
	LDAPMessage *res = NULL, *e;
	struct scope *scopes;
	int rc, i, n, found = 0;

	trace( "search base \"%s\" scope base, attributes: %s", dn,
		APPPW_AT_OFFERED_SCOPE );
	rc = ldap_search_ext_s( s->ld, dn, LDAP_SCOPE_BASE, "(objectClass=*)",
		attrs, 0, NULL, NULL, NULL, LDAP_NO_LIMIT, &res );
	if ( rc == LDAP_SUCCESS && ( e = ldap_first_entry( s->ld, res ) ) ) {
		vals = ldap_get_values_len( s->ld, e, APPPW_AT_OFFERED_SCOPE );
	} else {
		trace( "reading %s: %s", dn, ldap_err2string( rc ) );
	}
	ldap_msgfree( res );
	/* nothing shown: none offered, hidden, or an older server; its
	 * refusal says which scopes it has */
	if ( vals == NULL ) {
		return 0;
	}
	scopes = scopes_split( vals, &n );
	ldap_value_free_len( vals );
	for ( i = 0; i < n && !found; i++ ) {
		found = strcmp( scopes[i].name, name ) == 0;
	}
	if ( !found ) {
		names = scope_names( scopes, n );
		complain( "create: scope \"%s\" is not offered for %s; the offered "
			"scopes: %s (see apppw scopes)", name, dn, names );
		free( names );
	}
	scopes_free( scopes, n );
	return found ? 0 : -1;
}

static void
scopes_parse( int argc, char **argv, const char **dn )
{
	format = parse_format_and_dn( argc, argv, dn );
}

static int
scopes_run( struct session *s )
{
	char *attrs[] = { APPPW_AT_OFFERED_SCOPE, NULL };
	struct berval **vals;
	LDAPMessage *res, *e;
	struct scope *scopes;
	int rc = EXIT_OK, n;

	if ( read_entry( s, s->dn, attrs, &res, &e ) != 0 ) {
		return EXIT_OPFAIL;
	}
	vals = ldap_get_values_len( s->ld, e, APPPW_AT_OFFERED_SCOPE );
	scopes = scopes_split( vals, &n );
	ldap_value_free_len( vals );
	ldap_msgfree( res );

	switch ( format ) {
	case FORMAT_TABLE:
		if ( n == 0 ) {
			say( "No scopes are offered for %s: create its app passwords "
				"without --scope.", s->dn );
		} else {
			print_table( scopes, n );
		}
		break;
	case FORMAT_TSV:
		print_tsv( scopes, n );
		break;
	case FORMAT_JSON:
		print_json( scopes, n );
		break;
	}
	if ( fflush( stdout ) != 0 ) {
		complain( "standard output: %s", strerror( errno ) );
		rc = EXIT_LOCAL;
	}
	scopes_free( scopes, n );
	return rc;
}

const struct command cmd_scopes =
	{ "scopes", NULL, scopes_parse, scopes_run, 0 };
