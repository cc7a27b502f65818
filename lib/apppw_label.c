/* apppw_label.c - the rules for labels and scope names
 *
 * Both come from administrators and users, and labels are shown back to
 * people and written into logs: what is refused here is refused by the
 * record parser, the create operation and the tool alike.
 */
#include "apppw_label.h"

/* The length of the UTF-8 sequence at s (n bytes left) and its code point,
 * or 0 for anything that is not the shortest form of a scalar value. */
static size_t
apppw_utf8_next( const unsigned char *s, size_t n, unsigned long *cp )
{
	unsigned long c;
	size_t len, i;

	if ( s[0] < 0x80 ) {
		*cp = s[0];
		return 1;
	}
	if ( s[0] >= 0xc2 && s[0] <= 0xdf ) {
		len = 2;
		c = s[0] & 0x1f;
	} else if ( s[0] >= 0xe0 && s[0] <= 0xef ) {
		len = 3;
		c = s[0] & 0x0f;
	} else if ( s[0] >= 0xf0 && s[0] <= 0xf4 ) {
		len = 4;
		c = s[0] & 0x07;
	} else {
		/* continuation bytes, 0xc0 and 0xc1 (always overlong), 0xf5+ */
		return 0;
	}
	if ( n < len ) {
		return 0;
	}
	for ( i = 1; i < len; i++ ) {
		if ( ( s[i] & 0xc0 ) != 0x80 ) {
			return 0;
		}
		c = ( c << 6 ) | ( s[i] & 0x3f );
	}
	if ( ( len == 3 && c < 0x800 ) || ( len == 4 && c < 0x10000 ) ||
			c > 0x10ffff || ( c >= 0xd800 && c <= 0xdfff ) ) {
		return 0;
	}
	*cp = c;
	return len;
}

/* What a label may not hold. Labels are shown in lists and written into
 * log lines between double quotes, so: controls (C0, DEL, C1), '"' and '\\'
 * (which would end or escape the quoted field and forge another), and the
 * characters that make text display as something else (CVE-2021-42574):
 * bidirectional embeddings, overrides and isolates, zero-width and other
 * invisible format characters, and line and paragraph separators. */
static int
apppw_label_char_refused( unsigned long cp )
{
	return cp < 0x20 || ( cp >= 0x7f && cp <= 0x9f ) ||
		cp == '"' || cp == '\\' ||
		cp == 0xad ||				/* soft hyphen */
		cp == 0x61c ||				/* Arabic letter mark */
		cp == 0x180e ||				/* Mongolian vowel separator */
		( cp >= 0x200b && cp <= 0x200f ) ||	/* zero width, LRM, RLM */
		( cp >= 0x2028 && cp <= 0x202e ) ||	/* separators, LRE..RLO */
		( cp >= 0x2060 && cp <= 0x206f ) ||	/* word joiner, LRI..PDI, ... */
		cp == 0xfeff ||				/* zero width no-break space */
		( cp >= 0xfff9 && cp <= 0xfffb );	/* interlinear annotation */
}

enum apppw_record_error
apppw_label_check( const char *s, size_t len )
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned long cp;
	size_t i, n, chars = 0;

	if ( s == NULL || len == 0 || len > APPPW_LABEL_MAX_BYTES ||
			s[0] == ' ' || s[len - 1] == ' ' ) {
		return APPPW_REC_BAD_LABEL;
	}
	for ( i = 0; i < len; i += n ) {
		n = apppw_utf8_next( u + i, len - i, &cp );
		if ( n == 0 || apppw_label_char_refused( cp ) ) {
			return APPPW_REC_BAD_LABEL;
		}
		if ( ++chars > APPPW_LABEL_MAX ) {
			return APPPW_REC_BAD_LABEL;
		}
	}
	return APPPW_REC_OK;
}

enum apppw_record_error
apppw_scope_check( const char *s, size_t len )
{
	size_t i;

	if ( s == NULL || len == 0 || len > APPPW_SCOPE_MAX ||
			s[0] < 'a' || s[0] > 'z' ) {
		return APPPW_REC_BAD_SCOPE;
	}
	for ( i = 1; i < len; i++ ) {
		if ( !( ( s[i] >= 'a' && s[i] <= 'z' ) ||
				( s[i] >= '0' && s[i] <= '9' ) ||
				s[i] == '_' || s[i] == '-' ) ) {
			return APPPW_REC_BAD_SCOPE;
		}
	}
	return APPPW_REC_OK;
}
