/* apppw_number.h - numbers given on a command line */
#ifndef APPPW_NUMBER_H
#define APPPW_NUMBER_H

/* s as a decimal number from min to max: digits only, no sign, no
 * space. 0 and *out, or -1 with *out untouched. */
int apppw_number_parse( const char *s, unsigned min, unsigned max,
	unsigned *out );

#endif /* APPPW_NUMBER_H */
