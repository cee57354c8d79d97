/* Little-endian encoding into growable buffers and bounded decoding. */
#include "snap/snap_buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define STR_NULL 0xffffffffu

static int grow(struct snap_buf *b, size_t more)
{
	if (b->oom)
		return -1;
	if (b->len + more <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 4096;
	while (cap < b->len + more)
		cap *= 2;
	uint8_t *d = realloc(b->data, cap);
	if (!d) {
		b->oom = 1;
		return -1;
	}
	b->data = d;
	b->cap = cap;
	return 0;
}

void sb_bytes(struct snap_buf *b, const void *p, size_t n)
{
	if (!n || grow(b, n))
		return;
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

void sb_u8(struct snap_buf *b, uint8_t v) { sb_bytes(b, &v, 1); }

void snap_put_le(uint8_t *at, uint64_t v, int n)
{
	for (int k = 0; k < n; k++)
		at[k] = (uint8_t)(v >> (8 * k));
}

uint64_t snap_get_le(const uint8_t *at, int n)
{
	uint64_t v = 0;
	for (int k = n - 1; k >= 0; k--)
		v = v << 8 | at[k];
	return v;
}

void sb_u32(struct snap_buf *b, uint32_t v)
{
	uint8_t e[4];
	snap_put_le(e, v, 4);
	sb_bytes(b, e, 4);
}

void sb_u64(struct snap_buf *b, uint64_t v)
{
	sb_u32(b, (uint32_t)v);
	sb_u32(b, (uint32_t)(v >> 32));
}

void sb_str(struct snap_buf *b, const char *s)
{
	if (!s) {
		sb_u32(b, STR_NULL);
		return;
	}
	size_t n = strlen(s);
	sb_u32(b, (uint32_t)n);
	sb_bytes(b, s, n);
}

void sb_free(struct snap_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof *b);
}

void sr_init(struct snap_rd *r, const void *p, size_t len)
{
	memset(r, 0, sizeof *r);
	r->p = p;
	r->len = len;
}

void sr_fail(struct snap_rd *r, const char *why)
{
	if (!r->bad)
		snprintf(r->why, sizeof r->why, "%s", why);
	r->bad = 1;
}

const uint8_t *sr_view(struct snap_rd *r, size_t n)
{
	if (r->bad || n > r->len - r->pos) {
		sr_fail(r, "data ends early");
		return NULL;
	}
	const uint8_t *at = r->p + r->pos;
	r->pos += n;
	return at;
}

void sr_bytes(struct snap_rd *r, void *dst, size_t n)
{
	const uint8_t *at = sr_view(r, n);
	if (at)
		memcpy(dst, at, n);
	else
		memset(dst, 0, n);
}

uint8_t sr_u8(struct snap_rd *r)
{
	const uint8_t *at = sr_view(r, 1);
	return at ? at[0] : 0;
}

uint32_t sr_u32(struct snap_rd *r)
{
	const uint8_t *e = sr_view(r, 4);
	return e ? (uint32_t)snap_get_le(e, 4) : 0;
}

uint64_t sr_u64(struct snap_rd *r)
{
	uint64_t lo = sr_u32(r);
	return lo | (uint64_t)sr_u32(r) << 32;
}

uint64_t sr_count(struct snap_rd *r, uint64_t max)
{
	uint64_t n = sr_u64(r);
	if (n > max) {
		sr_fail(r, "a count is out of range");
		return 0;
	}
	return n;
}

char *sr_str(struct snap_rd *r)
{
	uint32_t n = sr_u32(r);
	if (n == STR_NULL || r->bad)
		return NULL;
	const uint8_t *at = sr_view(r, n);
	char *s = at ? malloc((size_t)n + 1) : NULL;
	if (!s) {
		sr_fail(r, at ? "out of memory" : "data ends early");
		return NULL;
	}
	memcpy(s, at, n);
	s[n] = 0;
	if (memchr(s, 0, n))
		sr_fail(r, "a string holds a NUL byte");
	return s;
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t load64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

static const uint64_t M1 = 0x9e3779b97f4a7c15ull, M2 = 0xc2b2ae3d27d4eb4full;

static void hash_blocks(struct snap_hasher *h, const uint8_t *p, size_t nblocks)
{
	uint64_t l0 = h->lane[0], l1 = h->lane[1], l2 = h->lane[2], l3 = h->lane[3];
	for (size_t k = 0; k < nblocks; k++, p += 32) {
		l0 = rotl(l0 ^ (load64(p) * M2), 31) * M1;
		l1 = rotl(l1 ^ (load64(p + 8) * M2), 31) * M1;
		l2 = rotl(l2 ^ (load64(p + 16) * M2), 31) * M1;
		l3 = rotl(l3 ^ (load64(p + 24) * M2), 31) * M1;
	}
	h->lane[0] = l0, h->lane[1] = l1, h->lane[2] = l2, h->lane[3] = l3;
}

void snap_hash_init(struct snap_hasher *h)
{
	memset(h, 0, sizeof *h);
	h->lane[0] = M1;
	h->lane[1] = M2;
	h->lane[2] = ~M1;
	h->lane[3] = ~M2;
}

void snap_hash_update(struct snap_hasher *h, const void *data, size_t n)
{
	const uint8_t *p = data;
	if (!n)
		return; /* data may be NULL */
	h->total += n;
	if (h->tail_len) {
		size_t take = 32 - h->tail_len < n ? 32 - h->tail_len : n;
		memcpy(h->tail + h->tail_len, p, take);
		h->tail_len += take;
		p += take;
		n -= take;
		if (h->tail_len < 32)
			return;
		hash_blocks(h, h->tail, 1);
		h->tail_len = 0;
	}
	hash_blocks(h, p, n / 32);
	memcpy(h->tail, p + n / 32 * 32, n % 32);
	h->tail_len = n % 32;
}

uint64_t snap_hash_final(const struct snap_hasher *h)
{
	uint64_t v = h->total * M1;
	for (int j = 0; j < 4; j++)
		v = rotl(v ^ h->lane[j], 27) * M2 + M1;
	for (size_t k = 0; k < h->tail_len; k++)
		v = rotl(v ^ h->tail[k], 11) * M1;
	v ^= v >> 33;
	v *= M2;
	v ^= v >> 29;
	return v;
}

uint64_t snap_hash(const void *data, size_t n)
{
	struct snap_hasher h;
	snap_hash_init(&h);
	snap_hash_update(&h, data, n);
	return snap_hash_final(&h);
}

uint64_t snap_hash_fd(int fd, uint64_t size)
{
	enum { CHUNK = 1 << 20 };
	uint8_t *buf = malloc(CHUNK);
	uint64_t h = 0;
	for (uint64_t off = 0; buf && off < size;) {
		ssize_t n = pread(fd, buf, CHUNK, (off_t)off);
		if (n <= 0)
			break;
		h = h * 31 + snap_hash(buf, (size_t)n);
		off += (uint64_t)n;
	}
	free(buf);
	return h;
}
