/* x87 residency: the guest's x87 unit on the host's own.
 *
 * On an x86-64 Linux host, while the guest masks every x87 exception (as
 * nearly every program does all its life), the host x87 holds the guest's
 * whole x87 state between instructions: the eight registers, TOP, the tags,
 * the status and control words. A guest x87 instruction then runs as the
 * very same host instruction, on the host's stack and on the guest's memory
 * through the window, with no 80-bit round trip through struct x87, and its
 * results, flags, stack faults and NaN choices are the hardware's by
 * construction. Nothing can trap: every exception is masked.
 *
 * struct x87 keeps what the host cannot: FIP, FDP and FOP (the host would
 * record its own addresses), which the handlers keep in software as before,
 * and a copy of the control word, which only FLDCW changes while resident.
 *
 * x87r_leave brings the state back into struct x87 (FNSAVE, which also
 * leaves the host in FNINIT's state, the ABI's) before anything else reads
 * or writes it: the handlers that compute in software (x87_wait), MMX, the
 * kernel at each system call, and the run loop when it returns or unwinds
 * a fault. A host fault in the middle of a resident instruction (the guest
 * touching an unmapped page) is taken on a fresh host FPU state, so the
 * fault handler puts the interrupted state back before it unwinds
 * (host/fault.c). hexvm's own code never computes with the x87 while a
 * guest runs: the compiler uses SSE for float and double, and long double
 * appears only in the portable kernels of non-x86 hosts. */
#ifndef HEXVM_CPU_X87_RESIDENT_H
#define HEXVM_CPU_X87_RESIDENT_H

#include <stdint.h>

#include "base/compiler.h"
#include "cpu/cpu.h"
#include "cpu/x87_host.h"

#if X87_HOST_NATIVE && defined(__x86_64__) && defined(__linux__) && defined(__GNUC__)
#define X87_RESIDENT_HOST 1
#else
#define X87_RESIDENT_HOST 0
#endif

/* Loads c->fpu into the host x87 (FRSTOR) and marks it resident. */
void x87r_enter(struct cpu *c);
/* Stores the host x87 into c->fpu (FNSAVE) and ends residency. */
void x87r_leave(struct cpu *c);

/* Brings the x87 state into c->fpu, for code that works on it there. */
static ALWAYS_INLINE void x87r_unload(struct cpu *c)
{
	if (unlikely(c->x87_resident))
		x87r_leave(c);
}

#if X87_RESIDENT_HOST

/* One four-byte stub per x87 opcode, indexed by the 11 bits FOP holds (the
 * escape byte's low three, then ModRM), each the instruction and a RET:
 * the register forms as they are, the memory forms addressing (%rax).
 * Calling the stub runs the guest's instruction. */
extern const uint8_t x87r_stubs[2048 * 4];

static ALWAYS_INLINE const void *x87r_stub_at(unsigned fop)
{
	return x87r_stubs + 4 * (fop & 0x7ff);
}

/* The call steps over the red zone, where the compiler may keep locals; the
 * stubs touch nothing but the x87 and the memory operand at `mem`. */
static ALWAYS_INLINE void x87r_call(const void *stub, void *mem)
{
	__asm__ volatile("lea -128(%%rsp), %%rsp\n\t"
			 "call *%[s]\n\t"
			 "lea 128(%%rsp), %%rsp"
			 :
			 : [s] "r"(stub), "a"(mem)
			 : "memory");
}

/* ... for FCOMI and friends: returns the host's flags after the stub. */
static ALWAYS_INLINE uint64_t x87r_call_flags(const void *stub)
{
	uint64_t flags;
	__asm__ volatile("lea -128(%%rsp), %%rsp\n\t"
			 "call *%[s]\n\t"
			 "pushfq\n\t"
			 "popq %[f]\n\t"
			 "lea 128(%%rsp), %%rsp"
			 : [f] "=r"(flags)
			 : [s] "r"(stub)
			 : "memory", "cc");
	return flags;
}

/* ... for FCMOVB: with the host's CF set to bit 0 of `cf`. */
static ALWAYS_INLINE void x87r_call_cf(const void *stub, unsigned cf)
{
	__asm__ volatile("bt $0, %k[cf]\n\t"
			 "lea -128(%%rsp), %%rsp\n\t"
			 "call *%[s]\n\t"
			 "lea 128(%%rsp), %%rsp"
			 :
			 : [s] "r"(stub), [cf] "r"(cf)
			 : "memory", "cc");
}

static ALWAYS_INLINE uint16_t x87r_fnstsw(void)
{
	uint16_t sw;
	__asm__ volatile("fnstsw %0" : "=a"(sw));
	return sw;
}

#endif

#endif
