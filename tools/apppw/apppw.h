/* apppw.h - what the apppw tool's files share
 *
 * main.c reads the options and runs one command; session.c connects and
 * binds; entry.c reads and modifies entries; term.c reads what the person
 * types; common.c says things and allocates. Each command is a file of its
 * own that holds its options, their parsing and its work: create.c,
 * list.c, scopes.c, revoke.c, mfa_enroll.c (with otpauth.c), mfa_status.c,
 * mfa_recovery.c and mfa_disable.c.
 *
 * Helpers say what went wrong and return 0 or -1; only a command's run()
 * and main() turn a failure into an exit status. Usage errors and running
 * out of memory end the tool where they happen.
 */
#ifndef APPPW_TOOL_H
#define APPPW_TOOL_H

#include <getopt.h>
#include <stddef.h>

#include <ldap.h>

/* exit status, as usage() and apppw(1) document it */
#define EXIT_OK		0
#define EXIT_OPFAIL	1	/* the operation failed */
#define EXIT_USAGE	2
#define EXIT_CONNECT	3	/* could not connect or bind */
#define EXIT_LOCAL	4	/* file, terminal, memory */

/* What a helper that reads from the person returns when nothing could be
 * read (no terminal, end of input), as opposed to -1, what was read would
 * not do: the command reports the first as a local error. */
#define READ_FAILED	-2

#define PASSWD_MAX	1024	/* bind password, and a line typed */

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
	const char	*given_dn;	/* the command's DN argument, or NULL */
	int		pending_ok;	/* the command can do without the bind */
	int		bind_refused;	/* and did: the simple bind got 49 */
	const char	*dn;		/* the entry the command works on */
};

/* A command: its words, its parser (which sets *dn to the DN argument, if
 * any, and ends the tool on a usage error), and its work, which returns
 * an exit status. main() finds s->dn before run() is called. */
struct command {
	const char	*word;
	const char	*subword;	/* "mfa enroll" */
	void		(*parse)( int argc, char **argv, const char **dn );
	int		(*run)( struct session *s );
	/* runs, anonymous, when a simple bind with -D and a password is
	 * refused: mfa enroll, for an account pending enrolment, whose
	 * password alone never binds */
	int		pending_ok;
};

extern const struct command cmd_create, cmd_list, cmd_scopes, cmd_revoke,
	cmd_mfa_enroll, cmd_mfa_status, cmd_mfa_recovery, cmd_mfa_disable;

/* main.c: a command's arguments. next_option() is getopt_long() over the
 * command's arguments (argv[0] is the command), taking the connection
 * options wherever they stand and ending the tool on a usage error. The
 * values of a command's long options start at OPT_COMMAND, clear of the
 * connection options' letters. */
#define OPT_COMMAND	256
int next_option( int argc, char **argv, const struct option *longopts );
/* The optional DN after the options, and nothing more. */
void take_dn( int argc, char **argv, const char **dn );
/* list's and scopes' options: --format table, tsv or json (else a usage
 * error), and the DN. */
enum format { FORMAT_TABLE, FORMAT_TSV, FORMAT_JSON };
enum format parse_format_and_dn( int argc, char **argv, const char **dn );
/* For commands that take a DN and nothing else. */
void parse_dn_only( int argc, char **argv, const char **dn );

/* common.c */
#define PRINTF( f, a )	__attribute__(( format( printf, f, a ) ))
extern int verbose;
/* a usage error: says so, points to -h, exits with EXIT_USAGE */
void usage_error( const char *fmt, ... ) PRINTF( 1, 2 )
	__attribute__(( noreturn ));
/* "apppw: what: why" on stderr */
void complain( const char *fmt, ... ) PRINTF( 1, 2 );
/* text for the person at the terminal, on stderr */
void say( const char *fmt, ... ) PRINTF( 1, 2 );
/* -v: the LDAP operations, never their secrets */
void trace( const char *fmt, ... ) PRINTF( 1, 2 );
/* an LDAP error, with the server's diagnostic */
void ldap_complain( LDAP *ld, const char *what, int rc );
/* s as a JSON string, on stdout */
void json_string( const char *s );
/* or "apppw: out of memory" and EXIT_LOCAL */
void *xcalloc( size_t n, size_t size );
void *xrealloc( void *p, size_t size );
char *xstrdup( const char *s );
char *xstrndup( const char *s, size_t n );

/* term.c */
int read_line( int fd, char *buf, size_t size, size_t *len, const char **why );
int tty_ask( const char *prompt, char *buf, size_t size, size_t *len, int echo );
int read_password_file( struct session *s, const char *path );

/* session.c */
int simple_bind( struct session *s, const char *dn, const char *pw, size_t len );
int session_open( struct session *s );
void session_close( struct session *s );
int session_whoami( struct session *s );
int dn_equal( const char *a, const char *b );

/* entry.c */
int read_entry( struct session *s, const char *dn, char **attrs,
	LDAPMessage **res, LDAPMessage **e );
int has_value( LDAP *ld, LDAPMessage *e, const char *attr, const char *v );
int count_values( LDAP *ld, LDAPMessage *e, const char *attr );
int attr_present( struct session *s, const char *dn, const char *attr );
void trace_modify( const char *dn, LDAPMod **mods );
void mod_set( LDAPMod *m, int op, const char *attr, struct berval **vals );
int modify( struct session *s, const char *dn, LDAPMod **mods );

/* otpauth.c, for mfa enroll */
/* The account name shown in the app (below) takes e NULL: the entry
 * was not read. */
/* The domain of a DN's dc= components ("example.org"), an issuer name the
 * person recognises in the authenticator app; NULL if it has none. */
char *dn_domain( const char *dn );
/* The account name shown in the app: the mail address, else the value of
 * the DN's first RDN, else the DN. */
char *account_name( LDAP *ld, LDAPMessage *e, const char *dn );
/* The otpauth:// URI, its QR code if wanted, and the key in groups, on
 * stderr. 0, or -1 when the names make the URI too long. */
int show_secret( const char *secret, unsigned digits, unsigned period,
	const char *issuer, const char *account, int qr_wanted );

/* scopes.c, for create --scope: 0 if dn's app passwords are offered the
 * scope name, or the offered scopes cannot be read (the server's refusal
 * then names its scopes); -1, said with the offered ones, if not. */
int check_scope_offered( struct session *s, const char *dn, const char *name );

/* create.c, for mfa enroll's first app password too */
int create_app_password( struct session *s, const char *target,
	const char *label, const char *expires, const char *scope );

/* mfa_recovery.c, for mfa enroll's first recovery codes too: the codes on
 * stdout, what they are for on stderr. 0, or -1 when the server sent
 * something else. */
struct apppw_recovery_codes;
int show_recovery_codes( const struct apppw_recovery_codes *codes );
/* New recovery codes for target (NULL: the bound identity), shown. 0 or -1. */
int make_recovery_codes( struct session *s, const char *target );

#endif /* APPPW_TOOL_H */
