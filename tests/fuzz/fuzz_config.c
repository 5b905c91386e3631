/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target: the configuration loader. Any bytes are a configuration file. Loading must
 * either fail with a message naming the file and a line, leaving the output untouched, or
 * succeed; a loaded configuration dumped and loaded again must be identical.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pl_config.h"

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pl_config cfg, back, untouched;
	static char path[64], path2[64];
	char err[1024];
	FILE *f;
	int rc;

	if (path[0] == '\0') {
		snprintf(path, sizeof(path), "/tmp/pl-fuzz-config-%d.yaml", (int)getpid());
		snprintf(path2, sizeof(path2), "/tmp/pl-fuzz-config-%d-dump.yaml", (int)getpid());
	}
	f = fopen(path, "wb");
	if (f == NULL)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	memset(&cfg, 0x5a, sizeof(cfg));
	memcpy(&untouched, &cfg, sizeof(cfg));
	err[0] = '\0';
	rc = pl_config_load(path, &cfg, err, sizeof(err));
	if (rc < 0) {
		CHECK(strncmp(err, path, strlen(path)) == 0); /* names the file */
		CHECK(memcmp(&cfg, &untouched, sizeof(cfg)) == 0); /* all or nothing */
		return 0;
	}
	f = fopen(path2, "w");
	CHECK(f != NULL);
	CHECK(pl_config_dump(&cfg, f) == 0);
	fclose(f);
	CHECK(pl_config_load(path2, &back, err, sizeof(err)) == 0);
	/* the path differs by design */
	memcpy(back.path, cfg.path, sizeof(cfg.path));
	CHECK(memcmp(&cfg, &back, sizeof(cfg)) == 0);
	return 0;
}
