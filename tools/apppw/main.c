/* main.c - apppw: app passwords and TOTP enrolment for the apppw overlay
 *
 * One LDAP client for the whole self-service flow (sign in, set up an
 * authenticator app, verify a code, receive an app password) and for what
 * an administrator does with app passwords. See apppw(1).
 *
 * This file reads the options, those of the connection wherever they
 * stand, hands the rest to the command named, connects, binds, finds the
 * entry the command works on, and runs the command.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apppw.h"
#include "apppw_secret.h"
#include "apppw_totp.h"

static const char usage_text[] =
"usage: apppw [-vxZ[Z]] [-H URI] [-D binddn] [-w passwd | -W | -y file]\n"
"             [-Y mech] command [args]\n"
"       apppw help | -h | --help\n"
"\n"
"commands:\n"
"  create --label LABEL [--expires WHEN] [--scope NAME] [DN]\n"
"  list [--format table|tsv|json] [DN]\n"
"  scopes [--format table|tsv|json] [DN]\n"
"  revoke ID... [DN]\n"
"  revoke --all [DN]\n"
"  mfa enroll [--code CODE] [--secret-file FILE] [--no-qr] [--issuer NAME]\n"
"             [--digits N] [--period SECONDS]\n"
"             [--app-password LABEL | --no-app-password] [DN]\n"
"  mfa status [DN]\n"
"  mfa recovery [DN]\n"
"  mfa disable [DN]\n"
"\n"
"  DN defaults to the bound identity.\n"
"  WHEN is 20271231235959Z, 2027-12-31 (end of that day, UTC), or 12h, 90d, 4w\n"
"  from now. CODE \"-\" reads the code from standard input.\n"
"\n"
"options, before the command or among its arguments:\n"
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

/* the connection options, taken by main() and next_option() alike */
#define CONNECTION_OPTIONS	"H:D:w:Wy:xY:Zvh"

static struct session session;
static const char *pwfile;
static int sources;		/* how many of -w, -W, -y */
static int prompt;		/* ask for the password */

/* Asked for, the usage is the output. */
static void
help( void )
{
	fputs( usage_text, stdout );
	exit( fflush( stdout ) == 0 ? EXIT_OK : EXIT_LOCAL );
}

/* getopt's ':' (a value missing) or '?' (an unknown option), at argv[optind - 1] */
static void
option_error( int c, char **argv )
{
	const char *arg = argv[optind - 1];

	if ( c == ':' ) {
		if ( strncmp( arg, "--", 2 ) == 0 ) {
			usage_error( "%s needs a value", arg );
		}
		usage_error( "-%c needs a value", optopt );
	}
	if ( optopt ) {
		usage_error( "unknown option -%c", optopt );
	}
	usage_error( "unknown option %s", arg );
}

static int
is_connection_option( int c )
{
	return c > 0 && c < OPT_COMMAND && c != ':' &&
		strchr( CONNECTION_OPTIONS, c ) != NULL;
}

static void
connection_option( int c, char *arg )
{
	size_t len;

	switch ( c ) {
	case 'H':
		session.uri = arg;
		break;
	case 'D':
		session.binddn = arg;
		break;
	case 'w':
		len = strlen( arg );
		if ( len >= sizeof( session.passwd ) ) {
			usage_error( "-w: the password is too long" );
		}
		memcpy( session.passwd, arg, len + 1 );
		session.passwdlen = len;
		session.have_passwd = 1;
		/* out of ps(1)'s sight */
		memset( arg, '*', len );
		sources++;
		break;
	case 'W':
		prompt = 1;
		sources++;
		break;
	case 'y':
		pwfile = arg;
		sources++;
		break;
	case 'x':
		session.simple = 1;
		break;
	case 'Y':
		session.mech = arg;
		break;
	case 'Z':
		session.starttls++;
		break;
	case 'v':
		verbose = 1;
		break;
	case 'h':
		help();
	}
}

/* Once every option is read, whether they go together. */
static void
check_connection_options( void )
{
	if ( sources > 1 ) {
		usage_error( "give one of -w, -W and -y" );
	}
	if ( session.simple && session.mech ) {
		usage_error( "give -x or -Y, not both" );
	}
	if ( session.starttls > 2 ) {
		usage_error( "-Z is given once or twice" );
	}
	if ( sources && !session.binddn && !session.mech ) {
		usage_error( "a password (-w, -W, -y) needs -D, or -Y" );
	}
	/* a DN without a password would be an unauthenticated bind, which
	 * servers refuse: ask for the password instead */
	if ( !sources && session.binddn && !session.mech ) {
		prompt = 1;
	}
}

/* A command's long options and --help, made once per command. */
static const struct option *
with_help( const struct option *longopts )
{
	static const struct option *made_for;
	static struct option *all;
	size_t n;

	if ( made_for != longopts ) {
		for ( n = 0; longopts[n].name; n++ )
			;
		all = xrealloc( all, ( n + 2 ) * sizeof( *all ) );
		memcpy( all, longopts, n * sizeof( *all ) );
		all[n] = (struct option){ "help", no_argument, NULL, 'h' };
		all[n + 1] = (struct option){ NULL, 0, NULL, 0 };
		made_for = longopts;
	}
	return all;
}

int
next_option( int argc, char **argv, const struct option *longopts )
{
	int c;

	while ( ( c = getopt_long( argc, argv, ":" CONNECTION_OPTIONS,
			with_help( longopts ), NULL ) ) != -1 ) {
		if ( c == ':' || c == '?' ) {
			option_error( c, argv );
		}
		if ( !is_connection_option( c ) ) {
			return c;
		}
		connection_option( c, optarg );
	}
	return -1;
}

void
take_dn( int argc, char **argv, const char **dn )
{
	if ( optind < argc ) {
		*dn = argv[optind++];
	}
	if ( optind < argc ) {
		usage_error( "%s: unexpected argument %s", argv[0], argv[optind] );
	}
}

void
parse_dn_only( int argc, char **argv, const char **dn )
{
	static const struct option opts[] = { { NULL, 0, NULL, 0 } };

	while ( next_option( argc, argv, opts ) != -1 )
		;
	take_dn( argc, argv, dn );
}

/* --format FORMAT and the DN, for list and scopes */
enum format
parse_format_and_dn( int argc, char **argv, const char **dn )
{
	enum { OPT_FORMAT = OPT_COMMAND };
	static const struct option opts[] = {
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ NULL, 0, NULL, 0 }
	};
	/* in enum format's order */
	static const char *const names[] = { "table", "tsv", "json" };
	enum format format = FORMAT_TABLE;
	unsigned i;

	while ( next_option( argc, argv, opts ) != -1 ) {
		for ( i = 0; i < sizeof( names ) / sizeof( names[0] ) &&
				strcmp( optarg, names[i] ) != 0; i++ )
			;
		if ( i == sizeof( names ) / sizeof( names[0] ) ) {
			usage_error( "--format is table, tsv or json" );
		}
		format = (enum format)i;
	}
	take_dn( argc, argv, dn );
	return format;
}

static const struct command *const commands[] = {
	&cmd_create, &cmd_list, &cmd_scopes, &cmd_revoke,
	&cmd_mfa_enroll, &cmd_mfa_status, &cmd_mfa_recovery, &cmd_mfa_disable,
	NULL
};

/* The command named at argv[0], its arguments parsed. */
static const struct command *
parse_command( int argc, char **argv )
{
	const struct command *const *c;
	int skip;

	if ( argc == 0 ) {
		usage_error( "no command given" );
	}
	if ( strcmp( argv[0], "help" ) == 0 ) {
		help();
	}
	for ( c = commands; *c; c++ ) {
		if ( strcmp( argv[0], (*c)->word ) != 0 ) {
			continue;
		}
		if ( (*c)->subword && ( argc < 2 || strcmp( argv[1], (*c)->subword ) ) ) {
			continue;
		}
		skip = (*c)->subword ? 1 : 0;
		optind = 0;	/* glibc: start afresh, permutation included */
		(*c)->parse( argc - skip, argv + skip, &session.given_dn );
		return *c;
	}
	if ( strcmp( argv[0], "mfa" ) == 0 ) {
		usage_error( "mfa is followed by enroll, status, recovery or "
			"disable" );
	}
	usage_error( "unknown command %s", argv[0] );
}

/* The entry the command works on: the DN given, or the bound entry's. */
static int
find_dn( struct session *s )
{
	/* the bound entry is the bind DN's, and it only */
	if ( s->bind_refused ) {
		if ( s->given_dn && !dn_equal( s->given_dn, s->binddn ) ) {
			ldap_complain( NULL, "bind", LDAP_INVALID_CREDENTIALS );
			return EXIT_CONNECT;
		}
		s->dn = s->binddn;
		return EXIT_OK;
	}
	if ( s->given_dn ) {
		s->dn = s->given_dn;
		return EXIT_OK;
	}
	if ( session_whoami( s ) != 0 ) {
		return EXIT_OPFAIL;
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
	s->dn = s->self;
	return EXIT_OK;
}

/* Usage errors and running out of memory end the tool where they happen:
 * the bind password is wiped then too. */
static void
wipe_password( void )
{
	apppw_wipe( session.passwd, sizeof( session.passwd ) );
}

static int
read_password( struct session *s )
{
	char text[64 + 1024];
	size_t len = 0;

	if ( pwfile ) {
		return read_password_file( s, pwfile ) == 0 ? EXIT_OK : EXIT_LOCAL;
	}
	if ( !prompt ) {
		return EXIT_OK;
	}
	if ( s->binddn ) {
		snprintf( text, sizeof( text ), "Password for %s: ", s->binddn );
	} else {
		snprintf( text, sizeof( text ), "SASL password: " );
	}
	if ( tty_ask( text, s->passwd, sizeof( s->passwd ), &len, 0 ) != 0 ) {
		complain( "without a terminal, give the password with -y" );
		return EXIT_LOCAL;
	}
	s->passwdlen = len;
	s->have_passwd = 1;
	return EXIT_OK;
}

int
main( int argc, char *argv[] )
{
	static const struct option help_option[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const struct command *cmd;
	int c, rc;

	atexit( wipe_password );
	/* "+": the options before the command stop at its name */
	while ( ( c = getopt_long( argc, argv, "+:" CONNECTION_OPTIONS,
			help_option, NULL ) ) != -1 ) {
		if ( c == ':' || c == '?' ) {
			option_error( c, argv );
		}
		connection_option( c, optarg );
	}
	cmd = parse_command( argc - optind, argv + optind );
	check_connection_options();

	if ( apppw_secret_init() != 0 || apppw_totp_init() != 0 ) {
		complain( "cannot initialise libsodium or liboath" );
		return EXIT_LOCAL;
	}
	session.pending_ok = cmd->pending_ok;
	if ( ( rc = read_password( &session ) ) == EXIT_OK ) {
		if ( session_open( &session ) != 0 ) {
			rc = EXIT_CONNECT;
		} else if ( ( rc = find_dn( &session ) ) == EXIT_OK ) {
			rc = cmd->run( &session );
		}
	}
	session_close( &session );
	return rc;
}
