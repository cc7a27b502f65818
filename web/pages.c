/* pages.c - what every page shares: the frame (language switch, sign-out
 * button), forms with their CSRF token, paragraphs of translated text,
 * redirects, message pages; and the session's user data */

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "apppw_secret.h"
#include "apppw_totp.h"
#include "form.h"
#include "pages.h"

void
user_release( void *p )
{
	struct user *u = p;

	dir_close( u->ld );
	apppw_wipe( u, sizeof( *u ) );
	free( u );
}

/* A user-controlled text for the log: printable ASCII, the rest as '?'. */
const char *
log_safe( const char *s, char *out, size_t size )
{
	size_t i;

	for ( i = 0; s[i] && i + 1 < size; i++ ) {
		out[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	}
	out[i] = '\0';
	return out;
}

void
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

void
page_end( struct page *p )
{
	buf_str( &p->body, "</main>\n</body>\n</html>\n" );
}

/* <form method="post" action="action"> with the CSRF token */
void
form_start( struct page *p, struct sess *s, const char *action )
{
	buf_printf( &p->body, "<form method=\"post\" action=\"%s\">\n"
		"<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n", action, s->csrf );
}

/* The end of a form that asks to confirm: its "yes", a button that says
 * msgid, and Cancel back to the list. */
void
confirm_end( struct req *r, struct page *p, const char *msgid )
{
	struct buf *b = &p->body;

	buf_str( b, "<input type=\"hidden\" name=\"confirm\" value=\"yes\">\n"
		"<button id=\"confirm\" type=\"submit\">" );
	buf_html( b, T( msgid ) );
	buf_str( b, "</button>\n<a id=\"cancel\" href=\"/apps\">" );
	buf_html( b, T( "Cancel" ) );
	buf_str( b, "</a>\n</form>\n" );
}

void
para( struct req *r, struct page *p, const char *attrs, const char *msgid )
{
	buf_printf( &p->body, "<p%s>", attrs );
	buf_html( &p->body, T( msgid ) );
	buf_str( &p->body, "</p>\n" );
}

void
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

void
redirect( struct page *p, const char *to )
{
	p->status = 303;
	p->location = to;
}

int
code_of( struct req *r, char code[CODE_LEN_MAX + 1], int recovery )
{
	char typed[CODE_MAX + 1];
	size_t len, i, n = 0;
	int rc = -1;

	if ( form_get( r->body, r->bodylen, "code", typed, sizeof( typed ),
			&len ) != 0 ) {
		return -1;
	}
	for ( i = 0; i < len; i++ ) {
		if ( isdigit( (unsigned char)typed[i] ) && n < APPPW_TOTP_DIGITS_MAX ) {
			code[n++] = typed[i];
		} else if ( typed[i] != ' ' ) {
			break;
		}
	}
	if ( i == len && n >= APPPW_TOTP_DIGITS_MIN ) {
		code[n] = '\0';
		rc = 0;
	} else if ( recovery ) {
		rc = apppw_normalize( typed, len, code );
	}
	if ( rc != 0 ) {
		apppw_wipe( code, CODE_LEN_MAX + 1 );
	}
	apppw_wipe( typed, sizeof( typed ) );
	return rc;
}
