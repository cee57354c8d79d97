/* Initial architectural state of a guest thread. */
#include <string.h>

#include "cpu/cpu.h"

void cpu_reset(struct cpu *c, int mode64)
{
	memset(c->r, 0, sizeof c->r);
	c->rip = 0;
	c->eflags = F_IF;
	c->cc_op = CC_OP(CC_EFLAGS, 0);
	c->mode64 = (uint8_t)(mode64 != 0);
	memset(c->seg_base, 0, sizeof c->seg_base);
	/* the selectors Linux gives user code */
	c->seg_sel[SEG_CS] = mode64 ? 0x33 : 0x23;
	c->seg_sel[SEG_SS] = 0x2b;
	c->seg_sel[SEG_DS] = c->seg_sel[SEG_ES] = mode64 ? 0 : 0x2b;
	c->seg_sel[SEG_FS] = c->seg_sel[SEG_GS] = 0;
	memset(c->xmm, 0, sizeof c->xmm);
	c->mxcsr = 0x1f80;
	memset(&c->fpu, 0, sizeof c->fpu);
	c->fpu.fcw = 0x037f;
	c->fpu.ftw = 0xffff;
}
