/* session.h - the table of browser sessions
 *
 * A session is named by 256 random bits (libsodium), sent as the cookie
 * in hex. The table finds it by a keyed hash (SipHash, with a key random
 * for each process, so that nobody can aim ids at one chain) and compares
 * ids with sodium_memcmp, so the time of a lookup tells nothing about how
 * much of an id was right.
 *
 * The table is bounded: at most max sessions. A new session (each visit
 * to the sign-in page makes one, to carry its CSRF token) evicts the
 * oldest that has not signed in when the table is full; signed-in ones
 * are never evicted: when every session is signed in, a new one is
 * refused, and the page says so.
 *
 * Threads: one mutex guards the table; each session has its own lock,
 * held by the request that uses it (its LDAP connection is not shared
 * between threads). A request holds a reference, so that a session ended
 * meanwhile (sign-out, the reaper) is freed by the last one to let go,
 * outside the table's lock: freeing closes an LDAP connection.
 */
#ifndef WEB_SESSION_H
#define WEB_SESSION_H

#include <pthread.h>
#include <stddef.h>
#include <time.h>

#include <sodium.h>

#define SESS_ID_LEN	32
#define SESS_ID_HEX	( 2 * SESS_ID_LEN )
#define SESS_TOKEN_LEN	32
#define SESS_TOKEN_HEX	( 2 * SESS_TOKEN_LEN )

enum sess_state {
	SESS_PRE = 0,	/* the sign-in form: a CSRF token, nobody yet */
	SESS_CODE,	/* the password was given; the code is awaited */
	SESS_IN		/* signed in */
};

struct sess {
	unsigned char	id[SESS_ID_LEN];
	char		csrf[SESS_TOKEN_HEX + 1];
	enum sess_state	state;
	time_t		created;
	time_t		seen;
	pthread_mutex_t	lock;		/* held by the request using it */
	void		*user;		/* the owner's, released by the table */
	/* the table's */
	struct sess	*next;
	unsigned	refs;
	int		dead;		/* unlinked; freed by the last reference */
};

struct sess_table {
	pthread_mutex_t	lock;
	struct sess	**buckets;
	size_t		nbuckets;	/* a power of two */
	size_t		count;
	size_t		max;
	unsigned	idle;		/* seconds */
	unsigned	lifetime;
	unsigned char	key[crypto_shorthash_KEYBYTES];
	void		(*release)( void *user );
};

/* 0 or -1. release frees a session's user data (may be NULL). */
int sess_table_init( struct sess_table *t, size_t max, unsigned idle,
	unsigned lifetime, void (*release)( void *user ) );
/* Ends every session; no request may be running. */
void sess_table_destroy( struct sess_table *t );

/* A new pre-sign-in session, referenced: 0, or -1 when the table holds
 * max signed-in sessions (or memory is short). */
int sess_new( struct sess_table *t, time_t now, struct sess **out );

/* The live session of the cookie value hex, referenced and marked seen
 * now; NULL when there is none (unknown, malformed, expired). */
struct sess *sess_find( struct sess_table *t, const char *hex, time_t now );

/* Let go of a reference. */
void sess_put( struct sess_table *t, struct sess *s );

/* End s (sign-out): unlinked now, freed when its last reference goes. */
void sess_end( struct sess_table *t, struct sess *s );

/* A new id for s (at sign-in: an id seen before signing in does not
 * become a signed-in one) and a new CSRF token. */
void sess_renew( struct sess_table *t, struct sess *s );

/* Move s to state (under the table's lock: eviction reads it). */
void sess_set_state( struct sess_table *t, struct sess *s,
	enum sess_state state );

/* End the sessions idle or alive too long at now; how many. */
size_t sess_reap( struct sess_table *t, time_t now );

size_t sess_count( struct sess_table *t );

/* s's id in hex, for the cookie. */
void sess_id_hex( const struct sess *s, char out[SESS_ID_HEX + 1] );

/* Whether token is s's CSRF token (constant time). */
int sess_csrf_ok( const struct sess *s, const char *token );

#endif /* WEB_SESSION_H */
