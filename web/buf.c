/* buf.c - a bounded, growable text buffer, and HTML escaping */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apppw_secret.h"
#include "buf.h"

void
buf_init( struct buf *b )
{
	memset( b, 0, sizeof( *b ) );
}

void
buf_free( struct buf *b )
{
	if ( b->data ) {
		apppw_wipe( b->data, b->size );
		free( b->data );
	}
	buf_init( b );
}

/* Room for need more bytes and a NUL. Grows by copying, so that the old
 * block can be wiped: it may hold a secret already. 0 or -1. */
static int
buf_room( struct buf *b, size_t need )
{
	size_t size;
	char *p;

	if ( b->failed ) {
		return -1;
	}
	if ( need > BUF_MAX || b->len + need + 1 > BUF_MAX ) {
		b->failed = 1;
		return -1;
	}
	if ( b->len + need + 1 <= b->size ) {
		return 0;
	}
	size = b->size ? b->size : 4096;
	while ( size < b->len + need + 1 ) {
		size *= 2;
	}
	if ( size > BUF_MAX ) {
		size = BUF_MAX;
	}
	p = malloc( size );
	if ( p == NULL ) {
		b->failed = 1;
		return -1;
	}
	if ( b->data ) {
		memcpy( p, b->data, b->len );
		apppw_wipe( b->data, b->size );
		free( b->data );
	}
	b->data = p;
	b->size = size;
	return 0;
}

void
buf_add( struct buf *b, const char *s, size_t len )
{
	if ( buf_room( b, len ) != 0 ) {
		return;
	}
	memcpy( b->data + b->len, s, len );
	b->len += len;
	b->data[b->len] = '\0';
}

void
buf_str( struct buf *b, const char *s )
{
	buf_add( b, s, strlen( s ) );
}

void
buf_printf( struct buf *b, const char *fmt, ... )
{
	va_list ap;
	int n;

	va_start( ap, fmt );
	n = vsnprintf( NULL, 0, fmt, ap );
	va_end( ap );
	if ( n < 0 || buf_room( b, (size_t)n ) != 0 ) {
		b->failed = 1;
		return;
	}
	va_start( ap, fmt );
	vsnprintf( b->data + b->len, (size_t)n + 1, fmt, ap );
	va_end( ap );
	b->len += n;
}

/* The length of the valid UTF-8 sequence at s (at most len bytes), or 0:
 * overlong forms, surrogates and values past U+10FFFF are not valid. */
static size_t
utf8_seq( const unsigned char *s, size_t len )
{
	size_t n, i;
	unsigned long cp;

	if ( s[0] < 0x80 ) {
		return 1;
	} else if ( s[0] >= 0xc2 && s[0] <= 0xdf ) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if ( s[0] >= 0xe0 && s[0] <= 0xef ) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if ( s[0] >= 0xf0 && s[0] <= 0xf4 ) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if ( n > len ) {
		return 0;
	}
	for ( i = 1; i < n; i++ ) {
		if ( ( s[i] & 0xc0 ) != 0x80 ) {
			return 0;
		}
		cp = cp << 6 | ( s[i] & 0x3f );
	}
	if ( ( n == 3 && ( cp < 0x800 || ( cp >= 0xd800 && cp <= 0xdfff ) ) ) ||
			( n == 4 && ( cp < 0x10000 || cp > 0x10ffff ) ) ) {
		return 0;
	}
	return n;
}

void
buf_html_n( struct buf *b, const char *s, size_t len )
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;

	while ( i < len ) {
		switch ( p[i] ) {
		case '&':
			buf_str( b, "&amp;" );
			break;
		case '<':
			buf_str( b, "&lt;" );
			break;
		case '>':
			buf_str( b, "&gt;" );
			break;
		case '"':
			buf_str( b, "&quot;" );
			break;
		case '\'':
			buf_str( b, "&#39;" );
			break;
		default:
			n = utf8_seq( p + i, len - i );
			if ( n == 0 || ( p[i] < 0x20 && p[i] != '\t' &&
					p[i] != '\n' ) || p[i] == 0x7f ) {
				buf_str( b, "\xef\xbf\xbd" );
				i++;
				continue;
			}
			buf_add( b, s + i, n );
			i += n;
			continue;
		}
		i++;
	}
}

void
buf_html( struct buf *b, const char *s )
{
	buf_html_n( b, s, strlen( s ) );
}
