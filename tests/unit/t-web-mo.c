/* t-web-mo.c - apppw-web's reader of gettext catalogs: lookups, both byte
 * orders, and every malformed file refused */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mo.h"
#include "tap.h"

#define MAXN	4

/* A catalog as msgfmt lays it out: header, originals' table,
 * translations' table, then the strings. swap: the other byte order. */
struct image {
	unsigned char	data[512];
	size_t		len;
};

static void
put32( struct image *im, size_t off, uint32_t v, int swap )
{
	if ( swap ) {
		v = __builtin_bswap32( v );
	}
	memcpy( im->data + off, &v, 4 );
}

static void
build( struct image *im, const char *const *ids, const char *const *strs,
	uint32_t n, int swap )
{
	uint32_t i, off = 28 + 16 * n, l;

	memset( im, 0, sizeof( *im ) );
	put32( im, 0, 0x950412deU, swap );
	put32( im, 4, 0, swap );
	put32( im, 8, n, swap );
	put32( im, 12, 28, swap );
	put32( im, 16, 28 + 8 * n, swap );
	for ( i = 0; i < n; i++ ) {
		l = strlen( ids[i] );
		put32( im, 28 + 8 * i, l, swap );
		put32( im, 28 + 8 * i + 4, off, swap );
		memcpy( im->data + off, ids[i], l + 1 );
		off += l + 1;
	}
	for ( i = 0; i < n; i++ ) {
		l = strlen( strs[i] );
		put32( im, 28 + 8 * n + 8 * i, l, swap );
		put32( im, 28 + 8 * n + 8 * i + 4, off, swap );
		memcpy( im->data + off, strs[i], l + 1 );
		off += l + 1;
	}
	im->len = off;
}

/* mo_parse on a malloc'ed copy of the first len bytes */
static int
parse( struct mo *mo, const struct image *im, size_t len )
{
	char *copy = malloc( len ? len : 1 );

	memcpy( copy, im->data, len );
	return mo_parse( mo, copy, len );
}

static const char *const ids[] = { "", "Code", "Sign in", "Username" };
static const char *const strs[] = { "Content-Type: text/plain; charset=UTF-8\n",
	"Kod", "Logga in", "" };

static void
test_lookup( int swap )
{
	struct image im;
	struct mo mo;

	build( &im, ids, strs, 4, swap );
	ok( parse( &mo, &im, im.len ) == 0, "%s order: parsed", swap ? "other" : "own" );
	is_str( mo_get( &mo, "Sign in" ), "Logga in", "a translation" );
	is_str( mo_get( &mo, "Code" ), "Kod", "the first msgid" );
	ok( mo_get( &mo, "Username" ) == NULL, "an empty translation is none" );
	ok( mo_get( &mo, "Password" ) == NULL, "an unknown msgid" );
	ok( mo_get( &mo, "Sign" ) == NULL, "a prefix is another msgid" );
	ok( mo_get( &mo, "Zzz" ) == NULL && mo_get( &mo, "A" ) == NULL,
		"past either end" );
	mo_free( &mo );
}

static void
test_malformed( void )
{
	static const char *const unsorted[] = { "", "b", "a" };
	static const char *const three[] = { "x", "y", "z" };
	struct image im;
	struct mo mo;

	build( &im, ids, strs, 4, 0 );
	ok( parse( &mo, &im, 27 ) == -1, "shorter than the header" );
	ok( parse( &mo, &im, im.len - 1 ) == -1, "the last string cut" );
	im.data[0] ^= 1;
	ok( parse( &mo, &im, im.len ) == -1, "bad magic" );

	build( &im, ids, strs, 4, 0 );
	put32( &im, 4, 1U << 16, 0 );
	ok( parse( &mo, &im, im.len ) == -1, "major revision 1" );

	build( &im, ids, strs, 4, 0 );
	put32( &im, 8, 0x10000000U, 0 );
	ok( parse( &mo, &im, im.len ) == -1, "a count past the file" );

	build( &im, ids, strs, 4, 0 );
	put32( &im, 16, 0xfffffff0U, 0 );
	ok( parse( &mo, &im, im.len ) == -1, "a table past the file" );

	build( &im, ids, strs, 4, 0 );
	put32( &im, 28 + 8, 0xffffffffU, 0 );
	ok( parse( &mo, &im, im.len ) == -1, "a string's length past the file" );

	build( &im, ids, strs, 4, 0 );
	put32( &im, 28 + 12, 0xfffffff0U, 0 );
	ok( parse( &mo, &im, im.len ) == -1, "a string's offset past the file" );

	build( &im, ids, strs, 4, 0 );
	put32( &im, 28 + 8, 2, 0 );	/* "Code" said to be 2 bytes: no NUL there */
	ok( parse( &mo, &im, im.len ) == -1, "a string without its NUL" );

	build( &im, unsorted, three, 3, 0 );
	ok( parse( &mo, &im, im.len ) == -1, "msgids out of order" );

	ok( mo_load( &mo, "/nonexistent/apppw-web.mo" ) == -1, "a missing file" );
	ok( mo_load( &mo, "/" ) == -1, "a directory" );
}

int
main( void )
{
	test_lookup( 0 );
	test_lookup( 1 );
	test_malformed();
	return done_testing();
}
