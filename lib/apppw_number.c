/* apppw_number.c - numbers given on a command line */

#include <errno.h>
#include <stdlib.h>

#include "apppw_number.h"

int
apppw_number_parse( const char *s, unsigned min, unsigned max, unsigned *out )
{
	unsigned long v;
	char *end;

	/* strtoul takes leading space and a sign, and wraps "-1" */
	if ( s == NULL || *s < '0' || *s > '9' ) {
		return -1;
	}
	errno = 0;
	v = strtoul( s, &end, 10 );
	if ( *end != '\0' || errno || v < min || v > max ) {
		return -1;
	}
	*out = (unsigned)v;
	return 0;
}
