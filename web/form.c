/* form.c - form bodies, Accept-Language and DN/filter escapes */

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "apppw_secret.h"
#include "form.h"

static int
hexval( int c )
{
	if ( c >= '0' && c <= '9' ) {
		return c - '0';
	}
	c = tolower( c );
	if ( c >= 'a' && c <= 'f' ) {
		return c - 'a' + 10;
	}
	return -1;
}

/* Decode s (len bytes) into out. 0 or -1. */
static int
url_decode( const char *s, size_t len, char *out, size_t size, size_t *outlen )
{
	size_t i, n = 0;
	int hi, lo, c;

	for ( i = 0; i < len; i++ ) {
		c = (unsigned char)s[i];
		if ( c == '+' ) {
			c = ' ';
		} else if ( c == '%' ) {
			if ( i + 2 >= len ) {
				return -1;
			}
			hi = hexval( (unsigned char)s[i + 1] );
			lo = hexval( (unsigned char)s[i + 2] );
			if ( hi < 0 || lo < 0 ) {
				return -1;
			}
			c = hi << 4 | lo;
			i += 2;
		}
		if ( c == '\0' || n + 1 >= size ) {
			return -1;
		}
		out[n++] = c;
	}
	out[n] = '\0';
	*outlen = n;
	return 0;
}

int
form_get( const char *body, size_t len, const char *name,
	char *out, size_t size, size_t *outlen )
{
	size_t nlen = strlen( name ), i = 0, end, eq;

	if ( size == 0 ) {
		return -1;
	}
	while ( i < len ) {
		for ( end = i; end < len && body[end] != '&'; end++ )
			;
		for ( eq = i; eq < end && body[eq] != '='; eq++ )
			;
		if ( eq - i == nlen && memcmp( body + i, name, nlen ) == 0 ) {
			if ( url_decode( body + eq + ( eq < end ), end - eq - ( eq < end ),
					out, size, outlen ) != 0 ) {
				apppw_wipe( out, size );
				return -1;
			}
			return 0;
		}
		i = end + 1;
	}
	return -1;
}

/* One Accept-Language element: "sv-SE;q=0.8". Its quality in thousandths
 * (1000 without q=, 0 when malformed), and the tag's primary part. */
static int
lang_quality( const char *s, size_t len, const char **tag, size_t *taglen )
{
	size_t i, t;
	int q = 1000, scale = 100;

	while ( len && ( *s == ' ' || *s == '\t' ) ) {
		s++;
		len--;
	}
	for ( t = 0; t < len && s[t] != ';' && s[t] != ' ' && s[t] != '\t'; t++ )
		;
	*tag = s;
	/* the primary subtag: "sv" of "sv-SE" */
	for ( *taglen = 0; *taglen < t && s[*taglen] != '-'; ( *taglen )++ )
		;
	for ( i = t; i < len && s[i] != ';'; i++ )
		;
	if ( i == len ) {
		return q;
	}
	for ( i++; i < len && ( s[i] == ' ' || s[i] == '\t' ); i++ )
		;
	if ( len - i < 3 || ( s[i] != 'q' && s[i] != 'Q' ) || s[i + 1] != '=' ) {
		return 0;
	}
	i += 2;
	if ( s[i] == '1' ) {
		q = 1000;
		i++;
		if ( i < len && s[i] == '.' ) {
			for ( i++; i < len && s[i] == '0'; i++ )
				;
		}
	} else if ( s[i] == '0' ) {
		q = 0;
		i++;
		if ( i < len && s[i] == '.' ) {
			for ( i++; i < len && isdigit( (unsigned char)s[i] ) &&
					scale > 0; i++, scale /= 10 ) {
				q += ( s[i] - '0' ) * scale;
			}
		}
	} else {
		return 0;
	}
	while ( i < len && ( s[i] == ' ' || s[i] == '\t' ) ) {
		i++;
	}
	return i == len ? q : 0;
}

int
lang_pick( const char *header, const char *const *langs, int n )
{
	const char *p, *end, *tag;
	size_t taglen;
	int best = -1, bestq = 0, q, i;

	if ( header == NULL ) {
		return -1;
	}
	for ( p = header; *p; p = *end ? end + 1 : end ) {
		end = strchr( p, ',' );
		if ( end == NULL ) {
			end = p + strlen( p );
		}
		q = lang_quality( p, end - p, &tag, &taglen );
		if ( q <= bestq ) {
			continue;
		}
		for ( i = 0; i < n; i++ ) {
			if ( ( taglen == 1 && tag[0] == '*' ) ||
					( strlen( langs[i] ) == taglen &&
					strncasecmp( tag, langs[i], taglen ) == 0 ) ) {
				best = i;
				bestq = q;
				break;
			}
		}
	}
	return best;
}

int
dn_value_escape( const char *s, size_t len, char *out, size_t size )
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, n = 0;
	unsigned char c;

	for ( i = 0; i < len; i++ ) {
		c = s[i];
		if ( c == '\0' || c < 0x20 || c == 0x7f ) {
			/* \XX, with room for the NUL */
			if ( n + 4 > size ) {
				return -1;
			}
			out[n++] = '\\';
			out[n++] = hex[c >> 4];
			out[n++] = hex[c & 15];
		} else if ( strchr( "\"+,;<>\\=", c ) ||
				( i == 0 && ( c == ' ' || c == '#' ) ) ||
				( i == len - 1 && c == ' ' ) ) {
			if ( n + 3 > size ) {
				return -1;
			}
			out[n++] = '\\';
			out[n++] = c;
		} else {
			if ( n + 2 > size ) {
				return -1;
			}
			out[n++] = c;
		}
	}
	if ( n + 1 > size ) {
		return -1;
	}
	out[n] = '\0';
	return 0;
}

int
filter_value_escape( const char *s, size_t len, char *out, size_t size )
{
	static const char hex[] = "0123456789abcdef";
	size_t i, n = 0;
	unsigned char c;

	for ( i = 0; i < len; i++ ) {
		c = s[i];
		if ( c == '*' || c == '(' || c == ')' || c == '\\' || c == '\0' ) {
			if ( n + 4 > size ) {
				return -1;
			}
			out[n++] = '\\';
			out[n++] = hex[c >> 4];
			out[n++] = hex[c & 15];
		} else {
			if ( n + 2 > size ) {
				return -1;
			}
			out[n++] = c;
		}
	}
	if ( n + 1 > size ) {
		return -1;
	}
	out[n] = '\0';
	return 0;
}

int
template_fill( const char *tmpl, const char *value, char *out, size_t size )
{
	const char *p = strchr( tmpl, '%' );
	size_t before, vlen = strlen( value ), after;

	if ( p == NULL || p[1] != 's' || strchr( p + 2, '%' ) ) {
		return -1;
	}
	before = p - tmpl;
	after = strlen( p + 2 );
	if ( before + vlen + after + 1 > size ) {
		return -1;
	}
	memcpy( out, tmpl, before );
	memcpy( out + before, value, vlen );
	memcpy( out + before + vlen, p + 2, after + 1 );
	return 0;
}

int
template_ok( const char *tmpl )
{
	const char *p = strchr( tmpl, '%' );

	return p && p[1] == 's' && strchr( p + 2, '%' ) == NULL ? 0 : -1;
}
