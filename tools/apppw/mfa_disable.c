/* mfa_disable.c - apppw mfa disable: the flag off, the TOTP secret and
 * the app passwords gone, in one modify */

#include <ldap.h>

#include "apppw.h"
#include "apppw_proto.h"

static int
disable_run( struct session *s )
{
	char *attrs[] = { "objectClass", APPPW_AT_MFA, APPPW_AT_PASSWORD, NULL };
	struct berval false_bv = { 5, "FALSE" }, *flag[] = { &false_bv, NULL };
	LDAPMod mod[3], *mods[4];
	LDAPMessage *res, *e;
	int n = 0, required, totp, count;

	if ( read_entry( s, s->dn, attrs, &res, &e ) != 0 ) {
		return EXIT_OPFAIL;
	}
	required = has_value( s->ld, e, APPPW_AT_MFA, "TRUE" );
	count = count_values( s->ld, e, APPPW_AT_PASSWORD );
	totp = attr_present( s, s->dn, APPPW_AT_TOTP_SECRET );
	/* a secret without the flag is inert: not worth a modify when
	 * it cannot even be seen */
	if ( !required && totp <= 0 && count == 0 ) {
		complain( "%s does not have MFA enabled: nothing to disable", s->dn );
		ldap_msgfree( res );
		return EXIT_OPFAIL;
	}

	/* replacing with no values deletes what is there, and is no error
	 * when nothing is: one modify whatever was readable */
	if ( has_value( s->ld, e, "objectClass", APPPW_OC_USER ) ) {
		mod_set( &mod[n], LDAP_MOD_REPLACE, APPPW_AT_MFA, flag );
		mods[n] = &mod[n];
		n++;
	}
	if ( totp != 0 ) {
		mod_set( &mod[n], LDAP_MOD_REPLACE, APPPW_AT_TOTP_SECRET, NULL );
		mods[n] = &mod[n];
		n++;
	}
	mod_set( &mod[n], LDAP_MOD_REPLACE, APPPW_AT_PASSWORD, NULL );
	mods[n] = &mod[n];
	mods[++n] = NULL;
	ldap_msgfree( res );

	if ( modify( s, s->dn, mods ) != 0 ) {
		return EXIT_OPFAIL;
	}
	say( "MFA is no longer required for %s.", s->dn );
	if ( totp > 0 ) {
		say( "Removed the TOTP secret." );
	} else if ( totp < 0 ) {
		say( "Removed the TOTP secret, if there was one." );
	}
	if ( count > 0 ) {
		say( "Revoked %d app password%s.", count, count == 1 ? "" : "s" );
	}
	return EXIT_OK;
}

const struct command cmd_mfa_disable =
	{ "mfa", "disable", parse_dn_only, disable_run, 0 };
