/* record-samples.h - sample values in the record and request formats, for
 * t-record.c and t-request.c
 *
 * The salt is the bytes 0 to 15 and the hash the bytes 0 to 31, in
 * unpadded base64; CREATED is T_CREATED in seconds since the epoch.
 */
#ifndef APPPW_RECORD_SAMPLES_H
#define APPPW_RECORD_SAMPLES_H

#define CREATED		"created=20261124184100Z"
#define T_CREATED	1795545660
#define SALT64		"AAECAwQFBgcICQoLDA0ODw"
#define HASH64		"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"
#define HASH		"hash=b2b$" SALT64 "$" HASH64
#define HASHK		"hash=b2bk$" SALT64 "$" HASH64
#define MINIMAL		"id=k7fq " CREATED " " HASH " label=Outlook"
#define FULL		"id=k7fq " CREATED " expires=20270101000000Z scope=mail " \
			HASHK " label=Outlook on Anna's laptop"
#define PW		"k7fq-2m9x-abcd-efgh-jkmn"
#define PWNORM		"k7fq2m9xabcdefghjkmn"

#endif /* APPPW_RECORD_SAMPLES_H */
