/* apppw_record.h - the app password record, one attribute value
 *
 * A stored record is one line of space-separated key=value fields, in this
 * order, the label last so that it may hold spaces:
 *
 *   id=k7fq created=20261124184100Z [expires=20270101000000Z] [scope=mail]
 *     hash=b2b$<salt>$<hash> label=Outlook on Anna's laptop
 *
 * (one line; wrapped here). hash is "b2b" (unkeyed) or "b2bk" (keyed with
 * the server key), then the salt and the BLAKE2b-256 hash in unpadded
 * standard base64. Times are GeneralizedTime (apppw_time.h).
 *
 * An administrator may instead write a request, which the overlay turns
 * into a record before it is stored (the id is the password's first group,
 * created is now):
 *
 *   [expires=...] [scope=...] password=k7fq-2m9x-... label=Outlook
 *
 * Labels and scope names follow the rules of apppw_label.h.
 */
#ifndef APPPW_RECORD_H
#define APPPW_RECORD_H

#include <stddef.h>
#include <time.h>

#include "apppw_label.h"
#include "apppw_record_error.h"
#include "apppw_secret.h"

/* the longest record apppw_record_format() can write, NUL included */
#define APPPW_RECORD_MAX	640

typedef struct apppw_record {
	char		id[APPPW_ID_LEN + 1];
	char		label[APPPW_LABEL_MAX_BYTES + 1];
	time_t		created;
	time_t		expires;		/* 0: never */
	char		scope[APPPW_SCOPE_MAX + 1];	/* "": any client */
	int		keyed;			/* hashed with the server key */
	unsigned char	salt[APPPW_SALT_LEN];
	unsigned char	hash[APPPW_HASH_LEN];
} apppw_record;

/* A recovery code's record, one value of apppwRecoveryCode:
 *
 *   id=k7fq created=20261202083000Z hash=b2bk$<salt>$<hash>
 *
 * A recovery code has an app password's form and hash (apppw_secret.h);
 * its first group is the id. See apppw_recovery.h. */
typedef struct apppw_recovery {
	char		id[APPPW_ID_LEN + 1];
	time_t		created;
	int		keyed;
	unsigned char	salt[APPPW_SALT_LEN];
	unsigned char	hash[APPPW_HASH_LEN];
} apppw_recovery;

/* the longest recovery record, NUL included */
#define APPPW_RECOVERY_MAX	128

/* Parse a stored record of len bytes. On failure *r is zeroed. */
enum apppw_record_error apppw_record_parse( const char *val, size_t len,
	apppw_record *r );

/* Parse a request (see above). On success *r holds id, label, expires and
 * scope (created, salt and hash are left zero) and password the normalised
 * password; on failure both are zeroed. */
enum apppw_record_error apppw_request_parse( const char *val, size_t len,
	apppw_record *r, char password[APPPW_PASSWORD_LEN + 1] );

/* 1 if the value of len bytes starts like a request, 0 if not. Cheap. */
int apppw_value_is_request( const char *val, size_t len );

/* The id of a value of len bytes that starts "id=XXXX ", without parsing
 * the rest: 0 and id filled, or -1. The bind hook's fast path. */
int apppw_record_id( const char *val, size_t len, char id[APPPW_ID_LEN + 1] );

/* Write r as a stored record. Returns its length, or -1 (out zeroed) when
 * r is not valid or outlen is too small. */
int apppw_record_format( const apppw_record *r, char *out, size_t outlen );

/* Parse and write a recovery code's record, as for app passwords. */
enum apppw_record_error apppw_recovery_parse( const char *val, size_t len,
	apppw_recovery *r );
int apppw_recovery_format( const apppw_recovery *r, char *out, size_t outlen );

#endif /* APPPW_RECORD_H */
