/* apppw_time.h - GeneralizedTime, the one time format of records and state
 *
 * Always UTC and always to the second, YYYYmmddHHMMSSZ, e.g.
 * "20261124184100Z": no fractions, no offsets, no leap seconds, nothing
 * before 1970 or after 9999. One spelling per time, so that a value read
 * and written again is the same bytes.
 */
#ifndef APPPW_TIME_H
#define APPPW_TIME_H

#include <stddef.h>
#include <time.h>

#define APPPW_TIME_LEN		15	/* YYYYmmddHHMMSSZ */

/* Exactly len bytes of GeneralizedTime to *t: 0, or -1 and *t zeroed. */
int apppw_time_parse( const char *s, size_t len, time_t *t );

/* t as GeneralizedTime, or "" when apppw_time_parse() could not read it
 * back (before 1970, after 9999). */
void apppw_time_format( time_t t, char out[APPPW_TIME_LEN + 1] );

#endif /* APPPW_TIME_H */
