/* The translating engine: blocks of the block cache become host code that
 * works on the same `struct cpu` as the interpreter, so a guest can move
 * between the engines at any block boundary. Instructions with a template
 * become inline host code; the rest call their interpreter handler. */
#ifndef HEXVM_JIT_JIT_H
#define HEXVM_JIT_JIT_H

#include <stdint.h>

#if defined(__x86_64__) && (defined(__linux__) || defined(__FreeBSD__))
#define HEXVM_JIT 1
#else
#define HEXVM_JIT 0
#endif

struct cpu;
struct block;
struct block_cache;
struct jit;

/* Whether this build and host can translate (an x86-64 host whose fault
 * handler can tell where in translated code a fault happened). */
int jit_available(void);

/* Runs translated blocks from c->rip until the thread must return to the
 * scheduler (exit_req, or the instruction budget spent), as the
 * interpreter's run loop does. */
void jit_run(struct cpu *c, struct block_cache *bc);

/* The host registers translated code keeps guest registers in. */
#define JIT_POOL_SIZE 5

/* In the host fault handler: keeps what jit_locate_fault needs of the
 * fault's context (the host pc and the register pool) in c. */
void jit_note_fault(struct cpu *c, const void *ucontext);
/* After a host fault: if it was in translated code, points c->cur and
 * c->cur_block at the guest instruction it belongs to, gives c->r the
 * guest registers that were only in host registers, and returns 1. */
int jit_locate_fault(struct cpu *c, uintptr_t host_pc);

/* The block cache's calls: a block was dropped (its code must no longer be
 * reached), and the cache goes away (after freeing its blocks). */
void jit_block_dropped(struct jit *j, struct block *b);
void jit_destroy(struct jit *j);

#endif
