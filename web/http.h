/* http.h - libmicrohttpd's callbacks */
#ifndef WEB_HTTP_H
#define WEB_HTTP_H

#include <microhttpd.h>

enum MHD_Result http_handler( void *cls, struct MHD_Connection *c,
	const char *url, const char *method, const char *version,
	const char *upload_data, size_t *upload_data_size, void **con_cls );
void http_completed( void *cls, struct MHD_Connection *c, void **con_cls,
	enum MHD_RequestTerminationCode toe );

#endif /* WEB_HTTP_H */
