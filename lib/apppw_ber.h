/* apppw_ber.h - the BER pieces the extended operations' codecs share
 *
 * liblber only. Decoding never writes to its input, nor reads past its
 * bv_len (see apppw_create.h); encoding wipes liblber's buffer, which may
 * have held a secret.
 */
#ifndef APPPW_BER_H
#define APPPW_BER_H

#include <lber.h>

/* The contents of the SEQUENCE that must be all of in. 0 or -1. */
int apppw_ber_sequence( const struct berval *in, struct berval *contents );

/* Take the element at *rest into *field if its tag is tag: 1 taken, 0
 * another tag or none, -1 malformed. */
int apppw_ber_take( struct berval *rest, ber_tag_t tag, struct berval *field );

/* Put field with tag, unless it is absent (bv_val NULL). 0 or -1. */
int apppw_ber_put( BerElement *ber, ber_tag_t tag, const struct berval *field );

/* Flatten ber into *out and free ber, wiping its buffer first. 0 or -1
 * with *out NULL. */
int apppw_ber_flatten( BerElement *ber, struct berval **out );

/* Free ber after a failed encoding, wiping what it held: liblber's buffer
 * may hold a secret already. */
void apppw_ber_abandon( BerElement *ber );

#endif /* APPPW_BER_H */
