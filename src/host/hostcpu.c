/* hostcpu_has (see hostcpu.h). */
#include "host/hostcpu.h"

#include <stdint.h>

#if (defined(__x86_64__) || defined(__i386__)) && defined(__GLIBC__) &&                             \
	__has_include(<sys/platform/x86.h>)
#include <sys/platform/x86.h>

int hostcpu_has(enum hostcpu_feature f)
{
	return f == HOSTCPU_SSSE3 ? CPU_FEATURE_ACTIVE(SSSE3) : CPU_FEATURE_ACTIVE(SSE4_2);
}
#elif defined(__x86_64__) || defined(__i386__)
int hostcpu_has(enum hostcpu_feature f)
{
	uint32_t a = 1, b, c = 0, d;
	__asm__("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	return (c >> (f == HOSTCPU_SSSE3 ? 9 : 20)) & 1;
}
#else
int hostcpu_has(enum hostcpu_feature f)
{
	(void)f;
	return 0;
}
#endif
