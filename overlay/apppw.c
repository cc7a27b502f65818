/* apppw.c - app passwords and password+TOTP binds for MFA-required entries */
/*
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted only as authorized by the OpenLDAP
 * Public License.
 *
 * An entry with apppwMFARequired TRUE accepts, on a simple bind, either
 * its password immediately followed by the current TOTP code, or one of
 * its app passwords; the password alone is refused. Every other entry is
 * left to the backend, so an app password never authenticates it. A
 * connection that authenticated with an app password, or as an
 * MFA-required entry without its TOTP code, may read but not manage
 * accounts; SASL mechanisms that check a password are refused for
 * MFA-required entries; wrong TOTP codes are throttled. See slapo-apppw(5).
 */

#include "portable.h"

#include <limits.h>
#include <stdio.h>
#include <arpa/inet.h>

#include <ac/ctype.h>
#include <ac/stdarg.h>
#include <ac/string.h>
#include <ac/socket.h>

#include "slap.h"
#include "slap-config.h"
#include "lutil.h"
#include "ldap_avl.h"

#include "apppw_create.h"
#include "apppw_enrol.h"
#include "apppw_label.h"
#include "apppw_proto.h"
#include "apppw_record.h"
#include "apppw_recovery.h"
#include "apppw_secret.h"
#include "apppw_state.h"
#include "apppw_throttle.h"
#include "apppw_time.h"
#include "apppw_totp.h"

static AttributeDescription *ad_mfa, *ad_password, *ad_totp_secret,
	*ad_service, *ad_totp_last, *ad_last_used, *ad_expiry, *ad_recovery,
	*ad_offered_scope;
static ObjectClass *oc_user;

/* User attributes come from apppw.schema, which must be loaded; the
 * overlay looks them up when it is configured. */
static struct {
	const char *name;
	AttributeDescription **ad;
} apppw_ads[] = {
	{ APPPW_AT_MFA, &ad_mfa },
	{ APPPW_AT_PASSWORD, &ad_password },
	{ APPPW_AT_TOTP_SECRET, &ad_totp_secret },
	{ APPPW_AT_SERVICE, &ad_service },
	{ NULL, NULL }
};

/* The operational attributes of the overlay: slapd accepts
 * NO-USER-MODIFICATION attributes from code alone. Those it writes are
 * manageable, as ppolicy's are: a consumer's chain overlay forwards the
 * overlay's writes to the provider with the Relax control, and an admin
 * with manage access may reset them the same way. apppwExpiry and
 * apppwOfferedScope are never stored, so nobody writes them. */
static struct {
	const char *def;
	AttributeDescription **ad;
	int manageable;
} apppw_opattrs[] = {
	{ "( " APPPW_OID_ARC ".1.4 NAME '" APPPW_AT_TOTP_LAST "' "
	  "DESC 'Start of the TOTP time step of the last accepted code, "
	  "in seconds since the epoch' "
	  "EQUALITY integerMatch ORDERING integerOrderingMatch "
	  "SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE "
	  "NO-USER-MODIFICATION USAGE directoryOperation )", &ad_totp_last, 1 },
	{ "( " APPPW_OID_ARC ".1.5 NAME '" APPPW_AT_LAST_USED "' "
	  "DESC 'When and from where an app password last authenticated: id, "
	  "space, GeneralizedTime, and space and client address or local' "
	  "EQUALITY caseExactIA5Match "
	  "SYNTAX 1.3.6.1.4.1.1466.115.121.1.26{80} "
	  "NO-USER-MODIFICATION USAGE directoryOperation )", &ad_last_used, 1 },
	{ "( " APPPW_OID_ARC ".1.6 NAME '" APPPW_AT_EXPIRY "' "
	  "DESC 'When an app password stops authenticating, and why: id, "
	  "space, GeneralizedTime, space, expires, max-age or max-idle; "
	  "computed when read' "
	  "EQUALITY caseExactIA5Match "
	  "SYNTAX 1.3.6.1.4.1.1466.115.121.1.26{32} "
	  "NO-USER-MODIFICATION USAGE directoryOperation )", &ad_expiry, 0 },
	{ "( " APPPW_OID_ARC ".1.8 NAME '" APPPW_AT_RECOVERY "' "
	  "DESC 'A recovery code that has not been used: id, creation time "
	  "and salted hash; made by the server, deleted when used' "
	  "EQUALITY octetStringMatch "
	  "SYNTAX 1.3.6.1.4.1.1466.115.121.1.40{128} "
	  "NO-USER-MODIFICATION USAGE directoryOperation )", &ad_recovery, 1 },
	{ "( " APPPW_OID_ARC ".1.9 NAME '" APPPW_AT_OFFERED_SCOPE "' "
	  "DESC 'A scope an app password of this entry may be given: name, "
	  "space and conditions, as apppw-scope configures it; computed when "
	  "read' "
	  "EQUALITY caseIgnoreMatch "
	  "SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 "
	  "NO-USER-MODIFICATION USAGE directoryOperation )", &ad_offered_scope, 0 },
	{ NULL, NULL, 0 }
};

/* One network of a scope: the first prefix bits of addr must match. */
typedef struct apppw_net {
	int family;
	unsigned char addr[16];
	int prefix;
} apppw_net;

typedef struct apppw_scope {
	struct apppw_scope *next;
	char *name;
	BerVarray services;		/* service=NAME: bind DNs it is for */
	apppw_net *nets;
	int nnets;
	BerVarray urls;			/* listener URLs, without a trailing '/' */
	struct berval text;		/* as configured, "NAME ITEM...": what
					 * cn=config and apppwOfferedScope show */
} apppw_scope;

/* How a connection's identity authenticated, where the write rules care:
 * what a simple bind to an MFA-required entry proved. */
enum apppw_session_kind {
	APPPW_SESSION_NONE = 0,
	APPPW_SESSION_APP,		/* bound with an app password */
	APPPW_SESSION_MFA		/* bound with password and TOTP code */
};

typedef struct apppw_session {
	unsigned long connid;
	struct berval ndn;
	enum apppw_session_kind kind;
} apppw_session;

/* Connections whose last simple bind was by app password or TOTP, for the
 * whole module: a session that one database's overlay made is the same
 * session in every other database. At most one a connection. */
static ldap_pvt_thread_mutex_t apppw_sessions_mutex;
static Avlnode *apppw_sessions;
static int apppw_instances;

typedef struct apppw_info {
	int enabled;
	int max_count;
	unsigned long max_age;
	unsigned long max_idle;
	int password_alone;
	int totp_digits;
	int totp_step;
	int totp_window;
	unsigned long lastused_precision;
	int revoke_on_password_change;
	char *key_file;
	unsigned char key[APPPW_KEY_LEN];
	int have_key;
	apppw_scope *scopes;
	int totp_max_failures;
	unsigned long totp_backoff_max;
	BerVarray step_provider;	/* where TOTP steps are recorded, if not here */
	/* write-backs of merged state queued or running (apppw_restore_run),
	 * which the database's close waits for or cancels */
	ldap_pvt_thread_mutex_t restore_mutex;
	ldap_pvt_thread_cond_t restore_cond;
	struct apppw_restore *restores;
	int closing;
} apppw_info;

#define APPPW_DEFAULT_MAX_COUNT		40
#define APPPW_DEFAULT_PRECISION		300
#define APPPW_MAX_COUNT_LIMIT		1000

/* SASL mechanisms that check no password the directory holds: whether
 * they may authenticate MFA-required entries is the administrator's
 * choice, made with authz-regexp. Every other mechanism (PLAIN, LOGIN,
 * DIGEST-MD5, CRAM-MD5, SCRAM-*, NTLM, ...) proves the password alone. */
static const struct berval apppw_sasl_passwordless[] = {
	BER_BVC( "EXTERNAL" ), BER_BVC( "GSSAPI" ), BER_BVC( "GSS-SPNEGO" ),
	BER_BVC( "GS2-KRB5" ), BER_BVC( "GS2-IAKERB" ), BER_BVNULL
};

static const struct berval apppw_exop_create_oid =
	BER_BVC( APPPW_OID_EXOP_CREATE );
static const struct berval apppw_exop_enrol_oid =
	BER_BVC( APPPW_OID_EXOP_ENROL );
static const struct berval apppw_exop_recovery_oid =
	BER_BVC( APPPW_OID_EXOP_RECOVERY );

static slap_overinst apppw;

/* ---- sessions ---------------------------------------------------------- */

static int
apppw_session_cmp( const void *a, const void *b )
{
	unsigned long x = ((const apppw_session *)a)->connid,
		y = ((const apppw_session *)b)->connid;

	return x < y ? -1 : x > y;
}

static void
apppw_session_free( void *p )
{
	apppw_session *s = p;

	ch_free( s->ndn.bv_val );
	ch_free( s );
}

static void
apppw_session_forget( unsigned long connid )
{
	apppw_session key = { .connid = connid }, *s;

	ldap_pvt_thread_mutex_lock( &apppw_sessions_mutex );
	s = ldap_avl_delete( &apppw_sessions, &key, apppw_session_cmp );
	ldap_pvt_thread_mutex_unlock( &apppw_sessions_mutex );
	if ( s ) {
		apppw_session_free( s );
	}
}

static void
apppw_session_remember( Operation *op, struct berval *ndn,
	enum apppw_session_kind kind )
{
	apppw_session *s = ch_calloc( 1, sizeof(*s) );

	s->connid = op->o_conn->c_connid;
	ber_dupbv( &s->ndn, ndn );
	s->kind = kind;
	ldap_pvt_thread_mutex_lock( &apppw_sessions_mutex );
	if ( ldap_avl_insert( &apppw_sessions, s, apppw_session_cmp,
			ldap_avl_dup_error ) ) {
		/* a concurrent bind on the same connection got there first */
		s->kind = APPPW_SESSION_NONE;
	}
	ldap_pvt_thread_mutex_unlock( &apppw_sessions_mutex );
	if ( !s->kind ) {
		apppw_session_free( s );
	}
}

/* How the connection's identity authenticated. The connection's, not the
 * operation's: proxied authorization changes who an operation acts as,
 * not how its connection proved who it is. A record counts while the
 * connection is still bound, by a simple bind, as that entry: a SASL bind
 * as the same entry proved something else. */
static enum apppw_session_kind
apppw_session_kind( Operation *op )
{
	Connection *c = op->o_conn;
	apppw_session key, *s;
	enum apppw_session_kind kind = APPPW_SESSION_NONE;

	if ( !c || BER_BVISEMPTY( &c->c_ndn ) || !BER_BVISEMPTY( &c->c_authmech ) ) {
		return APPPW_SESSION_NONE;
	}
	key.connid = c->c_connid;
	ldap_pvt_thread_mutex_lock( &apppw_sessions_mutex );
	s = ldap_avl_find( apppw_sessions, &key, apppw_session_cmp );
	if ( s && dn_match( &s->ndn, &c->c_ndn ) ) {
		kind = s->kind;
	}
	ldap_pvt_thread_mutex_unlock( &apppw_sessions_mutex );
	return kind;
}

static int
apppw_connection_destroy( BackendDB *be, Connection *conn )
{
	(void)be;
	apppw_session_forget( conn->c_connid );
	return 0;
}

/* ---- scopes ------------------------------------------------------------ */

/* A scope's item that names a service: "service=imap". */
#define APPPW_SCOPE_SERVICE	"service="
static const char apppw_service_rule[] =
	"a service must be 1 to 32 of a-z 0-9 _ -, starting with a letter";
_Static_assert( APPPW_SCOPE_MAX == 32,
	"apppw_service_rule states the scope names' bound" );

static apppw_scope *
apppw_scope_find( apppw_info *ai, const char *name )
{
	apppw_scope *sc;

	for ( sc = ai->scopes; sc; sc = sc->next ) {
		if ( !strcmp( sc->name, name ) ) {
			return sc;
		}
	}
	return NULL;
}

static void
apppw_scope_free( apppw_scope *sc )
{
	ch_free( sc->name );
	ber_bvarray_free( sc->services );
	ch_free( sc->nets );
	ber_bvarray_free( sc->urls );
	ch_free( sc->text.bv_val );
	ch_free( sc );
}

static int
apppw_net_parse( const char *s, apppw_net *net )
{
	char buf[INET6_ADDRSTRLEN + 1], *slash, *end;
	int max;
	long prefix;

	if ( strlen( s ) >= sizeof(buf) ) {
		return -1;
	}
	strcpy( buf, s );
	slash = strchr( buf, '/' );
	if ( slash ) {
		*slash++ = '\0';
	}
	if ( inet_pton( AF_INET, buf, net->addr ) == 1 ) {
		net->family = AF_INET;
		max = 32;
	} else if ( inet_pton( AF_INET6, buf, net->addr ) == 1 ) {
		net->family = AF_INET6;
		max = 128;
	} else {
		return -1;
	}
	net->prefix = max;
	if ( slash ) {
		prefix = strtol( slash, &end, 10 );
		if ( !*slash || *end || prefix < 0 || prefix > max ) {
			return -1;
		}
		net->prefix = prefix;
	}
	return 0;
}

static int
apppw_net_match( const apppw_net *net, int family, const unsigned char *addr )
{
	int full = net->prefix / 8, rest = net->prefix % 8;

	if ( family != net->family ) {
		return 0;
	}
	if ( memcmp( net->addr, addr, full ) ) {
		return 0;
	}
	return !rest ||
		!( ( net->addr[full] ^ addr[full] ) & ( 0xff << ( 8 - rest ) ) );
}

static void
apppw_url_trim( struct berval *url )
{
	while ( url->bv_len && url->bv_val[url->bv_len - 1] == '/' ) {
		url->bv_val[--url->bv_len] = '\0';
	}
}

/* slapd names peers "IP=1.2.3.4:port", "IP=[::1]:port" or "PATH=...". */
static int
apppw_peer_addr( Connection *conn, int *family, unsigned char addr[16] )
{
	char buf[INET6_ADDRSTRLEN + 1];
	const char *p = conn->c_peer_name.bv_val, *end;
	size_t len;

	if ( !p || strncmp( p, "IP=", 3 ) ) {
		return -1;
	}
	p += 3;
	if ( *p == '[' ) {
		end = strchr( ++p, ']' );
	} else {
		end = strrchr( p, ':' );
	}
	if ( !end || ( len = end - p ) >= sizeof(buf) ) {
		return -1;
	}
	memcpy( buf, p, len );
	buf[len] = '\0';
	if ( inet_pton( AF_INET, buf, addr ) == 1 ) {
		*family = AF_INET;
		return 0;
	}
	if ( inet_pton( AF_INET6, buf, addr ) != 1 ) {
		return -1;
	}
	*family = AF_INET6;
	/* an IPv4 client on a dual-stack listener */
	if ( IN6_IS_ADDR_V4MAPPED( (struct in6_addr *)addr ) ) {
		memmove( addr, addr + 12, 4 );
		*family = AF_INET;
	}
	return 0;
}

/* Where conn's client is, as apppwLastUsed records it: its address,
 * "local" over ldapi (whose peer name is "PATH=..."), "" if neither. */
static void
apppw_peer_from( Connection *conn, char from[APPPW_FROM_MAX_LEN + 1] )
{
	unsigned char addr[16];
	int family;

	from[0] = '\0';
	if ( !apppw_peer_addr( conn, &family, addr ) ) {
		if ( !inet_ntop( family, addr, from, APPPW_FROM_MAX_LEN + 1 ) ) {
			from[0] = '\0';
		}
	} else if ( conn->c_peer_name.bv_val &&
			!strncmp( conn->c_peer_name.bv_val, "PATH=", 5 ) ) {
		strcpy( from, APPPW_FROM_LOCAL );
	}
}

/* Whether sc names the service (empty: a bind DN without one). */
static int
apppw_scope_has_service( apppw_scope *sc, struct berval *service )
{
	int i;

	for ( i = 0; sc->services && !BER_BVISNULL( &sc->services[i] ); i++ ) {
		if ( ber_bvcmp( &sc->services[i], service ) == 0 ) {
			return 1;
		}
	}
	return 0;
}

/* Whether some scope names the service. */
static int
apppw_service_configured( apppw_info *ai, struct berval *service )
{
	apppw_scope *sc;

	for ( sc = ai->scopes; sc; sc = sc->next ) {
		if ( apppw_scope_has_service( sc, service ) ) {
			return 1;
		}
	}
	return 0;
}

/* Why a bind through the service (empty: none) from conn is outside sc;
 * NULL if it is inside. A scope with services is for binds through one of
 * them; one with clients, for one of those clients; one with both, for
 * both at once. */
static const char *
apppw_scope_refusal( apppw_scope *sc, Connection *conn, struct berval *service )
{
	unsigned char addr[16];
	int family, i;

	if ( sc->services && BER_BVISEMPTY( service ) ) {
		return "the app password is for a service: bind through its "
			"service DN";
	}
	if ( !BER_BVISEMPTY( service ) && !apppw_scope_has_service( sc, service ) ) {
		return "the app password's scope does not include this service";
	}
	if ( !sc->nnets && !sc->urls ) {
		return NULL;
	}
	if ( conn->c_listener && sc->urls ) {
		struct berval url = conn->c_listener->sl_url;

		while ( url.bv_len && url.bv_val[url.bv_len - 1] == '/' ) {
			url.bv_len--;
		}
		for ( i = 0; !BER_BVISNULL( &sc->urls[i] ); i++ ) {
			if ( url.bv_len == sc->urls[i].bv_len && !strncasecmp(
					url.bv_val, sc->urls[i].bv_val, url.bv_len ) ) {
				return NULL;
			}
		}
	}
	if ( sc->nnets && !apppw_peer_addr( conn, &family, addr ) ) {
		for ( i = 0; i < sc->nnets; i++ ) {
			if ( apppw_net_match( &sc->nets[i], family, addr ) ) {
				return NULL;
			}
		}
	}
	return "the client is outside the app password's scope";
}

/* ---- configuration ----------------------------------------------------- */

enum {
	APPPW_CFG_ENABLED = 1,
	APPPW_CFG_MAX_COUNT,
	APPPW_CFG_MAX_AGE,
	APPPW_CFG_PASSWORD_ALONE,
	APPPW_CFG_TOTP_DIGITS,
	APPPW_CFG_TOTP_STEP,
	APPPW_CFG_TOTP_WINDOW,
	APPPW_CFG_PRECISION,
	APPPW_CFG_REVOKE,
	APPPW_CFG_KEY_FILE,
	APPPW_CFG_MAX_FAILURES,
	APPPW_CFG_BACKOFF_MAX,
	APPPW_CFG_MAX_IDLE,
	APPPW_CFG_STEP_PROVIDER,
	APPPW_CFG_SCOPE			/* last: the only one without a default */
};

static ConfigDriver apppw_cf_gen;

#define APPPW_CFG_AT( n, name, desc, syntax ) \
	"( " APPPW_OID_ARC ".4." #n " NAME '" name "' DESC '" desc "' " syntax " )"
#define APPPW_BOOL	"EQUALITY booleanMatch SYNTAX OMsBoolean SINGLE-VALUE"
#define APPPW_INT	"EQUALITY integerMatch SYNTAX OMsInteger SINGLE-VALUE"
#define APPPW_STRING	"EQUALITY caseExactMatch SYNTAX OMsDirectoryString SINGLE-VALUE"

static ConfigTable apppw_cfg[] = {
	{ "apppw-enabled", "on|off", 2, 2, 0,
	  ARG_MAGIC|ARG_ON_OFF|APPPW_CFG_ENABLED, apppw_cf_gen,
	  APPPW_CFG_AT( 1, "olcApppwEnabled",
		"Whether app passwords are accepted and may be created", APPPW_BOOL ),
	  NULL, { 0 } },
	{ "apppw-max-count", "count", 2, 2, 0,
	  ARG_MAGIC|ARG_INT|APPPW_CFG_MAX_COUNT, apppw_cf_gen,
	  APPPW_CFG_AT( 2, "olcApppwMaxCount",
		"The most app passwords one entry may hold", APPPW_INT ),
	  NULL, { 0 } },
	{ "apppw-max-age", "duration", 2, 2, 0,
	  ARG_MAGIC|APPPW_CFG_MAX_AGE, apppw_cf_gen,
	  APPPW_CFG_AT( 3, "olcApppwMaxAge",
		"App passwords older than this are refused; 0: no limit", APPPW_STRING ),
	  NULL, { 0 } },
	{ "apppw-password-alone", "refuse|allow", 2, 2, 0,
	  ARG_MAGIC|APPPW_CFG_PASSWORD_ALONE, apppw_cf_gen,
	  APPPW_CFG_AT( 4, "olcApppwPasswordAlone",
		"Whether MFA-required entries may bind with the password alone", APPPW_STRING ),
	  NULL, { 0 } },
	{ "apppw-totp-digits", "digits", 2, 2, 0,
	  ARG_MAGIC|ARG_INT|APPPW_CFG_TOTP_DIGITS, apppw_cf_gen,
	  APPPW_CFG_AT( 5, "olcApppwTOTPDigits",
		"Digits of a TOTP code", APPPW_INT ),
	  NULL, { 0 } },
	{ "apppw-totp-step", "seconds", 2, 2, 0,
	  ARG_MAGIC|ARG_INT|APPPW_CFG_TOTP_STEP, apppw_cf_gen,
	  APPPW_CFG_AT( 6, "olcApppwTOTPStep",
		"Seconds of a TOTP time step", APPPW_INT ),
	  NULL, { 0 } },
	{ "apppw-totp-window", "steps", 2, 2, 0,
	  ARG_MAGIC|ARG_INT|APPPW_CFG_TOTP_WINDOW, apppw_cf_gen,
	  APPPW_CFG_AT( 7, "olcApppwTOTPWindow",
		"TOTP steps accepted either side of the current one", APPPW_INT ),
	  NULL, { 0 } },
	{ "apppw-lastused-precision", "duration", 2, 2, 0,
	  ARG_MAGIC|APPPW_CFG_PRECISION, apppw_cf_gen,
	  APPPW_CFG_AT( 8, "olcApppwLastUsedPrecision",
		"apppwLastUsed is rewritten at most once per this duration", APPPW_STRING ),
	  NULL, { 0 } },
	{ "apppw-revoke-on-password-change", "on|off", 2, 2, 0,
	  ARG_MAGIC|ARG_ON_OFF|APPPW_CFG_REVOKE, apppw_cf_gen,
	  APPPW_CFG_AT( 9, "olcApppwRevokeOnPasswordChange",
		"Whether changing userPassword revokes every app password", APPPW_BOOL ),
	  NULL, { 0 } },
	{ "apppw-key-file", "path", 2, 2, 0,
	  ARG_MAGIC|ARG_STRING|APPPW_CFG_KEY_FILE, apppw_cf_gen,
	  APPPW_CFG_AT( 10, "olcApppwKeyFile",
		"File of the server key that new app password hashes are keyed with",
		APPPW_STRING ),
	  NULL, { 0 } },
	{ "apppw-totp-max-failures", "count", 2, 2, 0,
	  ARG_MAGIC|ARG_INT|APPPW_CFG_MAX_FAILURES, apppw_cf_gen,
	  APPPW_CFG_AT( 12, "olcApppwTOTPMaxFailures",
		"Wrong TOTP codes, with the right password, before TOTP is "
		"refused for a time step", APPPW_INT ),
	  NULL, { 0 } },
	{ "apppw-totp-backoff-max", "duration", 2, 2, 0,
	  ARG_MAGIC|APPPW_CFG_BACKOFF_MAX, apppw_cf_gen,
	  APPPW_CFG_AT( 13, "olcApppwTOTPBackoffMax",
		"The longest TOTP lockout; lockouts in a row double up to it",
		APPPW_STRING ),
	  NULL, { 0 } },
	{ "apppw-max-idle", "duration", 2, 2, 0,
	  ARG_MAGIC|APPPW_CFG_MAX_IDLE, apppw_cf_gen,
	  APPPW_CFG_AT( 15, "olcApppwMaxIdle",
		"App passwords not used for this long are refused; 0: no limit",
		APPPW_STRING ),
	  NULL, { 0 } },
	{ "apppw-totp-step-provider", "URL", 2, 2, 0,
	  ARG_MAGIC|APPPW_CFG_STEP_PROVIDER, apppw_cf_gen,
	  APPPW_CFG_AT( 14, "olcApppwTOTPStepProvider",
		"The provider that records every TOTP step, through the chain "
		"overlay; none: this server records them", APPPW_STRING ),
	  NULL, { 0 } },
	{ "apppw-scope", "name> <address/prefix|URL> <...", 3, 0, 0,
	  ARG_MAGIC|APPPW_CFG_SCOPE, apppw_cf_gen,
	  "( " APPPW_OID_ARC ".4.11 NAME 'olcApppwScope' "
		"DESC 'A named set of clients an app password may be limited to' "
		"EQUALITY caseIgnoreMatch SYNTAX OMsDirectoryString X-ORDERED 'VALUES' )",
	  NULL, { 0 } },
	{ NULL, NULL, 0, 0, 0, ARG_IGNORED, NULL, NULL, NULL, { 0 } }
};

static ConfigOCs apppw_ocs[] = {
	{ "( " APPPW_OID_ARC ".5.1 NAME 'olcApppwConfig' "
	  "DESC 'App password overlay configuration' "
	  "SUP olcOverlayConfig "
	  "MAY ( olcApppwEnabled $ olcApppwMaxCount $ olcApppwMaxAge $ "
	  "olcApppwMaxIdle $ "
	  "olcApppwPasswordAlone $ olcApppwTOTPDigits $ olcApppwTOTPStep $ "
	  "olcApppwTOTPWindow $ olcApppwTOTPMaxFailures $ "
	  "olcApppwTOTPBackoffMax $ olcApppwLastUsedPrecision $ "
	  "olcApppwRevokeOnPasswordChange $ olcApppwKeyFile $ "
	  "olcApppwTOTPStepProvider $ olcApppwScope ) )",
	  Cft_Overlay, apppw_cfg, NULL, NULL, NULL, NULL, NULL },
	{ NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL }
};

static void
apppw_defaults( apppw_info *ai, int type )
{
	switch ( type ) {
	case APPPW_CFG_ENABLED: ai->enabled = 1; break;
	case APPPW_CFG_MAX_COUNT: ai->max_count = APPPW_DEFAULT_MAX_COUNT; break;
	case APPPW_CFG_MAX_AGE: ai->max_age = 0; break;
	case APPPW_CFG_MAX_IDLE: ai->max_idle = 0; break;
	case APPPW_CFG_PASSWORD_ALONE: ai->password_alone = 0; break;
	case APPPW_CFG_TOTP_DIGITS: ai->totp_digits = APPPW_TOTP_DEFAULT_DIGITS; break;
	case APPPW_CFG_TOTP_STEP: ai->totp_step = APPPW_TOTP_DEFAULT_STEP; break;
	case APPPW_CFG_TOTP_WINDOW: ai->totp_window = APPPW_TOTP_DEFAULT_WINDOW; break;
	case APPPW_CFG_PRECISION: ai->lastused_precision = APPPW_DEFAULT_PRECISION; break;
	case APPPW_CFG_REVOKE: ai->revoke_on_password_change = 0; break;
	case APPPW_CFG_MAX_FAILURES:
		ai->totp_max_failures = APPPW_THROTTLE_DEFAULT_MAX_FAILURES;
		break;
	case APPPW_CFG_BACKOFF_MAX:
		ai->totp_backoff_max = APPPW_THROTTLE_DEFAULT_BACKOFF_MAX;
		break;
	case APPPW_CFG_STEP_PROVIDER:
		ber_bvarray_free( ai->step_provider );
		ai->step_provider = NULL;
		break;
	case APPPW_CFG_KEY_FILE:
		ch_free( ai->key_file );
		ai->key_file = NULL;
		apppw_wipe( ai->key, sizeof(ai->key) );
		ai->have_key = 0;
		break;
	}
}

/* A configuration error: the message names the directive, goes to the
 * client (cn=config) or slaptest, and to the log. */
static int
apppw_cf_fail( ConfigArgs *c, const char *fmt, ... )
{
	va_list ap;
	int len;

	len = snprintf( c->cr_msg, sizeof(c->cr_msg), "<%s> ", c->argv[0] );
	va_start( ap, fmt );
	vsnprintf( c->cr_msg + len, sizeof(c->cr_msg) - len, fmt, ap );
	va_end( ap );
	Debug( LDAP_DEBUG_ANY, "%s: %s\n", c->log, c->cr_msg );
	return ARG_BAD_CONF;
}

static int
apppw_cf_int_range( ConfigArgs *c, int *dst, int min, int max )
{
	if ( c->value_int < min || c->value_int > max ) {
		return apppw_cf_fail( c, "must be between %d and %d", min, max );
	}
	*dst = c->value_int;
	return 0;
}

static int
apppw_cf_duration( ConfigArgs *c, unsigned long *dst, unsigned long min,
	unsigned long max )
{
	unsigned long t;

	if ( lutil_parse_time( c->argv[1], &t ) ) {
		return apppw_cf_fail( c, "takes a duration such as 3600, 90d or "
			"1d12h, not \"%s\"", c->argv[1] );
	}
	if ( t < min || t > max ) {
		return apppw_cf_fail( c, "must be between %lu and %lu seconds",
			min, max );
	}
	*dst = t;
	return 0;
}

static int
apppw_cf_emit_duration( ConfigArgs *c, unsigned long t )
{
	char buf[64];
	struct berval bv;

	if ( lutil_unparse_time( buf, sizeof(buf), t ) ) {
		return 1;
	}
	ber_str2bv( buf, 0, 0, &bv );
	value_add_one( &c->rvalue_vals, &bv );
	return 0;
}

static int
apppw_cf_scope_add( ConfigArgs *c, apppw_info *ai )
{
	apppw_scope *sc, **tail;
	char *text, *p;
	int i;
	size_t len;

	if ( apppw_scope_check( c->argv[1], strlen( c->argv[1] ) ) != APPPW_REC_OK ) {
		return apppw_cf_fail( c, "scope name \"%s\": %s", c->argv[1],
			apppw_record_strerror( APPPW_REC_BAD_SCOPE ) );
	}
	if ( apppw_scope_find( ai, c->argv[1] ) ) {
		return apppw_cf_fail( c, "scope \"%s\" is already defined", c->argv[1] );
	}
	sc = ch_calloc( 1, sizeof(*sc) );
	sc->name = ch_strdup( c->argv[1] );
	sc->nets = ch_calloc( c->argc - 2, sizeof(apppw_net) );
	for ( i = 2; i < c->argc; i++ ) {
		if ( !strncmp( c->argv[i], APPPW_SCOPE_SERVICE,
				STRLENOF( APPPW_SCOPE_SERVICE ) ) ) {
			const char *name = c->argv[i] + STRLENOF( APPPW_SCOPE_SERVICE );
			struct berval bv;

			if ( apppw_scope_check( name, strlen( name ) ) != APPPW_REC_OK ) {
				apppw_scope_free( sc );
				return apppw_cf_fail( c, "scope \"%s\": service name "
					"\"%s\": %s", c->argv[1], name,
					apppw_service_rule );
			}
			ber_str2bv( name, 0, 1, &bv );
			ber_bvarray_add( &sc->services, &bv );
		} else if ( strstr( c->argv[i], "://" ) ) {
			struct berval url;
			LDAPURLDesc *lud;

			/* a URL no listener can have would silently admit nobody */
			if ( ldap_url_parse( c->argv[i], &lud ) != LDAP_URL_SUCCESS ) {
				apppw_scope_free( sc );
				return apppw_cf_fail( c, "scope \"%s\": \"%s\" is not a "
					"valid listener URL (ldap://, ldaps:// or ldapi://)",
					c->argv[1], c->argv[i] );
			}
			ldap_free_urldesc( lud );
			ber_str2bv( c->argv[i], 0, 1, &url );
			apppw_url_trim( &url );
			ber_bvarray_add( &sc->urls, &url );
		} else if ( apppw_net_parse( c->argv[i], &sc->nets[sc->nnets] ) ) {
			apppw_scope_free( sc );
			return apppw_cf_fail( c, "scope \"%s\": \"%s\" is neither an "
				"IPv4/IPv6 address or network (address/prefix) nor a "
				"listener URL", c->argv[1], c->argv[i] );
		} else {
			sc->nnets++;
		}
	}

	for ( len = 0, i = 1; i < c->argc; i++ ) {
		len += strlen( c->argv[i] ) + 1;
	}
	p = text = ch_malloc( len );
	for ( i = 1; i < c->argc; i++ ) {
		p = lutil_strcopy( p, c->argv[i] );
		*p++ = ' ';
	}
	p[-1] = '\0';
	sc->text.bv_val = text;
	sc->text.bv_len = len - 1;

	/* keep configuration order, so that cn=config's X-ORDERED indexes hold */
	for ( tail = &ai->scopes, i = 0; *tail && ( c->valx < 0 || i < c->valx );
			tail = &(*tail)->next, i++ )
		;
	sc->next = *tail;
	*tail = sc;
	return 0;
}

static int
apppw_cf_gen( ConfigArgs *c )
{
	slap_overinst *on = (slap_overinst *)c->bi;
	apppw_info *ai = on->on_bi.bi_private;
	apppw_scope *sc, **scp;
	const char *why;
	int i;

	if ( c->op == SLAP_CONFIG_EMIT ) {
		switch ( c->type ) {
		case APPPW_CFG_ENABLED: c->value_int = ai->enabled; return 0;
		case APPPW_CFG_MAX_COUNT: c->value_int = ai->max_count; return 0;
		case APPPW_CFG_MAX_AGE:
			return apppw_cf_emit_duration( c, ai->max_age );
		case APPPW_CFG_MAX_IDLE:
			return apppw_cf_emit_duration( c, ai->max_idle );
		case APPPW_CFG_PASSWORD_ALONE: {
			struct berval bv = ai->password_alone ?
				(struct berval)BER_BVC( "allow" ) :
				(struct berval)BER_BVC( "refuse" );
			value_add_one( &c->rvalue_vals, &bv );
			return 0;
		}
		case APPPW_CFG_TOTP_DIGITS: c->value_int = ai->totp_digits; return 0;
		case APPPW_CFG_TOTP_STEP: c->value_int = ai->totp_step; return 0;
		case APPPW_CFG_TOTP_WINDOW: c->value_int = ai->totp_window; return 0;
		case APPPW_CFG_PRECISION:
			return apppw_cf_emit_duration( c, ai->lastused_precision );
		case APPPW_CFG_REVOKE:
			c->value_int = ai->revoke_on_password_change;
			return 0;
		case APPPW_CFG_KEY_FILE:
			if ( !ai->key_file ) {
				return 1;
			}
			c->value_string = ch_strdup( ai->key_file );
			return 0;
		case APPPW_CFG_MAX_FAILURES:
			c->value_int = ai->totp_max_failures;
			return 0;
		case APPPW_CFG_BACKOFF_MAX:
			return apppw_cf_emit_duration( c, ai->totp_backoff_max );
		case APPPW_CFG_STEP_PROVIDER:
			if ( !ai->step_provider ) {
				return 1;
			}
			value_add_one( &c->rvalue_vals, &ai->step_provider[0] );
			return 0;
		case APPPW_CFG_SCOPE:
			/* X-ORDERED values are emitted with their index, as other
			 * overlays do: without it, slaptest's conversion stores
			 * them unnumbered, and a delete by index fails */
			for ( i = 0, sc = ai->scopes; sc; sc = sc->next, i++ ) {
				struct berval bv;
				char idx[32];
				int len = snprintf( idx, sizeof(idx), SLAP_X_ORDERED_FMT, i );

				bv.bv_len = len + sc->text.bv_len;
				bv.bv_val = ch_malloc( bv.bv_len + 1 );
				lutil_strcopy( lutil_strcopy( bv.bv_val, idx ), sc->text.bv_val );
				ber_bvarray_add( &c->rvalue_vals, &bv );
			}
			return ai->scopes == NULL;
		}
		return 1;
	}

	if ( c->op == LDAP_MOD_DELETE ) {
		if ( c->type != APPPW_CFG_SCOPE ) {
			apppw_defaults( ai, c->type );
			return 0;
		}
		for ( scp = &ai->scopes, i = 0; *scp; i++ ) {
			sc = *scp;
			if ( c->valx < 0 || i == c->valx ) {
				*scp = sc->next;
				apppw_scope_free( sc );
			} else {
				scp = &sc->next;
			}
		}
		return 0;
	}

	switch ( c->type ) {
	case APPPW_CFG_ENABLED:
		ai->enabled = c->value_int;
		return 0;
	case APPPW_CFG_MAX_COUNT:
		return apppw_cf_int_range( c, &ai->max_count, 1, APPPW_MAX_COUNT_LIMIT );
	case APPPW_CFG_MAX_AGE:
		return apppw_cf_duration( c, &ai->max_age, 0, ULONG_MAX );
	case APPPW_CFG_MAX_IDLE:
		return apppw_cf_duration( c, &ai->max_idle, 0, ULONG_MAX );
	case APPPW_CFG_PASSWORD_ALONE:
		if ( !strcasecmp( c->argv[1], "refuse" ) ) {
			ai->password_alone = 0;
		} else if ( !strcasecmp( c->argv[1], "allow" ) ) {
			ai->password_alone = 1;
		} else {
			return apppw_cf_fail( c, "takes \"refuse\" or \"allow\", "
				"not \"%s\"", c->argv[1] );
		}
		return 0;
	case APPPW_CFG_TOTP_DIGITS:
		return apppw_cf_int_range( c, &ai->totp_digits,
			APPPW_TOTP_DIGITS_MIN, APPPW_TOTP_DIGITS_MAX );
	case APPPW_CFG_TOTP_STEP:
		return apppw_cf_int_range( c, &ai->totp_step, 1, APPPW_TOTP_STEP_MAX );
	case APPPW_CFG_TOTP_WINDOW:
		return apppw_cf_int_range( c, &ai->totp_window, 0,
			APPPW_TOTP_WINDOW_LIMIT );
	case APPPW_CFG_PRECISION:
		return apppw_cf_duration( c, &ai->lastused_precision, 0, ULONG_MAX );
	case APPPW_CFG_REVOKE:
		ai->revoke_on_password_change = c->value_int;
		return 0;
	case APPPW_CFG_KEY_FILE: {
		unsigned char key[APPPW_KEY_LEN];

		if ( apppw_key_load( c->value_string, key, &why ) ) {
			apppw_cf_fail( c, "\"%s\": %s", c->value_string, why );
			ch_free( c->value_string );
			return ARG_BAD_CONF;
		}
		apppw_defaults( ai, APPPW_CFG_KEY_FILE );
		memcpy( ai->key, key, sizeof(key) );
		apppw_wipe( key, sizeof(key) );
		ai->have_key = 1;
		ai->key_file = c->value_string;
		return 0;
	}
	case APPPW_CFG_MAX_FAILURES:
		return apppw_cf_int_range( c, &ai->totp_max_failures, 1,
			APPPW_THROTTLE_MAX_FAILURES_LIMIT );
	case APPPW_CFG_BACKOFF_MAX:
		return apppw_cf_duration( c, &ai->totp_backoff_max,
			APPPW_THROTTLE_BACKOFF_MAX_MIN, APPPW_THROTTLE_BACKOFF_MAX_LIMIT );
	case APPPW_CFG_STEP_PROVIDER: {
		LDAPURLDesc *lud;
		struct berval url;

		/* the chain overlay follows it as a referral */
		if ( ldap_url_parse( c->argv[1], &lud ) != LDAP_URL_SUCCESS ) {
			return apppw_cf_fail( c, "\"%s\" is not an LDAP URL "
				"(ldap://host:port/ or ldaps://...)", c->argv[1] );
		}
		ldap_free_urldesc( lud );
		apppw_defaults( ai, APPPW_CFG_STEP_PROVIDER );
		ber_str2bv( c->argv[1], 0, 1, &url );
		ber_bvarray_add( &ai->step_provider, &url );
		return 0;
	}
	case APPPW_CFG_SCOPE:
		return apppw_cf_scope_add( c, ai );
	}
	return 1;
}

/* ---- helpers ----------------------------------------------------------- */

/* slapd's packets, BER and any levels write every request, passwords and
 * codes included, to the log: said once each time they are turned on. */
static void
apppw_warn_loglevel( void )
{
	static int warned;
	int level = ( slap_debug | ldap_syslog ) &
		( LDAP_DEBUG_PACKETS | LDAP_DEBUG_BER );

	/* read first: every bind comes here, and a write would bounce the
	 * cache line between the threads */
	if ( __atomic_load_n( &warned, __ATOMIC_RELAXED ) == level ) {
		return;
	}
	if ( __atomic_exchange_n( &warned, level, __ATOMIC_RELAXED ) != level && level ) {
		Debug( LDAP_DEBUG_ANY, "apppw: warning: loglevel packets, BER or any "
			"writes every password, app password and TOTP code to the log; "
			"never run production with them\n" );
	}
}

static const char *
apppw_text( Operation *op, const char *fmt, ... )
{
	char *buf = op->o_tmpalloc( SLAP_TEXT_BUFLEN, op->o_tmpmemctx );
	va_list ap;

	va_start( ap, fmt );
	vsnprintf( buf, SLAP_TEXT_BUFLEN, fmt, ap );
	va_end( ap );
	return buf;
}

/* The text for a scope the server does not configure: with the names of
 * those it does, for the person choosing one (apppw create --scope), cut
 * to what the text buffer holds. */
static const char *
apppw_unknown_scope( Operation *op, apppw_info *ai, const char *name )
{
	char *buf = op->o_tmpalloc( SLAP_TEXT_BUFLEN, op->o_tmpmemctx );
	apppw_scope *sc;
	size_t len;
	int n;

	n = snprintf( buf, SLAP_TEXT_BUFLEN, "apppw: scope \"%s\" is not "
		"configured (see apppw-scope in slapo-apppw(5)); %s", name,
		ai->scopes ? "this server's scopes:" : "this server has none" );
	len = n < 0 ? 0 : (size_t)n;
	for ( sc = ai->scopes; sc && len < SLAP_TEXT_BUFLEN; sc = sc->next ) {
		n = snprintf( buf + len, SLAP_TEXT_BUFLEN - len, "%s %s",
			sc == ai->scopes ? "" : ",", sc->name );
		len += n < 0 ? 0 : (size_t)n;
	}
	return buf;
}

static int
apppw_entry_mfa( Entry *e )
{
	Attribute *a = attr_find( e->e_attrs, ad_mfa );

	return a && a->a_numvals &&
		bvmatch( &a->a_nvals[0], (struct berval *)&slap_true_bv );
}

/* An MFA-required entry without a TOTP secret is pending: its password
 * alone never binds, and its first authenticator is enrolled with the
 * enrol extended operation, which carries the password. */
static int
apppw_entry_pending( Entry *e )
{
	Attribute *a = attr_find( e->e_attrs, ad_totp_secret );

	return apppw_entry_mfa( e ) && !( a && a->a_numvals );
}

static const char apppw_why_pending[] =
	"pending: MFA is required but no TOTP secret is enrolled; enrol first "
	"(apppw mfa enroll)";

/* The backend appends the operational attributes it sets (modifiersName,
 * entryCSN, ...) to an internal modify's list, and apppw_op_modify may
 * append its own: they are allocated, and ours to free, while the caller's
 * nmods are on its stack. */
static void
apppw_free_added_mods( Modifications **list, Modifications *ours, int nmods )
{
	Modifications *m;
	int i;

	while ( ( m = *list ) ) {
		for ( i = 0; i < nmods && m != &ours[i]; i++ )
			;
		if ( i < nmods ) {
			list = &m->sml_next;
		} else {
			*list = m->sml_next;
			m->sml_next = NULL;
			slap_mods_free( m, 1 );
		}
	}
}

/* The overlay's own writes (last use, TOTP step) carry this callback,
 * which the write rules let through (they run on the client's connection,
 * whose session may be an app password's) and which keeps their result:
 * when a write is chained to another server, the result that counts is the
 * one the chain overlay puts in the reply it forwarded. */
static int
apppw_internal_result( Operation *op, SlapReply *rs )
{
	if ( rs->sr_type == REP_RESULT ) {
		*(int *)op->o_callback->sc_private = rs->sr_err;
	}
	return LDAP_SUCCESS;
}

static int
apppw_is_internal( Operation *op )
{
	slap_callback *sc;

	for ( sc = op->o_callback; sc; sc = sc->sc_next ) {
		if ( sc->sc_response == apppw_internal_result ) {
			return 1;
		}
	}
	return 0;
}

/* Whether this server sends the write of ad elsewhere instead of making
 * it: a consumer (a single-provider shadow) sends every write to its
 * provider; with apppw-totp-step-provider, any server sends the TOTP step
 * and the use of a recovery code to the designated one, which keeps both
 * single-use across providers. A multi-provider is a shadow too in slapd's
 * flags, but it writes its own database. */
static int
apppw_to_step_provider( apppw_info *ai, AttributeDescription *ad )
{
	return ai->step_provider && ( ad == ad_totp_last || ad == ad_recovery );
}

static int
apppw_forwards( Operation *op, apppw_info *ai, AttributeDescription *ad )
{
	return SLAP_SINGLE_SHADOW( op->o_bd ) || apppw_to_step_provider( ai, ad );
}

/* The attribute that decides where one of the overlay's writes is made:
 * its last change's (a TOTP step, a recovery code used up or made, a last
 * use), which apppw_forwards and apppw_refer_step both ask about. */
static AttributeDescription *
apppw_write_ad( Modifications *mods )
{
	while ( mods->sml_next ) {
		mods = mods->sml_next;
	}
	return mods->sml_desc;
}

/* The normalized values of the overlay's own changes, as slapd gives a
 * client's (slap_mods_check): a value added without them to an attribute
 * stored with them, or the other way round, fails an assertion of
 * attr_merge, and replication brings them. n < 0: free those of -n
 * changes. */
static void
apppw_mods_normalize( Modifications *mods, int n, void *ctx )
{
	int i;

	for ( i = 0; i < ( n < 0 ? -n : n ); i++ ) {
		Modifications *m = &mods[i];

		if ( n < 0 ) {
			if ( m->sml_nvalues && m->sml_nvalues != m->sml_values ) {
				ber_bvarray_free_x( m->sml_nvalues, ctx );
			}
			m->sml_nvalues = NULL;
		} else if ( m->sml_values && !m->sml_nvalues &&
				attr_normalize( m->sml_desc, m->sml_values,
					&m->sml_nvalues, ctx ) != LDAP_SUCCESS ) {
			m->sml_nvalues = NULL;
		}
	}
}

/* Writes the overlay makes itself (last use, TOTP step), as the rootdn
 * through the whole overlay stack, so that syncprov and accesslog
 * replicate them. When the write is made elsewhere (apppw_forwards) it
 * goes through the frontend with the Relax control, so that a referral
 * (the consumer's updateref, or apppw_chk_referrals) and the chain overlay
 * forward it; this is how slapd's lastbind and slapo-otp do it. An
 * assertion, when given, is checked by the server that writes, in the
 * write's transaction: sent along as the control. text: the result's. */
static int
apppw_internal_modify( Operation *op, slap_overinst *on, struct berval *ndn,
	Modifications *mods, int nmods, const char *assertion, const char **text )
{
	apppw_info *ai = on->on_bi.bi_private;
	Operation op2 = *op;
	Opheader oh = *op->o_hdr;
	SlapReply rs2 = { REP_RESULT };
	int result = LDAP_OTHER;
	slap_callback cb = { .sc_response = apppw_internal_result,
		.sc_private = &result };
	LDAPControl relax, assert, *ctrls[3] = { &relax, NULL, NULL };
	BerElementBuffer berbuf;
	BerElement *ber = (BerElement *)&berbuf;
	Filter *f = NULL;

	op2.o_hdr = &oh;
	op2.o_tag = LDAP_REQ_MODIFY;
	op2.o_callback = &cb;
	op2.orm_modlist = mods;
	op2.orm_no_opattrs = 0;
	op2.o_dn = op->o_bd->be_rootdn;
	op2.o_ndn = op->o_bd->be_rootndn;
	op2.o_req_dn = *ndn;
	op2.o_req_ndn = *ndn;
	op2.o_opid = -1;
	BER_BVZERO( &assert.ldctl_value );
	apppw_mods_normalize( mods, nmods, op->o_tmpmemctx );

	if ( apppw_forwards( op, ai, apppw_write_ad( mods ) ) ) {
		op2.o_bd = frontendDB;
		op2.o_relax = SLAP_CONTROL_CRITICAL;
		relax.ldctl_oid = LDAP_CONTROL_RELAX;
		BER_BVZERO( &relax.ldctl_value );
		relax.ldctl_iscritical = 1;
		if ( assertion ) {
			ber_init2( ber, NULL, LBER_USE_DER );
			if ( ldap_pvt_put_filter( ber, assertion ) < 0 ||
					ber_flatten2( ber, &assert.ldctl_value, 0 ) < 0 ) {
				ber_free_buf( ber );
				return LDAP_OTHER;
			}
			assert.ldctl_oid = LDAP_CONTROL_ASSERT;
			assert.ldctl_iscritical = 1;
			ctrls[1] = &assert;
		}
		op2.o_ctrls = ctrls;
	} else {
		if ( assertion ) {
			if ( !( f = str2filter_x( op, assertion ) ) ) {
				return LDAP_OTHER;
			}
			op2.o_assertion = f;
			op2.o_assert = SLAP_CONTROL_CRITICAL;
		}
		op2.o_bd->bd_info = (BackendInfo *)on->on_info;
	}
	op2.o_bd->be_modify( &op2, &rs2 );
	op->o_bd->bd_info = (BackendInfo *)on;
	apppw_free_added_mods( &op2.orm_modlist, mods, nmods );
	apppw_mods_normalize( mods, -nmods, op->o_tmpmemctx );
	if ( f ) {
		filter_free_x( op, f, 1 );
	}
	if ( !BER_BVISNULL( &assert.ldctl_value ) ) {
		ber_free_buf( ber );
	}
	if ( text ) {
		*text = rs2.sr_text;
	}
	return result;
}

/* Append a copy of v to *vals. ber_bvarray_add copies the berval it is
 * given, so the copy is made here: a berval from ber_dupbv( NULL, ... )
 * would leak. */
static void
apppw_bvarray_add_copy( BerVarray *vals, struct berval *v, void *ctx )
{
	struct berval dup;

	ber_dupbv_x( &dup, v, ctx );
	ber_bvarray_add_x( vals, &dup, ctx );
}

static void
apppw_mod_init( Modifications *m, AttributeDescription *ad, short op,
	struct berval *vals, Modifications *next )
{
	memset( m, 0, sizeof(*m) );
	m->sml_op = op;
	m->sml_flags = SLAP_MOD_INTERNAL;
	m->sml_desc = ad;
	m->sml_type = ad->ad_cname;
	m->sml_values = vals;
	while ( vals && !BER_BVISNULL( &vals[m->sml_numvals] ) ) {
		m->sml_numvals++;
	}
	m->sml_next = next;
}

/* ---- bind -------------------------------------------------------------- */

/* What the credentials of a bind to an MFA-required entry turned out to
 * be, from the entry alone: an app password that checked, or a TOTP code
 * and its verdict. The password is checked later, by slapd, for every
 * code: neither the result nor its timing may tell whether it was right.
 * Writes wait until the entry is released, as slapo-otp and lastbind do. */
typedef struct apppw_bind_state {
	enum apppw_session_kind kind;	/* APP: an app password that checked */
	const char *why;		/* refused: the reason, for the log alone */
	char id[APPPW_ID_LEN + 1];	/* the app password tried, if any */
	apppw_record rec;
	int code_given;			/* the credentials end with a code */
	ber_len_t code_len;		/* its length: TOTP or recovery code */
	int code_counts;		/* a wrong one is a guess: a secret exists */
	int code_ok;			/* right, in the window, not used before */
	const char *code_why;		/* if not, why */
	struct berval recovery;		/* the right recovery code's value */
	char recovery_id[APPPW_ID_LEN + 1];
	int recovery_left;		/* the entry's other recovery codes */
	ber_len_t recovery_wrong;	/* the end named a recovery code of the
					 * entry, but not rightly: its length */
	int recovery_form;		/* the end looks like a recovery code */
	apppw_throttle_policy policy;	/* the TOTP throttle's settings */
	apppw_throttle_key tkey;	/* the entry, for the TOTP throttle */
	int locked;			/* TOTP is locked: neither factor checked */
	apppw_throttle_report tr;	/* locked: what to log */
	int password_checked;		/* by apppw, on the entry it read */
	int password_ok;
	struct berval dn, ndn;		/* the entry's */
	struct berval service;		/* named by the bind DN; empty: none */
	AttributeDescription *write_ad;	/* NULL: nothing to write */
	BerVarray old_values;		/* deleted by value; NULL if none */
	int replace_all;		/* stored unnormalized: replaced whole */
	BerVarray others;		/* then, the values of other app passwords */
	char new_value[APPPW_LASTUSED_MAX_LEN + 1];
} apppw_bind_state;

_Static_assert( sizeof(((apppw_bind_state *)0)->new_value) > APPPW_LASTUSED_MAX_LEN &&
	sizeof(((apppw_bind_state *)0)->new_value) > APPPW_LASTSTEP_MAX_LEN,
	"new_value holds an apppwLastUsed and an apppwTOTPLastStep value" );

/* How often a last use is written at most: apppw-lastused-precision, or
 * half of apppw-max-idle when that is shorter, so that an app password in
 * use has a recorded use less than max-idle old and is never refused as
 * idle. */
static unsigned long
apppw_lastused_interval( apppw_info *ai )
{
	if ( ai->max_idle && ai->max_idle / 2 < ai->lastused_precision ) {
		return ai->max_idle / 2;
	}
	return ai->lastused_precision;
}

/* Whether the apppwLastUsed value v starts with the id, "ID SP": only
 * such values need parsing (an address check costs), so that a bind reads
 * one value of an entry's forty. */
static int
apppw_lastused_of( struct berval *v, const char *id )
{
	return v->bv_len > APPPW_ID_LEN && v->bv_val[APPPW_ID_LEN] == ' ' &&
		!memcmp( v->bv_val, id, APPPW_ID_LEN );
}

/* The latest recorded use of the app password id in e; 0 for none. */
static time_t
apppw_last_use( Entry *e, const char *id )
{
	Attribute *a = attr_find( e->e_attrs, ad_last_used );
	apppw_lastuse u;
	time_t latest = 0;
	unsigned i;

	for ( i = 0; a && i < a->a_numvals; i++ ) {
		if ( apppw_lastused_of( &a->a_vals[i], id ) &&
				!apppw_lastused_parse( a->a_vals[i].bv_val,
					a->a_vals[i].bv_len, &u ) && u.when > latest ) {
			latest = u.when;
		}
	}
	return latest;
}

/* Whether an attribute was stored without normalized values (by this
 * overlay's writes before it gave them): a value added with them would
 * fail attr_merge's assertion, so the attribute is replaced whole. */
static int
apppw_attr_unnormalized( Attribute *a )
{
	return a && a->a_numvals && a->a_nvals == a->a_vals &&
		a->a_desc->ad_type->sat_equality &&
		a->a_desc->ad_type->sat_equality->smr_normalize;
}

/* Decide whether last use must be written: at most once per
 * apppw_lastused_interval(), with the client's address. Only time decides:
 * a use from another address within the interval is not written, so that
 * a client that roams, or two devices sharing nothing but the account, do
 * not turn every bind into a write; the address shown is the one of the
 * last use written. */
static void
apppw_plan_last_use( Operation *op, apppw_info *ai, Entry *e,
	apppw_bind_state *bs )
{
	Attribute *a = attr_find( e->e_attrs, ad_last_used );
	apppw_lastuse u;
	unsigned i;

	bs->replace_all = apppw_attr_unnormalized( a );
	for ( i = 0; a && i < a->a_numvals; i++ ) {
		struct berval *v = &a->a_vals[i];

		if ( !apppw_lastused_of( v, bs->rec.id ) ||
				apppw_lastused_parse( v->bv_val, v->bv_len, &u ) ) {
			if ( bs->replace_all ) {
				apppw_bvarray_add_copy( &bs->others, v, op->o_tmpmemctx );
			}
			continue;
		}
		if ( op->o_time >= u.when && (unsigned long)( op->o_time - u.when ) <
				apppw_lastused_interval( ai ) ) {
			ber_bvarray_free_x( bs->old_values, op->o_tmpmemctx );
			bs->old_values = NULL;
			return;
		}
		/* every value of this id is replaced: two first uses racing in
		 * different seconds both add one, and neither must stay for good */
		apppw_bvarray_add_copy( &bs->old_values, v, op->o_tmpmemctx );
	}
	memcpy( u.id, bs->rec.id, sizeof(u.id) );
	u.when = op->o_time;
	apppw_peer_from( op->o_conn, u.from );
	if ( !apppw_lastused_format( &u, bs->new_value, sizeof(bs->new_value) ) ) {
		bs->write_ad = ad_last_used;
	}
}

/* What the log says of an app password past its end. */
static const char *const apppw_expiry_why[APPPW_EXPIRY_REASONS] = {
	[APPPW_EXPIRY_EXPIRES] = "the app password has expired",
	[APPPW_EXPIRY_MAX_AGE] = "the app password is older than apppw-max-age",
	[APPPW_EXPIRY_MAX_IDLE] = "the app password was not used for apppw-max-idle",
};

/* Credentials that look like an app password: check the one record their
 * id selects. One hash, whatever the number of records. */
static int
apppw_check_app_password( Operation *op, apppw_info *ai, Entry *e,
	const char norm[APPPW_PASSWORD_LEN + 1], apppw_bind_state *bs )
{
	Attribute *a = attr_find( e->e_attrs, ad_password );
	apppw_scope *sc;
	char id[APPPW_ID_LEN + 1];
	enum apppw_expiry_reason end;
	time_t deadline;
	unsigned i;

	memcpy( bs->id, norm, APPPW_ID_LEN );
	bs->id[APPPW_ID_LEN] = '\0';
	if ( !ai->enabled ) {
		bs->why = "app passwords are disabled (apppw-enabled off)";
		return -1;
	}
	for ( i = 0; a && i < a->a_numvals; i++ ) {
		if ( !apppw_record_id( a->a_vals[i].bv_val, a->a_vals[i].bv_len, id ) &&
				!memcmp( id, norm, APPPW_ID_LEN ) ) {
			break;
		}
	}
	if ( !a || i == a->a_numvals ) {
		bs->why = "no app password has this id";
		return -1;
	}
	if ( !access_allowed( op, e, ad_password, NULL, ACL_AUTH, NULL ) ) {
		bs->why = "auth access to apppwPassword denied by ACL";
		return -1;
	}
	if ( apppw_record_parse( a->a_vals[i].bv_val, a->a_vals[i].bv_len, &bs->rec ) ) {
		bs->why = "the stored record is malformed";
		return -1;
	}
	if ( bs->rec.keyed && !ai->have_key ) {
		bs->why = "the record is keyed but no apppw-key-file is configured";
		return -1;
	}
	if ( apppw_verify( norm, bs->rec.salt, bs->rec.keyed ? ai->key : NULL,
			bs->rec.hash ) ) {
		bs->why = "wrong app password";
		return -1;
	}
	deadline = apppw_deadline( &bs->rec, apppw_last_use( e, bs->rec.id ),
		ai->max_age, ai->max_idle, &end );
	if ( deadline && op->o_time >= deadline ) {
		bs->why = apppw_expiry_why[end];
		return -1;
	}
	if ( bs->rec.scope[0] ) {
		sc = apppw_scope_find( ai, bs->rec.scope );
		if ( !sc ) {
			bs->why = "the app password's scope is not configured";
			return -1;
		}
		if ( ( bs->why = apppw_scope_refusal( sc, op->o_conn, &bs->service ) ) ) {
			return -1;
		}
	} else if ( !BER_BVISEMPTY( &bs->service ) ) {
		bs->why = "the app password has no scope: a service takes only "
			"app passwords scoped to it";
		return -1;
	}
	apppw_plan_last_use( op, ai, e, bs );
	return 0;
}

static void
apppw_throttle_policy_of( apppw_info *ai, apppw_throttle_policy *p )
{
	p->max_failures = (unsigned)ai->totp_max_failures;
	p->step = ai->totp_step;
	p->backoff_max = ai->totp_backoff_max;
}

/* Whether TOTP is locked for e after wrong codes: neither factor is then
 * checked. Sets up the throttle's key and policy for the bind either way. */
static int
apppw_locked( Operation *op, apppw_info *ai, Entry *e, apppw_bind_state *bs )
{
	apppw_throttle_policy_of( ai, &bs->policy );
	apppw_throttle_key_of( e->e_nname.bv_val, e->e_nname.bv_len, &bs->tkey );
	if ( apppw_throttle_locked( &bs->tkey, op->o_time, &bs->policy, &bs->tr ) ) {
		bs->locked = 1;
		bs->code_given = 1;
	}
	return bs->locked;
}

/* Whether the credentials end with one of the entry's recovery codes, in
 * place of a TOTP code, shown in groups or plain: 1 when one is right (its
 * value is kept, to be deleted once the password checks) or TOTP is
 * locked; 0 otherwise, with bs->recovery_wrong when the end named one of
 * the entry's codes by its id but was not it, and bs->recovery_form when
 * it looks like a code at all. Only then is a hash
 * computed, one whatever the count. A password and TOTP code that happen
 * to end like a recovery code are still read as such next. */
static int
apppw_check_recovery( Operation *op, apppw_info *ai, Entry *e,
	apppw_bind_state *bs )
{
	static const ber_len_t forms[] = { APPPW_DISPLAY_LEN, APPPW_PASSWORD_LEN };
	struct berval *cred = &op->orb_cred;
	Attribute *a = attr_find( e->e_attrs, ad_recovery );
	char norm[APPPW_PASSWORD_LEN + 1], id[APPPW_ID_LEN + 1];
	apppw_recovery rec;
	unsigned f, i;
	int right = 0;

	for ( f = 0; a && f < sizeof(forms) / sizeof(forms[0]) && !right; f++ ) {
		if ( cred->bv_len <= forms[f] || apppw_normalize( cred->bv_val +
				cred->bv_len - forms[f], forms[f], norm ) ) {
			continue;
		}
		bs->recovery_form = 1;
		for ( i = 0; i < a->a_numvals && ( apppw_record_id( a->a_vals[i].bv_val,
				a->a_vals[i].bv_len, id ) ||
				memcmp( id, norm, APPPW_ID_LEN ) ); i++ )
			;
		if ( i == a->a_numvals ) {
			continue;
		}
		if ( apppw_locked( op, ai, e, bs ) ) {
			right = 1;
			break;
		}
		if ( apppw_recovery_parse( a->a_vals[i].bv_val, a->a_vals[i].bv_len,
				&rec ) == APPPW_REC_OK && !apppw_recovery_verify( norm,
				&rec, ai->have_key ? ai->key : NULL ) ) {
			right = 1;
			bs->code_given = bs->code_counts = bs->code_ok = 1;
			bs->code_len = forms[f];
			ber_dupbv_x( &bs->recovery, &a->a_vals[i], op->o_tmpmemctx );
			memcpy( bs->recovery_id, id, sizeof(id) );
			bs->recovery_left = (int)a->a_numvals - 1;
		} else {
			bs->recovery_wrong = forms[f];
		}
		apppw_wipe( &rec, sizeof(rec) );
	}
	apppw_wipe( norm, sizeof(norm) );
	return right;
}

/* Whether the credentials end with a TOTP code, and whether it is right:
 * the code's step must be newer than the last accepted one. On success the
 * step is planned to be written only over an older one, so that of two
 * binds racing with one code only one can win. */
static void
apppw_check_code( Operation *op, apppw_info *ai, Entry *e, apppw_bind_state *bs )
{
	struct berval *cred = &op->orb_cred;
	Attribute *a_secret, *a_last;
	const char *code;
	time_t last_time;
	int64_t last = -1, step;
	ber_len_t i, digits = ai->totp_digits;

	if ( cred->bv_len <= digits ) {
		bs->code_why = "password alone (too short to end with a TOTP code)";
		return;
	}
	code = cred->bv_val + cred->bv_len - digits;
	for ( i = 0; i < digits; i++ ) {
		if ( code[i] < '0' || code[i] > '9' ) {
			bs->code_why = "password alone (no TOTP code at the end)";
			return;
		}
	}
	bs->code_given = 1;
	bs->code_len = digits;
	a_secret = attr_find( e->e_attrs, ad_totp_secret );
	if ( !a_secret || !a_secret->a_numvals ) {
		bs->code_why = apppw_why_pending;
		return;
	}
	/* stored before the bound was kept: too dear to check */
	if ( a_secret->a_vals[0].bv_len > APPPW_TOTP_SECRET_B32_MAX ) {
		bs->code_why = "the stored TOTP secret is too long";
		return;
	}
	if ( apppw_locked( op, ai, e, bs ) ) {
		return;
	}
	a_last = attr_find( e->e_attrs, ad_totp_last );
	if ( a_last && a_last->a_numvals ) {
		/* stored as the step's start time, so that a change of
		 * apppw-totp-step neither locks users out nor reopens old
		 * codes: step n is newer than time t when n > t / step */
		if ( apppw_laststep_parse( a_last->a_vals[0].bv_val,
				a_last->a_vals[0].bv_len, &last_time ) ) {
			/* read as "none", it would reopen used codes */
			bs->code_why = "the stored apppwTOTPLastStep is malformed";
			return;
		}
		last = last_time / ai->totp_step;
	}
	if ( apppw_totp_check( a_secret->a_vals[0].bv_val,
			a_secret->a_vals[0].bv_len, code, digits, op->o_time,
			ai->totp_step, digits, ai->totp_window, last, &step ) ) {
		/* a code that was right but is used up is not a guess: a
		 * client that sends its code twice must not lock its owner out */
		if ( last >= 0 && !apppw_totp_check( a_secret->a_vals[0].bv_val,
				a_secret->a_vals[0].bv_len, code, digits, op->o_time,
				ai->totp_step, digits, ai->totp_window, -1, &step ) ) {
			bs->code_why = "replayed TOTP code";
		} else {
			bs->code_why = "wrong or out-of-window TOTP code";
			bs->code_counts = 1;
		}
		return;
	}
	bs->code_counts = 1;
	bs->code_ok = 1;
	if ( !apppw_laststep_format( (time_t)step * ai->totp_step, bs->new_value,
			sizeof(bs->new_value) ) ) {
		bs->write_ad = ad_totp_last;
	}
}

/* What the credentials are, from the entry: an app password is tried
 * first; if it fails (a password and code can look like one, rarely), they
 * are read as a password followed by a code. */
static void
apppw_examine( Operation *op, apppw_info *ai, Entry *e, apppw_bind_state *bs )
{
	char norm[APPPW_PASSWORD_LEN + 1];
	int app_form;

	ber_dupbv_x( &bs->dn, &e->e_name, op->o_tmpmemctx );
	ber_dupbv_x( &bs->ndn, &e->e_nname, op->o_tmpmemctx );
	app_form = !apppw_normalize( op->orb_cred.bv_val, op->orb_cred.bv_len, norm );
	if ( app_form && !apppw_check_app_password( op, ai, e, norm, bs ) ) {
		bs->kind = APPPW_SESSION_APP;
	}
	apppw_wipe( norm, sizeof(norm) );
	if ( bs->kind != APPPW_SESSION_APP && !BER_BVISEMPTY( &bs->service ) ) {
		/* no code is checked, or counted, where none can be accepted */
		if ( !app_form ) {
			bs->why = "a service DN takes only app passwords";
		}
	} else if ( bs->kind != APPPW_SESSION_APP &&
			!apppw_check_recovery( op, ai, e, bs ) ) {
		apppw_check_code( op, ai, e, bs );
		/* a wrong recovery code is a guess, as a wrong TOTP code is */
		if ( !bs->code_given && bs->recovery_wrong ) {
			bs->code_given = bs->code_counts = 1;
			bs->code_len = bs->recovery_wrong;
			bs->code_why = "wrong recovery code";
		}
		/* the password alone: say why no code can help yet */
		if ( !bs->code_given && apppw_entry_pending( e ) ) {
			bs->code_why = apppw_why_pending;
		} else if ( !bs->code_given && bs->recovery_form ) {
			bs->code_why = "password alone, or a recovery code used "
				"already or never made";
		}
		if ( !app_form ) {
			bs->why = bs->code_why;
		}
	}
}

/* The first overlay from o down, o included, that hooks binds (ppolicy,
 * lastbind, ...), or NULL. */
static slap_overinst *
apppw_bind_hook( slap_overinst *o )
{
	while ( o && ( ( o->on_bi.bi_flags & SLAPO_BFLAG_DISABLED ) ||
			!o->on_bi.bi_op_bind ) ) {
		o = o->on_next;
	}
	return o;
}

/* The password part of a password+code bind, checked here when no
 * overlay below apppw would see the bind: the backend would only run the
 * same check of userPassword (every scheme, the auth ACL) on the entry
 * apppw has read already. */
static void
apppw_check_password( Operation *op, Entry *e, apppw_bind_state *bs )
{
	Attribute *a = attr_find( e->e_attrs, slap_schema.si_ad_userPassword );
	struct berval pw = op->orb_cred;
	const char *text = NULL;

	pw.bv_len -= bs->code_len;
	bs->password_checked = 1;
	bs->password_ok = a && !slap_passwd_check( op, e, a, &pw, &text );
}

/* How a write fails when another write got there first: the old value is
 * gone, a single value is already there, or (the TOTP step) a step as new
 * or newer is recorded. */
static int
apppw_lost_race( int rc )
{
	return rc == LDAP_NO_SUCH_ATTRIBUTE || rc == LDAP_TYPE_OR_VALUE_EXISTS ||
		rc == LDAP_CONSTRAINT_VIOLATION || rc == LDAP_ASSERTION_FAILED;
}

/* Record the bind's state. The TOTP step replaces the stored one only if
 * that is older, as the server that writes it sees it in the write's
 * transaction (the assertion): of two binds racing with one code only one
 * succeeds, and a step recorded meanwhile by replication from another
 * provider makes the write fail only if it is as new or newer, which a
 * comparison with the value this bind read would not tell. The last use of
 * an app password replaces its old values by value: fails if another
 * write got there first. */
static int
apppw_write_state( Operation *op, slap_overinst *on, struct berval *ndn,
	apppw_bind_state *bs )
{
	struct berval newv[2] = { BER_BVNULL, BER_BVNULL };
	Modifications mods[2];
	char assertion[sizeof("(!(>=))") + sizeof(APPPW_AT_TOTP_LAST) +
		sizeof(bs->new_value)];

	ber_str2bv( bs->new_value, 0, 0, &newv[0] );
	if ( bs->write_ad == ad_totp_last ) {
		snprintf( assertion, sizeof(assertion), "(!(%s>=%s))",
			APPPW_AT_TOTP_LAST, bs->new_value );
		apppw_mod_init( &mods[0], bs->write_ad, LDAP_MOD_REPLACE, newv, NULL );
		return apppw_internal_modify( op, on, ndn, &mods[0], 1, assertion,
			NULL );
	}
	if ( bs->replace_all ) {
		apppw_bvarray_add_copy( &bs->others, &newv[0], op->o_tmpmemctx );
		apppw_mod_init( &mods[0], bs->write_ad, LDAP_MOD_REPLACE, bs->others,
			NULL );
		return apppw_internal_modify( op, on, ndn, &mods[0], 1, NULL, NULL );
	}
	apppw_mod_init( &mods[1], bs->write_ad, LDAP_MOD_ADD, newv, NULL );
	if ( !bs->old_values ) {
		return apppw_internal_modify( op, on, ndn, &mods[1], 1, NULL, NULL );
	}
	apppw_mod_init( &mods[0], bs->write_ad, LDAP_MOD_DELETE, bs->old_values,
		&mods[1] );
	return apppw_internal_modify( op, on, ndn, &mods[0], 2, NULL, NULL );
}

/* Show a bind that apppw answers itself to the overlays configured below
 * it, as overlay_op_walk() shows it to every overlay before the backend:
 * slapo-ppolicy there refuses a locked account and counts the result.
 * SLAP_CB_CONTINUE if they all let it through, else what the first that
 * answered returned. */
static int
apppw_walk_below( Operation *op, SlapReply *rs, slap_overinst *on )
{
	slap_overinst *below;
	int rc = SLAP_CB_CONTINUE;

	for ( below = apppw_bind_hook( on->on_next ); below;
			below = apppw_bind_hook( below->on_next ) ) {
		op->o_bd->bd_info = (BackendInfo *)below;
		rc = below->on_bi.bi_op_bind( op, rs );
		if ( rc != SLAP_CB_CONTINUE ) {
			break;
		}
	}
	op->o_bd->bd_info = (BackendInfo *)on;
	return rc == SLAP_CB_BYPASS ? SLAP_CB_CONTINUE : rc;
}

/* Whether the overlays below answered a bind: with a refusal, already
 * sent; a success left unsent is apppw's to send or refuse. */
static int
apppw_answered_below( int rc )
{
	return rc != SLAP_CB_CONTINUE && rc != LDAP_SUCCESS;
}

static int
apppw_refuse( Operation *op, SlapReply *rs )
{
	send_ldap_error( op, rs, LDAP_INVALID_CREDENTIALS, NULL );
	return LDAP_INVALID_CREDENTIALS;
}

/* A bind apppw refuses without the backend: the overlays below see it
 * first, and the first of them that answers answers it. */
static int
apppw_refuse_below( Operation *op, SlapReply *rs, slap_overinst *on )
{
	int rc = apppw_walk_below( op, rs, on );

	return apppw_answered_below( rc ) ? rc : apppw_refuse( op, rs );
}

/* The bind succeeds as the entry: the frontend sends the result and makes
 * the connection's identity, and the session's kind is kept for the write
 * rules. */
static int
apppw_accept( Operation *op, apppw_bind_state *bs )
{
	if ( BER_BVISEMPTY( &op->orb_edn ) ) {
		ber_dupbv( &op->orb_edn, &bs->dn );
	}
	apppw_session_remember( op, &bs->ndn, bs->kind );
	return LDAP_SUCCESS;
}

/* Where a write of ad that failed was to be made, for the log: the
 * administrator's next step differs on a consumer, on a provider that
 * records TOTP steps elsewhere, and on one that writes them itself. */
static const char *
apppw_forward_hint( Operation *op, apppw_info *ai, AttributeDescription *ad )
{
	if ( apppw_to_step_provider( ai, ad ) ) {
		return "; this server records TOTP steps and used recovery codes "
			"on the server apppw-totp-step-provider names, through the "
			"chain overlay";
	}
	if ( SLAP_SINGLE_SHADOW( op->o_bd ) ) {
		return "; a consumer forwards it with updateref and the chain "
			"overlay";
	}
	return "";
}

/* An app password that checked. */
static int
apppw_bind_app( Operation *op, SlapReply *rs, slap_overinst *on,
	apppw_bind_state *bs )
{
	apppw_info *ai = on->on_bi.bi_private;
	int rc = apppw_walk_below( op, rs, on );

	if ( apppw_answered_below( rc ) ) {
		Debug( LDAP_DEBUG_STATS, "%s apppw: BIND dn=\"%s\" app password "
			"id=%s refused by an overlay below apppw (%d)\n",
			op->o_log_prefix, bs->dn.bv_val, bs->rec.id, rc );
		return rc;
	}
	/* a lost race: a concurrent bind recorded the same last use */
	if ( bs->write_ad && ( rc = apppw_write_state( op, on, &bs->ndn, bs ) ) !=
			LDAP_SUCCESS && !apppw_lost_race( rc ) ) {
		Debug( LDAP_DEBUG_STATS, "%s apppw: BIND dn=\"%s\" cannot record "
			"the last use of app password id=%s (%s)%s\n",
			op->o_log_prefix, bs->dn.bv_val, bs->rec.id,
			ldap_err2string( rc ), apppw_forward_hint( op, ai, ad_last_used ) );
	}
	Debug( LDAP_DEBUG_STATS, "%s apppw: BIND dn=\"%s\" app password id=%s "
		"label=\"%s\" peer=%s%s%s\n",
		op->o_log_prefix, bs->dn.bv_val, bs->rec.id, bs->rec.label,
		op->o_conn->c_peer_name.bv_val,
		BER_BVISEMPTY( &bs->service ) ? "" : " service=",
		BER_BVISEMPTY( &bs->service ) ? "" : bs->service.bv_val );
	return apppw_accept( op, bs );
}

/* The first refusal of a lockout is logged, the others are counted in the
 * next line that is: a flood of guesses does not flood the log. */
static void
apppw_log_locked( Operation *op, apppw_bind_state *bs, apppw_throttle_report *tr )
{
	char until[APPPW_TIME_LEN + 1];

	if ( tr->log ) {
		apppw_time_format( tr->until, until );
		Debug( LDAP_DEBUG_STATS, "%s apppw: BIND dn=\"%s\" refused: "
			"TOTP locked until %s after wrong codes (lockout %u in a "
			"row; further refusals until then are not logged) peer=%s\n",
			op->o_log_prefix, bs->dn.bv_val, until, tr->lockouts,
			op->o_conn->c_peer_name.bv_val );
	}
}

/* A password followed by a right recovery code: the code is used up by
 * deleting its value, which fails if a concurrent bind used it first. */
static int
apppw_bind_recovery( Operation *op, SlapReply *rs, slap_overinst *on,
	apppw_bind_state *bs )
{
	apppw_info *ai = on->on_bi.bi_private;
	struct berval used[2] = { bs->recovery, BER_BVNULL };
	Modifications mod;
	int rc;

	apppw_mod_init( &mod, ad_recovery, LDAP_MOD_DELETE, used, NULL );
	rc = apppw_internal_modify( op, on, &bs->ndn, &mod, 1, NULL, NULL );
	if ( rc != LDAP_SUCCESS ) {
		Debug( LDAP_DEBUG_STATS, "%s apppw: BIND dn=\"%s\" refused: %s "
			"id=%s (%s)%s\n", op->o_log_prefix, bs->dn.bv_val,
			apppw_lost_race( rc ) ? "a concurrent bind used this "
				"recovery code" : "cannot use up the recovery code",
			bs->recovery_id, ldap_err2string( rc ),
			apppw_lost_race( rc ) ? "" :
				apppw_forward_hint( op, ai, ad_recovery ) );
		return apppw_refuse( op, rs );
	}
	Debug( LDAP_DEBUG_STATS, "%s apppw: BIND dn=\"%s\" password and recovery "
		"code id=%s, %d left, peer=%s\n", op->o_log_prefix, bs->dn.bv_val,
		bs->recovery_id, bs->recovery_left, op->o_conn->c_peer_name.bv_val );
	bs->kind = APPPW_SESSION_MFA;
	return apppw_accept( op, bs );
}

/* A password followed by a TOTP code. When overlays below apppw hook
 * binds, the password goes down the stack to the backend as any password
 * would: slapd checks it, and they see the bind. Only the backend's
 * success, left unsent, is apppw's to turn into a refusal, before the
 * frontend makes the connection's identity; every overlay's callback then
 * sees the refusal. Otherwise apppw has checked it already. Failures of the
 * code count only once the password is known to be right, so nobody
 * without it can lock its owner out. */
static int
apppw_bind_code( Operation *op, SlapReply *rs, slap_overinst *on,
	apppw_bind_state *bs )
{
	apppw_info *ai = on->on_bi.bi_private;
	apppw_throttle_report tr;
	struct berval cred = op->orb_cred;
	char until[APPPW_TIME_LEN + 1];
	int rc;

	/* TOTP is locked: neither the code nor the password was checked, so
	 * that guesses cost the server no more than a plain bind, however slow
	 * the password's hash; the timing may tell a stranger that TOTP is
	 * locked, never whether a password is right */
	if ( bs->locked ) {
		apppw_log_locked( op, bs, &bs->tr );
		return apppw_refuse_below( op, rs, on );
	}
	if ( bs->password_checked ) {
		rc = bs->password_ok ? LDAP_SUCCESS : apppw_refuse( op, rs );
	} else {
		op->orb_cred.bv_len -= bs->code_len;
		rc = overlay_op_walk( op, rs, op_bind, on->on_info, on->on_next );
		op->orb_cred = cred;
		op->o_bd->bd_info = (BackendInfo *)on;
	}
	if ( rc != LDAP_SUCCESS ) {
		Debug( LDAP_DEBUG_STATS, "%s apppw: BIND dn=\"%s\" refused: wrong "
			"password, or a password policy (%d); the TOTP code was %s\n",
			op->o_log_prefix, bs->dn.bv_val, rc, bs->code_ok ? "right" : "not right" );
		return rc;
	}
	if ( !bs->code_counts ) {
		Debug( LDAP_DEBUG_STATS, "%s apppw: BIND dn=\"%s\" refused: %s\n",
			op->o_log_prefix, bs->dn.bv_val, bs->code_why );
		return apppw_refuse( op, rs );
	}

	switch ( apppw_throttle_attempt( &bs->tkey, op->o_time, bs->code_ok,
			&bs->policy, &tr ) ) {
	case APPPW_THROTTLE_REFUSED:
		/* locked by a concurrent bind since: the overlays below have
		 * seen this one already */
		apppw_log_locked( op, bs, &tr );
		return apppw_refuse( op, rs );
	case APPPW_THROTTLE_COUNTED:
		Debug( LDAP_DEBUG_STATS, "%s apppw: BIND dn=\"%s\" refused: %s "
			"(%u of %d before a lockout) peer=%s\n",
			op->o_log_prefix, bs->dn.bv_val, bs->code_why, tr.failures,
			ai->totp_max_failures, op->o_conn->c_peer_name.bv_val );
		return apppw_refuse( op, rs );
	case APPPW_THROTTLE_LOCKED_NOW:
		apppw_time_format( tr.until, until );
		Debug( LDAP_DEBUG_STATS, "%s apppw: BIND dn=\"%s\" refused: %s; "
			"TOTP locked until %s (lockout %u in a row; %lu refusals not "
			"logged before) peer=%s\n",
			op->o_log_prefix, bs->dn.bv_val, bs->code_why, until,
			tr.lockouts, tr.unlogged, op->o_conn->c_peer_name.bv_val );
		return apppw_refuse( op, rs );
	case APPPW_THROTTLE_PASS:
		break;
	}

	if ( !BER_BVISNULL( &bs->recovery ) ) {
		return apppw_bind_recovery( op, rs, on, bs );
	}
	/* unrecorded, the code's step could be used again */
	rc = bs->write_ad ? apppw_write_state( op, on, &bs->ndn, bs ) : LDAP_OTHER;
	if ( rc != LDAP_SUCCESS ) {
		Debug( LDAP_DEBUG_STATS, "%s apppw: BIND dn=\"%s\" refused: %s "
			"(%s)%s\n", op->o_log_prefix, bs->dn.bv_val,
			apppw_lost_race( rc ) ? "a concurrent bind recorded this "
				"TOTP step or a later one" :
				"cannot record the TOTP step",
			ldap_err2string( rc ), apppw_lost_race( rc ) ? "" :
				apppw_forward_hint( op, ai, ad_totp_last ) );
		return apppw_refuse( op, rs );
	}
	Debug( LDAP_DEBUG_STATS, "%s apppw: BIND dn=\"%s\" password and TOTP "
		"code, step at %s, peer=%s\n", op->o_log_prefix, bs->dn.bv_val,
		bs->new_value, op->o_conn->c_peer_name.bv_val );
	bs->kind = APPPW_SESSION_MFA;
	return apppw_accept( op, bs );
}

/* A bind DN may name a service in an apppwService RDN below its first:
 * "uid=alice,apppwService=imap,ou=people,dc=example,dc=com" is alice's
 * entry, bound for IMAP, as a mail server's configured DN template says.
 * Then op's DN becomes the entry's, so that the overlays below, the
 * backend and the connection's identity all see the entry, and *service
 * (op's memory) holds the service. 0 when the DN names no service, 1 when
 * it named one, -1 (and *why) when it names one wrongly: first, twice, in
 * a multi-valued RDN, or one that no apppw-scope names. */
static int
apppw_service_dn( Operation *op, apppw_info *ai, struct berval *service,
	const char **why )
{
	LDAPDN dn = NULL;
	LDAPRDN found = NULL;
	AttributeDescription *ad;
	struct berval bv, pdn, ndn;
	const char *text;
	int i, k = -1, rc = -1;
	ber_len_t j;

	if ( !strcasestr( op->o_req_ndn.bv_val, ad_service->ad_cname.bv_val ) ) {
		return 0;
	}
	if ( ldap_bv2dn_x( &op->o_req_dn, &dn, LDAP_DN_FORMAT_LDAP,
			op->o_tmpmemctx ) != LDAP_SUCCESS ) {
		return 0;
	}
	for ( i = 0; dn[i]; i++ ) {
		int n;

		for ( n = 0; dn[i][n]; n++ ) {
			ad = NULL;
			if ( slap_bv2ad( &dn[i][n]->la_attr, &ad, &text ) != LDAP_SUCCESS ||
					ad != ad_service ) {
				continue;
			}
			if ( i == 0 ) {
				*why = "a service cannot be the DN's first RDN";
				goto done;
			}
			if ( k >= 0 ) {
				*why = "the DN names more than one service";
				goto done;
			}
			k = i;
		}
		if ( k == i && n > 1 ) {
			*why = "a service must be an RDN of its own";
			goto done;
		}
	}
	if ( k < 0 ) {
		rc = 0;
		goto done;
	}
	/* service names are lower case; the DN's value may not be */
	ber_dupbv_x( service, &dn[k][0]->la_value, op->o_tmpmemctx );
	for ( j = 0; j < service->bv_len; j++ ) {
		service->bv_val[j] = TOLOWER( (unsigned char)service->bv_val[j] );
	}
	if ( apppw_scope_check( service->bv_val, service->bv_len ) != APPPW_REC_OK ||
			!apppw_service_configured( ai, service ) ) {
		*why = "no apppw-scope names this service";
		goto done;
	}
	found = dn[k];
	for ( i = k; dn[i]; i++ ) {
		dn[i] = dn[i + 1];
	}
	if ( ldap_dn2bv_x( dn, &bv, LDAP_DN_FORMAT_LDAPV3, op->o_tmpmemctx ) !=
			LDAP_SUCCESS ) {
		*why = "the entry's DN cannot be written";
		goto done;
	}
	i = dnPrettyNormal( NULL, &bv, &pdn, &ndn, op->o_tmpmemctx );
	op->o_tmpfree( bv.bv_val, op->o_tmpmemctx );
	if ( i != LDAP_SUCCESS ) {
		*why = "the entry's DN is not valid";
		goto done;
	}
	op->o_tmpfree( op->o_req_dn.bv_val, op->o_tmpmemctx );
	op->o_tmpfree( op->o_req_ndn.bv_val, op->o_tmpmemctx );
	op->o_req_dn = pdn;
	op->o_req_ndn = ndn;
	rc = 1;
done:
	if ( found ) {
		ldap_rdnfree_x( found, op->o_tmpmemctx );
	}
	ldap_dnfree_x( dn, op->o_tmpmemctx );
	if ( rc != 1 && !BER_BVISNULL( service ) ) {
		op->o_tmpfree( service->bv_val, op->o_tmpmemctx );
		BER_BVZERO( service );
	}
	return rc;
}

static int
apppw_op_bind( Operation *op, SlapReply *rs )
{
	slap_overinst *on = (slap_overinst *)op->o_bd->bd_info;
	apppw_info *ai = on->on_bi.bi_private;
	apppw_bind_state bs = { 0 };
	Entry *e = NULL;
	int rc;

	/* an enrolment's check of the password is left to the others */
	if ( op->orb_method != LDAP_AUTH_SIMPLE || BER_BVISEMPTY( &op->orb_cred ) ||
			apppw_is_internal( op ) ) {
		return SLAP_CB_CONTINUE;
	}
	/* whatever this bind does, the connection's old identity is gone */
	apppw_session_forget( op->o_conn->c_connid );
	apppw_warn_loglevel();

	switch ( apppw_service_dn( op, ai, &bs.service, &bs.why ) ) {
	case -1:
		Debug( LDAP_DEBUG_STATS, "%s apppw: BIND dn=\"%s\" refused: %s\n",
			op->o_log_prefix, op->o_req_dn.bv_val, bs.why );
		return apppw_refuse( op, rs );
	case 1:
		Debug( LDAP_DEBUG_STATS, "%s apppw: BIND dn=\"%s\" through "
			"service %s\n", op->o_log_prefix, op->o_req_dn.bv_val,
			bs.service.bv_val );
		break;
	}

	op->o_bd->bd_info = (BackendInfo *)on->on_info;
	rc = be_entry_get_rw( op, &op->o_req_ndn, NULL, NULL, 0, &e );
	if ( rc == LDAP_SUCCESS && apppw_entry_mfa( e ) ) {
		apppw_examine( op, ai, e, &bs );
		if ( bs.code_given && !bs.locked && !apppw_bind_hook( on->on_next ) ) {
			apppw_check_password( op, e, &bs );
		}
	}
	if ( rc == LDAP_SUCCESS ) {
		be_entry_release_r( op, e );
	}
	op->o_bd->bd_info = (BackendInfo *)on;
	/* not MFA-required: the backend decides, and no app password counts */
	if ( BER_BVISNULL( &bs.ndn ) ) {
		if ( !BER_BVISNULL( &bs.service ) ) {
			op->o_tmpfree( bs.service.bv_val, op->o_tmpmemctx );
		}
		return SLAP_CB_CONTINUE;
	}

	if ( bs.kind == APPPW_SESSION_APP ) {
		rc = apppw_bind_app( op, rs, on, &bs );
	} else if ( !BER_BVISEMPTY( &bs.service ) ) {
		Debug( LDAP_DEBUG_STATS, "%s apppw: BIND dn=\"%s\" refused: %s%s%s\n",
			op->o_log_prefix, bs.dn.bv_val, bs.why,
			bs.id[0] ? " id=" : "", bs.id );
		rc = apppw_refuse_below( op, rs, on );
	} else if ( bs.code_given && ( bs.code_ok || !ai->password_alone ) ) {
		rc = apppw_bind_code( op, rs, on, &bs );
	} else if ( ai->password_alone ) {
		Debug( LDAP_DEBUG_STATS, "%s apppw: BIND dn=\"%s\" neither app "
			"password nor TOTP code (%s); apppw-password-alone allow: "
			"the password alone is checked\n",
			op->o_log_prefix, bs.dn.bv_val, bs.why ? bs.why : bs.code_why );
		rc = SLAP_CB_CONTINUE;
	} else {
		Debug( LDAP_DEBUG_STATS, "%s apppw: BIND dn=\"%s\" refused: %s%s%s\n",
			op->o_log_prefix, bs.dn.bv_val, bs.why,
			bs.id[0] ? " id=" : "", bs.id );
		rc = apppw_refuse_below( op, rs, on );
	}

	ber_bvarray_free_x( bs.old_values, op->o_tmpmemctx );
	ber_bvarray_free_x( bs.others, op->o_tmpmemctx );
	if ( !BER_BVISNULL( &bs.recovery ) ) {
		op->o_tmpfree( bs.recovery.bv_val, op->o_tmpmemctx );
	}
	op->o_tmpfree( bs.dn.bv_val, op->o_tmpmemctx );
	op->o_tmpfree( bs.ndn.bv_val, op->o_tmpmemctx );
	if ( !BER_BVISNULL( &bs.service ) ) {
		op->o_tmpfree( bs.service.bv_val, op->o_tmpmemctx );
	}
	return rc;
}

/* ---- writes ------------------------------------------------------------ */

static const char apppw_txt_app_session[] =
	"apppw: this session authenticated with an app password: it may read, "
	"but not change passwords, app passwords or MFA settings";
static const char apppw_txt_needs_mfa_session[] =
	"apppw: this session's account is MFA-required: changing passwords, "
	"app passwords or MFA settings needs a simple bind with the password "
	"followed by a TOTP code";
static const char apppw_txt_rdn[] =
	"apppw: passwords, app passwords, the MFA flag and TOTP attributes "
	"cannot be part of an entry's name";
static const char apppw_txt_need_mfa[] =
	"apppw: app passwords need MFA: this entry's apppwMFARequired is not TRUE";
static const char apppw_txt_disabled[] =
	"apppw: app passwords are disabled on this server (apppw-enabled off)";
static const char apppw_txt_pending[] =
	"apppw: this account has not enrolled a TOTP authenticator yet: app "
	"passwords are made once it has (apppw mfa enroll)";
static const char apppw_txt_expired[] =
	"apppw: the app password's expiry is in the past";

/* The attribute of apppw's that ad is, or is an option or a subtype of;
 * NULL if none. */
static AttributeDescription *
apppw_own_attr( AttributeDescription *ad )
{
	AttributeDescription *own[] = { ad_mfa, ad_password, ad_totp_secret,
		ad_totp_last, ad_last_used, ad_recovery };
	unsigned i;

	for ( i = 0; i < sizeof(own) / sizeof(own[0]); i++ ) {
		if ( is_ad_subtype( ad, own[i] ) ) {
			return own[i];
		}
	}
	return NULL;
}

/* The attributes that make an account: passwords, app passwords, the MFA
 * flag and TOTP state, with their subtypes and options. */
static int
apppw_is_protected( AttributeDescription *ad )
{
	return is_ad_subtype( ad, slap_schema.si_ad_userPassword ) ||
		apppw_own_attr( ad ) != NULL;
}

static int
apppw_entry_protected( Entry *e )
{
	Attribute *a;

	for ( a = e->e_attrs; a; a = a->a_next ) {
		if ( apppw_is_protected( a->a_desc ) ) {
			return 1;
		}
	}
	return 0;
}

/* Whether an RDN names a protected attribute. One that cannot be read is
 * left to slapd, which refuses it. */
static int
apppw_rdn_protected( Operation *op, struct berval *rdnbv )
{
	LDAPRDN rdn = NULL;
	AttributeDescription *ad;
	const char *text;
	char *next;
	int i, protected = 0;

	if ( ldap_bv2rdn_x( rdnbv, &rdn, &next, LDAP_DN_FORMAT_LDAP,
			op->o_tmpmemctx ) != LDAP_SUCCESS ) {
		return 0;
	}
	for ( i = 0; rdn[i]; i++ ) {
		ad = NULL;
		if ( slap_bv2ad( &rdn[i]->la_attr, &ad, &text ) == LDAP_SUCCESS ) {
			protected |= apppw_is_protected( ad );
		}
	}
	ldap_rdnfree_x( rdn, op->o_tmpmemctx );
	return protected;
}

enum apppw_rights {
	APPPW_MAY_MANAGE = 0,
	APPPW_APP_SESSION,		/* bound with an app password */
	APPPW_NEEDS_MFA			/* MFA-required, bound without its code */
};

/* Whether the connection's identity may manage accounts: not with an app
 * password, and not as an MFA-required entry without its TOTP code (a
 * simple bind with apppw-password-alone allow, a SASL bind). The rootdn,
 * identities that are not MFA-required, and the overlay's own writes may.
 * The connection's identity, not the operation's: proxied authorization
 * changes whom an operation acts as, not what its connection proved. */
static enum apppw_rights
apppw_rights( Operation *op )
{
	Connection *c = op->o_conn;
	BackendDB *bd = op->o_bd, *be;
	BackendInfo *bi = op->o_bd->bd_info;
	Entry *e = NULL;
	int mfa = 0;

	if ( !c || BER_BVISEMPTY( &c->c_ndn ) || apppw_is_internal( op ) ) {
		return APPPW_MAY_MANAGE;
	}
	switch ( apppw_session_kind( op ) ) {
	case APPPW_SESSION_APP:
		return APPPW_APP_SESSION;
	case APPPW_SESSION_MFA:
		return APPPW_MAY_MANAGE;
	case APPPW_SESSION_NONE:
		break;
	}
	be = select_backend( &c->c_ndn, 0 );
	if ( !be || be_isroot_dn( be, &c->c_ndn ) ||
			!overlay_is_inst( be, apppw.on_bi.bi_type ) ) {
		return APPPW_MAY_MANAGE;
	}
	op->o_bd = be;
	if ( be_entry_get_rw( op, &c->c_ndn, NULL, NULL, 0, &e ) == LDAP_SUCCESS ) {
		mfa = apppw_entry_mfa( e );
		be_entry_release_r( op, e );
	}
	op->o_bd = bd;
	op->o_bd->bd_info = bi;
	return mfa ? APPPW_NEEDS_MFA : APPPW_MAY_MANAGE;
}

/* Why the connection may not manage accounts, for the client; NULL if it
 * may: one place for the rule, used by every operation that writes one. */
static const char *
apppw_refusal( Operation *op )
{
	switch ( apppw_rights( op ) ) {
	case APPPW_APP_SESSION:
		return apppw_txt_app_session;
	case APPPW_NEEDS_MFA:
		return apppw_txt_needs_mfa_session;
	case APPPW_MAY_MANAGE:
		break;
	}
	return NULL;
}

static void
apppw_log_refusal( Operation *op, const char *what, const char *text )
{
	Debug( LDAP_DEBUG_STATS, "%s apppw: %s dn=\"%s\" refused: %s "
		"(bound as \"%s\")\n", op->o_log_prefix, what,
		op->o_req_dn.bv_val, text, op->o_conn->c_dn.bv_val );
}

/* Refuse a write with the rule's text, and say so in the log. */
static int
apppw_refuse_write( Operation *op, SlapReply *rs, const char *what,
	const char *text )
{
	apppw_log_refusal( op, what, text );
	send_ldap_error( op, rs, LDAP_INSUFFICIENT_ACCESS, text );
	return rs->sr_err;
}

static int
apppw_restrict( Operation *op, SlapReply *rs, const char *what )
{
	const char *text = apppw_refusal( op );

	return text ? apppw_refuse_write( op, rs, what, text ) : SLAP_CB_CONTINUE;
}

/* The ids an entry's app passwords will have, as a modify is applied. */
typedef struct apppw_idset {
	char (*ids)[APPPW_ID_LEN + 1];
	int n, size;
} apppw_idset;

static int
apppw_idset_has( apppw_idset *s, const char *id )
{
	int i;

	for ( i = 0; i < s->n; i++ ) {
		if ( !memcmp( s->ids[i], id, APPPW_ID_LEN ) ) {
			return 1;
		}
	}
	return 0;
}

static void
apppw_idset_add( Operation *op, apppw_idset *s, const char *id )
{
	if ( s->n == s->size ) {
		s->size = s->size ? 2 * s->size : 16;
		s->ids = op->o_tmprealloc( s->ids, s->size * sizeof(*s->ids),
			op->o_tmpmemctx );
	}
	memcpy( s->ids[s->n++], id, APPPW_ID_LEN + 1 );
}

static void
apppw_idset_remove( apppw_idset *s, const char *id )
{
	int i;

	for ( i = 0; i < s->n; i++ ) {
		if ( !memcmp( s->ids[i], id, APPPW_ID_LEN ) ) {
			memmove( s->ids[i], s->ids[--s->n], sizeof(*s->ids) );
			return;
		}
	}
}

static void
apppw_idset_of_attr( Operation *op, apppw_idset *s, Attribute *a )
{
	char id[APPPW_ID_LEN + 1];
	unsigned i;

	for ( i = 0; a && i < a->a_numvals; i++ ) {
		if ( !apppw_record_id( a->a_vals[i].bv_val, a->a_vals[i].bv_len, id ) ) {
			apppw_idset_add( op, s, id );
		}
	}
}

/* Make a record of a request: the overlay, not the client, hashes. */
static int
apppw_record_from_request( Operation *op, apppw_info *ai, struct berval *val,
	apppw_record *rec, struct berval *out, const char **text )
{
	char password[APPPW_PASSWORD_LEN + 1], buf[APPPW_RECORD_MAX];
	enum apppw_record_error err;
	int len;

	err = apppw_request_parse( val->bv_val, val->bv_len, rec, password );
	if ( err ) {
		*text = apppw_text( op, "apppw: malformed apppwPassword request: %s",
			apppw_record_strerror( err ) );
		return LDAP_INVALID_SYNTAX;
	}
	/* checked here, not by the caller: a record whose expiry is not after
	 * its creation cannot be formatted, and would fail as an "other" error */
	if ( rec->expires && rec->expires <= op->o_time ) {
		apppw_wipe( password, sizeof(password) );
		*text = apppw_txt_expired;
		return LDAP_CONSTRAINT_VIOLATION;
	}
	rec->created = op->o_time;
	rec->keyed = ai->have_key;
	apppw_salt( rec->salt );
	if ( apppw_hash( password, rec->salt, ai->have_key ? ai->key : NULL,
			rec->hash ) ||
			( len = apppw_record_format( rec, buf, sizeof(buf) ) ) < 0 ) {
		apppw_wipe( password, sizeof(password) );
		*text = "apppw: cannot hash the app password";
		return LDAP_OTHER;
	}
	apppw_wipe( password, sizeof(password) );
	ber_str2bv( buf, len, 1, out );
	return LDAP_SUCCESS;
}

/* Check values about to be stored in apppwPassword, turning requests into
 * records in place; ids collects the ids the entry will hold. */
static int
apppw_prepare_values( Operation *op, apppw_info *ai, BerVarray vals,
	BerVarray nvals, apppw_idset *ids, const char **text )
{
	apppw_record rec;
	enum apppw_record_error err;
	struct berval record;
	int i, rc;

	for ( i = 0; vals && !BER_BVISNULL( &vals[i] ); i++ ) {
		if ( apppw_value_is_request( vals[i].bv_val, vals[i].bv_len ) ) {
			rc = apppw_record_from_request( op, ai, &vals[i], &rec, &record, text );
			if ( rc != LDAP_SUCCESS ) {
				goto fail;
			}
			/* the request held the password in clear */
			apppw_wipe( vals[i].bv_val, vals[i].bv_len );
			ch_free( vals[i].bv_val );
			vals[i] = record;
			if ( nvals && nvals != vals ) {
				apppw_wipe( nvals[i].bv_val, nvals[i].bv_len );
				ch_free( nvals[i].bv_val );
				if ( attr_normalize_one( ad_password, &vals[i], &nvals[i], NULL ) ) {
					BER_BVZERO( &nvals[i] );
					*text = "apppw: cannot normalize the record";
					rc = LDAP_OTHER;
					goto fail;
				}
			}
		} else if ( ( err = apppw_record_parse( vals[i].bv_val, vals[i].bv_len,
				&rec ) ) ) {
			*text = apppw_text( op, "apppw: malformed apppwPassword value: %s",
				apppw_record_strerror( err ) );
			rc = LDAP_INVALID_SYNTAX;
			goto fail;
		}
		if ( rec.keyed && !ai->have_key ) {
			*text = "apppw: the record is keyed, but no apppw-key-file is configured";
			rc = LDAP_CONSTRAINT_VIOLATION;
			goto fail;
		}
		if ( rec.scope[0] && !apppw_scope_find( ai, rec.scope ) ) {
			*text = apppw_unknown_scope( op, ai, rec.scope );
			rc = LDAP_CONSTRAINT_VIOLATION;
			goto fail;
		}
		if ( rec.expires && rec.expires <= op->o_time ) {
			*text = apppw_txt_expired;
			rc = LDAP_CONSTRAINT_VIOLATION;
			goto fail;
		}
		/* it would not age: apppw-max-age counts from the creation */
		if ( rec.created > op->o_time ) {
			*text = "apppw: the record's creation time is in the future";
			rc = LDAP_CONSTRAINT_VIOLATION;
			goto fail;
		}
		if ( apppw_idset_has( ids, rec.id ) ) {
			*text = apppw_text( op, "apppw: the entry already has an app "
				"password with id %s", rec.id );
			rc = LDAP_CONSTRAINT_VIOLATION;
			goto fail;
		}
		apppw_idset_add( op, ids, rec.id );
		apppw_wipe( &rec, sizeof(rec) );
	}
	return LDAP_SUCCESS;

fail:
	apppw_wipe( &rec, sizeof(rec) );
	return rc;
}

static int
apppw_check_count( Operation *op, apppw_info *ai, apppw_idset *ids,
	const char **text )
{
	if ( ids->n <= ai->max_count ) {
		return LDAP_SUCCESS;
	}
	*text = apppw_text( op, "apppw: an entry may hold at most %d app "
		"passwords (apppw-max-count)", ai->max_count );
	return LDAP_CONSTRAINT_VIOLATION;
}

/* A TOTP secret must be base32 of at least 80 bits, or no code verifies,
 * and within the bound, or each code checked against it costs more. */
static int
apppw_check_totp_secret( Operation *op, BerVarray vals, const char **text )
{
	enum apppw_totp_secret_error err;
	int i;

	for ( i = 0; vals && !BER_BVISNULL( &vals[i] ); i++ ) {
		err = apppw_totp_secret_check( vals[i].bv_val, vals[i].bv_len );
		if ( err != APPPW_TOTP_SECRET_OK ) {
			*text = apppw_text( op, "apppw: %s",
				apppw_totp_secret_strerror( err ) );
			return err == APPPW_TOTP_SECRET_TOO_LONG ?
				LDAP_CONSTRAINT_VIOLATION : LDAP_INVALID_SYNTAX;
		}
	}
	return LDAP_SUCCESS;
}

/* The values of the overlay's own state that a client with manage access
 * writes (an administrator, a consumer's chain overlay) must be values
 * the overlay can read: anything else would be kept and never used. */
static int
apppw_check_state( AttributeDescription *ad, BerVarray vals, const char **text )
{
	apppw_lastuse u;
	time_t t;
	int i;

	for ( i = 0; vals && !BER_BVISNULL( &vals[i] ); i++ ) {
		if ( ad == ad_last_used ? apppw_lastused_parse( vals[i].bv_val,
					vals[i].bv_len, &u ) :
				apppw_laststep_parse( vals[i].bv_val, vals[i].bv_len, &t ) ) {
			*text = ad == ad_last_used ?
				"apppw: malformed apppwLastUsed value: \"ID "
				"GeneralizedTime [address]\" is expected" :
				"apppw: malformed apppwTOTPLastStep value: seconds "
				"since the epoch are expected";
			return LDAP_INVALID_SYNTAX;
		}
	}
	return LDAP_SUCCESS;
}

/* Recovery codes are written by the overlay, or with manage access by a
 * consumer's chain overlay or an administrator restoring an entry: as
 * records the bind hook can check. */
static int
apppw_check_recovery_values( Operation *op, BerVarray vals, const char **text )
{
	enum apppw_record_error err;
	apppw_recovery r;
	int i;

	for ( i = 0; vals && !BER_BVISNULL( &vals[i] ); i++ ) {
		err = apppw_recovery_parse( vals[i].bv_val, vals[i].bv_len, &r );
		if ( err != APPPW_REC_OK ) {
			*text = apppw_text( op, "apppw: malformed %s value: %s",
				APPPW_AT_RECOVERY, apppw_record_strerror( err ) );
			return LDAP_INVALID_SYNTAX;
		}
	}
	return LDAP_SUCCESS;
}

/* The checks every value written to an account passes, whoever writes:
 * no option or subtype of apppw's attributes, TOTP secrets in bounds,
 * the overlay's state readable. */
static int
apppw_check_attr( Operation *op, AttributeDescription *ad, BerVarray vals,
	const char **text )
{
	AttributeDescription *own = apppw_own_attr( ad );

	/* the overlay reads its attributes by their plain descriptions: a
	 * value under an option (apppwMFARequired;lang-en) or of a subtype
	 * would be matched by filters and listed, but never checked, nor used */
	if ( own && own != ad ) {
		*text = apppw_text( op, "apppw: %s takes no attribute options or "
			"subtypes (%s)", own->ad_cname.bv_val, ad->ad_cname.bv_val );
		return LDAP_CONSTRAINT_VIOLATION;
	}
	if ( ad == ad_totp_secret ) {
		return apppw_check_totp_secret( op, vals, text );
	}
	if ( ad == ad_last_used || ad == ad_totp_last ) {
		return apppw_check_state( ad, vals, text );
	}
	if ( ad == ad_recovery ) {
		return apppw_check_recovery_values( op, vals, text );
	}
	return LDAP_SUCCESS;
}

/* A soft delete of the given values, appended to a modify. */
static Modifications **
apppw_append_softdel( Modifications **tail, AttributeDescription *ad,
	BerVarray vals )
{
	Modifications *m = ch_calloc( 1, sizeof(*m) );

	m->sml_op = SLAP_MOD_SOFTDEL;
	m->sml_flags = SLAP_MOD_INTERNAL;
	m->sml_desc = ad;
	m->sml_type = ad->ad_cname;
	m->sml_values = vals;
	while ( vals && !BER_BVISNULL( &vals[m->sml_numvals] ) ) {
		m->sml_numvals++;
	}
	*tail = m;
	return &m->sml_next;
}

/* The apppwLastUsed values of e whose ids are not in keep. */
static BerVarray
apppw_stale_last_used( Entry *e, apppw_idset *keep )
{
	Attribute *a = attr_find( e->e_attrs, ad_last_used );
	BerVarray stale = NULL;
	apppw_lastuse u;
	unsigned i;

	for ( i = 0; a && i < a->a_numvals; i++ ) {
		/* a value that does not parse belongs to no app password */
		if ( apppw_lastused_parse( a->a_vals[i].bv_val, a->a_vals[i].bv_len,
				&u ) || !apppw_idset_has( keep, u.id ) ) {
			apppw_bvarray_add_copy( &stale, &a->a_vals[i], NULL );
		}
	}
	return stale;
}

/* ---- replicated changes of the overlay's own state ---------------------- */

/* Providers record TOTP steps and last uses concurrently, and replication
 * may bring a change made before, or from a view older than, what this
 * server holds: applied as it comes, it would lower a step (reopening the
 * codes in between) or an app password's last use, and with two providers
 * each could keep the other's older value for good. So, as FreeIPA's
 * ipa-otp-counter does, a replicated change of apppwTOTPLastStep or
 * apppwLastUsed is merged with the entry: the step never goes back, each
 * app password keeps its latest last use, and a deletion (a revocation,
 * an administrator's reset) is applied. When the local value won, a
 * provider writes it back, anew, so that it replicates to the servers that
 * took the lower one. A replicated step higher than the local one, in a
 * change older than the entry, is written anew too: slapd's delta-syncrepl
 * resolves such a change against the newer ones in the accesslog and
 * drops the merged step, and only the other provider's write-back would
 * then raise it here, if this server applies it, which it did not always
 * do (issue 13). A bind's own last-use write is merged the same way
 * (without the write-back). The replicated modify's changes of those
 * attributes are taken out of its list, and the merged ones put in their
 * place; its caller frees the list, with what was taken out put back at
 * its end when the modify is done (if the backend is not called, as when
 * syncrepl finds the change too old, only they leak). */
typedef struct apppw_merge {
	Modifications *removed;		/* taken out of the replicated list */
	struct berval restore_step;	/* the step to write anew */
	int raise;			/* it is the change's, higher */
	BerVarray restore_used;		/* local last uses that won */
	slap_overinst *on;
} apppw_merge;

typedef struct apppw_restore {
	BackendDB *be;
	slap_overinst *on;
	struct berval ndn;
	struct berval step;
	int raise;			/* write step only over a lower one */
	BerVarray used;
	void *task;			/* the thread pool's, to cancel it */
	struct apppw_restore *next;	/* in apppw_info's restores */
} apppw_restore;

static void
apppw_restore_free( apppw_restore *r )
{
	ch_free( r->ndn.bv_val );
	ch_free( r->step.bv_val );
	ber_bvarray_free( r->used );
	ch_free( r );
}

/* Take r out of ai's write-backs; the caller holds ai->restore_mutex. */
static void
apppw_restore_unlink( apppw_info *ai, apppw_restore *r )
{
	apppw_restore **p;

	for ( p = &ai->restores; *p && *p != r; p = &(*p)->next )
		;
	if ( *p ) {
		*p = r->next;
	}
	ldap_pvt_thread_cond_broadcast( &ai->restore_cond );
}

/* Writes back, on a fresh operation of its own (the replicated one's CSN
 * is the remote server's), the local state that won a merge. Each write
 * is conditional or idempotent: it never lowers what a bind recorded in
 * between. */
static void *
apppw_restore_run( void *ctx, void *arg )
{
	apppw_restore *r = arg;
	apppw_info *ai = r->on->on_bi.bi_private;
	Connection conn = { 0 };
	OperationBuffer opbuf;
	Operation *op;
	BackendDB be = *r->be;
	Modifications mods[2], *next = NULL;
	struct berval stepv[2] = { r->step, BER_BVNULL };
	char assertion[sizeof("(!(>=))") + sizeof(APPPW_AT_TOTP_LAST) +
		APPPW_LASTSTEP_MAX_LEN];
	int n = 0, rc;

	connection_fake_init2( &conn, &opbuf, ctx, 0 );
	op = &opbuf.ob_op;
	be.bd_info = (BackendInfo *)r->on;
	op->o_bd = &be;
	op->o_time = slap_get_time();
	if ( r->used ) {
		apppw_mod_init( &mods[1], ad_last_used, SLAP_MOD_SOFTADD, r->used, NULL );
		next = &mods[1];
		n++;
	}
	if ( !BER_BVISNULL( &r->step ) ) {
		apppw_mod_init( &mods[0], ad_totp_last, LDAP_MOD_REPLACE, stepv, next );
		next = &mods[0];
		n++;
		snprintf( assertion, sizeof(assertion), r->raise ? "(!(%s>=%s))" :
			"(%s=%s)", APPPW_AT_TOTP_LAST, r->step.bv_val );
	}
	rc = apppw_internal_modify( op, r->on, &r->ndn, next, n,
		BER_BVISNULL( &r->step ) ? NULL : assertion, NULL );
	if ( r->raise ) {
		/* an assertion failure: slapd applied the merged step itself, or
		 * another write raised it meanwhile */
		Debug( LDAP_DEBUG_STATS, "%s apppw: MOD dn=\"%s\" a replicated "
			"change older than the entry raised apppwTOTPLastStep; the raised "
			"value is written anew (%s)\n", op->o_log_prefix, r->ndn.bv_val,
			ldap_err2string( rc ) );
	} else {
		Debug( LDAP_DEBUG_STATS, "%s apppw: MOD dn=\"%s\" a replicated "
			"change would have lowered%s%s; the local value is written back "
			"(%s)\n", op->o_log_prefix, r->ndn.bv_val,
			BER_BVISNULL( &r->step ) ? "" : " apppwTOTPLastStep",
			r->used ? " apppwLastUsed" : "", ldap_err2string( rc ) );
	}
	/* the pool reuses its task once this returns: r leaves the list
	 * before, so that the close never cancels another's task */
	ldap_pvt_thread_mutex_lock( &ai->restore_mutex );
	apppw_restore_unlink( ai, r );
	ldap_pvt_thread_mutex_unlock( &ai->restore_mutex );
	apppw_restore_free( r );
	return NULL;
}

/* The time of a last-use value, and its id; an unreadable value is its
 * own id, of time 0, so that it is kept or deleted as replicated. */
static time_t
apppw_used_time( struct berval *v, char id[APPPW_LASTUSED_MAX_LEN + 1] )
{
	apppw_lastuse u;

	if ( apppw_lastused_parse( v->bv_val, v->bv_len, &u ) ) {
		snprintf( id, APPPW_LASTUSED_MAX_LEN + 1, "%.*s",
			(int)v->bv_len, v->bv_val );
		return 0;
	}
	memcpy( id, u.id, sizeof(u.id) );
	return u.when;
}

static int
apppw_bvarray_has( BerVarray vals, struct berval *v )
{
	int i;

	for ( i = 0; vals && !BER_BVISNULL( &vals[i] ); i++ ) {
		if ( bvmatch( &vals[i], v ) ) {
			return 1;
		}
	}
	return 0;
}

/* Whether another value of v's id in a or b is later than v (or, equal,
 * comes first in a): v is then not the one to keep. */
static int
apppw_used_beaten( struct berval *v, BerVarray a, BerVarray b )
{
	char id[APPPW_LASTUSED_MAX_LEN + 1], oid[APPPW_LASTUSED_MAX_LEN + 1];
	time_t t = apppw_used_time( v, id ), ot;
	BerVarray sets[2] = { a, b };
	int s, i;

	for ( s = 0; s < 2; s++ ) {
		for ( i = 0; sets[s] && !BER_BVISNULL( &sets[s][i] ); i++ ) {
			if ( &sets[s][i] == v || bvmatch( &sets[s][i], v ) ) {
				continue;
			}
			ot = apppw_used_time( &sets[s][i], oid );
			if ( !strcmp( id, oid ) && ot > t ) {
				return 1;
			}
		}
	}
	return 0;
}

/* The values a replicated list of changes leaves of one attribute that
 * held vals here, simulated: what slapd would store. */
static BerVarray
apppw_apply_mods( Operation *op, Modifications *ml, AttributeDescription *ad,
	BerVarray vals )
{
	BerVarray out = NULL, next;
	Modifications *m;
	int i;

	for ( i = 0; vals && !BER_BVISNULL( &vals[i] ); i++ ) {
		apppw_bvarray_add_copy( &out, &vals[i], op->o_tmpmemctx );
	}
	for ( m = ml; m; m = m->sml_next ) {
		if ( m->sml_desc != ad ) {
			continue;
		}
		next = NULL;
		switch ( m->sml_op ) {
		case LDAP_MOD_DELETE:
		case SLAP_MOD_SOFTDEL:
			for ( i = 0; m->sml_values && out && !BER_BVISNULL( &out[i] ); i++ ) {
				if ( !apppw_bvarray_has( m->sml_values, &out[i] ) ) {
					apppw_bvarray_add_copy( &next, &out[i], op->o_tmpmemctx );
				}
			}
			break;
		case LDAP_MOD_ADD:
		case SLAP_MOD_SOFTADD:
			for ( i = 0; out && !BER_BVISNULL( &out[i] ); i++ ) {
				apppw_bvarray_add_copy( &next, &out[i], op->o_tmpmemctx );
			}
			/* fall through */
		case LDAP_MOD_REPLACE:
			for ( i = 0; m->sml_values && !BER_BVISNULL( &m->sml_values[i] ); i++ ) {
				if ( !apppw_bvarray_has( next, &m->sml_values[i] ) ) {
					apppw_bvarray_add_copy( &next, &m->sml_values[i],
						op->o_tmpmemctx );
				}
			}
			break;
		default:
			continue;
		}
		ber_bvarray_free_x( out, op->o_tmpmemctx );
		out = next;
	}
	return out;
}

/* Append a modification of ours to the list being built: allocated as
 * the list's caller frees it. */
static Modifications **
apppw_merge_add( Operation *op, Modifications **tail,
	AttributeDescription *ad, short mop, BerVarray tmpvals )
{
	Modifications *m = ch_calloc( 1, sizeof(*m) );
	BerVarray vals = NULL;
	int i;

	for ( i = 0; tmpvals && !BER_BVISNULL( &tmpvals[i] ); i++ ) {
		apppw_bvarray_add_copy( &vals, &tmpvals[i], NULL );
	}
	ber_bvarray_free_x( tmpvals, op->o_tmpmemctx );
	apppw_mod_init( m, ad, mop, vals, NULL );
	apppw_mods_normalize( m, 1, NULL );
	/* syncrepl's delta-MPR turns SLAP_MOD_INTERNAL ones into deletes */
	m->sml_flags = 0;
	*tail = m;
	return &m->sml_next;
}

static int
apppw_merge_done( Operation *op, SlapReply *rs )
{
	slap_callback *sc = op->o_callback;
	apppw_merge *mg = sc->sc_private;
	apppw_info *ai = mg->on->on_bi.bi_private;
	Modifications **tail;
	apppw_restore *r;
	const char *lost = NULL;

	for ( tail = &op->orm_modlist; *tail; tail = &(*tail)->sml_next )
		;
	*tail = mg->removed;

	if ( rs->sr_err == LDAP_SUCCESS && be_shadow_update( op ) &&
			!SLAP_SINGLE_SHADOW( op->o_bd ) &&
			( !BER_BVISNULL( &mg->restore_step ) || mg->restore_used ) ) {
		r = ch_calloc( 1, sizeof(*r) );
		r->be = op->o_bd->bd_self;
		r->on = mg->on;
		ber_dupbv( &r->ndn, &op->o_req_ndn );
		r->step = mg->restore_step;
		r->raise = mg->raise;
		r->used = mg->restore_used;
		BER_BVZERO( &mg->restore_step );
		mg->restore_used = NULL;
		/* queued under the mutex: the task, which takes it to leave the
		 * list, cannot end before r->task is set */
		ldap_pvt_thread_mutex_lock( &ai->restore_mutex );
		if ( ai->closing ) {
			lost = "the database is closing";
		} else if ( ldap_pvt_thread_pool_submit2( &connection_pool,
				apppw_restore_run, r, &r->task ) ) {
			lost = "slapd is stopping";
		} else {
			r->next = ai->restores;
			ai->restores = r;
			r = NULL;
		}
		ldap_pvt_thread_mutex_unlock( &ai->restore_mutex );
		if ( r ) {
			Debug( LDAP_DEBUG_ANY, "%s apppw: MOD dn=\"%s\" a merged "
				"replicated change of%s%s is not written back: %s\n",
				op->o_log_prefix, r->ndn.bv_val, BER_BVISNULL( &r->step ) ?
				"" : " apppwTOTPLastStep", r->used ? " apppwLastUsed" : "",
				lost );
			apppw_restore_free( r );
		}
	}
	ch_free( mg->restore_step.bv_val );
	ber_bvarray_free( mg->restore_used );
	op->o_callback = sc->sc_next;
	op->o_tmpfree( sc, op->o_tmpmemctx );
	return SLAP_CB_CONTINUE;
}

/* Whether the replicated change is older than the entry (its entryCSN
 * lower), which slapd's delta-syncrepl resolves against the accesslog. */
static int
apppw_change_older( Operation *op, Entry *e )
{
	Attribute *a = attr_find( e->e_attrs, slap_schema.si_ad_entryCSN );
	Modifications *m;

	for ( m = op->orm_modlist; m &&
			m->sml_desc != slap_schema.si_ad_entryCSN; m = m->sml_next )
		;
	return a && m && m->sml_values && !BER_BVISNULL( &m->sml_values[0] ) &&
		ber_bvcmp( &m->sml_values[0], &a->a_vals[0] ) < 0;
}

/* The step a replicated change leaves, merged with the local one: the
 * later wins (a single-valued attribute may come as a replace, or as a
 * delete of the old value and an add of the new, which here may leave two:
 * the later counts); a deletion is applied. Appends the change to make,
 * if any, and notes a step to write anew: the local one that won over one
 * the change brought, or the change's, higher, if the change is older
 * than the entry. */
static Modifications **
apppw_merge_step( Operation *op, Entry *e, apppw_merge *mg,
	Modifications **tail )
{
	Attribute *a = attr_find( e->e_attrs, ad_totp_last );
	BerVarray local = a ? a->a_vals : NULL, after, latest;
	Modifications *m;
	time_t tl = -1, ta = -1, t;
	int i, brought_lower = 0;

	if ( local && apppw_laststep_parse( local[0].bv_val, local[0].bv_len, &tl ) ) {
		tl = -1;
	}
	after = apppw_apply_mods( op, op->orm_modlist, ad_totp_last, local );
	if ( !after ) {
		return local ? apppw_merge_add( op, tail, ad_totp_last,
			LDAP_MOD_DELETE, NULL ) : tail;
	}
	for ( i = 0, latest = &after[0]; !BER_BVISNULL( &after[i] ); i++ ) {
		if ( !apppw_laststep_parse( after[i].bv_val, after[i].bv_len, &t ) &&
				t > ta ) {
			ta = t;
			latest = &after[i];
		}
	}
	if ( local && ta <= tl ) {
		for ( m = op->orm_modlist; m; m = m->sml_next ) {
			for ( i = 0; m->sml_desc == ad_totp_last &&
					m->sml_op != LDAP_MOD_DELETE && m->sml_op != SLAP_MOD_SOFTDEL &&
					m->sml_values && !BER_BVISNULL( &m->sml_values[i] ); i++ ) {
				brought_lower |= !apppw_laststep_parse( m->sml_values[i].bv_val,
					m->sml_values[i].bv_len, &t ) && t < tl;
			}
		}
		if ( brought_lower ) {
			ber_dupbv( &mg->restore_step, &local[0] );
		}
		ber_bvarray_free_x( after, op->o_tmpmemctx );
		return tail;
	}
	if ( latest != &after[0] ) {
		struct berval tmp = after[0];

		after[0] = *latest;
		*latest = tmp;
	}
	/* one value: the later */
	for ( i = 1; !BER_BVISNULL( &after[i] ); i++ ) {
		op->o_tmpfree( after[i].bv_val, op->o_tmpmemctx );
	}
	BER_BVZERO( &after[1] );
	if ( local && apppw_change_older( op, e ) ) {
		ber_dupbv( &mg->restore_step, &after[0] );
		mg->raise = 1;
	}
	return apppw_merge_add( op, tail, ad_totp_last, LDAP_MOD_REPLACE, after );
}

/* Last uses: of the values the change leaves, each app password keeps its
 * latest, from here or from the change; one the change deleted is gone. */
static Modifications **
apppw_merge_used( Operation *op, Entry *e, apppw_merge *mg,
	Modifications **tail )
{
	Attribute *a = attr_find( e->e_attrs, ad_last_used );
	BerVarray local = a ? a->a_vals : NULL, after, keep = NULL, del = NULL,
		add = NULL;
	char id[APPPW_LASTUSED_MAX_LEN + 1], lid[APPPW_LASTUSED_MAX_LEN + 1];
	int i, j;

	after = apppw_apply_mods( op, op->orm_modlist, ad_last_used, local );
	for ( i = 0; after && !BER_BVISNULL( &after[i] ); i++ ) {
		if ( !apppw_used_beaten( &after[i], after, local ) ) {
			apppw_bvarray_add_copy( &keep, &after[i], op->o_tmpmemctx );
			continue;
		}
		/* beaten by a local value of its id, which is kept */
		for ( j = 0; local && !BER_BVISNULL( &local[j] ); j++ ) {
			apppw_used_time( &after[i], id );
			apppw_used_time( &local[j], lid );
			if ( !strcmp( id, lid ) &&
					!apppw_used_beaten( &local[j], after, local ) &&
					!apppw_bvarray_has( keep, &local[j] ) ) {
				apppw_bvarray_add_copy( &keep, &local[j], op->o_tmpmemctx );
				if ( !apppw_bvarray_has( mg->restore_used, &local[j] ) ) {
					apppw_bvarray_add_copy( &mg->restore_used, &local[j], NULL );
				}
			}
		}
	}
	ber_bvarray_free_x( after, op->o_tmpmemctx );
	for ( i = 0; local && !BER_BVISNULL( &local[i] ); i++ ) {
		if ( !apppw_bvarray_has( keep, &local[i] ) ) {
			apppw_bvarray_add_copy( &del, &local[i], op->o_tmpmemctx );
		}
	}
	for ( i = 0; keep && !BER_BVISNULL( &keep[i] ); i++ ) {
		if ( !apppw_bvarray_has( local, &keep[i] ) ) {
			apppw_bvarray_add_copy( &add, &keep[i], op->o_tmpmemctx );
		}
	}
	if ( apppw_attr_unnormalized( a ) && ( del || add ) ) {
		ber_bvarray_free_x( del, op->o_tmpmemctx );
		ber_bvarray_free_x( add, op->o_tmpmemctx );
		return keep ? apppw_merge_add( op, tail, ad_last_used,
			LDAP_MOD_REPLACE, keep ) : apppw_merge_add( op, tail,
			ad_last_used, LDAP_MOD_DELETE, NULL );
	}
	ber_bvarray_free_x( keep, op->o_tmpmemctx );
	if ( del ) {
		tail = apppw_merge_add( op, tail, ad_last_used, SLAP_MOD_SOFTDEL, del );
	}
	if ( add ) {
		tail = apppw_merge_add( op, tail, ad_last_used, SLAP_MOD_SOFTADD, add );
	}
	return tail;
}

static slap_overinst **apppw_syncrepl_above( slap_overinst *on );

static int
apppw_merge_replicated( Operation *op, slap_overinst *on )
{
	Modifications *m, **tail, **removed, *merged = NULL, **mt = &merged;
	apppw_merge *mg;
	slap_callback *sc;
	Entry *e;
	int step = 0, used = 0;

	for ( m = op->orm_modlist; m; m = m->sml_next ) {
		step |= m->sml_desc == ad_totp_last;
		used |= m->sml_desc == ad_last_used;
	}
	if ( !step && !used ) {
		return SLAP_CB_CONTINUE;
	}
	/* a syncrepl added at run time, above apppw until slapd restarts
	 * (apppw_syncrepl_below): its copy of the list is not the merge's to
	 * change, the change is applied as it comes */
	if ( be_shadow_update( op ) && apppw_syncrepl_above( on ) ) {
		Debug( LDAP_DEBUG_ANY, "%s apppw: MOD dn=\"%s\" a replicated change "
			"is not merged: restart slapd after adding a syncrepl\n",
			op->o_log_prefix, op->o_req_dn.bv_val );
		return SLAP_CB_CONTINUE;
	}
	op->o_bd->bd_info = (BackendInfo *)on->on_info;
	if ( be_entry_get_rw( op, &op->o_req_ndn, NULL, NULL, 0, &e ) != LDAP_SUCCESS ) {
		op->o_bd->bd_info = (BackendInfo *)on;
		return SLAP_CB_CONTINUE;
	}
	sc = op->o_tmpcalloc( 1, sizeof(*sc) + sizeof(*mg), op->o_tmpmemctx );
	mg = (apppw_merge *)( sc + 1 );
	mg->on = on;
	/* computed from the whole list, before it changes */
	if ( step ) {
		mt = apppw_merge_step( op, e, mg, mt );
	}
	if ( used ) {
		mt = apppw_merge_used( op, e, mg, mt );
	}
	removed = &mg->removed;
	for ( tail = &op->orm_modlist; *tail; ) {
		m = *tail;
		if ( m->sml_desc == ad_totp_last || m->sml_desc == ad_last_used ) {
			*tail = m->sml_next;
			m->sml_next = NULL;
			*removed = m;
			removed = &m->sml_next;
		} else {
			tail = &m->sml_next;
		}
	}
	*tail = merged;
	be_entry_release_r( op, e );
	op->o_bd->bd_info = (BackendInfo *)on;

	/* at cleanup: accesslog, above, logs the merged list in its response */
	sc->sc_cleanup = apppw_merge_done;
	sc->sc_private = mg;
	sc->sc_next = op->o_callback;
	op->o_callback = sc;
	return SLAP_CB_CONTINUE;
}

/* A write of apppwLastUsed or apppwTOTPLastStep from elsewhere (a
 * consumer's chain, an administrator with Relax) carries normalized
 * values; where the entry holds the attribute without them (written by
 * this overlay before it gave them), the attribute is first replaced by
 * its own values, normalized, in the same modify: attr_merge would
 * otherwise fail an assertion. */
static void
apppw_normalize_stored( Operation *op, slap_overinst *on )
{
	AttributeDescription *ads[2] = { ad_totp_last, ad_last_used };
	Modifications *m;
	Attribute *a;
	Entry *e;
	int i, touches = 0;

	for ( m = op->orm_modlist; m; m = m->sml_next ) {
		touches |= m->sml_desc == ad_totp_last || m->sml_desc == ad_last_used;
	}
	if ( !touches ) {
		return;
	}
	op->o_bd->bd_info = (BackendInfo *)on->on_info;
	if ( be_entry_get_rw( op, &op->o_req_ndn, NULL, NULL, 0, &e ) == LDAP_SUCCESS ) {
		for ( i = 0; i < 2; i++ ) {
			BerVarray vals = NULL;
			unsigned j;

			a = attr_find( e->e_attrs, ads[i] );
			if ( !apppw_attr_unnormalized( a ) ) {
				continue;
			}
			for ( j = 0; j < a->a_numvals; j++ ) {
				apppw_bvarray_add_copy( &vals, &a->a_vals[j], NULL );
			}
			m = ch_calloc( 1, sizeof(*m) );
			apppw_mod_init( m, ads[i], LDAP_MOD_REPLACE, vals, op->orm_modlist );
			apppw_mods_normalize( m, 1, NULL );
			op->orm_modlist = m;
		}
		be_entry_release_r( op, e );
	}
	op->o_bd->bd_info = (BackendInfo *)on;
}

static int
apppw_op_modify( Operation *op, SlapReply *rs )
{
	slap_overinst *on = (slap_overinst *)op->o_bd->bd_info;
	apppw_info *ai = on->on_bi.bi_private;
	Modifications *m, **tail = &op->orm_modlist;
	apppw_idset ids = { 0 };
	Entry *e = NULL;
	BerVarray stale;
	int protected = 0, adds = 0, removes = 0, password = 0, secret = 0;
	int mfa = -1, rc = SLAP_CB_CONTINUE;
	const char *text = NULL;

	/* a replica stores what the server that wrote it checked: a record
	 * that expired in transit, or a count, scope or key that this server
	 * configures otherwise, must not stop replication; only the state
	 * binds record is merged with this server's */
	if ( be_shadow_update( op ) ) {
		return apppw_merge_replicated( op, on );
	}
	/* a bind's own last-use write, planned from the entry it read, merged
	 * with what was stored since (a use replicated from another provider,
	 * which would otherwise stay as a second value of the id) */
	if ( apppw_is_internal( op ) ) {
		for ( m = op->orm_modlist; m && m->sml_desc != ad_last_used;
				m = m->sml_next )
			;
		if ( m ) {
			return apppw_merge_replicated( op, on );
		}
	} else {
		apppw_normalize_stored( op, on );
	}
	for ( m = op->orm_modlist; m; tail = &m->sml_next, m = m->sml_next ) {
		int has_values = m->sml_values && !BER_BVISNULL( &m->sml_values[0] ),
			removing = m->sml_op == LDAP_MOD_DELETE ||
				m->sml_op == SLAP_MOD_SOFTDEL;

		if ( !removing && ( rc = apppw_check_attr( op, m->sml_desc,
				m->sml_values, &text ) ) != LDAP_SUCCESS ) {
			goto done;
		}
		protected |= apppw_is_protected( m->sml_desc );
		if ( m->sml_desc == ad_password ) {
			adds |= has_values && ( m->sml_op == LDAP_MOD_ADD ||
				m->sml_op == LDAP_MOD_REPLACE );
			removes |= m->sml_op != LDAP_MOD_ADD;
		} else if ( m->sml_desc == ad_mfa ) {
			mfa = !removing && has_values &&
				bvmatch( m->sml_nvalues ? &m->sml_nvalues[0] : &m->sml_values[0],
					(struct berval *)&slap_true_bv );
		} else if ( is_ad_subtype( m->sml_desc, ad_totp_secret ) ) {
			secret = 1;
		} else if ( is_ad_subtype( m->sml_desc, slap_schema.si_ad_userPassword ) ) {
			password = 1;
		}
	}
	rc = SLAP_CB_CONTINUE;
	if ( !protected ) {
		return SLAP_CB_CONTINUE;
	}
	if ( ( rc = apppw_restrict( op, rs, "MOD" ) ) != SLAP_CB_CONTINUE ) {
		return rc;
	}
	if ( !adds && !removes && !( password && ai->revoke_on_password_change ) ) {
		goto done;
	}

	op->o_bd->bd_info = (BackendInfo *)on->on_info;
	if ( be_entry_get_rw( op, &op->o_req_ndn, NULL, NULL, 0, &e ) != LDAP_SUCCESS ) {
		/* the backend reports the missing entry */
		e = NULL;
		goto done;
	}
	if ( adds ) {
		if ( !ai->enabled ) {
			rc = LDAP_UNWILLING_TO_PERFORM;
			text = apppw_txt_disabled;
			goto done;
		}
		if ( !( mfa < 0 ? apppw_entry_mfa( e ) : mfa ) ) {
			rc = LDAP_CONSTRAINT_VIOLATION;
			text = apppw_txt_need_mfa;
			goto done;
		}
	}

	/* follow the modify through, to know the ids the entry ends with */
	apppw_idset_of_attr( op, &ids, attr_find( e->e_attrs, ad_password ) );
	for ( m = op->orm_modlist; m; m = m->sml_next ) {
		char id[APPPW_ID_LEN + 1];
		int i;

		if ( m->sml_desc != ad_password ) {
			continue;
		}
		switch ( m->sml_op ) {
		case LDAP_MOD_REPLACE:
			ids.n = 0;
			/* fall through */
		case LDAP_MOD_ADD:
		case SLAP_MOD_SOFTADD:
			rc = apppw_prepare_values( op, ai, m->sml_values, m->sml_nvalues,
				&ids, &text );
			if ( rc != LDAP_SUCCESS ) {
				goto done;
			}
			break;
		default:
			if ( !m->sml_values ) {
				ids.n = 0;
			}
			for ( i = 0; m->sml_values && !BER_BVISNULL( &m->sml_values[i] ); i++ ) {
				if ( !apppw_record_id( m->sml_values[i].bv_val,
						m->sml_values[i].bv_len, id ) ) {
					apppw_idset_remove( &ids, id );
				}
			}
		}
	}
	if ( adds && ( rc = apppw_check_count( op, ai, &ids, &text ) ) ) {
		goto done;
	}
	rc = SLAP_CB_CONTINUE;

	if ( password && ai->revoke_on_password_change ) {
		Attribute *a = attr_find( e->e_attrs, ad_password );

		if ( a ) {
			BerVarray old = NULL;
			char id[APPPW_ID_LEN + 1];
			unsigned i;

			for ( i = 0; i < a->a_numvals; i++ ) {
				apppw_bvarray_add_copy( &old, &a->a_vals[i], NULL );
				if ( !apppw_record_id( a->a_vals[i].bv_val,
						a->a_vals[i].bv_len, id ) ) {
					apppw_idset_remove( &ids, id );
				}
			}
			tail = apppw_append_softdel( tail, ad_password, old );
			Debug( LDAP_DEBUG_STATS, "%s apppw: MOD dn=\"%s\" password "
				"changed: revoking %u app passwords\n",
				op->o_log_prefix, e->e_name.bv_val, a->a_numvals );
		}
	}
	/* revoked app passwords take their last use with them */
	if ( ( stale = apppw_stale_last_used( e, &ids ) ) ) {
		tail = apppw_append_softdel( tail, ad_last_used, stale );
	}

done:
	if ( e ) {
		be_entry_release_r( op, e );
	}
	op->o_tmpfree( ids.ids, op->o_tmpmemctx );
	op->o_bd->bd_info = (BackendInfo *)on;
	if ( rc != SLAP_CB_CONTINUE ) {
		Debug( LDAP_DEBUG_STATS, "%s apppw: MOD dn=\"%s\" refused: %s\n",
			op->o_log_prefix, op->o_req_dn.bv_val, text );
		send_ldap_error( op, rs, rc, text );
	} else if ( password || secret ) {
		/* a new password or secret: whoever guessed codes starts afresh,
		 * and an owner locked out by them gets in */
		apppw_throttle_key k;

		apppw_throttle_key_of( op->o_req_ndn.bv_val, op->o_req_ndn.bv_len, &k );
		apppw_throttle_forget( &k );
	}
	return rc;
}

static int
apppw_op_add( Operation *op, SlapReply *rs )
{
	slap_overinst *on = (slap_overinst *)op->o_bd->bd_info;
	apppw_info *ai = on->on_bi.bi_private;
	Entry *e = op->ora_e;
	Attribute *a;
	apppw_idset ids = { 0 };
	const char *text = NULL;
	struct berval rdn;
	int rc = SLAP_CB_CONTINUE, protected = 0;

	if ( be_shadow_update( op ) ) {
		return SLAP_CB_CONTINUE;
	}
	for ( a = e->e_attrs; a; a = a->a_next ) {
		if ( ( rc = apppw_check_attr( op, a->a_desc, a->a_vals, &text ) ) !=
				LDAP_SUCCESS ) {
			goto done;
		}
		protected |= apppw_is_protected( a->a_desc );
	}
	rc = SLAP_CB_CONTINUE;
	if ( !protected ) {
		return SLAP_CB_CONTINUE;
	}
	dnRdn( &op->o_req_dn, &rdn );
	if ( apppw_rdn_protected( op, &rdn ) ) {
		rc = LDAP_NAMING_VIOLATION;
		text = apppw_txt_rdn;
		goto done;
	}
	if ( ( rc = apppw_restrict( op, rs, "ADD" ) ) != SLAP_CB_CONTINUE ) {
		return rc;
	}
	if ( !( a = attr_find( e->e_attrs, ad_password ) ) ) {
		goto done;
	}
	if ( !ai->enabled ) {
		rc = LDAP_UNWILLING_TO_PERFORM;
		text = apppw_txt_disabled;
	} else if ( !apppw_entry_mfa( e ) ) {
		rc = LDAP_CONSTRAINT_VIOLATION;
		text = apppw_txt_need_mfa;
	} else if ( ( rc = apppw_prepare_values( op, ai, a->a_vals,
			a->a_nvals, &ids, &text ) ) == LDAP_SUCCESS &&
			( rc = apppw_check_count( op, ai, &ids, &text ) ) == LDAP_SUCCESS ) {
		rc = SLAP_CB_CONTINUE;
	}

done:
	op->o_tmpfree( ids.ids, op->o_tmpmemctx );
	if ( rc != SLAP_CB_CONTINUE ) {
		Debug( LDAP_DEBUG_STATS, "%s apppw: ADD dn=\"%s\" refused: %s\n",
			op->o_log_prefix, op->o_req_dn.bv_val, text );
		send_ldap_error( op, rs, rc, text );
	}
	return rc;
}

/* Whether the entry a delete or a rename names holds an account. */
static int
apppw_target_protected( Operation *op, slap_overinst *on )
{
	Entry *e;
	int protected = 0;

	op->o_bd->bd_info = (BackendInfo *)on->on_info;
	if ( be_entry_get_rw( op, &op->o_req_ndn, NULL, NULL, 0, &e ) == LDAP_SUCCESS ) {
		protected = apppw_entry_protected( e );
		be_entry_release_r( op, e );
	}
	op->o_bd->bd_info = (BackendInfo *)on;
	return protected;
}

/* Deleting an entry deletes its passwords. The entry is read only for a
 * session that may not manage accounts. */
static int
apppw_op_delete( Operation *op, SlapReply *rs )
{
	slap_overinst *on = (slap_overinst *)op->o_bd->bd_info;
	const char *text;

	if ( be_shadow_update( op ) || !( text = apppw_refusal( op ) ) ||
			!apppw_target_protected( op, on ) ) {
		return SLAP_CB_CONTINUE;
	}
	return apppw_refuse_write( op, rs, "DEL", text );
}

/* A rename adds the new RDN's values to the entry and, with deleteoldrdn,
 * deletes the old RDN's: no password, app password, MFA flag or TOTP state
 * may be among them, whoever renames, since nothing would check them. And
 * renaming an account is managing it. */
static int
apppw_op_modrdn( Operation *op, SlapReply *rs )
{
	slap_overinst *on = (slap_overinst *)op->o_bd->bd_info;
	struct berval rdn;
	const char *text;

	if ( be_shadow_update( op ) ) {
		return SLAP_CB_CONTINUE;
	}
	dnRdn( &op->o_req_dn, &rdn );
	if ( apppw_rdn_protected( op, &rdn ) ||
			apppw_rdn_protected( op, &op->orr_newrdn ) ) {
		Debug( LDAP_DEBUG_STATS, "%s apppw: MODRDN dn=\"%s\" refused: "
			"newrdn \"%s\": %s\n", op->o_log_prefix, op->o_req_dn.bv_val,
			op->orr_newrdn.bv_val, apppw_txt_rdn );
		send_ldap_error( op, rs, LDAP_NAMING_VIOLATION, apppw_txt_rdn );
		return rs->sr_err;
	}
	if ( !( text = apppw_refusal( op ) ) || !apppw_target_protected( op, on ) ) {
		return SLAP_CB_CONTINUE;
	}
	return apppw_refuse_write( op, rs, "MODRDN", text );
}

/* The overlay's own write of a TOTP step or of recovery codes (the
 * single-use factors), with apppw-totp-step-provider: the frontend asks
 * here whether to refer it, on a provider as on a consumer,
 * and the referral is sent from here, so that the chain overlay follows it
 * to the designated provider; that server checks the write's assertion
 * against the step it holds, so every step is recorded in one place, in
 * order. The chained result reaches the write's callback; LDAP_REFERRAL
 * stops the frontend from writing here as well. */
static int
apppw_refer_step( Operation *op, SlapReply *rs, slap_overinst *on )
{
	apppw_info *ai = on->on_bi.bi_private;
	BerVarray refs;

	if ( op->o_tag != LDAP_REQ_MODIFY ||
			!apppw_to_step_provider( ai, apppw_write_ad( op->orm_modlist ) ) ) {
		return SLAP_CB_CONTINUE;
	}
	refs = referral_rewrite( ai->step_provider, NULL, &op->o_req_dn,
		LDAP_SCOPE_DEFAULT );
	rs->sr_ref = refs ? refs : ai->step_provider;
	rs->sr_err = LDAP_REFERRAL;
	send_ldap_result( op, rs );
	ber_bvarray_free( refs );
	rs->sr_ref = NULL;
	return LDAP_REFERRAL;
}

/* On a consumer, slapd's frontend answers a client's write with a
 * referral without calling the database: none of the hooks above sees it,
 * and a chain overlay may follow the referral to the provider, where the
 * write arrives on the chain's connection, as the chain's identity. The
 * frontend asks the database whether to refer before it does: there the
 * session rule is applied to what the provider would be asked to write
 * (its own checks of the values are the provider's). backend_check_referrals
 * sends the refusal. */
static int
apppw_chk_referrals( Operation *op, SlapReply *rs )
{
	slap_overinst *on = (slap_overinst *)op->o_bd->bd_info;
	const char *what, *text;
	Modifications *m;
	Attribute *a;
	int touches = 0;

	if ( apppw_is_internal( op ) ) {
		return apppw_refer_step( op, rs, on );
	}
	if ( !SLAP_SINGLE_SHADOW( op->o_bd ) || be_isupdate( op ) ) {
		return SLAP_CB_CONTINUE;
	}
	switch ( op->o_tag ) {
	case LDAP_REQ_MODIFY:
		what = "MOD";
		for ( m = op->orm_modlist; m; m = m->sml_next ) {
			touches |= apppw_is_protected( m->sml_desc );
		}
		break;
	case LDAP_REQ_ADD:
		what = "ADD";
		for ( a = op->ora_e->e_attrs; a; a = a->a_next ) {
			touches |= apppw_is_protected( a->a_desc );
		}
		break;
	case LDAP_REQ_DELETE:
	case LDAP_REQ_MODRDN:
		what = op->o_tag == LDAP_REQ_DELETE ? "DEL" : "MODRDN";
		touches = apppw_target_protected( op, on );
		break;
	case LDAP_REQ_EXTENDED:
		/* the password modify operation: the only one that asks */
		what = "PASSMOD";
		touches = 1;
		break;
	default:
		return SLAP_CB_CONTINUE;
	}
	if ( !touches || !( text = apppw_refusal( op ) ) ) {
		return SLAP_CB_CONTINUE;
	}
	apppw_log_refusal( op, what, text );
	rs->sr_text = text;
	return LDAP_INSUFFICIENT_ACCESS;
}

/* ---- extended operation: create ----------------------------------------- */

static int apppw_op_enrol( Operation *op, SlapReply *rs );
static int apppw_op_recovery( Operation *op, SlapReply *rs );

static int
apppw_op_extended( Operation *op, SlapReply *rs )
{
	slap_overinst *on = (slap_overinst *)op->o_bd->bd_info;
	apppw_info *ai = on->on_bi.bi_private;
	struct apppw_create_request req;
	apppw_record rec = { 0 };
	apppw_idset ids = { 0 };
	char norm[APPPW_PASSWORD_LEN + 1] = "", buf[APPPW_RECORD_MAX];
	struct berval value[2] = { BER_BVNULL, BER_BVNULL };
	Modifications mod;
	Entry *e = NULL;
	int self, len, tries, rc;

	if ( bvmatch( &op->ore_reqoid, (struct berval *)&apppw_exop_enrol_oid ) ) {
		return apppw_op_enrol( op, rs );
	}
	if ( bvmatch( &op->ore_reqoid, (struct berval *)&apppw_exop_recovery_oid ) ) {
		return apppw_op_recovery( op, rs );
	}
	if ( !bvmatch( &op->ore_reqoid, (struct berval *)&apppw_exop_create_oid ) ) {
		return SLAP_CB_CONTINUE;
	}
	rs->sr_text = NULL;
	if ( !op->ore_reqdata || apppw_create_request_decode( op->ore_reqdata, &req ) ) {
		rs->sr_text = "apppw: malformed create request";
		rc = LDAP_PROTOCOL_ERROR;
		goto done;
	}
	self = dn_match( &op->o_req_ndn, &op->o_ndn );
	if ( ( rs->sr_text = apppw_refusal( op ) ) ) {
		rc = LDAP_INSUFFICIENT_ACCESS;
		goto done;
	}
	if ( !ai->enabled ) {
		rs->sr_text = apppw_txt_disabled;
		rc = LDAP_UNWILLING_TO_PERFORM;
		goto done;
	}
	if ( apppw_label_check( req.label.bv_val, req.label.bv_len ) ) {
		rs->sr_text = apppw_text( op, "apppw: the %s",
			apppw_record_strerror( APPPW_REC_BAD_LABEL ) );
		rc = LDAP_CONSTRAINT_VIOLATION;
		goto done;
	}
	memcpy( rec.label, req.label.bv_val, req.label.bv_len );
	if ( !BER_BVISNULL( &req.scope ) ) {
		if ( req.scope.bv_len > APPPW_SCOPE_MAX ||
				apppw_scope_check( req.scope.bv_val, req.scope.bv_len ) ) {
			rs->sr_text = "apppw: malformed scope name";
			rc = LDAP_CONSTRAINT_VIOLATION;
			goto done;
		}
		memcpy( rec.scope, req.scope.bv_val, req.scope.bv_len );
		if ( !apppw_scope_find( ai, rec.scope ) ) {
			rs->sr_text = apppw_unknown_scope( op, ai, rec.scope );
			rc = LDAP_CONSTRAINT_VIOLATION;
			goto done;
		}
	}
	if ( !BER_BVISNULL( &req.expires ) && ( apppw_time_parse( req.expires.bv_val,
			req.expires.bv_len, &rec.expires ) || rec.expires <= op->o_time ) ) {
		rs->sr_text = "apppw: the expiry must be a GeneralizedTime "
			"(YYYYmmddHHMMSSZ) in the future";
		rc = LDAP_CONSTRAINT_VIOLATION;
		goto done;
	}

	op->o_bd->bd_info = (BackendInfo *)on->on_info;
	rc = be_entry_get_rw( op, &op->o_req_ndn, NULL, NULL, 0, &e );
	if ( rc != LDAP_SUCCESS ) {
		e = NULL;
		rs->sr_text = "apppw: no such entry";
		rc = LDAP_NO_SUCH_OBJECT;
		goto done;
	}
	if ( !self && !access_allowed( op, e, ad_password, NULL, ACL_WADD, NULL ) ) {
		rs->sr_text = "apppw: no write access to this entry's apppwPassword";
		rc = LDAP_INSUFFICIENT_ACCESS;
		goto done;
	}
	if ( !apppw_entry_mfa( e ) ) {
		rs->sr_text = apppw_txt_need_mfa;
		rc = LDAP_CONSTRAINT_VIOLATION;
		goto done;
	}
	if ( apppw_entry_pending( e ) ) {
		rs->sr_text = apppw_txt_pending;
		rc = LDAP_CONSTRAINT_VIOLATION;
		goto done;
	}
	/* after the MFA flag: an entry without MFA cannot have such a
	 * session, and is better told that app passwords need MFA */
	if ( self && apppw_session_kind( op ) != APPPW_SESSION_MFA ) {
		rs->sr_text = "apppw: creating an app password for yourself "
			"needs a session authenticated with your password "
			"followed by a TOTP code";
		rc = LDAP_INSUFFICIENT_ACCESS;
		goto done;
	}
	apppw_idset_of_attr( op, &ids, attr_find( e->e_attrs, ad_password ) );
	if ( ids.n >= ai->max_count ) {
		ids.n++;
		rc = apppw_check_count( op, ai, &ids, &rs->sr_text );
		goto done;
	}
	for ( tries = 0; tries < 100; tries++ ) {
		apppw_generate( norm );
		if ( !apppw_idset_has( &ids, norm ) ) {
			break;
		}
	}
	memcpy( rec.id, norm, APPPW_ID_LEN );
	rec.created = op->o_time;
	rec.keyed = ai->have_key;
	apppw_salt( rec.salt );
	if ( tries == 100 || apppw_hash( norm, rec.salt,
			ai->have_key ? ai->key : NULL, rec.hash ) ||
			( len = apppw_record_format( &rec, buf, sizeof(buf) ) ) < 0 ) {
		rs->sr_text = "apppw: cannot generate the app password";
		rc = LDAP_OTHER;
		goto done;
	}
	be_entry_release_r( op, e );
	e = NULL;
	op->o_bd->bd_info = (BackendInfo *)on;

	/* through the overlay's own write checks, like any other value */
	ber_str2bv( buf, len, 0, &value[0] );
	apppw_mod_init( &mod, ad_password, LDAP_MOD_ADD, value, NULL );
	rc = apppw_internal_modify( op, on, &op->o_req_ndn, &mod, 1, NULL,
		&rs->sr_text );
	if ( rc != LDAP_SUCCESS ) {
		goto done;
	}
	Debug( LDAP_DEBUG_STATS, "%s apppw: CREATE dn=\"%s\" id=%s label=\"%s\" "
		"scope=%s by=\"%s\"\n", op->o_log_prefix, op->o_req_dn.bv_val,
		rec.id, rec.label, rec.scope[0] ? rec.scope : "-", op->o_dn.bv_val );
	if ( apppw_create_response_encode( norm, &rs->sr_rspdata ) ) {
		rs->sr_text = "apppw: cannot encode the response";
		rc = LDAP_OTHER;
		goto done;
	}
	rs->sr_rspoid = ch_strdup( APPPW_OID_EXOP_CREATE );

done:
	if ( e ) {
		be_entry_release_r( op, e );
	}
	op->o_bd->bd_info = (BackendInfo *)on;
	apppw_wipe( norm, sizeof(norm) );
	apppw_wipe( &rec, sizeof(rec) );
	apppw_wipe( buf, sizeof(buf) );
	op->o_tmpfree( ids.ids, op->o_tmpmemctx );
	if ( rc != LDAP_SUCCESS ) {
		Debug( LDAP_DEBUG_STATS, "%s apppw: CREATE dn=\"%s\" refused: %s\n",
			op->o_log_prefix, op->o_req_dn.bv_val,
			rs->sr_text ? rs->sr_text : ldap_err2string( rc ) );
	}
	rs->sr_err = rc;
	return rc;
}

/* The frontend frees the response after sending it without wiping it;
 * the callback's cleanup runs once it is sent, and wipes it first. The
 * copy in slapd's send buffer is beyond an overlay's reach. */
static int
apppw_response_sent( Operation *op, SlapReply *rs )
{
	slap_callback *sc = op->o_callback;

	if ( rs->sr_rspdata ) {
		apppw_wipe( rs->sr_rspdata->bv_val, rs->sr_rspdata->bv_len );
	}
	op->o_callback = sc->sc_next;
	op->o_tmpfree( sc, op->o_tmpmemctx );
	return 0;
}

/* The frontend knows extended operations by OID only: find the target's
 * database (the bound identity's when req_target is absent), then let its
 * overlay stack answer, as slapo-dds does. The response, which holds
 * secrets, is wiped once sent. */
static int
apppw_exop_on_target( Operation *op, SlapReply *rs, struct berval *req_target,
	const struct berval *oid )
{
	BackendDB *bd = op->o_bd;
	struct berval target;
	int rc;

	if ( BER_BVISEMPTY( &op->o_ndn ) ) {
		rs->sr_text = "apppw: bind first";
		return LDAP_STRONG_AUTH_REQUIRED;
	}
	if ( BER_BVISNULL( req_target ) ) {
		ber_dupbv_x( &op->o_req_dn, &op->o_dn, op->o_tmpmemctx );
		ber_dupbv_x( &op->o_req_ndn, &op->o_ndn, op->o_tmpmemctx );
	} else {
		/* the decoder's fields are not terminated; slapd logs a DN
		 * with %s */
		ber_dupbv_x( &target, req_target, op->o_tmpmemctx );
		rc = dnPrettyNormal( NULL, &target, &op->o_req_dn, &op->o_req_ndn,
			op->o_tmpmemctx );
		op->o_tmpfree( target.bv_val, op->o_tmpmemctx );
		if ( rc != LDAP_SUCCESS ) {
			rs->sr_text = "apppw: the target is not a valid DN";
			return LDAP_INVALID_DN_SYNTAX;
		}
	}

	op->o_bd = select_backend( &op->o_req_ndn, 0 );
	if ( !op->o_bd || !overlay_is_inst( op->o_bd, apppw.on_bi.bi_type ) ) {
		rs->sr_text = "apppw: the target's database has no apppw overlay";
		rc = LDAP_UNWILLING_TO_PERFORM;
	} else if ( ( rc = backend_check_restrictions( op, rs,
			(struct berval *)oid ) ) == LDAP_SUCCESS ) {
		rc = op->o_bd->be_extended( op, rs );
	}
	if ( rc == LDAP_SUCCESS && rs->sr_rspdata ) {
		slap_callback *sc = op->o_tmpcalloc( 1, sizeof(*sc), op->o_tmpmemctx );

		sc->sc_cleanup = apppw_response_sent;
		sc->sc_next = op->o_callback;
		op->o_callback = sc;
	}

	op->o_tmpfree( op->o_req_dn.bv_val, op->o_tmpmemctx );
	op->o_tmpfree( op->o_req_ndn.bv_val, op->o_tmpmemctx );
	BER_BVZERO( &op->o_req_dn );
	BER_BVZERO( &op->o_req_ndn );
	op->o_bd = bd;
	return rc;
}

static int
apppw_exop_create( Operation *op, SlapReply *rs )
{
	struct apppw_create_request req;

	if ( !op->ore_reqdata || apppw_create_request_decode( op->ore_reqdata, &req ) ) {
		rs->sr_text = "apppw: malformed create request";
		return LDAP_PROTOCOL_ERROR;
	}
	return apppw_exop_on_target( op, rs, &req.target, &apppw_exop_create_oid );
}

/* ---- extended operation: new recovery codes ------------------------------ */

/* New recovery codes for an entry, as a replace of apppwRecoveryCode
 * (*mod, its values in op's memory: free them with ber_bvarray_free_x)
 * and the codes to show. 0, or -1 with
 * nothing left to free. */
static int
apppw_recovery_mod( Operation *op, apppw_info *ai, Modifications *mod,
	Modifications *next, struct apppw_recovery_set *set )
{
	apppw_recovery rec[APPPW_RECOVERY_CODES];
	char buf[APPPW_RECOVERY_MAX];
	BerVarray vals;
	int i, len = 0;

	if ( apppw_recovery_make( ai->have_key ? ai->key : NULL, op->o_time,
			set, rec ) ) {
		return -1;
	}
	vals = op->o_tmpcalloc( APPPW_RECOVERY_CODES + 1, sizeof(*vals),
		op->o_tmpmemctx );
	for ( i = 0; i < APPPW_RECOVERY_CODES && len >= 0; i++ ) {
		len = apppw_recovery_format( &rec[i], buf, sizeof(buf) );
		if ( len >= 0 ) {
			vals[i].bv_len = len;
			vals[i].bv_val = op->o_tmpalloc( len + 1, op->o_tmpmemctx );
			memcpy( vals[i].bv_val, buf, len + 1 );
		}
	}
	apppw_wipe( rec, sizeof(rec) );
	if ( len < 0 ) {
		ber_bvarray_free_x( vals, op->o_tmpmemctx );
		apppw_wipe( set, sizeof(*set) );
		return -1;
	}
	apppw_mod_init( mod, ad_recovery, LDAP_MOD_REPLACE, vals, next );
	return 0;
}

static int
apppw_exop_recovery( Operation *op, SlapReply *rs )
{
	struct berval target;

	if ( apppw_recovery_request_decode( op->ore_reqdata, &target ) ) {
		rs->sr_text = "apppw: malformed recovery codes request";
		return LDAP_PROTOCOL_ERROR;
	}
	return apppw_exop_on_target( op, rs, &target, &apppw_exop_recovery_oid );
}

/* New recovery codes for the target, replacing its unused ones, for the
 * same callers as a new app password: an administrator with write access
 * to its TOTP secret, or the entry itself in a session signed in with the password
 * and a code (TOTP or recovery), never with an app password. */
static int
apppw_op_recovery( Operation *op, SlapReply *rs )
{
	slap_overinst *on = (slap_overinst *)op->o_bd->bd_info;
	apppw_info *ai = on->on_bi.bi_private;
	struct apppw_recovery_set set;
	Modifications mod;
	Entry *e = NULL;
	int self = dn_match( &op->o_req_ndn, &op->o_ndn ), rc;

	rs->sr_text = NULL;
	if ( ( rs->sr_text = apppw_refusal( op ) ) ) {
		rc = LDAP_INSUFFICIENT_ACCESS;
		goto done;
	}
	op->o_bd->bd_info = (BackendInfo *)on->on_info;
	if ( be_entry_get_rw( op, &op->o_req_ndn, NULL, NULL, 0, &e ) != LDAP_SUCCESS ) {
		e = NULL;
		rs->sr_text = "apppw: no such entry";
		rc = LDAP_NO_SUCH_OBJECT;
	} else if ( !self && !access_allowed( op, e, ad_totp_secret, NULL,
			ACL_WRITE, NULL ) ) {
		/* slapd grants write on every NO-USER-MODIFICATION attribute
		 * (apppwRecoveryCode is one): the codes are asked of whoever
		 * may write the authenticator's secret, which they stand in for */
		rs->sr_text = "apppw: no write access to this entry's "
			APPPW_AT_TOTP_SECRET ", which recovery codes stand in for";
		rc = LDAP_INSUFFICIENT_ACCESS;
	} else if ( !apppw_entry_mfa( e ) ) {
		rs->sr_text = "apppw: recovery codes are for MFA-required "
			"accounts: this entry's apppwMFARequired is not TRUE";
		rc = LDAP_CONSTRAINT_VIOLATION;
	} else if ( apppw_entry_pending( e ) ) {
		rs->sr_text = "apppw: this account has not enrolled a TOTP "
			"authenticator yet: its first recovery codes come with the "
			"enrolment (apppw mfa enroll)";
		rc = LDAP_CONSTRAINT_VIOLATION;
	} else if ( self && apppw_session_kind( op ) != APPPW_SESSION_MFA ) {
		rs->sr_text = "apppw: making recovery codes for yourself needs a "
			"session authenticated with your password followed by a "
			"TOTP code or a recovery code";
		rc = LDAP_INSUFFICIENT_ACCESS;
	} else {
		rc = LDAP_SUCCESS;
	}
	if ( e ) {
		be_entry_release_r( op, e );
	}
	op->o_bd->bd_info = (BackendInfo *)on;
	if ( rc != LDAP_SUCCESS ) {
		goto done;
	}
	if ( apppw_recovery_mod( op, ai, &mod, NULL, &set ) ) {
		rs->sr_text = "apppw: cannot make recovery codes";
		rc = LDAP_OTHER;
		goto done;
	}
	rc = apppw_internal_modify( op, on, &op->o_req_ndn, &mod, 1, NULL,
		&rs->sr_text );
	ber_bvarray_free_x( mod.sml_values, op->o_tmpmemctx );
	if ( rc == LDAP_SUCCESS ) {
		Debug( LDAP_DEBUG_STATS, "%s apppw: RECOVERY dn=\"%s\" %d new "
			"recovery codes, the unused ones revoked, by=\"%s\"\n",
			op->o_log_prefix, op->o_req_dn.bv_val, APPPW_RECOVERY_CODES,
			op->o_dn.bv_val );
		if ( apppw_recovery_response_encode( &set, &rs->sr_rspdata ) ) {
			rs->sr_text = "apppw: cannot encode the response";
			rc = LDAP_OTHER;
		} else {
			rs->sr_rspoid = ch_strdup( APPPW_OID_EXOP_RECOVERY );
		}
	}
	apppw_wipe( &set, sizeof(set) );

done:
	if ( rc != LDAP_SUCCESS ) {
		Debug( LDAP_DEBUG_STATS, "%s apppw: RECOVERY dn=\"%s\" refused: %s\n",
			op->o_log_prefix, op->o_req_dn.bv_val,
			rs->sr_text ? rs->sr_text : ldap_err2string( rc ) );
	}
	rs->sr_err = rc;
	return rc;
}

/* ---- extended operation: enrol ------------------------------------------ */

static const char apppw_txt_enrolled[] =
	"apppw: this account has enrolled a TOTP authenticator already: a new "
	"one is enrolled from a session signed in with the password followed "
	"by a code";
static const char apppw_txt_nothing_to_enrol[] =
	"apppw: MFA is not required for this account: there is nothing to "
	"enrol (ask your administrator)";

/* An enrolment as it is checked: the request (pointing into the
 * operation's data), what the entry is, and the code's verdict. */
typedef struct apppw_enrolment {
	struct apppw_enrol_request req;
	int mfa;			/* the entry is MFA-required */
	int code_ok;			/* the code is right for the new secret */
	int64_t step;			/* and of this step */
	apppw_throttle_policy policy;
	apppw_throttle_key tkey;
	const char *why;		/* refused: the reason, for the log alone */
} apppw_enrolment;

/* The code's verdict, once the backend has accepted the password: wrong
 * codes count in the TOTP throttle, as in a password+code bind, and only
 * then. LDAP_SUCCESS, or LDAP_INVALID_CREDENTIALS with en->why. */
static int
apppw_enrol_verdict( Operation *op, apppw_info *ai, apppw_enrolment *en )
{
	apppw_throttle_report tr;
	char until[APPPW_TIME_LEN + 1];

	/* the right password of an account that has nothing to enrol: the
	 * caller says so; the overlays below saw a good password */
	if ( !en->mfa ) {
		return LDAP_SUCCESS;
	}
	switch ( apppw_throttle_attempt( &en->tkey, op->o_time, en->code_ok,
			&en->policy, &tr ) ) {
	case APPPW_THROTTLE_PASS:
		return LDAP_SUCCESS;
	case APPPW_THROTTLE_COUNTED:
		en->why = apppw_text( op, "wrong or out-of-window TOTP code for the "
			"new secret (%u of %d before a lockout)", tr.failures,
			ai->totp_max_failures );
		break;
	case APPPW_THROTTLE_LOCKED_NOW:
		apppw_time_format( tr.until, until );
		en->why = apppw_text( op, "wrong or out-of-window TOTP code for the "
			"new secret; TOTP locked until %s (lockout %u in a row)",
			until, tr.lockouts );
		break;
	case APPPW_THROTTLE_REFUSED:
		en->why = "TOTP is locked after wrong codes";
		break;
	}
	return LDAP_INVALID_CREDENTIALS;
}

/* The enrolment's password, checked as a simple bind of the entry through
 * the database's whole overlay stack, as apppw_bind_code passes a password
 * down: slapo-ppolicy, in either order, refuses a locked account and
 * counts the outcome, lastbind records it, and the backend checks
 * userPassword as for any bind. apppw's own bind hook lets it through (it
 * is marked as the overlay's own operation); nothing is sent to the client
 * and the connection's identity does not change. The backend's success is
 * left unsent: the code's verdict is given then, so that every overlay's
 * callback sees the enrolment's outcome, a wrong code included. */
static int
apppw_enrol_bind( Operation *op, slap_overinst *on, apppw_enrolment *en )
{
	Operation op2 = *op;
	Opheader oh = *op->o_hdr;
	SlapReply rs2 = { REP_RESULT };
	int result = LDAP_OTHER;
	slap_callback cb = { .sc_response = apppw_internal_result,
		.sc_private = &result };
	int rc;

	op2.o_hdr = &oh;
	op2.o_tag = LDAP_REQ_BIND;
	op2.o_callback = &cb;
	op2.orb_method = LDAP_AUTH_SIMPLE;
	op2.orb_cred = en->req.password;
	BER_BVZERO( &op2.orb_edn );
	BER_BVZERO( &op2.orb_mech );
	op2.orb_ssf = 0;

	op2.o_bd->bd_info = (BackendInfo *)on->on_info;
	rc = op2.o_bd->be_bind( &op2, &rs2 );
	op->o_bd->bd_info = (BackendInfo *)on;
	if ( rc == LDAP_SUCCESS ) {
		rs2.sr_err = apppw_enrol_verdict( op, on->on_bi.bi_private, en );
		send_ldap_result( &op2, &rs2 );
		op->o_bd->bd_info = (BackendInfo *)on;
		rc = rs2.sr_err;
	}
	if ( !BER_BVISNULL( &op2.orb_edn ) ) {
		ch_free( op2.orb_edn.bv_val );
	}
	return rc;
}

/* The secret, the first recovery codes and the code's step, in one
 * write: the secret is added, not replaced, so that of two enrolments
 * racing only one stores its secret; the step makes the code used, so
 * that it cannot bind afterwards. The step comes last: with
 * apppw-totp-step-provider the whole write is made there. */
static int
apppw_enrol_store( Operation *op, slap_overinst *on, apppw_info *ai,
	apppw_enrolment *en, char step[APPPW_LASTSTEP_MAX_LEN + 1],
	struct apppw_recovery_set *set, const char **text )
{
	struct berval secret[2] = { BER_BVNULL, BER_BVNULL },
		laststep[2] = { BER_BVNULL, BER_BVNULL };
	Modifications mods[3];
	int rc;

	if ( apppw_laststep_format( (time_t)en->step * ai->totp_step, step,
			APPPW_LASTSTEP_MAX_LEN + 1 ) ) {
		*text = "apppw: cannot record the code's step";
		return LDAP_OTHER;
	}
	ber_str2bv( step, 0, 0, &laststep[0] );
	apppw_mod_init( &mods[2], ad_totp_last, LDAP_MOD_REPLACE, laststep, NULL );
	if ( apppw_recovery_mod( op, ai, &mods[1], &mods[2], set ) ) {
		*text = "apppw: cannot make recovery codes";
		return LDAP_OTHER;
	}
	/* the request's fields are not terminated; entries' values are */
	ber_dupbv_x( &secret[0], &en->req.secret, op->o_tmpmemctx );
	apppw_mod_init( &mods[0], ad_totp_secret, LDAP_MOD_ADD, secret, &mods[1] );
	rc = apppw_internal_modify( op, on, &op->o_req_ndn, mods, 3, NULL, text );
	apppw_wipe( secret[0].bv_val, secret[0].bv_len );
	op->o_tmpfree( secret[0].bv_val, op->o_tmpmemctx );
	ber_bvarray_free_x( mods[1].sml_values, op->o_tmpmemctx );
	if ( rc != LDAP_SUCCESS ) {
		apppw_wipe( set, sizeof(*set) );
	}
	return rc;
}

/* Enrol the first authenticator of a pending entry: the caller need not
 * be bound, since the request carries the entry's password. The order of
 * the checks tells nobody more than a bind would: whether the password is
 * right only once the account is known to need one more factor to enrol
 * (never for an enrolled account, whose password alone proves nothing
 * here), and the account's state only to whoever proved its password but
 * for "enrolled already", which the tool needs to know. */
static int
apppw_op_enrol( Operation *op, SlapReply *rs )
{
	slap_overinst *on = (slap_overinst *)op->o_bd->bd_info;
	apppw_info *ai = on->on_bi.bi_private;
	apppw_enrolment en = { 0 };
	struct apppw_recovery_set set;
	apppw_throttle_report tr;
	char until[APPPW_TIME_LEN + 1], step[APPPW_LASTSTEP_MAX_LEN + 1];
	enum apppw_totp_secret_error serr;
	Entry *e = NULL;
	int enrolled = 0, rc;
	unsigned i;

	rs->sr_text = NULL;
	if ( !op->ore_reqdata ||
			apppw_enrol_request_decode( op->ore_reqdata, &en.req ) ) {
		rs->sr_text = "apppw: malformed enrol request";
		rc = LDAP_PROTOCOL_ERROR;
		goto done;
	}
	if ( ( serr = apppw_totp_secret_check( en.req.secret.bv_val,
			en.req.secret.bv_len ) ) != APPPW_TOTP_SECRET_OK ) {
		rs->sr_text = apppw_text( op, "apppw: %s",
			apppw_totp_secret_strerror( serr ) );
		rc = serr == APPPW_TOTP_SECRET_TOO_LONG ?
			LDAP_CONSTRAINT_VIOLATION : LDAP_INVALID_SYNTAX;
		goto done;
	}
	for ( i = 0; i < en.req.code.bv_len &&
			en.req.code.bv_val[i] >= '0' && en.req.code.bv_val[i] <= '9'; i++ )
		;
	if ( en.req.code.bv_len != (ber_len_t)ai->totp_digits ||
			i != en.req.code.bv_len ) {
		rs->sr_text = apppw_text( op, "apppw: the code must be %d digits "
			"(apppw-totp-digits)", ai->totp_digits );
		rc = LDAP_CONSTRAINT_VIOLATION;
		goto done;
	}
	if ( BER_BVISEMPTY( &en.req.password ) ) {
		en.why = "no password";
		rc = LDAP_INVALID_CREDENTIALS;
		goto done;
	}

	op->o_bd->bd_info = (BackendInfo *)on->on_info;
	if ( be_entry_get_rw( op, &op->o_req_ndn, NULL, NULL, 0, &e ) == LDAP_SUCCESS ) {
		Attribute *a = attr_find( e->e_attrs, ad_totp_secret );

		en.mfa = apppw_entry_mfa( e );
		enrolled = a && a->a_numvals;
		be_entry_release_r( op, e );
	} else {
		/* as a bind to it would be: the backend says no more */
		en.why = "no such entry";
	}
	op->o_bd->bd_info = (BackendInfo *)on;
	if ( en.why ) {
		rc = LDAP_INVALID_CREDENTIALS;
		goto done;
	}
	if ( enrolled ) {
		en.why = "the account has a TOTP secret already";
		rs->sr_text = apppw_txt_enrolled;
		rc = LDAP_UNWILLING_TO_PERFORM;
		goto done;
	}

	apppw_throttle_policy_of( ai, &en.policy );
	apppw_throttle_key_of( op->o_req_ndn.bv_val, op->o_req_ndn.bv_len, &en.tkey );
	/* as for binds: while TOTP is locked neither factor is checked */
	if ( en.mfa && apppw_throttle_locked( &en.tkey, op->o_time, &en.policy,
			&tr ) ) {
		apppw_time_format( tr.until, until );
		en.why = apppw_text( op, "TOTP locked until %s after wrong codes",
			until );
		rc = LDAP_INVALID_CREDENTIALS;
		goto done;
	}
	en.code_ok = !apppw_totp_check( en.req.secret.bv_val, en.req.secret.bv_len,
		en.req.code.bv_val, en.req.code.bv_len, op->o_time, ai->totp_step,
		ai->totp_digits, ai->totp_window, -1, &en.step );

	rc = apppw_enrol_bind( op, on, &en );
	if ( rc != LDAP_SUCCESS ) {
		if ( !en.why ) {
			en.why = apppw_text( op, "wrong password, or a password "
				"policy (%d)", rc );
		}
		rc = LDAP_INVALID_CREDENTIALS;
		goto done;
	}
	if ( !en.mfa ) {
		en.why = "MFA is not required";
		rs->sr_text = apppw_txt_nothing_to_enrol;
		rc = LDAP_UNWILLING_TO_PERFORM;
		goto done;
	}
	rc = apppw_enrol_store( op, on, ai, &en, step, &set, &rs->sr_text );
	if ( rc != LDAP_SUCCESS ) {
		if ( apppw_lost_race( rc ) ) {
			/* a concurrent enrolment stored its secret first */
			rs->sr_text = apppw_txt_enrolled;
			rc = LDAP_UNWILLING_TO_PERFORM;
		}
		en.why = apppw_text( op, "cannot store the secret (%s)%s",
			ldap_err2string( rc ), SLAP_SHADOW( op->o_bd ) ? "; a consumer "
				"forwards it with updateref and the chain overlay" : "" );
		goto done;
	}
	Debug( LDAP_DEBUG_STATS, "%s apppw: ENROL dn=\"%s\" TOTP authenticator "
		"enrolled, step at %s, peer=%s\n", op->o_log_prefix,
		op->o_req_dn.bv_val, step, op->o_conn->c_peer_name.bv_val );
	if ( apppw_enrol_response_encode( (time_t)en.step * ai->totp_step,
			&set, &rs->sr_rspdata ) ) {
		/* stored: the client learns the step from the entry, or waits,
		 * and its owner makes new recovery codes once signed in */
		Debug( LDAP_DEBUG_ANY, "%s apppw: ENROL dn=\"%s\" cannot encode the "
			"response\n", op->o_log_prefix, op->o_req_dn.bv_val );
	} else {
		rs->sr_rspoid = ch_strdup( APPPW_OID_EXOP_ENROL );
	}
	apppw_wipe( &set, sizeof(set) );

done:
	if ( rc != LDAP_SUCCESS ) {
		Debug( LDAP_DEBUG_STATS, "%s apppw: ENROL dn=\"%s\" refused: %s "
			"peer=%s\n", op->o_log_prefix, op->o_req_dn.bv_val,
			en.why ? en.why : rs->sr_text ? rs->sr_text :
				ldap_err2string( rc ), op->o_conn->c_peer_name.bv_val );
	}
	rs->sr_err = rc;
	return rc;
}

/* The frontend's handler: the request names its entry, which need not be
 * the caller's (who is usually anonymous): find the entry's database and
 * let its overlay stack answer, as for create. slapd's restrictions are
 * those of a simple bind, which the request is in part: it carries a
 * password, and asks for the confidentiality simple binds ask for
 * (security simple_bind=, ssf=, tls=, ...) and for binds to be allowed;
 * slapd's own check would take it for a modify and ask an anonymous
 * caller to authenticate. It writes, though: a database that refuses
 * modifications refuses it too. Its password and secret are wiped once it
 * is answered. */
static int
apppw_exop_enrol( Operation *op, SlapReply *rs )
{
	BackendDB *bd = op->o_bd;
	struct apppw_enrol_request req;
	struct berval dn;
	int rc;

	if ( !op->ore_reqdata || apppw_enrol_request_decode( op->ore_reqdata, &req ) ) {
		rs->sr_text = "apppw: malformed enrol request";
		rc = LDAP_PROTOCOL_ERROR;
		goto wipe;
	}
	ber_dupbv_x( &dn, &req.dn, op->o_tmpmemctx );
	rc = dnPrettyNormal( NULL, &dn, &op->o_req_dn, &op->o_req_ndn,
		op->o_tmpmemctx );
	op->o_tmpfree( dn.bv_val, op->o_tmpmemctx );
	if ( rc != LDAP_SUCCESS ) {
		/* a DN too long is refused before they are set */
		BER_BVZERO( &op->o_req_dn );
		BER_BVZERO( &op->o_req_ndn );
	}
	if ( rc != LDAP_SUCCESS || BER_BVISEMPTY( &op->o_req_ndn ) ) {
		rs->sr_text = "apppw: the DN is not valid";
		rc = LDAP_INVALID_DN_SYNTAX;
		goto free;
	}

	op->o_bd = select_backend( &op->o_req_ndn, 0 );
	if ( !op->o_bd || !overlay_is_inst( op->o_bd, apppw.on_bi.bi_type ) ) {
		rs->sr_text = "apppw: the entry's database has no apppw overlay";
		rc = LDAP_UNWILLING_TO_PERFORM;
		goto free;
	}
	op->o_tag = LDAP_REQ_BIND;
	rc = backend_check_restrictions( op, rs, NULL );
	op->o_tag = LDAP_REQ_EXTENDED;
	if ( rc != LDAP_SUCCESS ) {
		Debug( LDAP_DEBUG_STATS, "%s apppw: ENROL dn=\"%s\" refused: %s "
			"peer=%s\n", op->o_log_prefix, op->o_req_dn.bv_val,
			rs->sr_text ? rs->sr_text : ldap_err2string( rc ),
			op->o_conn->c_peer_name.bv_val );
	} else if ( ( frontendDB->be_restrictops | op->o_bd->be_restrictops ) &
			SLAP_RESTRICT_OP_MODIFY ) {
		rs->sr_text = "apppw: this database refuses modifications";
		rc = LDAP_UNWILLING_TO_PERFORM;
	} else {
		rc = op->o_bd->be_extended( op, rs );
	}

free:
	op->o_tmpfree( op->o_req_dn.bv_val, op->o_tmpmemctx );
	op->o_tmpfree( op->o_req_ndn.bv_val, op->o_tmpmemctx );
	BER_BVZERO( &op->o_req_dn );
	BER_BVZERO( &op->o_req_ndn );
	op->o_bd = bd;
wipe:
	if ( op->ore_reqdata ) {
		apppw_wipe( op->ore_reqdata->bv_val, op->ore_reqdata->bv_len );
	}
	return rc;
}

/* ---- computed attributes: apppwExpiry, apppwOfferedScope --------------- */

/* apppwExpiry: the end of each app password the reader may read, as the
 * bind hook would find it now, settings included, so that "apppw list" can
 * say why one is refused. NULL if none ends or the reader may not see
 * them. */
static BerVarray
apppw_expiry_values( Operation *op, Entry *e, apppw_info *ai )
{
	enum apppw_expiry_reason end;
	BerVarray vals = NULL;
	Attribute *a;
	apppw_record rec;
	time_t deadline;
	char v[APPPW_EXPIRY_LEN_MAX + 1];
	unsigned i;

	if ( ( a = attr_find( e->e_attrs, ad_password ) ) == NULL ||
			!access_allowed( op, e, ad_password, NULL, ACL_READ, NULL ) ) {
		return NULL;
	}
	for ( i = 0; i < a->a_numvals; i++ ) {
		struct berval bv;

		if ( apppw_record_parse( a->a_vals[i].bv_val, a->a_vals[i].bv_len,
				&rec ) ) {
			continue;
		}
		deadline = apppw_deadline( &rec, apppw_last_use( e, rec.id ),
			ai->max_age, ai->max_idle, &end );
		if ( deadline && !apppw_expiry_format( rec.id, deadline, end, v,
				sizeof(v) ) ) {
			ber_str2bv( v, 0, 0, &bv );
			value_add_one( &vals, &bv );
		}
	}
	apppw_wipe( &rec, sizeof(rec) );
	return vals;
}

/* apppwOfferedScope: the scopes an app password of an apppwUser entry may
 * be created with, "NAME ITEM..." as configured, in configuration order,
 * for "apppw scopes" and the web page's choice. NULL if none. The list is
 * read unlocked, as binds read it: cn=config changes it only with the
 * server paused (slap_pause_server), when no operation runs. */
static BerVarray
apppw_offered_scope_values( Entry *e, apppw_info *ai )
{
	BerVarray vals = NULL;
	apppw_scope *sc;

	if ( !is_entry_objectclass( e, oc_user, 0 ) ) {
		return NULL;
	}
	for ( sc = ai->scopes; sc; sc = sc->next ) {
		value_add_one( &vals, &sc->text );
	}
	return vals;
}

/* Computed values join the reply with their normalised forms, against
 * which a values-return filter (RFC 3876) matches. */
static void
apppw_reply_add( SlapReply *rs, AttributeDescription *ad, BerVarray vals )
{
	BerVarray nvals;
	Attribute **ap;
	unsigned i;

	if ( attr_normalize( ad, vals, &nvals, NULL ) != LDAP_SUCCESS ) {
		ber_bvarray_free( vals );
		return;
	}
	for ( ap = &rs->sr_operational_attrs; *ap; ap = &(*ap)->a_next )
		;
	*ap = attr_alloc( ad );
	(*ap)->a_vals = vals;
	(*ap)->a_nvals = nvals ? nvals : vals;
	for ( i = 0; !BER_BVISNULL( &vals[i] ); i++ )
		;
	(*ap)->a_numvals = i;
}

/* The computed attributes, each when asked for by name or with "+". Not
 * for replication: a consumer would store them. */
static int
apppw_operational( Operation *op, SlapReply *rs )
{
	slap_overinst *on = (slap_overinst *)op->o_bd->bd_info;
	apppw_info *ai = on->on_bi.bi_private;
	Entry *e = rs->sr_entry;
	int all = SLAP_OPATTRS( rs->sr_attr_flags );
	BerVarray vals;

	if ( op->o_sync != SLAP_CONTROL_NONE || e == NULL ) {
		return SLAP_CB_CONTINUE;
	}
	if ( ( all || ad_inlist( ad_expiry, rs->sr_attrs ) ) &&
			( vals = apppw_expiry_values( op, e, ai ) ) ) {
		apppw_reply_add( rs, ad_expiry, vals );
	}
	if ( ( all || ad_inlist( ad_offered_scope, rs->sr_attrs ) ) &&
			( vals = apppw_offered_scope_values( e, ai ) ) ) {
		apppw_reply_add( rs, ad_offered_scope, vals );
	}
	return SLAP_CB_CONTINUE;
}

/* ---- SASL -------------------------------------------------------------- */

/* The bind's response, success, challenge or SASL's own failure, becomes
 * a bare invalidCredentials: the connection's callback that would make the
 * identity runs after this one and sees the refusal, and the client is not
 * told that its entry was hidden. */
static int
apppw_sasl_veto( Operation *op, SlapReply *rs )
{
	(void)op;
	rs->sr_err = LDAP_INVALID_CREDENTIALS;
	rs->sr_text = NULL;
	rs->sr_sasldata = NULL;
	return SLAP_CB_CONTINUE;
}

static int
apppw_sasl_veto_cleanup( Operation *op, SlapReply *rs )
{
	(void)rs;
	op->o_tmpfree( op->o_callback, op->o_tmpmemctx );
	op->o_callback = NULL;
	return SLAP_CB_CONTINUE;
}

/* Veto a SASL bind in progress; 0 if done already. */
static int
apppw_sasl_veto_bind( Operation *bindop )
{
	slap_callback *sc;

	for ( sc = bindop->o_callback; sc; sc = sc->sc_next ) {
		if ( sc->sc_response == apppw_sasl_veto ) {
			return 0;
		}
	}
	sc = bindop->o_tmpcalloc( 1, sizeof(*sc), bindop->o_tmpmemctx );
	sc->sc_response = apppw_sasl_veto;
	sc->sc_cleanup = apppw_sasl_veto_cleanup;
	sc->sc_next = bindop->o_callback;
	bindop->o_callback = sc;
	return 1;
}

static int
apppw_sasl_passwordless_mech( struct berval *mech )
{
	int i;

	for ( i = 0; !BER_BVISNULL( &apppw_sasl_passwordless[i] ); i++ ) {
		if ( ber_bvstrcasecmp( mech, &apppw_sasl_passwordless[i] ) == 0 ) {
			return 1;
		}
	}
	return 0;
}

/* A SASL bind with a mechanism that checks a password (PLAIN, LOGIN,
 * DIGEST-MD5, CRAM-MD5, SCRAM-*, ...) proves the password alone, and never
 * reaches the bind hook. But slapd's auxprop plugin hands SASL the entry's
 * secrets, and maps its identity, with an internal base search of the entry
 * through this database's overlays, flagged o_is_auth_check, while the bind
 * is in progress on the connection: there an MFA-required entry is shown
 * to have nothing, and the bind is vetoed, whichever mechanism's step it
 * is (SCRAM asks in its first), should the password be checked elsewhere
 * (saslauthd). Mechanisms that check no such password pass. */
/* Recovery codes are not shown to a session signed in with an app
 * password: they are hashed, but what they are for is none of its
 * business. */
static int
apppw_hide_recovery( Operation *op, SlapReply *rs )
{
	if ( rs->sr_type == REP_SEARCH &&
			attr_find( rs->sr_entry->e_attrs, ad_recovery ) ) {
		rs_entry2modifiable( op, rs, op->o_callback->sc_private );
		attr_delete( &rs->sr_entry->e_attrs, ad_recovery );
	}
	return SLAP_CB_CONTINUE;
}

static int
apppw_hide_recovery_done( Operation *op, SlapReply *rs )
{
	slap_callback **scp, *sc;

	(void)rs;
	for ( scp = &op->o_callback; ( sc = *scp ); scp = &sc->sc_next ) {
		if ( sc->sc_cleanup == apppw_hide_recovery_done ) {
			*scp = sc->sc_next;
			op->o_tmpfree( sc, op->o_tmpmemctx );
			break;
		}
	}
	return 0;
}

static int
apppw_op_search( Operation *op, SlapReply *rs )
{
	slap_overinst *on = (slap_overinst *)op->o_bd->bd_info;
	Connection *c = op->o_conn;
	Operation *bindop;
	Entry *e = NULL;
	int mfa = 0;

	/* an operational attribute is returned only when asked for, by name
	 * or with "+": other searches do not look up the session */
	if ( !op->o_is_auth_check && c &&
			( ad_inlist( ad_recovery, op->ors_attrs ) ||
			an_find( op->ors_attrs, slap_bv_all_operational_attrs ) ) &&
			apppw_session_kind( op ) == APPPW_SESSION_APP ) {
		slap_callback *sc = op->o_tmpcalloc( 1, sizeof(*sc), op->o_tmpmemctx );

		sc->sc_response = apppw_hide_recovery;
		sc->sc_cleanup = apppw_hide_recovery_done;
		sc->sc_private = on;
		sc->sc_next = op->o_callback;
		op->o_callback = sc;
		return SLAP_CB_CONTINUE;
	}
	if ( !op->o_is_auth_check || !c || !( bindop = c->c_sasl_bindop ) ||
			op->ors_scope != LDAP_SCOPE_BASE ) {
		return SLAP_CB_CONTINUE;
	}
	/* whatever this bind does, the connection's old identity is gone */
	apppw_session_forget( c->c_connid );
	if ( apppw_sasl_passwordless_mech( &c->c_sasl_bind_mech ) ) {
		return SLAP_CB_CONTINUE;
	}
	op->o_bd->bd_info = (BackendInfo *)on->on_info;
	if ( be_entry_get_rw( op, &op->o_req_ndn, NULL, NULL, 0, &e ) == LDAP_SUCCESS ) {
		mfa = apppw_entry_mfa( e );
		be_entry_release_r( op, e );
	}
	op->o_bd->bd_info = (BackendInfo *)on;
	if ( !mfa ) {
		return SLAP_CB_CONTINUE;
	}
	if ( apppw_sasl_veto_bind( bindop ) ) {
		Debug( LDAP_DEBUG_STATS, "%s apppw: BIND dn=\"%s\" mech=%s refused: "
			"MFA-required entries do not bind with a SASL mechanism that "
			"checks a password peer=%s\n",
			op->o_log_prefix, op->o_req_dn.bv_val, c->c_sasl_bind_mech.bv_val,
			c->c_peer_name.bv_val );
	}
	rs->sr_err = LDAP_SUCCESS;
	send_ldap_result( op, rs );
	return rs->sr_err;
}

/* ---- instance ---------------------------------------------------------- */

static int
apppw_db_init( BackendDB *be, ConfigReply *cr )
{
	slap_overinst *on = (slap_overinst *)be->bd_info;
	apppw_info *ai;
	const char *text;
	int i;

	for ( i = 0; apppw_ads[i].name; i++ ) {
		if ( *apppw_ads[i].ad ) {
			continue;
		}
		if ( slap_str2ad( apppw_ads[i].name, apppw_ads[i].ad, &text ) ) {
			snprintf( cr->msg, sizeof(cr->msg), "apppw: attribute %s is "
				"not defined: load apppw.schema (slapd.conf) or apppw.ldif "
				"(cn=config) before the overlay", apppw_ads[i].name );
			Debug( LDAP_DEBUG_ANY, "%s\n", cr->msg );
			return 1;
		}
	}
	if ( !oc_user && !( oc_user = oc_find( APPPW_OC_USER ) ) ) {
		snprintf( cr->msg, sizeof(cr->msg), "apppw: object class %s is "
			"not defined: load apppw.schema (slapd.conf) or apppw.ldif "
			"(cn=config) before the overlay", APPPW_OC_USER );
		Debug( LDAP_DEBUG_ANY, "%s\n", cr->msg );
		return 1;
	}

	ai = ch_calloc( 1, sizeof(*ai) );
	for ( i = APPPW_CFG_ENABLED; i < APPPW_CFG_SCOPE; i++ ) {
		apppw_defaults( ai, i );
	}
	ldap_pvt_thread_mutex_init( &ai->restore_mutex );
	ldap_pvt_thread_cond_init( &ai->restore_cond );
	on->on_bi.bi_private = ai;
	apppw_instances++;
	return 0;
}

/* The merge of replicated changes (apppw_merge_replicated) runs above
 * syncrepl's own overlay, delta-MPR's conflict resolution, which slapd
 * puts on top of the stack when it reads the database's syncrepl: below
 * the overlays slapd.conf configures after it, but above those cn=config
 * loads, which are the database's children, read after it (so, in
 * cn=config, above apppw, which then merged syncrepl's temporary copy of
 * the changes, and put parts of it back in the list slapd frees: free()
 * aborted slapd on the first replicated last use). Moved right below
 * apppw, it runs where slapd.conf puts it, below accesslog as its
 * conflict resolution expects. */
static slap_overinst **
apppw_syncrepl_above( slap_overinst *on )
{
	slap_overinst **p;

	for ( p = &on->on_info->oi_list; *p && *p != on; p = &(*p)->on_next ) {
		if ( !strcmp( (*p)->on_bi.bi_type, "syncrepl" ) ) {
			return p;
		}
	}
	return NULL;
}

static void
apppw_syncrepl_below( slap_overinst *on )
{
	slap_overinst **p = apppw_syncrepl_above( on ), *sr;

	if ( p ) {
		sr = *p;
		*p = sr->on_next;
		sr->on_next = on->on_next;
		on->on_next = sr;
		Debug( LDAP_DEBUG_CONFIG, "apppw: syncrepl's overlay moved below "
			"apppw\n" );
	}
}

/* SASL binds are guarded through slapd's own auxprop plugin: with
 * sasl-auxprops set to other plugins only, a SASL password check would
 * never be seen, and a password alone could authenticate an MFA-required
 * entry. */
static int
apppw_db_open( BackendDB *be, ConfigReply *cr )
{
	slap_overinst *on = (slap_overinst *)be->bd_info;
	apppw_info *ai = on->on_bi.bi_private;
	char *words, *w, *save;
	int found = 0;

	ai->closing = 0;
	apppw_syncrepl_below( on );
	apppw_warn_loglevel();
	if ( !slap_sasl_auxprops ) {
		return 0;
	}
	words = ch_strdup( slap_sasl_auxprops );
	for ( w = strtok_r( words, " \t,", &save ); w && !found;
			w = strtok_r( NULL, " \t,", &save ) ) {
		found = !strcmp( w, "slapd" );
	}
	ch_free( words );
	if ( !found ) {
		snprintf( cr->msg, sizeof(cr->msg), "apppw: sasl-auxprops (olcSaslAuxprops) "
			"\"%s\" leaves out slapd's own plugin, through which apppw refuses "
			"SASL password mechanisms for MFA-required entries; add \"slapd\" "
			"to it, or remove it", slap_sasl_auxprops );
		Debug( LDAP_DEBUG_ANY, "%s\n", cr->msg );
		return 1;
	}
	return 0;
}

/* No write-back may run on a closed database: those still queued are
 * cancelled (when cn=config removes the database or the overlay, with
 * the thread pool paused, they could not run), a running one is waited
 * for. At shutdown slapd has run every queued task already. */
static int
apppw_db_close( BackendDB *be, ConfigReply *cr )
{
	slap_overinst *on = (slap_overinst *)be->bd_info;
	apppw_info *ai = on->on_bi.bi_private;
	apppw_restore *r, *next;

	(void)cr;
	if ( !ai ) {
		return 0;
	}
	ldap_pvt_thread_mutex_lock( &ai->restore_mutex );
	ai->closing = 1;
	for ( r = ai->restores; r; r = next ) {
		next = r->next;
		if ( ldap_pvt_thread_pool_retract( r->task ) > 0 ) {
			Debug( LDAP_DEBUG_ANY, "apppw: MOD dn=\"%s\" a merged "
				"replicated change is not written back: the database is "
				"closing\n", r->ndn.bv_val );
			apppw_restore_unlink( ai, r );
			apppw_restore_free( r );
		}
	}
	while ( ai->restores ) {
		ldap_pvt_thread_cond_wait( &ai->restore_cond, &ai->restore_mutex );
	}
	ldap_pvt_thread_mutex_unlock( &ai->restore_mutex );
	return 0;
}

static int
apppw_db_destroy( BackendDB *be, ConfigReply *cr )
{
	slap_overinst *on = (slap_overinst *)be->bd_info;
	apppw_info *ai = on->on_bi.bi_private;
	apppw_scope *sc;

	(void)cr;
	if ( !ai ) {
		return 0;
	}
	while ( ( sc = ai->scopes ) ) {
		ai->scopes = sc->next;
		apppw_scope_free( sc );
	}
	apppw_defaults( ai, APPPW_CFG_KEY_FILE );
	apppw_defaults( ai, APPPW_CFG_STEP_PROVIDER );
	ldap_pvt_thread_cond_destroy( &ai->restore_cond );
	ldap_pvt_thread_mutex_destroy( &ai->restore_mutex );
	ch_free( ai );
	on->on_bi.bi_private = NULL;
	if ( --apppw_instances == 0 ) {
		ldap_pvt_thread_mutex_lock( &apppw_sessions_mutex );
		ldap_avl_free( apppw_sessions, apppw_session_free );
		apppw_sessions = NULL;
		ldap_pvt_thread_mutex_unlock( &apppw_sessions_mutex );
	}
	return 0;
}

int
init_module( int argc, char *argv[] )
{
	int i, rc;

	(void)argc;
	(void)argv;
	if ( apppw_secret_init() || apppw_totp_init() || apppw_throttle_init() ) {
		Debug( LDAP_DEBUG_ANY, "apppw: cannot initialise libsodium or liboath\n" );
		return -1;
	}
	ldap_pvt_thread_mutex_init( &apppw_sessions_mutex );

	for ( i = 0; apppw_opattrs[i].def; i++ ) {
		rc = register_at( apppw_opattrs[i].def, apppw_opattrs[i].ad, 0 );
		if ( rc ) {
			Debug( LDAP_DEBUG_ANY, "apppw: cannot register %s\n",
				apppw_opattrs[i].def );
			return rc;
		}
		if ( apppw_opattrs[i].manageable ) {
			(*apppw_opattrs[i].ad)->ad_type->sat_flags |= SLAP_AT_MANAGEABLE;
		}
	}

	apppw.on_bi.bi_type = "apppw";
	apppw.on_bi.bi_flags = SLAPO_BFLAG_SINGLE;
	apppw.on_bi.bi_db_init = apppw_db_init;
	apppw.on_bi.bi_db_open = apppw_db_open;
	apppw.on_bi.bi_db_close = apppw_db_close;
	apppw.on_bi.bi_db_destroy = apppw_db_destroy;
	apppw.on_bi.bi_op_bind = apppw_op_bind;
	apppw.on_bi.bi_op_search = apppw_op_search;
	apppw.on_bi.bi_op_modify = apppw_op_modify;
	apppw.on_bi.bi_op_modrdn = apppw_op_modrdn;
	apppw.on_bi.bi_op_add = apppw_op_add;
	apppw.on_bi.bi_op_delete = apppw_op_delete;
	apppw.on_bi.bi_chk_referrals = apppw_chk_referrals;
	apppw.on_bi.bi_operational = apppw_operational;
	apppw.on_bi.bi_extended = apppw_op_extended;
	apppw.on_bi.bi_connection_destroy = apppw_connection_destroy;
	apppw.on_bi.bi_cf_ocs = apppw_ocs;

	rc = config_register_schema( apppw_cfg, apppw_ocs );
	if ( rc ) {
		return rc;
	}
	rc = load_extop2( (struct berval *)&apppw_exop_create_oid,
		SLAP_EXOP_WRITES, apppw_exop_create, 0 );
	if ( rc ) {
		Debug( LDAP_DEBUG_ANY, "apppw: cannot register the create "
			"extended operation (%d)\n", rc );
		return rc;
	}
	rc = load_extop2( (struct berval *)&apppw_exop_enrol_oid,
		SLAP_EXOP_WRITES, apppw_exop_enrol, 0 );
	if ( rc ) {
		Debug( LDAP_DEBUG_ANY, "apppw: cannot register the enrol "
			"extended operation (%d)\n", rc );
		return rc;
	}
	rc = load_extop2( (struct berval *)&apppw_exop_recovery_oid,
		SLAP_EXOP_WRITES, apppw_exop_recovery, 0 );
	if ( rc ) {
		Debug( LDAP_DEBUG_ANY, "apppw: cannot register the recovery "
			"codes extended operation (%d)\n", rc );
		return rc;
	}
	return overlay_register( &apppw );
}
