/* t-web-html.c - apppw-web's one HTML escape, and its bounded buffer */
#include <string.h>

#include "buf.h"
#include "tap.h"

/* s escaped, as a string (static) */
static const char *
escaped( const char *s, size_t len )
{
	static char out[1024];
	struct buf b;

	buf_init( &b );
	buf_html_n( &b, s, len );
	snprintf( out, sizeof( out ), "%s", b.data ? b.data : "" );
	buf_free( &b );
	return out;
}

#define ESC( s )	escaped( s, sizeof( s ) - 1 )

static void
test_escape( void )
{
	is_str( ESC( "plain text" ), "plain text", "plain text unchanged" );
	is_str( ESC( "" ), "", "empty" );
	is_str( ESC( "<script>alert('x')</script>" ),
		"&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;", "a script tag" );
	is_str( ESC( "a & b" ), "a &amp; b", "ampersand" );
	is_str( ESC( "\"quoted\"" ), "&quot;quoted&quot;", "double quotes" );
	is_str( ESC( "&amp;" ), "&amp;amp;", "an entity is text too" );
	is_str( ESC( "\" onmouseover=\"x" ), "&quot; onmouseover=&quot;x",
		"cannot leave an attribute value" );
	is_str( ESC( "r\xc3\xa4tt \xe2\x82\xac \xf0\x9f\x93\xb1" ),
		"r\xc3\xa4tt \xe2\x82\xac \xf0\x9f\x93\xb1", "UTF-8 kept" );
	is_str( ESC( "a\xff" "b" ), "a\xef\xbf\xbd" "b", "a stray byte: U+FFFD" );
	is_str( ESC( "\xc3" ), "\xef\xbf\xbd", "truncated sequence" );
	is_str( ESC( "\xc0\xbc" ), "\xef\xbf\xbd\xef\xbf\xbd",
		"overlong '<' is not let through" );
	is_str( ESC( "\xed\xa0\x80" ), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd",
		"surrogate" );
	is_str( ESC( "a\x01" "b\x7f" ), "a\xef\xbf\xbd" "b\xef\xbf\xbd",
		"control characters" );
	is_str( ESC( "a\tb\nc" ), "a\tb\nc", "tab and newline kept" );
	is_str( escaped( "a\0<", 3 ), "a\xef\xbf\xbd&lt;", "NUL" );
}

static void
test_buf( void )
{
	struct buf b;
	char big[4096];
	int i;

	buf_init( &b );
	buf_str( &b, "a" );
	buf_printf( &b, "%d-%s", 42, "x" );
	buf_html( &b, "<" );
	is_str( b.data, "a42-x&lt;", "appends" );
	is_int( b.len, 9, "length" );
	buf_free( &b );
	ok( b.data == NULL && b.len == 0, "freed" );

	memset( big, 'x', sizeof( big ) );
	buf_init( &b );
	for ( i = 0; i < BUF_MAX / (int)sizeof( big ) + 2; i++ ) {
		buf_add( &b, big, sizeof( big ) );
	}
	ok( b.failed, "past BUF_MAX the buffer fails" );
	ok( b.len < BUF_MAX, "and holds less than BUF_MAX" );
	buf_str( &b, "more" );
	ok( b.failed && b.len < BUF_MAX, "and stays failed" );
	buf_free( &b );
}

int
main( void )
{
	test_escape();
	test_buf();
	return done_testing();
}
