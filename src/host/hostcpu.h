/* What the host's own processor offers, for the engines' host-instruction
 * paths (SSE4.2 string compares, the translator's SSSE3 and SSE4.2
 * templates). */
#ifndef HEXVM_HOST_HOSTCPU_H
#define HEXVM_HOST_HOSTCPU_H

enum hostcpu_feature { HOSTCPU_SSSE3, HOSTCPU_SSE4_2 };

/* Whether the host runs f: what the C library found out at start-up where
 * it tells (glibc asks CPUID once, and in a virtual machine each CPUID can
 * cost tens of microseconds), else CPUID itself. 0 on hosts other than x86. */
int hostcpu_has(enum hostcpu_feature f);

#endif
