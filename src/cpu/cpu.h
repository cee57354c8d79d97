/* The architectural state of one guest thread, shared by every engine. */
#ifndef HEXVM_CPU_CPU_H
#define HEXVM_CPU_CPU_H

#include <setjmp.h>
#include <stdint.h>

enum gpr {
	R_AX,
	R_CX,
	R_DX,
	R_BX,
	R_SP,
	R_BP,
	R_SI,
	R_DI,
	R_R8,
	R_R9,
	R_R10,
	R_R11,
	R_R12,
	R_R13,
	R_R14,
	R_R15,
	R_NONE /* always zero: stands for an absent base or index register */
};

enum seg { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_COUNT };

/* EFLAGS bits */
#define F_CF	0x0001u
#define F_PF	0x0004u
#define F_AF	0x0010u
#define F_ZF	0x0040u
#define F_SF	0x0080u
#define F_TF	0x0100u
#define F_IF	0x0200u
#define F_DF	0x0400u
#define F_OF	0x0800u
#define F_AC	0x40000u
#define F_ID	0x200000u
#define F_ARITH (F_CF | F_PF | F_AF | F_ZF | F_SF | F_OF)

/* Lazy flags: the last flag-setting operation is remembered by kind and size
 * (cc_op = kind * 4 + log2(bytes)), with its result and second operand; the six
 * arithmetic flags are derived only when something reads them. */
enum cc_kind {
	CC_EFLAGS, /* arithmetic flags are in cpu.eflags */
	CC_ADD,	   /* dst = result, src = operand 2 */
	CC_ADC,	   /* as ADD, src2 = carry in */
	CC_SUB,	   /* dst = result, src = operand 2 */
	CC_SBB,	   /* as SUB, src2 = borrow in */
	CC_LOGIC,  /* dst = result; CF = OF = 0 */
	CC_INC,	   /* dst = result, src = CF before */
	CC_DEC,	   /* dst = result, src = CF before */
	CC_SHL,	   /* dst = result, src = operand shifted by count - 1 */
	CC_SAR,	   /* dst = result, src = operand shifted by count - 1 (SHR too) */
	CC_MUL,	   /* dst = low result, src = nonzero when CF = OF = 1 */
	CC_KINDS
};
#define CC_OP(kind, lgsz) ((uint32_t)(kind)*4u + (uint32_t)(lgsz))

typedef union xmm {
	uint8_t b[16];
	uint16_t w[8];
	uint32_t d[4];
	uint64_t q[2];
	int8_t sb[16];
	int16_t sw[8];
	int32_t sd[4];
	int64_t sq[2];
	float f[4];
	double df[2];
} xmm_t;

/* One x87 physical register. On x86 hosts `long double` is the 80-bit
 * extended format, stored as a 64-bit significand then sign and exponent;
 * MMX registers alias the significand, as on the real CPU. */
typedef union fpreg {
	long double ld;
	struct {
		uint64_t mant;
		uint16_t sexp;
	} raw;
	uint8_t bytes[16];
} fpreg_t;

struct x87 {
	fpreg_t st[8]; /* physical registers; ST(i) is st[(top + i) & 7] */
	uint16_t fcw;  /* control word */
	uint16_t fsw;  /* status word without TOP */
	uint16_t ftw; /* two bits a register: 11 empty, 00 in use (interp/x87.h) */
	uint8_t top;
	uint16_t fop;
	uint64_t fip, fdp;
};

/* A thread's TLS descriptors in the GDT (set_thread_area), as
 * the base of a segment loaded with their selectors in 32-bit mode. */
#define GDT_TLS_FIRST 12 /* as on an x86-64 kernel, which is what hexvm presents */
#define GDT_TLS_COUNT 3
struct tls_desc {
	uint32_t base, limit;
	uint8_t present, seg_32bit, limit_in_pages, contents, read_exec_only, useable;
};

struct cpu;
struct insn;
struct block;
struct block_cache;
struct mm;
struct task;

#define CPU_BRANCHES 64 /* a power of two */
/* Something standing between the guest and the world (the lockstep differ):
 * with hooks set, system call instructions call `syscall` instead of the
 * kernel, and the instructions whose results depend on the processor model
 * or its host (CPUID, RDTSC, and FXSAVE, FNSTENV, FNSAVE for the x87
 * pointers and MXCSR_MASK) call `external` once they have executed. */
struct cpu_hooks {
	void (*syscall)(struct cpu *c, int abi);
	void (*external)(struct cpu *c, const struct insn *i);
};

struct cpu {
	uint64_t r[17]; /* indexed by enum gpr; r[R_NONE] stays 0 */
	uint64_t rip;

	uint64_t cc_dst, cc_src, cc_src2;
	uint32_t cc_op;
	uint32_t eflags; /* DF, TF, AC, ID, IF always; the arithmetic flags only under CC_EFLAGS */

	/* the address window of the running process */
	uint8_t *mem;		   /* host address of guest address 0 */
	uint64_t mem_limit;	   /* guest addresses at or above this fault */
	const uint8_t *code_pages; /* nonzero for pages holding decoded instructions */

	uint64_t seg_base[SEG_COUNT];
	uint16_t seg_sel[SEG_COUNT];
	uint8_t mode64; /* long mode (x86-64) rather than 32-bit protected mode */
	struct tls_desc tls[GDT_TLS_COUNT];

	xmm_t xmm[16];
	uint32_t mxcsr;
	int mxcsr_resident; /* the host MXCSR holds the guest's (see cpu/mxcsr.h) */
	struct x87 fpu;
	uint16_t x87_host_sw; /* the host x87's exception flags (cpu/x87_host.h) */
	int x87_resident;     /* the host x87 holds the guest's (cpu/x87_resident.h) */

	uint64_t icount;       /* guest instructions retired; also the time stamp counter */
	uint64_t icount_limit; /* the run loop returns once icount reaches this */

	/* set by the kernel (signals, exit, ...) during a block-ending
	 * instruction to return from cpu_run after it; `stop` says the thread
	 * is done */
	volatile int exit_req;
	int stop;

	/* synchronous faults unwind to the block loop through this */
	sigjmp_buf fault_jmp;
	const struct insn *cur;	     /* instruction being executed, NULL between blocks */
	const struct insn *stale_at; /* first instruction of the block that was rewritten */
	uint8_t jit_stale;	     /* translated code: the running block was rewritten */
	uint8_t use_jit;	     /* run translated code where the engine allows */
	uintptr_t fault_host_pc;     /* host address of the fault being raised, if a host fault */
	uint64_t fault_host_regs[8]; /* and the host registers translated code caches guest
				      * registers in (jit_note_fault) */
	struct block *cur_block;
	/* a branch at a block's end goes straight on into the next block
	 * (interp/chain.h) while icount stays below chain_limit: at most
	 * icount_limit while the interpreter's run loop allows it and no exit
	 * is requested (interp/dispatch.c), else 0; chain_cache is that
	 * loop's block cache */
	uint64_t chain_limit;
	struct block_cache *chain_cache;
	int fault_sig, fault_code;
	int fault_is_trap; /* rip moves past the instruction (INT3, INT n) */
	uint64_t fault_addr;

	struct mm *task_mm; /* address space the window fields describe */
	struct task *task;

	/* The last block exits (the last instruction's address, and where
	 * execution went on), for fault reports, which pick the taken branches
	 * out of them; branch_count % CPU_BRANCHES is the next slot. */
	uint64_t branch_from[CPU_BRANCHES], branch_to[CPU_BRANCHES];
	uint64_t branch_count;
	const struct cpu_hooks *hooks; /* NULL: the kernel is the world */
};

/* Writes the arithmetic flags into eflags and switches to CC_EFLAGS. */
void cpu_flags_materialize(struct cpu *c);
/* Full EFLAGS as the guest sees it (PUSHF). */
uint32_t cpu_get_eflags(struct cpu *c);
/* Sets all of EFLAGS the guest may change (POPF); `mask` limits what changes. */
void cpu_set_eflags(struct cpu *c, uint32_t value, uint32_t mask);
uint32_t cpu_arith_flags(const struct cpu *c);

static inline void cc_set(struct cpu *c, uint32_t op, uint64_t dst, uint64_t src)
{
	c->cc_op = op;
	c->cc_dst = dst;
	c->cc_src = src;
}

/* Ends the current instruction with a guest fault: never returns. The
 * instruction has not retired; rip is left at its start. */
_Noreturn void cpu_fault(struct cpu *c, int sig, int code, uint64_t addr);
/* As cpu_fault, for traps: the instruction retires and rip moves past it. */
_Noreturn void cpu_trap(struct cpu *c, int sig, int code, uint64_t addr);
_Noreturn void cpu_undefined(struct cpu *c); /* #UD: SIGILL */
_Noreturn void cpu_gp(struct cpu *c);	     /* #GP: SIGSEGV, si_addr 0 */

void cpu_reset(struct cpu *c, int mode64);

#endif
