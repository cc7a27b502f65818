/* t-label.c - labels and scope names: what is text, what is refused */
#include <string.h>

#include "apppw_label.h"
#include "tap.h"

static void
test_label( void )
{
	char big[APPPW_LABEL_MAX_BYTES + 8];
	int i;

	is_int( apppw_label_check( "Outlook", 7 ), APPPW_REC_OK, "label Outlook" );
	is_int( apppw_label_check( "a b", 3 ), APPPW_REC_OK, "inner space" );
	is_int( apppw_label_check( "\xe2\x82\xac", 3 ), APPPW_REC_OK, "euro sign" );
	is_int( apppw_label_check( "\xef\xbf\xbd", 3 ), APPPW_REC_OK, "U+FFFD" );
	is_int( apppw_label_check( "\xf4\x8f\xbf\xbf", 4 ), APPPW_REC_OK, "U+10FFFF" );
	is_int( apppw_label_check( "\xc2\xa0", 2 ), APPPW_REC_OK, "no-break space" );
	is_int( apppw_label_check( "", 0 ), APPPW_REC_BAD_LABEL, "empty" );
	is_int( apppw_label_check( NULL, 3 ), APPPW_REC_BAD_LABEL, "NULL" );
	is_int( apppw_label_check( " ", 1 ), APPPW_REC_BAD_LABEL, "a space" );
	is_int( apppw_label_check( "a\0b", 3 ), APPPW_REC_BAD_LABEL, "NUL" );
	is_int( apppw_label_check( "\xc1\xbf", 2 ), APPPW_REC_BAD_LABEL, "overlong 0xc1" );
	is_int( apppw_label_check( "\xed\xbf\xbf", 3 ), APPPW_REC_BAD_LABEL, "low surrogate" );
	is_int( apppw_label_check( "\xf0\x9f\x93", 3 ), APPPW_REC_BAD_LABEL, "truncated 4-byte" );
	is_int( apppw_label_check( "\xc2\x9f", 2 ), APPPW_REC_BAD_LABEL, "C1 U+009F" );
	/* what would end or escape a quoted log field, or disguise the text */
	{
		static const struct {
			const char *s, *what;
		} refused[] = {
			{ "x\" peer=IP=10.9.9.9:1", "a double quote (a forged log field)" },
			{ "a\\b", "a backslash" },
			{ "a\xc2\xadz", "U+00AD soft hyphen" },
			{ "a\xd8\x9cz", "U+061C Arabic letter mark" },
			{ "a\xe1\xa0\x8ez", "U+180E Mongolian vowel separator" },
			{ "a\xe2\x80\x8bz", "U+200B zero width space" },
			{ "a\xe2\x80\x8cz", "U+200C zero width non-joiner" },
			{ "a\xe2\x80\x8dz", "U+200D zero width joiner" },
			{ "a\xe2\x80\x8ez", "U+200E left-to-right mark" },
			{ "a\xe2\x80\x8fz", "U+200F right-to-left mark" },
			{ "a\xe2\x80\xa8z", "U+2028 line separator" },
			{ "a\xe2\x80\xa9z", "U+2029 paragraph separator" },
			{ "a\xe2\x80\xaaz", "U+202A left-to-right embedding" },
			{ "a\xe2\x80\xabz", "U+202B right-to-left embedding" },
			{ "a\xe2\x80\xacz", "U+202C pop directional formatting" },
			{ "a\xe2\x80\xadz", "U+202D left-to-right override" },
			{ "a\xe2\x80\xaez", "U+202E right-to-left override" },
			{ "a\xe2\x81\xa0z", "U+2060 word joiner" },
			{ "a\xe2\x81\xa6z", "U+2066 left-to-right isolate" },
			{ "a\xe2\x81\xa7z", "U+2067 right-to-left isolate" },
			{ "a\xe2\x81\xa8z", "U+2068 first strong isolate" },
			{ "a\xe2\x81\xa9z", "U+2069 pop directional isolate" },
			{ "a\xef\xbb\xbfz", "U+FEFF zero width no-break space" },
			{ "a\xef\xbf\xb9z", "U+FFF9 interlinear annotation anchor" },
		};
		size_t k;

		for ( k = 0; k < sizeof( refused ) / sizeof( refused[0] ); k++ ) {
			is_int( apppw_label_check( refused[k].s, strlen( refused[k].s ) ),
				APPPW_REC_BAD_LABEL, "%s", refused[k].what );
		}
		is_int( apppw_label_check( "Anna\xe2\x80\x99s phone", 14 ), APPPW_REC_OK,
			"a typographic apostrophe is text" );
		is_int( apppw_label_check( "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d", 8 ),
			APPPW_REC_OK, "right-to-left letters are text" );
	}

	for ( i = 0; i < APPPW_LABEL_MAX; i++ ) {
		memcpy( big + 4 * i, "\xf0\x9f\x93\xa7", 4 );
	}
	is_int( apppw_label_check( big, APPPW_LABEL_MAX_BYTES ), APPPW_REC_OK,
		"64 four-byte characters (256 bytes)" );
	big[APPPW_LABEL_MAX_BYTES] = 'a';
	is_int( apppw_label_check( big, APPPW_LABEL_MAX_BYTES + 1 ), APPPW_REC_BAD_LABEL,
		"257 bytes" );
	memset( big, 'a', sizeof( big ) );
	is_int( apppw_label_check( big, APPPW_LABEL_MAX ), APPPW_REC_OK, "64 ASCII" );
	is_int( apppw_label_check( big, APPPW_LABEL_MAX + 1 ), APPPW_REC_BAD_LABEL, "65 ASCII" );
}

static void
test_scope( void )
{
	is_int( apppw_scope_check( "mail", 4 ), APPPW_REC_OK, "scope mail" );
	is_int( apppw_scope_check( "a", 1 ), APPPW_REC_OK, "scope a" );
	is_int( apppw_scope_check( "dav_2-x", 7 ), APPPW_REC_OK, "scope dav_2-x" );
	is_int( apppw_scope_check( "", 0 ), APPPW_REC_BAD_SCOPE, "empty scope" );
	is_int( apppw_scope_check( NULL, 1 ), APPPW_REC_BAD_SCOPE, "NULL scope" );
	is_int( apppw_scope_check( "_mail", 5 ), APPPW_REC_BAD_SCOPE, "scope starting with _" );
	is_int( apppw_scope_check( "-mail", 5 ), APPPW_REC_BAD_SCOPE, "scope starting with -" );
	is_int( apppw_scope_check( "ma il", 5 ), APPPW_REC_BAD_SCOPE, "scope with a space" );
	is_int( apppw_scope_check( "m\0il", 4 ), APPPW_REC_BAD_SCOPE, "scope with a NUL" );
	is_int( apppw_scope_check( "m\xc3\xa4il", 5 ), APPPW_REC_BAD_SCOPE, "non-ASCII scope" );
}

int
main( void )
{
	test_label();
	test_scope();
	return done_testing();
}
