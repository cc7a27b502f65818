/* ber-input.h - inputs for the codecs' unit tests */
#ifndef BER_INPUT_H
#define BER_INPUT_H

#include <stdlib.h>
#include <string.h>

#include <lber.h>

/* bytes as a berval of its own allocation of exactly len bytes, so that a
 * read past the end shows under valgrind or ASan; free its bv_val */
static inline struct berval
exact( const void *bytes, size_t len )
{
	struct berval bv;

	bv.bv_len = len;
	bv.bv_val = malloc( len ? len : 1 );
	if ( bv.bv_val == NULL ) {
		abort();
	}
	memcpy( bv.bv_val, bytes, len );
	return bv;
}

/* Whether a decoded field is want; want NULL: the field is absent. */
static inline int
bv_is( const struct berval *got, const char *want )
{
	if ( want == NULL ) {
		return got->bv_val == NULL && got->bv_len == 0;
	}
	return got->bv_val != NULL && got->bv_len == strlen( want ) &&
		memcmp( got->bv_val, want, got->bv_len ) == 0;
}

#endif /* BER_INPUT_H */
