/* session.c - connecting, binding, and who the tool is bound as */

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <lber.h>
#include <ldap.h>
#include <sasl/sasl.h>

#include "apppw.h"
#include "apppw_secret.h"

struct sasl_defaults {
	char		*authcid;
	char		*authzid;
	char		*realm;
	struct session	*s;
};

/* Answer SASL's questions from ldap.conf and -w/-W/-y, never prompting:
 * EXTERNAL, what root uses over ldapi, needs no more. */
static int
sasl_interact( LDAP *ld, unsigned flags, void *defaults, void *in )
{
	struct sasl_defaults *d = defaults;
	sasl_interact_t *q;
	const char *v;

	(void)ld;
	(void)flags;
	for ( q = in; q->id != SASL_CB_LIST_END; q++ ) {
		switch ( q->id ) {
		case SASL_CB_PASS:
			v = d->s->have_passwd ? d->s->passwd : NULL;
			break;
		case SASL_CB_AUTHNAME:
			v = d->authcid;
			break;
		case SASL_CB_USER:
			v = d->authzid;
			break;
		case SASL_CB_GETREALM:
			v = d->realm;
			break;
		default:
			v = NULL;
		}
		if ( v == NULL ) {
			v = q->defresult ? q->defresult : "";
		}
		q->result = v;
		q->len = q->id == SASL_CB_PASS && v == d->s->passwd ?
			d->s->passwdlen : strlen( v );
	}
	return LDAP_SUCCESS;
}

static int
sasl_bind( struct session *s )
{
	struct sasl_defaults d = { NULL, NULL, NULL, s };
	int rc;

	ldap_get_option( s->ld, LDAP_OPT_X_SASL_AUTHCID, &d.authcid );
	ldap_get_option( s->ld, LDAP_OPT_X_SASL_AUTHZID, &d.authzid );
	ldap_get_option( s->ld, LDAP_OPT_X_SASL_REALM, &d.realm );
	trace( "bind SASL %s", s->mech );
	rc = ldap_sasl_interactive_bind_s( s->ld, NULL, s->mech, NULL, NULL,
		LDAP_SASL_QUIET, sasl_interact, &d );
	ldap_memfree( d.authcid );
	ldap_memfree( d.authzid );
	ldap_memfree( d.realm );
	return rc;
}

/* The LDAP result code; the caller reports it. */
int
simple_bind( struct session *s, const char *dn, const char *pw, size_t len )
{
	struct berval cred;

	cred.bv_val = (char *)( pw ? pw : "" );
	cred.bv_len = pw ? len : 0;
	trace( "bind simple \"%s\"", dn ? dn : "" );
	return ldap_sasl_bind_s( s->ld, dn, LDAP_SASL_SIMPLE, &cred,
		NULL, NULL, NULL );
}

/* Connect and bind as the options say. 0 or -1. */
int
session_open( struct session *s )
{
	int rc, version = LDAP_VERSION3;
	char *uri = NULL;

	rc = ldap_initialize( &s->ld, s->uri );
	if ( rc != LDAP_SUCCESS ) {
		complain( "%s: %s", s->uri ? s->uri : "the URI in ldap.conf",
			ldap_err2string( rc ) );
		s->ld = NULL;
		return -1;
	}
	if ( verbose ) {
		ldap_get_option( s->ld, LDAP_OPT_URI, &uri );
		trace( "connect %s", uri ? uri : "(libldap's default)" );
		ldap_memfree( uri );
	}
	ldap_set_option( s->ld, LDAP_OPT_PROTOCOL_VERSION, &version );
	/* as with ldapsearch, ldap.conf's SASL_MECH applies unless -x or -D
	 * ask for a simple bind */
	if ( !s->mech && !s->simple && !s->binddn &&
			ldap_get_option( s->ld, LDAP_OPT_X_SASL_MECH,
				&s->conf_mech ) == LDAP_OPT_SUCCESS ) {
		s->mech = s->conf_mech;
	}

	if ( s->starttls ) {
		trace( "StartTLS" );
		rc = ldap_start_tls_s( s->ld, NULL, NULL );
		if ( rc != LDAP_SUCCESS ) {
			ldap_complain( s->ld, "StartTLS", rc );
			if ( s->starttls > 1 ) {
				return -1;
			}
		}
	}

	if ( s->mech ) {
		rc = sasl_bind( s );
	} else {
		rc = simple_bind( s, s->binddn,
			s->have_passwd ? s->passwd : NULL, s->passwdlen );
	}
	if ( rc == LDAP_INVALID_CREDENTIALS && s->pending_ok && !s->mech &&
			s->binddn && s->have_passwd ) {
		/* the connection is anonymous again; the command says what
		 * the refusal means */
		trace( "bind refused: the account may be pending enrolment" );
		s->bind_refused = 1;
		return 0;
	}
	if ( rc != LDAP_SUCCESS ) {
		ldap_complain( s->ld, "bind", rc );
		return -1;
	}
	return 0;
}

void
session_close( struct session *s )
{
	if ( s->ld ) {
		ldap_unbind_ext_s( s->ld, NULL, NULL );
		s->ld = NULL;
	}
	apppw_wipe( s->passwd, sizeof( s->passwd ) );
	ldap_memfree( s->conf_mech );
	free( s->authzid );
	free( s->self );
}

/* An identity under cn=auth (SASL EXTERNAL's, say) names no entry. */
static int
is_auth_dn( const char *dn )
{
	size_t len = strlen( dn );

	return strcasecmp( dn, "cn=auth" ) == 0 || ( len > 8 &&
		strcasecmp( dn + len - 8, ",cn=auth" ) == 0 );
}

/* Ask "Who am I?" once: s->authzid, and s->self when it names an entry.
 * 0 or -1. */
int
session_whoami( struct session *s )
{
	struct berval *id = NULL;
	int rc;

	if ( s->authzid ) {
		return 0;
	}
	trace( "whoami" );
	rc = ldap_whoami_s( s->ld, &id, NULL, NULL );
	if ( rc != LDAP_SUCCESS ) {
		ldap_complain( s->ld, "whoami", rc );
		return -1;
	}
	s->authzid = id ? xstrndup( id->bv_val, id->bv_len ) : xstrdup( "" );
	ber_bvfree( id );
	trace( "whoami: \"%s\"", s->authzid );
	if ( strncasecmp( s->authzid, "dn:", 3 ) == 0 && s->authzid[3] != '\0' &&
			!is_auth_dn( s->authzid + 3 ) ) {
		s->self = xstrdup( s->authzid + 3 );
	}
	return 0;
}

int
dn_equal( const char *a, const char *b )
{
	char *na = NULL, *nb = NULL;
	int eq;

	if ( ldap_dn_normalize( a, LDAP_DN_FORMAT_LDAP, &na,
			LDAP_DN_FORMAT_LDAPV3 ) == LDAP_SUCCESS &&
			ldap_dn_normalize( b, LDAP_DN_FORMAT_LDAP, &nb,
			LDAP_DN_FORMAT_LDAPV3 ) == LDAP_SUCCESS ) {
		eq = strcasecmp( na, nb ) == 0;
	} else {
		eq = strcasecmp( a, b ) == 0;
	}
	ldap_memfree( na );
	ldap_memfree( nb );
	return eq;
}
