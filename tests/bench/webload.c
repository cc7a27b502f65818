/* webload.c - HTTP load generator for apppw-web's benchmark scenario
 *
 * Two phases, against one apppw-web:
 *
 * 1. Sign-in: N sessions are signed in one after another, as a browser
 *    does it: GET / (the pre-sign-in cookie and its CSRF token), POST
 *    /signin with the username and password, POST /code with the current
 *    TOTP code, then GET /apps, which must be the list. Each session's
 *    users come from gendata's credentials file (every user MFA-required,
 *    with a TOTP secret; the username is the DN's first uid value), each
 *    user once. Each sign-in comes from its own loopback source address
 *    (-b: 127.0.0.2, 127.0.0.3, ...), as N browsers on N machines would:
 *    the server's per-address sign-in limit is for an attacker, not for
 *    a benchmark's population.
 *
 * 2. Load: T threads, each with one keep-alive connection, send GET
 *    PATH (default /apps) as fast as the server answers, each request
 *    with the cookie of the next session (round-robin over all N), for -w
 *    seconds of warm-up and then -d measured seconds. An answer that is
 *    not 200 with the list in it (a session gone, an error) is an error;
 *    a run with errors reports no figure, only the errors.
 *
 * The last line of output is machine-readable:
 *   RESULT sessions=.. signin_seconds=.. requests=.. errors=.. seconds=..
 *          rate=.. p50_us=.. p99_us=.. max_us=..
 * Percentiles are nearest-rank over every measured request's latency (from
 * just before the request is written to the end of its answer).
 */

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <liboath/oath.h>

#define LINE_MAX_LEN	4096	/* a credentials line */
#define FIELD_MAX	256	/* a username, password, cookie or token */
#define HEAD_MAX	16384	/* an answer's status line and headers */
#define BODY_MAX	( 1024 * 1024 )
#define REQUEST_MAX	( 4 * FIELD_MAX + 1024 )
#define MAX_THREADS	256
#define MAX_REDIRECTS	4
#define TOTP_STEP	30
#define TOTP_DIGITS	6
#define SESSION_COOKIE	"apppw_session"
#define SHOW_ERRORS	5

struct session {
	char	username[FIELD_MAX];
	char	password[FIELD_MAX];
	char	*secret;		/* raw TOTP secret */
	size_t	secret_len;
	char	cookie[FIELD_MAX];	/* the apppw_session value */
	char	csrf[FIELD_MAX];	/* the latest page's token */
};

/* One connection, with what was read from it but not yet used. */
struct conn {
	int	fd;
	char	buf[HEAD_MAX];
	size_t	have, off;
};

struct answer {
	int	status;
	int	close;		/* the server said Connection: close */
	char	location[FIELD_MAX];
	char	*body;		/* NUL-terminated, BODY_MAX at most */
	size_t	len;
};

struct worker {
	pthread_t	tid;
	uint64_t	*lat;	/* latencies of the measured requests, ns */
	size_t		nlat, cap;
	unsigned long	errors;
	int		failed;
};

static struct {
	struct sockaddr_in	server;
	const char		*creds;
	const char		*path;
	struct in_addr		source;	/* first source address, or INADDR_ANY */
	long			sessions;
	int			threads;
	double			warmup, duration;
} cfg = {
	.path = "/apps",
	.sessions = 200,
	.threads = 8,
	.warmup = 2,
	.duration = 10,
};

static struct session *sessions;
static long nsessions;
static atomic_ulong cursor;
static atomic_int errors_shown;
static uint64_t warm_end_ns, end_ns;

static void
die( const char *msg )
{
	fprintf( stderr, "webload: %s\n", msg );
	exit( 2 );
}

static uint64_t
now_ns( void )
{
	struct timespec ts;

	clock_gettime( CLOCK_MONOTONIC, &ts );
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

static void
show_error( const char *what, const struct session *s, const struct answer *a )
{
	if ( atomic_fetch_add( &errors_shown, 1 ) >= SHOW_ERRORS )
		return;
	fprintf( stderr, "webload: %s as %s: %s%d%s%s\n", what, s->username,
		a ? "status " : "", a ? a->status : 0,
		a && a->location[0] ? " to " : "", a ? a->location : "" );
}

/* ---------------------------------------------------------------- users */

/* copy_field: a NUL-terminated copy of LEN bytes into a FIELD_MAX buffer;
 * -1 if it does not fit */
static int
copy_field( char *dst, const char *src, size_t len )
{
	if ( len >= FIELD_MAX )
		return -1;
	memcpy( dst, src, len );
	dst[len] = '\0';
	return 0;
}

/* gendata's line: dn \t password \t app-password \t totp-base32 */
static int
parse_user( char *line, struct session *s )
{
	char *f[4], *p = line, *uid, *end;
	int i;

	for ( i = 0; i < 4; i++ ) {
		f[i] = strsep( &p, "\t\n" );
		if ( f[i] == NULL )
			return -1;
	}
	if ( strncasecmp( f[0], "uid=", 4 ) != 0 || strcmp( f[3], "-" ) == 0 )
		return -1;
	uid = f[0] + 4;
	end = strchr( uid, ',' );
	if ( end == NULL || copy_field( s->username, uid, end - uid ) != 0 ||
			copy_field( s->password, f[1], strlen( f[1] ) ) != 0 )
		return -1;
	if ( oath_base32_decode( f[3], strlen( f[3] ), &s->secret,
			&s->secret_len ) != OATH_OK )
		return -1;
	return 0;
}

static void
load_users( void )
{
	FILE *fp = fopen( cfg.creds, "r" );
	char line[LINE_MAX_LEN];

	if ( fp == NULL ) {
		fprintf( stderr, "webload: %s: %s\n", cfg.creds, strerror( errno ) );
		exit( 2 );
	}
	sessions = calloc( cfg.sessions, sizeof(*sessions) );
	if ( sessions == NULL )
		die( "out of memory" );
	while ( nsessions < cfg.sessions && fgets( line, sizeof(line), fp ) ) {
		if ( parse_user( line, &sessions[nsessions] ) == 0 )
			nsessions++;
	}
	fclose( fp );
	if ( nsessions < cfg.sessions )
		die( "fewer MFA users with a TOTP secret in the credentials file than sessions" );
}

/* ---------------------------------------------------------------- HTTP */

static int
conn_open( struct conn *c, const struct in_addr *source )
{
	int one = 1;

	c->have = c->off = 0;
	c->fd = socket( AF_INET, SOCK_STREAM, 0 );
	if ( c->fd < 0 )
		return -1;
	setsockopt( c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one) );
	if ( source && source->s_addr != htonl( INADDR_ANY ) ) {
		struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr = *source };

		if ( bind( c->fd, (struct sockaddr *)&sa, sizeof(sa) ) != 0 ) {
			close( c->fd );
			c->fd = -1;
			return -1;
		}
	}
	if ( connect( c->fd, (struct sockaddr *)&cfg.server, sizeof(cfg.server) ) != 0 ) {
		close( c->fd );
		c->fd = -1;
		return -1;
	}
	return 0;
}

static void
conn_close( struct conn *c )
{
	if ( c->fd >= 0 )
		close( c->fd );
	c->fd = -1;
	c->have = c->off = 0;
}

static int
write_all( int fd, const char *p, size_t n )
{
	while ( n > 0 ) {
		ssize_t w = write( fd, p, n );

		if ( w < 0 && errno == EINTR )
			continue;
		if ( w <= 0 )
			return -1;
		p += w;
		n -= w;
	}
	return 0;
}

/* fill: read more into c->buf (moving what is left to its start first);
 * -1 at EOF or on an error */
static int
fill( struct conn *c )
{
	ssize_t r;

	if ( c->off > 0 ) {
		memmove( c->buf, c->buf + c->off, c->have - c->off );
		c->have -= c->off;
		c->off = 0;
	}
	if ( c->have == sizeof(c->buf) )
		return -1;
	do {
		r = read( c->fd, c->buf + c->have, sizeof(c->buf) - c->have );
	} while ( r < 0 && errno == EINTR );
	if ( r <= 0 )
		return -1;
	c->have += r;
	return 0;
}

/* read_exact: N bytes of the answer into DST */
static int
read_exact( struct conn *c, char *dst, size_t n )
{
	while ( n > 0 ) {
		size_t k;

		if ( c->off == c->have && fill( c ) != 0 )
			return -1;
		k = c->have - c->off;
		if ( k > n )
			k = n;
		memcpy( dst, c->buf + c->off, k );
		c->off += k;
		dst += k;
		n -= k;
	}
	return 0;
}

/* read_line: one CRLF-terminated line (the CRLF dropped), NUL-terminated */
static int
read_line( struct conn *c, char *line, size_t size )
{
	for ( ;; ) {
		char *nl = memchr( c->buf + c->off, '\n', c->have - c->off );

		if ( nl ) {
			size_t n = nl - ( c->buf + c->off );

			if ( n > 0 && nl[-1] == '\r' )
				n--;
			if ( n >= size )
				return -1;
			memcpy( line, c->buf + c->off, n );
			line[n] = '\0';
			c->off = nl + 1 - c->buf;
			return 0;
		}
		if ( fill( c ) != 0 )
			return -1;
	}
}

/* header_value: the value of header NAME in LINE, or NULL */
static const char *
header_value( const char *line, const char *name )
{
	size_t n = strlen( name );

	if ( strncasecmp( line, name, n ) != 0 || line[n] != ':' )
		return NULL;
	line += n + 1;
	while ( *line == ' ' || *line == '\t' )
		line++;
	return line;
}

/* set_cookie: the session cookie of a Set-Cookie value into s->cookie */
static void
set_cookie( struct session *s, const char *v )
{
	size_t n = strlen( SESSION_COOKIE );

	if ( s == NULL || strncmp( v, SESSION_COOKIE, n ) != 0 || v[n] != '=' )
		return;
	v += n + 1;
	if ( copy_field( s->cookie, v, strcspn( v, ";" ) ) != 0 )
		s->cookie[0] = '\0';
}

/* read_body: Content-Length or chunked */
static int
read_body( struct conn *c, struct answer *a, long length, int chunked )
{
	char line[64];

	a->len = 0;
	if ( !chunked ) {
		if ( length < 0 || length > BODY_MAX )
			return -1;
		if ( read_exact( c, a->body, length ) != 0 )
			return -1;
		a->len = length;
		a->body[a->len] = '\0';
		return 0;
	}
	for ( ;; ) {
		unsigned long n;
		char *end;

		if ( read_line( c, line, sizeof(line) ) != 0 )
			return -1;
		n = strtoul( line, &end, 16 );
		if ( end == line || n > BODY_MAX - a->len )
			return -1;
		if ( n == 0 )
			break;
		if ( read_exact( c, a->body + a->len, n ) != 0 ||
				read_line( c, line, sizeof(line) ) != 0 )
			return -1;
		a->len += n;
	}
	/* trailers, up to the empty line */
	do {
		if ( read_line( c, line, sizeof(line) ) != 0 )
			return -1;
	} while ( line[0] != '\0' );
	a->body[a->len] = '\0';
	return 0;
}

/* append: printf at *LEN of a REQUEST_MAX buffer; -1 if it does not fit */
static int
append( char *buf, size_t *len, const char *fmt, ... )
{
	va_list ap;
	int n;

	va_start( ap, fmt );
	n = vsnprintf( buf + *len, REQUEST_MAX - *len, fmt, ap );
	va_end( ap );
	if ( n < 0 || (size_t)n >= REQUEST_MAX - *len )
		return -1;
	*len += n;
	return 0;
}

/* request: send one request on c (opened if closed) with s's cookie,
 * read the whole answer; the session cookie it sets goes into s. 0, or
 * -1 when the transport failed (c is then closed). */
static int
request( struct conn *c, const struct in_addr *source, struct session *s,
	const char *method, const char *path, const char *form, struct answer *a )
{
	char req[REQUEST_MAX], line[HEAD_MAX];
	size_t len;
	long length = -1;
	int chunked = 0;
	const char *v;

	len = 0;
	if ( append( req, &len, "%s %s HTTP/1.1\r\nHost: bench\r\n"
				"User-Agent: webload\r\n", method, path ) != 0 ||
			( s && s->cookie[0] && append( req, &len, "Cookie: "
				SESSION_COOKIE "=%s\r\n", s->cookie ) != 0 ) ||
			( form && append( req, &len, "Content-Type: "
				"application/x-www-form-urlencoded\r\n"
				"Content-Length: %zu\r\n", strlen( form ) ) != 0 ) ||
			append( req, &len, "\r\n%s", form ? form : "" ) != 0 )
		die( "request too long" );
	if ( c->fd < 0 && conn_open( c, source ) != 0 )
		return -1;
	if ( write_all( c->fd, req, len ) != 0 ||
			read_line( c, line, sizeof(line) ) != 0 ||
			sscanf( line, "HTTP/1.%*d %d", &a->status ) != 1 ) {
		conn_close( c );
		return -1;
	}
	a->close = 0;
	a->location[0] = '\0';
	for ( ;; ) {
		if ( read_line( c, line, sizeof(line) ) != 0 ) {
			conn_close( c );
			return -1;
		}
		if ( line[0] == '\0' )
			break;
		if ( ( v = header_value( line, "Content-Length" ) ) )
			length = strtol( v, NULL, 10 );
		else if ( ( v = header_value( line, "Transfer-Encoding" ) ) )
			chunked = strcasestr( v, "chunked" ) != NULL;
		else if ( ( v = header_value( line, "Connection" ) ) )
			a->close = strcasestr( v, "close" ) != NULL;
		else if ( ( v = header_value( line, "Location" ) ) ) {
			if ( copy_field( a->location, v, strlen( v ) ) != 0 )
				a->location[0] = '\0';
		} else if ( ( v = header_value( line, "Set-Cookie" ) ) )
			set_cookie( s, v );
	}
	if ( length < 0 && !chunked )
		length = 0;
	if ( read_body( c, a, length, chunked ) != 0 ) {
		conn_close( c );
		return -1;
	}
	if ( a->close )
		conn_close( c );
	return 0;
}

/* ---------------------------------------------------------------- sign-in */

/* find_csrf: the value of the page's hidden input name="csrf" */
static int
find_csrf( const char *body, char *token )
{
	const char *name = strstr( body, "name=\"csrf\"" ), *start, *end, *v;

	if ( name == NULL )
		return -1;
	/* the <input ...> around it */
	for ( start = name; start > body && *start != '<'; start-- )
		;
	end = strchr( name, '>' );
	v = strstr( start, "value=\"" );
	if ( end == NULL || v == NULL || v > end )
		return -1;
	v += 7;
	return copy_field( token, v, strcspn( v, "\"" ) );
}

/* form_add: "&name=value", the value percent-encoded */
static int
form_add( char *form, size_t size, const char *name, const char *value )
{
	size_t n = strlen( form );
	int w = snprintf( form + n, size - n, "%s%s=", n ? "&" : "", name );

	if ( w < 0 || (size_t)w >= size - n )
		return -1;
	n += w;
	for ( ; *value; value++ ) {
		unsigned char ch = *value;

		if ( n + 4 > size )
			return -1;
		if ( ( ch >= 'a' && ch <= 'z' ) || ( ch >= 'A' && ch <= 'Z' ) ||
				( ch >= '0' && ch <= '9' ) || strchr( "-._~", ch ) )
			form[n++] = ch;
		else
			n += sprintf( form + n, "%%%02X", ch );
	}
	form[n] = '\0';
	return 0;
}

/* post_form: POST, then follow the 303s with GETs to the page shown;
 * the page's CSRF token (when it has one) into s->csrf */
static int
post_form( struct conn *c, const struct in_addr *source, struct session *s,
	const char *path, const char *form, struct answer *a )
{
	int i;

	if ( request( c, source, s, "POST", path, form, a ) != 0 )
		return -1;
	for ( i = 0; i < MAX_REDIRECTS && a->status == 303 && a->location[0]; i++ ) {
		char next[FIELD_MAX];

		memcpy( next, a->location, sizeof(next) );
		if ( request( c, source, s, "GET", next, NULL, a ) != 0 )
			return -1;
	}
	find_csrf( a->body, s->csrf );
	return 0;
}

static int
is_list( const struct answer *a )
{
	return a->status == 200 && ( strstr( a->body, "id=\"apps\"" ) ||
		strstr( a->body, "id=\"no-apps\"" ) );
}

/* sign_in: one session, password then code, from SOURCE */
static int
sign_in( struct session *s, const struct in_addr *source, struct answer *a )
{
	struct conn c = { .fd = -1 };
	char form[4 * FIELD_MAX + 64], code[TOTP_DIGITS + 1];
	int rc = -1;

	if ( request( &c, source, s, "GET", "/", NULL, a ) != 0 || a->status != 200 ||
			find_csrf( a->body, s->csrf ) != 0 ) {
		show_error( "GET / (the sign-in page)", s, a );
		goto done;
	}
	form[0] = '\0';
	if ( form_add( form, sizeof(form), "username", s->username ) != 0 ||
			form_add( form, sizeof(form), "password", s->password ) != 0 ||
			form_add( form, sizeof(form), "csrf", s->csrf ) != 0 )
		die( "form too long" );
	if ( post_form( &c, source, s, "/signin", form, a ) != 0 || a->status != 200 ||
			strstr( a->body, "action=\"/code\"" ) == NULL ) {
		show_error( "POST /signin (expected the code page)", s, a );
		goto done;
	}
	if ( oath_totp_generate( s->secret, s->secret_len, time( NULL ), TOTP_STEP, 0,
			TOTP_DIGITS, code ) != OATH_OK )
		die( "cannot compute a TOTP code" );
	form[0] = '\0';
	if ( form_add( form, sizeof(form), "code", code ) != 0 ||
			form_add( form, sizeof(form), "csrf", s->csrf ) != 0 )
		die( "form too long" );
	if ( post_form( &c, source, s, "/code", form, a ) != 0 || !is_list( a ) ) {
		show_error( "POST /code (expected the list)", s, a );
		goto done;
	}
	rc = 0;
done:
	memset( form, 0, sizeof(form) );
	conn_close( &c );
	return rc;
}

/* ---------------------------------------------------------------- load */

static void
record_latency( struct worker *w, uint64_t ns )
{
	if ( w->nlat == w->cap ) {
		w->cap = w->cap ? w->cap * 2 : 65536;
		w->lat = realloc( w->lat, w->cap * sizeof(*w->lat) );
		if ( w->lat == NULL )
			die( "out of memory" );
	}
	w->lat[w->nlat++] = ns;
}

static void *
worker_run( void *arg )
{
	struct worker *w = arg;
	struct conn c = { .fd = -1 };
	struct answer a;
	int broken = 0;

	a.body = malloc( BODY_MAX + 1 );
	if ( a.body == NULL )
		die( "out of memory" );
	for ( ;; ) {
		struct session *s = &sessions[atomic_fetch_add( &cursor, 1 ) % nsessions];
		uint64_t t0 = now_ns(), t1;

		if ( t0 >= end_ns )
			break;
		if ( request( &c, NULL, s, "GET", cfg.path, NULL, &a ) != 0 ) {
			/* a keep-alive connection the server closed: once more */
			if ( ++broken > 100 ) {
				w->failed = 1;
				break;
			}
			continue;
		}
		broken = 0;
		t1 = now_ns();
		if ( t0 < warm_end_ns )
			continue;
		if ( !is_list( &a ) ) {
			w->errors++;
			show_error( "GET (expected the list)", s, &a );
			continue;
		}
		record_latency( w, t1 - t0 );
	}
	conn_close( &c );
	free( a.body );
	return NULL;
}

static int
cmp_u64( const void *a, const void *b )
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* nearest rank, in microseconds */
static double
percentile_us( const uint64_t *v, size_t n, double p )
{
	size_t rank = (size_t)( p * n + 0.999999 );

	if ( n == 0 )
		return 0;
	if ( rank < 1 )
		rank = 1;
	if ( rank > n )
		rank = n;
	return v[rank - 1] / 1000.0;
}

/* ---------------------------------------------------------------- main */

static void
usage( void )
{
	fprintf( stderr,
		"usage: webload -a addr:port -f credentials [-n sessions] [-t threads]\n"
		"\t[-w warm-up-s] [-d seconds] [-p path] [-b first-source-address]\n"
		"  -a  apppw-web's address (IPv4) and port\n"
		"  -f  gendata's credentials (MFA users with TOTP secrets)\n"
		"  -n  sessions signed in, one user each (200)\n"
		"  -t  threads, each one keep-alive connection (8)\n"
		"  -w, -d  warm-up (2) and measured (10) seconds\n"
		"  -p  the page requested (/apps)\n"
		"  -b  sign-in N comes from this address + N (127.0.0.2);\n"
		"      0.0.0.0: from the kernel's choice\n" );
	exit( 2 );
}

static void
parse_args( int argc, char **argv )
{
	int opt;
	char *colon;

	inet_pton( AF_INET, "127.0.0.2", &cfg.source );
	cfg.server.sin_family = AF_INET;
	while ( ( opt = getopt( argc, argv, "a:f:n:t:w:d:p:b:" ) ) != -1 ) {
		switch ( opt ) {
		case 'a':
			colon = strrchr( optarg, ':' );
			if ( colon == NULL )
				usage();
			*colon = '\0';
			if ( inet_pton( AF_INET, optarg, &cfg.server.sin_addr ) != 1 )
				usage();
			cfg.server.sin_port = htons( atoi( colon + 1 ) );
			break;
		case 'f': cfg.creds = optarg; break;
		case 'n': cfg.sessions = atol( optarg ); break;
		case 't': cfg.threads = atoi( optarg ); break;
		case 'w': cfg.warmup = atof( optarg ); break;
		case 'd': cfg.duration = atof( optarg ); break;
		case 'p': cfg.path = optarg; break;
		case 'b':
			if ( inet_pton( AF_INET, optarg, &cfg.source ) != 1 )
				usage();
			break;
		default: usage();
		}
	}
	if ( cfg.server.sin_port == 0 || cfg.creds == NULL || cfg.sessions < 1 ||
			cfg.threads < 1 || cfg.threads > MAX_THREADS ||
			cfg.warmup < 0 || cfg.duration <= 0 || cfg.path[0] != '/' ||
			strlen( cfg.path ) >= FIELD_MAX )
		usage();
}

int
main( int argc, char **argv )
{
	struct worker *workers;
	struct answer a;
	uint64_t *all, start, signed_in;
	size_t n = 0, k;
	unsigned long errors = 0;
	long i;
	int t, failed = 0;

	parse_args( argc, argv );
	if ( oath_init() != OATH_OK )
		die( "oath_init failed" );
	load_users();
	a.body = malloc( BODY_MAX + 1 );
	if ( a.body == NULL )
		die( "out of memory" );

	start = now_ns();
	for ( i = 0; i < nsessions; i++ ) {
		struct in_addr source = cfg.source;

		if ( source.s_addr != htonl( INADDR_ANY ) )
			source.s_addr = htonl( ntohl( source.s_addr ) + i );
		if ( sign_in( &sessions[i], &source, &a ) != 0 )
			die( "a sign-in failed: no figure" );
	}
	signed_in = now_ns();
	free( a.body );
	fprintf( stderr, "webload: %ld sessions signed in in %.2f s\n", nsessions,
		( signed_in - start ) / 1e9 );

	workers = calloc( cfg.threads, sizeof(*workers) );
	if ( workers == NULL )
		die( "out of memory" );
	warm_end_ns = now_ns() + (uint64_t)( cfg.warmup * 1e9 );
	end_ns = warm_end_ns + (uint64_t)( cfg.duration * 1e9 );
	for ( t = 0; t < cfg.threads; t++ ) {
		if ( pthread_create( &workers[t].tid, NULL, worker_run, &workers[t] ) != 0 )
			die( "pthread_create failed" );
	}
	for ( t = 0; t < cfg.threads; t++ ) {
		pthread_join( workers[t].tid, NULL );
		n += workers[t].nlat;
		errors += workers[t].errors;
		failed |= workers[t].failed;
	}
	all = malloc( ( n ? n : 1 ) * sizeof(*all) );
	if ( all == NULL )
		die( "out of memory" );
	for ( t = 0, k = 0; t < cfg.threads; t++ ) {
		memcpy( all + k, workers[t].lat, workers[t].nlat * sizeof(*all) );
		k += workers[t].nlat;
		free( workers[t].lat );
	}
	qsort( all, n, sizeof(*all), cmp_u64 );
	if ( failed )
		fprintf( stderr, "webload: a connection kept failing\n" );
	printf( "RESULT sessions=%ld signin_seconds=%.2f requests=%zu errors=%lu "
		"seconds=%.2f rate=%.1f p50_us=%.1f p99_us=%.1f max_us=%.1f\n",
		nsessions, ( signed_in - start ) / 1e9, n, errors, cfg.duration,
		n / cfg.duration, percentile_us( all, n, 0.50 ),
		percentile_us( all, n, 0.99 ), n ? all[n - 1] / 1000.0 : 0 );
	free( all );
	free( workers );
	return errors || failed ? 1 : 0;
}
