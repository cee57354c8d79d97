/* memfs file contents: sparse, in chunks found by binary search. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/vfs/fs/memfs_host.h"
#include "kernel/vfs/fs/memfs_node.h"

#define CHUNK_MASK  (MEMFS_CHUNK - 1)
#define FILE_MAX    ((uint64_t)INT64_MAX)
#define BLOCK_BYTES 4096 /* st_blocks counts pages, as tmpfs does */

/* The index of the first chunk whose idx is >= idx. */
static size_t chunk_search(const struct memfs_data *d, uint64_t idx)
{
	size_t lo = 0, hi = d->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (d->chunks[mid].idx < idx)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static size_t min_size(size_t a, uint64_t b) { return b < a ? (size_t)b : a; }

int64_t memfs_data_read(const struct memfs_data *d, void *buf, size_t n, uint64_t off)
{
	if (off >= d->size)
		return 0;
	n = min_size(n, d->size - off);
	if (d->hosted)
		return memfs_host_read(d, buf, n, off);
	uint8_t *out = buf;
	size_t i = chunk_search(d, off >> MEMFS_CHUNK_SHIFT);
	for (size_t done = 0; done < n;) {
		uint64_t pos = off + done, idx = pos >> MEMFS_CHUNK_SHIFT;
		uint32_t in = (uint32_t)(pos & CHUNK_MASK);
		size_t len = min_size(n - done, MEMFS_CHUNK - in), have = 0;
		while (i < d->n && d->chunks[i].idx < idx)
			i++;
		if (i < d->n && d->chunks[i].idx == idx && in < d->chunks[i].cap) {
			have = min_size(len, d->chunks[i].cap - in);
			memcpy(out + done, d->chunks[i].data + in, have);
		}
		memset(out + done + have, 0, len - have); /* a hole */
		done += len;
	}
	return (int64_t)n;
}

/* The chunk idx, inserted (empty) at its place if missing. */
static struct memfs_chunk *chunk_get(struct memfs_data *d, uint64_t idx)
{
	size_t i = chunk_search(d, idx);
	if (i < d->n && d->chunks[i].idx == idx)
		return &d->chunks[i];
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 4;
		struct memfs_chunk *c = realloc(d->chunks, cap * sizeof *c);
		if (!c)
			return NULL;
		d->chunks = c;
		d->cap = cap;
	}
	memmove(&d->chunks[i + 1], &d->chunks[i], (d->n - i) * sizeof *d->chunks);
	d->n++;
	d->chunks[i] = (struct memfs_chunk){.idx = idx};
	return &d->chunks[i];
}

/* Makes c hold at least `end` bytes, doubling so that appends stay linear. */
static int chunk_reserve(struct memfs_chunk *c, uint32_t end)
{
	if (end <= c->cap)
		return 0;
	uint64_t cap = ((uint64_t)end + 63) & ~(uint64_t)63;
	if (cap < (uint64_t)c->cap * 2)
		cap = (uint64_t)c->cap * 2;
	if (cap > MEMFS_CHUNK)
		cap = MEMFS_CHUNK;
	uint8_t *p = realloc(c->data, cap);
	if (!p)
		return -ENOMEM;
	memset(p + c->cap, 0, cap - c->cap);
	c->data = p;
	c->cap = (uint32_t)cap;
	return 0;
}

int64_t memfs_data_write(struct memfs_data *d, const void *buf, size_t n, uint64_t off)
{
	if (off > FILE_MAX || n > FILE_MAX - off)
		return -EFBIG;
	if (d->hosted)
		return memfs_host_write(d, buf, n, off);
	const uint8_t *in_buf = buf;
	size_t done = 0;
	while (done < n) {
		uint64_t pos = off + done;
		uint32_t in = (uint32_t)(pos & CHUNK_MASK);
		size_t len = min_size(n - done, MEMFS_CHUNK - in);
		struct memfs_chunk *c = chunk_get(d, pos >> MEMFS_CHUNK_SHIFT);
		if (!c || chunk_reserve(c, in + (uint32_t)len))
			break;
		memcpy(c->data + in, in_buf + done, len);
		done += len;
	}
	if (done && off + done > d->size)
		d->size = off + done;
	return done || !n ? (int64_t)done : -ENOMEM;
}

int memfs_data_truncate(struct memfs_data *d, uint64_t len)
{
	if (len > FILE_MAX) /* a negative length */
		return -EINVAL;
	if (d->hosted)
		return memfs_host_truncate(d, len);
	if (len < d->size) {
		/* chunks wholly past len go; the one len cuts is zeroed past it,
		 * so that growing the file again shows zeros */
		size_t keep = chunk_search(d, (len + CHUNK_MASK) >> MEMFS_CHUNK_SHIFT);
		for (size_t i = keep; i < d->n; i++)
			free(d->chunks[i].data);
		d->n = keep;
		uint32_t in = (uint32_t)(len & CHUNK_MASK);
		if (in && keep && d->chunks[keep - 1].idx == len >> MEMFS_CHUNK_SHIFT &&
		    d->chunks[keep - 1].cap > in)
			memset(d->chunks[keep - 1].data + in, 0, d->chunks[keep - 1].cap - in);
	}
	d->size = len;
	return 0;
}

uint64_t memfs_data_blocks(const struct memfs_data *d)
{
	uint64_t blocks = 0;
	if (d->hosted)
		return memfs_host_blocks(d);
	for (size_t i = 0; i < d->n; i++)
		blocks += (d->chunks[i].cap + BLOCK_BYTES - 1) / BLOCK_BYTES * (BLOCK_BYTES / 512);
	return blocks;
}

void memfs_data_free(struct memfs_data *d)
{
	if (d->hosted)
		close(d->host_fd);
	for (size_t i = 0; i < d->n; i++)
		free(d->chunks[i].data);
	free(d->chunks);
	*d = (struct memfs_data){0};
}
