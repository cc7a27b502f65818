/* recovery.c - recovery codes: shown once, after the first authenticator
 * is set up and whenever new ones are made; how many are left, on the
 * app passwords page; new ones after a confirmation (the old ones stop
 * working). A recovery code signs in once in place of the app's code
 * (signin.c), so that a lost phone can be replaced (enrol.c). */

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "apppw_secret.h"
#include "form.h"
#include "pages.h"

/* The codes as a text file: a data: URL, so that "Download" needs no
 * script and no second request (the codes are not kept to serve it). */
static void
download_href( struct buf *b, const struct user *u,
	const struct recovery_codes *rc )
{
	static const char hex[] = "0123456789ABCDEF";
	struct buf text;
	size_t i;
	int k;

	buf_init( &text );
	buf_printf( &text, "Recovery codes for %s\n\n", u->account );
	for ( k = 0; k < rc->n; k++ ) {
		buf_printf( &text, "%s\n", rc->code[k] );
	}
	buf_str( b, "data:text/plain;charset=utf-8," );
	for ( i = 0; !text.failed && i < text.len; i++ ) {
		unsigned char c = text.data[i];

		if ( isalnum( c ) || c == '-' ) {
			buf_add( b, (const char *)&c, 1 );
		} else {
			char esc[3] = { '%', hex[c >> 4], hex[c & 15] };

			buf_add( b, esc, 3 );
		}
	}
	buf_free( &text );
}

void
recovery_codes_page( struct req *r, struct page *p, struct sess *s,
	const struct recovery_codes *rc, const char *next )
{
	struct user *u = s->user;
	struct buf *b = &p->body;
	int k;

	page_start( r, p, s, T( "Your recovery codes" ) );
	para( r, p, "", "If you lose your phone, each of these codes signs you "
		"in once, in place of a code from your app. Keep them somewhere "
		"safe, apart from your phone: print them, or save them in your "
		"password manager. They are shown only now." );
	buf_str( b, "<ol id=\"recovery-codes\">\n" );
	for ( k = 0; k < rc->n; k++ ) {
		buf_str( b, "<li><code>" );
		buf_html( b, rc->code[k] );
		buf_str( b, "</code></li>\n" );
	}
	buf_str( b, "</ol>\n<p class=\"actions\"><button id=\"copy-codes\" "
		"type=\"button\" hidden data-copied=\"" );
	buf_html( b, T( "Copied" ) );
	buf_str( b, "\">" );
	buf_html( b, T( "Copy" ) );
	buf_str( b, "</button> <button id=\"print-codes\" type=\"button\" hidden>" );
	buf_html( b, T( "Print" ) );
	buf_str( b, "</button> <a id=\"download-codes\" download=\"recovery-codes.txt\" "
		"href=\"" );
	download_href( b, u, rc );
	buf_str( b, "\">" );
	buf_html( b, T( "Download as text" ) );
	buf_str( b, "</a></p>\n" );
	if ( strcmp( next, "/" ) == 0 ) {
		para( r, p, " id=\"sign-in-again\"", "Two-step verification is on. "
			"Sign in again, with a new code." );
	}
	buf_printf( b, "<p><a id=\"continue\" href=\"%s\">", next );
	buf_html( b, T( "Continue" ) );
	buf_str( b, "</a></p>\n" );
	page_end( p );
}

/* "Recovery codes: N left", and the button that makes new ones */
void
recovery_section( struct req *r, struct page *p, struct sess *s )
{
	struct user *u = s->user;
	struct buf *b = &p->body;
	int n;

	buf_str( b, "<h2>" );
	buf_html( b, T( "Recovery codes" ) );
	buf_str( b, "</h2>\n" );
	if ( dir_recovery_count( u, &n ) == 0 ) {
		buf_str( b, "<p id=\"recovery-left\">" );
		buf_printf( b, T( "Recovery codes: %d left" ), n );
		buf_str( b, "</p>\n" );
	}
	para( r, p, "", "Each signs you in once in place of a code from your "
		"app, if you lose your phone." );
	form_start( p, s, "/recovery" );
	buf_str( b, "<button id=\"new-recovery-codes\" type=\"submit\">" );
	buf_html( b, T( "Make new recovery codes" ) );
	buf_str( b, "</button>\n</form>\n" );
}

void
do_recovery( struct req *r, struct page *p, struct sess *s )
{
	struct user *u = s->user;
	struct recovery_codes rc;
	char confirm[8], name[USERNAME_MAX + 1];
	size_t len;

	if ( !u->mfa ) {
		redirect( p, "/home" );
		return;
	}
	if ( form_get( r->body, r->bodylen, "confirm", confirm, sizeof( confirm ),
			&len ) != 0 || strcmp( confirm, "yes" ) != 0 ) {
		page_start( r, p, s, T( "Make new recovery codes" ) );
		para( r, p, "", "Make 10 new recovery codes? The ones you have now "
			"stop working." );
		form_start( p, s, "/recovery" );
		confirm_end( r, p, "Make new recovery codes" );
		page_end( p );
		return;
	}
	if ( dir_recovery_new( u, &rc ) != 0 ) {
		apps_page( r, p, s, "New recovery codes could not be made." );
		return;
	}
	logmsg( "recovery codes made user=\"%s\" from=%s count=%d", log_safe(
		u->username, name, sizeof( name ) ), r->client, rc.n );
	recovery_codes_page( r, p, s, &rc, "/apps" );
	apppw_wipe( &rc, sizeof( rc ) );
}
