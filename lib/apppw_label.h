/* apppw_label.h - labels and scope names: the record's fields that people
 * write
 *
 * Labels are 1 to APPPW_LABEL_MAX characters of valid UTF-8, at most
 * APPPW_LABEL_MAX_BYTES bytes, no leading or trailing space, and none of:
 * control characters, '"', '\', invisible and bidirectional formatting
 * characters (labels are quoted in logs and shown in lists, where such
 * characters could forge a field or disguise the text). Scope names are
 * 1 to APPPW_SCOPE_MAX of [a-z0-9_-], starting with a letter.
 */
#ifndef APPPW_LABEL_H
#define APPPW_LABEL_H

#include <stddef.h>

#include "apppw_record_error.h"

#define APPPW_LABEL_MAX		64
#define APPPW_LABEL_MAX_BYTES	256
#define APPPW_SCOPE_MAX		32

/* Validate a label of len bytes by the rules above: APPPW_REC_OK or
 * APPPW_REC_BAD_LABEL. */
enum apppw_record_error apppw_label_check( const char *s, size_t len );

/* Validate a scope name: APPPW_REC_OK or APPPW_REC_BAD_SCOPE. */
enum apppw_record_error apppw_scope_check( const char *s, size_t len );

#endif /* APPPW_LABEL_H */
