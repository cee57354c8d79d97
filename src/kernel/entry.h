/* How the CPU enters the kernel. */
#ifndef HEXVM_KERNEL_ENTRY_H
#define HEXVM_KERNEL_ENTRY_H

struct cpu;

enum syscall_abi { ABI_X86_64, ABI_I386 };

/* Runs the system call whose number and arguments are in the registers of
 * `c` under `abi`; rip already points past the instruction. */
void kernel_syscall(struct cpu *c, enum syscall_abi abi);

struct task;
/* Tries a parked call of the task again (or ends it, when a signal is
 * deliverable and the call is interruptible): 1 when it finished and the
 * task may run on, 0 when it parked again. */
int syscall_resume(struct task *t);

#endif
