/* zstd for snapshot sections, when hexvm is built with libzstd: a frame
 * made from, and decoded straight into, several pieces of memory (the runs
 * of a page section lie in guest memory). Without libzstd nothing
 * compresses and decoding fails with the reason. */
#ifndef HEXVM_SNAP_SNAP_ZSTD_H
#define HEXVM_SNAP_SNAP_ZSTD_H

#include <stddef.h>
#include <stdint.h>

struct iovec;

/* The level snapshots are written at: the fastest of zstd's "fast"
 * levels that still shrinks text-like memory (docs/measurements.md). */
#define SNAPZ_LEVEL 1

/* 1 when this build has libzstd. */
int snapz_available(void);
/* A compression context, or NULL (no libzstd, or out of memory). */
void *snapz_cctx_new(int level);
void snapz_cctx_free(void *cctx);
/* One frame of the n pieces into dst (cap bytes): its size, or 0 when it
 * does not fit in cap (the caller then stores the pieces as they are). */
size_t snapz_compress(void *cctx, void *dst, size_t cap, const struct iovec *iov, int n);

void *snapz_dctx_new(void);
void snapz_dctx_free(void *dctx);
/* Decodes frame src (len bytes) into the n pieces, which it must fill
 * exactly. 0, or -1 with the reason in why. */
int snapz_decompress(void *dctx, const struct iovec *out, int n, const void *src, size_t len,
		     char *why, size_t size);

#endif
