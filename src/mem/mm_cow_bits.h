/* Page bitmaps over a whole window for copy-on-write: one bit a guest page,
 * indexed by page number, in a host mapping reserved without backing, so
 * that only the words of touched ranges ever take memory and a lookup is a
 * shift and a load. */
#ifndef HEXVM_MEM_MM_COW_BITS_H
#define HEXVM_MEM_MM_COW_BITS_H

#include <stdint.h>

static inline int bits_test(const uint64_t *b, uint64_t page)
{
	return (int)(b[page >> 6] >> (page & 63) & 1);
}

/* The first page in [from, to) whose bit is `value`, or `to`. */
static inline uint64_t bits_find(const uint64_t *b, uint64_t from, uint64_t to, int value)
{
	while (from < to) {
		uint64_t w = b[from >> 6];
		w = (value ? w : ~w) >> (from & 63);
		if (w) {
			from += (uint64_t)__builtin_ctzll(w);
			return from < to ? from : to;
		}
		from = (from | 63) + 1;
	}
	return to;
}

/* Gives the bits of [from, to) `value`; returns how many changed. Words
 * that do not change are not written, so a clear of an untouched range
 * leaves the bitmap's pages unbacked. */
static inline uint64_t bits_assign(uint64_t *b, uint64_t from, uint64_t to, int value)
{
	uint64_t changed = 0;
	while (from < to) {
		unsigned lo = (unsigned)(from & 63);
		uint64_t n = to - from < 64 - lo ? to - from : 64 - lo;
		uint64_t mask = (n == 64 ? ~0ull : (1ull << n) - 1) << lo;
		uint64_t old = b[from >> 6], now = value ? old | mask : old & ~mask;
		if (now != old) {
			changed += (uint64_t)__builtin_popcountll(old ^ now);
			b[from >> 6] = now;
		}
		from += n;
	}
	return changed;
}

#endif
