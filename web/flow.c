/* flow.c - the seed's five steps, one function a URL
 *
 * Sign in (/, /signin, /code: signin.c), set MFA up (/home, /setup,
 * /setup/verify: enrol.c; a pending account's from the code page, before
 * it has signed in), app passwords (/apps, /create, /revoke,
 * /revoke-all: apps.c), recovery codes (/recovery: recovery.c), sign out
 * (/signout). Every POST carries the
 * session's CSRF token; every change is made on the user's own LDAP
 * connection. Secrets (passwords, codes, TOTP secrets, app passwords) live
 * in the session or on the stack only as long as they are needed, are
 * wiped after, and are never logged.
 */

#include <string.h>

#include "form.h"
#include "pages.h"

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
		} else if ( s->state != SESS_IN && s->state != SESS_CODE ) {
			redirect( p, "/" );
		} else if ( strcmp( path, "/setup" ) == 0 ) {
			/* a pending account's first, from the code page, or a
			 * new one for an MFA session */
			do_setup( r, p, s );
		} else if ( strcmp( path, "/setup/verify" ) == 0 ) {
			do_setup_verify( r, p, s );
		} else if ( s->state != SESS_IN ) {
			redirect( p, "/" );
		} else if ( strcmp( path, "/create" ) == 0 ) {
			do_create( r, p, s );
		} else if ( strcmp( path, "/revoke" ) == 0 ) {
			do_revoke( r, p, s, 0 );
		} else if ( strcmp( path, "/revoke-all" ) == 0 ) {
			do_revoke( r, p, s, 1 );
		} else if ( strcmp( path, "/recovery" ) == 0 ) {
			do_recovery( r, p, s );
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
	} else if ( s && s->state == SESS_CODE && strcmp( path, "/setup" ) == 0 ) {
		setup_page( r, p, s, 0 );
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
