/* term.c - reading from the terminal, a file or standard input */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "apppw.h"
#include "apppw_secret.h"

static int tty_noecho_fd = -1;
static struct termios tty_saved;

/* A signal while echo is off must not leave the terminal silent. */
static void
tty_restore_and_die( int sig )
{
	if ( tty_noecho_fd >= 0 ) {
		tcsetattr( tty_noecho_fd, TCSAFLUSH, &tty_saved );
	}
	signal( sig, SIG_DFL );
	raise( sig );
}

/* One line from fd into buf without its newline; a last line without one
 * counts. 0, or -1 with *why set. */
int
read_line( int fd, char *buf, size_t size, size_t *len, const char **why )
{
	size_t n = 0;
	int too_long = 0;
	ssize_t r;
	char c;

	for ( ;; ) {
		r = read( fd, &c, 1 );
		if ( r < 0 && errno == EINTR ) {
			continue;
		}
		if ( r < 0 ) {
			*why = strerror( errno );
			break;
		}
		if ( r == 0 ) {
			if ( n == 0 && !too_long ) {
				*why = "end of input";
				r = -1;
			}
			break;
		}
		if ( c == '\n' ) {
			break;
		}
		if ( n + 1 < size ) {
			buf[n++] = c;
		} else {
			too_long = 1;
		}
	}
	if ( r < 0 || too_long ) {
		if ( too_long ) {
			*why = "line too long";
		}
		apppw_wipe( buf, size );
		return -1;
	}
	buf[n] = '\0';
	*len = n;
	return 0;
}

/* Ask on /dev/tty, so that prompts work with stdin and stdout redirected.
 * Echo is off for passwords. 0 or -1. */
int
tty_ask( const char *prompt, char *buf, size_t size, size_t *len, int echo )
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	struct sigaction sa, old[sizeof( sigs ) / sizeof( sigs[0] )];
	struct termios tio;
	const char *why = NULL;
	size_t i;
	int fd, rc;

	fd = open( "/dev/tty", O_RDWR | O_CLOEXEC );
	if ( fd < 0 ) {
		complain( "cannot open the terminal: %s", strerror( errno ) );
		return -1;
	}
	if ( !echo && tcgetattr( fd, &tty_saved ) == 0 ) {
		memset( &sa, 0, sizeof( sa ) );
		sa.sa_handler = tty_restore_and_die;
		sigemptyset( &sa.sa_mask );
		for ( i = 0; i < sizeof( sigs ) / sizeof( sigs[0] ); i++ ) {
			sigaction( sigs[i], &sa, &old[i] );
		}
		tio = tty_saved;
		tio.c_lflag &= ~( ECHO | ECHONL );
		tty_noecho_fd = fd;
		tcsetattr( fd, TCSAFLUSH, &tio );
	}
	if ( write( fd, prompt, strlen( prompt ) ) < 0 ) {
		why = strerror( errno );
		rc = -1;
	} else {
		rc = read_line( fd, buf, size, len, &why );
	}
	if ( tty_noecho_fd >= 0 ) {
		tcsetattr( fd, TCSAFLUSH, &tty_saved );
		tty_noecho_fd = -1;
		for ( i = 0; i < sizeof( sigs ) / sizeof( sigs[0] ); i++ ) {
			sigaction( sigs[i], &old[i], NULL );
		}
		/* the newline the person typed was not echoed */
		if ( write( fd, "\n", 1 ) < 0 ) {
			/* nothing lost but cosmetics */
		}
	}
	close( fd );
	if ( rc < 0 ) {
		complain( "reading from the terminal: %s", why );
		return -1;
	}
	return 0;
}

/* -y: the whole file is the password, but for one trailing newline that
 * editors add. 0 or -1. */
int
read_password_file( struct session *s, const char *path )
{
	ssize_t r;
	size_t n = 0;
	int fd;

	fd = open( path, O_RDONLY | O_CLOEXEC );
	if ( fd < 0 ) {
		complain( "%s: %s", path, strerror( errno ) );
		return -1;
	}
	while ( n < sizeof( s->passwd ) &&
			( r = read( fd, s->passwd + n, sizeof( s->passwd ) - n ) ) != 0 ) {
		if ( r < 0 && errno == EINTR ) {
			continue;
		}
		if ( r < 0 ) {
			complain( "%s: %s", path, strerror( errno ) );
			close( fd );
			apppw_wipe( s->passwd, sizeof( s->passwd ) );
			return -1;
		}
		n += r;
	}
	close( fd );
	if ( n == sizeof( s->passwd ) ) {
		complain( "%s: the password is too long", path );
		apppw_wipe( s->passwd, sizeof( s->passwd ) );
		return -1;
	}
	if ( n > 0 && s->passwd[n - 1] == '\n' ) {
		s->passwd[--n] = '\0';
	}
	s->passwdlen = n;
	s->have_passwd = 1;
	return 0;
}
