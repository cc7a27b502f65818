/* apppw_throttle.c - how many wrong TOTP codes an entry may be sent
 *
 * See apppw_throttle.h for the rule. An entry is known by a keyed 128-bit
 * SipHash of its DN: the table holds no DN, and the key, random for each
 * process, keeps anyone from choosing DNs that crowd one set or collide.
 * SipHash is made for hash tables: it costs a bind a few hundred
 * instructions, where a keyed BLAKE2b cost two thousand.
 */
#include <pthread.h>
#include <string.h>

#include <sodium.h>

#include "apppw_throttle.h"

/* lockouts in a row are counted up to here: the back-off is long capped */
#define APPPW_THROTTLE_LOCKOUTS_MAX	32

_Static_assert( ( APPPW_THROTTLE_SETS & ( APPPW_THROTTLE_SETS - 1 ) ) == 0,
	"APPPW_THROTTLE_SETS is a power of two" );
_Static_assert( APPPW_THROTTLE_KEY_LEN == crypto_shorthash_siphashx24_BYTES,
	"an entry's key is one SipHash-128" );

typedef struct apppw_throttle_entry {
	apppw_throttle_key key;
	int		used;
	time_t		until;		/* TOTP refused before this; 0: never was */
	time_t		last;		/* the last failure */
	unsigned	failures;	/* wrong codes since the last lockout */
	unsigned	lockouts;	/* lockouts in a row */
	int		logged;		/* a refusal of this lockout was logged */
	unsigned long	unlogged;	/* refusals not logged since the last */
} apppw_throttle_entry;

static apppw_throttle_entry apppw_table[APPPW_THROTTLE_SETS][APPPW_THROTTLE_WAYS];
static pthread_mutex_t apppw_table_mutex = PTHREAD_MUTEX_INITIALIZER;
static unsigned char apppw_table_key[crypto_shorthash_siphashx24_KEYBYTES];

int
apppw_throttle_init( void )
{
	if ( sodium_init() < 0 ) {
		return -1;
	}
	randombytes_buf( apppw_table_key, sizeof( apppw_table_key ) );
	return 0;
}

unsigned long
apppw_throttle_lockout( const apppw_throttle_policy *p, unsigned n )
{
	unsigned long step = p->step ? p->step : 1, t = step,
		/* a lockout lasts at least one step, whatever backoff_max says:
		 * at most max_failures codes in any one step is the promise */
		cap = p->backoff_max > step ? p->backoff_max : step;

	while ( n-- > 1 && t < cap ) {
		t *= 2;
	}
	return t < cap ? t : cap;
}

/* When a quiet entry may be forgotten: backoff_max after its last failure
 * or the end of its lockout, whichever is later. */
static time_t
apppw_forget_at( const apppw_throttle_entry *e, const apppw_throttle_policy *p )
{
	return ( e->until > e->last ? e->until : e->last ) + p->backoff_max;
}

void
apppw_throttle_key_of( const char *dn, size_t len, apppw_throttle_key *k )
{
	crypto_shorthash_siphashx24( k->hash, (const unsigned char *)dn, len,
		apppw_table_key );
}

/* The set an entry belongs to. */
static apppw_throttle_entry *
apppw_set_of( const apppw_throttle_key *k )
{
	unsigned long index = (unsigned long)k->hash[0] |
		(unsigned long)k->hash[1] << 8 | (unsigned long)k->hash[2] << 16;

	return apppw_table[index & ( APPPW_THROTTLE_SETS - 1 )];
}

static apppw_throttle_entry *
apppw_find( apppw_throttle_entry *set, const apppw_throttle_key *k )
{
	int i;

	for ( i = 0; i < APPPW_THROTTLE_WAYS; i++ ) {
		if ( set[i].used && !memcmp( set[i].key.hash, k->hash, sizeof( k->hash ) ) ) {
			return &set[i];
		}
	}
	return NULL;
}

/* Room for a new entry: a free one; else one that may be forgotten; else
 * the unlocked one whose last failure is oldest; else the one whose
 * lockout ends first. */
static apppw_throttle_entry *
apppw_make_room( apppw_throttle_entry *set, time_t now,
	const apppw_throttle_policy *p )
{
	apppw_throttle_entry *best = NULL;
	int i, best_rank = 0;

	for ( i = 0; i < APPPW_THROTTLE_WAYS; i++ ) {
		apppw_throttle_entry *e = &set[i];
		int rank = !e->used ? 4 : now >= apppw_forget_at( e, p ) ? 3 :
			now >= e->until ? 2 : 1;

		if ( !best || rank > best_rank || ( rank == best_rank &&
				( rank == 2 ? e->last < best->last : e->until < best->until ) ) ) {
			best = e;
			best_rank = rank;
		}
	}
	memset( best, 0, sizeof( *best ) );
	return best;
}

/* The entry of k in set, if it is remembered still; called locked. */
static apppw_throttle_entry *
apppw_current( apppw_throttle_entry *set, const apppw_throttle_key *k,
	time_t now, const apppw_throttle_policy *p )
{
	apppw_throttle_entry *e = apppw_find( set, k );

	if ( e && now >= apppw_forget_at( e, p ) ) {
		memset( e, 0, sizeof( *e ) );
		e = NULL;
	}
	return e;
}

/* A refusal during e's lockout: the first is to be logged, the others
 * counted for the next line that is; called locked. */
static void
apppw_refused( apppw_throttle_entry *e, apppw_throttle_report *r )
{
	r->until = e->until;
	r->lockouts = e->lockouts;
	if ( !e->logged ) {
		e->logged = 1;
		r->log = 1;
		r->unlogged = e->unlogged;
		e->unlogged = 0;
	} else {
		e->unlogged++;
	}
}

int
apppw_throttle_locked( const apppw_throttle_key *k, time_t now,
	const apppw_throttle_policy *p, apppw_throttle_report *r )
{
	apppw_throttle_entry *set = apppw_set_of( k ), *e;
	int locked = 0;

	memset( r, 0, sizeof( *r ) );
	pthread_mutex_lock( &apppw_table_mutex );
	e = apppw_current( set, k, now, p );
	if ( e && now < e->until ) {
		apppw_refused( e, r );
		locked = 1;
	}
	pthread_mutex_unlock( &apppw_table_mutex );
	return locked;
}

enum apppw_throttle_verdict
apppw_throttle_attempt( const apppw_throttle_key *k, time_t now, int code_ok,
	const apppw_throttle_policy *p, apppw_throttle_report *r )
{
	apppw_throttle_entry *set = apppw_set_of( k ), *e;
	enum apppw_throttle_verdict v;
	unsigned max = p->max_failures ? p->max_failures : 1;

	memset( r, 0, sizeof( *r ) );
	pthread_mutex_lock( &apppw_table_mutex );
	e = apppw_current( set, k, now, p );
	if ( e && now < e->until ) {
		apppw_refused( e, r );
		v = APPPW_THROTTLE_REFUSED;
	} else if ( code_ok ) {
		if ( e ) {
			r->unlogged = e->unlogged;
			memset( e, 0, sizeof( *e ) );
		}
		v = APPPW_THROTTLE_PASS;
	} else {
		if ( !e ) {
			e = apppw_make_room( set, now, p );
			e->key = *k;
			e->used = 1;
		}
		e->last = now;
		r->failures = ++e->failures;
		r->lockouts = e->lockouts;
		v = APPPW_THROTTLE_COUNTED;
		if ( e->failures >= max ) {
			if ( e->lockouts < APPPW_THROTTLE_LOCKOUTS_MAX ) {
				e->lockouts++;
			}
			e->until = now + (time_t)apppw_throttle_lockout( p, e->lockouts );
			e->failures = 0;
			e->logged = 0;
			r->until = e->until;
			r->lockouts = e->lockouts;
			r->unlogged = e->unlogged;
			e->unlogged = 0;
			v = APPPW_THROTTLE_LOCKED_NOW;
		}
	}
	pthread_mutex_unlock( &apppw_table_mutex );
	return v;
}

void
apppw_throttle_forget( const apppw_throttle_key *k )
{
	apppw_throttle_entry *set = apppw_set_of( k ), *e;

	pthread_mutex_lock( &apppw_table_mutex );
	if ( ( e = apppw_find( set, k ) ) ) {
		memset( e, 0, sizeof( *e ) );
	}
	pthread_mutex_unlock( &apppw_table_mutex );
}
