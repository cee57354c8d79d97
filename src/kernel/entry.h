/* How the CPU enters the kernel. */
#ifndef HEXVM_KERNEL_ENTRY_H
#define HEXVM_KERNEL_ENTRY_H

struct cpu;

enum syscall_abi { ABI_X86_64, ABI_I386 };

/* Runs the system call whose number and arguments are in the registers of
 * `c` under `abi`; rip already points past the instruction. */
void kernel_syscall(struct cpu *c, enum syscall_abi abi);

#endif
