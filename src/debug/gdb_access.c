/* The memory an instruction touches, from the instruction tables' operand
 * notation (which operand is memory, and its size) plus the implicit
 * operands of string and stack instructions. Good enough for watchpoints:
 * an instruction the tables describe oddly is at worst reported too wide. */
#include "debug/gdb_access.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debug/gdb_internal.h"
#include "decode/decode.h"
#include "decode/isa.h"
#include "interp/operand.h"
#include "mem/mm.h"

#define OPERAND_MAX 16

/* Mnemonics whose memory destination is only written. */
static const char *const pure_stores[] = {"mov",    "set",    "fst",	 "fist", "fbstp", "fnst",
					  "fnsave", "fxsave", "stmxcsr", "pop",	 "movnt"};

static int is_pure_store(const char *mnemonic)
{
	for (size_t k = 0; k < sizeof pure_stores / sizeof pure_stores[0]; k++)
		if (!strncmp(mnemonic, pure_stores[k], strlen(pure_stores[k])))
			return 1;
	return 0;
}

/* The largest number in an x87 operand ("m32fp", "m14/28byte" ...) is its
 * size in bits or, with "byte", in bytes. */
static uint64_t x87_operand_bytes(const char *op)
{
	unsigned long best = 0;
	for (const char *p = op; *p; p++)
		if (*p >= '0' && *p <= '9') {
			char *end;
			unsigned long v = strtoul(p, &end, 10);
			if (v > best)
				best = v;
			p = end - 1;
		}
	return strstr(op, "byte") ? best : best / 8;
}

/* Bytes a memory operand of SDM notation covers: "Ev", "Wps", "Mq" ... */
static uint64_t operand_bytes(const char *op, const struct insn *i)
{
	static const struct {
		const char *suffix;
		unsigned bytes;
	} sizes[] = {{"b", 1},	 {"w", 2},   {"d", 4},	{"q", 8},  {"dq", 16}, {"x", 16},
		     {"ps", 16}, {"pd", 16}, {"ss", 4}, {"sd", 8}, {"pi", 8}};
	const char *sz = op + 1;
	if (op[0] == 'm')
		return x87_operand_bytes(op);
	if (!strcmp(sz, "v"))
		return 1u << i->osz;
	if (!strcmp(sz, "y"))
		return i->osz == OSZ_64 ? 8 : 4;
	if (!strcmp(sz, "z"))
		return i->osz == OSZ_16 ? 2 : 4;
	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++)
		if (!strcmp(sz, sizes[k].suffix))
			return sizes[k].bytes;
	return 1; /* "M" alone: an address with no particular size */
}

/* Operand number `pos` of the notation ("Ev,Gv") into op; 0 when there is
 * no such operand. */
static int nth_operand(const char *operands, int pos, char *op)
{
	const char *p = operands ? operands : "";
	for (; pos > 0 && *p; pos--)
		p += strcspn(p, ",") + (p[strcspn(p, ",")] == ',');
	size_t n = strcspn(p, ",");
	if (!*p || n >= OPERAND_MAX)
		return 0;
	snprintf(op, OPERAND_MAX, "%.*s", (int)n, p);
	return 1;
}

/* The position of the first operand of one of the kinds in `kinds` ("XY":
 * string operands; "MmOEWQ": memory, the last three only without a
 * register ModRM), -1 when none. */
static int find_operand(const struct isa_desc *d, const struct insn *i, const char *kinds, char *op)
{
	for (int pos = 0; nth_operand(d->operands, pos, op); pos++) {
		int reg_form = strchr("EWQ", op[0]) && i->mod == 3;
		if (strchr(kinds, op[0]) && !reg_form)
			return pos;
	}
	return -1;
}

static uint64_t mask_addr(const struct cpu *c, const struct insn *i, uint64_t a)
{
	if (i->asz == OSZ_32)
		a = (uint32_t)a;
	else if (i->asz == OSZ_16)
		a = (uint16_t)a;
	return a;
}

/* movs, cmps, stos, lods, scas: [rsi] and/or [rdi], times rcx with rep. */
static int string_accesses(const struct cpu *c, const struct insn *i, const char *mn, uint64_t elem,
			   struct mem_access *out)
{
	int src = !strncmp(mn, "movs", 4) || !strncmp(mn, "cmps", 4) || !strncmp(mn, "lods", 4);
	int dst = !strncmp(mn, "movs", 4) || !strncmp(mn, "cmps", 4) || !strncmp(mn, "stos", 4) ||
		  !strncmp(mn, "scas", 4);
	uint64_t count = i->rep ? mask_addr(c, i, c->r[R_CX]) : 1;
	int n = 0;
	if (!count)
		return 0;
	uint64_t span = count * elem, back = (c->eflags & F_DF) ? span - elem : 0;
	if (src)
		out[n++] = (struct mem_access){
			mask_addr(c, i, c->r[R_SI]) + c->seg_base[i->seg] - back, span, 1};
	if (dst)
		out[n++] = (struct mem_access){
			mask_addr(c, i, c->r[R_DI]) + c->seg_base[SEG_ES] - back, span,
			strncmp(mn, "movs", 4) && strncmp(mn, "stos", 4)};
	return n;
}

/* push, pop, call, ret, pushf, popf, pusha, popa, enter, leave. */
static int stack_access(const struct cpu *c, const struct insn *i, const char *mn,
			struct mem_access *out)
{
	uint64_t w = 1u << i->osz, sp = stack_ptr(c) + c->seg_base[SEG_SS];
	if (!strcmp(mn, "pusha") || !strcmp(mn, "popa"))
		w *= 8;
	if (!strncmp(mn, "push", 4) || !strcmp(mn, "call") || !strcmp(mn, "enter")) {
		*out = (struct mem_access){sp - w, w, 0};
		return 1;
	}
	if (!strncmp(mn, "pop", 3) || !strcmp(mn, "ret")) {
		*out = (struct mem_access){sp, w, 1};
		return 1;
	}
	if (!strcmp(mn, "leave")) {
		*out = (struct mem_access){c->r[R_BP] + c->seg_base[SEG_SS], w, 1};
		return 1;
	}
	return 0;
}

static int decode_at_rip(struct cpu *c, struct mm *mm, struct insn *i)
{
	uint8_t bytes[INSN_MAX_LEN];
	unsigned n = (unsigned)gdb_mem_read(mm, c->rip, bytes, INSN_MAX_LEN);
	return n && decode_insn(i, bytes, n, c->rip, mm->mode64) == DECODE_OK ? 0 : -1;
}

/* The ModRM or moffs memory operand. */
static int explicit_access(const struct cpu *c, const struct insn *i, const struct isa_desc *d,
			   struct mem_access *out)
{
	char op[OPERAND_MAX];
	const char *mn = d->mnemonic;
	int pos = find_operand(d, i, "MmOEWQ", op);
	if (pos < 0 || !strcmp(mn, "lea") || !strncmp(mn, "prefetch", 8) || !strcmp(mn, "nop"))
		return 0;
	uint64_t addr = op[0] == 'O' ? i->imm + c->seg_base[i->seg] : mem_ea(c, i);
	if (!c->mode64)
		addr = (uint32_t)addr;
	*out = (struct mem_access){addr, operand_bytes(op, i), pos != 0 || !is_pure_store(mn)};
	return 1;
}

int insn_accesses(struct cpu *c, struct mm *mm, struct mem_access out[ACCESS_MAX])
{
	struct insn i;
	char op[OPERAND_MAX];
	if (decode_at_rip(c, mm, &i))
		return 0;
	const struct isa_desc *d = &isa_descs[i.desc];
	int n = explicit_access(c, &i, d, out);
	if (find_operand(d, &i, "XY", op) >= 0)
		return n + string_accesses(c, &i, d->mnemonic, operand_bytes(op, &i), out + n);
	return n + stack_access(c, &i, d->mnemonic, out + n);
}
