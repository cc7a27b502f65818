/* pages.h - what flow.c, signin.c, enrol.c and apps.c share */
#ifndef WEB_PAGES_H
#define WEB_PAGES_H

#include <stddef.h>

#include "apppw_totp.h"
#include "web.h"

/* a text in the request's language */
#define T( s )	tr( r->lang, s )
/* marks a text for the catalogs, translated where it is shown */
#define N_( s )	s

#define CODE_MAX	16	/* a code as typed, spaces allowed */

/* pages.c */
const char *log_safe( const char *s, char *out, size_t size );
void page_start( struct req *r, struct page *p, struct sess *s,
	const char *title );
void page_end( struct page *p );
void form_start( struct page *p, struct sess *s, const char *action );
void para( struct req *r, struct page *p, const char *attrs,
	const char *msgid );
void error_para( struct req *r, struct page *p, const char *msgid );
void redirect( struct page *p, const char *to );
/* the form's code as typed: digits, spaces ignored. 0 or -1. */
int code_of( struct req *r, char code[APPPW_TOTP_DIGITS_MAX + 1] );

/* signin.c */
void get_root( struct req *r, struct page *p, struct sess *s );
void do_signin( struct req *r, struct page *p, struct sess *s );
void do_code( struct req *r, struct page *p, struct sess *s );
void do_signout( struct req *r, struct page *p, struct sess *s );

/* enrol.c */
void home_page( struct req *r, struct page *p, struct sess *s );
void setup_page( struct req *r, struct page *p, struct sess *s, int wrong );
void do_setup( struct req *r, struct page *p, struct sess *s );
void do_setup_verify( struct req *r, struct page *p, struct sess *s );

/* apps.c */
void apps_page( struct req *r, struct page *p, struct sess *s,
	const char *error );
void do_create( struct req *r, struct page *p, struct sess *s );
void do_revoke( struct req *r, struct page *p, struct sess *s, int all );

#endif /* WEB_PAGES_H */
