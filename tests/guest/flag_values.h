/* Operands at the edges of every size (zero, one, the largest and smallest
 * signed values, all ones, and one mixed value), for the programs that check
 * the conditions after each flag-setting instruction. */
#ifndef FLAG_VALUES_H
#define FLAG_VALUES_H

#include <stdint.h>

static const uint64_t values[] = {
	0,
	1,
	2,
	0x7f,
	0x80,
	0xff,
	0x7fff,
	0x8000,
	0xffff,
	0x7fffffff,
	0x80000000,
	0xffffffff,
	0x7fffffffffffffffull,
	0x8000000000000000ull,
	0xffffffffffffffffull,
	0x123456789abcdef1ull,
};
#define NVALUES (sizeof values / sizeof values[0])

#endif
