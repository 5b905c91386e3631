/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit test of app/tsc.c: the TSC frequency portlens gives a static EAL, measured over
 * 2 ms (or 10), is the EAL's own 100 ms measurement (both rounded to 10 MHz; one step apart at
 * most, where the true frequency lies near a rounding boundary), and agrees with a 300 ms
 * measurement of its own. No EAL is needed.
 */
#include <stdint.h>
#include <stdlib.h>

#include "pl_app.h"
#include "pl_test.h"

uint64_t __real_get_tsc_freq(void);
uint64_t __wrap_get_tsc_freq(void);

/* |a - b| within one 10 MHz rounding step */
static int
near(uint64_t a, uint64_t b)
{
	return (a > b ? a - b : b - a) <= 10000000ULL;
}

static void
test_short_measurement_is_the_eals(void **state)
{
	uint64_t quick = 0, eal = 0, slow = 0;
	int tries;

	/* a measurement whose clock reads were preempted is refused (0) or, in the EAL's
	 * unguarded one, off: a few tries ride that out, a wrong formula fails them all */
	for (tries = 0; tries < 5; tries++) {
		quick = __wrap_get_tsc_freq();
		eal = __real_get_tsc_freq();
		slow = pl_tsc_hz_measure(300 * 1000 * 1000ULL);
		if (quick != 0 && slow != 0 && near(quick, eal) && near(quick, slow))
			break;
	}
	print_message("TSC: 2 ms %.2f MHz, the EAL's 100 ms %.2f MHz, 300 ms %.2f MHz (%d "
		      "tries more)\n", quick / 1e6, eal / 1e6, slow / 1e6, tries);
	assert_true(quick > 0 && quick % 10000000ULL == 0);
	assert_true(near(quick, eal));
	assert_true(near(quick, slow));
}

/* Over no sleep at all the clock reads' spread is most of the interval: refused (0), never
 * a frequency far off. A measurement preempted in between covers a longer interval and
 * comes out right; twenty in a row cannot all be (each takes about a microsecond). */
static void
test_measurement_too_short_to_bound_is_refused(void **state)
{
	uint64_t slow = 0, hz;
	int i, refused = 0;

	(void)state;
	for (i = 0; i < 5 && slow == 0; i++)
		slow = pl_tsc_hz_measure(300 * 1000 * 1000ULL);
	assert_true(slow > 0);
	for (i = 0; i < 20; i++) {
		hz = pl_tsc_hz_measure(0);
		refused += hz == 0;
		assert_true(hz == 0 || near(hz, slow));
	}
	print_message("TSC over no sleep: %d of 20 refused\n", refused);
	assert_true(refused > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_short_measurement_is_the_eals),
		cmocka_unit_test(test_measurement_too_short_to_bound_is_refused),
	};

	return cmocka_run_group_tests_name("tsc", tests, NULL, NULL);
}
