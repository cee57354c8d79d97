/* The register states of both sides in one shape, hexvm taking the native's,
 * and their comparison with the flags an instruction leaves undefined. */
#if defined(__linux__) && defined(__x86_64__) /* else lockstep.c says it is not available */
#include <asm/ldt.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>

#include "debug/lockstep_int.h"
#include "decode/isa.h"
#include "interp/x87.h"

/* Flags compared: the six arithmetic ones, DF, AC and ID (TF and RF belong to
 * the tracer, IF is always set). */
#define FLAGS_COMPARED (F_ARITH | F_DF | F_AC | F_ID)

#define FX_FCW	 0
#define FX_FSW	 2
#define FX_FTW	 4
#define FX_MXCSR 24
#define FX_ST	 32
#define FX_XMM	 160

int ls_state_native(struct lockstep *ls, struct ls_state *s)
{
	struct user_regs_struct r;
	struct user_fpregs_struct f;
	if (ls_native_regs(ls, &r) || ls_native_fpregs(ls, &f))
		return -1;
	const uint64_t gpr[16] = {r.rax, r.rcx, r.rdx, r.rbx, r.rsp, r.rbp, r.rsi, r.rdi,
				  r.r8,	 r.r9,	r.r10, r.r11, r.r12, r.r13, r.r14, r.r15};
	memset(s, 0, sizeof *s);
	memcpy(s->r, gpr, sizeof s->r);
	s->rip = r.rip;
	s->flags = r.eflags;
	s->fs_base = r.fs_base;
	s->gs_base = r.gs_base;
	const uint16_t sel[SEG_COUNT] = {(uint16_t)r.es, (uint16_t)r.cs, (uint16_t)r.ss,
					 (uint16_t)r.ds, (uint16_t)r.fs, (uint16_t)r.gs};
	memcpy(s->sel, sel, sizeof s->sel);
	memcpy(s->fx, &f, sizeof s->fx);
	return 0;
}

void ls_state_hexvm(struct lockstep *ls, struct ls_state *s)
{
	struct cpu *c = &ls->cur->cpu;
	memset(s, 0, sizeof *s);
	for (int k = 0; k < 16; k++)
		s->r[k] = ls->mode64 ? c->r[k] : (uint32_t)c->r[k];
	s->rip = c->rip;
	s->flags = cpu_get_eflags(c);
	s->fs_base = c->seg_base[SEG_FS];
	s->gs_base = c->seg_base[SEG_GS];
	memcpy(s->sel, c->seg_sel, sizeof s->sel);
	x87_fxsave_image(c, s->fx, 1);
}

/* i386: the TLS descriptors set_thread_area installed, which a later load
 * of %gs or %fs in hexvm needs. */
static void take_tls(struct lockstep *ls)
{
	for (int k = 0; k < GDT_TLS_COUNT; k++) {
		struct user_desc u;
		struct tls_desc *d = &ls->cur->cpu.tls[k];
		memset(&u, 0, sizeof u);
		if (ptrace(PTRACE_GET_THREAD_AREA, ls->cur->tid, (void *)(long)(GDT_TLS_FIRST + k), &u))
			continue;
		d->base = u.base_addr;
		d->limit = u.limit;
		d->seg_32bit = (uint8_t)u.seg_32bit;
		d->contents = (uint8_t)u.contents;
		d->read_exec_only = (uint8_t)u.read_exec_only;
		d->limit_in_pages = (uint8_t)u.limit_in_pages;
		d->useable = (uint8_t)u.useable;
		d->present = !u.seg_not_present;
	}
}

int ls_take_native_regs(struct lockstep *ls)
{
	struct ls_state n;
	struct cpu *c = &ls->cur->cpu;
	if (ls_state_native(ls, &n))
		return -1;
	for (int k = 0; k < 16; k++)
		c->r[k] = ls->mode64 ? n.r[k] : (uint32_t)n.r[k];
	c->rip = n.rip;
	cpu_flags_materialize(c);
	cpu_set_eflags(c, (uint32_t)n.flags, FLAGS_COMPARED);
	c->seg_base[SEG_FS] = n.fs_base;
	c->seg_base[SEG_GS] = n.gs_base;
	if (!ls->mode64) {
		memcpy(c->seg_sel, n.sel, sizeof c->seg_sel);
		take_tls(ls);
	}
	x87_fxrstor_image(c, n.fx, 1);
	return 0;
}

/* Shift and rotate counts as the instruction masks them. */
static unsigned shift_count(const struct insn *in, uint64_t rcx)
{
	unsigned mask = in->osz == OSZ_64 ? 63 : 31;
	switch (in->opc) {
	case 0xd0: case 0xd1: return 1;
	case 0xd2: case 0xd3: case 0xa5: case 0xad: return (unsigned)rcx & mask;
	default: return (unsigned)in->imm & mask;
	}
}

/* The SDM's undefined flags of the group-2 shifts and rotates. */
static uint32_t shift_undefined(const struct insn *in, unsigned count)
{
	unsigned width = 8u << in->osz, op = in->reg & 7;
	if (count == 0)
		return 0;
	uint32_t u = count != 1 ? F_OF : 0;
	if (op < 4)
		return u; /* rotates: only OF, and only beyond one bit */
	u |= F_AF;
	if (count >= width)
		u |= F_CF;
	return u;
}

uint32_t ls_undefined_flags(const struct ls_peek *p, uint64_t rcx)
{
	static const struct {
		const char *mnemonic;
		uint32_t undefined;
	} fixed[] = {
		{"mul", F_SF | F_ZF | F_AF | F_PF},	{"imul", F_SF | F_ZF | F_AF | F_PF},
		{"div", F_ARITH},			{"idiv", F_ARITH},
		{"bsf", F_CF | F_OF | F_SF | F_AF | F_PF}, {"bsr", F_CF | F_OF | F_SF | F_AF | F_PF},
		{"bt", F_OF | F_SF | F_ZF | F_AF | F_PF},  {"bts", F_OF | F_SF | F_ZF | F_AF | F_PF},
		{"btr", F_OF | F_SF | F_ZF | F_AF | F_PF}, {"btc", F_OF | F_SF | F_ZF | F_AF | F_PF},
		{"and", F_AF},				{"or", F_AF},
		{"xor", F_AF},				{"test", F_AF},
		{"aaa", F_OF | F_SF | F_ZF | F_PF},	{"aas", F_OF | F_SF | F_ZF | F_PF},
		{"aam", F_OF | F_AF | F_CF},		{"aad", F_OF | F_AF | F_CF},
		{"daa", F_OF},				{"das", F_OF},
		{"tzcnt", F_OF | F_SF | F_AF | F_PF},	{"lzcnt", F_OF | F_SF | F_AF | F_PF},
	};
	if (!p->ok)
		return 0;
	const char *m = isa_descs[p->in.desc].mnemonic;
	if (!strcmp(m, "shift"))
		return shift_undefined(&p->in, shift_count(&p->in, rcx));
	if (!strcmp(m, "shld") || !strcmp(m, "shrd")) {
		unsigned count = shift_count(&p->in, rcx);
		return !count ? 0 : count > (8u << p->in.osz) ? F_ARITH : F_AF | (count != 1 ? F_OF : 0);
	}
	for (size_t k = 0; k < sizeof fixed / sizeof fixed[0]; k++)
		if (!strcmp(m, fixed[k].mnemonic))
			return fixed[k].undefined;
	return 0;
}

static const char *const gpr_names[2][16] = {
	{"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"},
	{"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12",
	 "r13", "r14", "r15"},
};

/* The x87 registers in stack order; empty ones hold stale bytes that are
 * nobody's business. */
static int x87_differs(const uint8_t *n, const uint8_t *h, char *what, size_t size)
{
	uint16_t fsw;
	if (memcmp(n + FX_FCW, h + FX_FCW, 2))
		return snprintf(what, size, "x87 control word"), 1;
	if (memcmp(n + FX_FSW, h + FX_FSW, 2))
		return snprintf(what, size, "x87 status word"), 1;
	if (n[FX_FTW] != h[FX_FTW])
		return snprintf(what, size, "x87 tag word"), 1;
	memcpy(&fsw, n + FX_FSW, 2);
	unsigned top = (fsw >> 11) & 7;
	for (unsigned k = 0; k < 8; k++)
		if ((n[FX_FTW] >> ((top + k) & 7) & 1) &&
		    memcmp(n + FX_ST + 16 * k, h + FX_ST + 16 * k, 10))
			return snprintf(what, size, "st(%u)", k), 1;
	return 0;
}

static int sse_differs(int mode64, const uint8_t *n, const uint8_t *h, char *what, size_t size)
{
	if (memcmp(n + FX_MXCSR, h + FX_MXCSR, 4))
		return snprintf(what, size, "mxcsr"), 1;
	for (int k = 0; k < (mode64 ? 16 : 8); k++)
		if (memcmp(n + FX_XMM + 16 * k, h + FX_XMM + 16 * k, 16))
			return snprintf(what, size, "xmm%d", k), 1;
	return 0;
}

int ls_state_differs(const struct lockstep *ls, const struct ls_state *n,
		     const struct ls_state *h, uint32_t flag_ignore, char *what, size_t size)
{
	uint64_t mask = ls->mode64 ? ~0ull : 0xffffffffull;
	if ((n->rip & mask) != (h->rip & mask))
		return snprintf(what, size, "%s", ls->mode64 ? "rip" : "eip"), 1;
	for (int k = 0; k < (ls->mode64 ? 16 : 8); k++)
		if ((n->r[k] & mask) != (h->r[k] & mask))
			return snprintf(what, size, "%s", gpr_names[ls->mode64][k]), 1;
	uint32_t f = (uint32_t)(n->flags ^ h->flags) & FLAGS_COMPARED & ~flag_ignore;
	if (f)
		return snprintf(what, size, "flags (%#x)", f), 1;
	if (n->fs_base != h->fs_base || n->gs_base != h->gs_base)
		return snprintf(what, size, "%s base", n->fs_base != h->fs_base ? "fs" : "gs"), 1;
	if (n->sel[SEG_FS] != h->sel[SEG_FS] || n->sel[SEG_GS] != h->sel[SEG_GS])
		return snprintf(what, size, "%s selector",
				n->sel[SEG_FS] != h->sel[SEG_FS] ? "fs" : "gs"), 1;
	return sse_differs(ls->mode64, n->fx, h->fx, what, size) ||
	       x87_differs(n->fx, h->fx, what, size);
}

#endif
