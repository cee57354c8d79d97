/* A stretch of guest work between the snapshot programs' events, long enough
 * to span scheduler turns and snapshot points; its hash is printed so that a
 * restore that lost or repeated work shows. */
#ifndef SNAPSHOT_WORK_H
#define SNAPSHOT_WORK_H

#include <stdint.h>

static uint64_t work(int rounds)
{
	uint64_t h = 1469598103934665603ull;
	for (int r = 0; r < rounds; r++)
		for (int i = 0; i < 100000; i++)
			h = (h ^ (uint64_t)(i + r)) * 1099511628211ull;
	return h;
}

#endif
