/* Register names and values, for fault reports and instruction traces. */
#include "trace/regs.h"

#include <string.h>

static const char *const names64[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
					"r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};
static const char *const names32[8] = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};
/* the order people read them in */
static const uint8_t dump_order[16] = {R_AX, R_BX, R_CX, R_DX, R_SI, R_DI, R_BP, R_SP,
				       R_R8, R_R9, R_R10, R_R11, R_R12, R_R13, R_R14, R_R15};

uint32_t regs_eflags(const struct cpu *c)
{
	return (c->eflags & ~F_ARITH) | cpu_arith_flags(c) | 0x2;
}

void regs_snap(struct reg_snap *s, const struct cpu *c)
{
	memcpy(s->r, c->r, sizeof s->r);
	s->eflags = regs_eflags(c);
	s->fs_base = c->seg_base[SEG_FS];
	s->gs_base = c->seg_base[SEG_GS];
	memcpy(s->xmm, c->xmm, sizeof s->xmm);
	s->mxcsr = c->mxcsr;
	memcpy(s->st, c->fpu.st, sizeof s->st);
	s->fsw = c->fpu.fsw;
	s->fcw = c->fpu.fcw;
	s->top = c->fpu.top;
}

static void diff_x87(struct tbuf *b, const struct reg_snap *x, const struct reg_snap *y)
{
	for (int k = 0; k < 8; k++) {
		const fpreg_t *p = &y->st[(y->top + k) & 7], *q = &x->st[(x->top + k) & 7];
		if (x->top != y->top || memcmp(&p->raw, &q->raw, 10))
			tb_printf(b, " st%d=%Lg", k, p->ld);
	}
	if (x->fsw != y->fsw || x->top != y->top)
		tb_printf(b, " fsw=%#x", (unsigned)(y->fsw | (y->top & 7) << 11));
	if (x->fcw != y->fcw)
		tb_printf(b, " fcw=%#x", y->fcw);
}

void regs_diff(struct tbuf *b, const struct reg_snap *x, const struct reg_snap *y, int mode64)
{
	for (int k = 0; k < (mode64 ? 16 : 8); k++)
		if (x->r[k] != y->r[k])
			tb_printf(b, " %s=%#llx", mode64 ? names64[k] : names32[k],
				  (unsigned long long)(mode64 ? y->r[k] : (uint32_t)y->r[k]));
	if (x->eflags != y->eflags)
		tb_printf(b, " eflags=%#x", y->eflags);
	if (x->fs_base != y->fs_base)
		tb_printf(b, " fs_base=%#llx", (unsigned long long)y->fs_base);
	if (x->gs_base != y->gs_base)
		tb_printf(b, " gs_base=%#llx", (unsigned long long)y->gs_base);
	for (int k = 0; k < 16; k++)
		if (memcmp(&x->xmm[k], &y->xmm[k], 16))
			tb_printf(b, " xmm%d=%016llx%016llx", k, (unsigned long long)y->xmm[k].q[1],
				  (unsigned long long)y->xmm[k].q[0]);
	if (x->mxcsr != y->mxcsr)
		tb_printf(b, " mxcsr=%#x", y->mxcsr);
	diff_x87(b, x, y);
}

static void flag_names(FILE *out, uint32_t f)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} names[] = {{F_CF, "CF"}, {F_PF, "PF"}, {F_AF, "AF"}, {F_ZF, "ZF"}, {F_SF, "SF"},
		     {F_TF, "TF"}, {F_IF, "IF"}, {F_DF, "DF"}, {F_OF, "OF"}, {F_AC, "AC"},
		     {F_ID, "ID"}};
	const char *sep = "";
	fputc('[', out);
	for (unsigned k = 0; k < sizeof names / sizeof names[0]; k++)
		if (f & names[k].bit) {
			fprintf(out, "%s%s", sep, names[k].name);
			sep = " ";
		}
	fputc(']', out);
}

void regs_dump(FILE *out, const struct cpu *c, const char *indent)
{
	int n = c->mode64 ? 16 : 8;
	for (int k = 0; k < n; k++) {
		int r = dump_order[k];
		if (c->mode64)
			fprintf(out, "%s%-3s %016llx", k % 4 ? "  " : indent, names64[r],
				(unsigned long long)c->r[r]);
		else
			fprintf(out, "%s%s %08x", k % 4 ? "  " : indent, names32[r], (uint32_t)c->r[r]);
		if (k % 4 == 3)
			fputc('\n', out);
	}
	uint32_t f = regs_eflags(c);
	fprintf(out, c->mode64 ? "%srip %016llx  eflags %08x " : "%seip %08llx  eflags %08x ", indent,
		(unsigned long long)c->rip, f);
	flag_names(out, f);
	fprintf(out, "\n%sfs_base %#llx  gs_base %#llx  cs %#x ss %#x ds %#x es %#x fs %#x gs %#x\n",
		indent, (unsigned long long)c->seg_base[SEG_FS],
		(unsigned long long)c->seg_base[SEG_GS], c->seg_sel[SEG_CS], c->seg_sel[SEG_SS],
		c->seg_sel[SEG_DS], c->seg_sel[SEG_ES], c->seg_sel[SEG_FS], c->seg_sel[SEG_GS]);
}
