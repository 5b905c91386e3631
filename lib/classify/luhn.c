/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Luhn (mod 10) checksum that every payment card number satisfies. The signature
 * scanner calls it from its match callback on the digits of a card-number candidate, so it
 * neither allocates nor looks at anything but the digits it is given.
 */
#include "pl_classify.h"

int
pl_luhn_valid(const char *digits, unsigned int n)
{
	unsigned int i, sum = 0, d;
	int dbl = 0;

	if (digits == NULL || n < 2)
		return 0;
	/* from the check digit leftwards, doubling every second digit */
	for (i = n; i-- > 0;) {
		if (digits[i] < '0' || digits[i] > '9')
			return 0;
		d = (unsigned int)(digits[i] - '0');
		if (dbl) {
			d *= 2;
			if (d > 9)
				d -= 9;
		}
		sum += d;
		dbl = !dbl;
	}
	return sum % 10 == 0;
}
