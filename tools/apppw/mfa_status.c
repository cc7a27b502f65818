/* mfa_status.c - apppw mfa status: MFA flag, TOTP secret, recovery codes,
 * app passwords */

#include <stdio.h>

#include <ldap.h>

#include "apppw.h"
#include "apppw_proto.h"

static int
status_run( struct session *s )
{
	char *attrs[] = { APPPW_AT_MFA, APPPW_AT_PASSWORD, APPPW_AT_RECOVERY, NULL };
	LDAPMessage *res, *e;
	int totp, n;

	if ( read_entry( s, s->dn, attrs, &res, &e ) != 0 ) {
		return EXIT_OPFAIL;
	}
	totp = attr_present( s, s->dn, APPPW_AT_TOTP_SECRET );
	printf( "%s\n", s->dn );
	printf( "  MFA required:   %s\n",
		has_value( s->ld, e, APPPW_AT_MFA, "TRUE" ) ? "yes" : "no" );
	printf( "  TOTP enrolled:  %s\n", totp > 0 ? "yes" : totp == 0 ? "no" :
		"unknown (not readable)" );
	if ( ( n = count_values( s->ld, e, APPPW_AT_RECOVERY ) ) == 0 &&
			attr_present( s, s->dn, APPPW_AT_RECOVERY ) != 0 ) {
		printf( "  Recovery codes: unknown (not readable)\n" );
	} else {
		printf( "  Recovery codes: %d left\n", n );
	}
	if ( ( n = count_values( s->ld, e, APPPW_AT_PASSWORD ) ) == 0 &&
			attr_present( s, s->dn, APPPW_AT_PASSWORD ) != 0 ) {
		printf( "  App passwords:  unknown (not readable)\n" );
	} else {
		printf( "  App passwords:  %d\n", n );
	}
	ldap_msgfree( res );
	return EXIT_OK;
}

const struct command cmd_mfa_status =
	{ "mfa", "status", parse_dn_only, status_run, 0 };
