/* Which guest memory an instruction is about to read or write, worked out
 * from its decoded form and the registers, for read and access watchpoints
 * (a hardware debug register's view, without the hardware). */
#ifndef HEXVM_DEBUG_GDB_ACCESS_H
#define HEXVM_DEBUG_GDB_ACCESS_H

#include <stdint.h>

struct cpu;
struct mm;

struct mem_access {
	uint64_t addr, len;
	int reads; /* 0: a pure store */
};

#define ACCESS_MAX 3

/* The accesses of the instruction at c->rip (explicit memory operand,
 * string source and destination, stack); how many, 0 when it cannot be
 * decoded. */
int insn_accesses(struct cpu *c, struct mm *mm, struct mem_access out[ACCESS_MAX]);

#endif
