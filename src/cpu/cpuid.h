/* The CPU hexvm presents: CPUID advertises exactly what is implemented. */
#ifndef HEXVM_CPU_CPUID_H
#define HEXVM_CPU_CPUID_H

#include <stdint.h>

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

struct cpuid_regs cpuid_query(uint32_t leaf, uint32_t subleaf);

/* Feature flag names of leaf 1 EDX/ECX and 0x80000001, for /proc/cpuinfo. */
const char *cpuid_flag_names(int mode64);

#endif
