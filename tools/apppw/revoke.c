/* revoke.c - apppw revoke: app passwords by id, or all of an entry's */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldap.h>

#include "apppw.h"
#include "apppw_proto.h"
#include "apppw_record.h"
#include "apppw_secret.h"

static char (*ids)[APPPW_ID_LEN + 1];
static int nids, all;

/* IDs and at most one DN, told apart by the DN's '=' or ','. */
static void
revoke_parse( int argc, char **argv, const char **dn )
{
	enum { OPT_ALL = OPT_COMMAND };
	static const struct option opts[] = {
		{ "all", no_argument, NULL, OPT_ALL },
		{ NULL, 0, NULL, 0 }
	};
	char id[APPPW_ID_LEN + 1];
	size_t i;
	int j;

	while ( next_option( argc, argv, opts ) != -1 ) {
		all = 1;
	}
	ids = xcalloc( argc, sizeof( *ids ) );
	for ( ; optind < argc; optind++ ) {
		const char *arg = argv[optind];

		/* ids are shown in lower case; accept them as typed */
		for ( i = 0; i < APPPW_ID_LEN && arg[i]; i++ ) {
			id[i] = tolower( (unsigned char)arg[i] );
		}
		id[i] = '\0';
		if ( strlen( arg ) == APPPW_ID_LEN && apppw_id_valid( id, i ) ) {
			for ( j = 0; j < nids && strcmp( ids[j], id ); j++ )
				;
			if ( j == nids ) {
				memcpy( ids[nids++], id, sizeof( id ) );
			}
		} else if ( strpbrk( arg, "=," ) ) {
			if ( *dn ) {
				usage_error( "revoke: two DNs, %s and %s", *dn, arg );
			}
			*dn = arg;
		} else {
			usage_error( "revoke: %s is neither an app password id "
				"(see apppw list) nor a DN", arg );
		}
	}
	if ( all && nids ) {
		usage_error( "revoke: give ids or --all, not both" );
	}
	if ( !all && nids == 0 ) {
		usage_error( "revoke needs the ids to revoke, or --all" );
	}
}

/* The label of a stored value, for messages; the id when unparsable. */
static void
say_revoked( const struct berval *v, const char *id )
{
	apppw_record r;

	if ( apppw_record_parse( v->bv_val, v->bv_len, &r ) == APPPW_REC_OK ) {
		say( "Revoked %s \"%s\".", id, r.label );
	} else {
		say( "Revoked %s.", id );
	}
}

/* --all: one modify deleting every value */
static int
revoke_all( struct session *s, struct berval **vals )
{
	LDAPMod mod, *mods[] = { &mod, NULL };
	char what[64 + 1024];
	int rc, n;

	/* sent even when none are visible: records we may not read may
	 * still be there, and the server alone knows whether we may
	 * delete them */
	mod_set( &mod, LDAP_MOD_DELETE, APPPW_AT_PASSWORD, NULL );
	trace_modify( s->dn, mods );
	rc = ldap_modify_ext_s( s->ld, s->dn, mods, NULL, NULL );
	if ( rc == LDAP_NO_SUCH_ATTRIBUTE ) {
		say( "%s has no app passwords.", s->dn );
		return EXIT_OK;
	}
	if ( rc != LDAP_SUCCESS ) {
		snprintf( what, sizeof( what ), "modifying %s", s->dn );
		ldap_complain( s->ld, what, rc );
		return EXIT_OPFAIL;
	}
	if ( vals ) {
		n = ldap_count_values_len( vals );
		say( "Revoked %d app password%s of %s.", n, n == 1 ? "" : "s", s->dn );
	} else {
		say( "Revoked every app password of %s.", s->dn );
	}
	return EXIT_OK;
}

/* The ids given: every one must be known before anything is deleted. */
static int
revoke_ids( struct session *s, struct berval **vals )
{
	char id[APPPW_ID_LEN + 1];
	struct berval **del;
	LDAPMod mod, *mods[] = { &mod, NULL };
	int rc, i, j, n = 0, found, missing = 0;

	del = xcalloc( ldap_count_values_len( vals ) + 1, sizeof( *del ) );
	for ( j = 0; j < nids; j++ ) {
		found = 0;
		for ( i = 0; vals && vals[i]; i++ ) {
			if ( apppw_record_id( vals[i]->bv_val, vals[i]->bv_len, id ) == 0 &&
					strcmp( id, ids[j] ) == 0 ) {
				del[n++] = vals[i];
				found = 1;
			}
		}
		if ( !found ) {
			complain( "%s has no app password with id %s", s->dn, ids[j] );
			missing++;
		}
	}
	if ( missing ) {
		complain( "nothing was revoked" );
		rc = EXIT_OPFAIL;
		goto out;
	}
	mod_set( &mod, LDAP_MOD_DELETE, APPPW_AT_PASSWORD, del );
	if ( modify( s, s->dn, mods ) != 0 ) {
		rc = EXIT_OPFAIL;
		goto out;
	}
	for ( i = 0; i < n; i++ ) {
		apppw_record_id( del[i]->bv_val, del[i]->bv_len, id );
		say_revoked( del[i], id );
	}
	rc = EXIT_OK;
out:
	free( del );
	return rc;
}

static int
revoke_run( struct session *s )
{
	char *attrs[] = { APPPW_AT_PASSWORD, NULL };
	struct berval **vals;
	LDAPMessage *res, *e;
	int rc;

	if ( read_entry( s, s->dn, attrs, &res, &e ) != 0 ) {
		return EXIT_OPFAIL;
	}
	vals = ldap_get_values_len( s->ld, e, APPPW_AT_PASSWORD );
	rc = all ? revoke_all( s, vals ) : revoke_ids( s, vals );
	ldap_value_free_len( vals );
	ldap_msgfree( res );
	free( ids );
	return rc;
}

const struct command cmd_revoke = { "revoke", NULL, revoke_parse, revoke_run, 0 };
