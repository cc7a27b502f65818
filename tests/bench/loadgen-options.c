/* loadgen-options.c - the load generator's command line
 *
 * Whatever the options leave open is settled here too (the user group,
 * the expected result code, burst mode for TOTP), so that the rest of the
 * program reads one finished configuration.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ldap.h>

#include "loadgen.h"

struct config cfg = {
	.uri = "ldap://127.0.0.1:389",
	.scenario = "-",
	.threads = 2,
	.conns = 2,
	.warmup = 2,
	.duration = 8,
	.warm_users = -1,
	.after_step = -1,
	.step = 30,
	.digits = 6,
	.expect = -1,
};

const char *mode_names[] = { "plain", "apppw", "badapppw", "totp",
	"badcode", "badpassword" };

static void
usage( void )
{
	fprintf( stderr,
		"usage: loadgen -H uri -f credentials\n"
		"\t[-m plain|apppw|badapppw|totp|badcode|badpassword]\n"
		"\t[-u plain|mfa|all] [-t threads] [-c conns-per-thread]\n"
		"\t[-w warm-up-s] [-d seconds] [-N] [-B] [-W warm-users]\n"
		"\t[-A after-step] [-S step] [-D digits] [-s skip] [-l users] [-e rc]\n"
		"\t[-R] [-L scenario] [-o latency-file]\n"
		"       loadgen -P latency-file\n"
		"  -m  what is sent: password, app password, wrong app password\n"
		"      (expects 49), password + TOTP code (burst mode), password +\n"
		"      a wrong code, wrong password + a code (both expect 49)\n"
		"  -u  which users (plain for plain, mfa otherwise)\n"
		"  -t, -c  threads (2) and connections per thread (2)\n"
		"  -w, -d  warm-up (2) and measured (8) seconds, timed mode\n"
		"  -N  a new connection for every bind\n"
		"  -B  burst: each user once, the first -W (10%%) untimed\n"
		"  -A  wait until the TOTP step is greater than this one\n"
		"  -S, -D  TOTP step (30) and digits (6)\n"
		"  -s, -l  skip the first N users of the group, use the next N\n"
		"  -e  expected result code\n"
		"  -R  send app passwords without their dashes\n"
		"  -L  scenario name for the output\n"
		"  -o  append the measured latencies (us, one a line) to a file\n"
		"  -P  print p50 and p99 of such a file (several runs merged)\n" );
	exit( 2 );
}

static long
num_arg( const char *s, long min, long max )
{
	char *end;
	long v;

	errno = 0;
	v = strtol( s, &end, 10 );
	if ( errno || end == s || *end || v < min || v > max )
		usage();
	return v;
}

static double
sec_arg( const char *s )
{
	char *end;
	double v = strtod( s, &end );

	if ( end == s || *end || v < 0 || v > 86400 )
		usage();
	return v;
}

void
parse_args( int argc, char **argv )
{
	int c;

	while ( ( c = getopt( argc, argv, "H:f:m:u:t:c:w:d:NBW:A:S:D:s:l:e:RL:o:P:" ) ) != -1 ) {
		switch ( c ) {
		case 'H': cfg.uri = optarg; break;
		case 'f': cfg.creds = optarg; break;
		case 'm':
			for ( cfg.mode = 0; cfg.mode <= MODE_BADPASSWORD; cfg.mode++ )
				if ( strcmp( optarg, mode_names[cfg.mode] ) == 0 )
					break;
			if ( cfg.mode > MODE_BADPASSWORD )
				usage();
			break;
		case 'u':
			if ( strcmp( optarg, "plain" ) == 0 ) cfg.group = GROUP_PLAIN;
			else if ( strcmp( optarg, "mfa" ) == 0 ) cfg.group = GROUP_MFA;
			else if ( strcmp( optarg, "all" ) == 0 ) cfg.group = GROUP_ALL;
			else usage();
			break;
		case 't': cfg.threads = num_arg( optarg, 1, 256 ); break;
		case 'c': cfg.conns = num_arg( optarg, 1, MAX_CONNS ); break;
		case 'w': cfg.warmup = sec_arg( optarg ); break;
		case 'd': cfg.duration = sec_arg( optarg ); break;
		case 'N': cfg.new_conn = 1; break;
		case 'B': cfg.burst = 1; break;
		case 'W': cfg.warm_users = num_arg( optarg, 0, 100000000 ); break;
		case 'A': cfg.after_step = num_arg( optarg, -1, 1L << 40 ); break;
		case 'S': cfg.step = num_arg( optarg, 1, 3600 ); break;
		case 'D': cfg.digits = num_arg( optarg, 6, MAX_DIGITS ); break;
		case 's': cfg.skip = num_arg( optarg, 0, 100000000 ); break;
		case 'l': cfg.limit = num_arg( optarg, 1, 100000000 ); break;
		case 'e': cfg.expect = num_arg( optarg, 0, 255 ); break;
		case 'R': cfg.nodash = 1; break;
		case 'L': cfg.scenario = optarg; break;
		case 'o': cfg.latfile = optarg; break;
		case 'P': cfg.summarise = optarg; break;
		default: usage();
		}
	}
	if ( optind != argc || ( cfg.creds == NULL && cfg.summarise == NULL ) )
		usage();
	if ( cfg.group == GROUP_DEFAULT )
		cfg.group = cfg.mode == MODE_PLAIN ? GROUP_PLAIN : GROUP_MFA;
	if ( cfg.expect < 0 )
		cfg.expect = cfg.mode == MODE_BADAPPPW || cfg.mode == MODE_BADCODE ||
			cfg.mode == MODE_BADPASSWORD ?
			LDAP_INVALID_CREDENTIALS : LDAP_SUCCESS;
	/* a TOTP code is good once per step: only a burst respects that */
	if ( cfg.mode == MODE_TOTP )
		cfg.burst = 1;
	if ( !cfg.burst && cfg.duration <= 0 )
		usage();
}
