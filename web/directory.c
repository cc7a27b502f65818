/* directory.c - every LDAP operation apppw-web makes
 *
 * Each runs on the signed-in user's own connection, bound as the user:
 * the server's ACLs and the overlay's rules decide, as they would for the
 * apppw tool. The one exception is a pending account's first
 * authenticator: its password alone does not bind, so the enrol extended
 * operation, which carries the password, is sent on the same connection
 * still anonymous. The only other identity is the optional search account,
 * which turns a username into a DN and does nothing else.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>

#include <lber.h>
#include <ldap.h>

#include "apppw_create.h"
#include "apppw_enrol.h"
#include "apppw_proto.h"
#include "apppw_record.h"
#include "apppw_record_error.h"
#include "apppw_recovery.h"
#include "apppw_secret.h"
#include "apppw_state.h"
#include "apppw_time.h"
#include "form.h"
#include "web.h"

#define LDAP_SECONDS	10	/* a directory that does not answer by then is down */

int
dir_connect( LDAP **ld )
{
	struct timeval tv = { LDAP_SECONDS, 0 };
	int rc, version = LDAP_VERSION3;

	rc = ldap_initialize( ld, cfg.uri );
	if ( rc != LDAP_SUCCESS ) {
		logmsg( "ldap: %s: %s", cfg.uri ? cfg.uri : "ldap.conf's URI",
			ldap_err2string( rc ) );
		*ld = NULL;
		return -1;
	}
	ldap_set_option( *ld, LDAP_OPT_PROTOCOL_VERSION, &version );
	ldap_set_option( *ld, LDAP_OPT_NETWORK_TIMEOUT, &tv );
	ldap_set_option( *ld, LDAP_OPT_TIMEOUT, &tv );
	ldap_set_option( *ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF );
	if ( cfg.starttls ) {
		rc = ldap_start_tls_s( *ld, NULL, NULL );
		if ( rc != LDAP_SUCCESS ) {
			logmsg( "ldap: StartTLS: %s", ldap_err2string( rc ) );
			if ( cfg.starttls > 1 ) {
				dir_close( *ld );
				*ld = NULL;
				return -1;
			}
		}
	}
	return 0;
}

void
dir_close( LDAP *ld )
{
	if ( ld ) {
		ldap_unbind_ext_s( ld, NULL, NULL );
	}
}

int
dir_bind( LDAP *ld, const char *dn, const char *cred, size_t len )
{
	struct berval bv;

	bv.bv_val = (char *)cred;
	bv.bv_len = len;
	return ldap_sasl_bind_s( ld, dn, LDAP_SASL_SIMPLE, &bv, NULL, NULL, NULL );
}

/* The search account finds the one entry the filter names. */
static int
search_dn( const char *username, char *dn, size_t size )
{
	char value[3 * USERNAME_MAX + 1], filter[2048];
	char *attrs[] = { LDAP_NO_ATTRS, NULL };
	LDAPMessage *res = NULL, *e;
	LDAP *ld;
	char *found;
	int rc, ret = -1;

	if ( filter_value_escape( username, strlen( username ), value,
			sizeof( value ) ) != 0 ||
			template_fill( cfg.search_filter, value, filter,
				sizeof( filter ) ) != 0 ) {
		return -1;
	}
	if ( dir_connect( &ld ) != 0 ) {
		return -1;
	}
	if ( cfg.search_bind_dn ) {
		rc = dir_bind( ld, cfg.search_bind_dn, cfg.search_bind_pw,
			strlen( cfg.search_bind_pw ) );
		if ( rc != LDAP_SUCCESS ) {
			logmsg( "ldap: the search account's bind: %s",
				ldap_err2string( rc ) );
			goto out;
		}
	}
	rc = ldap_search_ext_s( ld, cfg.search_base, LDAP_SCOPE_SUBTREE, filter,
		attrs, 0, NULL, NULL, NULL, 2, &res );
	if ( rc != LDAP_SUCCESS && rc != LDAP_SIZELIMIT_EXCEEDED ) {
		logmsg( "ldap: search for a username: %s", ldap_err2string( rc ) );
		goto out;
	}
	/* none, or more than one: nobody to sign in as */
	if ( ldap_count_entries( ld, res ) != 1 ) {
		goto out;
	}
	e = ldap_first_entry( ld, res );
	found = ldap_get_dn( ld, e );
	if ( found && strlen( found ) < size ) {
		strcpy( dn, found );
		ret = 0;
	}
	ldap_memfree( found );
out:
	ldap_msgfree( res );
	dir_close( ld );
	return ret;
}

int
dir_user_dn( const char *username, char *dn, size_t size )
{
	char value[3 * USERNAME_MAX + 1];

	if ( cfg.user_dn == NULL ) {
		return search_dn( username, dn, size );
	}
	if ( dn_value_escape( username, strlen( username ), value,
			sizeof( value ) ) != 0 ) {
		return -1;
	}
	return template_fill( cfg.user_dn, value, dn, size );
}

/* The entry of the bound user, with attrs: 0 and *res (free it), or -1. */
static int
read_self( struct user *u, char **attrs, LDAPMessage **res, LDAPMessage **e )
{
	int rc;

	*res = NULL;
	rc = ldap_search_ext_s( u->ld, u->dn, LDAP_SCOPE_BASE, "(objectClass=*)",
		attrs, 0, NULL, NULL, NULL, 1, res );
	if ( rc != LDAP_SUCCESS || ( *e = ldap_first_entry( u->ld, *res ) ) == NULL ) {
		logmsg( "ldap: reading %s: %s", u->dn, ldap_err2string( rc ) );
		ldap_msgfree( *res );
		*res = NULL;
		return -1;
	}
	return 0;
}

/* the first value of attr, into out (size bytes): 0 or -1 */
static int
first_value( LDAP *ld, LDAPMessage *e, const char *attr, char *out, size_t size )
{
	struct berval **v = ldap_get_values_len( ld, e, attr );
	int rc = -1;

	if ( v && v[0] && v[0]->bv_len < size &&
			memchr( v[0]->bv_val, '\0', v[0]->bv_len ) == NULL ) {
		memcpy( out, v[0]->bv_val, v[0]->bv_len );
		out[v[0]->bv_len] = '\0';
		rc = 0;
	}
	ldap_value_free_len( v );
	return rc;
}

int
dir_read_self( struct user *u, int *mfa_required )
{
	char *attrs[] = { APPPW_AT_MFA, "mail", NULL };
	char flag[8];
	LDAPMessage *res, *e;

	if ( read_self( u, attrs, &res, &e ) != 0 ) {
		return -1;
	}
	*mfa_required = first_value( u->ld, e, APPPW_AT_MFA, flag,
		sizeof( flag ) ) == 0 && strcasecmp( flag, "TRUE" ) == 0;
	/* the app's account name as the apppw tool makes it: the mail
	 * address, else the value of the DN's first RDN (the username when that
	 * does not fit) */
	if ( first_value( u->ld, e, "mail", u->account, sizeof( u->account ) ) != 0 ) {
		dir_account_of_dn( u );
	}
	ldap_msgfree( res );
	return 0;
}

void
dir_account_of_dn( struct user *u )
{
	LDAPDN ldn = NULL;

	snprintf( u->account, sizeof( u->account ), "%s", u->username );
	if ( ldap_str2dn( u->dn, &ldn, LDAP_DN_FORMAT_LDAP ) == LDAP_SUCCESS &&
			ldn && ldn[0] &&
			ldn[0][0]->la_value.bv_len < sizeof( u->account ) ) {
		memcpy( u->account, ldn[0][0]->la_value.bv_val,
			ldn[0][0]->la_value.bv_len );
		u->account[ldn[0][0]->la_value.bv_len] = '\0';
	}
	ldap_dnfree( ldn );
}

/* Codes as the server sent them, kept in display form: each must be one
 * well-formed code, shown as the server groups it. 0 or -1. */
static int
recovery_codes_keep( const struct apppw_recovery_codes *got,
	struct recovery_codes *rc )
{
	char norm[APPPW_PASSWORD_LEN + 1];
	int i;

	rc->n = 0;
	for ( i = 0; i < got->n && i < RECOVERY_CODES_MAX; i++ ) {
		if ( apppw_normalize( got->code[i].bv_val, got->code[i].bv_len,
				norm ) != 0 ) {
			apppw_wipe( rc, sizeof( *rc ) );
			return -1;
		}
		apppw_display( norm, rc->code[rc->n++] );
		apppw_wipe( norm, sizeof( norm ) );
	}
	return rc->n > 0 ? 0 : -1;
}

int
dir_enrol_pending( struct user *u, const char *secret, const char *code,
	time_t *step_start, struct recovery_codes *rc )
{
	struct apppw_enrol_request req;
	struct apppw_recovery_codes got;
	struct berval *reqdata = NULL, *resp = NULL;
	char *oid = NULL;
	int rc_ldap;

	rc->n = 0;
	*step_start = 0;
	ber_str2bv( u->dn, 0, 0, &req.dn );
	req.password.bv_val = u->password;
	req.password.bv_len = u->pwlen;
	ber_str2bv( (char *)secret, 0, 0, &req.secret );
	ber_str2bv( (char *)code, 0, 0, &req.code );
	if ( apppw_enrol_request_encode( &req, &reqdata ) != 0 ) {
		logmsg( "enrol %s: cannot encode the request", u->dn );
		return LDAP_LOCAL_ERROR;
	}
	rc_ldap = ldap_extended_operation_s( u->ld, APPPW_OID_EXOP_ENROL, reqdata,
		NULL, NULL, &oid, &resp );
	apppw_wipe( reqdata->bv_val, reqdata->bv_len );
	ber_bvfree( reqdata );
	ldap_memfree( oid );
	if ( rc_ldap == LDAP_SUCCESS && ( resp == NULL ||
			apppw_enrol_response_decode( resp, step_start, &got ) != 0 ||
			recovery_codes_keep( &got, rc ) != 0 ) ) {
		/* stored, but neither the step nor the codes are known: the
		 * caller signs in again; new codes are made from the page */
		logmsg( "enrol %s: the server's answer is malformed", u->dn );
		*step_start = 0;
	}
	if ( resp ) {
		apppw_wipe( resp->bv_val, resp->bv_len );
		ber_bvfree( resp );
	}
	return rc_ldap;
}

int
dir_recovery_new( struct user *u, struct recovery_codes *rc )
{
	struct apppw_recovery_codes got;
	struct berval *reqdata = NULL, *resp = NULL;
	char *oid = NULL;
	int rc_ldap, ret = -1;

	rc->n = 0;
	if ( apppw_recovery_request_encode( NULL, &reqdata ) != 0 ) {
		return -1;
	}
	rc_ldap = ldap_extended_operation_s( u->ld, APPPW_OID_EXOP_RECOVERY,
		reqdata, NULL, NULL, &oid, &resp );
	ber_bvfree( reqdata );
	ldap_memfree( oid );
	if ( rc_ldap != LDAP_SUCCESS ) {
		logmsg( "new recovery codes for %s: %s", u->dn,
			ldap_err2string( rc_ldap ) );
	} else if ( resp == NULL ||
			apppw_recovery_response_decode( resp, &got ) != 0 ||
			recovery_codes_keep( &got, rc ) != 0 ) {
		logmsg( "new recovery codes for %s: the server's answer is "
			"malformed", u->dn );
	} else {
		ret = 0;
	}
	if ( resp ) {
		apppw_wipe( resp->bv_val, resp->bv_len );
		ber_bvfree( resp );
	}
	return ret;
}

int
dir_recovery_count( struct user *u, int *n )
{
	char *attrs[] = { APPPW_AT_RECOVERY, NULL };
	struct berval **vals;
	LDAPMessage *res, *e;

	if ( read_self( u, attrs, &res, &e ) != 0 ) {
		return -1;
	}
	vals = ldap_get_values_len( u->ld, e, APPPW_AT_RECOVERY );
	*n = ldap_count_values_len( vals );
	ldap_value_free_len( vals );
	ldap_msgfree( res );
	return 0;
}

int
dir_replace_secret( struct user *u, const char *secret )
{
	struct berval secret_bv, *vals[2] = { &secret_bv, NULL };
	LDAPMod mod, *mods[] = { &mod, NULL };
	int rc;

	secret_bv.bv_val = (char *)secret;
	secret_bv.bv_len = strlen( secret );
	mod.mod_op = LDAP_MOD_REPLACE | LDAP_MOD_BVALUES;
	mod.mod_type = APPPW_AT_TOTP_SECRET;
	mod.mod_bvalues = vals;
	rc = ldap_modify_ext_s( u->ld, u->dn, mods, NULL, NULL );
	if ( rc != LDAP_SUCCESS ) {
		logmsg( "new authenticator for %s: %s", u->dn, ldap_err2string( rc ) );
		return -1;
	}
	return 0;
}

/* The latest apppwLastUsed value of r's app password, when and from
 * where; none leaves them 0 and "". */
static void
row_last_use( struct app_row *r, struct berval **used )
{
	apppw_lastuse lu;
	int i;

	for ( i = 0; used && used[i]; i++ ) {
		if ( apppw_lastused_parse( used[i]->bv_val, used[i]->bv_len,
				&lu ) == 0 && strcmp( lu.id, r->rec.id ) == 0 &&
				lu.when > r->last_used ) {
			r->last_used = lu.when;
			memcpy( r->from, lu.from, sizeof( r->from ) );
		}
	}
}

/* When r's app password stops working and why: the server's apppwExpiry,
 * which knows apppw-max-age and apppw-max-idle, else its own expiry. */
static void
row_end( struct app_row *r, struct berval **ends )
{
	enum apppw_expiry_reason why;
	char id[APPPW_ID_LEN + 1];
	time_t t;
	int i;

	r->ends = r->rec.expires;
	r->ends_by = APPPW_EXPIRY_EXPIRES;
	for ( i = 0; ends && ends[i]; i++ ) {
		if ( apppw_expiry_parse( ends[i]->bv_val, ends[i]->bv_len, id, &t,
				&why ) == 0 && strcmp( id, r->rec.id ) == 0 ) {
			r->ends = t;
			r->ends_by = why;
			return;
		}
	}
}

static int
row_cmp( const void *a, const void *b )
{
	const struct app_row *x = a, *y = b;

	if ( x->rec.created != y->rec.created ) {
		return x->rec.created < y->rec.created ? -1 : 1;
	}
	return strcmp( x->rec.id, y->rec.id );
}

int
dir_list( struct user *u, struct app_row *rows, int max, int *n )
{
	char *attrs[] = { APPPW_AT_PASSWORD, APPPW_AT_LAST_USED, APPPW_AT_EXPIRY,
		NULL };
	struct berval **vals, **used, **ends;
	LDAPMessage *res, *e;
	int i;

	*n = 0;
	if ( read_self( u, attrs, &res, &e ) != 0 ) {
		return -1;
	}
	vals = ldap_get_values_len( u->ld, e, APPPW_AT_PASSWORD );
	used = ldap_get_values_len( u->ld, e, APPPW_AT_LAST_USED );
	ends = ldap_get_values_len( u->ld, e, APPPW_AT_EXPIRY );
	for ( i = 0; vals && vals[i] && *n < max; i++ ) {
		if ( apppw_record_parse( vals[i]->bv_val, vals[i]->bv_len,
				&rows[*n].rec ) != APPPW_REC_OK ) {
			continue;
		}
		/* the page shows no hash */
		apppw_wipe( rows[*n].rec.hash, sizeof( rows[*n].rec.hash ) );
		apppw_wipe( rows[*n].rec.salt, sizeof( rows[*n].rec.salt ) );
		row_last_use( &rows[*n], used );
		row_end( &rows[*n], ends );
		( *n )++;
	}
	qsort( rows, *n, sizeof( *rows ), row_cmp );
	ldap_value_free_len( vals );
	ldap_value_free_len( used );
	ldap_value_free_len( ends );
	ldap_msgfree( res );
	return 0;
}

int
dir_create( struct user *u, const char *label, time_t expires,
	const char *scope, char norm[APPPW_PASSWORD_LEN + 1] )
{
	struct apppw_create_request req;
	struct berval *reqdata = NULL, *resp = NULL;
	char when[APPPW_TIME_LEN + 1];
	char *oid = NULL;
	int rc, ret = -1;

	memset( &req, 0, sizeof( req ) );
	ber_str2bv( (char *)label, 0, 0, &req.label );
	if ( expires ) {
		apppw_time_format( expires, when );
		if ( when[0] == '\0' ) {
			return -1;
		}
		ber_str2bv( when, 0, 0, &req.expires );
	}
	if ( scope ) {
		ber_str2bv( (char *)scope, 0, 0, &req.scope );
	}
	if ( apppw_create_request_encode( &req, &reqdata ) != 0 ) {
		return -1;
	}
	rc = ldap_extended_operation_s( u->ld, APPPW_OID_EXOP_CREATE, reqdata,
		NULL, NULL, &oid, &resp );
	ber_bvfree( reqdata );
	ldap_memfree( oid );
	if ( rc != LDAP_SUCCESS ) {
		logmsg( "create for %s: %s", u->dn, ldap_err2string( rc ) );
	} else if ( resp == NULL ||
			apppw_create_response_decode( resp, norm ) != 0 ) {
		logmsg( "create for %s: the server's answer is malformed", u->dn );
	} else {
		ret = 0;
	}
	if ( resp ) {
		apppw_wipe( resp->bv_val, resp->bv_len );
		ber_bvfree( resp );
	}
	return ret;
}

int
dir_offered_scopes( struct user *u, struct scope_offer *offers, int max,
	int *n )
{
	char *attrs[] = { APPPW_AT_OFFERED_SCOPE, NULL };
	struct berval **vals;
	LDAPMessage *res, *e;
	int i;

	*n = 0;
	if ( read_self( u, attrs, &res, &e ) != 0 ) {
		return -1;
	}
	vals = ldap_get_values_len( u->ld, e, APPPW_AT_OFFERED_SCOPE );
	for ( i = 0; vals && vals[i] && *n < max; i++ ) {
		const char *v = vals[i]->bv_val, *sp;
		size_t len = vals[i]->bv_len, nlen;

		/* "NAME CONDITIONS"; a value the page cannot show is left out */
		sp = memchr( v, ' ', len );
		nlen = sp ? (size_t)( sp - v ) : len;
		if ( nlen == 0 || nlen > APPPW_SCOPE_MAX ||
				apppw_scope_check( v, nlen ) != APPPW_REC_OK ||
				( sp && len - nlen - 1 > OFFER_CONDITIONS_MAX ) ||
				memchr( v, '\0', len ) ) {
			continue;
		}
		memcpy( offers[*n].name, v, nlen );
		offers[*n].name[nlen] = '\0';
		offers[*n].conditions[0] = '\0';
		if ( sp ) {
			memcpy( offers[*n].conditions, sp + 1, len - nlen - 1 );
			offers[*n].conditions[len - nlen - 1] = '\0';
		}
		( *n )++;
	}
	ldap_value_free_len( vals );
	ldap_msgfree( res );
	return 0;
}

int
dir_revoke( struct user *u, const char *id )
{
	char *attrs[] = { APPPW_AT_PASSWORD, NULL };
	char vid[APPPW_ID_LEN + 1];
	struct berval **vals, **del = NULL;
	LDAPMessage *res, *e;
	LDAPMod mod, *mods[] = { &mod, NULL };
	int i, n = 0, rc, ret = -1;

	mod.mod_op = LDAP_MOD_DELETE | LDAP_MOD_BVALUES;
	mod.mod_type = APPPW_AT_PASSWORD;
	mod.mod_bvalues = NULL;
	if ( id == NULL ) {
		rc = ldap_modify_ext_s( u->ld, u->dn, mods, NULL, NULL );
		if ( rc != LDAP_SUCCESS && rc != LDAP_NO_SUCH_ATTRIBUTE ) {
			logmsg( "revoke all for %s: %s", u->dn, ldap_err2string( rc ) );
			return -1;
		}
		return 0;
	}
	if ( read_self( u, attrs, &res, &e ) != 0 ) {
		return -1;
	}
	vals = ldap_get_values_len( u->ld, e, APPPW_AT_PASSWORD );
	del = calloc( ldap_count_values_len( vals ) + 1, sizeof( *del ) );
	if ( del == NULL ) {
		goto out;
	}
	for ( i = 0; vals && vals[i]; i++ ) {
		if ( apppw_record_id( vals[i]->bv_val, vals[i]->bv_len, vid ) == 0 &&
				strcmp( vid, id ) == 0 ) {
			del[n++] = vals[i];
		}
	}
	if ( n == 0 ) {
		logmsg( "revoke for %s: no app password %s", u->dn, id );
		goto out;
	}
	/* by value: a record changed meanwhile is not deleted unseen */
	mod.mod_bvalues = del;
	rc = ldap_modify_ext_s( u->ld, u->dn, mods, NULL, NULL );
	if ( rc != LDAP_SUCCESS ) {
		logmsg( "revoke for %s: %s", u->dn, ldap_err2string( rc ) );
		goto out;
	}
	ret = 0;
out:
	free( del );
	ldap_value_free_len( vals );
	ldap_msgfree( res );
	return ret;
}
