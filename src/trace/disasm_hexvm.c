/* hexvm's own disassembler: the bytes go through hexvm's decoder, and the
 * decoded struct insn is written from its table row (mnemonic, operands in
 * SDM notation) in the Intel syntax capstone uses, so that traces read the
 * same with either. It shows what hexvm made of the bytes, which is what
 * one wants when hexvm is the suspect. */
#include <stdio.h>
#include <string.h>

#include "cpu/cpu.h"
#include "decode/decode.h"
#include "decode/isa.h"
#include "trace/disasm.h"
#include "trace/tbuf.h"

struct dctx {
	const struct insn *i;
	const struct isa_desc *d;
	const uint8_t *bytes;
	int mode64;
	struct tbuf *b;
};

static const char *const gpr64[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
				      "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};
static const char *const gpr32[16] = {"eax", "ecx", "edx",  "ebx",  "esp",  "ebp",  "esi",  "edi",
				      "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d"};
static const char *const gpr16[16] = {"ax",  "cx",  "dx",   "bx",   "sp",   "bp",   "si",   "di",
				      "r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w", "r15w"};
static const char *const gpr8[16] = {"al",	"cl",  "dl",   "bl",   "spl",  "bpl",  "sil",  "dil",
				     "r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b"};
static const char *const gpr8hi[4] = {"ah", "ch", "dh", "bh"};
static const char *const cc_names[16] = {"o", "no", "b", "ae", "e", "ne", "be", "a",
					 "s", "ns", "p", "np", "l", "ge", "le", "g"};

static const char *gpr(unsigned n, unsigned bytes)
{
	n &= 15;
	return bytes == 8 ? gpr64[n] : bytes == 4 ? gpr32[n] : bytes == 2 ? gpr16[n] : gpr8[n];
}

/* Byte registers are kept as offsets into cpu.r (decode/insn.h). */
static const char *byte_reg(unsigned offset)
{
	return offset % 8 == 1 ? gpr8hi[(offset / 8) & 3] : gpr8[(offset / 8) & 15];
}

static const char *size_word(unsigned bytes)
{
	switch (bytes) {
	case 1: return "byte ptr ";
	case 2: return "word ptr ";
	case 4: return "dword ptr ";
	case 8: return "qword ptr ";
	case 10: return "xword ptr ";
	case 16: return "xmmword ptr ";
	default: return "";
	}
}

/* Operand bytes of an SDM type suffix (b w d q v z y x ps ss ...). */
static unsigned type_bytes(const struct dctx *x, const char *t)
{
	unsigned osz = 1u << x->i->osz;
	if (!strcmp(t, "b"))
		return 1;
	if (!strcmp(t, "w"))
		return 2;
	if (!strcmp(t, "d") || !strcmp(t, "ss"))
		return 4;
	if (!strcmp(t, "q") || !strcmp(t, "sd") || !strcmp(t, "pi"))
		return 8;
	if (!strcmp(t, "v"))
		return osz;
	if (!strcmp(t, "z"))
		return osz > 4 ? 4 : osz;
	if (!strcmp(t, "y"))
		return osz == 8 ? 8 : 4;
	return t[0] ? 16 : 0; /* x ps pd dq: a whole XMM register; M: none */
}

/* Bytes of an operand given by name (eAX, AL, CL ...) or by SDM letters. */
static unsigned operand_bytes(const struct dctx *x, const char *spec)
{
	if (!strcmp(spec, "eAX") || !strcmp(spec, "rAX"))
		return 1u << x->i->osz;
	if (!strcmp(spec, "AL") || !strcmp(spec, "CL"))
		return 1;
	if (!strcmp(spec, "AX"))
		return 2;
	return type_bytes(x, spec + 1);
}

static int legacy_prefix(uint8_t b)
{
	switch (b) {
	case 0x66: case 0x67: case 0xf0: case 0xf2: case 0xf3:
	case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65: return 1;
	default: return 0;
	}
}

/* Whether a memory operand without registers is RIP-relative (the decoder
 * has already made its address absolute): ModRM mod 0, rm 5, in 64-bit
 * code; the ModRM byte follows the prefixes, REX and the opcode. */
static int is_riprel(const struct dctx *x)
{
	const uint8_t *p = x->bytes;
	unsigned k = 0;
	while (k < INSN_MAX_LEN && (legacy_prefix(p[k]) || (x->mode64 && (p[k] & 0xf0) == 0x40)))
		k++;
	if (p[k] == 0x0f)
		k += p[k + 1] == 0x38 || p[k + 1] == 0x3a ? 3 : 2;
	else
		k++;
	return x->mode64 && k < INSN_MAX_LEN && (p[k] & 0xc7) == 0x05;
}

static void number(struct tbuf *b, int64_t v, int is_signed)
{
	if (is_signed && v < 0)
		tb_printf(b, -v > 9 ? "-%#llx" : "-%lld", (long long)-v);
	else
		tb_printf(b, (uint64_t)v > 9 ? "%#llx" : "%llu", (unsigned long long)v);
}

/* The segment override among the prefixes, or NULL: the decoder keeps
 * only FS and GS in 64-bit code, where the others do nothing, but capstone
 * writes them all. */
static const char *segment_prefix(const struct dctx *x)
{
	const char *seg = NULL;
	for (unsigned k = 0; k < INSN_MAX_LEN && legacy_prefix(x->bytes[k]); k++)
		switch (x->bytes[k]) {
		case 0x26: seg = "es"; break;
		case 0x2e: seg = "cs"; break;
		case 0x36: seg = "ss"; break;
		case 0x3e: seg = "ds"; break;
		case 0x64: seg = "fs"; break;
		case 0x65: seg = "gs"; break;
		default: break;
		}
	return seg;
}

static void memory(const struct dctx *x, unsigned bytes)
{
	const struct insn *i = x->i;
	unsigned asz = 1u << i->asz;
	int64_t disp = asz == 8 ? (int64_t)i->disp : asz == 4 ? (int32_t)i->disp : (int16_t)i->disp;
	int any = 0;
	const char *seg = segment_prefix(x);
	tb_puts(x->b, size_word(bytes));
	if (seg)
		tb_printf(x->b, "%s:", seg);
	tb_putc(x->b, '[');
	if (i->base == R_NONE && i->index == R_NONE && is_riprel(x)) {
		tb_puts(x->b, "rip");
		disp = (int64_t)(i->disp - (i->addr + i->len));
		any = 1;
	}
	if (i->base != R_NONE) {
		tb_puts(x->b, gpr(i->base, asz));
		any = 1;
	}
	if (i->index != R_NONE) {
		tb_printf(x->b, any ? " + %s" : "%s", gpr(i->index, asz));
		if (i->scale)
			tb_printf(x->b, "*%u", 1u << i->scale);
		any = 1;
	}
	if (!any) {
		number(x->b, (int64_t)(i->disp & (asz == 8 ? ~0ull : (1ull << (8 * asz)) - 1)), 0);
	} else if (disp) {
		tb_puts(x->b, disp < 0 ? " - " : " + ");
		number(x->b, disp < 0 ? -disp : disp, 0);
	}
	tb_putc(x->b, ']');
}

/* A string instruction's [rsi] or [rdi], by address size. */
static void string_operand(const struct dctx *x, unsigned bytes, int dest)
{
	unsigned asz = 1u << x->i->asz;
	/* the destination is always ES's; capstone writes it out in 32-bit code */
	const char *seg = dest ? (x->mode64 ? NULL : "es") : segment_prefix(x);
	tb_puts(x->b, size_word(bytes));
	if (seg)
		tb_printf(x->b, "%s:", seg);
	tb_printf(x->b, "[%s]", gpr(dest ? R_DI : R_SI, asz));
}

/* Counts and selectors (shifts, bit numbers, shuffles, and any byte
 * immediate of an MMX or SSE instruction, which has an MMX or XMM operand
 * somewhere) are unsigned bytes to capstone. */
static int unsigned_byte(const struct dctx *x)
{
	const char *m = x->d->mnemonic, *ops = x->d->operands;
	if (!strcmp(m, "shift") || !strncmp(m, "bt", 2))
		return 1;
	for (const char *op = ops; *op; op += strcspn(op, ",") + (op[strcspn(op, ",")] == ','))
		if (strchr("NPQUVW", *op))
			return 1;
	return 0;
}

/* Immediates read as capstone writes them: signed when sign-extended to a
 * wider operand (but for the bitwise and, or, xor), else unsigned at the
 * operand's size. */
static void immediate(const struct dctx *x, const char *t, unsigned op_bytes, uint64_t v)
{
	unsigned imm_bytes = t[0] == 'b' ? 1 : t[0] == 'w' ? 2 : type_bytes(x, t);
	const char *m = x->d->mnemonic;
	int bitwise = !strcmp(m, "and") || !strcmp(m, "or") || !strcmp(m, "xor");
	if (!strcmp(m, "enter")) { /* capstone reads both of ENTER's as signed */
		number(x->b, t[0] == 'w' ? (int16_t)v : (int8_t)v, 1);
		return;
	}
	if (imm_bytes == 1 && unsigned_byte(x)) {
		number(x->b, (int64_t)(v & 0xff), 0);
		return;
	}
	if (op_bytes == 0 || op_bytes > 8)
		op_bytes = imm_bytes;
	if (imm_bytes < op_bytes && !bitwise) {
		number(x->b, (int64_t)v, 1);
		return;
	}
	number(x->b, (int64_t)(op_bytes == 8 ? v : v & ((1ull << (8 * op_bytes)) - 1)), 0);
}

static void register_operand(const struct dctx *x, char method, unsigned n, unsigned bytes,
			     int byte_offset)
{
	if (method == 'V' || method == 'W' || method == 'U')
		tb_printf(x->b, "xmm%u", n & 15);
	else if (method == 'P' || method == 'Q' || method == 'N')
		tb_printf(x->b, "mm%u", n & 7);
	else if (bytes == 1 && byte_offset)
		tb_puts(x->b, byte_reg(n));
	else
		tb_puts(x->b, gpr(n, bytes));
}

/* x87 memory operands name their size in bits: m32fp m80bcd m16int ...;
 * environments and save areas (m14/28byte, m512byte) have none. */
static unsigned x87_bytes(const char *spec)
{
	if (!strcmp(spec, "m2byte"))
		return 2;
	if (strstr(spec, "byte"))
		return 0;
	return (unsigned)((spec[1] - '0') * 10 + (spec[2] - '0')) / 8;
}

static void fixed_operand(const struct dctx *x, const char *spec)
{
	const struct insn *i = x->i;
	if (!strcmp(spec, "eAX") || !strcmp(spec, "rAX"))
		tb_puts(x->b, gpr(R_AX, 1u << i->osz));
	else if (!strcmp(spec, "ST"))
		tb_puts(x->b, "st(0)");
	else if (!strcmp(spec, "STi"))
		tb_printf(x->b, "st(%u)", i->rm & 7);
	else if (!strcmp(spec, "Sw"))
		tb_puts(x->b, (const char *[]){"es", "cs", "ss", "ds", "fs", "gs", "?", "?"}[i->reg & 7]);
	else if (spec[0] == 'm')
		memory(x, x87_bytes(spec));
	else if (spec[0] >= 'A' && spec[0] <= 'Z' && (spec[1] == 'L' || spec[1] == 'X'))
		tb_printf(x->b, "%c%c", spec[0] - 'A' + 'a', spec[1] - 'A' + 'a'); /* AL CL AX */
	else
		tb_puts(x->b, spec); /* 1 */
}

/* One operand in SDM notation; op_bytes is the size of the first one, and
 * `second_imm` says an immediate is ENTER's second. */
static void operand(const struct dctx *x, const char *spec, unsigned op_bytes, int second_imm)
{
	const struct insn *i = x->i;
	const char *t = spec + 1;
	unsigned bytes = type_bytes(x, t);
	unsigned flags = x->d->flags;
	switch (spec[0]) {
	case 'E':
	case 'W':
	case 'Q':
	case 'M':
		if (i->mod != 3 || spec[0] == 'M')
			memory(x, spec[0] == 'M' && !strcmp(x->d->mnemonic, "lea") ? 0 : bytes);
		else if (strstr(x->d->operands, "Sw")) /* a segment move's register is full size */
			register_operand(x, 'E', i->rm, 1u << i->osz, 0);
		else
			register_operand(x, spec[0], i->rm, bytes, (flags & ISA_BYTE_E) != 0);
		return;
	case 'G':
	case 'V':
	case 'P':
		register_operand(x, spec[0], i->reg, bytes, (flags & ISA_BYTE_G) != 0);
		return;
	case 'U':
	case 'N':
	case 'R': register_operand(x, spec[0], i->rm, bytes, 0); return;
	case 'Z': register_operand(x, 'Z', i->reg, bytes, (flags & ISA_BYTE_Z) != 0); return;
	case 'I': immediate(x, t, op_bytes, second_imm ? i->imm2 : i->imm); return;
	case 'J': {
		uint64_t target = i->addr + i->len + i->imm;
		number(x->b, (int64_t)(x->mode64 ? target : (uint32_t)target), 0);
		return;
	}
	case 'O': /* moffs: the address is the immediate */
		tb_printf(x->b, "%s%s%s[", size_word(bytes), segment_prefix(x) ? segment_prefix(x) : "",
			  segment_prefix(x) ? ":" : "");
		number(x->b, (int64_t)(x->mode64 ? i->imm : (uint32_t)i->imm), 0);
		tb_putc(x->b, ']');
		return;
	case 'X':
	case 'Y': string_operand(x, bytes, spec[0] == 'Y'); return;
	default: fixed_operand(x, spec); return;
	}
}

static const char *alias(const char *m)
{
	static const char *const pairs[][2] = {
		{"fcom2", "fcom"},   {"fcomp3", "fcomp"}, {"fcomp5", "fcomp"}, {"fstp1", "fstp"},
		{"fstp8", "fstp"},   {"fstp9", "fstp"},	  {"fxch4", "fxch"},   {"fxch7", "fxch"},
		{"xlat", "xlatb"},   {"fwait", "wait"},	  {"shift", NULL},     {NULL, NULL}};
	for (int k = 0; pairs[k][0]; k++)
		if (!strcmp(m, pairs[k][0]))
			return pairs[k][1];
	return m;
}

static int is_string_op(const char *m)
{
	return !strncmp(m, "movs", 4) || !strncmp(m, "stos", 4) || !strncmp(m, "lods", 4) ||
	       !strncmp(m, "cmps", 4) || !strncmp(m, "scas", 4);
}

/* The dword moves whose REX.W form is named for a qword. */
static int quad_form(const char *m)
{
	return !strcmp(m, "movd") || !strcmp(m, "pextrd") || !strcmp(m, "pinsrd");
}

/* The mnemonic with what the row leaves open: condition codes, the shift
 * group's operation, string and conversion sizes, prefixes. */
static void mnemonic(const struct dctx *x, char *m, size_t size)
{
	const struct insn *i = x->i;
	const char *base = x->d->mnemonic;
	unsigned osz = 1u << i->osz;
	static const char *const shifts[8] = {"rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar"};
	static const char sfx[9] = {0, 'b', 'w', 0, 'd', 0, 0, 0, 'q'};
	size_t len = strlen(base);
	if (len > 2 && !strcmp(base + len - 2, "cc"))
		snprintf(m, size, "%.*s%s", (int)(len - 2), base, cc_names[i->opc & 15]);
	else if (!strcmp(base, "shift"))
		snprintf(m, size, "%s", shifts[i->reg & 7]);
	else if (len == 4 && is_string_op(base))
		snprintf(m, size, "%s%c", base, sfx[osz]);
	else if (!strcmp(base, "xchg") && !strcmp(x->d->operands, "Zv,rAX") && i->reg == R_AX)
		snprintf(m, size, "nop");
	else if (!strcmp(base, "cbw") || !strcmp(base, "cwd"))
		snprintf(m, size, "%s", (const char *[]){"", "", base[1] == 'b' ? "cbw" : "cwd", "",
					base[1] == 'b' ? "cwde" : "cdq", "", "", "",
					base[1] == 'b' ? "cdqe" : "cqo"}[osz]);
	else if (!strcmp(base, "pushf") || !strcmp(base, "popf") || !strcmp(base, "pusha") ||
		 !strcmp(base, "popa"))
		snprintf(m, size, "%s%s", base, osz == 8 ? "q" : osz == 4 ? (base[4] == 'a' ? "l" : "d") : "");
	else if (quad_form(base) && strchr(x->d->operands, 'y') && osz == 8)
		snprintf(m, size, "%.*sq", (int)(len - 1), base);
	else if (!strcmp(base, "jcxz"))
		snprintf(m, size, "%s", i->asz == OSZ_64 ? "jrcxz" : i->asz == OSZ_32 ? "jecxz" : "jcxz");
	else
		snprintf(m, size, "%s", alias(base));
}

static const char *rep_prefix(const struct insn *i, const char *m)
{
	if (!i->rep || !is_string_op(m))
		return "";
	if (i->rep == REP_NE)
		return "repne ";
	return !strncmp(m, "cmps", 4) || !strncmp(m, "scas", 4) ? "repe " : "rep ";
}

/* capstone leaves ST(0) unwritten in x87's "ST,STi" forms but FCMOVcc,
 * and in the popping "STi,ST" ones. */
static int implicit_st0(const char *spec, int position, const char *m)
{
	return !strcmp(spec, "ST") && ((position == 0 && strncmp(m, "fcmov", 5)) ||
				       (position > 0 && m[strlen(m) - 1] == 'p'));
}

/* Port I/O (privileged: it faults in user mode, so fault reports show it):
 * the table has one row for IN/OUT and one for INS/OUTS. */
static int port_io(const struct dctx *x)
{
	static const char *const forms[16] = {
		"insb byte ptr [%s], dx", "insd dword ptr [%s], dx", "outsb dx, byte ptr [%s]",
		"outsd dx, dword ptr [%s]", NULL, NULL, NULL, NULL,
		"in al, %s", "in eax, %s", "out %s, al", "out %s, eax",
		"in al, dx", "in eax, dx", "out dx, al", "out dx, eax"};
	const struct insn *i = x->i;
	unsigned op = i->opc, k = op >= 0xe4 ? 8 + ((op & 3) | (op >= 0xec ? 4 : 0)) : op - 0x6c;
	char port[8];
	if (strcmp(x->d->mnemonic, "in/out") && strcmp(x->d->mnemonic, "ins/outs"))
		return 0;
	snprintf(port, sizeof port, "%#x", (unsigned)(i->imm & 0xff));
	tb_puts(x->b, k < 4 && i->rep ? "rep " : "");
	tb_printf(x->b, forms[k & 15], k < 4 ? gpr(k < 2 ? R_DI : R_SI, 1u << i->asz) : port);
	return 1;
}

static void write_insn(const struct dctx *x)
{
	char m[32], spec[32];
	const char *ops = x->d->operands;
	unsigned first = 0;
	int written = 0, imms = 0;
	if (port_io(x))
		return;
	mnemonic(x, m, sizeof m);
	tb_puts(x->b, x->i->lock ? "lock " : "");
	tb_puts(x->b, rep_prefix(x->i, m));
	int movabs = !strcmp(m, "mov") && x->mode64 &&
		     ((x->i->osz == OSZ_64 && !strcmp(ops, "Zv,Iv")) || strchr(ops, 'O'));
	tb_puts(x->b, movabs ? "movabs" : m);
	if (!strcmp(ops, "-") || (!strcmp(m, "nop") && x->d->operands[0] == 'Z') ||
	    ((!strcmp(m, "aam") || !strcmp(m, "aad")) && x->i->imm == 10))
		return; /* AAM and AAD in base 10 are written without it */
	if (!strcmp(ops, "Zv,rAX"))
		ops = "rAX,Zv"; /* capstone writes the accumulator first */
	for (int k = 0; *ops; k++) {
		size_t n = strcspn(ops, ",");
		snprintf(spec, sizeof spec, "%.*s", (int)n, ops);
		ops += n + (ops[n] == ',');
		if (k == 0 && spec[0] == 'I') /* push's immediate is as wide as the stack slot */
			first = !strcmp(m, "push") ? 1u << x->i->osz : 0;
		else if (k == 0)
			first = operand_bytes(x, spec);
		if (implicit_st0(spec, k, m) && strstr(x->d->operands, "STi"))
			continue;
		tb_puts(x->b, written++ ? ", " : " ");
		operand(x, spec, first, spec[0] == 'I' && imms++);
	}
}

unsigned disasm_hexvm(const uint8_t *bytes, unsigned n, uint64_t addr, int mode64, char *out,
		      size_t size)
{
	struct insn i;
	struct tbuf b = {out, 0, size};
	uint8_t copy[INSN_MAX_LEN + 1] = {0};
	memcpy(copy, bytes, n < INSN_MAX_LEN ? n : INSN_MAX_LEN);
	tb_reset(&b);
	if (decode_insn(&i, copy, n, addr, mode64) != DECODE_OK || i.desc >= isa_desc_count) {
		tb_puts(&b, "(bad)");
		return 0;
	}
	if (n >= 4 && copy[0] == 0xf3 && copy[1] == 0x0f && copy[2] == 0x1e && (copy[3] & 0xfe) == 0xfa) {
		tb_puts(&b, copy[3] == 0xfa ? "endbr64" : "endbr32");
		return i.len;
	}
	struct dctx x = {&i, &isa_descs[i.desc], copy, mode64, &b};
	write_insn(&x);
	return i.len;
}
