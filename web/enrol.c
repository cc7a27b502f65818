/* enrol.c - steps 2 to 4: "Set it up now" for an account that may, the
 * QR code and key of a secret kept in the session only, and the code that
 * proves the app has it before the secret and the MFA flag are stored */

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

void
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

void
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

void
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
