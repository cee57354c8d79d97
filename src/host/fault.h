/* Host faults in guest address windows: copy-on-write resolved on the spot,
 * everything else turned into guest faults. */
#ifndef HEXVM_HOST_FAULT_H
#define HEXVM_HOST_FAULT_H

#include <stdint.h>

struct cpu;
struct mm_set;

/* What the handler acts on for one host thread; it lives in the vm (or in
 * lockstep's state), and the handler reaches it through the one
 * thread-local pointer hexvm keeps. */
struct fault_scope {
	struct cpu *running; /* running guest code, or NULL */
	struct mm_set *mms;  /* windows whose copy-on-write faults it resolves, or NULL */
};

/* Installs the host SIGSEGV/SIGBUS handlers and makes `scope` what they act
 * on for this host thread. */
int host_fault_init(struct fault_scope *scope);
/* Host register `reg` in a fault's context (the handler's third argument),
 * numbered as x86-64 encodes them (0 rax ... 15 r15), -1 for the pc; 0 on
 * hosts whose context is not known here. */
uint64_t host_fault_reg(const void *ucontext, int reg);
/* Marks `c` as running guest code on this host thread. */
void host_fault_enter(struct cpu *c);
void host_fault_leave(void);

#endif
