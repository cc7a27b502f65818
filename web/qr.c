/* qr.c - a QR code as SVG, drawn by the server: one path of dark
 * modules, colours as attributes (the CSP allows no inline style) */

#include <errno.h>
#include <string.h>

#include <qrencode.h>

#include "apppw_secret.h"
#include "web.h"

#define QR_QUIET	4	/* modules of light margin the QR spec asks for */

int
qr_svg( struct buf *b, const char *text )
{
	QRcode *qr;
	int x, y, n, run;

	qr = QRcode_encodeString( text, 0, QR_ECLEVEL_M, QR_MODE_8, 1 );
	if ( qr == NULL ) {
		logmsg( "cannot draw a QR code: %s", strerror( errno ) );
		return -1;
	}
	n = qr->width + 2 * QR_QUIET;
	buf_printf( b, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
		"viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
		"shape-rendering=\"crispEdges\" role=\"img\">"
		"<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>"
		"<path fill=\"#000\" d=\"", n, n, n * 6, n * 6, n, n );
	/* each row's runs of dark modules as one rectangle each */
	for ( y = 0; y < qr->width; y++ ) {
		for ( x = 0; x < qr->width; x += run ) {
			for ( run = 0; x + run < qr->width &&
					( qr->data[y * qr->width + x + run] & 1 ); run++ )
				;
			if ( run ) {
				buf_printf( b, "M%d %dh%dv1h-%dz", x + QR_QUIET,
					y + QR_QUIET, run, run );
			} else {
				run = 1;
			}
		}
	}
	buf_str( b, "\"/></svg>" );
	apppw_wipe( qr->data, (size_t)qr->width * qr->width );
	QRcode_free( qr );
	return 0;
}
