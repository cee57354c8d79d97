/* The guest's randomness: xoshiro256** seeded from --seed, so runs repeat. */
#include <string.h>

#include "kernel/vm.h"

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t next(uint64_t *s)
{
	uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

/* splitmix64 spreads one seed over the four state words */
void vm_seed(struct vm *vm, uint64_t seed)
{
	for (int k = 0; k < 4; k++) {
		uint64_t z = (seed += 0x9e3779b97f4a7c15ull);
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
		vm->rng[k] = z ^ (z >> 31);
	}
}

void vm_random_bytes(struct vm *vm, void *buf, size_t n)
{
	uint8_t *p = buf;
	while (n) {
		uint64_t v = next(vm->rng);
		size_t k = n < 8 ? n : 8;
		memcpy(p, &v, k);
		p += k;
		n -= k;
	}
}
