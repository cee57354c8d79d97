/* A steady guest for the snapshot suite: prints a running checksum every so often for a
 * few seconds of emulated time, so that a host signal lands in the middle of it. */
#include <stdint.h>
#include <stdio.h>

int main(void)
{
	uint64_t h = 1469598103934665603ull;
	for (int line = 0; line < 400; line++) {
		for (int i = 0; i < 200000; i++)
			h = (h ^ (uint64_t)(i + line)) * 1099511628211ull;
		printf("%d %016llx\n", line, (unsigned long long)h);
		fflush(stdout);
	}
	return 3;
}
