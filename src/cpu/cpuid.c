/* CPUID leaves. Every feature bit set here is backed by an implementation;
 * glibc's ifuncs choose their code paths from these bits. */
#include "cpu/cpuid.h"

#include <string.h>

/* leaf 1 EDX */
#define ID1_FPU	  (1u << 0)
#define ID1_TSC	  (1u << 4)
#define ID1_CX8	  (1u << 8)
#define ID1_CMOV  (1u << 15)
#define ID1_CLFSH (1u << 19)
#define ID1_MMX	  (1u << 23)
#define ID1_FXSR  (1u << 24)
#define ID1_SSE	  (1u << 25)
#define ID1_SSE2  (1u << 26)
/* leaf 1 ECX */
#define ID1C_SSE3	(1u << 0)
#define ID1C_SSSE3	(1u << 9)
#define ID1C_CX16	(1u << 13)
#define ID1C_SSE4_1	(1u << 19)
#define ID1C_SSE4_2	(1u << 20)
#define ID1C_POPCNT	(1u << 23)
#define ID1C_HYPERVISOR (1u << 31)
/* leaf 0x80000001 */
#define IDX_LAHF_LM (1u << 0)
#define IDX_ABM	    (1u << 5) /* LZCNT */
#define IDX_SYSCALL (1u << 11)
#define IDX_NX	    (1u << 20)
#define IDX_LM	    (1u << 29)

#define MAX_BASIC_LEAF 4u
#define MAX_EXT_LEAF   0x80000008u

static const uint32_t leaf1_edx = ID1_FPU | ID1_TSC | ID1_CX8 | ID1_CMOV | ID1_CLFSH | ID1_MMX |
				  ID1_FXSR | ID1_SSE | ID1_SSE2;
static const uint32_t leaf1_ecx = ID1C_SSE3 | ID1C_SSSE3 | ID1C_CX16 | ID1C_SSE4_1 | ID1C_SSE4_2 |
				  ID1C_POPCNT | ID1C_HYPERVISOR;

static uint32_t le32(const char *s)
{
	uint32_t v;
	memcpy(&v, s, 4);
	return v;
}

/* Leaf 4: deterministic cache parameters (L1d 32K, L1i 32K, L2 1M, L3 8M). */
static struct cpuid_regs cache_leaf(uint32_t subleaf)
{
	static const struct {
		uint32_t type, level, ways, sets;
	} caches[] = {{1, 1, 8, 64}, {2, 1, 8, 64}, {3, 2, 16, 1024}, {3, 3, 16, 8192}};
	struct cpuid_regs r = {0, 0, 0, 0};
	if (subleaf >= sizeof caches / sizeof caches[0])
		return r;
	r.eax = caches[subleaf].type | caches[subleaf].level << 5 | 1u << 8;
	r.ebx = (64 - 1) | (1 - 1) << 12 | (caches[subleaf].ways - 1) << 22;
	r.ecx = caches[subleaf].sets - 1;
	return r;
}

static struct cpuid_regs brand_leaf(uint32_t leaf)
{
	static const char brand[48] = "hexvm virtual x86-64 CPU";
	const char *p = brand + (leaf - 0x80000002u) * 16;
	struct cpuid_regs r = {le32(p), le32(p + 4), le32(p + 8), le32(p + 12)};
	return r;
}

struct cpuid_regs cpuid_query(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs r = {0, 0, 0, 0};
	switch (leaf) {
	case 0:
		r.eax = MAX_BASIC_LEAF;
		r.ebx = le32("Genu");
		r.edx = le32("ineI");
		r.ecx = le32("ntel");
		break;
	case 1:
		r.eax = 0x000106a5;	    /* family 6, model 0x1a, stepping 5 */
		r.ebx = 8u << 8 | 1u << 16; /* 64-byte CLFLUSH line, one logical CPU */
		r.ecx = leaf1_ecx;
		r.edx = leaf1_edx;
		break;
	case 4: r = cache_leaf(subleaf); break;
	case 0x80000000u: r.eax = MAX_EXT_LEAF; break;
	case 0x80000001u:
		r.ecx = IDX_LAHF_LM | IDX_ABM;
		r.edx = IDX_SYSCALL | IDX_NX | IDX_LM;
		break;
	case 0x80000002u:
	case 0x80000003u:
	case 0x80000004u: r = brand_leaf(leaf); break;
	case 0x80000006u: r.ecx = 1024u << 16 | 8u << 12 | 64; break;
	case 0x80000008u: r.eax = 48u << 8 | 48u; break;
	default: break;
	}
	return r;
}

const char *cpuid_flag_names(int mode64)
{
	return mode64 ? "fpu tsc cx8 cmov clflush mmx fxsr sse sse2 syscall nx lm "
			"pni ssse3 cx16 sse4_1 sse4_2 popcnt hypervisor lahf_lm abm"
		      : "fpu tsc cx8 cmov clflush mmx fxsr sse sse2 pni ssse3 cx16 sse4_1 sse4_2 "
			"popcnt hypervisor abm";
}
