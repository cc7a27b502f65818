/* apppw_proto.h - names and the extended operation shared by the overlay
 * and its clients
 *
 * APPPW_OID_ARC comes from schema/apppw.schema: the Makefile writes it into
 * apppw_oid.h.
 */
#ifndef APPPW_PROTO_H
#define APPPW_PROTO_H

#include "apppw_oid.h"

/* Create an app password; the server generates the secret.
 *
 * requestValue ::= SEQUENCE {
 *	target	[0] LDAPDN OPTIONAL,		-- default: the bound identity
 *	label	[1] OCTET STRING,		-- UTF-8, see apppw_label.h
 *	expires	[2] GeneralizedTime OPTIONAL,	-- as an OCTET STRING
 *	scope	[3] OCTET STRING OPTIONAL }
 *
 * responseValue ::= SEQUENCE {
 *	id	 [0] OCTET STRING,
 *	password [1] OCTET STRING }		-- normalised, 20 symbols
 *
 * The responseName is the request's OID. Errors are ordinary LDAP results
 * with a diagnostic text.
 */
#define APPPW_OID_EXOP_CREATE	APPPW_OID_ARC ".3.1"

#define APPPW_TAG_TARGET	((ber_tag_t) 0x80U)
#define APPPW_TAG_LABEL		((ber_tag_t) 0x81U)
#define APPPW_TAG_EXPIRES	((ber_tag_t) 0x82U)
#define APPPW_TAG_SCOPE		((ber_tag_t) 0x83U)
#define APPPW_TAG_ID		((ber_tag_t) 0x80U)
#define APPPW_TAG_PASSWORD	((ber_tag_t) 0x81U)

/* Enrol the first TOTP authenticator of a pending entry (apppwMFARequired
 * TRUE, no apppwTOTPSecret), with its password: no bind is needed, since
 * the entry cannot bind with its password alone. See slapo-apppw(5),
 * ENROLMENT.
 *
 * requestValue ::= SEQUENCE {
 *	dn	 [0] LDAPDN,			-- the pending entry
 *	password [1] OCTET STRING,		-- its password
 *	secret	 [2] OCTET STRING,		-- the new TOTP secret, base32
 *	code	 [3] OCTET STRING }		-- the current code for it
 *
 * responseValue ::= SEQUENCE {
 *	step	 [0] OCTET STRING,		-- the start of the code's time
 *						-- step, as apppwTOTPLastStep
 *	codes	 [1] SEQUENCE OF OCTET STRING }	-- the first recovery codes
 *
 * The responseName is the request's OID. The code's step is recorded: a
 * bind needs the code of a later step. The recovery codes (apppw_recovery.h)
 * are stored with the secret, in the same write, and shown once. Errors as
 * for create.
 */
#define APPPW_OID_EXOP_ENROL	APPPW_OID_ARC ".3.2"

#define APPPW_TAG_ENROL_DN		((ber_tag_t) 0x80U)
#define APPPW_TAG_ENROL_PASSWORD	((ber_tag_t) 0x81U)
#define APPPW_TAG_ENROL_SECRET		((ber_tag_t) 0x82U)
#define APPPW_TAG_ENROL_CODE		((ber_tag_t) 0x83U)
#define APPPW_TAG_ENROL_STEP		((ber_tag_t) 0x80U)

/* Make new recovery codes, replacing the entry's: for a session signed in
 * with the password followed by a TOTP code (or a recovery code), never
 * one signed in with an app password. See slapo-apppw(5), RECOVERY CODES.
 *
 * requestValue ::= SEQUENCE {
 *	target	[0] LDAPDN OPTIONAL }		-- default: the bound identity
 * (the requestValue may be absent: the bound identity)
 *
 * responseValue ::= SEQUENCE {
 *	codes	[1] SEQUENCE OF OCTET STRING }	-- APPPW_RECOVERY_CODES codes,
 *						-- "abcd-efgh-jkmn-pqrs-tvwx"
 */
#define APPPW_OID_EXOP_RECOVERY	APPPW_OID_ARC ".3.3"

#define APPPW_TAG_RECOVERY_CODES	((ber_tag_t) 0xa1U)

/* schema names (schema/apppw.schema) */
#define APPPW_OC_USER		"apppwUser"
#define APPPW_AT_MFA		"apppwMFARequired"
#define APPPW_AT_PASSWORD	"apppwPassword"
#define APPPW_AT_TOTP_SECRET	"apppwTOTPSecret"
#define APPPW_AT_SERVICE	"apppwService"
#define APPPW_AT_TOTP_LAST	"apppwTOTPLastStep"
#define APPPW_AT_LAST_USED	"apppwLastUsed"
#define APPPW_AT_EXPIRY		"apppwExpiry"
#define APPPW_AT_RECOVERY	"apppwRecoveryCode"
#define APPPW_AT_OFFERED_SCOPE	"apppwOfferedScope"

#endif /* APPPW_PROTO_H */
