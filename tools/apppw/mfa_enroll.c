/* apppw.c - app passwords and TOTP enrolment for the apppw overlay
 *
 * One LDAP client for the whole self-service flow (sign in, set up an
 * authenticator app, verify a code, receive an app password) and for what
 * an administrator does with app passwords. See apppw(1).
 *
 * Secrets in this process: the bind password, the TOTP secret being
 * enrolled, the codes typed, and the new app password. Each is wiped as
 * soon as it is no longer needed; only the new app password is printed.
 */

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <lber.h>
#include <ldap.h>
#include <qrencode.h>
#include <sasl/sasl.h>

#include "apppw_proto.h"
#include "apppw_record.h"
#include "apppw_secret.h"
#include "apppw_totp.h"

/* exit status, as usage() and apppw(1) document it */
#define EXIT_OK		0
#define EXIT_OPFAIL	1	/* the operation failed */
#define EXIT_USAGE	2
#define EXIT_CONNECT	3	/* could not connect or bind */
#define EXIT_LOCAL	4	/* file, terminal, memory */

#define PASSWD_MAX	1024	/* bind password, and a line typed */
#define TOTP_B32_MAX	64	/* base32 of APPPW_TOTP_SECRET_LEN bytes fits */
#define QR_QUIET	4	/* modules of light margin the QR spec asks for */
#define TIME_SHOWN_LEN	18	/* "2026-11-24 18:41Z" */
#define CODE_TRIES	3	/* typos allowed when a code is typed */

struct session {
	LDAP		*ld;
	const char	*uri;		/* NULL: ldap.conf's */
	const char	*binddn;
	const char	*mech;		/* SASL mechanism; NULL: simple bind */
	char		*conf_mech;	/* ldap.conf's SASL_MECH */
	int		simple;		/* -x */
	int		starttls;	/* 1: -Z, 2: -ZZ */
	char		passwd[PASSWD_MAX];
	size_t		passwdlen;
	int		have_passwd;
	char		*authzid;	/* Who am I?, once asked */
	char		*self;		/* the bound entry's DN, or NULL */
};

enum format { FORMAT_TABLE, FORMAT_TSV, FORMAT_JSON };

/* A command's arguments, checked before anything is sent. */
struct args {
	const char	*dn;		/* NULL: the bound identity */
	const char	*label;
	char		expires[16];	/* GeneralizedTime, "" for none */
	const char	*scope;
	enum format	format;
	char		(*ids)[APPPW_ID_LEN + 1];
	int		nids;
	int		all;
	const char	*code;		/* "-": from standard input */
	const char	*secret_file;
	int		no_qr;
	const char	*issuer;
	unsigned	digits;
	unsigned	period;
	const char	*app_label;
	int		no_app_password;
};

/* The secret being enrolled and the code that proved the app has it. */
struct enrolment {
	char		secret[TOTP_B32_MAX];
	char		code[APPPW_TOTP_DIGITS_MAX + 1];
	int64_t		step;		/* the code's time step */
	unsigned	digits;
	unsigned	period;
};

static int verbose;

static const char usage_text[] =
"usage: apppw [-vxZ[Z]] [-H URI] [-D binddn] [-w passwd | -W | -y file]\n"
"             [-Y mech] command [args]\n"
"\n"
"commands:\n"
"  create --label LABEL [--expires WHEN] [--scope NAME] [DN]\n"
"  list [--format table|tsv|json] [DN]\n"
"  revoke ID... [DN]\n"
"  revoke --all [DN]\n"
"  mfa enroll [--code CODE] [--secret-file FILE] [--no-qr] [--issuer NAME]\n"
"             [--digits N] [--period SECONDS]\n"
"             [--app-password LABEL | --no-app-password] [DN]\n"
"  mfa status [DN]\n"
"  mfa disable [DN]\n"
"\n"
"  DN defaults to the bound identity.\n"
"  WHEN is 20271231235959Z, 2027-12-31 (end of that day, UTC), or 12h, 90d, 4w\n"
"  from now. CODE \"-\" reads the code from standard input.\n"
"\n"
"options:\n"
"  -H URI     the LDAP server (default: URI in ldap.conf)\n"
"  -D binddn  bind as binddn; the password is asked for unless -w or -y\n"
"  -w passwd  the password (with MFA on: the password followed by a code)\n"
"  -W         ask for the password\n"
"  -y file    read the password from file\n"
"  -x         simple bind (the default without -Y or ldap.conf's SASL_MECH)\n"
"  -Y mech    SASL bind, e.g. -Y EXTERNAL -H ldapi:///\n"
"  -Z         try StartTLS; -ZZ: require it\n"
"  -v         show the LDAP operations\n"
"  -h         this text\n"
"\n"
"exit status: 0 success, 1 the operation failed, 2 usage error,\n"
"  3 could not connect or bind, 4 local error (file, terminal, memory)\n";

static void
usage( void )
{
	fputs( usage_text, stderr );
	exit( EXIT_USAGE );
}

static void
usage_error( const char *fmt, ... )
{
	va_list ap;

	fputs( "apppw: ", stderr );
	va_start( ap, fmt );
	vfprintf( stderr, fmt, ap );
	va_end( ap );
	fputs( "\nRun \"apppw -h\" for the usage.\n", stderr );
	exit( EXIT_USAGE );
}

/* One line on stderr, so that stdout carries only what scripts capture. */
static void
vmessage( const char *prefix, const char *fmt, va_list ap )
{
	fputs( prefix, stderr );
	vfprintf( stderr, fmt, ap );
	fputc( '\n', stderr );
}

/* An error, in the "apppw: what: why" form. */
static void
complain( const char *fmt, ... )
{
	va_list ap;

	va_start( ap, fmt );
	vmessage( "apppw: ", fmt, ap );
	va_end( ap );
}

/* Text for the person at the terminal. */
static void
say( const char *fmt, ... )
{
	va_list ap;

	va_start( ap, fmt );
	vmessage( "", fmt, ap );
	va_end( ap );
}

/* -v: the LDAP operations, never their secrets. */
static void
trace( const char *fmt, ... )
{
	va_list ap;

	if ( !verbose ) {
		return;
	}
	va_start( ap, fmt );
	vmessage( "apppw: ", fmt, ap );
	va_end( ap );
}

static void
ldap_complain( LDAP *ld, const char *what, int rc )
{
	char *diag = NULL;

	complain( "%s: %s (%d)", what, ldap_err2string( rc ), rc );
	if ( ld != NULL && ldap_get_option( ld, LDAP_OPT_DIAGNOSTIC_MESSAGE,
			&diag ) == LDAP_OPT_SUCCESS && diag != NULL ) {
		if ( *diag != '\0' ) {
			fprintf( stderr, "\tadditional info: %s\n", diag );
		}
		ldap_memfree( diag );
	}
}

/* ---- reading from the terminal, a file or standard input --------------- */

static int tty_noecho_fd = -1;
static struct termios tty_saved;

/* A signal while echo is off must not leave the terminal silent. */
static void
tty_restore_and_die( int sig )
{
	if ( tty_noecho_fd >= 0 ) {
		tcsetattr( tty_noecho_fd, TCSAFLUSH, &tty_saved );
	}
	signal( sig, SIG_DFL );
	raise( sig );
}

/* One line from fd into buf without its newline; a last line without one
 * counts. 0, or -1 with *why set. */
static int
read_line( int fd, char *buf, size_t size, size_t *len, const char **why )
{
	size_t n = 0;
	int too_long = 0;
	ssize_t r;
	char c;

	for ( ;; ) {
		r = read( fd, &c, 1 );
		if ( r < 0 && errno == EINTR ) {
			continue;
		}
		if ( r < 0 ) {
			*why = strerror( errno );
			break;
		}
		if ( r == 0 ) {
			if ( n == 0 && !too_long ) {
				*why = "end of input";
				r = -1;
			}
			break;
		}
		if ( c == '\n' ) {
			break;
		}
		if ( n + 1 < size ) {
			buf[n++] = c;
		} else {
			too_long = 1;
		}
	}
	if ( r < 0 || too_long ) {
		if ( too_long ) {
			*why = "line too long";
		}
		apppw_wipe( buf, size );
		return -1;
	}
	buf[n] = '\0';
	*len = n;
	return 0;
}

/* Ask on /dev/tty, so that prompts work with stdin and stdout redirected.
 * Echo is off for passwords. 0, or EXIT_LOCAL. */
static int
tty_ask( const char *prompt, char *buf, size_t size, size_t *len, int echo )
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	struct sigaction sa, old[sizeof( sigs ) / sizeof( sigs[0] )];
	struct termios tio;
	const char *why = NULL;
	size_t i;
	int fd, rc;

	fd = open( "/dev/tty", O_RDWR | O_CLOEXEC );
	if ( fd < 0 ) {
		complain( "cannot open the terminal: %s", strerror( errno ) );
		return EXIT_LOCAL;
	}
	if ( !echo && tcgetattr( fd, &tty_saved ) == 0 ) {
		memset( &sa, 0, sizeof( sa ) );
		sa.sa_handler = tty_restore_and_die;
		sigemptyset( &sa.sa_mask );
		for ( i = 0; i < sizeof( sigs ) / sizeof( sigs[0] ); i++ ) {
			sigaction( sigs[i], &sa, &old[i] );
		}
		tio = tty_saved;
		tio.c_lflag &= ~( ECHO | ECHONL );
		tty_noecho_fd = fd;
		tcsetattr( fd, TCSAFLUSH, &tio );
	}
	if ( write( fd, prompt, strlen( prompt ) ) < 0 ) {
		why = strerror( errno );
		rc = -1;
	} else {
		rc = read_line( fd, buf, size, len, &why );
	}
	if ( tty_noecho_fd >= 0 ) {
		tcsetattr( fd, TCSAFLUSH, &tty_saved );
		tty_noecho_fd = -1;
		for ( i = 0; i < sizeof( sigs ) / sizeof( sigs[0] ); i++ ) {
			sigaction( sigs[i], &old[i], NULL );
		}
		/* the newline the person typed was not echoed */
		if ( write( fd, "\n", 1 ) < 0 ) {
			/* nothing lost but cosmetics */
		}
	}
	close( fd );
	if ( rc < 0 ) {
		complain( "reading from the terminal: %s", why );
		return EXIT_LOCAL;
	}
	return EXIT_OK;
}

/* -y: the whole file is the password, but for one trailing newline that
 * editors add. */
static int
read_password_file( struct session *s, const char *path )
{
	ssize_t r;
	size_t n = 0;
	int fd;

	fd = open( path, O_RDONLY | O_CLOEXEC );
	if ( fd < 0 ) {
		complain( "%s: %s", path, strerror( errno ) );
		return EXIT_LOCAL;
	}
	while ( n < sizeof( s->passwd ) &&
			( r = read( fd, s->passwd + n, sizeof( s->passwd ) - n ) ) != 0 ) {
		if ( r < 0 && errno == EINTR ) {
			continue;
		}
		if ( r < 0 ) {
			complain( "%s: %s", path, strerror( errno ) );
			close( fd );
			apppw_wipe( s->passwd, sizeof( s->passwd ) );
			return EXIT_LOCAL;
		}
		n += r;
	}
	close( fd );
	if ( n == sizeof( s->passwd ) ) {
		complain( "%s: the password is too long", path );
		apppw_wipe( s->passwd, sizeof( s->passwd ) );
		return EXIT_LOCAL;
	}
	if ( n > 0 && s->passwd[n - 1] == '\n' ) {
		s->passwd[--n] = '\0';
	}
	s->passwdlen = n;
	s->have_passwd = 1;
	return EXIT_OK;
}

/* ---- connecting and binding -------------------------------------------- */

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

static int
simple_bind( struct session *s, const char *dn, const char *pw, size_t len )
{
	struct berval cred;

	cred.bv_val = (char *)( pw ? pw : "" );
	cred.bv_len = pw ? len : 0;
	trace( "bind simple \"%s\"", dn ? dn : "" );
	return ldap_sasl_bind_s( s->ld, dn, LDAP_SASL_SIMPLE, &cred,
		NULL, NULL, NULL );
}

static int
session_open( struct session *s )
{
	int rc, version = LDAP_VERSION3;
	char *uri = NULL;

	rc = ldap_initialize( &s->ld, s->uri );
	if ( rc != LDAP_SUCCESS ) {
		complain( "%s: %s", s->uri ? s->uri : "the URI in ldap.conf",
			ldap_err2string( rc ) );
		s->ld = NULL;
		return EXIT_CONNECT;
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
				return EXIT_CONNECT;
			}
		}
	}

	if ( s->mech ) {
		rc = sasl_bind( s );
	} else {
		rc = simple_bind( s, s->binddn,
			s->have_passwd ? s->passwd : NULL, s->passwdlen );
	}
	if ( rc != LDAP_SUCCESS ) {
		ldap_complain( s->ld, "bind", rc );
		return EXIT_CONNECT;
	}
	return EXIT_OK;
}

static void
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

static int
session_whoami( struct session *s )
{
	struct berval *id = NULL;
	int rc;

	if ( s->authzid ) {
		return EXIT_OK;
	}
	trace( "whoami" );
	rc = ldap_whoami_s( s->ld, &id, NULL, NULL );
	if ( rc != LDAP_SUCCESS ) {
		ldap_complain( s->ld, "whoami", rc );
		return EXIT_OPFAIL;
	}
	s->authzid = id ? strndup( id->bv_val, id->bv_len ) : strdup( "" );
	ber_bvfree( id );
	if ( s->authzid == NULL ) {
		complain( "out of memory" );
		return EXIT_LOCAL;
	}
	trace( "whoami: \"%s\"", s->authzid );
	if ( strncasecmp( s->authzid, "dn:", 3 ) == 0 && s->authzid[3] != '\0' &&
			!is_auth_dn( s->authzid + 3 ) ) {
		if ( ( s->self = strdup( s->authzid + 3 ) ) == NULL ) {
			complain( "out of memory" );
			return EXIT_LOCAL;
		}
	}
	return EXIT_OK;
}

/* The DN a command works on: the one given, or the bound entry's. */
static int
target_dn( struct session *s, const char *given, const char **dn )
{
	int rc;

	if ( given ) {
		*dn = given;
		return EXIT_OK;
	}
	if ( ( rc = session_whoami( s ) ) != EXIT_OK ) {
		return rc;
	}
	if ( s->self == NULL ) {
		if ( s->authzid[0] == '\0' ) {
			complain( "bound anonymously: give the entry's DN, "
				"or bind as it with -D" );
		} else {
			complain( "bound as \"%s\", which is not an entry: "
				"give the entry's DN", s->authzid );
		}
		return EXIT_USAGE;
	}
	*dn = s->self;
	return EXIT_OK;
}

static int
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

/* ---- LDAP operations --------------------------------------------------- */

/* The entry dn with attrs; on EXIT_OK *res is to be freed, *e in it. */
static int
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
		return EXIT_OPFAIL;
	}
	if ( ( *e = ldap_first_entry( s->ld, *res ) ) == NULL ) {
		complain( "%s: no such entry, or not readable", what );
		ldap_msgfree( *res );
		return EXIT_OPFAIL;
	}
	return EXIT_OK;
}

static int
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

static int
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
static int
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

static void
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

static void
mod_set( LDAPMod *m, int op, const char *attr, struct berval **vals )
{
	m->mod_op = op | LDAP_MOD_BVALUES;
	m->mod_type = (char *)attr;
	m->mod_bvalues = vals;
}

static int
modify( struct session *s, const char *dn, LDAPMod **mods )
{
	char what[64 + 1024];
	int rc;

	trace_modify( dn, mods );
	rc = ldap_modify_ext_s( s->ld, dn, mods, NULL, NULL );
	if ( rc != LDAP_SUCCESS ) {
		snprintf( what, sizeof( what ), "modifying %s", dn );
		ldap_complain( s->ld, what, rc );
		return EXIT_OPFAIL;
	}
	return EXIT_OK;
}

/* ---- create ------------------------------------------------------------ */

static int
parse_create_response( struct berval *resp, char norm[APPPW_PASSWORD_LEN + 1] )
{
	struct berval id = { 0, NULL }, pw = { 0, NULL };
	BerElement *ber;
	ber_len_t len;
	int rc = -1;

	if ( resp == NULL || ( ber = ber_alloc_t( LBER_USE_DER ) ) == NULL ) {
		return -1;
	}
	/* in place, so that wiping resp wipes the only copy */
	ber_init2( ber, resp, LBER_USE_DER );
	if ( ber_scanf( ber, "{" ) != LBER_ERROR &&
			ber_peek_tag( ber, &len ) == APPPW_TAG_ID &&
			ber_scanf( ber, "m", &id ) != LBER_ERROR &&
			ber_peek_tag( ber, &len ) == APPPW_TAG_PASSWORD &&
			ber_scanf( ber, "m", &pw ) != LBER_ERROR &&
			apppw_normalize( pw.bv_val, pw.bv_len, norm ) == 0 &&
			id.bv_len == APPPW_ID_LEN &&
			memcmp( id.bv_val, norm, APPPW_ID_LEN ) == 0 ) {
		rc = 0;
	}
	ber_free( ber, 0 );
	return rc;
}

/* target is sent only when given: the server's default is the bound
 * identity, dn is for the messages. */
static int
create_app_password( struct session *s, const char *dn, const char *target,
	const char *label, const char *expires, const char *scope )
{
	char norm[APPPW_PASSWORD_LEN + 1], shown[APPPW_DISPLAY_LEN + 1];
	struct berval *req = NULL, *resp = NULL;
	char *oid = NULL;
	BerElement *ber;
	int rc;

	if ( ( ber = ber_alloc_t( LBER_USE_DER ) ) == NULL ||
			ber_printf( ber, "{" ) < 0 ||
			( target && ber_printf( ber, "ts", APPPW_TAG_TARGET,
				target ) < 0 ) ||
			ber_printf( ber, "ts", APPPW_TAG_LABEL, label ) < 0 ||
			( *expires && ber_printf( ber, "ts", APPPW_TAG_EXPIRES,
				expires ) < 0 ) ||
			( scope && ber_printf( ber, "ts", APPPW_TAG_SCOPE, scope ) < 0 ) ||
			ber_printf( ber, "}" ) < 0 || ber_flatten( ber, &req ) < 0 ) {
		complain( "cannot encode the request" );
		ber_free( ber, 1 );
		return EXIT_LOCAL;
	}
	ber_free( ber, 1 );

	trace( "extended operation %s (create)%s%s%s label \"%s\"%s%s%s%s",
		APPPW_OID_EXOP_CREATE, target ? " target \"" : "",
		target ? target : "", target ? "\"" : "", label,
		*expires ? " expires " : "",
		expires, scope ? " scope " : "", scope ? scope : "" );
	rc = ldap_extended_operation_s( s->ld, APPPW_OID_EXOP_CREATE, req,
		NULL, NULL, &oid, &resp );
	ber_bvfree( req );
	ldap_memfree( oid );
	if ( rc != LDAP_SUCCESS ) {
		ldap_complain( s->ld, "create", rc );
		rc = EXIT_OPFAIL;
		goto out;
	}
	if ( parse_create_response( resp, norm ) != 0 ) {
		complain( "create: the server's answer is malformed" );
		rc = EXIT_OPFAIL;
		goto out;
	}

	apppw_display( norm, shown );
	printf( "%s\n", shown );
	fflush( stdout );
	say( "\nApp password \"%s\" (id %.*s) created for %s.\n"
		"Copy it now: it will not be shown again.\n"
		"Use it instead of your password in Outlook, Apple Mail, your "
		"phone's mail app\nor any program that cannot ask for a code.\n"
		"Revoke it with: apppw revoke %.*s", label, APPPW_ID_LEN, norm, dn,
		APPPW_ID_LEN, norm );
	rc = EXIT_OK;
out:
	apppw_wipe( norm, sizeof( norm ) );
	apppw_wipe( shown, sizeof( shown ) );
	if ( resp ) {
		apppw_wipe( resp->bv_val, resp->bv_len );
		ber_bvfree( resp );
	}
	return rc;
}

static int
cmd_create( struct session *s, struct args *a )
{
	const char *dn;
	int rc;

	if ( ( rc = target_dn( s, a->dn, &dn ) ) != EXIT_OK ) {
		return rc;
	}
	return create_app_password( s, dn, a->dn, a->label, a->expires,
		a->scope );
}

/* ---- list -------------------------------------------------------------- */

struct row {
	apppw_record	rec;
	time_t		last_used;	/* 0: never */
};

/* apppwLastUsed values are "<id> <GeneralizedTime>". */
static time_t
last_used( struct berval **used, const char *id )
{
	time_t t, latest = 0;
	int i;

	for ( i = 0; used && used[i]; i++ ) {
		if ( used[i]->bv_len > APPPW_ID_LEN + 1 &&
				memcmp( used[i]->bv_val, id, APPPW_ID_LEN ) == 0 &&
				used[i]->bv_val[APPPW_ID_LEN] == ' ' &&
				apppw_time_parse( used[i]->bv_val + APPPW_ID_LEN + 1,
					used[i]->bv_len - APPPW_ID_LEN - 1, &t ) == 0 &&
				t > latest ) {
			latest = t;
		}
	}
	return latest;
}

static int
row_cmp( const void *a, const void *b )
{
	const struct row *x = a, *y = b;

	if ( x->rec.created != y->rec.created ) {
		return x->rec.created < y->rec.created ? -1 : 1;
	}
	return strcmp( x->rec.id, y->rec.id );
}

/* "2026-11-24 18:41Z", or absent when t is 0 */
static const char *
time_shown( time_t t, char out[TIME_SHOWN_LEN], const char *absent )
{
	struct tm tm;

	if ( t == 0 || gmtime_r( &t, &tm ) == NULL ||
			strftime( out, TIME_SHOWN_LEN, "%Y-%m-%d %H:%MZ", &tm ) == 0 ) {
		return absent;
	}
	return out;
}

/* Labels are UTF-8: columns line up by characters, not bytes. */
static size_t
utf8_width( const char *s )
{
	size_t n = 0;

	for ( ; *s; s++ ) {
		if ( ( (unsigned char)*s & 0xc0 ) != 0x80 ) {
			n++;
		}
	}
	return n;
}

#define NCOLS	6

static void
print_table( const struct row *rows, int n )
{
	static const char *head[NCOLS] =
		{ "ID", "LABEL", "CREATED", "LAST-USED", "EXPIRES", "SCOPE" };
	char times[3][TIME_SHOWN_LEN];
	const char *cell[NCOLS];
	size_t width[NCOLS], w;
	int i, c, pass;

	for ( c = 0; c < NCOLS; c++ ) {
		width[c] = strlen( head[c] );
	}
	/* the first pass measures, the second prints */
	for ( pass = 0; pass < 2; pass++ ) {
		for ( i = -1; i < n; i++ ) {
			if ( i < 0 ) {
				memcpy( cell, head, sizeof( cell ) );
			} else {
				cell[0] = rows[i].rec.id;
				cell[1] = rows[i].rec.label;
				cell[2] = time_shown( rows[i].rec.created, times[0], "-" );
				cell[3] = time_shown( rows[i].last_used, times[1], "never" );
				cell[4] = time_shown( rows[i].rec.expires, times[2], "never" );
				cell[5] = rows[i].rec.scope[0] ? rows[i].rec.scope : "-";
			}
			for ( c = 0; c < NCOLS; c++ ) {
				w = utf8_width( cell[c] );
				if ( pass == 0 ) {
					if ( w > width[c] ) {
						width[c] = w;
					}
				} else if ( c < NCOLS - 1 ) {
					printf( "%s%*s", cell[c], (int)( width[c] - w + 2 ), "" );
				} else {
					printf( "%s\n", cell[c] );
				}
			}
		}
	}
}

static void
print_tsv( const struct row *rows, int n )
{
	char created[16], used[16], expires[16];
	int i;

	printf( "id\tlabel\tcreated\tlast_used\texpires\tscope\n" );
	for ( i = 0; i < n; i++ ) {
		apppw_time_format( rows[i].rec.created, created );
		used[0] = expires[0] = '\0';
		if ( rows[i].last_used ) {
			apppw_time_format( rows[i].last_used, used );
		}
		if ( rows[i].rec.expires ) {
			apppw_time_format( rows[i].rec.expires, expires );
		}
		printf( "%s\t%s\t%s\t%s\t%s\t%s\n", rows[i].rec.id,
			rows[i].rec.label, created, used, expires, rows[i].rec.scope );
	}
}

static void
json_string( const char *s )
{
	putchar( '"' );
	for ( ; *s; s++ ) {
		unsigned char c = *s;

		if ( c == '"' || c == '\\' ) {
			printf( "\\%c", c );
		} else if ( c < 0x20 || c == 0x7f ) {
			printf( "\\u%04x", c );
		} else {
			putchar( c );
		}
	}
	putchar( '"' );
}

/* RFC 3339, what JSON consumers parse; null when t is 0 */
static void
json_time( const char *name, time_t t )
{
	char out[sizeof( "2026-11-24T18:41:00Z" )];
	struct tm tm;

	printf( ", \"%s\": ", name );
	if ( t == 0 || gmtime_r( &t, &tm ) == NULL ||
			strftime( out, sizeof( out ), "%Y-%m-%dT%H:%M:%SZ", &tm ) == 0 ) {
		fputs( "null", stdout );
	} else {
		printf( "\"%s\"", out );
	}
}

static void
print_json( const struct row *rows, int n )
{
	int i;

	putchar( '[' );
	for ( i = 0; i < n; i++ ) {
		fputs( i ? ",\n  {\"id\": " : "\n  {\"id\": ", stdout );
		json_string( rows[i].rec.id );
		fputs( ", \"label\": ", stdout );
		json_string( rows[i].rec.label );
		json_time( "created", rows[i].rec.created );
		json_time( "last_used", rows[i].last_used );
		json_time( "expires", rows[i].rec.expires );
		fputs( ", \"scope\": ", stdout );
		if ( rows[i].rec.scope[0] ) {
			json_string( rows[i].rec.scope );
		} else {
			fputs( "null", stdout );
		}
		putchar( '}' );
	}
	fputs( n ? "\n]\n" : "]\n", stdout );
}

static int
cmd_list( struct session *s, struct args *a )
{
	char *attrs[] = { APPPW_AT_PASSWORD, APPPW_AT_LAST_USED, NULL };
	char id[APPPW_ID_LEN + 1];
	struct berval **vals, **used;
	enum apppw_record_error err;
	LDAPMessage *res, *e;
	struct row *rows;
	const char *dn;
	int rc, i, n = 0;

	if ( ( rc = target_dn( s, a->dn, &dn ) ) != EXIT_OK ||
			( rc = read_entry( s, dn, attrs, &res, &e ) ) != EXIT_OK ) {
		return rc;
	}
	vals = ldap_get_values_len( s->ld, e, APPPW_AT_PASSWORD );
	used = ldap_get_values_len( s->ld, e, APPPW_AT_LAST_USED );
	/* none shown is not none there: the ACLs may hide them */
	if ( vals == NULL && attr_present( s, dn, APPPW_AT_PASSWORD ) != 0 ) {
		complain( "%s: not allowed to read its app passwords", dn );
		ldap_value_free_len( used );
		ldap_msgfree( res );
		return EXIT_OPFAIL;
	}
	rows = calloc( ldap_count_values_len( vals ) + 1, sizeof( *rows ) );
	if ( rows == NULL ) {
		complain( "out of memory" );
		rc = EXIT_LOCAL;
		goto out;
	}
	for ( i = 0; vals && vals[i]; i++ ) {
		err = apppw_record_parse( vals[i]->bv_val, vals[i]->bv_len,
			&rows[n].rec );
		if ( err != APPPW_REC_OK ) {
			if ( apppw_record_id( vals[i]->bv_val, vals[i]->bv_len, id ) == 0 ) {
				complain( "skipping app password %s: %s", id,
					apppw_record_strerror( err ) );
			} else {
				complain( "skipping a malformed app password: %s",
					apppw_record_strerror( err ) );
			}
			continue;
		}
		rows[n].last_used = last_used( used, rows[n].rec.id );
		n++;
	}
	qsort( rows, n, sizeof( *rows ), row_cmp );

	switch ( a->format ) {
	case FORMAT_TABLE:
		if ( n == 0 ) {
			say( "%s has no app passwords.", dn );
		} else {
			print_table( rows, n );
		}
		break;
	case FORMAT_TSV:
		print_tsv( rows, n );
		break;
	case FORMAT_JSON:
		print_json( rows, n );
		break;
	}
	if ( fflush( stdout ) != 0 ) {
		complain( "standard output: %s", strerror( errno ) );
		rc = EXIT_LOCAL;
	}
	free( rows );
out:
	ldap_value_free_len( vals );
	ldap_value_free_len( used );
	ldap_msgfree( res );
	return rc;
}

/* ---- revoke ------------------------------------------------------------ */

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

static int
cmd_revoke( struct session *s, struct args *a )
{
	char *attrs[] = { APPPW_AT_PASSWORD, NULL };
	char id[APPPW_ID_LEN + 1];
	struct berval **vals, **del = NULL;
	LDAPMod mod, *mods[] = { &mod, NULL };
	LDAPMessage *res, *e;
	const char *dn;
	int rc, i, j, n = 0, found, missing = 0;

	if ( ( rc = target_dn( s, a->dn, &dn ) ) != EXIT_OK ||
			( rc = read_entry( s, dn, attrs, &res, &e ) ) != EXIT_OK ) {
		return rc;
	}
	vals = ldap_get_values_len( s->ld, e, APPPW_AT_PASSWORD );

	if ( a->all ) {
		/* sent even when none are visible: records we may not read may
		 * still be there, and the server alone knows whether we may
		 * delete them */
		mod_set( &mod, LDAP_MOD_DELETE, APPPW_AT_PASSWORD, NULL );
		trace_modify( dn, mods );
		rc = ldap_modify_ext_s( s->ld, dn, mods, NULL, NULL );
		if ( rc == LDAP_NO_SUCH_ATTRIBUTE ) {
			say( "%s has no app passwords.", dn );
			rc = EXIT_OK;
		} else if ( rc != LDAP_SUCCESS ) {
			char what[64 + 1024];

			snprintf( what, sizeof( what ), "modifying %s", dn );
			ldap_complain( s->ld, what, rc );
			rc = EXIT_OPFAIL;
		} else if ( vals ) {
			n = ldap_count_values_len( vals );
			say( "Revoked %d app password%s of %s.", n, n == 1 ? "" : "s",
				dn );
			rc = EXIT_OK;
		} else {
			say( "Revoked every app password of %s.", dn );
			rc = EXIT_OK;
		}
		goto out;
	}

	del = calloc( ldap_count_values_len( vals ) + 1, sizeof( *del ) );
	if ( del == NULL ) {
		complain( "out of memory" );
		rc = EXIT_LOCAL;
		goto out;
	}
	/* every id must be known before anything is deleted */
	for ( j = 0; j < a->nids; j++ ) {
		found = 0;
		for ( i = 0; vals && vals[i]; i++ ) {
			if ( apppw_record_id( vals[i]->bv_val, vals[i]->bv_len, id ) == 0 &&
					strcmp( id, a->ids[j] ) == 0 ) {
				del[n++] = vals[i];
				found = 1;
			}
		}
		if ( !found ) {
			complain( "%s has no app password with id %s", dn, a->ids[j] );
			missing++;
		}
	}
	if ( missing ) {
		complain( "nothing was revoked" );
		rc = EXIT_OPFAIL;
		goto out;
	}
	mod_set( &mod, LDAP_MOD_DELETE, APPPW_AT_PASSWORD, del );
	if ( ( rc = modify( s, dn, mods ) ) == EXIT_OK ) {
		for ( i = 0; i < n; i++ ) {
			apppw_record_id( del[i]->bv_val, del[i]->bv_len, id );
			say_revoked( del[i], id );
		}
	}
out:
	free( del );
	ldap_value_free_len( vals );
	ldap_msgfree( res );
	return rc;
}

/* ---- mfa status, mfa disable ------------------------------------------- */

static int
cmd_status( struct session *s, struct args *a )
{
	char *attrs[] = { APPPW_AT_MFA, APPPW_AT_PASSWORD, NULL };
	LDAPMessage *res, *e;
	const char *dn;
	int rc, totp, n;

	if ( ( rc = target_dn( s, a->dn, &dn ) ) != EXIT_OK ||
			( rc = read_entry( s, dn, attrs, &res, &e ) ) != EXIT_OK ) {
		return rc;
	}
	totp = attr_present( s, dn, APPPW_AT_TOTP_SECRET );
	printf( "%s\n", dn );
	printf( "  MFA required:   %s\n",
		has_value( s->ld, e, APPPW_AT_MFA, "TRUE" ) ? "yes" : "no" );
	printf( "  TOTP enrolled:  %s\n", totp > 0 ? "yes" : totp == 0 ? "no" :
		"unknown (not readable)" );
	if ( ( n = count_values( s->ld, e, APPPW_AT_PASSWORD ) ) == 0 &&
			attr_present( s, dn, APPPW_AT_PASSWORD ) != 0 ) {
		printf( "  App passwords:  unknown (not readable)\n" );
	} else {
		printf( "  App passwords:  %d\n", n );
	}
	ldap_msgfree( res );
	return EXIT_OK;
}

static int
cmd_disable( struct session *s, struct args *a )
{
	char *attrs[] = { "objectClass", APPPW_AT_MFA, APPPW_AT_PASSWORD, NULL };
	struct berval false_bv = { 5, "FALSE" }, *flag[] = { &false_bv, NULL };
	LDAPMod mod[3], *mods[4];
	LDAPMessage *res, *e;
	const char *dn;
	int rc, n = 0, required, totp, count;

	if ( ( rc = target_dn( s, a->dn, &dn ) ) != EXIT_OK ||
			( rc = read_entry( s, dn, attrs, &res, &e ) ) != EXIT_OK ) {
		return rc;
	}
	required = has_value( s->ld, e, APPPW_AT_MFA, "TRUE" );
	count = count_values( s->ld, e, APPPW_AT_PASSWORD );
	totp = attr_present( s, dn, APPPW_AT_TOTP_SECRET );
	/* a secret without the flag is inert: not worth a modify when
	 * it cannot even be seen */
	if ( !required && totp <= 0 && count == 0 ) {
		complain( "%s does not have MFA enabled: nothing to disable", dn );
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

	if ( ( rc = modify( s, dn, mods ) ) != EXIT_OK ) {
		return rc;
	}
	say( "MFA is no longer required for %s.", dn );
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

/* ---- mfa enroll -------------------------------------------------------- */

/* The domain of a DN's dc= components ("example.org"), an issuer name the
 * person recognises in the authenticator app; NULL if it has none. */
static char *
dn_domain( const char *dn )
{
	LDAPDN ldn = NULL;
	char *out = NULL;
	size_t len = 0;
	int i;

	if ( ldap_str2dn( dn, &ldn, LDAP_DN_FORMAT_LDAP ) != LDAP_SUCCESS ) {
		return NULL;
	}
	for ( i = 0; ldn && ldn[i]; i++ ) {
		LDAPAVA *ava = ldn[i][0];

		if ( ldn[i][1] == NULL && ava->la_attr.bv_len == 2 &&
				strncasecmp( ava->la_attr.bv_val, "dc", 2 ) == 0 ) {
			char *p = realloc( out, len + ava->la_value.bv_len + 2 );

			if ( p == NULL ) {
				free( out );
				out = NULL;
				break;
			}
			out = p;
			if ( len ) {
				out[len++] = '.';
			}
			memcpy( out + len, ava->la_value.bv_val, ava->la_value.bv_len );
			len += ava->la_value.bv_len;
			out[len] = '\0';
		}
	}
	ldap_dnfree( ldn );
	return out;
}

/* The account name shown in the app: the mail address, else the value of
 * the DN's first RDN. */
static char *
account_name( LDAP *ld, LDAPMessage *e, const char *dn )
{
	struct berval **mail = ldap_get_values_len( ld, e, "mail" );
	LDAPDN ldn = NULL;
	char *out = NULL;

	if ( mail ) {
		out = strndup( mail[0]->bv_val, mail[0]->bv_len );
		ldap_value_free_len( mail );
		return out;
	}
	if ( ldap_str2dn( dn, &ldn, LDAP_DN_FORMAT_LDAP ) == LDAP_SUCCESS &&
			ldn && ldn[0] ) {
		out = strndup( ldn[0][0]->la_value.bv_val,
			ldn[0][0]->la_value.bv_len );
	}
	ldap_dnfree( ldn );
	return out ? out : strdup( dn );
}

/* Percent-encoding for the otpauth:// label and issuer. */
static int
uri_escape( char *out, size_t size, const char *s )
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = 0;

	for ( ; *s; s++ ) {
		unsigned char c = *s;

		if ( n + 4 > size ) {
			return -1;
		}
		if ( isalnum( c ) || strchr( "-._~@", c ) ) {
			out[n++] = c;
		} else {
			out[n++] = '%';
			out[n++] = hex[c >> 4];
			out[n++] = hex[c & 15];
		}
	}
	out[n] = '\0';
	return 0;
}

static int
qr_dark( const QRcode *qr, int x, int y )
{
	x -= QR_QUIET;
	y -= QR_QUIET;
	if ( x < 0 || y < 0 || x >= qr->width || y >= qr->width ) {
		return 0;
	}
	return qr->data[y * qr->width + x] & 1;
}

/* Two rows of modules per line of text, in half blocks. The light modules
 * are what is drawn, in white on black: forcing both colours makes the
 * code scan the same under light and dark terminal themes. */
static void
draw_qr( FILE *out, const QRcode *qr )
{
	static const char *cell[4] = { " ", "\xe2\x96\x84", "\xe2\x96\x80",
		"\xe2\x96\x88" };	/* none, lower, upper, both light */
	int n = qr->width + 2 * QR_QUIET, x, y, top, bottom;

	for ( y = 0; y < n; y += 2 ) {
		fputs( "  \033[40;97m", out );
		for ( x = 0; x < n; x++ ) {
			top = !qr_dark( qr, x, y );
			bottom = y + 1 < n && !qr_dark( qr, x, y + 1 );
			fputs( cell[top << 1 | bottom], out );
		}
		fputs( "\033[0m\n", out );
	}
}

/* The secret for an app that cannot scan: groups of four, typed easily. */
static void
print_grouped( FILE *out, const char *secret )
{
	size_t i;

	for ( i = 0; secret[i]; i++ ) {
		if ( i && i % 4 == 0 ) {
			fputc( ' ', out );
		}
		fputc( secret[i], out );
	}
}

static int
show_secret( const struct enrolment *en, const char *issuer,
	const char *account, int qr_wanted )
{
	char uri[2048], eissuer[512], eaccount[1024];
	QRcode *qr = NULL;
	int len;

	if ( uri_escape( eissuer, sizeof( eissuer ), issuer ) != 0 ||
			uri_escape( eaccount, sizeof( eaccount ), account ) != 0 ) {
		complain( "the issuer or account name is too long" );
		return EXIT_USAGE;
	}
	len = snprintf( uri, sizeof( uri ), "otpauth://totp/%s:%s?secret=%s"
		"&issuer=%s&algorithm=SHA1&digits=%u&period=%u", eissuer, eaccount,
		en->secret, eissuer, en->digits, en->period );
	if ( len < 0 || (size_t)len >= sizeof( uri ) ) {
		complain( "the issuer or account name is too long" );
		return EXIT_USAGE;
	}

	say( "Add this account to your authenticator app (FreeOTP, Aegis, Google or\n"
		"Microsoft Authenticator...): scan the QR code, or enter the key by hand.\n" );
	if ( qr_wanted ) {
		qr = QRcode_encodeString( uri, 0, QR_ECLEVEL_M, QR_MODE_8, 1 );
		if ( qr == NULL ) {
			complain( "cannot draw the QR code: %s", strerror( errno ) );
		} else {
			draw_qr( stderr, qr );
			fputc( '\n', stderr );
			apppw_wipe( qr->data, (size_t)qr->width * qr->width );
			QRcode_free( qr );
		}
	}
	fprintf( stderr, "  %s\n\n  Key:  ", uri );
	print_grouped( stderr, en->secret );
	fprintf( stderr, "\n        (%s:%s, time-based, SHA1, %u digits, every %u "
		"seconds)\n\n", issuer, account, en->digits, en->period );
	fflush( stderr );
	apppw_wipe( uri, sizeof( uri ) );
	return EXIT_OK;
}

/* O_EXCL: a secret is never written through a link or over a file the
 * person did not mean to give away. */
static int
write_secret_file( const char *path, const char *secret )
{
	char line[TOTP_B32_MAX + 1];
	size_t len = strlen( secret );
	int fd, ok;

	fd = open( path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600 );
	if ( fd < 0 ) {
		complain( "%s: %s", path, strerror( errno ) );
		return EXIT_LOCAL;
	}
	memcpy( line, secret, len );
	line[len++] = '\n';
	ok = write( fd, line, len ) == (ssize_t)len;
	apppw_wipe( line, sizeof( line ) );
	if ( close( fd ) != 0 || !ok ) {
		complain( "%s: %s", path, strerror( errno ) );
		unlink( path );
		return EXIT_LOCAL;
	}
	trace( "wrote the TOTP secret to %s", path );
	return EXIT_OK;
}

/* Check a code as typed (spaces allowed) for a time step newer than
 * after. 0; -1 wrong; -2 not a code at all. */
static int
check_code( struct enrolment *en, const char *in, int64_t after )
{
	char code[APPPW_TOTP_DIGITS_MAX + 1];
	size_t n = 0;
	int rc = -2;

	for ( ; *in; in++ ) {
		if ( *in == ' ' ) {
			continue;
		}
		if ( !isdigit( (unsigned char)*in ) || n == en->digits ) {
			goto out;
		}
		code[n++] = *in;
	}
	if ( n != en->digits ) {
		goto out;
	}
	code[n] = '\0';
	rc = -1;
	if ( apppw_totp_check( en->secret, strlen( en->secret ), code, n,
			time( NULL ), en->period, en->digits, 1, after, &en->step ) == 0 ) {
		memcpy( en->code, code, n + 1 );
		rc = 0;
	}
out:
	apppw_wipe( code, sizeof( code ) );
	return rc;
}

/* A code from the terminal, with room for a typo. 0, EXIT_OPFAIL when
 * every try was wrong, EXIT_LOCAL without a terminal. */
static int
ask_code( struct enrolment *en, const char *prompt, int64_t after )
{
	char line[64];
	size_t len;
	int tries, rc;

	for ( tries = 0; tries < CODE_TRIES; tries++ ) {
		if ( ( rc = tty_ask( prompt, line, sizeof( line ), &len, 1 ) ) ) {
			return rc;
		}
		rc = check_code( en, line, after );
		apppw_wipe( line, sizeof( line ) );
		if ( rc == 0 ) {
			return EXIT_OK;
		}
		if ( rc == -2 ) {
			say( "That is not a %u-digit code.", en->digits );
		} else {
			say( "That code is wrong. Check that the phone's clock is right, "
				"and wait for the next code." );
		}
	}
	return EXIT_OPFAIL;
}

/* --code: given, or "-" for a line on stdin, so that a script can compute
 * it from the secret file this run writes. */
static int
given_code( struct enrolment *en, const char *code )
{
	char line[64];
	const char *why;
	size_t len;
	int rc;

	if ( strcmp( code, "-" ) == 0 ) {
		if ( read_line( STDIN_FILENO, line, sizeof( line ), &len, &why ) ) {
			complain( "reading the code from standard input: %s", why );
			return EXIT_LOCAL;
		}
		code = line;
	}
	rc = check_code( en, code, -1 );
	apppw_wipe( line, sizeof( line ) );
	if ( rc == -2 ) {
		complain( "that is not a %u-digit code", en->digits );
	}
	return rc == 0 ? EXIT_OK : EXIT_OPFAIL;
}

/* Step 5: the label of the first app password, or NULL for none. */
static int
ask_label( char *buf, size_t size )
{
	size_t len;
	int tries, rc;

	if ( ( rc = tty_ask( "Create an app password now, for a program that cannot "
			"ask for a code\n(Outlook, Apple Mail, your phone's mail app)? "
			"[Y/n] ", buf, size, &len, 1 ) ) ) {
		return rc;
	}
	if ( buf[0] == 'n' || buf[0] == 'N' ) {
		buf[0] = '\0';
		return EXIT_OK;
	}
	for ( tries = 0; tries < CODE_TRIES; tries++ ) {
		if ( ( rc = tty_ask( "Name it after the app or device "
				"(e.g. \"Outlook on my laptop\"): ", buf, size, &len, 1 ) ) ) {
			return rc;
		}
		if ( apppw_label_check( buf, len ) == APPPW_REC_OK ) {
			return EXIT_OK;
		}
		say( "A label is 1 to %d characters, without control characters "
			"or spaces at either end.", APPPW_LABEL_MAX );
	}
	return EXIT_OPFAIL;
}

/* The server lets you create an app password for yourself only in a
 * session that proved the password and a code: rebind with the password
 * and the code just checked, which the server has not seen yet. */
static int
rebind_with_code( struct session *s, struct enrolment *en, int interactive )
{
	char cred[PASSWD_MAX + APPPW_TOTP_DIGITS_MAX];
	int rc;

	/* the server accepts one step either side; leave a few seconds */
	if ( (int64_t)( ( time( NULL ) + 5 ) / en->period ) - 1 > en->step ) {
		if ( !interactive ) {
			complain( "the code has expired" );
			return EXIT_OPFAIL;
		}
		if ( ( rc = ask_code( en, "That code has expired. The next code from "
				"your authenticator app: ", en->step ) ) ) {
			return rc;
		}
	}
	memcpy( cred, s->passwd, s->passwdlen );
	memcpy( cred + s->passwdlen, en->code, en->digits );
	trace( "bind again, with the password followed by the code" );
	rc = simple_bind( s, s->binddn, cred, s->passwdlen + en->digits );
	apppw_wipe( cred, sizeof( cred ) );
	if ( rc != LDAP_SUCCESS ) {
		ldap_complain( s->ld, "bind with the password and the code", rc );
		return EXIT_OPFAIL;
	}
	return EXIT_OK;
}

static int
first_app_password( struct session *s, struct args *a, struct enrolment *en,
	const char *dn, int was_required )
{
	char label[APPPW_LABEL_MAX_BYTES + 1];
	int interactive = a->code == NULL, rc;

	if ( a->no_app_password ) {
		return EXIT_OK;
	}
	if ( s->mech || !s->have_passwd || !s->binddn ||
			( rc = session_whoami( s ) ) != EXIT_OK || s->self == NULL ||
			!dn_equal( s->self, dn ) ) {
		say( "\nNo app password was created: that needs a simple bind as "
			"%s\nwith its password. Create one with: apppw create "
			"--label LABEL %s", dn, dn );
		return EXIT_OK;
	}
	if ( a->app_label ) {
		snprintf( label, sizeof( label ), "%s", a->app_label );
	} else if ( !interactive ) {
		say( "\nPrograms that cannot ask for a code need an app password: "
			"apppw create --label LABEL" );
		return EXIT_OK;
	} else if ( ( rc = ask_label( label, sizeof( label ) ) ) != EXIT_OK ) {
		return rc;
	} else if ( label[0] == '\0' ) {
		say( "Create one later with: apppw create --label LABEL" );
		return EXIT_OK;
	}
	/* already MFA-required: this session was opened with a code already */
	if ( !was_required &&
			( rc = rebind_with_code( s, en, interactive ) ) != EXIT_OK ) {
		say( "MFA is on, but no app password was created. Create one with: "
			"apppw create --label LABEL" );
		return rc;
	}
	return create_app_password( s, dn, NULL, label, "", NULL );
}

static int
cmd_enroll( struct session *s, struct args *a )
{
	char *attrs[] = { "objectClass", APPPW_AT_MFA, "mail", NULL };
	struct berval secret_bv, true_bv = { 4, "TRUE" }, oc_bv = { 0, NULL };
	struct berval *secret_vals[] = { &secret_bv, NULL },
		*flag[] = { &true_bv, NULL }, *oc[] = { &oc_bv, NULL };
	struct enrolment en;
	LDAPMod mod[3], *mods[4];
	LDAPMessage *res = NULL, *e;
	char *issuer = NULL, *account = NULL;
	const char *dn;
	int rc, n = 0, was_required, file_written = 0;

	memset( &en, 0, sizeof( en ) );
	en.digits = a->digits;
	en.period = a->period;
	if ( ( rc = target_dn( s, a->dn, &dn ) ) != EXIT_OK ||
			( rc = read_entry( s, dn, attrs, &res, &e ) ) != EXIT_OK ) {
		return rc;
	}
	was_required = has_value( s->ld, e, APPPW_AT_MFA, "TRUE" );
	if ( attr_present( s, dn, APPPW_AT_TOTP_SECRET ) > 0 ) {
		say( "%s already has a TOTP secret: enrolling replaces it, and the "
			"app's old entry\nfor it stops working.\n", dn );
	}
	issuer = a->issuer ? strdup( a->issuer ) : dn_domain( dn );
	if ( issuer == NULL ) {
		issuer = strdup( "LDAP" );
	}
	account = account_name( s->ld, e, dn );
	if ( issuer == NULL || account == NULL ) {
		complain( "out of memory" );
		rc = EXIT_LOCAL;
		goto out;
	}
	if ( apppw_totp_new( en.secret, sizeof( en.secret ) ) != 0 ) {
		complain( "cannot generate a TOTP secret" );
		rc = EXIT_LOCAL;
		goto out;
	}

	/* steps 2 and 3: give the secret to the app */
	if ( a->secret_file ) {
		if ( ( rc = write_secret_file( a->secret_file, en.secret ) ) ) {
			goto out;
		}
		file_written = 1;
	} else if ( ( rc = show_secret( &en, issuer, account,
			!a->no_qr && isatty( STDERR_FILENO ) ) ) ) {
		goto out;
	}

	/* step 4: prove the app has it, before anything is stored */
	if ( a->code ) {
		rc = given_code( &en, a->code );
	} else {
		rc = ask_code( &en, "Code from your authenticator app: ", -1 );
	}
	if ( rc != EXIT_OK ) {
		if ( rc == EXIT_OPFAIL ) {
			complain( "wrong code: nothing was changed" );
		} else if ( !a->code ) {
			complain( "without a terminal, give --secret-file and --code" );
		}
		goto out;
	}

	if ( !has_value( s->ld, e, "objectClass", APPPW_OC_USER ) ) {
		oc_bv.bv_val = APPPW_OC_USER;
		oc_bv.bv_len = strlen( APPPW_OC_USER );
		mod_set( &mod[n], LDAP_MOD_ADD, "objectClass", oc );
		mods[n] = &mod[n];
		n++;
	}
	secret_bv.bv_val = en.secret;
	secret_bv.bv_len = strlen( en.secret );
	mod_set( &mod[n], LDAP_MOD_REPLACE, APPPW_AT_TOTP_SECRET, secret_vals );
	mods[n] = &mod[n];
	n++;
	mod_set( &mod[n], LDAP_MOD_REPLACE, APPPW_AT_MFA, flag );
	mods[n] = &mod[n];
	mods[++n] = NULL;
	if ( ( rc = modify( s, dn, mods ) ) != EXIT_OK ) {
		goto out;
	}
	file_written = 0;
	say( "\nMFA is now required for %s.\n"
		"From now on, sign in with your password immediately followed by the "
		"current\ncode from the app: for the password \"password\" and the code "
		"123456, type\n\"password123456\".", dn );

	/* step 5 */
	rc = first_app_password( s, a, &en, dn, was_required );
out:
	if ( file_written ) {
		unlink( a->secret_file );
	}
	apppw_wipe( &en, sizeof( en ) );
	free( issuer );
	free( account );
	ldap_msgfree( res );
	return rc;
}

/* ---- arguments --------------------------------------------------------- */

/* getopt_long over a command's own arguments; argv[0] is the command. */
static int
next_option( int argc, char **argv, const struct option *longopts )
{
	int c = getopt_long( argc, argv, ":", longopts, NULL );

	if ( c == ':' ) {
		usage_error( "%s needs a value", argv[optind - 1] );
	}
	if ( c == '?' ) {
		if ( optopt ) {
			usage_error( "unknown option -%c", optopt );
		}
		usage_error( "unknown option %s", argv[optind - 1] );
	}
	return c;
}

/* The optional DN after a command's options. */
static void
take_dn( struct args *a, int argc, char **argv )
{
	if ( optind < argc ) {
		a->dn = argv[optind++];
	}
	if ( optind < argc ) {
		usage_error( "%s: unexpected argument %s", argv[0], argv[optind] );
	}
}

static unsigned
number( const char *s, const char *what, unsigned min, unsigned max )
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul( s, &end, 10 );
	if ( !isdigit( (unsigned char)*s ) || *end || errno || v < min || v > max ) {
		usage_error( "%s must be a number from %u to %u", what, min, max );
	}
	return v;
}

/* WHEN: GeneralizedTime, a date (its last second, UTC), or a duration
 * from now. 0 or -1. */
static int
parse_when( const char *s, time_t now, time_t *t )
{
	struct tm tm, check;
	unsigned long n, unit;
	char *end;

	if ( apppw_time_parse( s, strlen( s ), t ) == 0 ) {
		return 0;
	}
	memset( &tm, 0, sizeof( tm ) );
	end = strptime( s, "%Y-%m-%d", &tm );
	if ( end && *end == '\0' && strlen( s ) == 10 ) {
		tm.tm_hour = 23;
		tm.tm_min = 59;
		tm.tm_sec = 59;
		check = tm;
		*t = timegm( &tm );
		/* timegm() rolls 2027-02-30 into March: refuse it */
		return *t != -1 && tm.tm_mday == check.tm_mday &&
			tm.tm_mon == check.tm_mon ? 0 : -1;
	}
	errno = 0;
	n = strtoul( s, &end, 10 );
	if ( !isdigit( (unsigned char)*s ) || errno || n == 0 || end[0] == '\0' ||
			end[1] != '\0' ) {
		return -1;
	}
	switch ( *end ) {
	case 'h':
		unit = 3600;
		break;
	case 'd':
		unit = 86400;
		break;
	case 'w':
		unit = 7 * 86400;
		break;
	default:
		return -1;
	}
	/* a hundred years is longer than any app password needs */
	if ( n > 100UL * 366 * 86400 / unit ) {
		return -1;
	}
	*t = now + (time_t)( n * unit );
	return 0;
}

static void
parse_create( struct args *a, int argc, char **argv )
{
	static const struct option opts[] = {
		{ "label", required_argument, NULL, 'l' },
		{ "expires", required_argument, NULL, 'e' },
		{ "scope", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	const char *when = NULL;
	time_t now = time( NULL ), t;
	int c;

	while ( ( c = next_option( argc, argv, opts ) ) != -1 ) {
		switch ( c ) {
		case 'l':
			a->label = optarg;
			break;
		case 'e':
			when = optarg;
			break;
		case 's':
			a->scope = optarg;
			break;
		}
	}
	take_dn( a, argc, argv );
	if ( a->label == NULL ) {
		usage_error( "create needs --label, naming the app or device" );
	}
	if ( apppw_label_check( a->label, strlen( a->label ) ) != APPPW_REC_OK ) {
		usage_error( "the label must be 1 to %d characters of UTF-8 text, "
			"without control characters or spaces at either end",
			APPPW_LABEL_MAX );
	}
	if ( a->scope &&
			apppw_scope_check( a->scope, strlen( a->scope ) ) != APPPW_REC_OK ) {
		usage_error( "a scope name is 1 to %d of a-z, 0-9, _ and -, starting "
			"with a letter", APPPW_SCOPE_MAX );
	}
	if ( when ) {
		if ( parse_when( when, now, &t ) != 0 ) {
			usage_error( "--expires %s: give 20271231235959Z, 2027-12-31, "
				"or a number of hours, days or weeks: 12h, 90d, 4w", when );
		}
		if ( t <= now ) {
			usage_error( "--expires %s is in the past", when );
		}
		apppw_time_format( t, a->expires );
		if ( a->expires[0] == '\0' ) {
			usage_error( "--expires %s is too far away", when );
		}
	}
}

static void
parse_list( struct args *a, int argc, char **argv )
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	while ( ( c = next_option( argc, argv, opts ) ) != -1 ) {
		if ( strcmp( optarg, "table" ) == 0 ) {
			a->format = FORMAT_TABLE;
		} else if ( strcmp( optarg, "tsv" ) == 0 ) {
			a->format = FORMAT_TSV;
		} else if ( strcmp( optarg, "json" ) == 0 ) {
			a->format = FORMAT_JSON;
		} else {
			usage_error( "--format is table, tsv or json" );
		}
	}
	take_dn( a, argc, argv );
}

/* IDs and at most one DN, told apart by the DN's '=' or ','. */
static void
parse_revoke( struct args *a, int argc, char **argv )
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 }
	};
	char id[APPPW_ID_LEN + 1];
	size_t i;
	int c, j;

	while ( ( c = next_option( argc, argv, opts ) ) != -1 ) {
		a->all = 1;
	}
	a->ids = calloc( argc, sizeof( *a->ids ) );
	if ( a->ids == NULL ) {
		complain( "out of memory" );
		exit( EXIT_LOCAL );
	}
	for ( ; optind < argc; optind++ ) {
		const char *arg = argv[optind];

		/* ids are shown in lower case; accept them as typed */
		for ( i = 0; i < APPPW_ID_LEN && arg[i]; i++ ) {
			id[i] = tolower( (unsigned char)arg[i] );
		}
		id[i] = '\0';
		if ( strlen( arg ) == APPPW_ID_LEN && apppw_id_valid( id, i ) ) {
			for ( j = 0; j < a->nids && strcmp( a->ids[j], id ); j++ )
				;
			if ( j == a->nids ) {
				memcpy( a->ids[a->nids++], id, sizeof( id ) );
			}
		} else if ( strpbrk( arg, "=," ) ) {
			if ( a->dn ) {
				usage_error( "revoke: two DNs, %s and %s", a->dn, arg );
			}
			a->dn = arg;
		} else {
			usage_error( "revoke: %s is neither an app password id "
				"(see apppw list) nor a DN", arg );
		}
	}
	if ( a->all && a->nids ) {
		usage_error( "revoke: give ids or --all, not both" );
	}
	if ( !a->all && a->nids == 0 ) {
		usage_error( "revoke needs the ids to revoke, or --all" );
	}
}

static void
parse_enroll( struct args *a, int argc, char **argv )
{
	static const struct option opts[] = {
		{ "code", required_argument, NULL, 'c' },
		{ "secret-file", required_argument, NULL, 'f' },
		{ "no-qr", no_argument, NULL, 'q' },
		{ "issuer", required_argument, NULL, 'i' },
		{ "digits", required_argument, NULL, 'd' },
		{ "period", required_argument, NULL, 'p' },
		{ "app-password", required_argument, NULL, 'a' },
		{ "no-app-password", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	while ( ( c = next_option( argc, argv, opts ) ) != -1 ) {
		switch ( c ) {
		case 'c':
			a->code = optarg;
			break;
		case 'f':
			a->secret_file = optarg;
			break;
		case 'q':
			a->no_qr = 1;
			break;
		case 'i':
			a->issuer = optarg;
			break;
		case 'd':
			a->digits = number( optarg, "--digits",
				APPPW_TOTP_DIGITS_MIN, APPPW_TOTP_DIGITS_MAX );
			break;
		case 'p':
			a->period = number( optarg, "--period", 1, 300 );
			break;
		case 'a':
			a->app_label = optarg;
			break;
		case 'n':
			a->no_app_password = 1;
			break;
		}
	}
	take_dn( a, argc, argv );
	if ( a->app_label && a->no_app_password ) {
		usage_error( "give --app-password or --no-app-password, not both" );
	}
	if ( a->app_label && apppw_label_check( a->app_label,
			strlen( a->app_label ) ) != APPPW_REC_OK ) {
		usage_error( "the label must be 1 to %d characters of UTF-8 text, "
			"without control characters or spaces at either end",
			APPPW_LABEL_MAX );
	}
	if ( a->issuer && ( a->issuer[0] == '\0' || strchr( a->issuer, ':' ) ) ) {
		usage_error( "--issuer must be non-empty and without ':'" );
	}
}

static void
parse_dn_only( struct args *a, int argc, char **argv )
{
	static const struct option opts[] = { { NULL, 0, NULL, 0 } };

	while ( next_option( argc, argv, opts ) != -1 )
		;
	take_dn( a, argc, argv );
}

static const struct command {
	const char	*word;
	const char	*subword;	/* "mfa enroll" */
	void		(*parse)( struct args *, int, char ** );
	int		(*run)( struct session *, struct args * );
} commands[] = {
	{ "create",	NULL,		parse_create,	cmd_create },
	{ "list",	NULL,		parse_list,	cmd_list },
	{ "revoke",	NULL,		parse_revoke,	cmd_revoke },
	{ "mfa",	"enroll",	parse_enroll,	cmd_enroll },
	{ "mfa",	"status",	parse_dn_only,	cmd_status },
	{ "mfa",	"disable",	parse_dn_only,	cmd_disable },
	{ NULL, NULL, NULL, NULL }
};

/* The command named at argv[0], its arguments parsed into a. */
static const struct command *
parse_command( struct args *a, int argc, char **argv )
{
	const struct command *c;
	int skip;

	if ( argc == 0 ) {
		usage_error( "no command given" );
	}
	for ( c = commands; c->word; c++ ) {
		if ( strcmp( argv[0], c->word ) != 0 ) {
			continue;
		}
		if ( c->subword && ( argc < 2 || strcmp( argv[1], c->subword ) ) ) {
			continue;
		}
		skip = c->subword ? 1 : 0;
		optind = 0;	/* glibc: start afresh, permutation included */
		c->parse( a, argc - skip, argv + skip );
		return c;
	}
	if ( strcmp( argv[0], "mfa" ) == 0 ) {
		usage_error( "mfa is followed by enroll, status or disable" );
	}
	usage_error( "unknown command %s", argv[0] );
	return NULL;
}

/* The global options; returns the index of the command word. */
static int
parse_options( struct session *s, int argc, char **argv, const char **pwfile,
	int *prompt )
{
	int c, sources = 0;
	size_t len;

	while ( ( c = getopt( argc, argv, "+:H:D:w:Wy:xY:Zvh" ) ) != -1 ) {
		switch ( c ) {
		case 'H':
			s->uri = optarg;
			break;
		case 'D':
			s->binddn = optarg;
			break;
		case 'w':
			len = strlen( optarg );
			if ( len >= sizeof( s->passwd ) ) {
				usage_error( "-w: the password is too long" );
			}
			memcpy( s->passwd, optarg, len + 1 );
			s->passwdlen = len;
			s->have_passwd = 1;
			/* out of ps(1)'s sight */
			memset( optarg, '*', len );
			sources++;
			break;
		case 'W':
			*prompt = 1;
			sources++;
			break;
		case 'y':
			*pwfile = optarg;
			sources++;
			break;
		case 'x':
			s->simple = 1;
			break;
		case 'Y':
			s->mech = optarg;
			break;
		case 'Z':
			s->starttls++;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'h':
			usage();
			break;
		case ':':
			usage_error( "-%c needs a value", optopt );
			break;
		default:
			usage_error( "unknown option -%c", optopt );
		}
	}
	if ( sources > 1 ) {
		usage_error( "give one of -w, -W and -y" );
	}
	if ( s->simple && s->mech ) {
		usage_error( "give -x or -Y, not both" );
	}
	if ( s->starttls > 2 ) {
		usage_error( "-Z is given once or twice" );
	}
	if ( sources && !s->binddn && !s->mech ) {
		usage_error( "a password (-w, -W, -y) needs -D, or -Y" );
	}
	/* a DN without a password would be an unauthenticated bind, which
	 * servers refuse: ask for the password instead */
	if ( !sources && s->binddn && !s->mech ) {
		*prompt = 1;
	}
	return optind;
}

int
main( int argc, char *argv[] )
{
	static struct session s;
	struct args a;
	const struct command *cmd;
	const char *pwfile = NULL;
	char prompt[64 + 1024];
	size_t len = 0;
	int first, ask = 0, rc;

	memset( &a, 0, sizeof( a ) );
	a.digits = 6;
	a.period = 30;
	first = parse_options( &s, argc, argv, &pwfile, &ask );
	cmd = parse_command( &a, argc - first, argv + first );

	if ( apppw_secret_init() != 0 || apppw_totp_init() != 0 ) {
		complain( "cannot initialise libsodium or liboath" );
		return EXIT_LOCAL;
	}
	if ( pwfile ) {
		rc = read_password_file( &s, pwfile );
	} else if ( ask ) {
		if ( s.binddn ) {
			snprintf( prompt, sizeof( prompt ), "Password for %s: ",
				s.binddn );
		} else {
			snprintf( prompt, sizeof( prompt ), "SASL password: " );
		}
		if ( ( rc = tty_ask( prompt, s.passwd, sizeof( s.passwd ), &len,
				0 ) ) != EXIT_OK ) {
			complain( "without a terminal, give the password with -y" );
		}
		s.passwdlen = len;
		s.have_passwd = rc == EXIT_OK;
	} else {
		rc = EXIT_OK;
	}
	if ( rc == EXIT_OK && ( rc = session_open( &s ) ) == EXIT_OK ) {
		rc = cmd->run( &s, &a );
	}
	session_close( &s );
	free( a.ids );
	return rc;
}
