/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Offline mode: check a capture file before anything starts. net_pcap stops quietly at the
 * first record it cannot read, which would make a truncated or damaged capture look like
 * a shorter one; walking the record (pcap) or block (pcapng) headers first, through a
 * read-only mapping, finds the exact record and byte where the file breaks, in a few
 * milliseconds per million records.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <pthread.h>
#include <unistd.h>

#include "pl_app.h"

#define PCAP_MAX_RECORD (256u * 1024) /* libpcap's own limit on a record */

static uint32_t
rd32(const uint8_t *p, int swap)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return swap ? __builtin_bswap32(v) : v;
}

/* Walk classic pcap records. Returns 0, or -1 with the problem in err. */
static int
walk_pcap(const uint8_t *d, size_t size, int swap, uint64_t *records, char *err, size_t n)
{
	size_t off = 24;
	uint64_t rec = 0;

	if (size < 24) {
		snprintf(err, n, "the file header is cut short (%zu of 24 bytes)", size);
		return -1;
	}
	while (off < size) {
		uint32_t caplen;

		if (size - off < 16) {
			snprintf(err, n, "truncated: record %" PRIu64 " at byte %zu has %zu of its 16 "
				 "header bytes", rec + 1, off, size - off);
			*records = rec;
			return -1;
		}
		caplen = rd32(d + off + 8, swap);
		if (caplen > PCAP_MAX_RECORD) {
			snprintf(err, n, "damaged: record %" PRIu64 " at byte %zu claims %u bytes",
				 rec + 1, off, caplen);
			*records = rec;
			return -1;
		}
		if (size - off - 16 < caplen) {
			snprintf(err, n, "truncated: record %" PRIu64 " at byte %zu needs %u bytes, "
				 "%zu are left", rec + 1, off, caplen, size - off - 16);
			*records = rec;
			return -1;
		}
		off += 16 + caplen;
		rec++;
	}
	*records = rec;
	return 0;
}

/* Walk pcapng blocks (lengths only: libpcap reads the contents). */
static int
walk_pcapng(const uint8_t *d, size_t size, uint64_t *records, char *err, size_t n)
{
	size_t off = 0;
	uint64_t blk = 0;
	int swap = 0;

	while (off < size) {
		uint32_t len;

		if (size - off < 12) {
			snprintf(err, n, "truncated: block %" PRIu64 " at byte %zu is cut short",
				 blk + 1, off);
			*records = blk;
			return -1;
		}
		if (rd32(d + off, 0) == 0x0a0d0d0a) /* section header: its byte order */
			swap = rd32(d + off + 8, 0) != 0x1a2b3c4d;
		len = rd32(d + off + 4, swap);
		if (len < 12 || len % 4) {
			snprintf(err, n, "damaged: block %" PRIu64 " at byte %zu has length %u",
				 blk + 1, off, len);
			*records = blk;
			return -1;
		}
		if (size - off < len) {
			snprintf(err, n, "truncated: block %" PRIu64 " at byte %zu needs %u bytes, %zu "
				 "are left", blk + 1, off, len, size - off);
			*records = blk;
			return -1;
		}
		off += len;
		blk++;
	}
	*records = blk;
	return 0;
}

int
pl_capture_check(const char *path, int allow_truncated)
{
	static const uint32_t pcap_magic[] = { 0xa1b2c3d4, 0xa1b23c4d };
	struct stat st;
	uint64_t records = 0;
	char err[256] = "";
	const uint8_t *d;
	uint32_t m;
	int fd, rc = -1;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "portlens: --pcap %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_size < 4) {
		fprintf(stderr, "portlens: --pcap %s: %s\n", path, S_ISREG(st.st_mode) ?
			"too short to be a capture" : "not a regular file");
		close(fd);
		return -1;
	}
	d = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (d == MAP_FAILED) {
		fprintf(stderr, "portlens: --pcap %s: %s\n", path, strerror(errno));
		return -1;
	}
	memcpy(&m, d, 4);
	if (m == pcap_magic[0] || m == pcap_magic[1])
		rc = walk_pcap(d, (size_t)st.st_size, 0, &records, err, sizeof(err));
	else if (m == __builtin_bswap32(pcap_magic[0]) || m == __builtin_bswap32(pcap_magic[1]))
		rc = walk_pcap(d, (size_t)st.st_size, 1, &records, err, sizeof(err));
	else if (m == 0x0a0d0d0a)
		rc = walk_pcapng(d, (size_t)st.st_size, &records, err, sizeof(err));
	else
		snprintf(err, sizeof(err), "not a pcap or pcapng capture (magic 0x%08x)", m);
	munmap((void *)(uintptr_t)d, (size_t)st.st_size);
	if (rc == 0)
		return 0;
	if (allow_truncated && records && strncmp(err, "truncated", 9) == 0) {
		fprintf(stderr, "portlens: --pcap %s: %s; analysing the %" PRIu64 " whole "
			"records before it (--allow-truncated)\n", path, err, records);
		return 0;
	}
	fprintf(stderr, "portlens: --pcap %s: %s%s\n", path, err, records &&
		strncmp(err, "truncated", 9) == 0 ? " (--allow-truncated analyses the whole "
		"records before it)" : "");
	return -1;
}

/* The check in a thread of its own, overlapping the EAL's start-up (which mostly sleeps
 * calibrating the TSC and loads plugins): a 1 GB capture's headers take it 0.1-0.3 s. */
struct check_job {
	pthread_t tid;
	const char *path;
	int allow;
	int rc;
};
static struct check_job job;

static void *
check_thread(void *arg)
{
	struct check_job *j = arg;

	j->rc = pl_capture_check(j->path, j->allow);
	return NULL;
}

int
pl_capture_check_start(const char *path, int allow_truncated)
{
	job.path = path;
	job.allow = allow_truncated;
	if (pthread_create(&job.tid, NULL, check_thread, &job) != 0)
		return pl_capture_check(path, allow_truncated) < 0 ? -1 : 1;
	return 0;
}

int
pl_capture_check_wait(void)
{
	pthread_join(job.tid, NULL);
	return job.rc;
}
