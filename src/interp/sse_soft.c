/* The portable SSE floating point (see interp/sse_soft.h), used when the
 * host cannot run SSE itself. Each lane goes through C arithmetic under the
 * guest's rounding mode; what C does not define the x86 way is done here:
 * which NaN a result carries, DAZ, FTZ, the denormal-operand flag, MIN/MAX
 * and comparison semantics, and the integer indefinite of conversions. */
#include "interp/sse_soft.h"

#if !MXCSR_HOST_SSE
#include <math.h>

/* ---- lane formats ---- */

#define F32_EXP		0x7f800000u
#define F32_MANT	0x007fffffu
#define F32_QUIET	0x00400000u
#define F32_DEFAULT_NAN 0xffc00000u /* the "real indefinite" */
#define F64_EXP		0x7ff0000000000000u
#define F64_MANT	0x000fffffffffffffu
#define F64_QUIET	0x0008000000000000u
#define F64_DEFAULT_NAN 0xfff8000000000000u

/* A lane's value as a double (exact for both formats) and its classes. */
struct lane {
	double v;
	int nan, snan, denormal;
};

static struct lane lane_get(const xmm_t *x, unsigned fmt, unsigned k, uint32_t ctl)
{
	struct lane l = {0, 0, 0, 0};
	uint64_t exp, mant, sign;
	if (fmt & SSE_FMT_F32) {
		uint32_t u = x->d[k];
		exp = u & F32_EXP, mant = u & F32_MANT, sign = u >> 31;
		l.v = x->f[k];
		l.snan = exp == F32_EXP && mant && !(mant & F32_QUIET);
	} else {
		uint64_t u = x->q[k];
		exp = u & F64_EXP, mant = u & F64_MANT, sign = u >> 63;
		l.v = x->df[k];
		l.snan = exp == F64_EXP && mant && !(mant & F64_QUIET);
	}
	l.nan = isnan(l.v);
	l.denormal = !exp && mant;
	if (l.denormal && (ctl & MXCSR_DAZ)) {
		l.v = sign ? -0.0 : 0.0;
		l.denormal = 0;
	}
	return l;
}

/* NaN bits of `x`'s lane k made quiet, converted to format `to`. */
static uint64_t quiet_nan(const xmm_t *x, unsigned from, unsigned k, unsigned to)
{
	uint64_t sign,
		payload; /* payload: the 51 bits below the quiet bit, left-aligned at bit 50 */
	if (from & SSE_FMT_F32) {
		sign = x->d[k] >> 31;
		payload = (uint64_t)(x->d[k] & (F32_MANT >> 1)) << 29;
	} else {
		sign = x->q[k] >> 63;
		payload = x->q[k] & (F64_MANT >> 1);
	}
	if (to & SSE_FMT_F32)
		return sign << 31 | F32_EXP | F32_QUIET | payload >> 29;
	return sign << 63 | F64_EXP | F64_QUIET | payload;
}

/* Stores raw bits in lane k of a 32- or 64-bit lane format. */
static void lane_put_bits(xmm_t *x, unsigned fmt, unsigned k, uint64_t bits)
{
	if (fmt & (SSE_FMT_F64 | SSE_FMT_I64))
		x->q[k] = bits;
	else
		x->d[k] = (uint32_t)bits;
}

/* Stores a value already rounded to format `fmt`. */
static void lane_put(xmm_t *x, unsigned fmt, unsigned k, double v)
{
	if (fmt & SSE_FMT_F32)
		x->f[k] = (float)v;
	else
		x->df[k] = v;
}

/* FTZ: a tiny result becomes a zero of its sign, flagged as an inexact
 * underflow. Tiny is as the host's arithmetic judged it (*flags has UE),
 * which may be before rounding up to the smallest normal, or a denormal
 * result. */
static double flush_to_zero(double v, unsigned fmt, uint32_t ctl, uint32_t *flags)
{
	double min = fmt & SSE_FMT_F32 ? 0x1p-126 : 0x1p-1022;
	int tiny = (*flags & MXCSR_UE) || (v != 0 && fabs(v) < min);
	if (!tiny || !(ctl & MXCSR_FZ))
		return v;
	*flags |= MXCSR_UE | MXCSR_PE;
	return signbit(v) ? -0.0 : 0.0;
}

/* ---- arithmetic ---- */

static double approx(enum soft_op op, double b, unsigned fmt)
{
	/* Intel's tables give about 12 bits; a correctly rounded value is the
	 * closest portable stand-in. Denormal inputs count as zero. */
	double min = fmt & SSE_FMT_F32 ? 0x1p-126 : 0x1p-1022;
	if (fabs(b) < min)
		b = signbit(b) ? -0.0 : 0.0;
	double r = op == SOFT_RCP ? 1.0 / b : 1.0 / sqrt(b);
	return fabs(r) < min ? copysign(0.0, r) : r;
}

/* The C operation, rounded to the lane format. */
static double compute(enum soft_op op, double a, double b, unsigned fmt)
{
	if (fmt & SSE_FMT_F32) {
		float fa = (float)a, fb = (float)b;
		switch (op) {
		case SOFT_ADD: return fa + fb;
		case SOFT_SUB: return fa - fb;
		case SOFT_MUL: return fa * fb;
		case SOFT_DIV: return fa / fb;
		default: return sqrtf(fb);
		}
	}
	switch (op) {
	case SOFT_ADD: return a + b;
	case SOFT_SUB: return a - b;
	case SOFT_MUL: return a * b;
	case SOFT_DIV: return a / b;
	default: return sqrt(b);
	}
}

/* MIN/MAX give the second operand unless the first is strictly smaller
 * (greater): NaNs and equal zeros give the second. A denormal comes out as
 * DAZ made it. */
static uint32_t min_max_lane(xmm_t *d, const xmm_t *s, unsigned k, struct lane a, struct lane b,
			     enum soft_op op, unsigned fmt)
{
	if (a.nan || b.nan) {
		if (b.nan)
			lane_put_bits(d, fmt, k, fmt & SSE_FMT_F32 ? s->d[k] : s->q[k]);
		else
			lane_put(d, fmt, k, b.v);
		return MXCSR_IE;
	}
	int first = op == SOFT_MIN ? a.v < b.v : a.v > b.v;
	lane_put(d, fmt, k, first ? a.v : b.v);
	return a.denormal || b.denormal ? MXCSR_DE : 0;
}

static uint32_t arith_lane(xmm_t *d, const xmm_t *s, unsigned k, uint32_t ctl, enum soft_op op,
			   unsigned fmt)
{
	int unary = op == SOFT_SQRT || op == SOFT_RCP || op == SOFT_RSQRT;
	struct lane b = lane_get(s, fmt, k, ctl);
	struct lane a = unary ? (struct lane){0, 0, 0, 0} : lane_get(d, fmt, k, ctl);
	if (op == SOFT_RCP || op == SOFT_RSQRT) {
		if (b.nan)
			lane_put_bits(d, fmt, k, quiet_nan(s, fmt, k, fmt));
		else if (op == SOFT_RSQRT && b.v < 0)
			lane_put_bits(d, fmt, k,
				      fmt & SSE_FMT_F32 ? F32_DEFAULT_NAN : F64_DEFAULT_NAN);
		else
			lane_put(d, fmt, k, approx(op, b.v, fmt));
		return 0;
	}
	if (op == SOFT_MIN || op == SOFT_MAX)
		return min_max_lane(d, s, k, a, b, op, fmt);
	if (a.nan || b.nan) {
		/* the first operand's NaN wins, quietened */
		lane_put_bits(d, fmt, k,
			      a.nan ? quiet_nan(d, fmt, k, fmt) : quiet_nan(s, fmt, k, fmt));
		return a.snan || b.snan ? MXCSR_IE : 0;
	}
	mxcsr_fenv env = mxcsr_fenv_enter(ctl);
	double r = compute(op, a.v, b.v, fmt);
	uint32_t flags = mxcsr_fenv_leave(env);
	/* an invalid operation or a division by zero hides the denormal */
	if ((a.denormal || b.denormal) && !(flags & (MXCSR_IE | MXCSR_ZE)))
		flags |= MXCSR_DE;
	if (isnan(r)) {
		lane_put_bits(d, fmt, k, fmt & SSE_FMT_F32 ? F32_DEFAULT_NAN : F64_DEFAULT_NAN);
		return flags;
	}
	lane_put(d, fmt, k, flush_to_zero(r, fmt, ctl, &flags));
	return flags;
}

uint32_t soft_arith(xmm_t *d, const xmm_t *s, uint32_t ctl, enum soft_op op, unsigned fmt)
{
	uint32_t flags = 0;
	for (unsigned k = 0; k < SSE_FMT_LANES(fmt); k++)
		flags |= arith_lane(d, s, k, ctl, op, fmt);
	return flags;
}

/* ---- comparisons ---- */

uint32_t soft_cmp(xmm_t *d, const xmm_t *s, uint32_t ctl, unsigned pred, unsigned fmt)
{
	uint32_t flags = 0;
	for (unsigned k = 0; k < SSE_FMT_LANES(fmt); k++) {
		struct lane a = lane_get(d, fmt, k, ctl), b = lane_get(s, fmt, k, ctl);
		int un = a.nan || b.nan, r;
		/* LT, LE, NLT and NLE signal on any NaN, the others on SNaN */
		int signaling = (pred & 3) == 1 || (pred & 3) == 2;
		switch (pred & 3) {
		case 0: r = !un && a.v == b.v; break;
		case 1: r = !un && a.v < b.v; break;
		case 2: r = !un && a.v <= b.v; break;
		default: r = un; break;
		}
		if (pred & 4)
			r = !r;
		if (a.snan || b.snan || (signaling && un))
			flags |= MXCSR_IE;
		else if (!un && (a.denormal || b.denormal))
			flags |= MXCSR_DE;
		lane_put_bits(d, fmt, k, r ? ~0ull : 0);
	}
	return flags;
}

uint32_t soft_comi(const xmm_t *a, const xmm_t *b, uint32_t ctl, int signaling, unsigned fmt,
		   uint32_t *efl)
{
	struct lane x = lane_get(a, fmt, 0, ctl), y = lane_get(b, fmt, 0, ctl);
	if (x.nan || y.nan) {
		*efl = F_ZF | F_PF | F_CF;
		return signaling || x.snan || y.snan ? MXCSR_IE : 0;
	}
	*efl = x.v < y.v ? F_CF : x.v == y.v ? F_ZF : 0;
	return x.denormal || y.denormal ? MXCSR_DE : 0;
}

/* ---- conversions ---- */

/* A float lane to an integer of `bits` bits: rounded per MXCSR or toward
 * zero; the integer indefinite when it is a NaN or out of range. */
static uint64_t to_int(struct lane l, unsigned bits, int truncate, uint32_t ctl, uint32_t *flags)
{
	double limit = bits == 32 ? 0x1p31 : 0x1p63;
	uint64_t indefinite = 1ull << (bits - 1);
	if (l.nan) {
		*flags |= MXCSR_IE;
		return indefinite;
	}
	mxcsr_fenv env = mxcsr_fenv_enter(ctl);
	double r = truncate ? trunc(l.v) : nearbyint(l.v);
	mxcsr_fenv_leave(env);
	if (r >= limit || r < -limit) {
		*flags |= MXCSR_IE;
		return indefinite;
	}
	if (r != l.v)
		*flags |= MXCSR_PE;
	return (uint64_t)(int64_t)r;
}

/* An integer lane to a float format, rounded per MXCSR. */
static uint32_t from_int(xmm_t *d, unsigned dst, unsigned k, int64_t v, uint32_t ctl)
{
	mxcsr_fenv env = mxcsr_fenv_enter(ctl);
	double r = dst & SSE_FMT_F32 ? (double)(float)v : (double)v;
	uint32_t flags = mxcsr_fenv_leave(env);
	lane_put(d, dst, k, r);
	return flags;
}

/* A float lane to the other float format. */
static uint32_t float_to_float(xmm_t *d, unsigned dst, const xmm_t *s, unsigned src, unsigned k,
			       uint32_t ctl)
{
	struct lane l = lane_get(s, src, k, ctl);
	uint32_t flags = l.denormal ? MXCSR_DE : 0;
	if (l.nan) {
		lane_put_bits(d, dst, k, quiet_nan(s, src, k, dst));
		return l.snan ? MXCSR_IE : 0;
	}
	mxcsr_fenv env = mxcsr_fenv_enter(ctl);
	double r = dst & SSE_FMT_F32 ? (double)(float)l.v : l.v;
	flags |= mxcsr_fenv_leave(env);
	lane_put(d, dst, k, flush_to_zero(r, dst, ctl, &flags));
	return flags;
}

uint32_t soft_cvt(xmm_t *d, const xmm_t *s, uint32_t ctl, unsigned dst, unsigned src, int truncate,
		  int merge)
{
	xmm_t r = merge ? *d : (xmm_t){{0}};
	uint32_t flags = 0;
	for (unsigned k = 0; k < SSE_FMT_LANES(src); k++) {
		if (src & (SSE_FMT_I32 | SSE_FMT_I64)) {
			int64_t v = src & SSE_FMT_I32 ? (int64_t)s->sd[k] : s->sq[k];
			flags |= from_int(&r, dst, k, v, ctl);
		} else if (dst & (SSE_FMT_I32 | SSE_FMT_I64)) {
			/* no denormal flag here, unlike the other conversions */
			struct lane l = lane_get(s, src, k, ctl);
			unsigned bits = dst & SSE_FMT_I32 ? 32 : 64;
			lane_put_bits(&r, dst, k, to_int(l, bits, truncate, ctl, &flags));
		} else {
			flags |= float_to_float(&r, dst, s, src, k, ctl);
		}
	}
	*d = r;
	return flags;
}
#endif
