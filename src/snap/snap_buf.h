/* Snapshot encoding: a growable byte buffer to write into and a bounded
 * reader, both little-endian whatever the host, so that a snapshot moves
 * between hosts. A reader that runs past its end or meets a bad value
 * latches `bad` and returns zeros from then on: callers check once. */
#ifndef HEXVM_SNAP_SNAP_BUF_H
#define HEXVM_SNAP_SNAP_BUF_H

#include <stddef.h>
#include <stdint.h>

struct snap_buf {
	uint8_t *data;
	size_t len, cap;
	int oom; /* an allocation failed: the contents are incomplete */
};

/* n little-endian bytes of v at `at`, and back. */
void snap_put_le(uint8_t *at, uint64_t v, int n);
uint64_t snap_get_le(const uint8_t *at, int n);

void sb_bytes(struct snap_buf *b, const void *p, size_t n);
void sb_u8(struct snap_buf *b, uint8_t v);
void sb_u32(struct snap_buf *b, uint32_t v);
void sb_u64(struct snap_buf *b, uint64_t v);
static inline void sb_i64(struct snap_buf *b, int64_t v) { sb_u64(b, (uint64_t)v); }
static inline void sb_i32(struct snap_buf *b, int32_t v) { sb_u32(b, (uint32_t)v); }
/* A string, or NULL. */
void sb_str(struct snap_buf *b, const char *s);
void sb_free(struct snap_buf *b);

struct snap_rd {
	const uint8_t *p;
	size_t len, pos;
	int bad;
	char why[96]; /* what was wrong, for the one-line error */
};

void sr_init(struct snap_rd *r, const void *p, size_t len);
void sr_bytes(struct snap_rd *r, void *dst, size_t n);
/* A pointer to the next n bytes inside the buffer (NULL when short). */
const uint8_t *sr_view(struct snap_rd *r, size_t n);
uint8_t sr_u8(struct snap_rd *r);
uint32_t sr_u32(struct snap_rd *r);
uint64_t sr_u64(struct snap_rd *r);
static inline int64_t sr_i64(struct snap_rd *r) { return (int64_t)sr_u64(r); }
static inline int32_t sr_i32(struct snap_rd *r) { return (int32_t)sr_u32(r); }
/* A malloc'd string or NULL (as written); a bad one latches `bad`. */
char *sr_str(struct snap_rd *r);
/* Marks the reader bad with a reason (the first reason stays). */
void sr_fail(struct snap_rd *r, const char *why);
/* A count that must not exceed max (a corrupt one latches `bad`). */
uint64_t sr_count(struct snap_rd *r, uint64_t max);

/* A 64-bit hash of n bytes: section checksums and host-file identity.
 * Four multiply-rotate lanes over 32-byte blocks keep the host's multipliers
 * busy (several GB/s); the streaming form gives the same value for the
 * same bytes however they are cut. */
uint64_t snap_hash(const void *p, size_t n);
struct snap_hasher {
	uint64_t lane[4], total;
	uint8_t tail[32];
	size_t tail_len;
};
void snap_hash_init(struct snap_hasher *h);
void snap_hash_update(struct snap_hasher *h, const void *p, size_t n);
uint64_t snap_hash_final(const struct snap_hasher *h);
/* The identity hash of a host file's first `size` bytes (read with pread,
 * 1 MiB at a time). */
uint64_t snap_hash_fd(int fd, uint64_t size);

#endif
