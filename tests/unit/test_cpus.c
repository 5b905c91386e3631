/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit test of app/cpus.c: the answers a static EAL gets to "is CPU n there" and "on which
 * NUMA node" from one reading of sysfs are, for every lcore id the EAL asks about and some
 * beyond, the EAL's own (its path lookups); and the CPU-list parser (app/cpulist.c) takes
 * what the kernel writes and the lcore options' lists, and refuses the rest. The last test
 * starts an EAL with two lcores on one CPU: the wait for the lcores (rte_eal_init()'s, and
 * one after a launch) returns once every lcore is back, with its result.
 */
#include <sched.h>
#include <stdint.h>

#include <rte_config.h>
#include <rte_cpuflags.h>
#include <rte_eal.h>
#include <rte_launch.h>
#include <rte_lcore.h>

#include "pl_app.h"
#include "pl_test.h"

int __real_eal_cpu_detected(unsigned int cpu);
unsigned int __real_eal_cpu_socket_id(unsigned int cpu);
int __wrap_eal_cpu_detected(unsigned int cpu);
unsigned int __wrap_eal_cpu_socket_id(unsigned int cpu);
int __real_rte_cpu_get_flag_enabled(enum rte_cpu_flag_t feature);
int __wrap_rte_cpu_get_flag_enabled(enum rte_cpu_flag_t feature);

static void
test_answers_are_the_eals(void **state)
{
	unsigned int cpu, detected = 0;

	(void)state;
	for (cpu = 0; cpu < RTE_MAX_LCORE + 64; cpu++) {
		assert_int_equal(__wrap_eal_cpu_detected(cpu), __real_eal_cpu_detected(cpu));
		assert_int_equal(__wrap_eal_cpu_socket_id(cpu), __real_eal_cpu_socket_id(cpu));
		detected += (unsigned int)__wrap_eal_cpu_detected(cpu);
	}
	print_message("%u CPUs detected\n", detected);
	/* this process runs on one at least */
	assert_true(detected >= 1);
	assert_int_equal(__wrap_eal_cpu_detected((unsigned int)sched_getcpu()), 1);
}

/*
 * Every CPU feature's answer is the EAL's, asked first and asked again (then from what the
 * wrap kept), and beyond the table the EAL's refusal; the CPU this runs on has SSE4.2 where
 * the build targets it.
 */
static void
test_cpu_flags_are_the_eals(void **state)
{
	unsigned int f, round, enabled = 0;

	(void)state;
	for (round = 0; round < 2; round++)
		for (f = 0; f < RTE_CPUFLAG_NUMFLAGS + 2; f++) {
			int want = __real_rte_cpu_get_flag_enabled((enum rte_cpu_flag_t)f);

			assert_int_equal(__wrap_rte_cpu_get_flag_enabled((enum rte_cpu_flag_t)f),
					 want);
			enabled += round == 0 && want == 1;
		}
	print_message("%u CPU features enabled\n", enabled);
	assert_true(enabled > 0);
	assert_true(__wrap_rte_cpu_get_flag_enabled(RTE_CPUFLAG_NUMFLAGS) < 0);
#ifdef __SSE4_2__
	assert_int_equal(__wrap_rte_cpu_get_flag_enabled(RTE_CPUFLAG_SSE4_2), 1);
#endif
}

/* A kernel CPU list file's contents: up to its newline, CPUs below CPU_SETSIZE */
static int
kernel_list(const char *s, cpu_set_t *set)
{
	return pl_cpulist_parse(s, '\n', CPU_SETSIZE, set);
}

static void
test_cpu_lists(void **state)
{
	cpu_set_t s;

	(void)state;
	assert_int_equal(kernel_list("0-3,8,10-11\n", &s), 0);
	assert_int_equal(CPU_COUNT(&s), 7);
	assert_true(CPU_ISSET(0, &s) && CPU_ISSET(3, &s) && !CPU_ISSET(4, &s) && CPU_ISSET(8, &s) &&
		    !CPU_ISSET(9, &s) && CPU_ISSET(11, &s));
	assert_int_equal(kernel_list("5", &s), 0);
	assert_true(CPU_COUNT(&s) == 1 && CPU_ISSET(5, &s));
	/* an empty list (a node without CPUs) */
	assert_int_equal(kernel_list("\n", &s), 0);
	assert_int_equal(CPU_COUNT(&s), 0);
	assert_int_equal(kernel_list("3-1", &s), -2);
	assert_int_equal(kernel_list("0-", &s), -2);
	assert_int_equal(kernel_list("a", &s), -1);
	assert_int_equal(kernel_list("1;2", &s), -1);
	assert_int_equal(kernel_list("0-99999", &s), -2);
	assert_int_equal(kernel_list("99999", &s), -1);
	/* the options' lists (--rx-lcores 1,3-5): the string's end only, lcores below 128,
	 * checked without a set */
	assert_int_equal(pl_cpulist_parse("1,3-5", '\0', 128, NULL), 0);
	assert_int_equal(pl_cpulist_parse("1,3-5\n", '\0', 128, NULL), -1);
	assert_int_equal(pl_cpulist_parse("128", '\0', 128, NULL), -1);
	assert_int_equal(pl_cpulist_parse("1-128", '\0', 128, NULL), -2);
}

static volatile int lcore_ran;

static int
lcore_work(void *arg)
{
	volatile unsigned long spin = 0;

	/* long enough that the wait finds it running, on the CPU the waiter shares */
	while (spin < 20000000ul)
		spin++;
	lcore_ran = 1;
	return (int)(uintptr_t)arg;
}

static void
test_wait_for_lcores_sharing_a_cpu(void **state)
{
	(void)state;
	/* two lcores on CPU 0; the EAL's own wait for them comes to the wrap */
	assert_int_equal(pl_test_eal_start("cpus", "0@0,1@0"), 0);
	assert_int_equal(rte_eal_get_lcore_state(1), WAIT);
	assert_int_equal(rte_eal_remote_launch(lcore_work, (void *)(uintptr_t)42, 1), 0);
	rte_eal_mp_wait_lcore();
	assert_int_equal(lcore_ran, 1);
	assert_int_equal(rte_eal_get_lcore_state(1), WAIT);
	assert_int_equal(rte_eal_wait_lcore(1), 42);
	rte_eal_cleanup();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_answers_are_the_eals),
		cmocka_unit_test(test_cpu_flags_are_the_eals),
		cmocka_unit_test(test_cpu_lists),
		cmocka_unit_test(test_wait_for_lcores_sharing_a_cpu),
	};

	return cmocka_run_group_tests_name("cpus", tests, NULL, NULL);
}
