/* http.c - libmicrohttpd's side: a bounded body, the request as flow.c
 * sees it, the session and its lock, and every response's headers */

#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <microhttpd.h>

#include "apppw_secret.h"
#include "http.h"
#include "web.h"

#define ADDR_MAX	64	/* a numeric IPv6 address and more */

/* What a connection carries between the handler's calls. */
struct conn {
	char	body[BODY_MAX + 1];
	size_t	len;
	int	too_big;
};

static const char csp[] = "default-src 'self'; script-src 'self'; "
	"style-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'; "
	"form-action 'self'; frame-ancestors 'none'";

struct sent {
	char	*data;
	size_t	len;
};

/* MHD is done with a body: wipe it (a page may hold a secret). */
static void
free_sent( void *cls )
{
	struct sent *s = cls;

	apppw_wipe( s->data, s->len );
	free( s->data );
	free( s );
}

static void
common_headers( struct MHD_Response *resp )
{
	MHD_add_response_header( resp, "Content-Security-Policy", csp );
	MHD_add_response_header( resp, "X-Frame-Options", "DENY" );
	MHD_add_response_header( resp, "Referrer-Policy", "no-referrer" );
	MHD_add_response_header( resp, "X-Content-Type-Options", "nosniff" );
}

static enum MHD_Result
send_static( struct MHD_Connection *c, const char *text, const char *type )
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	resp = MHD_create_response_from_buffer( strlen( text ), (void *)text,
		MHD_RESPMEM_PERSISTENT );
	if ( resp == NULL ) {
		return MHD_NO;
	}
	common_headers( resp );
	MHD_add_response_header( resp, "Content-Type", type );
	MHD_add_response_header( resp, "Cache-Control", "public, max-age=3600" );
	ret = MHD_queue_response( c, MHD_HTTP_OK, resp );
	MHD_destroy_response( resp );
	return ret;
}

static void
cookie( struct MHD_Response *resp, const char *name, const char *value,
	const char *extra )
{
	char line[256];

	snprintf( line, sizeof( line ), "%s=%s; Path=/; HttpOnly; "
		"SameSite=Strict%s%s", name, value, cfg.tls ? "; Secure" : "",
		extra );
	MHD_add_response_header( resp, MHD_HTTP_HEADER_SET_COOKIE, line );
	apppw_wipe( line, sizeof( line ) );
}

static enum MHD_Result
send_page( struct MHD_Connection *c, struct req *r, struct page *p )
{
	struct MHD_Response *resp;
	struct sent *sent;
	enum MHD_Result ret;

	if ( p->body.failed ) {
		buf_free( &p->body );
		return MHD_NO;
	}
	sent = malloc( sizeof( *sent ) );
	if ( sent == NULL ) {
		buf_free( &p->body );
		return MHD_NO;
	}
	/* the page's buffer goes to MHD as it is; free_sent wipes it */
	sent->data = p->body.data ? p->body.data : strdup( "" );
	sent->len = p->body.data ? p->body.size : 1;
	resp = MHD_create_response_from_buffer_with_free_callback_cls(
		p->body.len, sent->data, free_sent, sent );
	buf_init( &p->body );
	if ( resp == NULL ) {
		free_sent( sent );
		return MHD_NO;
	}
	common_headers( resp );
	MHD_add_response_header( resp, "Content-Type", "text/html; charset=utf-8" );
	/* signed-in pages show one's app passwords, a new one once, a TOTP
	 * secret: none of it may be kept by a cache or the back button */
	MHD_add_response_header( resp, "Cache-Control", "no-store" );
	if ( p->location ) {
		MHD_add_response_header( resp, "Location", p->location );
	}
	if ( p->set_session ) {
		cookie( resp, "apppw_session", p->session_hex, "" );
	} else if ( p->clear_session ) {
		cookie( resp, "apppw_session", "", "; Max-Age=0" );
	}
	if ( p->set_lang ) {
		cookie( resp, "apppw_lang", lang_names[r->lang], "; Max-Age=31536000" );
	}
	ret = MHD_queue_response( c, p->status, resp );
	MHD_destroy_response( resp );
	return ret;
}

static int
trusted( const char *addr )
{
	int i;

	for ( i = 0; i < cfg.ntrusted; i++ ) {
		if ( strcmp( addr, cfg.trusted_proxy[i] ) == 0 ) {
			return 1;
		}
	}
	return 0;
}

/* The client's address: the peer's, or from a trusted proxy the last
 * address of X-Forwarded-For (the one that proxy saw). */
static void
client_address( struct MHD_Connection *c, char out[ADDR_MAX] )
{
	const union MHD_ConnectionInfo *ci;
	const char *xff, *last;
	unsigned char any[sizeof( struct in6_addr )];
	char tmp[ADDR_MAX];
	size_t len;

	strcpy( out, "unknown" );
	ci = MHD_get_connection_info( c, MHD_CONNECTION_INFO_CLIENT_ADDRESS );
	if ( ci == NULL || ci->client_addr == NULL || getnameinfo( ci->client_addr,
			ci->client_addr->sa_family == AF_INET6 ?
			sizeof( struct sockaddr_in6 ) : sizeof( struct sockaddr_in ),
			out, ADDR_MAX, NULL, 0, NI_NUMERICHOST ) != 0 ) {
		return;
	}
	if ( !trusted( out ) ) {
		return;
	}
	xff = MHD_lookup_connection_value( c, MHD_HEADER_KIND, "X-Forwarded-For" );
	if ( xff == NULL ) {
		return;
	}
	last = strrchr( xff, ',' );
	last = last ? last + 1 : xff;
	while ( *last == ' ' || *last == '\t' ) {
		last++;
	}
	len = strcspn( last, " \t" );
	if ( len == 0 || len >= sizeof( tmp ) ) {
		return;
	}
	memcpy( tmp, last, len );
	tmp[len] = '\0';
	if ( inet_pton( AF_INET, tmp, any ) == 1 ||
			inet_pton( AF_INET6, tmp, any ) == 1 ) {
		strcpy( out, tmp );
	}
}

/* url if it is one of the pages a GET shows, else "/" */
static const char *
page_path( const char *url )
{
	static const char *const pages[] = { "/", "/home", "/apps", "/setup", NULL };
	int i;

	for ( i = 0; pages[i]; i++ ) {
		if ( strcmp( url, pages[i] ) == 0 ) {
			return pages[i];
		}
	}
	return "/";
}

static enum MHD_Result
respond( struct MHD_Connection *c, const char *url, const char *method,
	struct conn *cn )
{
	struct req r;
	struct page p;
	struct sess *s = NULL;
	char client[ADDR_MAX];
	enum MHD_Result ret;
	int get = strcmp( method, "POST" ) != 0;
	time_t now = time( NULL );

	memset( &r, 0, sizeof( r ) );
	memset( &p, 0, sizeof( p ) );
	buf_init( &p.body );
	p.status = 200;
	client_address( c, client );
	r.method = method;
	r.path = url;
	r.body = cn ? cn->body : "";
	r.bodylen = cn ? cn->len : 0;
	r.client = client;
	r.query_lang = MHD_lookup_connection_value( c, MHD_GET_ARGUMENT_KIND, "lang" );
	r.cookie_lang = MHD_lookup_connection_value( c, MHD_COOKIE_KIND, "apppw_lang" );
	r.cookie_session = MHD_lookup_connection_value( c, MHD_COOKIE_KIND,
		"apppw_session" );
	r.accept_language = MHD_lookup_connection_value( c, MHD_HEADER_KIND,
		MHD_HTTP_HEADER_ACCEPT_LANGUAGE );
	r.lang = lang_of( &r );

	if ( get && strcmp( url, "/static/apppw.css" ) == 0 ) {
		return send_static( c, static_css, "text/css; charset=utf-8" );
	}
	if ( get && strcmp( url, "/static/apppw.js" ) == 0 ) {
		return send_static( c, static_js, "text/javascript; charset=utf-8" );
	}
	if ( cn && cn->too_big ) {
		message_page( &r, &p, 413, "App passwords", "The request is too large." );
		return send_page( c, &r, &p );
	}
	/* the language switch: remember the choice, then the same page (one
	 * of ours: the path is the client's, and "//elsewhere" would leave
	 * the site) */
	if ( get && r.query_lang && strcmp( r.query_lang, lang_names[r.lang] ) == 0 ) {
		p.set_lang = 1;
		p.status = 303;
		p.location = page_path( url );
		return send_page( c, &r, &p );
	}

	s = sess_find( &sessions, r.cookie_session, now );
	if ( s == NULL && get && strcmp( url, "/" ) == 0 ) {
		if ( sess_new( &sessions, now, &s ) != 0 ) {
			logmsg( "refused a new session from=%s: %u signed in",
				client, cfg.max_sessions );
			message_page( &r, &p, 503, "Sign in", "Too many people are "
				"signed in now. Try again in a few minutes." );
			return send_page( c, &r, &p );
		}
		sess_id_hex( s, p.session_hex );
		p.set_session = 1;
	}
	if ( s ) {
		pthread_mutex_lock( &s->lock );
		flow( &r, &p, s->dead ? NULL : s );
		pthread_mutex_unlock( &s->lock );
		sess_put( &sessions, s );
	} else {
		flow( &r, &p, NULL );
	}
	ret = send_page( c, &r, &p );
	return ret;
}

enum MHD_Result
http_handler( void *cls, struct MHD_Connection *c, const char *url,
	const char *method, const char *version, const char *upload_data,
	size_t *upload_data_size, void **con_cls )
{
	struct conn *cn = *con_cls;
	const char *length;

	(void)cls;
	(void)version;
	if ( cn == NULL ) {
		if ( strcmp( method, "GET" ) == 0 || strcmp( method, "HEAD" ) == 0 ) {
			return respond( c, url, method, NULL );
		}
		if ( strcmp( method, "POST" ) != 0 ) {
			struct MHD_Response *resp = MHD_create_response_from_buffer( 0,
				NULL, MHD_RESPMEM_PERSISTENT );
			enum MHD_Result ret;

			common_headers( resp );
			MHD_add_response_header( resp, "Allow", "GET, HEAD, POST" );
			ret = MHD_queue_response( c, MHD_HTTP_METHOD_NOT_ALLOWED, resp );
			MHD_destroy_response( resp );
			return ret;
		}
		cn = calloc( 1, sizeof( *cn ) );
		if ( cn == NULL ) {
			return MHD_NO;
		}
		*con_cls = cn;
		/* a body announced too large is refused before it is read */
		length = MHD_lookup_connection_value( c, MHD_HEADER_KIND,
			MHD_HTTP_HEADER_CONTENT_LENGTH );
		if ( length && strtoull( length, NULL, 10 ) > BODY_MAX ) {
			cn->too_big = 1;
			return respond( c, url, method, cn );
		}
		return MHD_YES;
	}
	if ( *upload_data_size ) {
		/* past the limit, the rest is read and dropped */
		if ( !cn->too_big && cn->len + *upload_data_size <= BODY_MAX ) {
			memcpy( cn->body + cn->len, upload_data, *upload_data_size );
			cn->len += *upload_data_size;
		} else {
			cn->too_big = 1;
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	cn->body[cn->len] = '\0';
	return respond( c, url, method, cn );
}

void
http_completed( void *cls, struct MHD_Connection *c, void **con_cls,
	enum MHD_RequestTerminationCode toe )
{
	struct conn *cn = *con_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if ( cn ) {
		apppw_wipe( cn, sizeof( *cn ) );
		free( cn );
		*con_cls = NULL;
	}
}
