/* Little-endian encoding into growable buffers and bounded decoding. */
#include "snap/snap_buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

void sb_u32(struct snap_buf *b, uint32_t v)
{
	uint8_t e[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
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
	if (!e)
		return 0;
	return (uint32_t)e[0] | (uint32_t)e[1] << 8 | (uint32_t)e[2] << 16 | (uint32_t)e[3] << 24;
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

/* Four independent multiply-rotate lanes over 8-byte words keep the host's
 * multipliers busy (several GB/s); the tail and the length fold in last. */
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

uint64_t snap_hash(const void *data, size_t n)
{
	const uint64_t m1 = 0x9e3779b97f4a7c15ull, m2 = 0xc2b2ae3d27d4eb4full;
	const uint8_t *p = data;
	uint64_t lane[4] = {m1, m2, ~m1, ~m2};
	size_t k = 0;
	for (; k + 32 <= n; k += 32)
		for (int j = 0; j < 4; j++)
			lane[j] = rotl(lane[j] ^ (load64(p + k + 8 * j) * m2), 31) * m1;
	uint64_t h = (uint64_t)n * m1;
	for (int j = 0; j < 4; j++)
		h = rotl(h ^ lane[j], 27) * m2 + m1;
	for (; k < n; k++)
		h = rotl(h ^ p[k], 11) * m1;
	h ^= h >> 33;
	h *= m2;
	h ^= h >> 29;
	return h;
}
