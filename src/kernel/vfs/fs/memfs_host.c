/* memfs file contents held by a host object, from a file's first mapping
 * on (see memfs_data in memfs_node.h). */
#include "kernel/vfs/fs/memfs_host.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host/shmfd.h"

int64_t memfs_host_read(const struct memfs_data *d, void *buf, size_t n, uint64_t off)
{
	size_t done = 0;
	while (done < n) {
		ssize_t got = pread(d->host_fd, (uint8_t *)buf + done, n - done, (off_t)(off + done));
		if (got < 0)
			return done ? (int64_t)done : -errno;
		if (got == 0) /* the object is never shorter than d->size: no more */
			break;
		done += (size_t)got;
	}
	return (int64_t)done;
}

int64_t memfs_host_write(struct memfs_data *d, const void *buf, size_t n, uint64_t off)
{
	size_t done = 0;
	while (done < n) {
		ssize_t put = pwrite(d->host_fd, (const uint8_t *)buf + done, n - done,
				     (off_t)(off + done));
		if (put <= 0) {
			if (!done)
				return put < 0 ? -errno : -ENOSPC;
			break;
		}
		done += (size_t)put;
	}
	if (off + done > d->size)
		d->size = off + done;
	return (int64_t)done;
}

int memfs_host_truncate(struct memfs_data *d, uint64_t len)
{
	if (ftruncate(d->host_fd, (off_t)len) < 0)
		return -errno;
	d->size = len;
	return 0;
}

uint64_t memfs_host_blocks(const struct memfs_data *d)
{
	struct stat st;
	return fstat(d->host_fd, &st) ? 0 : (uint64_t)st.st_blocks;
}

/* Copies d's chunks into host object fd, sized d->size. */
static int fill_object(int fd, const struct memfs_data *d)
{
	if (ftruncate(fd, (off_t)d->size) < 0)
		return -errno;
	for (size_t i = 0; i < d->n; i++) {
		uint64_t at = d->chunks[i].idx << MEMFS_CHUNK_SHIFT, len = d->chunks[i].cap;
		if (at >= d->size)
			break;
		if (len > d->size - at)
			len = d->size - at;
		if (pwrite(fd, d->chunks[i].data, (size_t)len, (off_t)at) != (ssize_t)len)
			return errno ? -errno : -ENOSPC;
	}
	return 0;
}

int memfs_data_host(struct memfs_data *d)
{
	if (d->hosted)
		return d->host_fd;
	struct stat st;
	int fd = host_shm_create("hexvm-memfs", 0);
	if (fd < 0)
		return fd;
	int rc = fill_object(fd, d);
	if (!rc && fstat(fd, &st))
		rc = -errno;
	if (rc) {
		close(fd);
		return rc;
	}
	for (size_t i = 0; i < d->n; i++)
		free(d->chunks[i].data);
	free(d->chunks);
	d->chunks = NULL;
	d->n = d->cap = 0;
	d->hosted = 1;
	d->host_fd = fd;
	d->host_dev = (uint64_t)st.st_dev;
	d->host_ino = (uint64_t)st.st_ino;
	return fd;
}

static int all_zero(const uint8_t *p, size_t n)
{
	return !n || (p[0] == 0 && !memcmp(p, p + 1, n - 1));
}

/* The host object's non-zero chunks, as memfs would hold them. */
static struct memfs_chunk *host_view(const struct memfs_data *d, size_t *n)
{
	uint64_t count = (d->size + MEMFS_CHUNK - 1) >> MEMFS_CHUNK_SHIFT;
	struct memfs_chunk *v = calloc(count ? (size_t)count : 1, sizeof *v);
	uint8_t *buf = malloc(MEMFS_CHUNK);
	*n = 0;
	for (uint64_t idx = 0; v && buf && idx < count; idx++) {
		int64_t got = memfs_host_read(d, buf, (size_t)MEMFS_CHUNK, idx << MEMFS_CHUNK_SHIFT);
		if (got < 0)
			goto fail;
		if (all_zero(buf, (size_t)got))
			continue;
		if (!(v[*n].data = malloc((size_t)got)))
			goto fail;
		memcpy(v[*n].data, buf, (size_t)got);
		v[*n].idx = idx;
		v[(*n)++].cap = (uint32_t)got;
	}
	if (!v || !buf)
		goto fail;
	free(buf);
	return v;
fail:
	memfs_view_free(v, *n, 1);
	free(buf);
	*n = 1;
	return NULL;
}

struct memfs_chunk *memfs_data_view(const struct memfs_data *d, size_t *n, int *owned)
{
	*owned = d->hosted;
	if (!d->hosted) {
		*n = d->n;
		return d->chunks;
	}
	return host_view(d, n);
}

void memfs_view_free(struct memfs_chunk *c, size_t n, int owned)
{
	if (!owned || !c)
		return;
	for (size_t i = 0; i < n; i++)
		free(c[i].data);
	free(c);
}
