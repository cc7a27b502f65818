/* web.h - what apppw-web's files share
 *
 * main.c reads the options and runs the daemon; http.c turns a request
 * into a struct req and a struct page into a response (headers, cookies,
 * limits); flow.c routes each URL to signin.c (step 1 and sign-out),
 * enrol.c (steps 2 to 4), recovery.c (recovery codes) or apps.c (step
 * 5), which draw with pages.c;
 * directory.c is every LDAP operation, each on the user's own
 * connection; i18n.c the languages; qr.c the QR code; static.c the CSS
 * and the Copy button's script. buf.c, form.c, mo.c and session.c know
 * nothing of HTTP or LDAP, and have unit tests.
 */
#ifndef WEB_H
#define WEB_H

#include <stddef.h>
#include <time.h>

#include <ldap.h>

#include "apppw_label.h"
#include "apppw_record.h"
#include "apppw_secret.h"
#include "apppw_state.h"
#include "apppw_totp.h"
#include "buf.h"
#include "session.h"

#define USERNAME_MAX	256	/* bytes of a username as typed */
#define PASSWORD_MAX	1024	/* bytes of a password as typed */
#define DN_MAX		1024
#define ACCOUNT_MAX	256	/* the authenticator app's account name */
#define MAX_TRUSTED_PROXIES	16
#define BODY_MAX	4096	/* a POST body: every form here is far smaller */
#define MAX_APPS	200	/* rows listed; the overlay's cap is lower */
#define RECOVERY_CODES_MAX	16	/* the server makes 10 */

struct config {
	const char	*uri;		/* NULL: ldap.conf's */
	int		starttls;	/* 1 try, 2 require */
	const char	*user_dn;	/* template with one %s */
	const char	*search_base;
	const char	*search_filter;	/* with one %s */
	const char	*search_bind_dn;
	char		*search_bind_pw;	/* read from a file */
	const char	*listen;
	const char	*tls_cert;
	const char	*tls_key;
	const char	*trusted_proxy[MAX_TRUSTED_PROXIES];
	int		ntrusted;
	unsigned	idle;
	unsigned	lifetime;
	unsigned	max_sessions;
	unsigned	max_connections;
	unsigned	signin_failures;
	unsigned	signin_lockout;
	const char	*issuer;
	const char	*mail_server;
	const char	*locale_dir;
	const char	*pid_file;
	int		tls;		/* serving HTTPS */
};

extern struct config cfg;
extern struct sess_table sessions;

/* A session's user: bound LDAP connection and what the pages need. */
struct user {
	LDAP		*ld;
	char		username[USERNAME_MAX + 1];
	char		dn[DN_MAX + 1];
	char		account[ACCOUNT_MAX + 1];
	/* kept while it is needed: until the code is given, or the first
	 * authenticator set up (SESS_CODE); wiped at once after */
	char		password[PASSWORD_MAX + 1];
	size_t		pwlen;
	int		mfa;		/* bound with password and code */
	char		pending[APPPW_TOTP_B32_LEN + 1];	/* secret being set up */
};

/* A request as flow.c sees it. */
struct req {
	const char	*method;
	const char	*path;
	const char	*body;
	size_t		bodylen;
	const char	*client;	/* address, for limits and logs */
	const char	*query_lang;	/* ?lang=, or NULL */
	const char	*cookie_lang;
	const char	*accept_language;
	const char	*cookie_session;
	int		lang;		/* index into the languages */
};

/* What flow.c answers. */
struct page {
	unsigned	status;
	const char	*location;	/* a redirect (303) */
	struct buf	body;
	int		set_session;	/* send the session cookie */
	int		clear_session;
	char		session_hex[SESS_ID_HEX + 1];
	int		set_lang;
};

/* log.c-like: one line on stderr, with the time */
void logmsg( const char *fmt, ... ) __attribute__(( format( printf, 1, 2 ) ));

/* i18n.c */
#define LANG_EN		0
#define LANG_SV		1
#define NLANGS		2
extern const char *const lang_names[NLANGS];
int i18n_init( const char *dir );
void i18n_free( void );
const char *tr( int lang, const char *msgid );
int lang_of( const struct req *r );

/* directory.c: each returns 0 or -1 (and logs why), unless it says */
int dir_connect( LDAP **ld );
int dir_user_dn( const char *username, char *dn, size_t size );
/* the bind's LDAP result code */
int dir_bind( LDAP *ld, const char *dn, const char *cred, size_t len );
/* reads the account's MFA flag and the account name for the app */
int dir_read_self( struct user *u, int *mfa_required );
/* the account name for the app when the entry cannot be read yet: the
 * value of the DN's first RDN, as the apppw tool makes it then */
void dir_account_of_dn( struct user *u );
struct app_row {
	apppw_record	rec;
	time_t		last_used;	/* 0: never */
	char		from[APPPW_FROM_MAX_LEN + 1];	/* "": not known */
	time_t		ends;		/* the server's apppwExpiry; 0: never */
	enum apppw_expiry_reason ends_by;
};
int dir_list( struct user *u, struct app_row *rows, int max, int *n );
/* scope: a name the server offers, or NULL for anywhere */
int dir_create( struct user *u, const char *label, time_t expires,
	const char *scope, char norm[APPPW_PASSWORD_LEN + 1] );
/* The scopes the server offers the account (apppwOfferedScope: "NAME
 * CONDITIONS"), at most max; none when it offers none. */
#define OFFER_CONDITIONS_MAX	256
struct scope_offer {
	char		name[APPPW_SCOPE_MAX + 1];
	char		conditions[OFFER_CONDITIONS_MAX + 1];
};
#define MAX_OFFERS	32
int dir_offered_scopes( struct user *u, struct scope_offer *offers, int max,
	int *n );
/* id NULL: all */
int dir_revoke( struct user *u, const char *id );
/* Recovery codes as the server gives them, each in display form
 * (abcd-efgh-jkmn-pqrs-tvwx), to be shown once and wiped. */
struct recovery_codes {
	int		n;
	char		code[RECOVERY_CODES_MAX][APPPW_DISPLAY_LEN + 1];
};
/* how many recovery codes the account has left */
int dir_recovery_count( struct user *u, int *n );
/* new recovery codes for the session's own account (the old ones go) */
int dir_recovery_new( struct user *u, struct recovery_codes *rc );
/* The first authenticator of a pending account, by the enrol extended
 * operation on u's connection, with u's password: the LDAP result code;
 * on success, *step_start is the code's time step as the server recorded
 * it and rc the first recovery codes (0 and none when the answer could
 * not be read). */
int dir_enrol_pending( struct user *u, const char *secret, const char *code,
	time_t *step_start, struct recovery_codes *rc );
/* a new authenticator for an MFA session: the secret replaced */
int dir_replace_secret( struct user *u, const char *secret );
void dir_close( LDAP *ld );

/* qr.c: an SVG of text into b */
int qr_svg( struct buf *b, const char *text );

/* static.c */
extern const char static_css[];
extern const char static_js[];

/* flow.c: the answer to r, from session s (NULL: none), whose lock the
 * caller holds */
void flow( struct req *r, struct page *p, struct sess *s );
/* pages.c */
void message_page( struct req *r, struct page *p, unsigned status,
	const char *title, const char *msgid );
void user_release( void *user );

#endif /* WEB_H */
