/* flow.c - the seed's five steps, one function a URL, and their pages
 *
 * Sign in (/, /signin, /code), set MFA up (/home, /setup, /setup/verify),
 * app passwords (/apps, /create, /revoke, /revoke-all), sign out
 * (/signout). Every POST carries the session's CSRF token; every change
 * is made on the user's own LDAP connection. Secrets (passwords, codes,
 * TOTP secrets, app passwords) live in the session or on the stack only
 * as long as they are needed, are wiped after, and are never logged.
 */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <ldap.h>

#include "apppw_label.h"
#include "apppw_record_error.h"
#include "apppw_secret.h"
#include "apppw_throttle.h"
#include "apppw_totp.h"
#include "form.h"
#include "web.h"

#define EXPIRY_DAYS_MAX	3650
#define CODE_MAX	16	/* a code as typed, spaces allowed */

#define T( s )	tr( r->lang, s )
/* marks a text for the catalogs, translated where it is shown */
#define N_( s )	s

static const char txt_signin_error[] =
	N_( "The username, password or code is not right." );
static const char txt_setup_error[] =
	N_( "The code is not right. Check that your phone's clock is right and try again." );

void
user_release( void *p )
{
	struct user *u = p;

	dir_close( u->ld );
	apppw_wipe( u, sizeof( *u ) );
	free( u );
}

/* A user-controlled text for the log: printable ASCII, the rest as '?'. */
static const char *
log_safe( const char *s, char *out, size_t size )
{
	size_t i;

	for ( i = 0; s[i] && i + 1 < size; i++ ) {
		out[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	}
	out[i] = '\0';
	return out;
}

/* --- drawing --- */

static void
page_start( struct req *r, struct page *p, struct sess *s, const char *title )
{
	struct buf *b = &p->body;

	buf_printf( b, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n"
		"<meta charset=\"utf-8\">\n"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		"<title>", lang_names[r->lang] );
	buf_html( b, title );
	buf_str( b, "</title>\n<link rel=\"stylesheet\" href=\"/static/apppw.css\">\n"
		"<script src=\"/static/apppw.js\" defer></script>\n</head>\n<body>\n"
		"<header>\n<nav id=\"lang\"><a href=\"?lang=en\" hreflang=\"en\" lang=\"en\">"
		"English</a> <a href=\"?lang=sv\" hreflang=\"sv\" lang=\"sv\">Svenska</a></nav>\n" );
	if ( s && s->state == SESS_IN ) {
		buf_printf( b, "<form method=\"post\" action=\"/signout\">"
			"<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
			"<button id=\"signout\">", s->csrf );
		buf_html( b, T( "Sign out" ) );
		buf_str( b, "</button></form>\n" );
	}
	buf_str( b, "</header>\n<main>\n<h1>" );
	buf_html( b, title );
	buf_str( b, "</h1>\n" );
}

static void
page_end( struct page *p )
{
	buf_str( &p->body, "</main>\n</body>\n</html>\n" );
}

/* <form method="post" action="action"> with the CSRF token */
static void
form_start( struct page *p, struct sess *s, const char *action )
{
	buf_printf( &p->body, "<form method=\"post\" action=\"%s\">\n"
		"<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n", action, s->csrf );
}

static void
para( struct req *r, struct page *p, const char *attrs, const char *msgid )
{
	buf_printf( &p->body, "<p%s>", attrs );
	buf_html( &p->body, T( msgid ) );
	buf_str( &p->body, "</p>\n" );
}

static void
error_para( struct req *r, struct page *p, const char *msgid )
{
	para( r, p, " id=\"error\" role=\"alert\"", msgid );
}

/* A page with a message only: 403, 404, 413, 503... */
void
message_page( struct req *r, struct page *p, unsigned status,
	const char *title, const char *msgid )
{
	p->status = status;
	page_start( r, p, NULL, T( title ) );
	error_para( r, p, msgid );
	buf_str( &p->body, "<p><a href=\"/\">" );
	buf_html( &p->body, T( "Back to the start" ) );
	buf_str( &p->body, "</a></p>\n" );
	page_end( p );
}

static void
signin_page( struct req *r, struct page *p, struct sess *s, const char *error )
{
	struct buf *b = &p->body;

	page_start( r, p, s, T( "Sign in" ) );
	if ( error ) {
		error_para( r, p, error );
	}
	form_start( p, s, "/signin" );
	buf_str( b, "<label for=\"username\">" );
	buf_html( b, T( "Username" ) );
	buf_str( b, "</label>\n<input id=\"username\" name=\"username\" "
		"autocomplete=\"username\" autocapitalize=\"none\" spellcheck=\"false\" "
		"required>\n<label for=\"password\">" );
	buf_html( b, T( "Password" ) );
	buf_str( b, "</label>\n<input id=\"password\" name=\"password\" "
		"type=\"password\" autocomplete=\"current-password\" required>\n"
		"<button id=\"signin\" type=\"submit\">" );
	buf_html( b, T( "Sign in" ) );
	buf_str( b, "</button>\n</form>\n" );
	page_end( p );
}

static void
code_page( struct req *r, struct page *p, struct sess *s )
{
	struct buf *b = &p->body;

	page_start( r, p, s, T( "Sign in" ) );
	para( r, p, "", "If your account asks for a code, enter the code your "
		"authenticator app shows now." );
	form_start( p, s, "/code" );
	buf_str( b, "<label for=\"code\">" );
	buf_html( b, T( "Code" ) );
	buf_str( b, "</label>\n<input id=\"code\" name=\"code\" "
		"autocomplete=\"one-time-code\" inputmode=\"numeric\" required>\n"
		"<button id=\"verify\" type=\"submit\">" );
	buf_html( b, T( "Verify" ) );
	buf_str( b, "</button>\n</form>\n" );
	page_end( p );
}

static void
redirect( struct page *p, const char *to )
{
	p->status = 303;
	p->location = to;
}

/* --- signing in --- */

static const apppw_throttle_policy *
signin_policy( void )
{
	static apppw_throttle_policy policy;

	policy.max_failures = cfg.signin_failures;
	policy.step = cfg.signin_lockout;
	policy.backoff_max = cfg.signin_lockout * 16;
	return &policy;
}

/* The rate limit's two keys: the client's address and the username. */
static void
signin_keys( const char *client, const char *username, apppw_throttle_key k[2] )
{
	char key[USERNAME_MAX + 64];
	size_t i, n;

	n = (size_t)snprintf( key, sizeof( key ), "a:%s", client );
	apppw_throttle_key_of( key, n < sizeof( key ) ? n : sizeof( key ) - 1, &k[0] );
	n = (size_t)snprintf( key, sizeof( key ), "u:%s", username );
	if ( n >= sizeof( key ) ) {
		n = sizeof( key ) - 1;
	}
	/* usernames match case-insensitively in the directory */
	for ( i = 2; i < n; i++ ) {
		key[i] = tolower( (unsigned char)key[i] );
	}
	apppw_throttle_key_of( key, n, &k[1] );
	apppw_wipe( key, sizeof( key ) );
}

static int
signin_locked( const apppw_throttle_key k[2] )
{
	apppw_throttle_report rep;
	time_t now = time( NULL );

	return apppw_throttle_locked( &k[0], now, signin_policy(), &rep ) ||
		apppw_throttle_locked( &k[1], now, signin_policy(), &rep );
}

static void
signin_count( const apppw_throttle_key k[2], int ok )
{
	apppw_throttle_report rep;
	time_t now = time( NULL );

	apppw_throttle_attempt( &k[0], now, ok, signin_policy(), &rep );
	apppw_throttle_attempt( &k[1], now, ok, signin_policy(), &rep );
}

/* Back to the sign-in form, with the one message for every failure. */
static void
signin_failed( struct req *r, struct page *p, struct sess *s,
	const char *username, const char *reason )
{
	char name[USERNAME_MAX + 1];

	logmsg( "signin failed user=\"%s\" from=%s reason=%s",
		log_safe( username, name, sizeof( name ) ), r->client, reason );
	if ( s->user ) {
		user_release( s->user );
		s->user = NULL;
	}
	sess_set_state( &sessions, s, SESS_PRE );
	signin_page( r, p, s, txt_signin_error );
}

/* The session is signed in: a new id (the one seen before signing in
 * must not become a signed-in one), the cookie, and the first page. */
static void
signed_in( struct req *r, struct page *p, struct sess *s )
{
	struct user *u = s->user;
	char name[USERNAME_MAX + 1];

	sess_renew( &sessions, s );
	sess_set_state( &sessions, s, SESS_IN );
	sess_id_hex( s, p->session_hex );
	p->set_session = 1;
	logmsg( "signin user=\"%s\" from=%s mfa=%s", log_safe( u->username, name,
		sizeof( name ) ), r->client, u->mfa ? "yes" : "no" );
	redirect( p, u->mfa ? "/apps" : "/home" );
}

static int
printable( const char *s )
{
	for ( ; *s; s++ ) {
		if ( (unsigned char)*s < 0x20 || *s == 0x7f ) {
			return 0;
		}
	}
	return 1;
}

static void
do_signin( struct req *r, struct page *p, struct sess *s )
{
	char username[USERNAME_MAX + 1], password[PASSWORD_MAX + 1];
	apppw_throttle_key keys[2];
	struct user *u = NULL;
	size_t ulen, pwlen;
	int rc, mfa_required;

	if ( form_get( r->body, r->bodylen, "username", username,
			sizeof( username ), &ulen ) != 0 ) {
		username[0] = '\0';
	}
	if ( form_get( r->body, r->bodylen, "password", password,
			sizeof( password ), &pwlen ) != 0 ) {
		password[0] = '\0';
		pwlen = 0;
	}
	signin_keys( r->client, username, keys );
	if ( signin_locked( keys ) ) {
		char name[USERNAME_MAX + 1];

		logmsg( "signin refused user=\"%s\" from=%s reason=rate limit",
			log_safe( username, name, sizeof( name ) ), r->client );
		p->status = 429;
		signin_page( r, p, s, "Too many attempts. Wait a few minutes, "
			"then try again." );
		goto out;
	}
	if ( ulen == 0 || pwlen == 0 || !printable( username ) ) {
		signin_count( keys, 0 );
		signin_failed( r, p, s, username, "empty or malformed field" );
		goto out;
	}
	u = calloc( 1, sizeof( *u ) );
	if ( u == NULL ) {
		message_page( r, p, 503, "Sign in", "Something went wrong. Try again later." );
		goto out;
	}
	memcpy( u->username, username, ulen + 1 );
	if ( dir_user_dn( username, u->dn, sizeof( u->dn ) ) != 0 ) {
		free( u );
		u = NULL;
		signin_count( keys, 0 );
		signin_failed( r, p, s, username, "no such user" );
		goto out;
	}
	if ( dir_connect( &u->ld ) != 0 ) {
		user_release( u );
		u = NULL;
		message_page( r, p, 503, "Sign in", "The directory cannot be reached "
			"now. Try again later." );
		goto out;
	}
	s->user = u;
	memcpy( u->password, password, pwlen );
	u->pwlen = pwlen;
	rc = dir_bind( u->ld, u->dn, password, pwlen );
	if ( rc == LDAP_INVALID_CREDENTIALS ) {
		/* A wrong password, or an MFA-required account, which the
		 * overlay refuses the password alone with the same answer:
		 * ask for the code either way. Counted now, so that guessing
		 * passwords without ever sending a code is limited too; the
		 * success that follows ends the run. */
		char name[USERNAME_MAX + 1];

		logmsg( "signin password refused user=\"%s\" from=%s, code asked",
			log_safe( username, name, sizeof( name ) ), r->client );
		signin_count( keys, 0 );
		sess_set_state( &sessions, s, SESS_CODE );
		redirect( p, "/" );
		goto out;
	}
	if ( rc != LDAP_SUCCESS || dir_read_self( u, &mfa_required ) != 0 ) {
		signin_count( keys, 0 );
		signin_failed( r, p, s, username, rc != LDAP_SUCCESS ?
			ldap_err2string( rc ) : "cannot read own entry" );
		goto out;
	}
	if ( mfa_required ) {
		/* the password alone was let in (apppw-password-alone allow):
		 * the code still makes this an MFA session */
		sess_set_state( &sessions, s, SESS_CODE );
		redirect( p, "/" );
		goto out;
	}
	signin_count( keys, 1 );
	u->may_enrol = dir_may_enrol( u );
	if ( !u->may_enrol ) {
		apppw_wipe( u->password, sizeof( u->password ) );
		u->pwlen = 0;
	}
	signed_in( r, p, s );
out:
	apppw_wipe( password, sizeof( password ) );
	apppw_wipe( username, sizeof( username ) );
}

/* The code as typed: digits, spaces ignored. 0 or -1. */
static int
code_of( struct req *r, char code[APPPW_TOTP_DIGITS_MAX + 1] )
{
	char typed[CODE_MAX + 1];
	size_t len, i, n = 0;
	int rc = -1;

	if ( form_get( r->body, r->bodylen, "code", typed, sizeof( typed ),
			&len ) != 0 ) {
		return -1;
	}
	for ( i = 0; i < len; i++ ) {
		if ( typed[i] == ' ' ) {
			continue;
		}
		if ( !isdigit( (unsigned char)typed[i] ) || n == APPPW_TOTP_DIGITS_MAX ) {
			goto out;
		}
		code[n++] = typed[i];
	}
	code[n] = '\0';
	rc = n >= APPPW_TOTP_DIGITS_MIN ? 0 : -1;
out:
	apppw_wipe( typed, sizeof( typed ) );
	return rc;
}

static void
do_code( struct req *r, struct page *p, struct sess *s )
{
	struct user *u = s->user;
	char code[APPPW_TOTP_DIGITS_MAX + 1], cred[PASSWORD_MAX + APPPW_TOTP_DIGITS_MAX + 1];
	char username[USERNAME_MAX + 1];
	apppw_throttle_key keys[2];
	size_t clen;
	int rc, mfa_required;

	memcpy( username, u->username, sizeof( username ) );
	signin_keys( r->client, u->username, keys );
	if ( signin_locked( keys ) ) {
		char name[USERNAME_MAX + 1];

		logmsg( "signin refused user=\"%s\" from=%s reason=rate limit",
			log_safe( username, name, sizeof( name ) ), r->client );
		user_release( s->user );
		s->user = NULL;
		sess_set_state( &sessions, s, SESS_PRE );
		p->status = 429;
		signin_page( r, p, s, "Too many attempts. Wait a few minutes, "
			"then try again." );
		return;
	}
	/* failures here were counted at /signin already: each code tried
	 * takes a new /signin */
	if ( code_of( r, code ) != 0 ) {
		signin_failed( r, p, s, username, "not a code" );
		return;
	}
	clen = strlen( code );
	memcpy( cred, u->password, u->pwlen );
	memcpy( cred + u->pwlen, code, clen );
	rc = dir_bind( u->ld, u->dn, cred, u->pwlen + clen );
	apppw_wipe( cred, sizeof( cred ) );
	apppw_wipe( code, sizeof( code ) );
	apppw_wipe( u->password, sizeof( u->password ) );
	u->pwlen = 0;
	if ( rc != LDAP_SUCCESS ) {
		signin_failed( r, p, s, username, ldap_err2string( rc ) );
		return;
	}
	/* the password and a code let it in: an MFA-required account (an
	 * account without MFA would have been let in by the password alone
	 * already, and refuses password+code) */
	if ( dir_read_self( u, &mfa_required ) != 0 || !mfa_required ) {
		signin_failed( r, p, s, username, "not an MFA account" );
		return;
	}
	signin_count( keys, 1 );
	u->mfa = 1;
	signed_in( r, p, s );
}

/* --- setting MFA up --- */

static void
home_page( struct req *r, struct page *p, struct sess *s )
{
	struct user *u = s->user;
	struct buf *b = &p->body;

	if ( u->mfa ) {
		redirect( p, "/apps" );
		return;
	}
	page_start( r, p, s, T( "App passwords" ) );
	para( r, p, "", "Programs that cannot ask for a code, such as your "
		"phone's mail app, sign in with an app password. App passwords "
		"need two-step verification: your password and a code from an "
		"authenticator app." );
	if ( u->may_enrol ) {
		form_start( p, s, "/setup" );
		buf_str( b, "<button id=\"setup-now\" type=\"submit\">" );
		buf_html( b, T( "Set it up now" ) );
		buf_str( b, "</button>\n</form>\n" );
	} else {
		para( r, p, " id=\"not-available\"", "These options are not "
			"available to you, because MFA is not required for your "
			"account. Ask your administrator." );
	}
	page_end( p );
}

/* The TOTP issuer: --issuer, else the DN's dc= parts, as the tool. */
static void
issuer_of( const struct user *u, char *out, size_t size )
{
	LDAPDN ldn = NULL;
	size_t len = 0;
	int i;

	out[0] = '\0';
	if ( cfg.issuer ) {
		snprintf( out, size, "%s", cfg.issuer );
		return;
	}
	if ( ldap_str2dn( u->dn, &ldn, LDAP_DN_FORMAT_LDAP ) == LDAP_SUCCESS ) {
		for ( i = 0; ldn && ldn[i]; i++ ) {
			LDAPAVA *ava = ldn[i][0];

			if ( ldn[i][1] == NULL && ava->la_attr.bv_len == 2 &&
					strncasecmp( ava->la_attr.bv_val, "dc", 2 ) == 0 &&
					len + ava->la_value.bv_len + 2 <= size ) {
				if ( len ) {
					out[len++] = '.';
				}
				memcpy( out + len, ava->la_value.bv_val, ava->la_value.bv_len );
				len += ava->la_value.bv_len;
				out[len] = '\0';
			}
		}
		ldap_dnfree( ldn );
	}
	if ( out[0] == '\0' ) {
		snprintf( out, size, "LDAP" );
	}
}

/* Percent-encoding for the otpauth:// label and issuer, as the tool. */
static void
uri_escape( struct buf *b, const char *s )
{
	static const char hex[] = "0123456789ABCDEF";
	char esc[3] = { '%', 0, 0 };

	for ( ; *s; s++ ) {
		unsigned char c = *s;

		if ( isalnum( c ) || strchr( "-._~@", c ) ) {
			buf_add( b, (const char *)&c, 1 );
		} else {
			esc[1] = hex[c >> 4];
			esc[2] = hex[c & 15];
			buf_add( b, esc, 3 );
		}
	}
}

static void
setup_page( struct req *r, struct page *p, struct sess *s, int wrong )
{
	struct user *u = s->user;
	struct buf *b = &p->body, uri;
	char issuer[256];
	size_t i;

	if ( u->mfa ) {
		redirect( p, "/apps" );
		return;
	}
	if ( u->pending[0] == '\0' ) {
		redirect( p, "/home" );
		return;
	}
	issuer_of( u, issuer, sizeof( issuer ) );
	buf_init( &uri );
	buf_str( &uri, "otpauth://totp/" );
	uri_escape( &uri, issuer );
	buf_str( &uri, ":" );
	uri_escape( &uri, u->account );
	buf_printf( &uri, "?secret=%s&issuer=", u->pending );
	uri_escape( &uri, issuer );
	buf_printf( &uri, "&algorithm=SHA1&digits=%u&period=%u",
		APPPW_TOTP_DEFAULT_DIGITS, APPPW_TOTP_DEFAULT_STEP );

	page_start( r, p, s, T( "Set up two-step verification" ) );
	if ( wrong ) {
		error_para( r, p, txt_setup_error );
	}
	para( r, p, "", "Scan this QR code with your authenticator app (such as "
		"FreeOTP, Aegis, Google or Microsoft Authenticator), or enter the "
		"key by hand." );
	/* without its QR code, the page still has the key to type */
	buf_str( b, "<div id=\"qr\">" );
	if ( !uri.failed ) {
		qr_svg( b, uri.data );
	}
	buf_str( b, "</div>\n" );
	buf_free( &uri );
	buf_str( b, "<dl>\n<dt>" );
	buf_html( b, T( "Key" ) );
	buf_str( b, "</dt><dd><code id=\"secret\">" );
	for ( i = 0; u->pending[i]; i++ ) {
		if ( i && i % 4 == 0 ) {
			buf_str( b, " " );
		}
		buf_add( b, &u->pending[i], 1 );
	}
	buf_str( b, "</code></dd>\n<dt>" );
	buf_html( b, T( "Issuer" ) );
	buf_str( b, "</dt><dd><span id=\"issuer\">" );
	buf_html( b, issuer );
	buf_str( b, "</span></dd>\n<dt>" );
	buf_html( b, T( "Account" ) );
	buf_str( b, "</dt><dd><span id=\"account\">" );
	buf_html( b, u->account );
	buf_str( b, "</span></dd>\n</dl>\n" );
	para( r, p, "", "Then enter the code the app shows." );
	form_start( p, s, "/setup/verify" );
	buf_str( b, "<label for=\"code\">" );
	buf_html( b, T( "Code" ) );
	buf_str( b, "</label>\n<input id=\"code\" name=\"code\" "
		"autocomplete=\"one-time-code\" inputmode=\"numeric\" required>\n"
		"<button id=\"next\" type=\"submit\">" );
	buf_html( b, T( "Next" ) );
	buf_str( b, "</button>\n</form>\n" );
	page_end( p );
}

static void
do_setup( struct req *r, struct page *p, struct sess *s )
{
	struct user *u = s->user;

	(void)r;
	if ( u->mfa ) {
		redirect( p, "/apps" );
		return;
	}
	if ( !u->may_enrol ) {
		redirect( p, "/home" );
		return;
	}
	/* a new secret each time the button is pressed; kept only here */
	if ( apppw_totp_new( u->pending, sizeof( u->pending ) ) != 0 ) {
		u->pending[0] = '\0';
		logmsg( "cannot generate a TOTP secret" );
		redirect( p, "/home" );
		return;
	}
	redirect( p, "/setup" );
}

static void
do_setup_verify( struct req *r, struct page *p, struct sess *s )
{
	struct user *u = s->user;
	char code[APPPW_TOTP_DIGITS_MAX + 1], cred[PASSWORD_MAX + APPPW_TOTP_DIGITS_MAX + 1];
	char name[USERNAME_MAX + 1];
	int64_t step;
	size_t clen;
	int rc;

	if ( u->mfa || u->pending[0] == '\0' || !u->may_enrol ) {
		redirect( p, u->mfa ? "/apps" : "/home" );
		return;
	}
	if ( code_of( r, code ) != 0 || apppw_totp_check( u->pending,
			strlen( u->pending ), code, strlen( code ), time( NULL ),
			APPPW_TOTP_DEFAULT_STEP, APPPW_TOTP_DEFAULT_DIGITS,
			APPPW_TOTP_DEFAULT_WINDOW, -1, &step ) != 0 ) {
		apppw_wipe( code, sizeof( code ) );
		logmsg( "enrol user=\"%s\" from=%s: wrong code",
			log_safe( u->username, name, sizeof( name ) ), r->client );
		setup_page( r, p, s, 1 );
		return;
	}
	if ( dir_enrol( u, u->pending ) != 0 ) {
		apppw_wipe( code, sizeof( code ) );
		message_page( r, p, 500, "Set up two-step verification",
			"Something went wrong. Try again later." );
		return;
	}
	apppw_wipe( u->pending, sizeof( u->pending ) );
	logmsg( "enrol user=\"%s\" from=%s: MFA is now required",
		log_safe( u->username, name, sizeof( name ) ), r->client );
	/* As the apppw tool does: creating an app password for oneself takes
	 * a connection that authenticated with the password and a code, and
	 * the server has not seen this code yet, so bind again with both. */
	clen = strlen( code );
	memcpy( cred, u->password, u->pwlen );
	memcpy( cred + u->pwlen, code, clen );
	rc = dir_bind( u->ld, u->dn, cred, u->pwlen + clen );
	apppw_wipe( cred, sizeof( cred ) );
	apppw_wipe( code, sizeof( code ) );
	apppw_wipe( u->password, sizeof( u->password ) );
	u->pwlen = 0;
	u->may_enrol = 0;
	if ( rc != LDAP_SUCCESS ) {
		logmsg( "enrol user=\"%s\": bind with the code: %s",
			log_safe( u->username, name, sizeof( name ) ), ldap_err2string( rc ) );
		sess_end( &sessions, s );
		p->clear_session = 1;
		message_page( r, p, 200, "Set up two-step verification",
			"Two-step verification is on. Sign in again, with a new code." );
		return;
	}
	u->mfa = 1;
	redirect( p, "/apps" );
}

/* --- app passwords --- */

static void
time_cell( struct req *r, struct buf *b, const char *cls, time_t t )
{
	char iso[sizeof( "2026-11-24T18:41:00Z" )], shown[sizeof( "2026-11-24 18:41" )];
	struct tm tm;

	buf_printf( b, "<td class=\"%s\">", cls );
	if ( t == 0 || gmtime_r( &t, &tm ) == NULL ) {
		buf_html( b, T( "Never" ) );
	} else {
		strftime( iso, sizeof( iso ), "%Y-%m-%dT%H:%M:%SZ", &tm );
		strftime( shown, sizeof( shown ), "%Y-%m-%d %H:%M", &tm );
		buf_printf( b, "<time datetime=\"%s\">%s</time>", iso, shown );
	}
	buf_str( b, "</td>" );
}

static void
apps_page( struct req *r, struct page *p, struct sess *s, const char *error )
{
	static const char *const head[] = { N_( "Label" ), N_( "Created" ),
		N_( "Last used" ), N_( "Expires" ), N_( "Scope" ), NULL };
	struct user *u = s->user;
	struct buf *b = &p->body;
	struct app_row *rows;
	int n = 0, i;

	if ( !u->mfa ) {
		redirect( p, "/home" );
		return;
	}
	rows = calloc( MAX_APPS, sizeof( *rows ) );
	if ( rows == NULL || dir_list( u, rows, MAX_APPS, &n ) != 0 ) {
		free( rows );
		message_page( r, p, 500, "App passwords",
			"Something went wrong. Try again later." );
		return;
	}
	page_start( r, p, s, T( "App passwords" ) );
	if ( error ) {
		error_para( r, p, error );
	}
	para( r, p, "", "Programs that cannot ask for a code, such as your "
		"phone's mail app, sign in with an app password instead of your "
		"password." );
	if ( n == 0 ) {
		para( r, p, " id=\"no-apps\"", "You have no app passwords." );
	} else {
		buf_str( b, "<table id=\"apps\">\n<thead><tr>" );
		for ( i = 0; head[i]; i++ ) {
			buf_str( b, "<th scope=\"col\">" );
			buf_html( b, T( head[i] ) );
			buf_str( b, "</th>" );
		}
		buf_str( b, "<th></th></tr></thead>\n<tbody>\n" );
		for ( i = 0; i < n; i++ ) {
			buf_printf( b, "<tr class=\"app\" data-id=\"%s\"><td class=\"label\">",
				rows[i].rec.id );
			buf_html( b, rows[i].rec.label );
			buf_str( b, "</td>" );
			time_cell( r, b, "created", rows[i].rec.created );
			time_cell( r, b, "last-used", rows[i].last_used );
			time_cell( r, b, "expires", rows[i].rec.expires );
			buf_str( b, "<td class=\"scope\">" );
			buf_html( b, rows[i].rec.scope[0] ? rows[i].rec.scope : T( "Any" ) );
			buf_str( b, "</td><td>" );
			form_start( p, s, "/revoke" );
			buf_printf( b, "<input type=\"hidden\" name=\"id\" value=\"%s\">"
				"<button class=\"revoke\" type=\"submit\">", rows[i].rec.id );
			buf_html( b, T( "Revoke" ) );
			buf_str( b, "</button></form></td></tr>\n" );
		}
		buf_str( b, "</tbody>\n</table>\n" );
		form_start( p, s, "/revoke-all" );
		buf_str( b, "<button id=\"revoke-all\" type=\"submit\">" );
		buf_html( b, T( "Revoke all" ) );
		buf_str( b, "</button>\n</form>\n" );
	}
	buf_str( b, "<h2>" );
	buf_html( b, T( "Create app password" ) );
	buf_str( b, "</h2>\n" );
	form_start( p, s, "/create" );
	buf_str( b, "<label for=\"label\">" );
	buf_html( b, T( "Label" ) );
	buf_str( b, "</label>\n<input id=\"label\" name=\"label\" required "
		"maxlength=\"64\" placeholder=\"" );
	buf_html( b, T( "Mail on my phone" ) );
	buf_str( b, "\">\n<label for=\"expires\">" );
	buf_html( b, T( "Expires after (days, optional)" ) );
	buf_printf( b, "</label>\n<input id=\"expires\" name=\"expires\" "
		"type=\"number\" min=\"1\" max=\"%d\">\n"
		"<button id=\"create\" type=\"submit\">", EXPIRY_DAYS_MAX );
	buf_html( b, T( "Create app password" ) );
	buf_str( b, "</button>\n</form>\n" );
	page_end( p );
	apppw_wipe( rows, MAX_APPS * sizeof( *rows ) );
	free( rows );
}

static void
do_create( struct req *r, struct page *p, struct sess *s )
{
	struct user *u = s->user;
	struct buf *b = &p->body;
	char label[APPPW_LABEL_MAX_BYTES + 1], days[16], name[USERNAME_MAX + 1];
	char norm[APPPW_PASSWORD_LEN + 1], shown[APPPW_DISPLAY_LEN + 1];
	time_t expires = 0;
	unsigned long n;
	size_t len;
	char *end;

	if ( !u->mfa ) {
		redirect( p, "/home" );
		return;
	}
	if ( form_get( r->body, r->bodylen, "label", label, sizeof( label ),
			&len ) != 0 || apppw_label_check( label, len ) != APPPW_REC_OK ) {
		apps_page( r, p, s, "That label cannot be used. Name the app or "
			"device, in at most 64 characters." );
		return;
	}
	if ( form_get( r->body, r->bodylen, "expires", days, sizeof( days ),
			&len ) == 0 && len > 0 ) {
		n = strtoul( days, &end, 10 );
		if ( !isdigit( (unsigned char)days[0] ) || *end || n < 1 ||
				n > EXPIRY_DAYS_MAX ) {
			apps_page( r, p, s, "The expiry must be a number of days, "
				"from 1 to 3650." );
			return;
		}
		expires = time( NULL ) + (time_t)n * 86400;
	}
	if ( dir_create( u, label, expires, norm ) != 0 ) {
		apps_page( r, p, s, "The app password could not be created." );
		return;
	}
	apppw_display( norm, shown );
	logmsg( "create user=\"%s\" from=%s id=%.*s", log_safe( u->username, name,
		sizeof( name ) ), r->client, APPPW_ID_LEN, norm );
	apppw_wipe( norm, sizeof( norm ) );

	page_start( r, p, s, T( "Your new app password" ) );
	para( r, p, "", "Copy it now: it will not be shown again." );
	buf_str( b, "<p><code id=\"app-password\">" );
	buf_str( b, shown );
	apppw_wipe( shown, sizeof( shown ) );
	buf_str( b, "</code> <button id=\"copy\" type=\"button\" hidden data-copied=\"" );
	buf_html( b, T( "Copied" ) );
	buf_str( b, "\">" );
	buf_html( b, T( "Copy" ) );
	buf_str( b, "</button></p>\n" );
	para( r, p, "", "Use it instead of your password in your mail app, with "
		"these settings:" );
	buf_str( b, "<dl class=\"settings\">\n<dt>" );
	buf_html( b, T( "Label" ) );
	buf_str( b, "</dt><dd>" );
	buf_html( b, label );
	buf_str( b, "</dd>\n<dt>" );
	buf_html( b, T( "Server" ) );
	buf_str( b, "</dt><dd><span id=\"server\">" );
	buf_html( b, cfg.mail_server ? cfg.mail_server :
		T( "ask your administrator" ) );
	buf_str( b, "</span></dd>\n<dt>" );
	buf_html( b, T( "Username" ) );
	buf_str( b, "</dt><dd><span id=\"username\">" );
	buf_html( b, u->username );
	buf_str( b, "</span></dd>\n</dl>\n<p><a id=\"done\" href=\"/apps\">" );
	buf_html( b, T( "Done" ) );
	buf_str( b, "</a></p>\n" );
	page_end( p );
}

static void
confirm_page( struct req *r, struct page *p, struct sess *s, const char *id,
	const char *label )
{
	struct buf *b = &p->body;

	page_start( r, p, s, T( id ? "Revoke" : "Revoke all" ) );
	if ( id ) {
		para( r, p, "", "Revoke this app password? Programs that use it can "
			"no longer sign in." );
		buf_str( b, "<p><strong>" );
		buf_html( b, label );
		buf_str( b, "</strong></p>\n" );
	} else {
		para( r, p, "", "Revoke all your app passwords? Programs that use "
			"them can no longer sign in." );
	}
	form_start( p, s, id ? "/revoke" : "/revoke-all" );
	if ( id ) {
		buf_printf( b, "<input type=\"hidden\" name=\"id\" value=\"%s\">\n", id );
	}
	buf_str( b, "<input type=\"hidden\" name=\"confirm\" value=\"yes\">\n"
		"<button id=\"confirm\" type=\"submit\">" );
	buf_html( b, T( "Revoke" ) );
	buf_str( b, "</button>\n<a id=\"cancel\" href=\"/apps\">" );
	buf_html( b, T( "Cancel" ) );
	buf_str( b, "</a>\n</form>\n" );
	page_end( p );
}

static void
do_revoke( struct req *r, struct page *p, struct sess *s, int all )
{
	struct user *u = s->user;
	char id[APPPW_ID_LEN + 2], confirm[8], name[USERNAME_MAX + 1];
	struct app_row *rows;
	size_t len;
	int n, i, confirmed;

	if ( !u->mfa ) {
		redirect( p, "/home" );
		return;
	}
	confirmed = form_get( r->body, r->bodylen, "confirm", confirm,
		sizeof( confirm ), &len ) == 0 && strcmp( confirm, "yes" ) == 0;
	if ( !all && ( form_get( r->body, r->bodylen, "id", id, sizeof( id ),
			&len ) != 0 || !apppw_id_valid( id, len ) ) ) {
		apps_page( r, p, s, "There is no such app password." );
		return;
	}
	if ( !confirmed ) {
		if ( all ) {
			confirm_page( r, p, s, NULL, NULL );
			return;
		}
		rows = calloc( MAX_APPS, sizeof( *rows ) );
		if ( rows == NULL || dir_list( u, rows, MAX_APPS, &n ) != 0 ) {
			free( rows );
			message_page( r, p, 500, "Revoke",
				"Something went wrong. Try again later." );
			return;
		}
		for ( i = 0; i < n && strcmp( rows[i].rec.id, id ); i++ )
			;
		if ( i == n ) {
			apps_page( r, p, s, "There is no such app password." );
		} else {
			confirm_page( r, p, s, id, rows[i].rec.label );
		}
		free( rows );
		return;
	}
	if ( dir_revoke( u, all ? NULL : id ) != 0 ) {
		apps_page( r, p, s, "The app password could not be revoked." );
		return;
	}
	logmsg( "revoke user=\"%s\" from=%s id=%s", log_safe( u->username, name,
		sizeof( name ) ), r->client, all ? "all" : id );
	redirect( p, "/apps" );
}

static void
do_signout( struct req *r, struct page *p, struct sess *s )
{
	char name[USERNAME_MAX + 1];

	if ( s->state == SESS_IN ) {
		logmsg( "signout user=\"%s\" from=%s", log_safe(
			( (struct user *)s->user )->username, name, sizeof( name ) ),
			r->client );
	}
	sess_end( &sessions, s );
	p->clear_session = 1;
	redirect( p, "/" );
}

/* --- routing --- */

static void
get_root( struct req *r, struct page *p, struct sess *s )
{
	if ( s && s->state == SESS_IN ) {
		redirect( p, ( (struct user *)s->user )->mfa ? "/apps" : "/home" );
	} else if ( s && s->state == SESS_CODE ) {
		code_page( r, p, s );
	} else {
		signin_page( r, p, s, NULL );
	}
}

void
flow( struct req *r, struct page *p, struct sess *s )
{
	int post = strcmp( r->method, "POST" ) == 0;
	const char *path = r->path;
	char token[SESS_TOKEN_HEX + 2];
	size_t len;

	if ( post ) {
		if ( s == NULL || form_get( r->body, r->bodylen, "csrf", token,
				sizeof( token ), &len ) != 0 || !sess_csrf_ok( s, token ) ) {
			logmsg( "refused %s from=%s: no or wrong CSRF token", path,
				r->client );
			message_page( r, p, 403, "Sign in", "This form has expired or "
				"did not come from this site. Go back to the start and try "
				"again." );
			return;
		}
		if ( strcmp( path, "/signout" ) == 0 ) {
			do_signout( r, p, s );
		} else if ( strcmp( path, "/signin" ) == 0 ) {
			/* the form again, from the code page: start over */
			if ( s->state == SESS_CODE ) {
				user_release( s->user );
				s->user = NULL;
				sess_set_state( &sessions, s, SESS_PRE );
			}
			if ( s->state == SESS_PRE ) {
				do_signin( r, p, s );
			} else {
				redirect( p, "/" );
			}
		} else if ( strcmp( path, "/code" ) == 0 ) {
			if ( s->state == SESS_CODE ) {
				do_code( r, p, s );
			} else {
				redirect( p, "/" );
			}
		} else if ( s->state != SESS_IN ) {
			redirect( p, "/" );
		} else if ( strcmp( path, "/setup" ) == 0 ) {
			do_setup( r, p, s );
		} else if ( strcmp( path, "/setup/verify" ) == 0 ) {
			do_setup_verify( r, p, s );
		} else if ( strcmp( path, "/create" ) == 0 ) {
			do_create( r, p, s );
		} else if ( strcmp( path, "/revoke" ) == 0 ) {
			do_revoke( r, p, s, 0 );
		} else if ( strcmp( path, "/revoke-all" ) == 0 ) {
			do_revoke( r, p, s, 1 );
		} else {
			message_page( r, p, 404, "App passwords", "There is no such page." );
		}
		return;
	}
	if ( strcmp( path, "/" ) == 0 ) {
		get_root( r, p, s );
	} else if ( strcmp( path, "/home" ) && strcmp( path, "/apps" ) &&
			strcmp( path, "/setup" ) ) {
		message_page( r, p, 404, "App passwords", "There is no such page." );
	} else if ( s == NULL || s->state != SESS_IN ) {
		redirect( p, "/" );
	} else if ( strcmp( path, "/home" ) == 0 ) {
		home_page( r, p, s );
	} else if ( strcmp( path, "/apps" ) == 0 ) {
		apps_page( r, p, s, NULL );
	} else {
		setup_page( r, p, s, 0 );
	}
}
