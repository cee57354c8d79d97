/* Snapshot benchmark guest: touches MEGABYTES MiB (argument, default 100) with
 * pseudo-random bytes that do not compress, prints one line and exits. The
 * snapshot is taken at its end, so that restoring it runs a few hundred
 * thousand instructions at most and the restore time is the machine's. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 100;
	size_t words = mib << 17; /* 8-byte words */
	uint64_t *mem = malloc(words * sizeof *mem);
	if (!mem)
		return 1;
	uint64_t x = 88172645463325252ull, sum = 0;
	for (size_t k = 0; k < words; k++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		mem[k] = x;
	}
	for (size_t k = 0; k < words; k += 4096)
		sum += mem[k];
	printf("touched %zu MiB, checksum %016llx\n", mib, (unsigned long long)sum);
	return 0;
}
