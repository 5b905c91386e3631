/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target: the console's command parser. Any bytes are a command line; every command
 * of every section is tried against it by DPDK's cmdline parser with the console's own
 * tokens (strings, numbers, port ranges, CIDRs), without running anything. It must never
 * crash or read out of bounds, whatever the line holds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pl_app.h"
#include "pl_console.h"

/* The program's globals, which the console's sources refer to. */
struct pl_app pl_app = { .wake_fd = -1 };
int pl_logtype;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char line[512];
	size_t n = size < sizeof(line) - 1 ? size : sizeof(line) - 1;

	memcpy(line, data, n);
	line[n] = '\0';
	/* a line is what the console gets: it ends at the first newline */
	line[strcspn(line, "\r\n")] = '\0';
	(void)pl_console_check(line);
	return 0;
}
