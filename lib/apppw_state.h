/* apppw_state.h - the values the overlay writes after a successful bind
 *
 *   apppwLastUsed:	"ID SP GeneralizedTime [SP FROM]", one value per app
 *			password, e.g. "k7fq 20261124190233Z 192.0.2.25";
 *			FROM is the client's address as inet_ntop writes it
 *			(IPv4, or IPv6 in its shortest form, never an
 *			IPv4-mapped one) or "local" for ldapi, and is absent
 *			in values written before addresses were recorded
 *   apppwExpiry:	"ID SP GeneralizedTime SP REASON", one value per app
 *			password that has an end, never stored: the overlay
 *			computes it when an entry is read, from the record,
 *			its last use and the settings the client cannot see,
 *			e.g. "k7fq 20270222190233Z max-idle"
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

#include "apppw_record.h"
#include "apppw_secret.h"
#include "apppw_time.h"

/* where a use came from: INET6_ADDRSTRLEN - 1, the longest address
 * inet_ntop writes ("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255") */
#define APPPW_FROM_MAX_LEN	45
#define APPPW_FROM_LOCAL	"local"

typedef struct apppw_lastuse {
	char	id[APPPW_ID_LEN + 1];
	time_t	when;
	char	from[APPPW_FROM_MAX_LEN + 1];	/* "": not recorded */
} apppw_lastuse;

/* "ID SP GeneralizedTime", the value without an address, and the longest */
#define APPPW_LASTUSED_LEN	( APPPW_ID_LEN + 1 + APPPW_TIME_LEN )
#define APPPW_LASTUSED_MAX_LEN	( APPPW_LASTUSED_LEN + 1 + APPPW_FROM_MAX_LEN )
/* the digits of the largest time_t, 2^63 - 1 */
#define APPPW_LASTSTEP_MAX_LEN	19

int apppw_lastused_parse( const char *v, size_t len, apppw_lastuse *u );
/* out: at least APPPW_LASTUSED_MAX_LEN + 1 bytes will do for any u */
int apppw_lastused_format( const apppw_lastuse *u, char *out, size_t outlen );
/* 0 when the len bytes of s are a FROM as the format has it, else -1 */
int apppw_from_check( const char *s, size_t len );

/* Why an app password ends, in the order apppw_deadline() prefers them
 * when two ends fall in the same second. */
enum apppw_expiry_reason {
	APPPW_EXPIRY_EXPIRES = 0,	/* the record's own expires= */
	APPPW_EXPIRY_MAX_AGE,		/* apppw-max-age after its creation */
	APPPW_EXPIRY_MAX_IDLE,		/* apppw-max-idle after its last use */
	APPPW_EXPIRY_REASONS
};
#define APPPW_EXPIRY_REASON_MAX_LEN	8	/* "max-idle" */
#define APPPW_EXPIRY_LEN_MAX	( APPPW_ID_LEN + 1 + APPPW_TIME_LEN + 1 + \
	APPPW_EXPIRY_REASON_MAX_LEN )

/* "expires", "max-age" or "max-idle"; NULL for anything else */
const char *apppw_expiry_reason_name( enum apppw_expiry_reason why );
int apppw_expiry_parse( const char *v, size_t len,
	char id[APPPW_ID_LEN + 1], time_t *t, enum apppw_expiry_reason *why );
/* out: at least APPPW_EXPIRY_LEN_MAX + 1 bytes */
int apppw_expiry_format( const char id[APPPW_ID_LEN + 1], time_t t,
	enum apppw_expiry_reason why, char *out, size_t outlen );

/* When r stops authenticating, and why: the earliest of its own expiry,
 * max_age seconds after its creation and max_idle seconds after its last
 * use (last_used; 0 for never, which counts from the creation). A limit
 * of 0 is no limit. Returns 0 (and *why untouched) when nothing ends it;
 * an end beyond what time_t holds is no end. The one rule of expiry: the
 * bind refuses at and after this time, and apppwExpiry shows it. */
time_t apppw_deadline( const apppw_record *r, time_t last_used,
	unsigned long max_age, unsigned long max_idle,
	enum apppw_expiry_reason *why );

int apppw_laststep_parse( const char *v, size_t len, time_t *t );
/* out: at least APPPW_LASTSTEP_MAX_LEN + 1 bytes will do for any t >= 0 */
int apppw_laststep_format( time_t t, char *out, size_t outlen );

#endif /* APPPW_STATE_H */
