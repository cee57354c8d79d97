/* Raising guest faults from instruction handlers. */
#include <signal.h>

#include "cpu/cpu.h"
#include "decode/insn.h"

_Noreturn void cpu_fault(struct cpu *c, int sig, int code, uint64_t addr)
{
	c->fault_sig = sig;
	c->fault_code = code;
	c->fault_addr = addr;
	c->fault_is_trap = 0;
	siglongjmp(c->fault_jmp, 1);
}

_Noreturn void cpu_trap(struct cpu *c, int sig, int code, uint64_t addr)
{
	c->fault_sig = sig;
	c->fault_code = code;
	c->fault_addr = addr;
	c->fault_is_trap = 1;
	siglongjmp(c->fault_jmp, 1);
}

_Noreturn void cpu_undefined(struct cpu *c)
{
	cpu_fault(c, SIGILL, ILL_ILLOPN, c->cur ? c->cur->addr : c->rip);
}

_Noreturn void cpu_gp(struct cpu *c) { cpu_fault(c, SIGSEGV, SI_KERNEL, 0); }
