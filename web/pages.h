/* pages.h - what flow.c, signin.c, enrol.c and apps.c share */
#ifndef WEB_PAGES_H
#define WEB_PAGES_H

#include <stddef.h>

#include "apppw_secret.h"
#include "apppw_throttle.h"
#include "apppw_totp.h"
#include "web.h"

/* a text in the request's language */
#define T( s )	tr( r->lang, s )
/* marks a text for the catalogs, translated where it is shown */
#define N_( s )	s

#define CODE_MAX	40	/* a code as typed, spaces and dashes allowed */
/* a code as sent: the digits of a TOTP code, or the 20 symbols of a
 * recovery code */
#define CODE_LEN_MAX	( APPPW_PASSWORD_LEN > APPPW_TOTP_DIGITS_MAX ? \
	APPPW_PASSWORD_LEN : APPPW_TOTP_DIGITS_MAX )

/* pages.c */
const char *log_safe( const char *s, char *out, size_t size );
void page_start( struct req *r, struct page *p, struct sess *s,
	const char *title );
void page_end( struct page *p );
void form_start( struct page *p, struct sess *s, const char *action );
void confirm_end( struct req *r, struct page *p, const char *msgid );
void para( struct req *r, struct page *p, const char *attrs,
	const char *msgid );
void error_para( struct req *r, struct page *p, const char *msgid );
void redirect( struct page *p, const char *to );
/* The form's code as typed: digits, spaces ignored; with recovery, a
 * recovery code too, normalised as app passwords are (case, dashes,
 * spaces, look-alike letters). 0 or -1. */
int code_of( struct req *r, char code[CODE_LEN_MAX + 1], int recovery );

/* signin.c */
/* the sign-in rate limit's keys: the client's address and the username */
void signin_keys( const char *client, const char *username,
	apppw_throttle_key k[2] );
int signin_locked( const apppw_throttle_key k[2] );
void signin_count( const apppw_throttle_key k[2], int ok );
/* back to the sign-in form, with the one message for every failure */
void signin_failed( struct req *r, struct page *p, struct sess *s,
	const char *username, const char *reason );
/* past the rate limit: 429 and the sign-in form, with why */
void signin_limited( struct req *r, struct page *p, struct sess *s,
	const char *username );
/* the session is signed in: a new id and the cookie */
void signed_in( struct req *r, struct page *p, struct sess *s );
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

/* recovery.c: the codes shown once, then on to next ("/" when the
 * session could not be signed in) */
void recovery_codes_page( struct req *r, struct page *p, struct sess *s,
	const struct recovery_codes *rc, const char *next );
void recovery_section( struct req *r, struct page *p, struct sess *s );
void do_recovery( struct req *r, struct page *p, struct sess *s );

#endif /* WEB_PAGES_H */
