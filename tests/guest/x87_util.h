/* Helpers shared by the x87 guest tests (tests/guest/x87_*.c): building
 * 80-bit values from their fields and printing exact bit patterns. */
#ifndef X87_UTIL_H
#define X87_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* An 80-bit register image: significand, then sign and exponent. */
struct f80 {
	uint64_t mant;
	uint16_t sexp;
};

static inline long double f80(uint16_t sexp, uint64_t mant)
{
	long double x = 0;
	memcpy(&x, &mant, 8);
	memcpy((char *)&x + 8, &sexp, 2);
	return x;
}

static inline struct f80 f80_bits(long double x)
{
	struct f80 b;
	memcpy(&b.mant, &x, 8);
	memcpy(&b.sexp, (char *)&x + 8, 2);
	return b;
}

static inline void print_f80(long double x)
{
	struct f80 b = f80_bits(x);
	printf("%04x:%016llx", b.sexp, (unsigned long long)b.mant);
}

static inline uint32_t f32_bits(float f)
{
	uint32_t u;
	memcpy(&u, &f, 4);
	return u;
}

static inline uint64_t f64_bits(double d)
{
	uint64_t u;
	memcpy(&u, &d, 8);
	return u;
}

static inline float f32_from(uint32_t u)
{
	float f;
	memcpy(&f, &u, 4);
	return f;
}

static inline double f64_from(uint64_t u)
{
	double d;
	memcpy(&d, &u, 8);
	return d;
}

/* Operands that cover every class the x87 distinguishes. */
static const struct f80 x87_test_values[] = {
	{0x8000000000000000ull, 0x3fff}, /* 1 */
	{0xa000000000000000ull, 0xc000}, /* -2.5 */
	{0xaaaaaaaaaaaaaaabull, 0x3ffd}, /* 1/3 rounded */
	{0xc90fdaa22168c235ull, 0x4000}, /* pi */
	{0xffffffffffffffffull, 0x403e}, /* 2^64 - 1 */
	{0x8000000000000000ull, 0x0001}, /* smallest normal */
	{0x0000000000000123ull, 0x0000}, /* denormal */
	{0x8000000000000001ull, 0x0000}, /* pseudo-denormal */
	{0xffffffffffffffffull, 0x7ffe}, /* largest finite */
	{0x0000000000000000ull, 0x0000}, /* +0 */
	{0x0000000000000000ull, 0x8000}, /* -0 */
	{0x8000000000000000ull, 0x7fff}, /* +inf */
	{0x8000000000000000ull, 0xffff}, /* -inf */
	{0xc000000000000000ull, 0xffff}, /* indefinite QNaN */
	{0xd000000000000000ull, 0x7fff}, /* QNaN */
	{0xa000000000000000ull, 0x7fff}, /* SNaN */
	{0x4000000000000000ull, 0x3fff}, /* unnormal */
	{0x9234567890abcdefull, 0xbfbe}, /* -small */
};
#define X87_NVALUES (sizeof x87_test_values / sizeof x87_test_values[0])

static inline long double x87_value(unsigned k)
{
	return f80(x87_test_values[k].sexp, x87_test_values[k].mant);
}

/* Control words: precision control (24, 53, 64 bits) by rounding control
 * (nearest, down, up, toward zero), all exceptions masked. */
static inline uint16_t x87_cw(unsigned pc, unsigned rc)
{
	static const uint16_t pcs[3] = {0x000, 0x200, 0x300};
	return (uint16_t)(0x7f | pcs[pc] | rc << 10);
}

#endif
