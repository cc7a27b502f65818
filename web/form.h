/* form.h - what a request carries, parsed with bounds: form bodies,
 * Accept-Language, and the escapes a username needs on its way into a DN
 * or a search filter */
#ifndef WEB_FORM_H
#define WEB_FORM_H

#include <stddef.h>

/* The value of field name in an application/x-www-form-urlencoded body
 * of len bytes, decoded into out (size bytes, NUL-terminated; *outlen its
 * length). The first occurrence counts. 0; -1 absent, malformed (bad %
 * escape, a NUL) or longer than size - 1. out is wiped on failure. */
int form_get( const char *body, size_t len, const char *name,
	char *out, size_t size, size_t *outlen );

/* The index in langs[n] of the language the Accept-Language header
 * prefers (q-values honoured; "sv-SE" matches "sv"; "*" the first), or -1
 * when none is acceptable. header may be NULL. */
int lang_pick( const char *header, const char *const *langs, int n );

/* s (len bytes) as an RFC 4514 attribute value: 0, or -1 when it does
 * not fit in size. */
int dn_value_escape( const char *s, size_t len, char *out, size_t size );

/* s (len bytes) as an RFC 4515 filter value: 0, or -1 when it does not
 * fit in size. */
int filter_value_escape( const char *s, size_t len, char *out, size_t size );

/* tmpl with its one "%s" replaced by value: 0, or -1 when it does not fit
 * in size or tmpl has not exactly one %s (and no other %). */
int template_fill( const char *tmpl, const char *value, char *out, size_t size );

/* Whether tmpl has exactly one %s and no other %: 0 or -1. */
int template_ok( const char *tmpl );

#endif /* WEB_FORM_H */
