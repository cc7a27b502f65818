/* apppw_state.h - the values the overlay writes after a successful bind
 *
 *   apppwLastUsed:	"ID SP GeneralizedTime", one value per app password,
 *			e.g. "k7fq 20261124190233Z"
 *   apppwTOTPLastStep:	the start of the last accepted TOTP step, in
 *			seconds since the epoch, as a decimal integer without
 *			sign or leading zeros, e.g. "1795892130"; stored as a
 *			time rather than a step number so that a change of the
 *			step length neither locks users out nor reopens codes
 *
 * Parsers take exactly one value of len bytes (no NUL needed), refuse
 * anything else, and on failure zero what they fill. Formatters write a
 * NUL-terminated value or, when outlen is too small or the input is out
 * of range, an empty string. All return 0 or -1.
 */
#ifndef APPPW_STATE_H
#define APPPW_STATE_H

#include <stddef.h>
#include <time.h>

#include "apppw_secret.h"
#include "apppw_time.h"

#define APPPW_LASTUSED_LEN	( APPPW_ID_LEN + 1 + APPPW_TIME_LEN )
/* the digits of the largest time_t, 2^63 - 1 */
#define APPPW_LASTSTEP_MAX_LEN	19

int apppw_lastused_parse( const char *v, size_t len,
	char id[APPPW_ID_LEN + 1], time_t *t );
/* out: at least APPPW_LASTUSED_LEN + 1 bytes */
int apppw_lastused_format( const char id[APPPW_ID_LEN + 1], time_t t,
	char *out, size_t outlen );

int apppw_laststep_parse( const char *v, size_t len, time_t *t );
/* out: at least APPPW_LASTSTEP_MAX_LEN + 1 bytes will do for any t >= 0 */
int apppw_laststep_format( time_t t, char *out, size_t outlen );

#endif /* APPPW_STATE_H */
