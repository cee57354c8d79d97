/* MMX and SSE2 packed integer arithmetic, comparisons and logic: every
 * instruction here has an MMX form (op_NAME_mmx) and an XMM form (op_NAME). */
#include "interp/sse.h"
#include "isa_handlers.h"

/* all ones in a lane of any width when `cond` holds (truncated by the lane) */
#define ONES_IF(cond) ((cond) ? ~0ull : 0ull)

/* op_NAME and op_NAME_mmx: lane-wise d = expr (see PINT_LANEWISE). */
#define LANEWISE(name, T, m, expr) PINT_LANEWISE(name, T, m, expr) PINT_HANDLERS(name)

LANEWISE(paddb, uint8_t, b, a + b)
LANEWISE(paddw, uint16_t, w, a + b)
LANEWISE(paddd, uint32_t, d, a + b)
LANEWISE(paddq, uint64_t, q, a + b)
LANEWISE(psubb, uint8_t, b, a - b)
LANEWISE(psubw, uint16_t, w, a - b)
LANEWISE(psubd, uint32_t, d, a - b)
LANEWISE(psubq, uint64_t, q, a - b)

LANEWISE(paddsb, int8_t, sb, sat_s8(a + b))
LANEWISE(paddsw, int16_t, sw, sat_s16(a + b))
LANEWISE(paddusb, uint8_t, b, sat_u8(a + b))
LANEWISE(paddusw, uint16_t, w, sat_u16(a + b))
LANEWISE(psubsb, int8_t, sb, sat_s8(a - b))
LANEWISE(psubsw, int16_t, sw, sat_s16(a - b))
LANEWISE(psubusb, uint8_t, b, sat_u8(a - b))
LANEWISE(psubusw, uint16_t, w, sat_u16(a - b))

/* products in 32 bits, so that 0xffff * 0xffff does not overflow an int */
LANEWISE(pmullw, uint16_t, w, (uint32_t)a *b)
LANEWISE(pmulhw, int16_t, sw, ((int32_t)a * b) >> 16)
LANEWISE(pmulhuw, uint16_t, w, ((uint32_t)a * b) >> 16)
LANEWISE(pmuludq, uint64_t, q, (a & 0xffffffffu) * (b & 0xffffffffu))

LANEWISE(pavgb, uint8_t, b, (a + b + 1) >> 1)
LANEWISE(pavgw, uint16_t, w, ((uint32_t)a + b + 1) >> 1)
LANEWISE(pminub, uint8_t, b, a < b ? a : b)
LANEWISE(pmaxub, uint8_t, b, a > b ? a : b)
LANEWISE(pminsw, int16_t, sw, a < b ? a : b)
LANEWISE(pmaxsw, int16_t, sw, a > b ? a : b)

LANEWISE(pcmpeqb, uint8_t, b, ONES_IF(a == b))
LANEWISE(pcmpeqw, uint16_t, w, ONES_IF(a == b))
LANEWISE(pcmpeqd, uint32_t, d, ONES_IF(a == b))
LANEWISE(pcmpgtb, int8_t, sb, ONES_IF(a > b))
LANEWISE(pcmpgtw, int16_t, sw, ONES_IF(a > b))
LANEWISE(pcmpgtd, int32_t, sd, ONES_IF(a > b))

/* also ANDPS/ANDPD, ANDNPS/ANDNPD, ORPS/ORPD and XORPS/XORPD */
LANEWISE(pand, uint64_t, q, (a & b))
LANEWISE(pandn, uint64_t, q, (~a & b))
LANEWISE(por, uint64_t, q, a | b)
LANEWISE(pxor, uint64_t, q, a ^ b)

/* PMADDWD: each dword is the sum of two signed word products. Both products
 * of -32768 * -32768 sum to 2^31, which wraps to 0x80000000 as on the CPU. */
static void pmaddwd_lanes(xmm_t *d, const xmm_t *s, unsigned n)
{
	for (unsigned k = 0; k < n / 4; k++) {
		int32_t lo = (int32_t)d->sw[2 * k] * s->sw[2 * k];
		int32_t hi = (int32_t)d->sw[2 * k + 1] * s->sw[2 * k + 1];
		d->d[k] = (uint32_t)lo + (uint32_t)hi;
	}
}
PINT_HANDLERS(pmaddwd)

/* PSADBW: each quadword becomes the sum of its eight absolute byte
 * differences. */
static void psadbw_lanes(xmm_t *d, const xmm_t *s, unsigned n)
{
	for (unsigned k = 0; k < n / 8; k++) {
		uint64_t sum = 0;
		for (unsigned j = 8 * k; j < 8 * k + 8; j++)
			sum += d->b[j] > s->b[j] ? d->b[j] - s->b[j] : s->b[j] - d->b[j];
		d->q[k] = sum;
	}
}
PINT_HANDLERS(psadbw)
