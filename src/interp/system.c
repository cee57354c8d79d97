/* System-level instructions a user program may execute: system calls,
 * traps, CPUID, RDTSC, flag bits, segment registers; privileged ones fault. */
#include <signal.h>

#include "cpu/cond.h"
#include "cpu/cpuid.h"
#include "interp/operand.h"
#include "isa_handlers.h"
#include "kernel/entry.h"

void op_syscall(struct cpu *c, const struct insn *i)
{
	c->rip = next_ip(c, i);
	c->r[R_CX] = c->rip; /* as SYSCALL/SYSRET leave them */
	c->r[R_R11] = cpu_get_eflags(c);
	if (c->hooks)
		c->hooks->syscall(c, ABI_X86_64);
	else
		kernel_syscall(c, ABI_X86_64);
}

/* INT 0x80 is the i386 system call, in 64-bit processes too; INT 3 is a
 * breakpoint; any other vector is not allowed from user mode (#GP). */
void op_int(struct cpu *c, const struct insn *i)
{
	unsigned vector = i->imm & 0xff;
	if (vector == 0x80) {
		c->rip = next_ip(c, i);
		if (c->hooks)
			c->hooks->syscall(c, ABI_I386);
		else
			kernel_syscall(c, ABI_I386);
		return;
	}
	if (vector == 3)
		cpu_trap(c, SIGTRAP, SI_KERNEL, 0);
	cpu_gp(c);
}

void op_int3(struct cpu *c, const struct insn *i) { cpu_trap(c, SIGTRAP, SI_KERNEL, 0); }
void op_int1(struct cpu *c, const struct insn *i) { cpu_trap(c, SIGTRAP, TRAP_BRKPT, 0); }

void op_into(struct cpu *c, const struct insn *i)
{
	if (cond_lazy(c, 0))
		cpu_trap(c, SIGSEGV, SI_KERNEL, 0);
	c->rip = next_ip(c, i);
}

void op_privileged(struct cpu *c, const struct insn *i) { cpu_gp(c); }
void op_ud2(struct cpu *c, const struct insn *i) { cpu_undefined(c); }

void op_cpuid(struct cpu *c, const struct insn *i)
{
	struct cpuid_regs r = cpuid_query((uint32_t)c->r[R_AX], (uint32_t)c->r[R_CX]);
	gpr_set(c, R_AX, OSZ_32, r.eax);
	gpr_set(c, R_BX, OSZ_32, r.ebx);
	gpr_set(c, R_CX, OSZ_32, r.ecx);
	gpr_set(c, R_DX, OSZ_32, r.edx);
	if (c->hooks)
		c->hooks->external(c, i);
}

/* Virtual time: the counter advances with retired instructions, so runs
 * repeat exactly. */
void op_rdtsc(struct cpu *c, const struct insn *i)
{
	uint64_t tsc = c->icount;
	gpr_set(c, R_AX, OSZ_32, tsc);
	gpr_set(c, R_DX, OSZ_32, tsc >> 32);
	if (c->hooks)
		c->hooks->external(c, i);
}

static void patch_flags(struct cpu *c, uint32_t clear, uint32_t set, uint32_t toggle)
{
	cpu_flags_materialize(c);
	c->eflags = ((c->eflags & ~clear) | set) ^ toggle;
}

void op_cmc(struct cpu *c, const struct insn *i) { patch_flags(c, 0, 0, F_CF); }
void op_clc(struct cpu *c, const struct insn *i) { patch_flags(c, F_CF, 0, 0); }
void op_stc(struct cpu *c, const struct insn *i) { patch_flags(c, 0, F_CF, 0); }
void op_cld(struct cpu *c, const struct insn *i) { c->eflags &= ~F_DF; }
void op_std(struct cpu *c, const struct insn *i) { c->eflags |= F_DF; }

void op_mov_EvSw(struct cpu *c, const struct insn *i)
{
	unsigned s = i->reg & 7;
	if (s >= SEG_COUNT)
		cpu_undefined(c);
	if (i->mod == 3)
		gpr_set(c, i->rm, i->osz, c->seg_sel[s]);
	else
		mem_st16(c, mem_ea(c, i), c->seg_sel[s]);
}

/* The base a selector gives in the flat user-mode GDT: the user code and
 * data segments are flat, the TLS entries carry set_thread_area's base. */
static int selector_base(const struct cpu *c, uint16_t sel, uint64_t *base)
{
	unsigned index = sel >> 3;
	*base = 0;
	if (sel < 4)
		return 1; /* null selector */
	if ((sel & 7) != 3)
		return 0; /* LDT or wrong privilege */
	if (index >= GDT_TLS_FIRST && index < GDT_TLS_FIRST + GDT_TLS_COUNT) {
		const struct tls_desc *d = &c->tls[index - GDT_TLS_FIRST];
		*base = d->base;
		return d->present;
	}
	return sel == 0x23 || sel == 0x2b || sel == 0x33;
}

void op_mov_SwEw(struct cpu *c, const struct insn *i)
{
	unsigned s = i->reg & 7;
	uint16_t sel = (uint16_t)opE_get(c, i, OSZ_16);
	uint64_t base;
	if (s >= SEG_COUNT || s == SEG_CS)
		cpu_undefined(c);
	if (!selector_base(c, sel, &base) || (s == SEG_SS && sel < 4))
		cpu_gp(c);
	c->seg_sel[s] = sel;
	if (!c->mode64 || ((s == SEG_FS || s == SEG_GS) && sel >= 4))
		c->seg_base[s] = base;
	c->rip = next_ip(c, i);
}
