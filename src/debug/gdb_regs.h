/* The registers gdb sees: numbered and typed as gdb's i386 and amd64
 * features (org.gnu.gdb.i386.core, .sse, .linux, .segments) expect, in the
 * target description hexvm sends and in the g/G/p/P packets. */
#ifndef HEXVM_DEBUG_GDB_REGS_H
#define HEXVM_DEBUG_GDB_REGS_H

#include <stddef.h>
#include <stdint.h>

struct cpu;

#define GDB_REG_MAX_BYTES 16

/* How many registers the architecture has (x86-64 when mode64). */
int gdb_reg_count(int mode64);
/* The number of orig_rax (orig_eax): the system call a thread stopped in. */
int gdb_reg_orig_ax(int mode64);
/* Register n's size in bytes, 0 when there is no such register. */
unsigned gdb_reg_size(int mode64, int n);
/* Register n in gdb's layout (little-endian) into out; its size, or 0. */
unsigned gdb_reg_read(struct cpu *c, int mode64, int n, uint8_t *out);
/* Sets register n from gdb's layout; -1 for no such register. Registers
 * user code cannot change (segment selectors, orig_rax) keep their value. */
int gdb_reg_write(struct cpu *c, int mode64, int n, const uint8_t *in);
/* The target description (target.xml) into buf; its length, which may
 * exceed size (then it was cut). */
size_t gdb_target_xml(int mode64, char *buf, size_t size);

#endif
