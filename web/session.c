/* session.c - the bounded table of browser sessions */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "session.h"

static size_t
bucket_of( const struct sess_table *t, const unsigned char id[SESS_ID_LEN] )
{
	unsigned char h[crypto_shorthash_BYTES];
	uint64_t v;

	crypto_shorthash( h, id, SESS_ID_LEN, t->key );
	memcpy( &v, h, sizeof( v ) );
	return (size_t)( v & ( t->nbuckets - 1 ) );
}

static void
link_session( struct sess_table *t, struct sess *s )
{
	size_t b = bucket_of( t, s->id );

	s->next = t->buckets[b];
	t->buckets[b] = s;
}

static void
unlink_session( struct sess_table *t, struct sess *s )
{
	struct sess **p = &t->buckets[bucket_of( t, s->id )];

	while ( *p && *p != s ) {
		p = &( *p )->next;
	}
	if ( *p ) {
		*p = s->next;
	}
	s->next = NULL;
}

int
sess_table_init( struct sess_table *t, size_t max, unsigned idle,
	unsigned lifetime, void (*release)( void *user ) )
{
	memset( t, 0, sizeof( *t ) );
	if ( max == 0 ) {
		return -1;
	}
	t->nbuckets = 16;
	while ( t->nbuckets < max && t->nbuckets < ( (size_t)1 << 30 ) ) {
		t->nbuckets *= 2;
	}
	t->buckets = calloc( t->nbuckets, sizeof( *t->buckets ) );
	if ( t->buckets == NULL || pthread_mutex_init( &t->lock, NULL ) != 0 ) {
		free( t->buckets );
		return -1;
	}
	t->max = max;
	t->idle = idle;
	t->lifetime = lifetime;
	t->release = release;
	crypto_shorthash_keygen( t->key );
	return 0;
}

static void
destroy_session( struct sess_table *t, struct sess *s )
{
	if ( s->user && t->release ) {
		t->release( s->user );
	}
	pthread_mutex_destroy( &s->lock );
	sodium_memzero( s, sizeof( *s ) );
	free( s );
}

void
sess_table_destroy( struct sess_table *t )
{
	struct sess *s, *next;
	size_t b;

	for ( b = 0; b < t->nbuckets; b++ ) {
		for ( s = t->buckets[b]; s; s = next ) {
			next = s->next;
			destroy_session( t, s );
		}
	}
	free( t->buckets );
	pthread_mutex_destroy( &t->lock );
	sodium_memzero( t, sizeof( *t ) );
}

/* Times are whole seconds: a session seen at 10.9 and again at 12.0 has
 * been idle "2" seconds. Only more than idle (or lifetime) ends it. */
static int
expired( const struct sess_table *t, const struct sess *s, time_t now )
{
	return now - s->seen > (time_t)t->idle ||
		now - s->created > (time_t)t->lifetime;
}

/* Under the table's lock: unlink s; 1 when the caller must destroy it
 * (nobody holds it), after letting go of the lock. */
static int
kill_locked( struct sess_table *t, struct sess *s )
{
	if ( s->dead ) {
		return 0;
	}
	unlink_session( t, s );
	s->dead = 1;
	t->count--;
	return s->refs == 0;
}

/* Under the table's lock: the oldest session that has not signed in. */
static struct sess *
oldest_unsigned( struct sess_table *t )
{
	struct sess *s, *oldest = NULL;
	size_t b;

	for ( b = 0; b < t->nbuckets; b++ ) {
		for ( s = t->buckets[b]; s; s = s->next ) {
			if ( s->state != SESS_IN &&
					( oldest == NULL || s->seen < oldest->seen ) ) {
				oldest = s;
			}
		}
	}
	return oldest;
}

int
sess_new( struct sess_table *t, time_t now, struct sess **out )
{
	struct sess *s, *victim = NULL;
	int destroy = 0;

	*out = NULL;
	s = calloc( 1, sizeof( *s ) );
	if ( s == NULL ) {
		return -1;
	}
	if ( pthread_mutex_init( &s->lock, NULL ) != 0 ) {
		free( s );
		return -1;
	}
	randombytes_buf( s->id, sizeof( s->id ) );
	{
		unsigned char tok[SESS_TOKEN_LEN];

		randombytes_buf( tok, sizeof( tok ) );
		sodium_bin2hex( s->csrf, sizeof( s->csrf ), tok, sizeof( tok ) );
		sodium_memzero( tok, sizeof( tok ) );
	}
	s->created = s->seen = now;
	s->refs = 1;

	pthread_mutex_lock( &t->lock );
	if ( t->count >= t->max ) {
		victim = oldest_unsigned( t );
		if ( victim == NULL ) {
			pthread_mutex_unlock( &t->lock );
			pthread_mutex_destroy( &s->lock );
			sodium_memzero( s, sizeof( *s ) );
			free( s );
			return -1;
		}
		destroy = kill_locked( t, victim );
	}
	link_session( t, s );
	t->count++;
	pthread_mutex_unlock( &t->lock );
	if ( destroy ) {
		destroy_session( t, victim );
	}
	*out = s;
	return 0;
}

struct sess *
sess_find( struct sess_table *t, const char *hex, time_t now )
{
	unsigned char id[SESS_ID_LEN];
	struct sess *s, *found = NULL;
	size_t idlen = 0;
	int destroy = 0;

	if ( hex == NULL || strlen( hex ) != SESS_ID_HEX ||
			sodium_hex2bin( id, sizeof( id ), hex, SESS_ID_HEX, NULL,
				&idlen, NULL ) != 0 || idlen != SESS_ID_LEN ) {
		return NULL;
	}
	pthread_mutex_lock( &t->lock );
	for ( s = t->buckets[bucket_of( t, id )]; s; s = s->next ) {
		if ( sodium_memcmp( s->id, id, SESS_ID_LEN ) == 0 ) {
			found = s;
			break;
		}
	}
	if ( found && expired( t, found, now ) ) {
		destroy = kill_locked( t, found );
		if ( destroy ) {
			pthread_mutex_unlock( &t->lock );
			destroy_session( t, found );
			return NULL;
		}
		found = NULL;
	}
	if ( found ) {
		found->refs++;
		found->seen = now;
	}
	pthread_mutex_unlock( &t->lock );
	sodium_memzero( id, sizeof( id ) );
	return found;
}

void
sess_put( struct sess_table *t, struct sess *s )
{
	int destroy;

	pthread_mutex_lock( &t->lock );
	destroy = --s->refs == 0 && s->dead;
	pthread_mutex_unlock( &t->lock );
	if ( destroy ) {
		destroy_session( t, s );
	}
}

void
sess_end( struct sess_table *t, struct sess *s )
{
	int destroy;

	pthread_mutex_lock( &t->lock );
	destroy = kill_locked( t, s );
	pthread_mutex_unlock( &t->lock );
	if ( destroy ) {
		destroy_session( t, s );
	}
}

void
sess_renew( struct sess_table *t, struct sess *s )
{
	unsigned char tok[SESS_TOKEN_LEN];

	pthread_mutex_lock( &t->lock );
	if ( !s->dead ) {
		unlink_session( t, s );
		randombytes_buf( s->id, sizeof( s->id ) );
		link_session( t, s );
	}
	randombytes_buf( tok, sizeof( tok ) );
	sodium_bin2hex( s->csrf, sizeof( s->csrf ), tok, sizeof( tok ) );
	pthread_mutex_unlock( &t->lock );
	sodium_memzero( tok, sizeof( tok ) );
}

void
sess_set_state( struct sess_table *t, struct sess *s, enum sess_state state )
{
	pthread_mutex_lock( &t->lock );
	s->state = state;
	pthread_mutex_unlock( &t->lock );
}

size_t
sess_reap( struct sess_table *t, time_t now )
{
	struct sess *s, *next, *doomed = NULL;
	size_t b, n = 0;

	pthread_mutex_lock( &t->lock );
	for ( b = 0; b < t->nbuckets; b++ ) {
		for ( s = t->buckets[b]; s; s = next ) {
			next = s->next;
			if ( expired( t, s, now ) ) {
				n++;
				if ( kill_locked( t, s ) ) {
					s->next = doomed;
					doomed = s;
				}
			}
		}
	}
	pthread_mutex_unlock( &t->lock );
	for ( s = doomed; s; s = next ) {
		next = s->next;
		destroy_session( t, s );
	}
	return n;
}

size_t
sess_count( struct sess_table *t )
{
	size_t n;

	pthread_mutex_lock( &t->lock );
	n = t->count;
	pthread_mutex_unlock( &t->lock );
	return n;
}

void
sess_id_hex( const struct sess *s, char out[SESS_ID_HEX + 1] )
{
	sodium_bin2hex( out, SESS_ID_HEX + 1, s->id, SESS_ID_LEN );
}

int
sess_csrf_ok( const struct sess *s, const char *token )
{
	if ( token == NULL || strlen( token ) != SESS_TOKEN_HEX ) {
		return 0;
	}
	return sodium_memcmp( s->csrf, token, SESS_TOKEN_HEX ) == 0;
}
