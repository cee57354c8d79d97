/* PCMPxSTRx kernels on the host (see sse42_host.h). The control byte is an
 * immediate of the host instruction, so each kernel is a switch over its 256
 * values, one instruction per case; the flags come out through LAHF (SF ZF
 * CF; the instructions clear AF and PF) and SETO. */
#include "interp/sse42_host.h"

#if SSE42_HOST

/* EFLAGS from LAHF's AH (in bits 8..15 of ax) and SETO's byte. */
static uint32_t flags_of(unsigned ax, unsigned of)
{
	return ((ax >> 8) & (F_SF | F_ZF | F_CF)) | (of ? F_OF : 0);
}

/* The 256 cases of a switch on the control byte, each CASE(k). */
#define CASES4(CASE, h) CASE(h + 0) CASE(h + 1) CASE(h + 2) CASE(h + 3)
#define CASES16(CASE, h)                                                                           \
	CASES4(CASE, h) CASES4(CASE, h + 4) CASES4(CASE, h + 8) CASES4(CASE, h + 12)
#define CASES64(CASE, h)                                                                           \
	CASES16(CASE, h) CASES16(CASE, h + 16) CASES16(CASE, h + 32) CASES16(CASE, h + 48)
#define CASES256(CASE) CASES64(CASE, 0) CASES64(CASE, 64) CASES64(CASE, 128) CASES64(CASE, 192)

uint64_t sse42_host_istri(sse42_vec a, sse42_vec b, unsigned imm)
{
	unsigned ax = 0, of = 0, cx = 0;
#define ISTRI(k)                                                                                   \
	case k:                                                                                    \
		__asm__("pcmpistri %[i], %[w], %[v]\n\tlahf\n\tseto %b[o]"                         \
			: "=c"(cx), "=a"(ax), [o] "=r"(of)                                         \
			: [v] "x"(a), [w] "x"(b), [i] "i"(k));                                     \
		break;
	switch (imm & 0xff) {
		CASES256(ISTRI)
	}
	return (uint64_t)cx << 32 | flags_of(ax, of & 0xff);
}

uint64_t sse42_host_estri(sse42_vec a, sse42_vec b, unsigned la, unsigned lb, unsigned imm)
{
	unsigned ax = la, of = 0, cx = 0;
#define ESTRI(k)                                                                                   \
	case k:                                                                                    \
		__asm__("pcmpestri %[i], %[w], %[v]\n\tlahf\n\tseto %b[o]"                         \
			: "=c"(cx), "+a"(ax), [o] "=r"(of)                                         \
			: [v] "x"(a), [w] "x"(b), "d"(lb), [i] "i"(k));                            \
		break;
	switch (imm & 0xff) {
		CASES256(ESTRI)
	}
	return (uint64_t)cx << 32 | flags_of(ax, of & 0xff);
}

sse42_vec sse42_host_istrm(sse42_vec a, sse42_vec b, unsigned imm, uint32_t *flags)
{
	sse42_vec m = {0, 0};
	unsigned ax = 0, of = 0;
#define ISTRM(k)                                                                                   \
	case k:                                                                                    \
		__asm__("pcmpistrm %[i], %[w], %[v]\n\tlahf\n\tseto %b[o]"                         \
			: "=Yz"(m), "=a"(ax), [o] "=r"(of)                                         \
			: [v] "x"(a), [w] "x"(b), [i] "i"(k));                                     \
		break;
	switch (imm & 0xff) {
		CASES256(ISTRM)
	}
	*flags = flags_of(ax, of & 0xff);
	return m;
}

sse42_vec sse42_host_estrm(sse42_vec a, sse42_vec b, unsigned la, unsigned lb, unsigned imm,
			   uint32_t *flags)
{
	sse42_vec m = {0, 0};
	unsigned ax = la, of = 0;
#define ESTRM(k)                                                                                   \
	case k:                                                                                    \
		__asm__("pcmpestrm %[i], %[w], %[v]\n\tlahf\n\tseto %b[o]"                         \
			: "=Yz"(m), "+a"(ax), [o] "=r"(of)                                         \
			: [v] "x"(a), [w] "x"(b), "d"(lb), [i] "i"(k));                            \
		break;
	switch (imm & 0xff) {
		CASES256(ESTRM)
	}
	*flags = flags_of(ax, of & 0xff);
	return m;
}

#endif
