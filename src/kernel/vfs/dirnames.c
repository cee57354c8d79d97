/* Names of a directory listing, and the host's getdents64 records. */
#include "kernel/vfs/dirnames.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define REC_NAME   19 /* linux_dirent64: d_ino, d_off, d_reclen, d_type, name */
#define LIST_BYTES 32768

int dirnames_add(struct dirnames *d, const char *name)
{
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 64;
		char **n = realloc(d->names, cap * sizeof *n);
		if (!n)
			return -ENOMEM;
		d->names = n;
		d->cap = cap;
	}
	if (!(d->names[d->n] = strdup(name)))
		return -ENOMEM;
	d->n++;
	free(d->sorted);
	d->sorted = NULL;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int dirnames_has(struct dirnames *d, const char *name)
{
	if (!d->n)
		return 0;
	if (!d->sorted) {
		d->sorted = malloc(d->n * sizeof *d->sorted);
		if (!d->sorted) { /* a slow answer is still the right one */
			for (size_t k = 0; k < d->n; k++)
				if (!strcmp(d->names[k], name))
					return 1;
			return 0;
		}
		memcpy(d->sorted, d->names, d->n * sizeof *d->sorted);
		qsort(d->sorted, d->n, sizeof *d->sorted, by_name);
	}
	return bsearch(&name, d->sorted, d->n, sizeof *d->sorted, by_name) != NULL;
}

void dirnames_free(struct dirnames *d)
{
	for (size_t k = 0; k < d->n; k++)
		free(d->names[k]);
	free(d->names);
	free(d->sorted);
	*d = (struct dirnames){0};
}

static uint64_t rec_off(const uint8_t *r)
{
	uint64_t off;
	memcpy(&off, r + 8, sizeof off);
	return off;
}

static uint16_t rec_len(const uint8_t *r)
{
	uint16_t len;
	memcpy(&len, r + 16, sizeof len);
	return len;
}

/* Calls each(arg, name, d_off) for the records of host directory fd from
 * its start, until each returns non-zero (which is returned) or the end (0). */
static int walk(int fd, int (*each)(void *arg, const char *name, uint64_t off), void *arg)
{
	uint8_t *buf = malloc(LIST_BYTES);
	int rc = buf ? 0 : -ENOMEM;
	if (!rc && lseek(fd, 0, SEEK_SET) < 0)
		rc = -errno;
	for (long n = 1; !rc && n > 0;) {
		n = syscall(SYS_getdents64, fd, buf, LIST_BYTES);
		if (n < 0)
			rc = -errno;
		for (long at = 0; !rc && at < n; at += rec_len(buf + at))
			rc = each(arg, (const char *)buf + at + REC_NAME, rec_off(buf + at));
	}
	free(buf);
	return rc < 0 ? rc : rc ? 1 : 0;
}

/* The records of a listing, as names and the host position after each. */
struct listing {
	struct dirnames names;
	uint64_t *off;
	size_t cap;
};

static int add_record(void *arg, const char *name, uint64_t off)
{
	struct listing *l = arg;
	if (l->names.n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		uint64_t *n = realloc(l->off, cap * sizeof *n);
		if (!n)
			return -ENOMEM;
		l->off = n;
		l->cap = cap;
	}
	l->off[l->names.n] = off;
	return dirnames_add(&l->names, name);
}

/* The records before pos: up to the one that ends at pos; when none does
 * (the guest removed the last name it was given, as rm -r does), those that
 * end below it, host positions growing along a listing on the filesystems
 * that have such a record removed. */
static int names_before(const struct listing *l, uint64_t pos, struct dirnames *out)
{
	size_t end = 0;
	while (end < l->names.n && l->off[end] != pos)
		end++;
	int exact = end < l->names.n;
	for (size_t k = 0; k < l->names.n; k++) {
		int before = exact ? k <= end : l->off[k] < pos;
		int rc = before ? dirnames_add(out, l->names.names[k]) : 0;
		if (rc)
			return rc;
	}
	return 0;
}

int dirnames_before(int fd, uint64_t pos, struct dirnames *out)
{
	if (!pos)
		return 0;
	int own = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (own < 0)
		return -errno;
	struct listing l = {0};
	int rc = walk(own, add_record, &l);
	close(own);
	if (rc >= 0)
		rc = names_before(&l, pos, out);
	dirnames_free(&l.names);
	free(l.off);
	return rc;
}

struct prefix {
	const struct dirnames *d;
	size_t k;
	uint64_t pos;
	int differs;
};

static int match_next(void *arg, const char *name, uint64_t off)
{
	struct prefix *p = arg;
	if (strcmp(name, p->d->names[p->k])) {
		p->differs = 1;
		return 1;
	}
	p->pos = off;
	return ++p->k == p->d->n;
}

int dirnames_prefix(int fd, const struct dirnames *d, uint64_t *pos)
{
	struct prefix p = {d, 0, 0, 0};
	if (!d->n) /* (also what an O_PATH descriptor, which cannot seek, has) */
		return *pos = 0, 1;
	int rc = walk(fd, match_next, &p);
	if (rc < 0)
		return rc;
	if (p.differs || p.k < d->n) {
		lseek(fd, 0, SEEK_SET);
		return 0;
	}
	*pos = p.pos;
	return lseek(fd, (off_t)p.pos, SEEK_SET) < 0 ? -errno : 1;
}

size_t dirnames_filter(struct dirnames *skip, uint8_t *buf, size_t len)
{
	size_t kept = 0;
	for (size_t at = 0; at < len;) {
		uint16_t reclen = rec_len(buf + at);
		if (!dirnames_has(skip, (const char *)buf + at + REC_NAME)) {
			memmove(buf + kept, buf + at, reclen);
			kept += reclen;
		}
		at += reclen;
	}
	return kept;
}
