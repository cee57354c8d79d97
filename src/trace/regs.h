/* Guest registers for people: the full dump of a fault report, and the
 * registers one instruction changed for --trace. */
#ifndef HEXVM_TRACE_REGS_H
#define HEXVM_TRACE_REGS_H

#include <stdio.h>

#include "cpu/cpu.h"
#include "trace/tbuf.h"

/* What an instruction can change that a trace shows. */
struct reg_snap {
	uint64_t r[16];
	uint32_t eflags;
	uint64_t fs_base, gs_base;
	xmm_t xmm[16];
	uint32_t mxcsr;
	fpreg_t st[8];
	uint16_t fsw, fcw;
	uint8_t top;
};

void regs_snap(struct reg_snap *s, const struct cpu *c);
/* " name=value" for each register that differs, in register order. */
void regs_diff(struct tbuf *b, const struct reg_snap *before, const struct reg_snap *after,
	       int mode64);
/* The integer registers, flags and segment bases, a few to a line. */
void regs_dump(FILE *out, const struct cpu *c, const char *indent);
/* EFLAGS as the guest sees it. */
uint32_t regs_eflags(const struct cpu *c);

#endif
