/* Indirect calls, jumps and returns with many targets, and targets rewritten
 * after they ran. An emulator that remembers where an indirect branch went
 * (hexvm keeps up to 16 targets per branch) must forget a target whose code
 * changed, while the branch itself stays as it was; and must still be right
 * when a branch has more targets than it keeps. The generated functions are
 * `mov eax, imm32; ret` (return_code.h); a C switch over many cases gives
 * the compiler's jump table.
 */
#include <stdio.h>
#include <sys/mman.h>

#include "return_code.h"

#define FUNCS	40
#define SPACING 16

/* One call site, `call *reg`, over the first n functions in a fixed order
 * that is not their address order. */
__attribute__((noinline)) static unsigned long call_all(unsigned char *code, int n, int rounds)
{
	unsigned long total = 0;
	for (int r = 0; r < rounds; r++)
		for (int k = 0; k < n; k++) {
			fn f = (fn)(void *)(code + ((k * 7) % n) * SPACING);
			total = total * 3 + (unsigned)f();
		}
	return total;
}

/* A switch the compiler turns into a jump table: an indirect jump with
 * `cases` targets. */
__attribute__((noinline)) static unsigned long dispatch(const unsigned char *ops, int n, int cases)
{
	unsigned long acc = 1;
	for (int k = 0; k < n; k++) {
		switch (ops[k] % cases) {
		case 0: acc += 3; break;
		case 1: acc ^= acc >> 3; break;
		case 2: acc *= 5; break;
		case 3: acc -= 7; break;
		case 4: acc += acc << 2; break;
		case 5: acc ^= 0x5a5a; break;
		case 6: acc = acc * 3 + 1; break;
		case 7: acc += k; break;
		case 8: acc ^= (unsigned long)k << 4; break;
		case 9: acc -= acc >> 5; break;
		case 10: acc += 11; break;
		case 11: acc *= 9; break;
		case 12: acc ^= acc << 1; break;
		case 13: acc += 0x1234; break;
		case 14: acc -= k * 3; break;
		case 15: acc ^= 0xff00; break;
		case 16: acc += acc >> 7; break;
		case 17: acc *= 13; break;
		case 18: acc -= 0x777; break;
		case 19: acc ^= acc >> 11; break;
		case 20: acc += 21; break;
		case 21: acc *= 17; break;
		case 22: acc ^= 0x3c3c; break;
		case 23: acc -= acc >> 9; break;
		default: acc += 1; break;
		}
	}
	return acc;
}

/* leaf has 32 call sites in many_returns, and its RET goes back to each in turn. */
__attribute__((noinline)) static unsigned leaf(unsigned x) { return x * 2 + 1; }

#define CALL4(b)                                                                                   \
	s += leaf(s + (b));                                                                        \
	s += leaf(s + (b) + 1);                                                                    \
	s += leaf(s + (b) + 2);                                                                    \
	s += leaf(s + (b) + 3);
__attribute__((noinline)) static unsigned many_returns(int rounds)
{
	unsigned s = 0;
	for (int r = 0; r < rounds; r++) {
		CALL4(0) CALL4(4) CALL4(8) CALL4(12) CALL4(16) CALL4(20) CALL4(24) CALL4(28)
	}
	return s;
}

static void write_funcs(unsigned char *code, int base)
{
	for (int k = 0; k < FUNCS; k++)
		put_code(code + k * SPACING, base + k);
}

int main(void)
{
	unsigned char *code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (code == MAP_FAILED) {
		printf("RWX mmap failed\n");
		return 1;
	}
	write_funcs(code, 100);
	/* few targets: all of them kept */
	printf("12 targets: %lu\n", call_all(code, 12, 2000));
	put_code(code + 5 * SPACING, 555);
	printf("one rewritten: %lu\n", call_all(code, 12, 3));
	put_code(code + 5 * SPACING, 105);
	put_code(code + 9 * SPACING, -9);
	printf("rewritten back, another changed: %lu\n", call_all(code, 12, 2000));
	/* more targets than kept */
	printf("40 targets: %lu\n", call_all(code, FUNCS, 500));
	write_funcs(code, 7000);
	printf("all rewritten: %lu\n", call_all(code, FUNCS, 500));
	printf("12 of them again: %lu\n", call_all(code, 12, 100));

	unsigned char ops[4096];
	unsigned x = 12345;
	for (unsigned k = 0; k < sizeof ops; k++) {
		x = x * 1103515245 + 12345;
		ops[k] = (unsigned char)(x >> 16);
	}
	unsigned long d = 0;
	for (int r = 0; r < 50; r++)
		d = d * 31 + dispatch(ops, (int)sizeof ops, 12);
	printf("switch, 12 cases: %lu\n", d);
	for (int r = 0; r < 50; r++)
		d = d * 31 + dispatch(ops, (int)sizeof ops, 25);
	printf("switch, 25 cases: %lu\n", d);
	printf("32 return sites: %u\n", many_returns(3000));
	return 0;
}
