/* loadgen.h - what the parts of the load generator share
 *
 *   loadgen.c		connections, the dispatch loop, threads, the report
 *   loadgen-options.c	the command line: options, defaults, usage
 *   loadgen-creds.c	the users from gendata's credentials file, and the
 *			credentials each bind sends
 *   loadgen-latency.c	percentiles, the latency file, -P
 *
 * One process: the configuration and the users are globals, set before
 * the threads start and only read after.
 */
#ifndef LOADGEN_H
#define LOADGEN_H

#include <stddef.h>
#include <stdint.h>

#include <lber.h>

#define MAX_CONNS	1024	/* per thread, -c */
#define MAX_DIGITS	8	/* of a TOTP code, -D */

enum mode { MODE_PLAIN, MODE_APPPW, MODE_BADAPPPW, MODE_TOTP, MODE_BADCODE,
	MODE_BADPASSWORD };
enum group { GROUP_DEFAULT, GROUP_PLAIN, GROUP_MFA, GROUP_ALL };

struct user {
	char		*dn;
	struct berval	password;
	struct berval	apppw;		/* NULL bv_val for plain users */
	struct berval	bad_apppw;	/* same id, different secret */
	char		*totp;		/* raw secret bytes */
	size_t		totp_len;
};

struct config {
	const char	*uri;
	const char	*creds;
	const char	*scenario;
	enum mode	mode;
	enum group	group;
	int		threads;
	int		conns;
	double		warmup;
	double		duration;
	int		new_conn;
	int		burst;
	long		warm_users;	/* -1: 10% of the users */
	long		skip;
	long		limit;
	long long	after_step;
	unsigned	step;
	unsigned	digits;
	int		expect;
	int		nodash;
	const char	*latfile;
	const char	*summarise;	/* -P: only summarise this file */
};

/* loadgen-options.c */
extern struct config cfg;
extern const char *mode_names[];
void parse_args( int argc, char **argv );

/* loadgen-creds.c */
extern struct user *users;
extern size_t nusers;
void load_users( void );
/* Build the credentials for one bind; for TOTP the step of the code is
 * raised into *last_step. 0 or -1. */
int make_cred( const struct user *u, int64_t *last_step, struct berval *cred,
	char *buf, size_t buflen );

/* loadgen-latency.c */
int cmp_u64( const void *a, const void *b );
double percentile_us( const uint64_t *v, size_t n, double p );
void write_latencies( const uint64_t *v, size_t n );
int summarise( void );

/* loadgen.c: print "loadgen: msg" and exit 2; malloc or die */
void die( const char *msg );
void *xmalloc( size_t n );

#endif /* LOADGEN_H */
