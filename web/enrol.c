/* enrol.c - steps 2 to 4: "Set it up now", the QR code and key of a
 * secret kept in the session only, and the code that proves the app has
 * it before the secret is stored.
 *
 * Two ways in. A pending account (an administrator required MFA; no
 * secret yet) cannot sign in with its password alone, so it comes from
 * the code page, not signed in: its secret is stored by the enrol
 * extended operation, which carries the password and the code, and the
 * session then signs in with the password and the next code, which the
 * page computes from the secret it still holds. An MFA session replaces
 * its authenticator (a lost phone) with a modify of its own secret. */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <ldap.h>

#include "apppw_secret.h"
#include "apppw_totp.h"
#include "form.h"
#include "pages.h"

static const char txt_setup_error[] =
	N_( "The code is not right. Check that your phone's clock is right and try again." );

void
home_page( struct req *r, struct page *p, struct sess *s )
{
	struct user *u = s->user;

	if ( u->mfa ) {
		redirect( p, "/apps" );
		return;
	}
	/* the password alone signed in: MFA is not required (a pending
	 * account's password alone never does) */
	page_start( r, p, s, T( "App passwords" ) );
	para( r, p, "", "Programs that cannot ask for a code, such as your "
		"phone's mail app, sign in with an app password. App passwords "
		"need two-step verification: your password and a code from an "
		"authenticator app." );
	para( r, p, " id=\"not-available\"", "These options are not "
		"available to you, because MFA is not required for your "
		"account. Ask your administrator." );
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

/* Whether s may be setting an authenticator up: a session at the code
 * page (a pending account, the server says later) or an MFA session; if
 * not, where it goes instead. */
static const char *
setup_elsewhere( struct sess *s )
{
	struct user *u = s->user;

	if ( s->state == SESS_CODE ) {
		return NULL;
	}
	return u->mfa ? NULL : "/home";
}

void
setup_page( struct req *r, struct page *p, struct sess *s, int wrong )
{
	struct user *u = s->user;
	struct buf *b = &p->body, uri;
	const char *elsewhere = setup_elsewhere( s );
	char issuer[256];
	size_t i;

	if ( elsewhere || u->pending[0] == '\0' ) {
		redirect( p, elsewhere ? elsewhere : s->state == SESS_CODE ? "/" : "/apps" );
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
	if ( u->mfa ) {
		para( r, p, " id=\"replaces\"", "This replaces your authenticator "
			"app: codes from the old one stop working once the new one is "
			"set up." );
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
	if ( u->mfa ) {
		buf_str( b, "<p><a id=\"cancel\" href=\"/apps\">" );
		buf_html( b, T( "Cancel" ) );
		buf_str( b, "</a></p>\n" );
	}
	page_end( p );
}

void
do_setup( struct req *r, struct page *p, struct sess *s )
{
	struct user *u = s->user;
	const char *elsewhere = setup_elsewhere( s );

	(void)r;
	if ( elsewhere ) {
		redirect( p, elsewhere );
		return;
	}
	/* a new secret each time the button is pressed; kept only here */
	if ( apppw_totp_new( u->pending, sizeof( u->pending ) ) != 0 ) {
		u->pending[0] = '\0';
		logmsg( "cannot generate a TOTP secret" );
		redirect( p, s->state == SESS_CODE ? "/" : "/apps" );
		return;
	}
	/* nothing of the entry can be read before it has signed in */
	if ( s->state == SESS_CODE ) {
		dir_account_of_dn( u );
	}
	redirect( p, "/setup" );
}

/* After a pending account's enrolment, which recorded the step of the code
 * typed: sign in with the password and the code of the next step,
 * computed from the secret, if the server's default window takes it now.
 * LDAP_SUCCESS, or why not. */
static int
bind_after_enrol( struct user *u, time_t step_start )
{
	char cred[PASSWORD_MAX + APPPW_TOTP_DIGITS_MAX + 1];
	int64_t next = (int64_t)step_start / APPPW_TOTP_DEFAULT_STEP + 1;
	int rc;

	if ( step_start == 0 || time( NULL ) / APPPW_TOTP_DEFAULT_STEP +
			APPPW_TOTP_DEFAULT_WINDOW < next ) {
		return LDAP_INVALID_CREDENTIALS;
	}
	memcpy( cred, u->password, u->pwlen );
	if ( apppw_totp_code( u->pending, strlen( u->pending ),
			(time_t)next * APPPW_TOTP_DEFAULT_STEP, APPPW_TOTP_DEFAULT_STEP,
			APPPW_TOTP_DEFAULT_DIGITS, cred + u->pwlen,
			sizeof( cred ) - u->pwlen ) != 0 ) {
		apppw_wipe( cred, sizeof( cred ) );
		return LDAP_LOCAL_ERROR;
	}
	rc = dir_bind( u->ld, u->dn, cred, u->pwlen + APPPW_TOTP_DEFAULT_DIGITS );
	apppw_wipe( cred, sizeof( cred ) );
	return rc;
}

/* The first authenticator of a pending account, from the code page. Any
 * refusal is the sign-in's one message: the enrol operation answers a
 * wrong password, an unknown entry and a locked one alike, but an
 * enrolled account's with "enrolled already" whatever the password, which
 * the page must not pass on. */
static void
setup_pending( struct req *r, struct page *p, struct sess *s, const char *code )
{
	struct user *u = s->user;
	char username[USERNAME_MAX + 1], name[USERNAME_MAX + 1];
	apppw_throttle_key keys[2];
	struct recovery_codes codes;
	time_t step_start = 0;
	int rc, mfa_required;

	memcpy( username, u->username, sizeof( username ) );
	log_safe( username, name, sizeof( name ) );
	signin_keys( r->client, username, keys );
	if ( signin_locked( keys ) ) {
		signin_limited( r, p, s, username );
		return;
	}
	rc = dir_enrol_pending( u, u->pending, code, &step_start, &codes );
	if ( rc != LDAP_SUCCESS ) {
		char *diag = NULL;

		ldap_get_option( u->ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diag );
		logmsg( "enrol user=\"%s\" from=%s refused: %s%s%s", name,
			r->client, ldap_err2string( rc ), diag && *diag ? ": " : "",
			diag && *diag ? diag : "" );
		ldap_memfree( diag );
		/* failures were counted at /signin already */
		signin_failed( r, p, s, username, "the enrol operation refused it" );
		return;
	}
	signin_count( keys, 1 );
	logmsg( "enrol user=\"%s\" from=%s: first authenticator set up", name,
		r->client );
	rc = bind_after_enrol( u, step_start );
	apppw_wipe( u->pending, sizeof( u->pending ) );
	apppw_wipe( u->password, sizeof( u->password ) );
	u->pwlen = 0;
	if ( rc != LDAP_SUCCESS || dir_read_self( u, &mfa_required ) != 0 ) {
		logmsg( "enrol user=\"%s\": no session with the next code", name );
		if ( codes.n == 0 ) {
			sess_end( &sessions, s );
			p->clear_session = 1;
			message_page( r, p, 200, "Set up two-step verification",
				"Two-step verification is on. Sign in again, with a new code." );
			return;
		}
		/* the codes first: they are not shown again */
		sess_set_state( &sessions, s, SESS_PRE );
		recovery_codes_page( r, p, s, &codes, "/" );
		user_release( s->user );
		s->user = NULL;
		apppw_wipe( &codes, sizeof( codes ) );
		return;
	}
	u->mfa = 1;
	signed_in( r, p, s );
	if ( codes.n == 0 ) {
		redirect( p, "/apps" );
		return;
	}
	recovery_codes_page( r, p, s, &codes, "/apps" );
	apppw_wipe( &codes, sizeof( codes ) );
}

void
do_setup_verify( struct req *r, struct page *p, struct sess *s )
{
	struct user *u = s->user;
	const char *elsewhere = setup_elsewhere( s );
	char code[CODE_LEN_MAX + 1], name[USERNAME_MAX + 1];
	int64_t step;

	if ( elsewhere || u->pending[0] == '\0' ) {
		redirect( p, elsewhere ? elsewhere : s->state == SESS_CODE ? "/" : "/apps" );
		return;
	}
	/* the code proves the app has the secret before anything is sent */
	if ( code_of( r, code, 0 ) != 0 || apppw_totp_check( u->pending,
			strlen( u->pending ), code, strlen( code ), time( NULL ),
			APPPW_TOTP_DEFAULT_STEP, APPPW_TOTP_DEFAULT_DIGITS,
			APPPW_TOTP_DEFAULT_WINDOW, -1, &step ) != 0 ) {
		apppw_wipe( code, sizeof( code ) );
		logmsg( "enrol user=\"%s\" from=%s: wrong code",
			log_safe( u->username, name, sizeof( name ) ), r->client );
		setup_page( r, p, s, 1 );
		return;
	}
	if ( s->state == SESS_CODE ) {
		setup_pending( r, p, s, code );
		apppw_wipe( code, sizeof( code ) );
		return;
	}
	apppw_wipe( code, sizeof( code ) );
	if ( dir_replace_secret( u, u->pending ) != 0 ) {
		message_page( r, p, 500, "Set up two-step verification",
			"Something went wrong. Try again later." );
		return;
	}
	apppw_wipe( u->pending, sizeof( u->pending ) );
	logmsg( "enrol user=\"%s\" from=%s: new authenticator",
		log_safe( u->username, name, sizeof( name ) ), r->client );
	redirect( p, "/apps" );
}
