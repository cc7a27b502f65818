/* apppw_record_error.h - what can be wrong with a record, a request or one
 * of their fields, and how to say so
 *
 * Shared by the parsers of apppw_record.h and the field checks of
 * apppw_label.h, so that the overlay, the tool and the tests report a
 * refusal with one text.
 */
#ifndef APPPW_RECORD_ERROR_H
#define APPPW_RECORD_ERROR_H

enum apppw_record_error {
	APPPW_REC_OK = 0,
	APPPW_REC_EMPTY,		/* empty value */
	APPPW_REC_TOO_LONG,		/* longer than APPPW_RECORD_MAX */
	APPPW_REC_NUL,			/* holds a NUL byte */
	APPPW_REC_BAD_FIELD,		/* unknown, repeated or misplaced field */
	APPPW_REC_BAD_ID,		/* id is not four alphabet symbols */
	APPPW_REC_BAD_TIME,		/* created or expires not GeneralizedTime */
	APPPW_REC_EXPIRES_BEFORE_CREATED,
	APPPW_REC_BAD_SCOPE,		/* scope name malformed */
	APPPW_REC_BAD_HASH,		/* hash field malformed */
	APPPW_REC_BAD_LABEL,		/* label missing, too long, bad UTF-8 or control */
	APPPW_REC_BAD_PASSWORD,		/* request's password is not an app password */
	APPPW_REC_MISSING_FIELD		/* a required field is absent */
};

/* A short English text for an error, for LDAP diagnostics. */
const char *apppw_record_strerror( enum apppw_record_error e );

#endif /* APPPW_RECORD_ERROR_H */
