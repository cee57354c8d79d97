/* Turning host faults in a guest's address window into guest faults. */
#ifndef HEXVM_HOST_FAULT_H
#define HEXVM_HOST_FAULT_H

struct cpu;

/* Installs the host SIGSEGV/SIGBUS handlers (once per host process). */
int host_fault_init(void);
/* Marks `c` as running guest code on this host thread. */
void host_fault_enter(struct cpu *c);
void host_fault_leave(void);

#endif
