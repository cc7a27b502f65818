/* signin.c - step 1, and its end: sign in with the password, then the
 * code for an MFA-required account, each attempt counted for the rate
 * limits; sign out */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <ldap.h>

#include "apppw_secret.h"
#include "apppw_throttle.h"
#include "apppw_totp.h"
#include "form.h"
#include "pages.h"

static const char txt_signin_error[] =
	N_( "The username, password or code is not right." );

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

/* After any password the server does not accept alone: the code, or the
 * set-up of a first authenticator. The same page for everyone (a wrong
 * password, an unknown user, an MFA account, a pending one), so that it
 * tells no more than the bind did. */
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
		"autocomplete=\"one-time-code\" autocapitalize=\"none\" "
		"spellcheck=\"false\" maxlength=\"40\" "
		"aria-describedby=\"code-hint\" required>\n<p id=\"code-hint\" "
		"class=\"hint\">" );
	buf_html( b, T( "The 6-digit code from your app, or a recovery code." ) );
	buf_str( b, "</p>\n<button id=\"verify\" type=\"submit\">" );
	buf_html( b, T( "Verify" ) );
	buf_str( b, "</button>\n</form>\n<h2>" );
	buf_html( b, T( "No authenticator app yet?" ) );
	buf_str( b, "</h2>\n" );
	para( r, p, "", "If your administrator has just turned on two-step "
		"verification for your account, set up your authenticator app now, "
		"with the password you gave." );
	form_start( p, s, "/setup" );
	buf_str( b, "<button id=\"setup-now\" type=\"submit\">" );
	buf_html( b, T( "Set it up now" ) );
	buf_str( b, "</button>\n</form>\n" );
	page_end( p );
}

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
void
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

int
signin_locked( const apppw_throttle_key k[2] )
{
	apppw_throttle_report rep;
	time_t now = time( NULL );

	return apppw_throttle_locked( &k[0], now, signin_policy(), &rep ) ||
		apppw_throttle_locked( &k[1], now, signin_policy(), &rep );
}

void
signin_count( const apppw_throttle_key k[2], int ok )
{
	apppw_throttle_report rep;
	time_t now = time( NULL );

	apppw_throttle_attempt( &k[0], now, ok, signin_policy(), &rep );
	apppw_throttle_attempt( &k[1], now, ok, signin_policy(), &rep );
}

/* Back to the sign-in form, with the one message for every failure. */
void
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

void
signin_limited( struct req *r, struct page *p, struct sess *s,
	const char *username )
{
	char name[USERNAME_MAX + 1];

	logmsg( "signin refused user=\"%s\" from=%s reason=rate limit",
		log_safe( username, name, sizeof( name ) ), r->client );
	if ( s->user ) {
		user_release( s->user );
		s->user = NULL;
	}
	sess_set_state( &sessions, s, SESS_PRE );
	p->status = 429;
	signin_page( r, p, s, "Too many attempts. Wait a few minutes, "
		"then try again." );
}

/* The session is signed in: a new id (the one seen before signing in
 * must not become a signed-in one) and the cookie; the caller sends it
 * on to its first page. */
void
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

void
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
	apppw_wipe( u->password, sizeof( u->password ) );
	u->pwlen = 0;
	signed_in( r, p, s );
	redirect( p, "/home" );
out:
	apppw_wipe( password, sizeof( password ) );
	apppw_wipe( username, sizeof( username ) );
}

void
do_code( struct req *r, struct page *p, struct sess *s )
{
	struct user *u = s->user;
	char code[CODE_LEN_MAX + 1], cred[PASSWORD_MAX + CODE_LEN_MAX + 1];
	char username[USERNAME_MAX + 1];
	apppw_throttle_key keys[2];
	size_t clen;
	int rc, mfa_required, recovery;

	memcpy( username, u->username, sizeof( username ) );
	signin_keys( r->client, u->username, keys );
	if ( signin_locked( keys ) ) {
		signin_limited( r, p, s, username );
		return;
	}
	/* failures here were counted at /signin already: each code tried
	 * takes a new /signin */
	if ( code_of( r, code, 1 ) != 0 ) {
		signin_failed( r, p, s, username, "not a code" );
		return;
	}
	clen = strlen( code );
	/* the overlay takes a recovery code where the TOTP code goes */
	recovery = clen == APPPW_PASSWORD_LEN;
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
	if ( recovery ) {
		char name[USERNAME_MAX + 1];

		logmsg( "signin user=\"%s\" from=%s with a recovery code",
			log_safe( username, name, sizeof( name ) ), r->client );
	}
	u->mfa = 1;
	signed_in( r, p, s );
	redirect( p, "/apps" );
}

void
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

void
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
