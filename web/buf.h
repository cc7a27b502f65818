/* buf.h - a bounded, growable text buffer for pages, and the one HTML
 * escape every user-controlled text goes through */
#ifndef WEB_BUF_H
#define WEB_BUF_H

#include <stdarg.h>
#include <stddef.h>

/* No page comes near this; a bug that loops cannot eat the memory. */
#define BUF_MAX		( 256 * 1024 )

struct buf {
	char	*data;
	size_t	len;
	size_t	size;
	int	failed;		/* out of memory or past BUF_MAX: stays set */
};

void buf_init( struct buf *b );
/* Wipes what was written (pages may hold an app password or a secret). */
void buf_free( struct buf *b );
void buf_add( struct buf *b, const char *s, size_t len );
void buf_str( struct buf *b, const char *s );
void buf_printf( struct buf *b, const char *fmt, ... )
	__attribute__(( format( printf, 2, 3 ) ));
/* s (len bytes) with & < > " ' escaped, so that it may stand in text and in
 * a quoted attribute value; bytes that are not valid UTF-8, and control
 * characters but tab and newline, become U+FFFD. */
void buf_html_n( struct buf *b, const char *s, size_t len );
void buf_html( struct buf *b, const char *s );

#endif /* WEB_BUF_H */
