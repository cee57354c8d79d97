/* gen_isa: turns the instruction tables (the .tbl files in src/isa) into the decoder's
 * const tables (see src/decode/isa.h) and the handlers' declarations.
 * Usage: gen_isa OUT.c OUT.h TABLE...
 *
 * A table row, whitespace separated:
 *   map opcode pfx ext mnemonic operands handler [attrs]
 * map      1 | 0f | 0f38 | 0f3a
 * opcode   hex byte, or a range lo-hi (e.g. 70-7f, 50-57)
 * pfx      . (none: 66/F2/F3 keep their usual meaning) | 66 | f3 | f2 (mandatory)
 * ext      . | m | r | /N | /Nm | /Nr | /Nr.K   (N: ModRM.reg, m/r: memory or
 *          register form, K: ModRM.rm)
 * operands SDM notation, comma separated, or - (Eb Gv Ib Jz Ov Zv Vx Wsd ...)
 * handler  C function op_<handler>
 * attrs    comma separated: lock d64 f64 i64 o64 stop spec chain fsub flogic fadd finc
 *          fdec feflags, or -
 *          (spec: spec_<handler>() picks a specialized handler at decode time;
 *          chain: chain_<handler>() picks the instance that runs the next
 *          instruction itself (for a stop row: the next block's first), or
 *          NULL: see src/interp/chain.h; fsub ... feflags: the lazy flags it always
 *          leaves, see ISA_SETS_* in src/decode/isa.h) */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/isa.h"

#define MAX_ROWS  4096
#define MAX_NODES 65536

struct row {
	int map, op_lo, op_hi, pfx, reg, mod, rm;
	char mnemonic[32], operands[64], handler[64];
	unsigned flags;
	int spec, chain, sets;
	const char *file;
	int line;
};

struct gen {
	struct row rows[MAX_ROWS];
	int nrows;
	struct isa_node nodes[MAX_NODES];
	int nnodes;
	struct isa_node root[MAP_COUNT][256][PFX_COUNT];
	unsigned char explicit_pfx[MAP_COUNT][256];
};

static void die(const struct row *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (r)
		fprintf(stderr, "%s:%d: ", r->file, r->line);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static int parse_map(const struct row *r, const char *s)
{
	static const char *const names[MAP_COUNT] = {"1", "0f", "0f38", "0f3a"};
	for (int m = 0; m < MAP_COUNT; m++)
		if (!strcmp(s, names[m]))
			return m;
	die(r, "bad map '%s'", s);
	return -1;
}

static int parse_pfx(const struct row *r, const char *s)
{
	if (!strcmp(s, "."))
		return -1;
	if (!strcmp(s, "66"))
		return PFX_66;
	if (!strcmp(s, "f3"))
		return PFX_F3;
	if (!strcmp(s, "f2"))
		return PFX_F2;
	die(r, "bad prefix '%s'", s);
	return -1;
}

static void parse_ext(struct row *r, const char *s)
{
	r->reg = r->mod = r->rm = -1;
	if (!strcmp(s, "."))
		return;
	if (*s == '/') {
		if (s[1] < '0' || s[1] > '7')
			die(r, "bad ext '%s'", s);
		r->reg = s[1] - '0';
		s += 2;
	}
	if (*s == 'm') {
		r->mod = 0;
		s++;
	} else if (*s == 'r') {
		r->mod = 1;
		s++;
		if (*s == '.') {
			if (s[1] < '0' || s[1] > '7')
				die(r, "bad rm in ext");
			r->rm = s[1] - '0';
			s += 2;
		}
	}
	if (*s)
		die(r, "bad ext suffix '%s'", s);
}

/* Operand letters that are encoded in ModRM when followed by a size suffix. */
static int is_modrm_operand(const char *op)
{
	return strchr("EGMRVWUNPQSCDH", op[0]) && islower((unsigned char)op[1]);
}

static int is_v_sized(const char *op)
{
	size_t n = strlen(op);
	return !strcmp(op, "eAX") || !strcmp(op, "rAX") ||
	       (n == 2 && isupper((unsigned char)op[0]) && strchr("vzy", op[1]));
}

static int is_byte_operand(const char *op)
{
	static const char *const byte_ops[] = {"Eb", "Gb", "Zb", "AL", "Ob", "Xb", "Yb"};
	for (size_t k = 0; k < sizeof byte_ops / sizeof byte_ops[0]; k++)
		if (!strcmp(op, byte_ops[k]))
			return 1;
	return 0;
}

static unsigned operand_flags(const struct row *r)
{
	char buf[64];
	unsigned flags = 0, imm = IMM_NONE;
	int byte = 0, vsized = 0;
	if (!strcmp(r->operands, "-"))
		return 0;
	strcpy(buf, r->operands);
	for (char *op = strtok(buf, ","); op; op = strtok(NULL, ",")) {
		if (is_modrm_operand(op))
			flags |= ISA_MODRM;
		if (!strcmp(op, "Eb"))
			flags |= ISA_BYTE_E;
		if (!strcmp(op, "Gb"))
			flags |= ISA_BYTE_G;
		if (op[0] == 'Z')
			flags |= ISA_REG_Z | (!strcmp(op, "Zb") ? ISA_BYTE_Z : 0);
		byte |= is_byte_operand(op);
		vsized |= is_v_sized(op);
		if (!strcmp(op, "Ib") || !strcmp(op, "Jb"))
			imm = imm == IMM_W ? IMM_WB : IMM_B;
		else if (!strcmp(op, "Iw"))
			imm = IMM_W;
		else if (!strcmp(op, "Iz") || !strcmp(op, "Jz"))
			imm = IMM_Z;
		else if (!strcmp(op, "Iv"))
			imm = IMM_V;
		else if (op[0] == 'O')
			imm = IMM_MOFFS;
	}
	if (byte && !vsized)
		flags |= ISA_BYTE;
	return flags | imm;
}

static unsigned attr_flags(const struct row *r, const char *s)
{
	static const struct {
		const char *name;
		unsigned flag;
	} attrs[] = {{"lock", ISA_LOCK}, {"d64", ISA_D64},   {"f64", ISA_F64}, {"i64", ISA_I64},
		     {"o64", ISA_O64},	 {"stop", ISA_STOP}, {"spec", 0},
		     {"chain", 0},	 {"fsub", 0},	     {"flogic", 0}, {"fadd", 0},
		     {"finc", 0},	 {"fdec", 0},	     {"feflags", 0}};
	char buf[128];
	unsigned flags = 0;
	if (!strcmp(s, "-"))
		return 0;
	snprintf(buf, sizeof buf, "%s", s);
	for (char *a = strtok(buf, ","); a; a = strtok(NULL, ",")) {
		size_t k;
		for (k = 0; k < sizeof attrs / sizeof attrs[0]; k++)
			if (!strcmp(a, attrs[k].name))
				break;
		if (k == sizeof attrs / sizeof attrs[0])
			die(r, "unknown attribute '%s'", a);
		flags |= attrs[k].flag;
	}
	return flags;
}

static void parse_opcode(struct row *r, const char *s)
{
	char *end;
	r->op_lo = (int)strtol(s, &end, 16);
	r->op_hi = r->op_lo;
	if (*end == '-')
		r->op_hi = (int)strtol(end + 1, &end, 16);
	if (*end || r->op_lo < 0 || r->op_hi > 255 || r->op_hi < r->op_lo)
		die(r, "bad opcode '%s'", s);
}

static void read_table(struct gen *g, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512];
	int lineno = 0;
	if (!f)
		die(NULL, "cannot open %s", path);
	while (fgets(line, sizeof line, f)) {
		char map[16], opcode[16], pfx[8], ext[16], attrs[128] = "-";
		struct row *r = &g->rows[g->nrows];
		lineno++;
		char *hash = strchr(line, '#');
		if (hash)
			*hash = 0;
		memset(r, 0, sizeof *r);
		r->file = path;
		r->line = lineno;
		int n = sscanf(line, "%15s %15s %7s %15s %31s %63s %63s %127s", map, opcode, pfx,
			       ext, r->mnemonic, r->operands, r->handler, attrs);
		if (n <= 0)
			continue;
		if (n < 7)
			die(r, "expected at least 7 columns");
		if (g->nrows == MAX_ROWS - 1)
			die(r, "too many rows");
		r->map = parse_map(r, map);
		parse_opcode(r, opcode);
		r->pfx = parse_pfx(r, pfx);
		parse_ext(r, ext);
		r->spec = strstr(attrs, "spec") != NULL;
		r->chain = strstr(attrs, "chain") != NULL;
		r->sets = strstr(attrs, "fsub")	    ? ISA_SETS_SUB
			  : strstr(attrs, "flogic") ? ISA_SETS_LOGIC
			  : strstr(attrs, "fadd")   ? ISA_SETS_ADD
			  : strstr(attrs, "finc")   ? ISA_SETS_INC
			  : strstr(attrs, "fdec")   ? ISA_SETS_DEC
			  : strstr(attrs, "feflags") ? ISA_SETS_EFLAGS
						     : ISA_SETS_OTHER;
		r->flags = operand_flags(r) | attr_flags(r, attrs);
		if (r->reg >= 0 || r->mod >= 0)
			r->flags |= ISA_MODRM;
		if (r->pfx >= 0)
			r->flags |= ISA_MANDATORY;
		g->nrows++;
	}
	fclose(f);
}

static int matches(const struct row *r, int field, int value)
{
	int have = field == 0 ? r->reg : field == 1 ? r->mod : r->rm;
	return have < 0 || have == value;
}

static int any_constrains(const int *ids, int n, const struct gen *g, int field)
{
	for (int k = 0; k < n; k++) {
		const struct row *r = &g->rows[ids[k]];
		if ((field == 0 ? r->reg : field == 1 ? r->mod : r->rm) >= 0)
			return 1;
	}
	return 0;
}

/* Builds the node for rows `ids`, splitting on ModRM fields from `field` on
 * (0 reg, 1 mod, 2 rm). */
static struct isa_node build(struct gen *g, const int *ids, int n, int field);

static struct isa_node split(struct gen *g, const int *ids, int n, int field, int ways)
{
	int first = g->nnodes;
	int sub[MAX_ROWS];
	if (g->nnodes + ways > MAX_NODES)
		die(NULL, "too many nodes");
	g->nnodes += ways;
	for (int v = 0; v < ways; v++) {
		int m = 0;
		for (int k = 0; k < n; k++)
			if (matches(&g->rows[ids[k]], field, v))
				sub[m++] = ids[k];
		g->nodes[first + v] = build(g, sub, m, field + 1);
	}
	static const unsigned short kinds[] = {NK_REG, NK_MOD, NK_RM};
	return (struct isa_node){kinds[field], (unsigned short)first};
}

static struct isa_node build(struct gen *g, const int *ids, int n, int field)
{
	static const int ways[] = {8, 2, 8};
	if (n == 0)
		return (struct isa_node){NK_INVALID, 0};
	for (; field < 3; field++)
		if (any_constrains(ids, n, g, field))
			return split(g, ids, n, field, ways[field]);
	if (n > 1)
		die(&g->rows[ids[1]], "conflicts with %s:%d", g->rows[ids[0]].file,
		    g->rows[ids[0]].line);
	return (struct isa_node){NK_LEAF, (unsigned short)ids[0]};
}

static void build_roots(struct gen *g)
{
	static int ids[MAX_ROWS];
	for (int map = 0; map < MAP_COUNT; map++)
		for (int op = 0; op < 256; op++) {
			for (int k = 0; k < g->nrows; k++) {
				const struct row *r = &g->rows[k];
				if (r->map == map && op >= r->op_lo && op <= r->op_hi &&
				    r->pfx >= 0)
					g->explicit_pfx[map][op] |= (unsigned char)(1u << r->pfx);
			}
			for (int slot = 0; slot < PFX_COUNT; slot++) {
				int own = g->explicit_pfx[map][op] >> slot & 1, n = 0;
				for (int k = 0; k < g->nrows; k++) {
					const struct row *r = &g->rows[k];
					if (r->map == map && op >= r->op_lo && op <= r->op_hi &&
					    (own ? r->pfx == slot : r->pfx < 0))
						ids[n++] = k;
				}
				g->root[map][op][slot] = build(g, ids, n, 0);
			}
		}
}

/* Rows sharing a handler share its choosers: declared once, they must agree. */
static void check_handlers(const struct gen *g)
{
	for (int k = 0; k < g->nrows; k++)
		for (int j = 0; j < k; j++)
			if (!strcmp(g->rows[j].handler, g->rows[k].handler) &&
			    (g->rows[j].spec != g->rows[k].spec ||
			     g->rows[j].chain != g->rows[k].chain))
				die(&g->rows[k], "rows of handler %s differ in spec or chain",
				    g->rows[k].handler);
}

static void emit_header(const struct gen *g)
{
	printf("/* generated by tools/gen_isa from the tables in src/isa: do not edit */\n");
	printf("#ifndef HEXVM_ISA_HANDLERS_H\n#define HEXVM_ISA_HANDLERS_H\n");
	printf("#include \"decode/insn.h\"\n\n");
	for (int k = 0; k < g->nrows; k++) {
		int seen = 0;
		for (int j = 0; j < k && !seen; j++)
			seen = !strcmp(g->rows[j].handler, g->rows[k].handler);
		if (!seen)
			printf("insn_fn op_%s;\n", g->rows[k].handler);
		if (!seen && g->rows[k].spec)
			printf("insn_fn *spec_%s(const struct insn *i);\n", g->rows[k].handler);
		if (!seen && g->rows[k].chain)
			printf("insn_fn *chain_%s(const struct insn *i);\n", g->rows[k].handler);
	}
	printf("\n#endif\n");
}

static void emit_tables(const struct gen *g)
{
	printf("/* generated by tools/gen_isa from the tables in src/isa: do not edit */\n");
	printf("#include \"decode/isa.h\"\n#include \"isa_handlers.h\"\n\n");
	printf("const struct isa_desc isa_descs[] = {\n");
	for (int k = 0; k < g->nrows; k++) {
		const struct row *r = &g->rows[k];
		char spec[80] = "0", chain[80] = "0";
		if (r->spec)
			snprintf(spec, sizeof spec, "spec_%s", r->handler);
		if (r->chain)
			snprintf(chain, sizeof chain, "chain_%s", r->handler);
		printf("\t{op_%s, %s, %s, \"%s\", \"%s\", 0x%04x, %d},\n", r->handler, spec, chain,
		       r->mnemonic, strcmp(r->operands, "-") ? r->operands : "", r->flags, r->sets);
	}
	printf("};\nconst unsigned isa_desc_count = %d;\n\n", g->nrows);
	printf("const struct isa_node isa_nodes[] = {\n");
	for (int k = 0; k < g->nnodes; k++)
		printf("\t{%u, %u},\n", g->nodes[k].kind, g->nodes[k].arg);
	if (!g->nnodes)
		printf("\t{0, 0},\n");
	printf("};\n\nconst struct isa_node isa_root[MAP_COUNT][256][PFX_COUNT] = {\n");
	for (int map = 0; map < MAP_COUNT; map++)
		for (int op = 0; op < 256; op++)
			for (int s = 0; s < PFX_COUNT; s++) {
				const struct isa_node *nd = &g->root[map][op][s];
				if (nd->kind != NK_INVALID)
					printf("\t[%d][0x%02x][%d] = {%u, %u},\n", map, op, s,
					       nd->kind, nd->arg);
			}
	printf("};\n\nconst uint8_t isa_explicit_pfx[MAP_COUNT][256] = {\n");
	for (int map = 0; map < MAP_COUNT; map++)
		for (int op = 0; op < 256; op++)
			if (g->explicit_pfx[map][op])
				printf("\t[%d][0x%02x] = 0x%x,\n", map, op,
				       g->explicit_pfx[map][op]);
	printf("};\n");
}

int main(int argc, char **argv)
{
	static struct gen g;
	if (argc < 3)
		die(NULL, "usage: gen_isa OUT.c OUT.h TABLE...");
	for (int k = 3; k < argc; k++)
		read_table(&g, argv[k]);
	check_handlers(&g);
	build_roots(&g);
	if (!freopen(argv[1], "w", stdout))
		die(NULL, "cannot write %s", argv[1]);
	emit_tables(&g);
	if (!freopen(argv[2], "w", stdout))
		die(NULL, "cannot write %s", argv[2]);
	emit_header(&g);
	return fclose(stdout) != 0;
}
