/* mo.h - a reader of GNU gettext's compiled catalogs (.mo)
 *
 * Why not gettext(3): glibc translates only into a language whose locale
 * is installed (a fresh Debian has none but C), and it picks the language
 * per process or per thread, while one server answers each request in the
 * language that request asks for. The catalogs stay gettext's (po/LANG.po,
 * msgfmt, the translators' tools); only the reading is done here, by a
 * small reader that checks every offset of the file before it trusts it.
 */
#ifndef WEB_MO_H
#define WEB_MO_H

#include <stddef.h>
#include <stdint.h>

/* the catalogs are a few kilobytes; a larger file is not one of them */
#define MO_MAX_SIZE	( 1024 * 1024 )

struct mo {
	char		*data;
	size_t		size;
	uint32_t	count;		/* strings */
	uint32_t	originals;	/* offset of the table of msgids */
	uint32_t	translations;	/* offset of the table of msgstrs */
	int		swapped;	/* written on a machine of the other order */
};

/* Check and take a catalog of size bytes at data (malloc'ed; the struct
 * owns it from now on, also on failure). 0 or -1. */
int mo_parse( struct mo *mo, char *data, size_t size );

/* Read and check the catalog at path. 0 or -1 (errno, or EINVAL for a
 * file that is not a catalog). */
int mo_load( struct mo *mo, const char *path );

/* msgid's translation, or NULL when the catalog has none (or it is
 * empty). A msgid with a context (ctx\004id) never equals a plain one. */
const char *mo_get( const struct mo *mo, const char *msgid );

void mo_free( struct mo *mo );

#endif /* WEB_MO_H */
