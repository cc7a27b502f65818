/* t-web-form.c - apppw-web's parsers of what a request carries: form
 * bodies, Accept-Language; and the username's escapes into a DN or a
 * filter */
#include <string.h>

#include "form.h"
#include "tap.h"

static const char *
field( const char *body, const char *name, size_t size )
{
	static char out[256];
	size_t len;

	if ( form_get( body, strlen( body ), name, out, size, &len ) != 0 ) {
		return "(none)";
	}
	return strlen( out ) == len ? out : "(bad length)";
}

static void
test_form( void )
{
	const char *body = "csrf=ab12&username=bob&password=p%40ss+word%26x&empty=&flag";

	is_str( field( body, "csrf", 256 ), "ab12", "first field" );
	is_str( field( body, "username", 256 ), "bob", "middle field" );
	is_str( field( body, "password", 256 ), "p@ss word&x", "decoded: %%XX and +" );
	is_str( field( body, "empty", 256 ), "", "empty value" );
	is_str( field( body, "flag", 256 ), "", "a name without =" );
	is_str( field( body, "user", 256 ), "(none)", "a prefix is not a name" );
	is_str( field( body, "name", 256 ), "(none)", "a suffix is not a name" );
	is_str( field( body, "missing", 256 ), "(none)", "absent" );
	is_str( field( "a=1&a=2", "a", 256 ), "1", "the first of two" );
	is_str( field( "a=%41%6a", "a", 256 ), "Aj", "hex either case" );
	is_str( field( "a=%4", "a", 256 ), "(none)", "truncated escape" );
	is_str( field( "a=%", "a", 256 ), "(none)", "a lone %%" );
	is_str( field( "a=%zz", "a", 256 ), "(none)", "not hex" );
	is_str( field( "a=x%00y", "a", 256 ), "(none)", "an encoded NUL" );
	is_str( field( "a=12345", "a", 6 ), "12345", "exactly fits" );
	is_str( field( "a=123456", "a", 6 ), "(none)", "one byte too long" );
	is_str( field( "", "a", 256 ), "(none)", "empty body" );
	is_str( field( "&&a=1&", "a", 256 ), "1", "empty pairs skipped" );
}

static void
test_lang( void )
{
	static const char *const langs[] = { "en", "sv" };

	is_int( lang_pick( NULL, langs, 2 ), -1, "no header" );
	is_int( lang_pick( "", langs, 2 ), -1, "empty header" );
	is_int( lang_pick( "sv", langs, 2 ), 1, "sv" );
	is_int( lang_pick( "sv-SE", langs, 2 ), 1, "sv-SE is sv" );
	is_int( lang_pick( "SV-se", langs, 2 ), 1, "any case" );
	is_int( lang_pick( "en-US,en;q=0.9,sv;q=0.8", langs, 2 ), 0, "first wins" );
	is_int( lang_pick( "en;q=0.5, sv;q=0.8", langs, 2 ), 1, "q-values" );
	is_int( lang_pick( "sv;q=0, en", langs, 2 ), 0, "q=0 is never" );
	is_int( lang_pick( "sv;q=0", langs, 2 ), -1, "q=0 alone" );
	is_int( lang_pick( "de, fr;q=0.9", langs, 2 ), -1, "none we have" );
	is_int( lang_pick( "de, sv;q=0.1", langs, 2 ), 1, "a low q still counts" );
	is_int( lang_pick( "*", langs, 2 ), 0, "* is the first" );
	is_int( lang_pick( "de, *;q=0.5, sv;q=0.6", langs, 2 ), 1, "sv above *" );
	is_int( lang_pick( "en;q=0.8, sv;q=0.800", langs, 2 ), 0, "a tie keeps the first" );
	is_int( lang_pick( "sv;q=1.0, en;q=0.999", langs, 2 ), 1, "q=1.0" );
	is_int( lang_pick( "sv;q=2, en;q=0.1", langs, 2 ), 0, "q=2 is malformed" );
	is_int( lang_pick( "sv;q=abc, en;q=0.1", langs, 2 ), 0, "q=abc is malformed" );
	is_int( lang_pick( "svenska", langs, 2 ), -1, "a longer tag is another" );
	is_int( lang_pick( " sv ; q=0.5 ", langs, 2 ), 1, "spaces" );
}

static void
test_escapes( void )
{
	char out[64];

	ok( dn_value_escape( "bob", 3, out, sizeof( out ) ) == 0 &&
		strcmp( out, "bob" ) == 0, "plain DN value" );
	ok( dn_value_escape( "a,b+c=d", 7, out, sizeof( out ) ) == 0 &&
		strcmp( out, "a\\,b\\+c\\=d" ) == 0, "DN specials escaped" );
	ok( dn_value_escape( "\"x\\<;>", 6, out, sizeof( out ) ) == 0 &&
		strcmp( out, "\\\"x\\\\\\<\\;\\>" ) == 0, "quotes, backslash, <;>" );
	ok( dn_value_escape( " #a ", 4, out, sizeof( out ) ) == 0 &&
		strcmp( out, "\\ #a\\ " ) == 0, "leading and trailing space" );
	ok( dn_value_escape( "#a", 2, out, sizeof( out ) ) == 0 &&
		strcmp( out, "\\#a" ) == 0, "leading #" );
	ok( dn_value_escape( "a\0b\n", 4, out, sizeof( out ) ) == 0 &&
		strcmp( out, "a\\00b\\0A" ) == 0, "NUL and control characters" );
	ok( dn_value_escape( "abc", 3, out, 4 ) == 0, "exactly fits" );
	ok( dn_value_escape( "a,c", 3, out, 4 ) == -1, "too long escaped" );

	ok( filter_value_escape( "bob", 3, out, sizeof( out ) ) == 0 &&
		strcmp( out, "bob" ) == 0, "plain filter value" );
	ok( filter_value_escape( "*()\\", 4, out, sizeof( out ) ) == 0 &&
		strcmp( out, "\\2a\\28\\29\\5c" ) == 0, "filter specials" );
	ok( filter_value_escape( "a\0", 2, out, sizeof( out ) ) == 0 &&
		strcmp( out, "a\\00" ) == 0, "NUL in a filter" );
	ok( filter_value_escape( "**", 2, out, 6 ) == -1, "too long" );

	ok( template_fill( "uid=%s,dc=x", "bob", out, sizeof( out ) ) == 0 &&
		strcmp( out, "uid=bob,dc=x" ) == 0, "template" );
	ok( template_fill( "uid=%s", "%s", out, sizeof( out ) ) == 0 &&
		strcmp( out, "uid=%s" ) == 0, "a value is not a template" );
	ok( template_fill( "uid=%s,%s", "x", out, sizeof( out ) ) == -1, "two %%s" );
	ok( template_fill( "uid=%d", "x", out, sizeof( out ) ) == -1, "%%d" );
	ok( template_fill( "uid=x", "x", out, sizeof( out ) ) == -1, "no %%s" );
	ok( template_fill( "uid=%s", "abcdef", out, 10 ) == -1, "too long" );
	ok( template_fill( "uid=%s", "abcde", out, 10 ) == 0, "exactly fits" );
	ok( template_ok( "(uid=%s)" ) == 0 && template_ok( "(uid=%s%)" ) == -1 &&
		template_ok( "(uid=x)" ) == -1, "template_ok" );
}

int
main( void )
{
	test_form();
	test_lang();
	test_escapes();
	return done_testing();
}
