/* mo.c - a bounded reader of gettext .mo catalogs */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mo.h"

#define MO_MAGIC	0x950412deU
#define MO_MAGIC_SWAPPED	0xde120495U
#define MO_HEADER_LEN	28

static uint32_t
word( const struct mo *mo, size_t off )
{
	uint32_t v;

	memcpy( &v, mo->data + off, sizeof( v ) );
	return mo->swapped ? __builtin_bswap32( v ) : v;
}

/* String i of the table at tab: 0 and its text, or -1 when the table
 * entry points outside the file or the string lacks its NUL. */
static int
string_at( const struct mo *mo, uint32_t tab, uint32_t i, const char **s,
	uint32_t *len )
{
	uint32_t l = word( mo, (size_t)tab + 8 * (size_t)i ),
		off = word( mo, (size_t)tab + 8 * (size_t)i + 4 );

	if ( (size_t)off + l >= mo->size || mo->data[off + l] != '\0' ) {
		return -1;
	}
	*s = mo->data + off;
	*len = l;
	return 0;
}

int
mo_parse( struct mo *mo, char *data, size_t size )
{
	const char *a, *b;
	uint32_t magic, i, la, lb;

	memset( mo, 0, sizeof( *mo ) );
	mo->data = data;
	mo->size = size;
	if ( size < MO_HEADER_LEN || size > MO_MAX_SIZE ) {
		goto bad;
	}
	memcpy( &magic, data, sizeof( magic ) );
	if ( magic == MO_MAGIC_SWAPPED ) {
		mo->swapped = 1;
	} else if ( magic != MO_MAGIC ) {
		goto bad;
	}
	/* major revision 0 is the only one; minor ones add plural forms */
	if ( word( mo, 4 ) >> 16 != 0 ) {
		goto bad;
	}
	mo->count = word( mo, 8 );
	mo->originals = word( mo, 12 );
	mo->translations = word( mo, 16 );
	if ( mo->count > size / 16 ||
			(size_t)mo->originals + 8 * (size_t)mo->count > size ||
			(size_t)mo->translations + 8 * (size_t)mo->count > size ) {
		goto bad;
	}
	for ( i = 0; i < mo->count; i++ ) {
		if ( string_at( mo, mo->originals, i, &a, &la ) != 0 ||
				string_at( mo, mo->translations, i, &b, &lb ) != 0 ) {
			goto bad;
		}
		/* lookups bisect: msgfmt writes the msgids in order */
		if ( i > 0 ) {
			string_at( mo, mo->originals, i - 1, &b, &lb );
			if ( strcmp( b, a ) >= 0 ) {
				goto bad;
			}
		}
	}
	return 0;
bad:
	mo_free( mo );
	errno = EINVAL;
	return -1;
}

int
mo_load( struct mo *mo, const char *path )
{
	struct stat st;
	char *data;
	ssize_t n;
	size_t got = 0;
	int fd, err;

	memset( mo, 0, sizeof( *mo ) );
	fd = open( path, O_RDONLY | O_CLOEXEC );
	if ( fd < 0 ) {
		return -1;
	}
	if ( fstat( fd, &st ) != 0 ) {
		goto fail;
	}
	if ( !S_ISREG( st.st_mode ) || st.st_size > MO_MAX_SIZE ) {
		errno = EINVAL;
		goto fail;
	}
	data = malloc( st.st_size + 1 );
	if ( data == NULL ) {
		goto fail;
	}
	while ( got < (size_t)st.st_size ) {
		n = read( fd, data + got, st.st_size - got );
		if ( n <= 0 ) {
			free( data );
			if ( n == 0 ) {
				errno = EINVAL;
			}
			goto fail;
		}
		got += n;
	}
	close( fd );
	return mo_parse( mo, data, got );
fail:
	err = errno;
	close( fd );
	errno = err;
	return -1;
}

const char *
mo_get( const struct mo *mo, const char *msgid )
{
	const char *s;
	uint32_t lo = 0, hi = mo->count, mid, len;
	int c;

	while ( lo < hi ) {
		mid = lo + ( hi - lo ) / 2;
		string_at( mo, mo->originals, mid, &s, &len );
		c = strcmp( msgid, s );
		if ( c == 0 ) {
			string_at( mo, mo->translations, mid, &s, &len );
			return len ? s : NULL;
		}
		if ( c < 0 ) {
			hi = mid;
		} else {
			lo = mid + 1;
		}
	}
	return NULL;
}

void
mo_free( struct mo *mo )
{
	free( mo->data );
	memset( mo, 0, sizeof( *mo ) );
}
