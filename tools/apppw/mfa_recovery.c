/* mfa_recovery.c - apppw mfa recovery: new recovery codes, shown once
 *
 * The server makes them (apppw_recovery.h); each signs in once, after
 * the password, in place of a code from the authenticator app. The codes
 * go to standard output, the explanation to standard error, as an app
 * password's do.
 */

#include <stdio.h>
#include <string.h>

#include <lber.h>
#include <ldap.h>

#include "apppw.h"
#include "apppw_proto.h"
#include "apppw_recovery.h"
#include "apppw_secret.h"

int
show_recovery_codes( const struct apppw_recovery_codes *codes )
{
	char norm[APPPW_PASSWORD_LEN + 1], shown[APPPW_DISPLAY_LEN + 1];
	int i;

	/* what the server sent is shown only if it is a code */
	for ( i = 0; i < codes->n; i++ ) {
		if ( apppw_normalize( codes->code[i].bv_val, codes->code[i].bv_len,
				norm ) != 0 ) {
			complain( "the server's recovery codes are malformed" );
			return -1;
		}
	}
	for ( i = 0; i < codes->n; i++ ) {
		apppw_normalize( codes->code[i].bv_val, codes->code[i].bv_len, norm );
		apppw_display( norm, shown );
		printf( "%s\n", shown );
	}
	fflush( stdout );
	apppw_wipe( norm, sizeof( norm ) );
	apppw_wipe( shown, sizeof( shown ) );
	say( "\nThese %d recovery codes are shown once: print them or keep them "
		"somewhere\nsafe, away from your phone. If you lose your "
		"authenticator app, sign in\nwith your password immediately "
		"followed by one of them, instead of a code,\nand enrol a new "
		"app (apppw mfa enroll). Each code works once.", codes->n );
	return 0;
}

/* target is sent only when given: the server's default is the bound
 * identity. 0 or -1. */
int
make_recovery_codes( struct session *s, const char *target )
{
	struct apppw_recovery_codes codes;
	struct berval target_bv, *reqdata = NULL, *resp = NULL;
	char *oid = NULL;
	int rc;

	if ( target ) {
		ber_str2bv( target, 0, 0, &target_bv );
	}
	if ( apppw_recovery_request_encode( target ? &target_bv : NULL,
			&reqdata ) != 0 ) {
		complain( "cannot encode the request" );
		return -1;
	}
	trace( "extended operation %s (recovery codes)%s%s%s",
		APPPW_OID_EXOP_RECOVERY, target ? " target \"" : "",
		target ? target : "", target ? "\"" : "" );
	rc = ldap_extended_operation_s( s->ld, APPPW_OID_EXOP_RECOVERY, reqdata,
		NULL, NULL, &oid, &resp );
	ber_bvfree( reqdata );
	ldap_memfree( oid );
	if ( rc != LDAP_SUCCESS ) {
		ldap_complain( s->ld, "recovery codes", rc );
		rc = -1;
	} else if ( resp == NULL ||
			apppw_recovery_response_decode( resp, &codes ) != 0 ) {
		complain( "recovery codes: the server's answer is malformed" );
		rc = -1;
	} else {
		rc = show_recovery_codes( &codes );
	}
	if ( resp ) {
		apppw_wipe( resp->bv_val, resp->bv_len );
		ber_bvfree( resp );
	}
	return rc;
}

static int
recovery_run( struct session *s )
{
	if ( make_recovery_codes( s, s->given_dn ) != 0 ) {
		return EXIT_OPFAIL;
	}
	say( "The recovery codes %s had before no longer work.", s->dn );
	return EXIT_OK;
}

const struct command cmd_mfa_recovery =
	{ "mfa", "recovery", parse_dn_only, recovery_run, 0 };
