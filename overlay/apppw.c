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
 * connection that authenticated with an app password may read but not
 * manage accounts. See slapo-apppw(5).
 */

#include "portable.h"

#include <stdio.h>
#include <arpa/inet.h>

#include <ac/stdarg.h>
#include <ac/string.h>
#include <ac/socket.h>

#include "slap.h"
#include "slap-config.h"
#include "lutil.h"
#include "ldap_avl.h"

#include "apppw_proto.h"
#include "apppw_record.h"
#include "apppw_secret.h"
#include "apppw_totp.h"

static AttributeDescription *ad_mfa, *ad_password, *ad_totp_secret,
	*ad_totp_last, *ad_last_used;

/* User attributes come from apppw.schema, which must be loaded; the
 * overlay looks them up when it is configured. */
static struct {
	const char *name;
	AttributeDescription **ad;
} apppw_ads[] = {
	{ APPPW_AT_MFA, &ad_mfa },
	{ APPPW_AT_PASSWORD, &ad_password },
	{ APPPW_AT_TOTP_SECRET, &ad_totp_secret },
	{ NULL, NULL }
};

/* The operational attributes the overlay writes: slapd accepts
 * NO-USER-MODIFICATION attributes from code alone. They are manageable,
 * as ppolicy's are: a consumer's chain overlay forwards the overlay's
 * writes to the provider with the Relax control, and an admin with manage
 * access may reset them the same way. */
static struct {
	const char *def;
	AttributeDescription **ad;
} apppw_opattrs[] = {
	{ "( " APPPW_OID_ARC ".1.4 NAME '" APPPW_AT_TOTP_LAST "' "
	  "DESC 'Start of the TOTP time step of the last accepted code, "
	  "in seconds since the epoch' "
	  "EQUALITY integerMatch ORDERING integerOrderingMatch "
	  "SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE "
	  "NO-USER-MODIFICATION USAGE directoryOperation )", &ad_totp_last },
	{ "( " APPPW_OID_ARC ".1.5 NAME '" APPPW_AT_LAST_USED "' "
	  "DESC 'When an app password last authenticated: id, space, "
	  "GeneralizedTime' "
	  "EQUALITY caseExactIA5Match "
	  "SYNTAX 1.3.6.1.4.1.1466.115.121.1.26{32} "
	  "NO-USER-MODIFICATION USAGE directoryOperation )", &ad_last_used },
	{ NULL, NULL }
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
	apppw_net *nets;
	int nnets;
	BerVarray urls;			/* listener URLs, without a trailing '/' */
	struct berval text;		/* the configured value, for cn=config */
} apppw_scope;

/* Why a connection's identity is what it is, for the write rules. */
enum apppw_session_kind {
	APPPW_SESSION_APP = 1,		/* bound with an app password */
	APPPW_SESSION_MFA		/* bound with password and TOTP code */
};

typedef struct apppw_session {
	unsigned long connid;
	struct berval ndn;
	enum apppw_session_kind kind;
} apppw_session;

typedef struct apppw_info {
	int enabled;
	int max_count;
	unsigned long max_age;
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

	/* Connections whose last bind here was by app password or TOTP.
	 * Config changes pause the server, the rest above is read-only
	 * while operations run; this table alone needs a lock. */
	ldap_pvt_thread_mutex_t sessions_mutex;
	Avlnode *sessions;
} apppw_info;

#define APPPW_DEFAULT_MAX_COUNT		40
#define APPPW_DEFAULT_TOTP_DIGITS	6
#define APPPW_DEFAULT_TOTP_STEP		30
#define APPPW_DEFAULT_TOTP_WINDOW	1
#define APPPW_DEFAULT_PRECISION		300
#define APPPW_MAX_COUNT_LIMIT		1000
#define APPPW_TOTP_STEP_LIMIT		300
#define APPPW_TOTP_WINDOW_LIMIT		10

static const struct berval apppw_exop_create_oid =
	BER_BVC( APPPW_OID_EXOP_CREATE );

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
apppw_session_forget( apppw_info *ai, unsigned long connid )
{
	apppw_session key = { .connid = connid }, *s;

	ldap_pvt_thread_mutex_lock( &ai->sessions_mutex );
	s = ldap_avl_delete( &ai->sessions, &key, apppw_session_cmp );
	ldap_pvt_thread_mutex_unlock( &ai->sessions_mutex );
	if ( s ) {
		apppw_session_free( s );
	}
}

static void
apppw_session_remember( apppw_info *ai, Operation *op,
	enum apppw_session_kind kind )
{
	apppw_session *s = ch_calloc( 1, sizeof(*s) );

	s->connid = op->o_conn->c_connid;
	ber_dupbv( &s->ndn, &op->o_req_ndn );
	s->kind = kind;
	ldap_pvt_thread_mutex_lock( &ai->sessions_mutex );
	if ( ldap_avl_insert( &ai->sessions, s, apppw_session_cmp,
			ldap_avl_dup_error ) ) {
		/* a concurrent bind on the same connection got there first */
		s->kind = 0;
	}
	ldap_pvt_thread_mutex_unlock( &ai->sessions_mutex );
	if ( !s->kind ) {
		apppw_session_free( s );
	}
}

/* How the operation's identity authenticated, if it matters: a session
 * only counts while the connection is still bound as that entry. */
static int
apppw_session_kind( apppw_info *ai, Operation *op )
{
	apppw_session key, *s;
	int kind = 0;

	if ( !op->o_conn || BER_BVISEMPTY( &op->o_ndn ) ) {
		return 0;
	}
	key.connid = op->o_conn->c_connid;
	ldap_pvt_thread_mutex_lock( &ai->sessions_mutex );
	s = ldap_avl_find( ai->sessions, &key, apppw_session_cmp );
	if ( s && dn_match( &s->ndn, &op->o_ndn ) ) {
		kind = s->kind;
	}
	ldap_pvt_thread_mutex_unlock( &ai->sessions_mutex );
	return kind;
}

static int
apppw_connection_destroy( BackendDB *be, Connection *conn )
{
	slap_overinst *on = (slap_overinst *)be->bd_info;

	apppw_session_forget( on->on_bi.bi_private, conn->c_connid );
	return 0;
}

/* ---- scopes ------------------------------------------------------------ */

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

static int
apppw_scope_allows( apppw_scope *sc, Connection *conn )
{
	unsigned char addr[16];
	int family, i;

	if ( conn->c_listener && sc->urls ) {
		struct berval url = conn->c_listener->sl_url;

		while ( url.bv_len && url.bv_val[url.bv_len - 1] == '/' ) {
			url.bv_len--;
		}
		for ( i = 0; !BER_BVISNULL( &sc->urls[i] ); i++ ) {
			if ( url.bv_len == sc->urls[i].bv_len && !strncasecmp(
					url.bv_val, sc->urls[i].bv_val, url.bv_len ) ) {
				return 1;
			}
		}
	}
	if ( sc->nnets && !apppw_peer_addr( conn, &family, addr ) ) {
		for ( i = 0; i < sc->nnets; i++ ) {
			if ( apppw_net_match( &sc->nets[i], family, addr ) ) {
				return 1;
			}
		}
	}
	return 0;
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
	APPPW_CFG_SCOPE
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
	  "olcApppwPasswordAlone $ olcApppwTOTPDigits $ olcApppwTOTPStep $ "
	  "olcApppwTOTPWindow $ olcApppwLastUsedPrecision $ "
	  "olcApppwRevokeOnPasswordChange $ olcApppwKeyFile $ olcApppwScope ) )",
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
	case APPPW_CFG_PASSWORD_ALONE: ai->password_alone = 0; break;
	case APPPW_CFG_TOTP_DIGITS: ai->totp_digits = APPPW_DEFAULT_TOTP_DIGITS; break;
	case APPPW_CFG_TOTP_STEP: ai->totp_step = APPPW_DEFAULT_TOTP_STEP; break;
	case APPPW_CFG_TOTP_WINDOW: ai->totp_window = APPPW_DEFAULT_TOTP_WINDOW; break;
	case APPPW_CFG_PRECISION: ai->lastused_precision = APPPW_DEFAULT_PRECISION; break;
	case APPPW_CFG_REVOKE: ai->revoke_on_password_change = 0; break;
	case APPPW_CFG_KEY_FILE:
		ch_free( ai->key_file );
		ai->key_file = NULL;
		apppw_wipe( ai->key, sizeof(ai->key) );
		ai->have_key = 0;
		break;
	}
}

static int
apppw_cf_int_range( ConfigArgs *c, int *dst, int min, int max )
{
	if ( c->value_int < min || c->value_int > max ) {
		snprintf( c->cr_msg, sizeof(c->cr_msg),
			"<%s> must be between %d and %d", c->argv[0], min, max );
		Debug( LDAP_DEBUG_ANY, "%s: %s\n", c->log, c->cr_msg );
		return ARG_BAD_CONF;
	}
	*dst = c->value_int;
	return 0;
}

static int
apppw_cf_duration( ConfigArgs *c, unsigned long *dst )
{
	unsigned long t;

	if ( lutil_parse_time( c->argv[1], &t ) ) {
		snprintf( c->cr_msg, sizeof(c->cr_msg),
			"<%s> takes a duration such as 3600, 90d or 1d12h, not \"%s\"",
			c->argv[0], c->argv[1] );
		Debug( LDAP_DEBUG_ANY, "%s: %s\n", c->log, c->cr_msg );
		return ARG_BAD_CONF;
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
	int i, nurls = 0;
	size_t len;

	if ( apppw_scope_check( c->argv[1], strlen( c->argv[1] ) ) != APPPW_REC_OK ) {
		snprintf( c->cr_msg, sizeof(c->cr_msg), "<%s> scope name \"%s\": "
			"1 to %d of a-z, 0-9, '-' and '_', starting with a letter",
			c->argv[0], c->argv[1], APPPW_SCOPE_MAX );
		goto bad;
	}
	if ( apppw_scope_find( ai, c->argv[1] ) ) {
		snprintf( c->cr_msg, sizeof(c->cr_msg),
			"<%s> scope \"%s\" is already defined", c->argv[0], c->argv[1] );
		goto bad;
	}
	sc = ch_calloc( 1, sizeof(*sc) );
	sc->name = ch_strdup( c->argv[1] );
	sc->nets = ch_calloc( c->argc - 2, sizeof(apppw_net) );
	for ( i = 2; i < c->argc; i++ ) {
		if ( strstr( c->argv[i], "://" ) ) {
			struct berval url;
			LDAPURLDesc *lud;

			/* a URL no listener can have would silently admit nobody */
			if ( ldap_url_parse( c->argv[i], &lud ) != LDAP_URL_SUCCESS ) {
				snprintf( c->cr_msg, sizeof(c->cr_msg), "<%s> scope \"%s\": "
					"\"%s\" is not a valid listener URL (ldap://, ldaps:// "
					"or ldapi://)", c->argv[0], c->argv[1], c->argv[i] );
				apppw_scope_free( sc );
				goto bad;
			}
			ldap_free_urldesc( lud );
			ber_str2bv( c->argv[i], 0, 1, &url );
			apppw_url_trim( &url );
			ber_bvarray_add( &sc->urls, &url );
			nurls++;
		} else if ( apppw_net_parse( c->argv[i], &sc->nets[sc->nnets] ) ) {
			snprintf( c->cr_msg, sizeof(c->cr_msg), "<%s> scope \"%s\": "
				"\"%s\" is neither an IPv4/IPv6 address or network "
				"(address/prefix) nor a listener URL",
				c->argv[0], c->argv[1], c->argv[i] );
			apppw_scope_free( sc );
			goto bad;
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

bad:
	Debug( LDAP_DEBUG_ANY, "%s: %s\n", c->log, c->cr_msg );
	return ARG_BAD_CONF;
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
		return apppw_cf_duration( c, &ai->max_age );
	case APPPW_CFG_PASSWORD_ALONE:
		if ( !strcasecmp( c->argv[1], "refuse" ) ) {
			ai->password_alone = 0;
		} else if ( !strcasecmp( c->argv[1], "allow" ) ) {
			ai->password_alone = 1;
		} else {
			snprintf( c->cr_msg, sizeof(c->cr_msg),
				"<%s> takes \"refuse\" or \"allow\", not \"%s\"",
				c->argv[0], c->argv[1] );
			Debug( LDAP_DEBUG_ANY, "%s: %s\n", c->log, c->cr_msg );
			return ARG_BAD_CONF;
		}
		return 0;
	case APPPW_CFG_TOTP_DIGITS:
		return apppw_cf_int_range( c, &ai->totp_digits,
			APPPW_TOTP_DIGITS_MIN, APPPW_TOTP_DIGITS_MAX );
	case APPPW_CFG_TOTP_STEP:
		return apppw_cf_int_range( c, &ai->totp_step, 1, APPPW_TOTP_STEP_LIMIT );
	case APPPW_CFG_TOTP_WINDOW:
		return apppw_cf_int_range( c, &ai->totp_window, 0,
			APPPW_TOTP_WINDOW_LIMIT );
	case APPPW_CFG_PRECISION:
		return apppw_cf_duration( c, &ai->lastused_precision );
	case APPPW_CFG_REVOKE:
		ai->revoke_on_password_change = c->value_int;
		return 0;
	case APPPW_CFG_KEY_FILE: {
		unsigned char key[APPPW_KEY_LEN];

		if ( apppw_key_load( c->value_string, key, &why ) ) {
			snprintf( c->cr_msg, sizeof(c->cr_msg), "<%s> \"%s\": %s",
				c->argv[0], c->value_string, why );
			Debug( LDAP_DEBUG_ANY, "%s: %s\n", c->log, c->cr_msg );
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
	case APPPW_CFG_SCOPE:
		return apppw_cf_scope_add( c, ai );
	}
	return 1;
}

/* ---- helpers ----------------------------------------------------------- */

static int
apppw_entry_mfa( Entry *e )
{
	Attribute *a = attr_find( e->e_attrs, ad_mfa );

	return a && a->a_numvals &&
		bvmatch( &a->a_nvals[0], (struct berval *)&slap_true_bv );
}

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

/* Writes the overlay makes itself (last use, TOTP step), as the rootdn
 * through the whole overlay stack, so that syncprov replicates them. On a
 * consumer they go through the frontend with the Relax control, so that
 * an updateref and the chain overlay can forward them to the provider;
 * this is how slapd's lastbind and slapo-otp do it. */
static int
apppw_internal_modify( Operation *op, slap_overinst *on, struct berval *ndn,
	Modifications *mods, int nmods, const char **text )
{
	Operation op2 = *op;
	Opheader oh = *op->o_hdr;
	SlapReply rs2 = { REP_RESULT };
	slap_callback cb = { .sc_response = slap_null_cb };
	LDAPControl relax, *ctrls[2] = { &relax, NULL };

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

	if ( SLAP_SHADOW( op->o_bd ) ) {
		op2.o_bd = frontendDB;
		op2.o_relax = SLAP_CONTROL_CRITICAL;
		relax.ldctl_oid = LDAP_CONTROL_RELAX;
		BER_BVZERO( &relax.ldctl_value );
		relax.ldctl_iscritical = 1;
		op2.o_ctrls = ctrls;
	} else {
		op2.o_bd->bd_info = (BackendInfo *)on->on_info;
	}
	op2.o_bd->be_modify( &op2, &rs2 );
	op->o_bd->bd_info = (BackendInfo *)on;
	apppw_free_added_mods( &op2.orm_modlist, mods, nmods );
	if ( text ) {
		*text = rs2.sr_text;
	}
	return rs2.sr_err;
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

/* What a bind found: why it was refused, for the log alone (the client
 * is told nothing), or the write that its success needs. Writes wait until
 * the entry is released, as slapo-otp and lastbind do. */
typedef struct apppw_bind_state {
	const char *why;
	char id[APPPW_ID_LEN + 1];
	apppw_record rec;
	AttributeDescription *write_ad;	/* NULL: nothing to write */
	BerVarray old_values;		/* deleted by value; NULL if none */
	char new_value[32];
} apppw_bind_state;

/* Decide whether last use must be written: at most once per precision. */
static void
apppw_plan_last_use( Operation *op, apppw_info *ai, Entry *e,
	apppw_bind_state *bs )
{
	Attribute *a = attr_find( e->e_attrs, ad_last_used );
	time_t then;
	unsigned i;

	for ( i = 0; a && i < a->a_numvals; i++ ) {
		struct berval *v = &a->a_vals[i];

		if ( v->bv_len != APPPW_ID_LEN + 16 || v->bv_val[APPPW_ID_LEN] != ' ' ||
				memcmp( v->bv_val, bs->rec.id, APPPW_ID_LEN ) ) {
			continue;
		}
		if ( !apppw_time_parse( v->bv_val + APPPW_ID_LEN + 1, 15, &then ) &&
				op->o_time >= then &&
				(unsigned long)( op->o_time - then ) < ai->lastused_precision ) {
			ber_bvarray_free_x( bs->old_values, op->o_tmpmemctx );
			bs->old_values = NULL;
			return;
		}
		/* every value of this id is replaced: two first uses racing in
		 * different seconds both add one, and neither must stay for good */
		apppw_bvarray_add_copy( &bs->old_values, v, op->o_tmpmemctx );
	}
	memcpy( bs->new_value, bs->rec.id, APPPW_ID_LEN );
	bs->new_value[APPPW_ID_LEN] = ' ';
	apppw_time_format( op->o_time, bs->new_value + APPPW_ID_LEN + 1 );
	bs->write_ad = ad_last_used;
}

/* Credentials that look like an app password: check the one record their
 * id selects. One hash, whatever the number of records. */
static int
apppw_check_app_password( Operation *op, apppw_info *ai, Entry *e,
	const char norm[APPPW_PASSWORD_LEN + 1], apppw_bind_state *bs )
{
	Attribute *a = attr_find( e->e_attrs, ad_password );
	apppw_scope *sc;
	char id[APPPW_ID_LEN + 1];
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
	if ( bs->rec.expires && op->o_time >= bs->rec.expires ) {
		bs->why = "the app password has expired";
		return -1;
	}
	if ( ai->max_age && op->o_time >= bs->rec.created &&
			(unsigned long)( op->o_time - bs->rec.created ) >= ai->max_age ) {
		bs->why = "the app password is older than apppw-max-age";
		return -1;
	}
	if ( bs->rec.scope[0] ) {
		sc = apppw_scope_find( ai, bs->rec.scope );
		if ( !sc ) {
			bs->why = "the app password's scope is not configured";
			return -1;
		}
		if ( !apppw_scope_allows( sc, op->o_conn ) ) {
			bs->why = "the client is outside the app password's scope";
			return -1;
		}
	}
	apppw_plan_last_use( op, ai, e, bs );
	return 0;
}

/* The password immediately followed by the TOTP code. The password goes
 * through slapd's own check of userPassword (every scheme, ACL auth), the
 * code through liboath. The code's step is then written by value, so that
 * of two binds racing with one code only one can win. */
static int
apppw_check_password_totp( Operation *op, apppw_info *ai, Entry *e,
	apppw_bind_state *bs )
{
	struct berval *cred = &op->orb_cred, pw;
	Attribute *a_pw, *a_secret, *a_last;
	const char *code, *text = NULL;
	int64_t last = -1, step;
	ber_len_t i, digits = ai->totp_digits;

	if ( cred->bv_len <= digits ) {
		bs->why = "password alone (too short to end with a TOTP code)";
		return -1;
	}
	code = cred->bv_val + cred->bv_len - digits;
	for ( i = 0; i < digits; i++ ) {
		if ( code[i] < '0' || code[i] > '9' ) {
			bs->why = "password alone (no TOTP code at the end)";
			return -1;
		}
	}
	a_secret = attr_find( e->e_attrs, ad_totp_secret );
	if ( !a_secret || !a_secret->a_numvals ) {
		bs->why = "no TOTP secret is enrolled";
		return -1;
	}
	a_pw = attr_find( e->e_attrs, slap_schema.si_ad_userPassword );
	if ( !a_pw ) {
		bs->why = "the entry has no userPassword";
		return -1;
	}
	a_last = attr_find( e->e_attrs, ad_totp_last );
	if ( a_last && a_last->a_numvals ) {
		/* stored as the step's start time, so that a change of
		 * apppw-totp-step neither locks users out nor reopens old
		 * codes: step n is newer than time t when n > t / step */
		last = strtoll( a_last->a_vals[0].bv_val, NULL, 10 );
		last = last < 0 ? -1 : last / ai->totp_step;
	}
	if ( apppw_totp_check( a_secret->a_vals[0].bv_val,
			a_secret->a_vals[0].bv_len, code, digits, op->o_time,
			ai->totp_step, digits, ai->totp_window, last, &step ) ) {
		bs->why = "wrong, replayed or out-of-window TOTP code";
		return -1;
	}
	pw.bv_val = cred->bv_val;
	pw.bv_len = cred->bv_len - digits;
	if ( slap_passwd_check( op, e, a_pw, &pw, &text ) ) {
		bs->why = "wrong password (the TOTP code was right)";
		return -1;
	}
	if ( a_last && a_last->a_numvals ) {
		apppw_bvarray_add_copy( &bs->old_values, &a_last->a_vals[0],
			op->o_tmpmemctx );
	}
	snprintf( bs->new_value, sizeof(bs->new_value), "%lld",
		(long long)step * ai->totp_step );
	bs->write_ad = ad_totp_last;
	return 0;
}

/* How a write by value fails when another write got there first: the old
 * value is gone, or a single value is already there. */
static int
apppw_lost_race( int rc )
{
	return rc == LDAP_NO_SUCH_ATTRIBUTE || rc == LDAP_TYPE_OR_VALUE_EXISTS ||
		rc == LDAP_CONSTRAINT_VIOLATION;
}

/* Replace old by new, by value: fails if another write got there first. */
static int
apppw_write_state( Operation *op, slap_overinst *on, struct berval *ndn,
	apppw_bind_state *bs )
{
	struct berval newv[2] = { BER_BVNULL, BER_BVNULL };
	Modifications mods[2];

	ber_str2bv( bs->new_value, 0, 0, &newv[0] );
	apppw_mod_init( &mods[1], bs->write_ad, LDAP_MOD_ADD, newv, NULL );
	if ( !bs->old_values ) {
		return apppw_internal_modify( op, on, ndn, &mods[1], 1, NULL );
	}
	apppw_mod_init( &mods[0], bs->write_ad, LDAP_MOD_DELETE, bs->old_values,
		&mods[1] );
	return apppw_internal_modify( op, on, ndn, &mods[0], 2, NULL );
}

static int
apppw_op_bind( Operation *op, SlapReply *rs )
{
	slap_overinst *on = (slap_overinst *)op->o_bd->bd_info;
	apppw_info *ai = on->on_bi.bi_private;
	apppw_bind_state bs = { 0 }, totp = { 0 };
	char norm[APPPW_PASSWORD_LEN + 1] = "";
	enum apppw_session_kind kind = 0;
	struct berval dn = BER_BVNULL, ndn = BER_BVNULL;
	Entry *e = NULL;
	int rc = SLAP_CB_CONTINUE, app_form, write_rc;

	if ( op->orb_method != LDAP_AUTH_SIMPLE || BER_BVISEMPTY( &op->orb_cred ) ) {
		return SLAP_CB_CONTINUE;
	}
	/* whatever this bind does, the connection's old identity is gone */
	apppw_session_forget( ai, op->o_conn->c_connid );

	op->o_bd->bd_info = (BackendInfo *)on->on_info;
	if ( be_entry_get_rw( op, &op->o_req_ndn, NULL, NULL, 0, &e ) != LDAP_SUCCESS ) {
		e = NULL;
		goto done;
	}
	if ( !apppw_entry_mfa( e ) ) {
		goto done;
	}

	/* An app password that fails is still tried as password and code: a
	 * password+code can look like an app password, rarely, and must not
	 * lock its owner out. */
	app_form = !apppw_normalize( op->orb_cred.bv_val, op->orb_cred.bv_len, norm );
	if ( app_form && !apppw_check_app_password( op, ai, e, norm, &bs ) ) {
		kind = APPPW_SESSION_APP;
	} else if ( !apppw_check_password_totp( op, ai, e, &totp ) ) {
		kind = APPPW_SESSION_MFA;
		bs = totp;
	} else if ( !app_form ) {
		bs.why = totp.why;
	}
	apppw_wipe( norm, sizeof(norm) );

	if ( !kind && ai->password_alone ) {
		Debug( LDAP_DEBUG_STATS, "%s apppw: BIND dn=\"%s\" neither app "
			"password nor TOTP code (%s); apppw-password-alone allow: "
			"the password alone is checked\n",
			op->o_log_prefix, e->e_name.bv_val, bs.why );
		goto done;
	}
	if ( !kind ) {
		Debug( LDAP_DEBUG_STATS, "%s apppw: BIND dn=\"%s\" refused: %s%s%s\n",
			op->o_log_prefix, e->e_name.bv_val, bs.why,
			app_form ? " id=" : "", app_form ? bs.id : "" );
		rc = LDAP_INVALID_CREDENTIALS;
		goto done;
	}

	ber_dupbv_x( &dn, &e->e_name, op->o_tmpmemctx );
	ber_dupbv_x( &ndn, &e->e_nname, op->o_tmpmemctx );
	be_entry_release_r( op, e );
	e = NULL;

	if ( bs.write_ad &&
			( write_rc = apppw_write_state( op, on, &ndn, &bs ) ) != LDAP_SUCCESS ) {
		const char *forward = SLAP_SHADOW( op->o_bd ) ? "; a consumer "
			"forwards it with updateref and the chain overlay" : "";

		/* unrecorded, the code's step could be used again */
		if ( kind == APPPW_SESSION_MFA ) {
			Debug( LDAP_DEBUG_STATS, "%s apppw: BIND dn=\"%s\" refused: %s "
				"(%s)%s\n", op->o_log_prefix, dn.bv_val,
				apppw_lost_race( write_rc ) ? "the TOTP code was used by "
					"a concurrent bind" : "cannot record the TOTP step",
				ldap_err2string( write_rc ), forward );
			rc = LDAP_INVALID_CREDENTIALS;
			goto done;
		}
		/* a lost race: a concurrent bind recorded the same last use */
		if ( !apppw_lost_race( write_rc ) ) {
			Debug( LDAP_DEBUG_STATS, "%s apppw: BIND dn=\"%s\" cannot "
				"record the last use of app password id=%s (%s)%s\n",
				op->o_log_prefix, dn.bv_val, bs.rec.id,
				ldap_err2string( write_rc ), forward );
		}
	}

	if ( kind == APPPW_SESSION_APP ) {
		Debug( LDAP_DEBUG_STATS, "%s apppw: BIND dn=\"%s\" app password id=%s "
			"label=\"%s\" peer=%s\n",
			op->o_log_prefix, dn.bv_val, bs.rec.id, bs.rec.label,
			op->o_conn->c_peer_name.bv_val );
	} else {
		Debug( LDAP_DEBUG_STATS, "%s apppw: BIND dn=\"%s\" password and TOTP "
			"code, step at %s, peer=%s\n", op->o_log_prefix, dn.bv_val,
			bs.new_value, op->o_conn->c_peer_name.bv_val );
	}
	ber_dupbv( &op->orb_edn, &dn );
	apppw_session_remember( ai, op, kind );
	rc = LDAP_SUCCESS;

done:
	if ( e ) {
		be_entry_release_r( op, e );
	}
	if ( totp.old_values != bs.old_values ) {
		ber_bvarray_free_x( totp.old_values, op->o_tmpmemctx );
	}
	ber_bvarray_free_x( bs.old_values, op->o_tmpmemctx );
	op->o_tmpfree( dn.bv_val, op->o_tmpmemctx );
	op->o_tmpfree( ndn.bv_val, op->o_tmpmemctx );
	apppw_wipe( &bs.rec, sizeof(bs.rec) );
	op->o_bd->bd_info = (BackendInfo *)on;
	if ( rc == LDAP_INVALID_CREDENTIALS ) {
		send_ldap_error( op, rs, LDAP_INVALID_CREDENTIALS, NULL );
	}
	return rc;
}

/* ---- writes ------------------------------------------------------------ */

static const char apppw_txt_app_session[] =
	"apppw: this session authenticated with an app password: it may read, "
	"but not change passwords, app passwords or MFA settings";
static const char apppw_txt_need_mfa[] =
	"apppw: app passwords need MFA: this entry's apppwMFARequired is not TRUE";
static const char apppw_txt_disabled[] =
	"apppw: app passwords are disabled on this server (apppw-enabled off)";
static const char apppw_txt_expired[] =
	"apppw: the app password's expiry is in the past";

static int
apppw_is_protected( AttributeDescription *ad )
{
	return ad == ad_password || ad == ad_mfa || ad == ad_totp_secret ||
		ad == ad_totp_last ||
		is_ad_subtype( ad, slap_schema.si_ad_userPassword );
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
			*text = apppw_text( op, "apppw: scope \"%s\" is not configured "
				"(see apppw-scope in slapo-apppw(5))", rec.scope );
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

/* A TOTP secret must be base32 of at least 80 bits, or no code verifies. */
static int
apppw_check_totp_secret( BerVarray vals, const char **text )
{
	char code[APPPW_TOTP_DIGITS_MAX + 1];

	if ( !vals || BER_BVISNULL( &vals[0] ) ) {
		return LDAP_SUCCESS;
	}
	if ( vals[0].bv_len < 16 || apppw_totp_code( vals[0].bv_val,
			vals[0].bv_len, 0, 30, 6, code, sizeof(code) ) ) {
		*text = "apppw: apppwTOTPSecret must be base32 (RFC 4648) "
			"of at least 80 bits (16 symbols)";
		return LDAP_INVALID_SYNTAX;
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
	unsigned i;

	for ( i = 0; a && i < a->a_numvals; i++ ) {
		if ( a->a_vals[i].bv_len > APPPW_ID_LEN &&
				!apppw_idset_has( keep, a->a_vals[i].bv_val ) ) {
			apppw_bvarray_add_copy( &stale, &a->a_vals[i], NULL );
		}
	}
	return stale;
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
	int protected = 0, adds = 0, removes = 0, password = 0, mfa = -1;
	int rc = SLAP_CB_CONTINUE;
	const char *text = NULL;

	/* a consumer stores what its provider checked and replicates: a
	 * record that expired in transit, or a count, scope or key that this
	 * server configures otherwise, must not stop replication */
	if ( be_shadow_update( op ) ) {
		return SLAP_CB_CONTINUE;
	}
	for ( m = op->orm_modlist; m; tail = &m->sml_next, m = m->sml_next ) {
		int has_values = m->sml_values && !BER_BVISNULL( &m->sml_values[0] );

		protected |= apppw_is_protected( m->sml_desc );
		if ( m->sml_desc == ad_password ) {
			adds |= has_values && ( m->sml_op == LDAP_MOD_ADD ||
				m->sml_op == LDAP_MOD_REPLACE );
			removes |= m->sml_op != LDAP_MOD_ADD;
		} else if ( m->sml_desc == ad_mfa ) {
			mfa = m->sml_op != LDAP_MOD_DELETE && has_values &&
				bvmatch( m->sml_nvalues ? &m->sml_nvalues[0] : &m->sml_values[0],
					(struct berval *)&slap_true_bv );
		} else if ( m->sml_desc == ad_totp_secret && m->sml_op != LDAP_MOD_DELETE &&
				( rc = apppw_check_totp_secret( m->sml_values, &text ) ) ) {
			goto done;
		} else if ( is_ad_subtype( m->sml_desc, slap_schema.si_ad_userPassword ) ) {
			password = 1;
		}
	}
	rc = SLAP_CB_CONTINUE;
	if ( !protected ) {
		return SLAP_CB_CONTINUE;
	}
	if ( apppw_session_kind( ai, op ) == APPPW_SESSION_APP ) {
		rc = LDAP_INSUFFICIENT_ACCESS;
		text = apppw_txt_app_session;
		goto done;
	}
	if ( !adds && !removes && !( password && ai->revoke_on_password_change ) ) {
		return SLAP_CB_CONTINUE;
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
	int rc = SLAP_CB_CONTINUE, protected = 0;

	if ( be_shadow_update( op ) ) {
		return SLAP_CB_CONTINUE;
	}
	for ( a = e->e_attrs; a; a = a->a_next ) {
		protected |= apppw_is_protected( a->a_desc );
	}
	if ( !protected ) {
		return SLAP_CB_CONTINUE;
	}
	if ( apppw_session_kind( ai, op ) == APPPW_SESSION_APP ) {
		rc = LDAP_INSUFFICIENT_ACCESS;
		text = apppw_txt_app_session;
		goto done;
	}
	if ( ( a = attr_find( e->e_attrs, ad_totp_secret ) ) &&
			( rc = apppw_check_totp_secret( a->a_vals, &text ) ) ) {
		goto done;
	}
	rc = SLAP_CB_CONTINUE;
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

/* Deleting an entry deletes its passwords: not from an app password
 * session either. */
static int
apppw_op_delete( Operation *op, SlapReply *rs )
{
	slap_overinst *on = (slap_overinst *)op->o_bd->bd_info;
	apppw_info *ai = on->on_bi.bi_private;
	Attribute *a;
	Entry *e;
	int protected = 0;

	if ( apppw_session_kind( ai, op ) != APPPW_SESSION_APP ) {
		return SLAP_CB_CONTINUE;
	}
	op->o_bd->bd_info = (BackendInfo *)on->on_info;
	if ( be_entry_get_rw( op, &op->o_req_ndn, NULL, NULL, 0, &e ) == LDAP_SUCCESS ) {
		for ( a = e->e_attrs; a; a = a->a_next ) {
			protected |= apppw_is_protected( a->a_desc );
		}
		be_entry_release_r( op, e );
	}
	op->o_bd->bd_info = (BackendInfo *)on;
	if ( !protected ) {
		return SLAP_CB_CONTINUE;
	}
	Debug( LDAP_DEBUG_STATS, "%s apppw: DEL dn=\"%s\" refused: app password "
		"session\n", op->o_log_prefix, op->o_req_dn.bv_val );
	send_ldap_error( op, rs, LDAP_INSUFFICIENT_ACCESS, apppw_txt_app_session );
	return rs->sr_err;
}

/* ---- extended operation: create ----------------------------------------- */

typedef struct apppw_create_req {
	struct berval target, label, expires, scope;
} apppw_create_req;

static int
apppw_create_parse( struct berval *data, apppw_create_req *req )
{
	BerElementBuffer berbuf;
	BerElement *ber = (BerElement *)&berbuf;
	ber_tag_t tag;
	ber_len_t len;

	memset( req, 0, sizeof(*req) );
	if ( !data || BER_BVISNULL( data ) ) {
		return -1;
	}
	ber_init2( ber, data, 0 );
	if ( ber_scanf( ber, "{" ) == LBER_ERROR ) {
		return -1;
	}
	tag = ber_peek_tag( ber, &len );
	if ( tag == APPPW_TAG_TARGET ) {
		if ( ber_scanf( ber, "m", &req->target ) == LBER_ERROR ) {
			return -1;
		}
		tag = ber_peek_tag( ber, &len );
	}
	if ( tag != APPPW_TAG_LABEL || ber_scanf( ber, "m", &req->label ) == LBER_ERROR ) {
		return -1;
	}
	tag = ber_peek_tag( ber, &len );
	if ( tag == APPPW_TAG_EXPIRES ) {
		if ( ber_scanf( ber, "m", &req->expires ) == LBER_ERROR ) {
			return -1;
		}
		tag = ber_peek_tag( ber, &len );
	}
	if ( tag == APPPW_TAG_SCOPE ) {
		if ( ber_scanf( ber, "m", &req->scope ) == LBER_ERROR ) {
			return -1;
		}
		tag = ber_peek_tag( ber, &len );
	}
	return tag == LBER_DEFAULT ? 0 : -1;
}

static int
apppw_create_response( SlapReply *rs,
	const char norm[APPPW_PASSWORD_LEN + 1] )
{
	BerElementBuffer berbuf;
	BerElement *ber = (BerElement *)&berbuf;
	struct berval id = { APPPW_ID_LEN, (char *)norm },
		pw = { APPPW_PASSWORD_LEN, (char *)norm }, flat;

	ber_init2( ber, NULL, LBER_USE_DER );
	if ( ber_printf( ber, "{tOtO}", APPPW_TAG_ID, &id,
			APPPW_TAG_PASSWORD, &pw ) < 0 ||
			ber_flatten2( ber, &flat, 0 ) < 0 ) {
		ber_free_buf( ber );
		return LDAP_OTHER;
	}
	rs->sr_rspdata = ber_dupbv( NULL, &flat );
	apppw_wipe( flat.bv_val, flat.bv_len );
	ber_free_buf( ber );
	rs->sr_rspoid = ch_strdup( APPPW_OID_EXOP_CREATE );
	return LDAP_SUCCESS;
}

static int
apppw_op_extended( Operation *op, SlapReply *rs )
{
	slap_overinst *on = (slap_overinst *)op->o_bd->bd_info;
	apppw_info *ai = on->on_bi.bi_private;
	apppw_create_req req;
	apppw_record rec = { 0 };
	apppw_idset ids = { 0 };
	char norm[APPPW_PASSWORD_LEN + 1] = "", buf[APPPW_RECORD_MAX];
	struct berval value[2] = { BER_BVNULL, BER_BVNULL };
	Modifications mod;
	Entry *e = NULL;
	enum apppw_session_kind kind;
	int self, len, tries, rc;

	if ( !bvmatch( &op->ore_reqoid, (struct berval *)&apppw_exop_create_oid ) ) {
		return SLAP_CB_CONTINUE;
	}
	rs->sr_text = NULL;
	if ( apppw_create_parse( op->ore_reqdata, &req ) ) {
		rs->sr_text = "apppw: malformed create request";
		rc = LDAP_PROTOCOL_ERROR;
		goto done;
	}
	self = dn_match( &op->o_req_ndn, &op->o_ndn );
	kind = apppw_session_kind( ai, op );
	if ( kind == APPPW_SESSION_APP ) {
		rs->sr_text = apppw_txt_app_session;
		rc = LDAP_INSUFFICIENT_ACCESS;
		goto done;
	}
	if ( !ai->enabled ) {
		rs->sr_text = apppw_txt_disabled;
		rc = LDAP_UNWILLING_TO_PERFORM;
		goto done;
	}
	if ( apppw_label_check( req.label.bv_val, req.label.bv_len ) ) {
		rs->sr_text = apppw_text( op, "apppw: the label must be 1 to %d "
			"characters of UTF-8 text without control characters",
			APPPW_LABEL_MAX );
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
			rs->sr_text = apppw_text( op, "apppw: scope \"%s\" is not "
				"configured (see apppw-scope in slapo-apppw(5))", rec.scope );
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
	/* after the MFA flag: an entry without MFA cannot have such a
	 * session, and is better told that app passwords need MFA */
	if ( self && kind != APPPW_SESSION_MFA ) {
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
	rc = apppw_internal_modify( op, on, &op->o_req_ndn, &mod, 1, &rs->sr_text );
	if ( rc != LDAP_SUCCESS ) {
		goto done;
	}
	Debug( LDAP_DEBUG_STATS, "%s apppw: CREATE dn=\"%s\" id=%s label=\"%s\" "
		"scope=%s by=\"%s\"\n", op->o_log_prefix, op->o_req_dn.bv_val,
		rec.id, rec.label, rec.scope[0] ? rec.scope : "-", op->o_dn.bv_val );
	rc = apppw_create_response( rs, norm );

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
apppw_create_sent( Operation *op, SlapReply *rs )
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
 * database, then let its overlay stack answer, as slapo-dds does. */
static int
apppw_exop_create( Operation *op, SlapReply *rs )
{
	BackendDB *bd = op->o_bd;
	apppw_create_req req;
	struct berval data = BER_BVNULL;
	int rc;

	/* liblber terminates strings in place: the overlay parses the
	 * request again, so only a copy is parsed here */
	if ( op->ore_reqdata ) {
		ber_dupbv_x( &data, op->ore_reqdata, op->o_tmpmemctx );
	}
	rc = apppw_create_parse( &data, &req );
	if ( rc ) {
		op->o_tmpfree( data.bv_val, op->o_tmpmemctx );
		rs->sr_text = "apppw: malformed create request";
		return LDAP_PROTOCOL_ERROR;
	}
	if ( BER_BVISEMPTY( &op->o_ndn ) ) {
		op->o_tmpfree( data.bv_val, op->o_tmpmemctx );
		rs->sr_text = "apppw: bind first";
		return LDAP_STRONG_AUTH_REQUIRED;
	}
	if ( BER_BVISNULL( &req.target ) ) {
		ber_dupbv_x( &op->o_req_dn, &op->o_dn, op->o_tmpmemctx );
		ber_dupbv_x( &op->o_req_ndn, &op->o_ndn, op->o_tmpmemctx );
	} else if ( dnPrettyNormal( NULL, &req.target, &op->o_req_dn,
			&op->o_req_ndn, op->o_tmpmemctx ) != LDAP_SUCCESS ) {
		op->o_tmpfree( data.bv_val, op->o_tmpmemctx );
		rs->sr_text = "apppw: the target is not a valid DN";
		return LDAP_INVALID_DN_SYNTAX;
	}
	op->o_tmpfree( data.bv_val, op->o_tmpmemctx );

	op->o_bd = select_backend( &op->o_req_ndn, 0 );
	if ( !op->o_bd || !overlay_is_inst( op->o_bd, apppw.on_bi.bi_type ) ) {
		rs->sr_text = "apppw: the target's database has no apppw overlay";
		rc = LDAP_UNWILLING_TO_PERFORM;
	} else if ( ( rc = backend_check_restrictions( op, rs,
			(struct berval *)&apppw_exop_create_oid ) ) == LDAP_SUCCESS ) {
		rc = op->o_bd->be_extended( op, rs );
	}
	if ( rc == LDAP_SUCCESS && rs->sr_rspdata ) {
		slap_callback *sc = op->o_tmpcalloc( 1, sizeof(*sc), op->o_tmpmemctx );

		sc->sc_cleanup = apppw_create_sent;
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

	ai = ch_calloc( 1, sizeof(*ai) );
	for ( i = APPPW_CFG_ENABLED; i < APPPW_CFG_SCOPE; i++ ) {
		apppw_defaults( ai, i );
	}
	ldap_pvt_thread_mutex_init( &ai->sessions_mutex );
	on->on_bi.bi_private = ai;
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
	ldap_avl_free( ai->sessions, apppw_session_free );
	ldap_pvt_thread_mutex_destroy( &ai->sessions_mutex );
	ch_free( ai );
	on->on_bi.bi_private = NULL;
	return 0;
}

int
init_module( int argc, char *argv[] )
{
	int i, rc;

	(void)argc;
	(void)argv;
	if ( apppw_secret_init() || apppw_totp_init() ) {
		Debug( LDAP_DEBUG_ANY, "apppw: cannot initialise libsodium or liboath\n" );
		return -1;
	}

	for ( i = 0; apppw_opattrs[i].def; i++ ) {
		rc = register_at( apppw_opattrs[i].def, apppw_opattrs[i].ad, 0 );
		if ( rc ) {
			Debug( LDAP_DEBUG_ANY, "apppw: cannot register %s\n",
				apppw_opattrs[i].def );
			return rc;
		}
		(*apppw_opattrs[i].ad)->ad_type->sat_flags |= SLAP_AT_MANAGEABLE;
	}

	apppw.on_bi.bi_type = "apppw";
	apppw.on_bi.bi_flags = SLAPO_BFLAG_SINGLE;
	apppw.on_bi.bi_db_init = apppw_db_init;
	apppw.on_bi.bi_db_destroy = apppw_db_destroy;
	apppw.on_bi.bi_op_bind = apppw_op_bind;
	apppw.on_bi.bi_op_modify = apppw_op_modify;
	apppw.on_bi.bi_op_add = apppw_op_add;
	apppw.on_bi.bi_op_delete = apppw_op_delete;
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
	return overlay_register( &apppw );
}
