/* Guest structures are written and read field by field at their Linux ABI
 * offsets, never through host struct layouts. */
#ifndef HEXVM_KERNEL_ABI_LAYOUT_H
#define HEXVM_KERNEL_ABI_LAYOUT_H

#include <stdint.h>
#include <string.h>

static inline void put16(uint8_t *p, unsigned off, uint64_t v)
{
	uint16_t x = (uint16_t)v;
	memcpy(p + off, &x, 2);
}
static inline void put32(uint8_t *p, unsigned off, uint64_t v)
{
	uint32_t x = (uint32_t)v;
	memcpy(p + off, &x, 4);
}
static inline void put64(uint8_t *p, unsigned off, uint64_t v) { memcpy(p + off, &v, 8); }
static inline uint32_t get32(const uint8_t *p, unsigned off)
{
	uint32_t x;
	memcpy(&x, p + off, 4);
	return x;
}
static inline uint64_t get64(const uint8_t *p, unsigned off)
{
	uint64_t x;
	memcpy(&x, p + off, 8);
	return x;
}
/* A pointer-sized or long field: 8 bytes for x86-64 guests, 4 for i386. */
static inline void put_long(uint8_t *p, unsigned off, uint64_t v, int is64)
{
	if (is64)
		put64(p, off, v);
	else
		put32(p, off, v);
}
static inline uint64_t get_long(const uint8_t *p, unsigned off, int is64)
{
	return is64 ? get64(p, off) : get32(p, off);
}

#endif
