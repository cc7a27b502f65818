/* entry.c - reading an entry and modifying it, with -v's trace */

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <ldap.h>

#include "apppw.h"
#include "apppw_proto.h"

/* The entry dn with attrs. 0 with *res to be freed and *e in it, or -1. */
int
read_entry( struct session *s, const char *dn, char **attrs,
	LDAPMessage **res, LDAPMessage **e )
{
	char what[64 + 1024];
	int rc;

	if ( verbose ) {
		char **a;

		fprintf( stderr, "apppw: search base \"%s\" scope base, attributes:", dn );
		for ( a = attrs; *a; a++ ) {
			fprintf( stderr, " %s", *a );
		}
		fputc( '\n', stderr );
	}
	*res = NULL;
	rc = ldap_search_ext_s( s->ld, dn, LDAP_SCOPE_BASE, "(objectClass=*)",
		attrs, 0, NULL, NULL, NULL, LDAP_NO_LIMIT, res );
	snprintf( what, sizeof( what ), "reading %s", dn );
	if ( rc != LDAP_SUCCESS ) {
		ldap_complain( s->ld, what, rc );
		ldap_msgfree( *res );
		return -1;
	}
	if ( ( *e = ldap_first_entry( s->ld, *res ) ) == NULL ) {
		complain( "%s: no such entry, or not readable", what );
		ldap_msgfree( *res );
		return -1;
	}
	return 0;
}

int
has_value( LDAP *ld, LDAPMessage *e, const char *attr, const char *v )
{
	struct berval **vals = ldap_get_values_len( ld, e, attr );
	int i, found = 0;

	for ( i = 0; vals && vals[i]; i++ ) {
		if ( vals[i]->bv_len == strlen( v ) &&
				strncasecmp( vals[i]->bv_val, v, vals[i]->bv_len ) == 0 ) {
			found = 1;
		}
	}
	ldap_value_free_len( vals );
	return found;
}

int
count_values( LDAP *ld, LDAPMessage *e, const char *attr )
{
	struct berval **vals = ldap_get_values_len( ld, e, attr );
	int n = ldap_count_values_len( vals );

	ldap_value_free_len( vals );
	return n < 0 ? 0 : n;
}

/* Whether the entry holds attr, without reading a secret's value: a
 * compare answers even where read access is not granted to show it.
 * 1 yes, 0 no, -1 not allowed to know. */
int
attr_present( struct session *s, const char *dn, const char *attr )
{
	struct berval probe = { 1, "-" };
	int rc;

	trace( "compare \"%s\" %s", dn, attr );
	rc = ldap_compare_ext_s( s->ld, dn, attr, &probe, NULL, NULL );
	switch ( rc ) {
	case LDAP_COMPARE_TRUE:
	case LDAP_COMPARE_FALSE:
		return 1;
	case LDAP_NO_SUCH_ATTRIBUTE:
		return 0;
	default:
		trace( "compare: %s", ldap_err2string( rc ) );
		return -1;
	}
}

static int
is_secret_attr( const char *attr )
{
	return strcasecmp( attr, APPPW_AT_TOTP_SECRET ) == 0 ||
		strcasecmp( attr, APPPW_AT_PASSWORD ) == 0;
}

void
trace_modify( const char *dn, LDAPMod **mods )
{
	static const char *ops[] = { "add", "delete", "replace" };
	int i, j, op;

	if ( !verbose ) {
		return;
	}
	fprintf( stderr, "apppw: modify \"%s\"\n", dn );
	for ( i = 0; mods[i]; i++ ) {
		op = mods[i]->mod_op & ~LDAP_MOD_BVALUES;
		fprintf( stderr, "apppw:   %s %s", op >= 0 && op <= 2 ? ops[op] :
			"?", mods[i]->mod_type );
		for ( j = 0; mods[i]->mod_bvalues && mods[i]->mod_bvalues[j]; j++ ) {
			if ( !is_secret_attr( mods[i]->mod_type ) ) {
				fprintf( stderr, "%s%.*s", j == 0 ? ": " : ", ",
					(int)mods[i]->mod_bvalues[j]->bv_len,
					mods[i]->mod_bvalues[j]->bv_val );
			}
		}
		if ( j > 0 && is_secret_attr( mods[i]->mod_type ) ) {
			fprintf( stderr, ": %d value%s, not shown", j, j == 1 ? "" : "s" );
		} else if ( j == 0 ) {
			fputs( op == LDAP_MOD_DELETE ? " (all values)" :
				op == LDAP_MOD_REPLACE ? " (no values: delete if present)" :
				"", stderr );
		}
		fputc( '\n', stderr );
	}
}

void
mod_set( LDAPMod *m, int op, const char *attr, struct berval **vals )
{
	m->mod_op = op | LDAP_MOD_BVALUES;
	m->mod_type = (char *)attr;
	m->mod_bvalues = vals;
}

/* The modify, traced and reported: 0 or -1. */
int
modify( struct session *s, const char *dn, LDAPMod **mods )
{
	char what[64 + 1024];
	int rc;

	trace_modify( dn, mods );
	rc = ldap_modify_ext_s( s->ld, dn, mods, NULL, NULL );
	if ( rc != LDAP_SUCCESS ) {
		snprintf( what, sizeof( what ), "modifying %s", dn );
		ldap_complain( s->ld, what, rc );
		return -1;
	}
	return 0;
}
