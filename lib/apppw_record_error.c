/* apppw_record_error.c - the texts of the record errors
 *
 * The limits in the texts are spelled from the constants that enforce
 * them, so that a text cannot drift from its rule.
 */
#include "apppw_label.h"
#include "apppw_record_error.h"

#define APPPW_STR_( x )	#x
#define APPPW_STR( x )	APPPW_STR_( x )

const char *
apppw_record_strerror( enum apppw_record_error e )
{
	switch ( e ) {
	case APPPW_REC_OK:
		return "success";
	case APPPW_REC_EMPTY:
		return "empty value";
	case APPPW_REC_TOO_LONG:
		return "value too long";
	case APPPW_REC_NUL:
		return "value holds a NUL byte";
	case APPPW_REC_BAD_FIELD:
		return "unknown, repeated or misplaced field";
	case APPPW_REC_BAD_ID:
		return "id is not four base32 symbols";
	case APPPW_REC_BAD_TIME:
		return "time is not a valid GeneralizedTime YYYYmmddHHMMSSZ";
	case APPPW_REC_EXPIRES_BEFORE_CREATED:
		return "expires is not after created";
	case APPPW_REC_BAD_SCOPE:
		return "scope must be 1 to " APPPW_STR( APPPW_SCOPE_MAX )
			" of a-z 0-9 _ -, starting with a letter";
	case APPPW_REC_BAD_HASH:
		return "hash field is malformed";
	case APPPW_REC_BAD_LABEL:
		return "label must be 1 to " APPPW_STR( APPPW_LABEL_MAX )
			" characters of UTF-8 without spaces at either end, "
			"control, invisible or bidirectional characters, "
			"'\"' or '\\'";
	case APPPW_REC_BAD_PASSWORD:
		return "password is not an app password";
	case APPPW_REC_MISSING_FIELD:
		return "a required field is missing";
	}
	return "unknown error";
}
