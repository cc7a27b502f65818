/* apppw_throttle.h - how many wrong TOTP codes an entry may be sent
 *
 * Whoever knows an entry's password (phished, reused) could otherwise try
 * every TOTP code: at 10,000 binds a second a 6-digit code falls in
 * seconds. The overlay reports here every password+code bind whose
 * password was right, and only those: someone who does not know the
 * password can neither use up the owner's attempts nor lock the owner out.
 *
 * Each entry may be sent max_failures wrong codes; then TOTP is refused
 * for one time step, and each further lockout in a row lasts twice as
 * long as the one before, up to backoff_max. A right code ends the run.
 * An entry that stays quiet for backoff_max after its last failure or
 * lockout is forgotten, so the table holds the entries under attack now.
 *
 * The table is fixed: APPPW_THROTTLE_SETS sets of APPPW_THROTTLE_WAYS
 * entries, chosen by a keyed hash of the normalised DN (SipHash, with a key
 * random for each process, so nobody can aim DNs at one set). A flood of distinct
 * DNs therefore costs no memory; when a set is full, the entry least worth
 * keeping (forgotten, then unlocked, then the oldest) makes room. It is
 * one table for the whole process, guarded by one mutex.
 */
#ifndef APPPW_THROTTLE_H
#define APPPW_THROTTLE_H

#include <stddef.h>
#include <time.h>

#define APPPW_THROTTLE_SETS		1024
#define APPPW_THROTTLE_WAYS		8
#define APPPW_THROTTLE_DEFAULT_MAX_FAILURES	3
#define APPPW_THROTTLE_MAX_FAILURES_LIMIT	10
#define APPPW_THROTTLE_DEFAULT_BACKOFF_MAX	3600
/* Below a quarter of an hour, an attacker who knows the password and may
 * send the default three wrong codes would expect a right one (6 digits,
 * window 1) within a year: tests/unit/t-throttle.c simulates it. */
#define APPPW_THROTTLE_BACKOFF_MAX_MIN		900
#define APPPW_THROTTLE_BACKOFF_MAX_LIMIT	86400

#define APPPW_THROTTLE_KEY_LEN	16

/* An entry as the table knows it: computed once a bind, from its DN. */
typedef struct apppw_throttle_key {
	unsigned char	hash[APPPW_THROTTLE_KEY_LEN];
} apppw_throttle_key;

typedef struct apppw_throttle_policy {
	unsigned	max_failures;	/* wrong codes before a lockout */
	unsigned	step;		/* the first lockout: one TOTP step */
	unsigned	backoff_max;	/* the longest lockout; quiet time to forget */
} apppw_throttle_policy;

enum apppw_throttle_verdict {
	APPPW_THROTTLE_PASS = 0,	/* the right code, accepted: run ended */
	APPPW_THROTTLE_COUNTED,		/* a wrong code, counted */
	APPPW_THROTTLE_LOCKED_NOW,	/* a wrong code that started a lockout */
	APPPW_THROTTLE_REFUSED		/* locked: the code was not looked at */
};

/* What the caller needs for its log line. */
typedef struct apppw_throttle_report {
	time_t		until;		/* LOCKED_NOW, REFUSED: locked until */
	unsigned	failures;	/* COUNTED: wrong codes in this run */
	unsigned	lockouts;	/* lockouts in a row, this one included */
	int		log;		/* REFUSED: the first of this lockout */
	unsigned long	unlogged;	/* refusals not logged since the last */
} apppw_throttle_report;

/* Call once before any other function: the hash key and the mutex.
 * 0 or -1. */
int apppw_throttle_init( void );

/* The key of the entry whose normalised DN is dn, of len bytes. */
void apppw_throttle_key_of( const char *dn, size_t len, apppw_throttle_key *k );

/* One password+code attempt on the entry k, whose password was right;
 * code_ok: whether its code was. The
 * verdict is decided and recorded in one step, so that concurrent binds
 * cannot try more codes than the policy allows. r gets what to log. */
enum apppw_throttle_verdict apppw_throttle_attempt( const apppw_throttle_key *k,
	time_t now, int code_ok, const apppw_throttle_policy *p,
	apppw_throttle_report *r );

/* Whether TOTP is locked for the entry now: 1, with r filled as for a
 * REFUSED attempt (the first refusal of a lockout is the one to log), or
 * 0, and nothing is recorded. Lets a caller refuse before it checks the
 * password; apppw_throttle_attempt() decides again afterwards. */
int apppw_throttle_locked( const apppw_throttle_key *k, time_t now,
	const apppw_throttle_policy *p, apppw_throttle_report *r );

/* Forget an entry, for a new password or TOTP secret. */
void apppw_throttle_forget( const apppw_throttle_key *k );

/* How long lockout number n (1, 2, ...) in a row lasts under p. */
unsigned long apppw_throttle_lockout( const apppw_throttle_policy *p,
	unsigned n );

#endif /* APPPW_THROTTLE_H */
