/* mfa_enroll.c - apppw mfa enroll: the seed's whole flow
 *
 * Steps 2 and 3: a new TOTP secret for the authenticator app (QR code,
 * key, or --secret-file); step 4: a code from the app proves it has the
 * secret, before anything is stored; then the secret is stored; step 5:
 * the first app password, in a session signed in with the password and a
 * code.
 *
 * An account pending enrolment (MFA required by an administrator, no
 * secret yet) cannot bind with its password alone: when that bind is
 * refused, the secret is stored by the server's enrol extended operation,
 * which carries the password and the code, and records the code's step;
 * step 5 then signs in with the code of the next step, which the tool
 * computes from the secret it still holds. Otherwise (an administrator
 * enrolling an entry, a user re-enrolling from a password+code session)
 * the secret and the MFA flag are written in one modify.
 *
 * Secrets here: the TOTP secret being enrolled and the codes typed. Each
 * is wiped as soon as it is no longer needed.
 */

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ldap.h>

#include "apppw.h"
#include "apppw_label.h"
#include "apppw_number.h"
#include "apppw_enrol.h"
#include "apppw_proto.h"
#include "apppw_record_error.h"
#include "apppw_secret.h"
#include "apppw_totp.h"

#define CODE_TRIES	3	/* typos allowed when a code is typed */

/* the command's options */
static const char *code_arg;		/* "-": from standard input */
static const char *secret_file;
static int no_qr;
static const char *issuer_arg;
static unsigned digits = APPPW_TOTP_DEFAULT_DIGITS;
static unsigned period = APPPW_TOTP_DEFAULT_STEP;
static const char *app_label;
static int no_app_password;

/* The secret being enrolled and the code that proved the app has it. */
struct enrolment {
	char		secret[APPPW_TOTP_B32_LEN + 1];
	char		code[APPPW_TOTP_DIGITS_MAX + 1];
	int64_t		step;		/* the code's time step */
};

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
		if ( !isdigit( (unsigned char)*in ) || n == digits ) {
			goto out;
		}
		code[n++] = *in;
	}
	if ( n != digits ) {
		goto out;
	}
	code[n] = '\0';
	rc = -1;
	if ( apppw_totp_check( en->secret, strlen( en->secret ), code, n,
			time( NULL ), period, digits, APPPW_TOTP_DEFAULT_WINDOW, after,
			&en->step ) == 0 ) {
		memcpy( en->code, code, n + 1 );
		rc = 0;
	}
out:
	apppw_wipe( code, sizeof( code ) );
	return rc;
}

/* A code from the terminal, with room for a typo. 0, -1 when every try
 * was wrong, READ_FAILED without a terminal. */
static int
ask_code( struct enrolment *en, const char *prompt, int64_t after )
{
	char line[64];
	size_t len;
	int tries, rc;

	for ( tries = 0; tries < CODE_TRIES; tries++ ) {
		if ( tty_ask( prompt, line, sizeof( line ), &len, 1 ) != 0 ) {
			return READ_FAILED;
		}
		rc = check_code( en, line, after );
		apppw_wipe( line, sizeof( line ) );
		if ( rc == 0 ) {
			return 0;
		}
		if ( rc == -2 ) {
			say( "That is not a %u-digit code.", digits );
		} else {
			say( "That code is wrong. Check that the phone's clock is right, "
				"and wait for the next code." );
		}
	}
	return -1;
}

/* --code: given, or "-" for a line on stdin, so that a script can compute
 * it from the secret file this run writes. 0, -1 wrong, READ_FAILED. */
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
			return READ_FAILED;
		}
		code = line;
	}
	rc = check_code( en, code, -1 );
	apppw_wipe( line, sizeof( line ) );
	if ( rc == -2 ) {
		complain( "that is not a %u-digit code", digits );
	}
	return rc == 0 ? 0 : -1;
}

/* O_EXCL: a secret is never written through a link or over a file the
 * person did not mean to give away. 0 or -1. */
static int
write_secret_file( const char *path, const char *secret )
{
	char line[APPPW_TOTP_B32_LEN + 2];	/* the secret and a newline */
	size_t len = strlen( secret );
	int fd, ok;

	fd = open( path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600 );
	if ( fd < 0 ) {
		complain( "%s: %s", path, strerror( errno ) );
		return -1;
	}
	memcpy( line, secret, len );
	line[len++] = '\n';
	ok = write( fd, line, len ) == (ssize_t)len;
	apppw_wipe( line, sizeof( line ) );
	if ( close( fd ) != 0 || !ok ) {
		complain( "%s: %s", path, strerror( errno ) );
		unlink( path );
		return -1;
	}
	trace( "wrote the TOTP secret to %s", path );
	return 0;
}

/* Step 5: the label of the first app password, or "" for none. 0, -1
 * when no label would do, READ_FAILED. */
static int
ask_label( char *buf, size_t size )
{
	size_t len;
	int tries;

	if ( tty_ask( "Create an app password now, for a program that cannot "
			"ask for a code\n(Outlook, Apple Mail, your phone's mail app)? "
			"[Y/n] ", buf, size, &len, 1 ) != 0 ) {
		return READ_FAILED;
	}
	if ( buf[0] == 'n' || buf[0] == 'N' ) {
		buf[0] = '\0';
		return 0;
	}
	for ( tries = 0; tries < CODE_TRIES; tries++ ) {
		if ( tty_ask( "Name it after the app or device "
				"(e.g. \"Outlook on my laptop\"): ", buf, size, &len, 1 ) != 0 ) {
			return READ_FAILED;
		}
		if ( apppw_label_check( buf, len ) == APPPW_REC_OK ) {
			return 0;
		}
		say( "Not a valid label: %s.",
			apppw_record_strerror( APPPW_REC_BAD_LABEL ) );
	}
	return -1;
}

/* The server lets you create an app password for yourself only in a
 * session that proved the password and a code: rebind with the password
 * and the code just checked, which the server has not seen yet. 0, -1,
 * READ_FAILED. */
static int
rebind_with_code( struct session *s, struct enrolment *en, int interactive )
{
	char cred[PASSWD_MAX + APPPW_TOTP_DIGITS_MAX];
	int rc;

	/* the server accepts the default window either side; leave a few
	 * seconds */
	if ( (int64_t)( ( time( NULL ) + 5 ) / period ) -
			APPPW_TOTP_DEFAULT_WINDOW > en->step ) {
		if ( !interactive ) {
			complain( "the code has expired" );
			return -1;
		}
		if ( ( rc = ask_code( en, "That code has expired. The next code from "
				"your authenticator app: ", en->step ) ) != 0 ) {
			return rc;
		}
	}
	memcpy( cred, s->passwd, s->passwdlen );
	memcpy( cred + s->passwdlen, en->code, digits );
	trace( "bind again, with the password followed by the code" );
	rc = simple_bind( s, s->binddn, cred, s->passwdlen + digits );
	apppw_wipe( cred, sizeof( cred ) );
	if ( rc != LDAP_SUCCESS ) {
		ldap_complain( s->ld, "bind with the password and the code", rc );
		return -1;
	}
	return 0;
}

/* The secret and the code, for the pending account s->dn, with its
 * password: *step_start gets the code's step as the server recorded it,
 * and the first recovery codes are shown. 0 or -1. */
static int
send_enrol( struct session *s, struct enrolment *en, time_t *step_start )
{
	struct apppw_enrol_request req;
	struct apppw_recovery_codes codes;
	struct berval *reqdata = NULL, *resp = NULL;
	char *oid = NULL;
	int rc;

	ber_str2bv( s->dn, 0, 0, &req.dn );
	req.password.bv_val = s->passwd;
	req.password.bv_len = s->passwdlen;
	ber_str2bv( en->secret, 0, 0, &req.secret );
	ber_str2bv( en->code, 0, 0, &req.code );
	if ( apppw_enrol_request_encode( &req, &reqdata ) != 0 ) {
		complain( "cannot encode the request" );
		return -1;
	}
	trace( "extended operation %s (enrol) dn \"%s\", the password, the "
		"secret and the code not shown", APPPW_OID_EXOP_ENROL, s->dn );
	rc = ldap_extended_operation_s( s->ld, APPPW_OID_EXOP_ENROL, reqdata,
		NULL, NULL, &oid, &resp );
	apppw_wipe( reqdata->bv_val, reqdata->bv_len );
	ber_bvfree( reqdata );
	ldap_memfree( oid );
	if ( rc == LDAP_INVALID_CREDENTIALS ) {
		ldap_complain( s->ld, "bind", rc );
		complain( "the password is wrong, or the account is locked; "
			"nothing was changed" );
		rc = -1;
	} else if ( rc != LDAP_SUCCESS ) {
		ldap_complain( s->ld, "enrol", rc );
		rc = -1;
	} else if ( resp == NULL ||
			apppw_enrol_response_decode( resp, step_start, &codes ) != 0 ) {
		complain( "enrol: the server's answer is malformed" );
		rc = -1;
	} else {
		/* the secret is stored: the codes are the person's to keep,
		 * or to make anew from a signed-in session */
		(void)show_recovery_codes( &codes );
	}
	if ( resp ) {
		apppw_wipe( resp->bv_val, resp->bv_len );
		ber_bvfree( resp );
	}
	return rc;
}

/* After an enrolment by the server, which recorded the step of the code
 * typed: sign in with the password and the code of the next step, from
 * the secret, waiting for that step to come within the server's default
 * window if need be. 0, or -1. */
static int
bind_after_enrol( struct session *s, struct enrolment *en, time_t step_start )
{
	char cred[PASSWD_MAX + APPPW_TOTP_DIGITS_MAX + 1];
	int64_t next = step_start / period + 1;
	time_t now;
	int rc;

	while ( ( now = time( NULL ) ) / period + APPPW_TOTP_DEFAULT_WINDOW < next ) {
		trace( "wait for the next time step" );
		sleep( period - now % period );
	}
	memcpy( cred, s->passwd, s->passwdlen );
	if ( apppw_totp_code( en->secret, strlen( en->secret ), (time_t)next * period,
			period, digits, cred + s->passwdlen,
			sizeof( cred ) - s->passwdlen ) != 0 ) {
		apppw_wipe( cred, sizeof( cred ) );
		complain( "cannot compute the next code" );
		return -1;
	}
	trace( "bind again, with the password followed by the next code" );
	rc = simple_bind( s, s->dn, cred, s->passwdlen + digits );
	apppw_wipe( cred, sizeof( cred ) );
	if ( rc != LDAP_SUCCESS ) {
		ldap_complain( s->ld, "bind with the password and the next code", rc );
		return -1;
	}
	s->bind_refused = 0;
	return 0;
}

/* 0, -1, READ_FAILED */
static int
first_app_password( struct session *s, struct enrolment *en, int was_required )
{
	char label[APPPW_LABEL_MAX_BYTES + 1];
	int interactive = code_arg == NULL, rc;

	if ( no_app_password ) {
		return 0;
	}
	if ( s->mech || !s->have_passwd || !s->binddn ||
			session_whoami( s ) != 0 || s->self == NULL ||
			!dn_equal( s->self, s->dn ) ) {
		say( "\nNo app password was created: that needs a simple bind as "
			"%s\nwith its password. Create one with: apppw create "
			"--label LABEL %s", s->dn, s->dn );
		return 0;
	}
	if ( app_label ) {
		snprintf( label, sizeof( label ), "%s", app_label );
	} else if ( !interactive ) {
		say( "\nPrograms that cannot ask for a code need an app password: "
			"apppw create --label LABEL" );
		return 0;
	} else if ( ( rc = ask_label( label, sizeof( label ) ) ) != 0 ) {
		return rc;
	} else if ( label[0] == '\0' ) {
		say( "Create one later with: apppw create --label LABEL" );
		return 0;
	}
	/* already MFA-required: this session was opened with a code already */
	if ( !was_required &&
			( rc = rebind_with_code( s, en, interactive ) ) != 0 ) {
		say( "MFA is on, but no app password was created. Create one with: "
			"apppw create --label LABEL" );
		return rc;
	}
	return create_app_password( s, NULL, label, NULL, NULL );
}

static unsigned
number( const char *s, const char *what, unsigned min, unsigned max )
{
	unsigned v;

	if ( apppw_number_parse( s, min, max, &v ) ) {
		usage_error( "%s must be a number from %u to %u", what, min, max );
	}
	return v;
}

static void
enroll_parse( int argc, char **argv, const char **dn )
{
	enum { OPT_CODE = OPT_COMMAND, OPT_SECRET_FILE, OPT_NO_QR, OPT_ISSUER,
		OPT_DIGITS, OPT_PERIOD, OPT_APP_PASSWORD, OPT_NO_APP_PASSWORD };
	static const struct option opts[] = {
		{ "code", required_argument, NULL, OPT_CODE },
		{ "secret-file", required_argument, NULL, OPT_SECRET_FILE },
		{ "no-qr", no_argument, NULL, OPT_NO_QR },
		{ "issuer", required_argument, NULL, OPT_ISSUER },
		{ "digits", required_argument, NULL, OPT_DIGITS },
		{ "period", required_argument, NULL, OPT_PERIOD },
		{ "app-password", required_argument, NULL, OPT_APP_PASSWORD },
		{ "no-app-password", no_argument, NULL, OPT_NO_APP_PASSWORD },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	while ( ( c = next_option( argc, argv, opts ) ) != -1 ) {
		switch ( c ) {
		case OPT_CODE:
			code_arg = optarg;
			break;
		case OPT_SECRET_FILE:
			secret_file = optarg;
			break;
		case OPT_NO_QR:
			no_qr = 1;
			break;
		case OPT_ISSUER:
			issuer_arg = optarg;
			break;
		case OPT_DIGITS:
			digits = number( optarg, "--digits",
				APPPW_TOTP_DIGITS_MIN, APPPW_TOTP_DIGITS_MAX );
			break;
		case OPT_PERIOD:
			period = number( optarg, "--period", 1, APPPW_TOTP_STEP_MAX );
			break;
		case OPT_APP_PASSWORD:
			app_label = optarg;
			break;
		case OPT_NO_APP_PASSWORD:
			no_app_password = 1;
			break;
		}
	}
	take_dn( argc, argv, dn );
	if ( app_label && no_app_password ) {
		usage_error( "give --app-password or --no-app-password, not both" );
	}
	if ( app_label && apppw_label_check( app_label,
			strlen( app_label ) ) != APPPW_REC_OK ) {
		usage_error( "%s", apppw_record_strerror( APPPW_REC_BAD_LABEL ) );
	}
	if ( issuer_arg && ( issuer_arg[0] == '\0' || strchr( issuer_arg, ':' ) ) ) {
		usage_error( "--issuer must be non-empty and without ':'" );
	}
}

/* What a step's failure means for the exit status. */
static int
failed( int rc )
{
	return rc == READ_FAILED ? EXIT_LOCAL : EXIT_OPFAIL;
}

/* Store the secret of a pending account with the server's enrol
 * operation (*stored: whether it was), then step 5. An exit status. */
static int
enrol_pending( struct session *s, struct enrolment *en, int *stored )
{
	time_t step_start;
	int rc;

	if ( send_enrol( s, en, &step_start ) != 0 ) {
		return EXIT_OPFAIL;
	}
	*stored = 1;
	say( "\nYour authenticator app is enrolled for %s.\n"
		"From now on, sign in with your password immediately followed by the "
		"current\ncode from the app: for the password \"password\" and the code "
		"123456, type\n\"password123456\".", s->dn );
	if ( no_app_password ) {
		return EXIT_OK;
	}
	if ( !app_label && code_arg ) {
		say( "\nPrograms that cannot ask for a code need an app password: "
			"apppw create --label LABEL" );
		return EXIT_OK;
	}
	if ( bind_after_enrol( s, en, step_start ) != 0 ) {
		say( "No app password was created. Create one with: "
			"apppw create --label LABEL" );
		return EXIT_OPFAIL;
	}
	rc = first_app_password( s, en, 1 );
	return rc == 0 ? EXIT_OK : failed( rc );
}

static int
enroll_run( struct session *s )
{
	char *attrs[] = { "objectClass", APPPW_AT_MFA, "mail", NULL };
	struct berval secret_bv, true_bv = { 4, "TRUE" }, oc_bv = { 0, NULL };
	struct berval *secret_vals[] = { &secret_bv, NULL },
		*flag[] = { &true_bv, NULL }, *oc[] = { &oc_bv, NULL };
	struct enrolment en;
	LDAPMod mod[3], *mods[4];
	LDAPMessage *res = NULL, *e;
	char *issuer = NULL, *account = NULL;
	int rc, n = 0, was_required, file_written = 0;

	memset( &en, 0, sizeof( en ) );
	/* pending: nothing can be read anonymously, nor need be */
	if ( s->bind_refused ) {
		e = NULL;
		was_required = 1;
	} else if ( read_entry( s, s->dn, attrs, &res, &e ) != 0 ) {
		return EXIT_OPFAIL;
	} else {
		was_required = has_value( s->ld, e, APPPW_AT_MFA, "TRUE" );
	}
	if ( !s->bind_refused &&
			attr_present( s, s->dn, APPPW_AT_TOTP_SECRET ) > 0 ) {
		say( "%s already has a TOTP secret: enrolling replaces it, and the "
			"app's old entry\nfor it stops working.\n", s->dn );
	}
	issuer = issuer_arg ? xstrdup( issuer_arg ) : dn_domain( s->dn );
	if ( issuer == NULL ) {
		issuer = xstrdup( "LDAP" );
	}
	account = account_name( s->ld, e, s->dn );
	if ( apppw_totp_new( en.secret, sizeof( en.secret ) ) != 0 ) {
		complain( "cannot generate a TOTP secret" );
		rc = EXIT_LOCAL;
		goto out;
	}

	/* steps 2 and 3: give the secret to the app */
	if ( secret_file ) {
		if ( write_secret_file( secret_file, en.secret ) != 0 ) {
			rc = EXIT_LOCAL;
			goto out;
		}
		file_written = 1;
	} else if ( show_secret( en.secret, digits, period, issuer, account,
			!no_qr && isatty( STDERR_FILENO ) ) != 0 ) {
		rc = EXIT_USAGE;
		goto out;
	}

	/* step 4: prove the app has it, before anything is stored */
	if ( code_arg ) {
		rc = given_code( &en, code_arg );
	} else {
		rc = ask_code( &en, "Code from your authenticator app: ", -1 );
	}
	if ( rc != 0 ) {
		if ( rc == -1 ) {
			complain( "wrong code: nothing was changed" );
		} else if ( !code_arg ) {
			complain( "without a terminal, give --secret-file and --code" );
		}
		rc = failed( rc );
		goto out;
	}

	if ( s->bind_refused ) {
		int stored = 0;

		rc = enrol_pending( s, &en, &stored );
		/* the file holds the stored secret: the person keeps it */
		if ( stored ) {
			file_written = 0;
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
	/* a user re-enrolling may not write the flag, which is set already */
	if ( !was_required ) {
		mod_set( &mod[n], LDAP_MOD_REPLACE, APPPW_AT_MFA, flag );
		mods[n] = &mod[n];
		n++;
	}
	mods[n] = NULL;
	if ( modify( s, s->dn, mods ) != 0 ) {
		/* users do not turn MFA on for themselves under the
		 * recommended ACLs */
		if ( !was_required ) {
			say( "MFA is not required for %s: once an administrator "
				"requires it,\nenrol with your password.", s->dn );
		}
		rc = EXIT_OPFAIL;
		goto out;
	}
	file_written = 0;
	say( "\n%s %s.\n"
		"From now on, sign in with your password immediately followed by the "
		"current\ncode from the app: for the password \"password\" and the code "
		"123456, type\n\"password123456\".", was_required ?
			"A new authenticator app is enrolled for" :
			"MFA is now required for", s->dn );
	/* a way back if the phone is lost; a re-enrolment keeps the codes
	 * left, which are the account's, not the app's */
	if ( attr_present( s, s->dn, APPPW_AT_RECOVERY ) == 0 &&
			make_recovery_codes( s, s->given_dn ) != 0 ) {
		say( "No recovery codes were made. Make them with: apppw mfa "
			"recovery" );
	}

	/* step 5 */
	rc = first_app_password( s, &en, was_required );
	rc = rc == 0 ? EXIT_OK : failed( rc );
out:
	if ( file_written ) {
		unlink( secret_file );
	}
	apppw_wipe( &en, sizeof( en ) );
	free( issuer );
	free( account );
	ldap_msgfree( res );
	return rc;
}

const struct command cmd_mfa_enroll =
	{ "mfa", "enroll", enroll_parse, enroll_run, 1 };
