/* Guest x87 kernels in portable C, for hosts without an x87 unit (see
 * x87_host.h); HEXVM_PORTABLE_FP selects them on x86 too, for testing.
 *
 * This path is an approximation, less exact than the native one:
 *  - values go through the host's long double, then are rounded to the
 *    guest's precision and exponent range, so a host long double narrower
 *    than 64 significant bits loses precision, and precision control 24/53
 *    rounds twice;
 *  - transcendental results are the C library's, not the x87's (FSIN's
 *    66-bit pi reduction, FPREM's partial steps: C2 is always 0);
 *  - C1 (rounded up) is lost when the host has already rounded, and
 *    unmasked overflow and underflow give no bias-adjusted result.
 * NaN propagation, the x87 constants and the integer and BCD conversions
 * follow the hardware. */
#include "cpu/x87_host.h"

#if !X87_HOST_NATIVE

#include <fenv.h>
#include <math.h>
#include <string.h>

#define SW_IE	  0x0001u
#define SW_DE	  0x0002u
#define SW_ZE	  0x0004u
#define SW_OE	  0x0008u
#define SW_UE	  0x0010u
#define SW_PE	  0x0020u
#define SW_C0	  0x0100u
#define SW_C1	  0x0200u
#define SW_C2	  0x0400u
#define SW_C3	  0x4000u
#define EXP_BIAS  16383
#define EXP_MAX	  0x7fff
#define INT_BIT	  0x8000000000000000ull
#define QUIET_BIT 0x4000000000000000ull

static fpreg_t make(unsigned sign, unsigned exp, uint64_t mant)
{
	fpreg_t r;
	memset(&r, 0, sizeof r);
	r.raw.sexp = (uint16_t)(sign << 15 | exp);
	r.raw.mant = mant;
	return r;
}

static unsigned sign_of(const fpreg_t *r) { return r->raw.sexp >> 15; }

static unsigned exp_of(const fpreg_t *r) { return r->raw.sexp & EXP_MAX; }

static int is_nan(const fpreg_t *r) { return exp_of(r) == EXP_MAX && (r->raw.mant << 1) != 0; }

static int is_snan(const fpreg_t *r) { return is_nan(r) && !(r->raw.mant & QUIET_BIT); }

/* Unnormals, pseudo-NaNs and pseudo-infinities: invalid operands. */
static int is_unsupported(const fpreg_t *r) { return exp_of(r) != 0 && !(r->raw.mant & INT_BIT); }

static int is_denormal(const fpreg_t *r) { return exp_of(r) == 0 && r->raw.mant != 0; }

/* The checks every arithmetic operand goes through; returns nonzero when
 * the operation is invalid on it. */
static int check_operand(const fpreg_t *r, unsigned *flags)
{
	if (is_denormal(r))
		*flags |= SW_DE;
	if (is_unsupported(r))
		*flags |= SW_IE;
	return is_unsupported(r);
}

static fpreg_t indefinite(void) { return make(1, EXP_MAX, INT_BIT | QUIET_BIT); }

/* The NaN an operation with NaN operand(s) returns: quieted, and of two
 * NaNs the one with the larger significand. */
static fpreg_t nan_result(const fpreg_t *a, const fpreg_t *b, unsigned *flags)
{
	const fpreg_t *pick = a;
	if (is_snan(a) || (b && is_snan(b)))
		*flags |= SW_IE;
	if (!is_nan(a) || (b && is_nan(b) && (b->raw.mant | QUIET_BIT) > (a->raw.mant | QUIET_BIT)))
		pick = b;
	fpreg_t r = *pick;
	r.raw.mant |= QUIET_BIT;
	return r;
}

static int host_round_mode(uint16_t fcw)
{
	static const int modes[4] = {FE_TONEAREST, FE_DOWNWARD, FE_UPWARD, FE_TOWARDZERO};
	return modes[(fcw >> 10) & 3];
}

static unsigned precision_bits(uint16_t fcw)
{
	static const uint8_t bits[4] = {24, 64, 53, 64};
	return bits[(fcw >> 8) & 3];
}

static long double to_host(const fpreg_t *r)
{
	unsigned exp = exp_of(r);
	long double v;
	if (exp == EXP_MAX)
		v = (r->raw.mant << 1) ? NAN : INFINITY;
	else
		v = ldexpl((long double)r->raw.mant, (exp ? (int)exp : 1) - EXP_BIAS - 63);
	return sign_of(r) ? -v : v;
}

/* The result of overflow: infinity, or the largest finite value when the
 * rounding direction points toward zero. */
static fpreg_t overflowed(unsigned sign, uint16_t fcw, unsigned bits)
{
	unsigned rc = (fcw >> 10) & 3;
	int to_max = rc == 3 || (rc == 1 && !sign) || (rc == 2 && sign);
	if (!to_max)
		return make(sign, EXP_MAX, INT_BIT);
	return make(sign, EXP_MAX - 1, ~0ull << (64 - bits));
}

/* Rounds host value x to the guest's precision and exponent range under the
 * host rounding mode already set for fcw, accumulating flags (C1: rounded
 * away from zero). */
static fpreg_t from_host(long double x, uint16_t fcw, unsigned *flags)
{
	unsigned sign = signbit(x) != 0, bits = precision_bits(fcw);
	if (isnan(x))
		return indefinite();
	if (isinf(x))
		return make(sign, EXP_MAX, INT_BIT);
	if (x == 0)
		return make(sign, 0, 0);
	int e;
	long double m = frexpl(fabsl(x), &e); /* |x| = m * 2^e, m in [0.5, 1) */
	int biased = e - 1 + EXP_BIAS;
	/* a denormal keeps fewer bits: its exponent is fixed at 1 - bias */
	int keep = biased > 0 ? (int)bits : (int)bits + biased - 1;
	long double scaled = ldexpl(m, keep);
	long double rounded = sign ? -rintl(-scaled) : rintl(scaled);
	if (rounded != scaled)
		*flags |= SW_PE | (rounded > scaled ? SW_C1 : 0);
	if (biased <= 0) {
		if (*flags & SW_PE)
			*flags |= SW_UE;
		uint64_t mant = (uint64_t)rounded << (64 - bits);
		/* one that rounded up to the smallest normal has the integer bit */
		return make(sign, (unsigned)(mant >> 63), mant);
	}
	if (rounded >= ldexpl(1, keep)) { /* carried into a new bit */
		rounded = ldexpl(rounded, -1);
		biased++;
	}
	if (biased >= EXP_MAX) {
		*flags |= SW_OE | SW_PE;
		return overflowed(sign, fcw, bits);
	}
	return make(sign, (unsigned)biased, (uint64_t)rounded << (64 - bits));
}

static long double pow10l_int(unsigned n)
{
	long double p = 1;
	while (n--)
		p *= 10;
	return p;
}

/* ---- memory formats ---- */

static fpreg_t load_float(const uint8_t *m, int is_double, unsigned *flags)
{
	uint64_t bits = 0, frac;
	unsigned sign, exp, exp_max, frac_bits;
	memcpy(&bits, m, is_double ? 8 : 4);
	frac_bits = is_double ? 52 : 23;
	exp_max = is_double ? 0x7ff : 0xff;
	sign = (unsigned)(bits >> (is_double ? 63 : 31)) & 1;
	exp = (unsigned)(bits >> frac_bits) & exp_max;
	frac = bits & ((1ull << frac_bits) - 1);
	if (exp == exp_max) {
		fpreg_t r = make(sign, EXP_MAX, INT_BIT | frac << (63 - frac_bits));
		if (frac && !(r.raw.mant & QUIET_BIT)) {
			*flags |= SW_IE;
			r.raw.mant |= QUIET_BIT;
		}
		return r;
	}
	if (exp == 0 && frac)
		*flags |= SW_DE;
	float f;
	double d;
	memcpy(&f, m, 4);
	memcpy(&d, m, 8);
	unsigned exact = 0;
	return from_host(is_double ? (long double)d : (long double)f, 0x037f, &exact);
}

static int64_t load_int(const uint8_t *m, enum x87_fmt fmt)
{
	int16_t w;
	int32_t d;
	int64_t q;
	switch (fmt) {
	case FMT_I16: memcpy(&w, m, 2); return w;
	case FMT_I32: memcpy(&d, m, 4); return d;
	default: memcpy(&q, m, 8); return q;
	}
}

/* Digits beyond 9 are taken at face value, as the hardware does. */
static long double load_bcd(const uint8_t *m)
{
	long double v = 0;
	for (int k = 8; k >= 0; k--)
		v = v * 100 + (m[k] >> 4) * 10 + (m[k] & 15);
	return (m[9] & 0x80) ? -v : v;
}

static fpreg_t load_operand(const struct x87h_io *io, enum x87_fmt fmt, unsigned *flags)
{
	unsigned exact = 0;
	switch (fmt) {
	case FMT_F32: return load_float(io->mem, 0, flags);
	case FMT_F64: return load_float(io->mem, 1, flags);
	case FMT_BCD: return from_host(load_bcd(io->mem), 0x037f, &exact);
	default: return from_host((long double)load_int(io->mem, fmt), 0x037f, &exact);
	}
}

static void store_float(uint8_t *m, const fpreg_t *r, int is_double, unsigned *flags)
{
	if (is_nan(r)) {
		uint64_t payload = (r->raw.mant | QUIET_BIT) & ~INT_BIT;
		uint64_t bits =
			is_double ? (uint64_t)sign_of(r) << 63 | 0x7ffull << 52 | payload >> 11
				  : (uint64_t)sign_of(r) << 31 | 0xffull << 23 | payload >> 40;
		if (is_snan(r))
			*flags |= SW_IE;
		memcpy(m, &bits, is_double ? 8 : 4);
		return;
	}
	if (is_unsupported(r)) {
		fpreg_t indef = indefinite();
		*flags |= SW_IE;
		store_float(m, &indef, is_double, flags);
		return;
	}
	long double v = to_host(r);
	feclearexcept(FE_ALL_EXCEPT);
	if (is_double) {
		double d = (double)v;
		memcpy(m, &d, 8);
		*flags |= fabs(d) > fabsl(v) ? SW_C1 : 0;
	} else {
		float f = (float)v;
		memcpy(m, &f, 4);
		*flags |= fabsf(f) > fabsl(v) ? SW_C1 : 0;
	}
	*flags |= (fetestexcept(FE_OVERFLOW) ? SW_OE : 0) |
		  (fetestexcept(FE_UNDERFLOW) ? SW_UE : 0) | (fetestexcept(FE_INEXACT) ? SW_PE : 0);
}

/* Integers and BCD: out of range, NaN or infinity is invalid and stores
 * the format's indefinite. */
static void store_integer(uint8_t *m, const fpreg_t *r, enum x87_fmt fmt, unsigned *flags)
{
	static const uint8_t bcd_indefinite[10] = {0, 0, 0, 0, 0, 0, 0, 0xc0, 0xff, 0xff};
	long double v = to_host(r), t = rintl(v);
	long double limit = fmt == FMT_BCD ? pow10l_int(18) : ldexpl(1, 8 * x87_fmt_bytes[fmt] - 1);
	int in_range = !isnan(t) && !is_unsupported(r) &&
		       (fmt == FMT_BCD ? fabsl(t) < limit : t >= -limit && t < limit);
	if (!in_range) {
		*flags |= SW_IE;
		if (fmt == FMT_BCD) {
			memcpy(m, bcd_indefinite, 10);
		} else {
			uint64_t indef = 1ull << (8 * x87_fmt_bytes[fmt] - 1);
			memcpy(m, &indef, x87_fmt_bytes[fmt]);
		}
		return;
	}
	if (t != v)
		*flags |= SW_PE | (fabsl(t) > fabsl(v) ? SW_C1 : 0);
	if (fmt != FMT_BCD) {
		int64_t q = (int64_t)t;
		memcpy(m, &q, x87_fmt_bytes[fmt]);
		return;
	}
	long double a = fabsl(t);
	memset(m, 0, 10);
	for (int k = 0; k < 9; k++) {
		unsigned lo = (unsigned)fmodl(a, 10);
		a = floorl(a / 10);
		unsigned hi = (unsigned)fmodl(a, 10);
		a = floorl(a / 10);
		m[k] = (uint8_t)(hi << 4 | lo);
	}
	m[9] = signbit(t) ? 0x80 : 0;
}

/* ---- operations ---- */

static long double arith(enum x87_arith op, long double a, long double b)
{
	switch (op) {
	case AR_ADD: return a + b;
	case AR_MUL: return a * b;
	case AR_SUB: return a - b;
	case AR_SUBR: return b - a;
	case AR_DIV: return a / b;
	default: return b / a;
	}
}

/* Runs a host computation's exception flags into x87 ones. */
static unsigned host_flags(void)
{
	return (fetestexcept(FE_INVALID) ? SW_IE : 0) | (fetestexcept(FE_DIVBYZERO) ? SW_ZE : 0) |
	       (fetestexcept(FE_OVERFLOW) ? SW_OE : 0) | (fetestexcept(FE_UNDERFLOW) ? SW_UE : 0) |
	       (fetestexcept(FE_INEXACT) ? SW_PE : 0);
}

static fpreg_t binary(enum x87_arith op, const fpreg_t *a, const fpreg_t *b, uint16_t fcw,
		      unsigned *flags)
{
	if (is_nan(a) || is_nan(b))
		return nan_result(a, b, flags);
	if (check_operand(a, flags) | check_operand(b, flags))
		return indefinite();
	feclearexcept(FE_ALL_EXCEPT);
	long double v = arith(op, to_host(a), to_host(b));
	*flags |= host_flags();
	if (*flags & SW_IE)
		return indefinite();
	return from_host(v, fcw, flags);
}

/* C3 C2 C0 of comparing a with b; a NaN is unordered and invalid for the
 * signalling compares (quiet ones only for a signalling NaN). */
static unsigned compare(const fpreg_t *a, const fpreg_t *b, int quiet)
{
	unsigned flags = 0;
	if (is_nan(a) || is_nan(b)) {
		int invalid = !quiet || is_snan(a) || is_snan(b);
		return SW_C3 | SW_C2 | SW_C0 | (invalid ? SW_IE : 0);
	}
	if (check_operand(a, &flags) | check_operand(b, &flags))
		return SW_C3 | SW_C2 | SW_C0 | flags;
	long double x = to_host(a), y = to_host(b);
	return flags | (x > y ? 0 : x < y ? SW_C0 : SW_C3);
}

static const fpreg_t *nan_operand(const fpreg_t *a, const fpreg_t *b)
{
	return is_nan(a) ? a : b && is_nan(b) ? b : NULL;
}

/* One-operand functions of the C library; domain errors are invalid. */
static fpreg_t unary(enum x87h_kernel k, const fpreg_t *a, uint16_t fcw, unsigned *flags)
{
	if (is_nan(a))
		return nan_result(a, NULL, flags);
	if (check_operand(a, flags))
		return indefinite();
	long double x = to_host(a), v;
	feclearexcept(FE_ALL_EXCEPT);
	switch (k) {
	case XK_FSQRT: v = sqrtl(x); break;
	case XK_FRNDINT: v = rintl(x); break;
	case XK_F2XM1: v = expm1l(x * 0.693147180559945309417232121458176568L); break;
	case XK_FSIN: v = sinl(x); break;
	default: v = cosl(x); break;
	}
	*flags |= host_flags();
	if (*flags & SW_IE)
		return indefinite();
	if (k == XK_FRNDINT && v != x)
		*flags |= SW_PE;
	return from_host(v, fcw, flags);
}

/* The x87 constants, rounded to nearest, and their neighbours toward zero
 * for the directed modes whose rounding differs. */
static fpreg_t constant(unsigned n, uint16_t fcw)
{
	static const struct {
		uint16_t sexp;
		uint64_t mant;
		int8_t down, up;
	} consts[7] = {
		{0x3fff, 0x8000000000000000ull, 0, 0},	{0x4000, 0xd49a784bcd1b8afeull, 0, 1},
		{0x3fff, 0xb8aa3b295c17f0bcull, -1, 0}, {0x4000, 0xc90fdaa22168c235ull, -1, 0},
		{0x3ffd, 0x9a209a84fbcff799ull, -1, 0}, {0x3ffe, 0xb17217f7d1cf79acull, -1, 0},
		{0x0000, 0x0000000000000000ull, 0, 0},
	};
	unsigned rc = (fcw >> 10) & 3;
	int adjust = rc == 2 ? consts[n].up : rc ? consts[n].down : 0;
	return make(0, consts[n].sexp, consts[n].mant + (uint64_t)(int64_t)adjust);
}

static void two_results(enum x87h_kernel k, struct x87h_io *io, uint16_t fcw, unsigned *flags)
{
	const fpreg_t a = io->st0;
	long double x = to_host(&a);
	if (is_nan(&a)) {
		io->st0 = io->st1 = nan_result(&a, NULL, flags);
		return;
	}
	if (k == XK_FXTRACT) {
		if (exp_of(&a) == 0 && a.raw.mant == 0) {
			*flags |= SW_ZE;
			io->st1 = make(1, EXP_MAX, INT_BIT);
			io->st0 = a;
			return;
		}
		io->st1 = from_host(logbl(x), fcw, flags);
		io->st0 = from_host(scalbnl(x, -ilogbl(x)), fcw, flags);
		return;
	}
	if (fabsl(x) >= 0x1p63L) {
		*flags |= SW_C2;
		return;
	}
	feclearexcept(FE_ALL_EXCEPT);
	long double s = sinl(x), c = cosl(x);
	*flags |= host_flags();
	if (*flags & SW_IE) {
		io->st0 = io->st1 = indefinite();
		return;
	}
	io->st1 = from_host(k == XK_FPTAN ? s / c : s, fcw, flags);
	io->st0 = from_host(k == XK_FPTAN ? 1.0L : c, fcw, flags);
}

/* FPATAN FYL2X FYL2XP1 FSCALE FPREM FPREM1: ST(0) = f(st0, st1). */
static fpreg_t pair(enum x87h_kernel k, const fpreg_t *a, const fpreg_t *b, uint16_t fcw,
		    unsigned *flags)
{
	if (nan_operand(a, b))
		return nan_result(b, a, flags);
	long double x = to_host(a), y = to_host(b), v;
	int q = 0;
	feclearexcept(FE_ALL_EXCEPT);
	switch (k) {
	case XK_FPATAN: v = atan2l(y, x); break;
	case XK_FYL2X: v = y * log2l(x); break;
	case XK_FYL2XP1: v = y * log1pl(x) / 0.693147180559945309417232121458176568L; break;
	case XK_FSCALE: v = scalbnl(x, (int)fmaxl(fminl(truncl(y), 65536), -65536)); break;
	case XK_FPREM:
		v = fmodl(x, y);
		remquol(x - v, y, &q);
		break;
	default: v = remquol(x, y, &q); break;
	}
	*flags |= host_flags();
	if (k == XK_FPREM || k == XK_FPREM1) {
		q = q < 0 ? -q : q;
		*flags |= (q & 1 ? SW_C1 : 0) | (q & 2 ? SW_C3 : 0) | (q & 4 ? SW_C0 : 0);
	}
	if (*flags & SW_IE)
		return indefinite();
	return from_host(v, fcw, flags);
}

/* The software path starts from clear flags every time, and works on
 * io->st0 and io->st1 (two_results among others writes them directly). */
uint16_t x87h_exec_at(enum x87h_kernel k, uint16_t fcw, struct x87h_io *io, int clear)
{
	(void)clear;
	unsigned flags = 0, n = (unsigned)k;
	io->st0 = *io->in0;
	io->st1 = *io->in1;
	int saved_round = fegetround();
	fesetround(host_round_mode(fcw));
	if (n < XK_ARITH_MEM) {
		io->st0 = binary((enum x87_arith)(n - XK_ARITH), &io->st0, &io->st1, fcw, &flags);
	} else if (n < XK_FCOM) {
		enum x87_fmt fmt = (enum x87_fmt)((n - XK_ARITH_MEM) / AR_COUNT);
		fpreg_t m = load_operand(io, fmt, &flags);
		io->st0 = binary((enum x87_arith)((n - XK_ARITH_MEM) % AR_COUNT), &io->st0, &m, fcw,
				 &flags);
	} else if (n == XK_FCOM || n == XK_FUCOM) {
		flags |= compare(&io->st0, &io->st1, n == XK_FUCOM);
	} else if (n < XK_FTST) {
		fpreg_t m = load_operand(io, (enum x87_fmt)(n - XK_FCOM_MEM), &flags);
		flags |= compare(&io->st0, &m, 0);
	} else if (n == XK_FTST) {
		fpreg_t zero = make(0, 0, 0);
		flags |= compare(&io->st0, &zero, 0);
	} else if (n < XK_STORE) {
		io->st0 = load_operand(io, (enum x87_fmt)(n - XK_LOAD), &flags);
	} else if (n < XK_FSQRT) {
		enum x87_fmt fmt = (enum x87_fmt)(n - XK_STORE);
		if (fmt == FMT_F32 || fmt == FMT_F64)
			store_float(io->mem, &io->st0, fmt == FMT_F64, &flags);
		else
			store_integer(io->mem, &io->st0, fmt, &flags);
	} else if (n < XK_FPTAN) {
		io->st0 = unary(k, &io->st0, fcw, &flags);
	} else if (n < XK_FPATAN) {
		two_results(k, io, fcw, &flags);
	} else if (n < XK_CONST) {
		io->st0 = pair(k, &io->st0, &io->st1, fcw, &flags);
	} else {
		io->st0 = constant(n - XK_CONST, fcw);
	}
	fesetround(saved_round);
	*io->out0 = io->st0;
	if (n >= XK_FPTAN && n < XK_FPATAN)
		*io->out1 = io->st1;
	return (uint16_t)flags;
}

#endif
