/* apps.c - step 5: the list of app passwords, a new one shown once, and
 * revoking one or all after a confirmation */

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
#include "form.h"
#include "pages.h"

#define EXPIRY_DAYS_MAX	3650

/* A cell of class cls with the time t, left open for more. */
static void
time_cell_open( struct req *r, struct buf *b, const char *cls, time_t t )
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
}

/* When it stops working: its own expiry, or a server setting's, with the
 * reason then; said to be past once it is. */
static void
end_cell( struct req *r, struct buf *b, const struct app_row *row )
{
	time_cell_open( r, b, "expires", row->ends );
	if ( row->ends == 0 ) {
		buf_str( b, "</td>" );
		return;
	}
	if ( row->ends_by == APPPW_EXPIRY_MAX_IDLE ) {
		buf_str( b, " <span class=\"why\">" );
		buf_html( b, T( "if still unused" ) );
		buf_str( b, "</span>" );
	} else if ( row->ends_by == APPPW_EXPIRY_MAX_AGE ) {
		buf_str( b, " <span class=\"why\">" );
		buf_html( b, T( "(the longest an app password may live)" ) );
		buf_str( b, "</span>" );
	}
	if ( time( NULL ) >= row->ends ) {
		buf_str( b, " <strong class=\"expired\">" );
		buf_html( b, T( "Expired" ) );
		buf_str( b, "</strong>" );
	}
	buf_str( b, "</td>" );
}

void
apps_page( struct req *r, struct page *p, struct sess *s, const char *error )
{
	static const char *const head[] = { N_( "Label" ), N_( "Created" ),
		N_( "Last used" ), N_( "Expires" ), N_( "Scope" ), NULL };
	struct user *u = s->user;
	struct buf *b = &p->body;
	struct scope_offer offers[MAX_OFFERS];
	struct app_row *rows;
	int n = 0, i, noffers;

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
	/* without them, the form has no choice to offer */
	if ( dir_offered_scopes( u, offers, MAX_OFFERS, &noffers ) != 0 ) {
		noffers = 0;
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
			time_cell_open( r, b, "created", rows[i].rec.created );
			buf_str( b, "</td>" );
			time_cell_open( r, b, "last-used", rows[i].last_used );
			if ( rows[i].from[0] ) {
				buf_str( b, " <span class=\"from\">" );
				buf_html( b, T( "from" ) );
				buf_str( b, " " );
				buf_html( b, rows[i].from );
				buf_str( b, "</span>" );
			}
			buf_str( b, "</td>" );
			end_cell( r, b, &rows[i] );
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
		"type=\"number\" min=\"1\" max=\"%d\">\n", EXPIRY_DAYS_MAX );
	if ( noffers > 0 ) {
		buf_str( b, "<label for=\"scope\">" );
		buf_html( b, T( "Where it may be used" ) );
		buf_str( b, "</label>\n<select id=\"scope\" name=\"scope\">\n"
			"<option value=\"\" selected>" );
		buf_html( b, T( "Anywhere" ) );
		buf_str( b, "</option>\n" );
		for ( i = 0; i < noffers; i++ ) {
			buf_str( b, "<option value=\"" );
			buf_html( b, offers[i].name );
			buf_str( b, "\">" );
			buf_html( b, offers[i].name );
			if ( offers[i].conditions[0] ) {
				buf_str( b, " (" );
				buf_html( b, offers[i].conditions );
				buf_str( b, ")" );
			}
			buf_str( b, "</option>\n" );
		}
		buf_str( b, "</select>\n" );
	}
	buf_str( b, "<button id=\"create\" type=\"submit\">" );
	buf_html( b, T( "Create app password" ) );
	buf_str( b, "</button>\n</form>\n<h2>" );
	buf_html( b, T( "Two-step verification" ) );
	buf_str( b, "</h2>\n" );
	para( r, p, "", "A new phone, or a lost one: set up your authenticator "
		"app again. The old one stops working." );
	form_start( p, s, "/setup" );
	buf_str( b, "<button id=\"new-authenticator\" type=\"submit\">" );
	buf_html( b, T( "Set up a new authenticator app" ) );
	buf_str( b, "</button>\n</form>\n" );
	recovery_section( r, p, s );
	page_end( p );
	apppw_wipe( rows, MAX_APPS * sizeof( *rows ) );
	free( rows );
}

void
do_create( struct req *r, struct page *p, struct sess *s )
{
	struct user *u = s->user;
	struct buf *b = &p->body;
	char label[APPPW_LABEL_MAX_BYTES + 1], days[16], name[USERNAME_MAX + 1];
	char scope[APPPW_SCOPE_MAX + 2];
	struct scope_offer offers[MAX_OFFERS];
	int noffers, i;
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
	/* one of the scopes offered now, or none: anywhere */
	if ( form_get( r->body, r->bodylen, "scope", scope, sizeof( scope ),
			&len ) != 0 ) {
		scope[0] = '\0';
	}
	if ( scope[0] ) {
		if ( dir_offered_scopes( u, offers, MAX_OFFERS, &noffers ) != 0 ) {
			noffers = 0;
		}
		for ( i = 0; i < noffers && strcmp( offers[i].name, scope ); i++ )
			;
		if ( i == noffers ) {
			apps_page( r, p, s, "That place of use is not offered. "
				"Choose one from the list." );
			return;
		}
	}
	if ( dir_create( u, label, expires, scope[0] ? scope : NULL, norm ) != 0 ) {
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
	buf_str( b, "</span></dd>\n" );
	if ( scope[0] ) {
		buf_str( b, "<dt>" );
		buf_html( b, T( "Where it may be used" ) );
		buf_str( b, "</dt><dd><span id=\"scope\">" );
		buf_html( b, scope );
		buf_str( b, "</span></dd>\n" );
	}
	buf_str( b, "</dl>\n<p><a id=\"done\" href=\"/apps\">" );
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
	confirm_end( r, p, "Revoke" );
	page_end( p );
}

void
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
