/* otpauth.c - how mfa enroll hands a TOTP secret to an authenticator app:
 * an otpauth:// URI, drawn as a QR code, and the key to type by hand */

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ldap.h>
#include <qrencode.h>

#include "apppw.h"
#include "apppw_secret.h"

#define QR_QUIET	4	/* modules of light margin the QR spec asks for */

char *
dn_domain( const char *dn )
{
	LDAPDN ldn = NULL;
	char *out = NULL;
	size_t len = 0;
	int i;

	if ( ldap_str2dn( dn, &ldn, LDAP_DN_FORMAT_LDAP ) != LDAP_SUCCESS ) {
		return NULL;
	}
	for ( i = 0; ldn && ldn[i]; i++ ) {
		LDAPAVA *ava = ldn[i][0];

		if ( ldn[i][1] == NULL && ava->la_attr.bv_len == 2 &&
				strncasecmp( ava->la_attr.bv_val, "dc", 2 ) == 0 ) {
			out = xrealloc( out, len + ava->la_value.bv_len + 2 );
			if ( len ) {
				out[len++] = '.';
			}
			memcpy( out + len, ava->la_value.bv_val, ava->la_value.bv_len );
			len += ava->la_value.bv_len;
			out[len] = '\0';
		}
	}
	ldap_dnfree( ldn );
	return out;
}

char *
account_name( LDAP *ld, LDAPMessage *e, const char *dn )
{
	struct berval **mail = e ? ldap_get_values_len( ld, e, "mail" ) : NULL;
	LDAPDN ldn = NULL;
	char *out = NULL;

	if ( mail ) {
		out = xstrndup( mail[0]->bv_val, mail[0]->bv_len );
		ldap_value_free_len( mail );
		return out;
	}
	if ( ldap_str2dn( dn, &ldn, LDAP_DN_FORMAT_LDAP ) == LDAP_SUCCESS &&
			ldn && ldn[0] ) {
		out = xstrndup( ldn[0][0]->la_value.bv_val,
			ldn[0][0]->la_value.bv_len );
	}
	ldap_dnfree( ldn );
	return out ? out : xstrdup( dn );
}

/* Percent-encoding for the otpauth:// label and issuer. */
static int
uri_escape( char *out, size_t size, const char *s )
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = 0;

	for ( ; *s; s++ ) {
		unsigned char c = *s;

		if ( n + 4 > size ) {
			return -1;
		}
		if ( isalnum( c ) || strchr( "-._~@", c ) ) {
			out[n++] = c;
		} else {
			out[n++] = '%';
			out[n++] = hex[c >> 4];
			out[n++] = hex[c & 15];
		}
	}
	out[n] = '\0';
	return 0;
}

static int
qr_dark( const QRcode *qr, int x, int y )
{
	x -= QR_QUIET;
	y -= QR_QUIET;
	if ( x < 0 || y < 0 || x >= qr->width || y >= qr->width ) {
		return 0;
	}
	return qr->data[y * qr->width + x] & 1;
}

/* Two rows of modules per line of text, in half blocks. The light modules
 * are what is drawn, in white on black: forcing both colours makes the
 * code scan the same under light and dark terminal themes. */
static void
draw_qr( FILE *out, const QRcode *qr )
{
	static const char *cell[4] = { " ", "\xe2\x96\x84", "\xe2\x96\x80",
		"\xe2\x96\x88" };	/* none, lower, upper, both light */
	int n = qr->width + 2 * QR_QUIET, x, y, top, bottom;

	for ( y = 0; y < n; y += 2 ) {
		fputs( "  \033[40;97m", out );
		for ( x = 0; x < n; x++ ) {
			top = !qr_dark( qr, x, y );
			bottom = y + 1 < n && !qr_dark( qr, x, y + 1 );
			fputs( cell[top << 1 | bottom], out );
		}
		fputs( "\033[0m\n", out );
	}
}

/* The secret for an app that cannot scan: groups of four, typed easily. */
static void
print_grouped( FILE *out, const char *secret )
{
	size_t i;

	for ( i = 0; secret[i]; i++ ) {
		if ( i && i % 4 == 0 ) {
			fputc( ' ', out );
		}
		fputc( secret[i], out );
	}
}

int
show_secret( const char *secret, unsigned digits, unsigned period,
	const char *issuer, const char *account, int qr_wanted )
{
	char uri[2048], eissuer[512], eaccount[1024];
	QRcode *qr = NULL;
	int len;

	if ( uri_escape( eissuer, sizeof( eissuer ), issuer ) != 0 ||
			uri_escape( eaccount, sizeof( eaccount ), account ) != 0 ) {
		complain( "the issuer or account name is too long" );
		return -1;
	}
	len = snprintf( uri, sizeof( uri ), "otpauth://totp/%s:%s?secret=%s"
		"&issuer=%s&algorithm=SHA1&digits=%u&period=%u", eissuer, eaccount,
		secret, eissuer, digits, period );
	if ( len < 0 || (size_t)len >= sizeof( uri ) ) {
		complain( "the issuer or account name is too long" );
		return -1;
	}

	say( "Add this account to your authenticator app (FreeOTP, Aegis, Google or\n"
		"Microsoft Authenticator...): scan the QR code, or enter the key by hand.\n" );
	if ( qr_wanted ) {
		qr = QRcode_encodeString( uri, 0, QR_ECLEVEL_M, QR_MODE_8, 1 );
		if ( qr == NULL ) {
			complain( "cannot draw the QR code: %s", strerror( errno ) );
		} else {
			draw_qr( stderr, qr );
			fputc( '\n', stderr );
			apppw_wipe( qr->data, (size_t)qr->width * qr->width );
			QRcode_free( qr );
		}
	}
	fprintf( stderr, "  %s\n\n  Key:  ", uri );
	print_grouped( stderr, secret );
	fprintf( stderr, "\n        (%s:%s, time-based, SHA1, %u digits, every %u "
		"seconds)\n\n", issuer, account, digits, period );
	fflush( stderr );
	apppw_wipe( uri, sizeof( uri ) );
	return 0;
}
