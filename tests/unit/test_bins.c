/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of lib/bins: the default specification's edges and bin count, specifications
 * covering part of the port space, the full one-port-per-bin table (port 65535 is bin 65535,
 * not PL_BIN_NONE), and invalid specifications refused with a message naming the range.
 * No EAL is needed: bin tables are plain memory.
 */
#include <stdlib.h>

#include "pl_bins.h"
#include "pl_test.h"

static struct pl_bins *
create_ok(const char *spec)
{
	char err[256] = "";
	struct pl_bins *b = pl_bins_create(spec, err, sizeof(err));

	if (b == NULL)
		fail_msg("'%s' refused: %s", spec, err);
	return b;
}

/* Port @p port is in bin @p first-@p last. */
static void
expect_bin(const struct pl_bins *b, uint16_t port, uint16_t first, uint16_t last)
{
	uint32_t i = pl_bins_of(b, port);

	assert_int_not_equal(i, PL_BIN_NONE);
	assert_true(i < b->n);
	assert_int_equal(b->bin[i].first, first);
	assert_int_equal(b->bin[i].last, last);
}

static void
test_default_bin_count_is_1024_plus_482_plus_328(void **state)
{
	struct pl_bins *b = create_ok(PL_BINS_DEFAULT);

	assert_int_equal(b->n, 1024 + 482 + 328);
	pl_bins_free(b);
}

static void
test_default_well_known_ports_have_own_bins(void **state)
{
	struct pl_bins *b = create_ok(PL_BINS_DEFAULT);
	unsigned int p;

	for (p = 0; p <= 1023; p++) {
		assert_int_equal(pl_bins_of(b, (uint16_t)p), p);
		expect_bin(b, (uint16_t)p, (uint16_t)p, (uint16_t)p);
	}
	pl_bins_free(b);
}

static void
test_default_edges_of_the_binned_ranges(void **state)
{
	struct pl_bins *b = create_ok(PL_BINS_DEFAULT);

	expect_bin(b, 0, 0, 0);
	expect_bin(b, 1023, 1023, 1023);
	expect_bin(b, 1024, 1024, 1123);
	assert_int_equal(pl_bins_of(b, 1024), 1024);
	expect_bin(b, 1123, 1024, 1123);
	expect_bin(b, 1124, 1124, 1223);
	expect_bin(b, 8080, 8024, 8123);
	expect_bin(b, 49151, 49124, 49151); /* the last bin of 100 is cut at 49151 */
	assert_int_equal(pl_bins_of(b, 49151), 1024 + 481);
	expect_bin(b, 49152, 49152, 49201);
	assert_int_equal(pl_bins_of(b, 49152), 1024 + 482);
	expect_bin(b, 65501, 65452, 65501);
	expect_bin(b, 65502, 65502, 65535);
	expect_bin(b, 65535, 65502, 65535);
	assert_int_equal(pl_bins_of(b, 65535), b->n - 1);
	pl_bins_free(b);
}

static void
test_bins_ascend_and_cover_every_port_once(void **state)
{
	struct pl_bins *b = create_ok(PL_BINS_DEFAULT);
	uint32_t i, p, covered = 0;

	for (i = 0; i < b->n; i++) {
		assert_true(b->bin[i].first <= b->bin[i].last);
		if (i > 0)
			assert_int_equal(b->bin[i].first, b->bin[i - 1].last + 1);
		for (p = b->bin[i].first; p <= b->bin[i].last; p++)
			assert_int_equal(pl_bins_of(b, (uint16_t)p), i);
		covered += b->bin[i].last - b->bin[i].first + 1u;
	}
	assert_int_equal(covered, 65536);
	pl_bins_free(b);
}

static void
test_partial_spec_leaves_other_ports_without_bin(void **state)
{
	struct pl_bins *b = create_ok("80-89/5,1000-1000/1,60000-60009/3");

	assert_int_equal(b->n, 2 + 1 + 4);
	assert_int_equal(pl_bins_of(b, 0), PL_BIN_NONE);
	assert_int_equal(pl_bins_of(b, 79), PL_BIN_NONE);
	expect_bin(b, 80, 80, 84);
	expect_bin(b, 85, 85, 89);
	assert_int_equal(pl_bins_of(b, 90), PL_BIN_NONE);
	assert_int_equal(pl_bins_of(b, 999), PL_BIN_NONE);
	expect_bin(b, 1000, 1000, 1000);
	assert_int_equal(pl_bins_of(b, 1001), PL_BIN_NONE);
	expect_bin(b, 60000, 60000, 60002);
	expect_bin(b, 60009, 60009, 60009); /* last bin cut to one port */
	assert_int_equal(pl_bins_of(b, 60010), PL_BIN_NONE);
	assert_int_equal(pl_bins_of(b, 65535), PL_BIN_NONE);
	pl_bins_free(b);
}

static void
test_full_one_port_spec_has_65536_bins(void **state)
{
	struct pl_bins *b = create_ok("0-65535/1");
	unsigned int p;

	assert_int_equal(b->n, 65536);
	for (p = 0; p < 65536; p++)
		assert_int_equal(pl_bins_of(b, (uint16_t)p), p);
	assert_int_equal(pl_bins_of(b, 65535), 65535);
	assert_int_not_equal(pl_bins_of(b, 65535), PL_BIN_NONE);
	expect_bin(b, 65535, 65535, 65535);
	pl_bins_free(b);
}

static void
test_one_bin_for_all_ports(void **state)
{
	struct pl_bins *b = create_ok("0-65535/65536");

	assert_int_equal(b->n, 1);
	expect_bin(b, 0, 0, 65535);
	expect_bin(b, 65535, 0, 65535);
	pl_bins_free(b);
}

static void
test_adjacent_ranges_are_allowed(void **state)
{
	struct pl_bins *b = create_ok("0-9/10,10-19/2");

	assert_int_equal(b->n, 1 + 5);
	expect_bin(b, 9, 0, 9);
	expect_bin(b, 10, 10, 11);
	expect_bin(b, 19, 18, 19);
	pl_bins_free(b);
}

static void
expect_refused(const char *spec, const char *msg_part)
{
	char err[256] = "";

	if (pl_bins_create(spec, err, sizeof(err)) != NULL)
		fail_msg("'%s' was accepted", spec ? spec : "(null)");
	assert_true(err[0] != '\0');
	if (strstr(err, msg_part) == NULL)
		fail_msg("'%s': message '%s' lacks '%s'", spec ? spec : "(null)", err, msg_part);
}

static void
test_invalid_specs_are_refused_with_a_message(void **state)
{
	expect_refused("0-1023/1,1000-2000/10", "bin range 2");    /* overlap */
	expect_refused("0-1023/1,1023-2000/10", "overlapping");    /* shares a port */
	expect_refused("1024-2047/1,0-1023/1", "ascend");          /* ranges descend */
	expect_refused("100-50/1", "bin range 1");                 /* range descends */
	expect_refused("100-50/1", "empty");
	expect_refused("0-1023/0", "empty");                       /* width 0 */
	expect_refused("0-65536/1", "0-65535");                    /* beyond 65535 */
	expect_refused("70000-70001/1", "bin range 1");
	expect_refused("0-100/65537", "bin range 1");
	expect_refused("garbage", "FIRST-LAST/WIDTH");
	expect_refused("0-1023", "FIRST-LAST/WIDTH");
	expect_refused("0-1023/1;1024-2000/5", "bin range 1");
	expect_refused("0-1023/1,x", "bin range 2");
	expect_refused("-5-10/1", "bin range 1");
	expect_refused("0-10/-1", "bin range 1");
	expect_refused(" 0-10/1", "bin range 1");
	expect_refused("0-1023/1,,1024-2000/1", "bin range 2");
	expect_refused("", "empty");
	expect_refused(NULL, "empty");
}

static void
test_refusal_without_error_buffer_returns_null(void **state)
{
	assert_null(pl_bins_create("nonsense", NULL, 0));
	pl_bins_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_bin_count_is_1024_plus_482_plus_328),
		cmocka_unit_test(test_default_well_known_ports_have_own_bins),
		cmocka_unit_test(test_default_edges_of_the_binned_ranges),
		cmocka_unit_test(test_bins_ascend_and_cover_every_port_once),
		cmocka_unit_test(test_partial_spec_leaves_other_ports_without_bin),
		cmocka_unit_test(test_full_one_port_spec_has_65536_bins),
		cmocka_unit_test(test_one_bin_for_all_ports),
		cmocka_unit_test(test_adjacent_ranges_are_allowed),
		cmocka_unit_test(test_invalid_specs_are_refused_with_a_message),
		cmocka_unit_test(test_refusal_without_error_buffer_returns_null),
	};

	return cmocka_run_group_tests_name("bins", tests, NULL, NULL);
}
