/* i18n.c - the page's languages: English (the msgids) and the catalogs
 * under --locale-dir, read with mo.c (see mo.h for why not gettext(3)) */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "form.h"
#include "mo.h"
#include "web.h"

const char *const lang_names[NLANGS] = { "en", "sv" };

static struct mo catalogs[NLANGS];

int
i18n_init( const char *dir )
{
	char path[4096];
	int i;

	for ( i = 1; i < NLANGS; i++ ) {
		if ( snprintf( path, sizeof( path ), "%s/%s/LC_MESSAGES/apppw-web.mo",
				dir, lang_names[i] ) >= (int)sizeof( path ) ) {
			logmsg( "--locale-dir %s: too long", dir );
			return -1;
		}
		if ( mo_load( &catalogs[i], path ) != 0 ) {
			logmsg( "%s: %s", path, errno == EINVAL ?
				"not a gettext catalog" : strerror( errno ) );
			return -1;
		}
	}
	return 0;
}

void
i18n_free( void )
{
	int i;

	for ( i = 0; i < NLANGS; i++ ) {
		mo_free( &catalogs[i] );
	}
}

const char *
tr( int lang, const char *msgid )
{
	const char *s;

	if ( lang <= 0 || lang >= NLANGS ) {
		return msgid;
	}
	s = mo_get( &catalogs[lang], msgid );
	return s ? s : msgid;
}

static int
lang_index( const char *name )
{
	int i;

	for ( i = 0; name && i < NLANGS; i++ ) {
		if ( strcmp( name, lang_names[i] ) == 0 ) {
			return i;
		}
	}
	return -1;
}

/* ?lang= (the switch), then the cookie it set, then Accept-Language */
int
lang_of( const struct req *r )
{
	int i;

	if ( ( i = lang_index( r->query_lang ) ) >= 0 ||
			( i = lang_index( r->cookie_lang ) ) >= 0 ||
			( i = lang_pick( r->accept_language, lang_names, NLANGS ) ) >= 0 ) {
		return i;
	}
	return LANG_EN;
}
