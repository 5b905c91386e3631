/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The compiled-signature cache: Hyperscan databases kept on disk between runs, so a start
 * with an unchanged signature file reads its databases (hs_deserialize_database(), about a
 * millisecond) instead of compiling them (tens to hundreds of milliseconds, most of an
 * offline run's start-up once the EAL's own is cut).
 *
 * A database is stored with everything its compile depended on: this file format, the
 * Hyperscan version and the platform it was compiled for (hs_populate_platform()), the mode,
 * and each expression with its flags and id. A file is used only when all of that matches
 * byte for byte (the file name is a hash of it, the contents are compared whole), so a stale
 * or foreign file is never used: it is compiled again and replaced. Hyperscan checks the
 * database's own checksum when it reads it.
 *
 * Where: $PORTLENS_CACHE_DIR, else $XDG_CACHE_HOME/portlens, else $HOME/.cache/portlens
 * (made 0700 when missing); PORTLENS_CACHE_DIR set empty turns the cache off. A folder or
 * file not owned by the user running portlens, or writable by others, is not used: a
 * database from the cache is code Hyperscan runs on every payload. Files are written to a
 * temporary name and renamed, so processes starting side by side never read half a file.
 * Any failure (no folder, full disk) only means compiling, as without a cache.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sigs_priv.h"

#define SIGCACHE_MAGIC 0x31435350u      /* "PSC1" */
#define SIGCACHE_MAX (256u << 20)       /* a file larger than this is not read */

/* A folder portlens may trust: a directory of this user, writable by nobody else. */
static int
trusted_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == geteuid() &&
	       (st.st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

/* The cache folder into @p out; -1 when there is none to use. */
static int
cache_dir(char *out, size_t n)
{
	const char *e = getenv("PORTLENS_CACHE_DIR"), *base;
	char parent[PATH_MAX];
	int w;

	if (e != NULL) {
		if (*e == '\0')
			return -1;
		w = snprintf(out, n, "%s", e);
	} else {
		base = getenv("XDG_CACHE_HOME");
		if (base != NULL && *base == '/') {
			w = snprintf(parent, sizeof(parent), "%s", base);
		} else {
			base = getenv("HOME");
			if (base == NULL || *base != '/')
				return -1;
			w = snprintf(parent, sizeof(parent), "%s/.cache", base);
		}
		if (w < 0 || (size_t)w >= sizeof(parent))
			return -1;
		(void)mkdir(parent, 0700);
		w = snprintf(out, n, "%s/portlens", parent);
	}
	if (w < 0 || (size_t)w >= n)
		return -1;
	if (mkdir(out, 0700) != 0 && errno != EEXIST)
		return -1;
	return trusted_dir(out) ? 0 : -1;
}

/* Append @p len bytes at @p p to the key (@p key of @p cap bytes, *@p at used). */
static void
key_add(uint8_t *key, size_t cap, size_t *at, const void *p, size_t len)
{
	if (*at + len <= cap)
		memcpy(key + *at, p, len);
	*at += len;
}

/*
 * Everything a database's compile depended on, into a new buffer (*@p len bytes); NULL when
 * the platform cannot be read or memory is short.
 */
static uint8_t *
cache_key(const struct pl_sigcache_req *r, size_t *len)
{
	const char *version = hs_version();
	hs_platform_info_t plat;
	uint32_t u, i;
	size_t cap = 256 + strlen(version), at = 0;
	uint8_t *key;

	if (hs_populate_platform(&plat) != HS_SUCCESS)
		return NULL;
	for (i = 0; i < r->n; i++)
		cap += 12 + strlen(r->exprs[i]);
	key = malloc(cap);
	if (key == NULL)
		return NULL;
	u = SIGCACHE_MAGIC;
	key_add(key, cap, &at, &u, sizeof(u));
	key_add(key, cap, &at, version, strlen(version) + 1);
	key_add(key, cap, &at, &plat.tune, sizeof(plat.tune));
	key_add(key, cap, &at, &plat.cpu_features, sizeof(plat.cpu_features));
	key_add(key, cap, &at, &r->mode, sizeof(r->mode));
	key_add(key, cap, &at, &r->n, sizeof(r->n));
	for (i = 0; i < r->n; i++) {
		u = (uint32_t)strlen(r->exprs[i]);
		key_add(key, cap, &at, &r->ids[i], sizeof(r->ids[i]));
		key_add(key, cap, &at, &r->flags[i], sizeof(r->flags[i]));
		key_add(key, cap, &at, &u, sizeof(u));
		key_add(key, cap, &at, r->exprs[i], u);
	}
	if (at > cap) {
		free(key);
		return NULL;
	}
	*len = at;
	return key;
}

/* The cache file of a key: the folder, then a 64-bit FNV-1a hash of the key. */
static int
cache_path(const uint8_t *key, size_t len, char *out, size_t n)
{
	char dir[PATH_MAX];
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;
	int w;

	if (cache_dir(dir, sizeof(dir)) < 0)
		return -1;
	for (i = 0; i < len; i++)
		h = (h ^ key[i]) * 0x100000001b3ULL;
	w = snprintf(out, n, "%s/sigs-%016llx.hsdb", dir, (unsigned long long)h);
	return w < 0 || (size_t)w >= n ? -1 : 0;
}

/* The whole file at @p path, if it is a regular file of this user that no one else may
 * write, into a new buffer; NULL otherwise. */
static uint8_t *
read_trusted(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	uint8_t *buf = NULL;
	struct stat st;
	size_t got = 0;
	ssize_t r;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)) != 0 || st.st_size <= 0 ||
	    (uint64_t)st.st_size > SIGCACHE_MAX)
		goto out;
	buf = malloc((size_t)st.st_size);
	if (buf == NULL)
		goto out;
	while (got < (size_t)st.st_size) {
		r = read(fd, buf + got, (size_t)st.st_size - got);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	if (got != (size_t)st.st_size) {
		free(buf);
		buf = NULL;
	}
	*len = got;
out:
	close(fd);
	return buf;
}

int
pl_sigcache_load(struct pl_sigcache_req *r, hs_database_t **db)
{
	uint8_t *file = NULL;
	size_t flen = 0;
	uint64_t dblen;
	uint32_t klen32;
	int rc = -1;

	*db = NULL;
	r->key = cache_key(r, &r->klen);
	if (r->key == NULL)
		return -1;
	if (cache_path(r->key, r->klen, r->path, sizeof(r->path)) < 0 || r->klen > UINT32_MAX) {
		free(r->key);
		r->key = NULL;
		return -1;
	}
	klen32 = (uint32_t)r->klen;
	file = read_trusted(r->path, &flen);
	/* the key, its length before it, the database's length after it, the database */
	if (file != NULL && flen > r->klen + 12 && memcmp(file, &klen32, 4) == 0 &&
	    memcmp(file + 4, r->key, r->klen) == 0) {
		memcpy(&dblen, file + 4 + r->klen, sizeof(dblen));
		if (dblen == flen - 12 - r->klen &&
		    hs_deserialize_database((const char *)file + 12 + r->klen, (size_t)dblen,
					    db) == HS_SUCCESS)
			rc = 0;
		else
			*db = NULL;
	}
	free(file);
	if (rc == 0) {
		free(r->key);
		r->key = NULL;
	}
	return rc;
}

/* Write all @p len bytes at @p p to @p fd; 0 when done. */
static int
write_all(int fd, const void *p, size_t len)
{
	const uint8_t *b = p;
	ssize_t w;

	while (len > 0) {
		w = write(fd, b, len);
		if (w <= 0)
			return -1;
		b += w;
		len -= (size_t)w;
	}
	return 0;
}

void
pl_sigcache_store(struct pl_sigcache_req *r, const hs_database_t *db)
{
	char tmp[PATH_MAX + 16];
	char *bytes = NULL;
	uint32_t klen32;
	uint64_t dblen;
	size_t blen = 0;
	int fd, ok;

	if (r->key == NULL)
		return;
	if (db != NULL && hs_serialize_database(db, &bytes, &blen) == HS_SUCCESS) {
		snprintf(tmp, sizeof(tmp), "%s.XXXXXX", r->path);
		fd = mkstemp(tmp);   /* mode 0600 */
		if (fd >= 0) {
			klen32 = (uint32_t)r->klen;
			dblen = blen;
			ok = write_all(fd, &klen32, 4) == 0 && write_all(fd, r->key, r->klen) == 0 &&
			     write_all(fd, &dblen, sizeof(dblen)) == 0 &&
			     write_all(fd, bytes, blen) == 0;
			if (close(fd) != 0)
				ok = 0;
			if (!ok || rename(tmp, r->path) != 0)
				unlink(tmp);
		}
		free(bytes);
	}
	free(r->key);
	r->key = NULL;
}
