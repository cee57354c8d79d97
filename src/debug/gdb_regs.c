/* gdb's register numbering for i386 and x86-64 guests, and the target
 * description that tells gdb about it. One description of each register
 * drives both the XML and the packets, so they cannot disagree. */
#include "debug/gdb_regs.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cpu/cpu.h"
#include "interp/x87.h"

enum reg_kind {
	RK_GPR,
	RK_PC,
	RK_FLAGS,
	RK_SEG,
	RK_ST,
	RK_FCTRL,
	RK_FSTAT,
	RK_FTAG,
	RK_FISEG,
	RK_FIOFF,
	RK_FOSEG,
	RK_FOOFF,
	RK_FOP,
	RK_XMM,
	RK_MXCSR,
	RK_ORIG_AX,
	RK_FS_BASE,
	RK_GS_BASE,
};

enum feature { F_CORE, F_SSE, F_LINUX, F_SEGMENTS };

struct reg_desc {
	char name[12];
	unsigned bits;
	enum reg_kind kind;
	unsigned index; /* which GPR, segment, ST(i) or XMM register */
	const char *type;
	const char *group; /* NULL: gdb's default */
	enum feature feature;
};

/* gdb's amd64 order: rax rbx rcx rdx rsi rdi rbp rsp r8..r15; i386 keeps
 * the hardware's order. */
static const uint8_t amd64_gpr[16] = {R_AX, R_BX, R_CX,	 R_DX,	R_SI,  R_DI,  R_BP,  R_SP,
				      R_R8, R_R9, R_R10, R_R11, R_R12, R_R13, R_R14, R_R15};
static const char *const amd64_gpr_names[16] = {"rax", "rbx", "rcx", "rdx", "rsi", "rdi",
						"rbp", "rsp", "r8",  "r9",  "r10", "r11",
						"r12", "r13", "r14", "r15"};
static const char *const i386_gpr_names[8] = {"eax", "ecx", "edx", "ebx",
					      "esp", "ebp", "esi", "edi"};
static const uint8_t seg_order[6] = {SEG_CS, SEG_SS, SEG_DS, SEG_ES, SEG_FS, SEG_GS};
static const char *const seg_names[6] = {"cs", "ss", "ds", "es", "fs", "gs"};
static const char *const fpu_names[8] = {"fctrl", "fstat", "ftag",  "fiseg",
					 "fioff", "foseg", "fooff", "fop"};

int gdb_reg_count(int mode64) { return mode64 ? 60 : 42; }

int gdb_reg_orig_ax(int mode64) { return mode64 ? 57 : 41; }

static void set(struct reg_desc *d, const char *name, unsigned bits, enum reg_kind kind,
		unsigned index, const char *type, const char *group, enum feature f)
{
	snprintf(d->name, sizeof d->name, "%s", name);
	d->bits = bits;
	d->kind = kind;
	d->index = index;
	d->type = type;
	d->group = group;
	d->feature = f;
}

/* The general registers, rip/eip, eflags and the segment selectors. */
static void describe_core(int mode64, int n, struct reg_desc *d)
{
	unsigned ngpr = mode64 ? 16 : 8, w = mode64 ? 64 : 32;
	if ((unsigned)n < ngpr) {
		const char *name = mode64 ? amd64_gpr_names[n] : i386_gpr_names[n];
		unsigned r = mode64 ? amd64_gpr[n] : (unsigned)n;
		set(d, name, w, RK_GPR, r,
		    r == R_SP || r == R_BP ? "data_ptr"
		    : mode64		   ? "int64"
					   : "int32",
		    NULL, F_CORE);
	} else if ((unsigned)n == ngpr) {
		set(d, mode64 ? "rip" : "eip", w, RK_PC, 0, "code_ptr", NULL, F_CORE);
	} else if ((unsigned)n == ngpr + 1) {
		set(d, "eflags", 32, RK_FLAGS, 0, "i386_eflags", NULL, F_CORE);
	} else {
		unsigned s = (unsigned)n - ngpr - 2;
		set(d, seg_names[s], 32, RK_SEG, seg_order[s], "int32", NULL, F_CORE);
	}
}

/* Fills d for register n; 0, or -1 when there is none. */
static int describe(int mode64, int n, struct reg_desc *d)
{
	int first_st = mode64 ? 24 : 16, first_xmm = first_st + 16, nxmm = mode64 ? 16 : 8;
	char name[12];
	if (n < 0 || n >= gdb_reg_count(mode64))
		return -1;
	if (n < first_st) {
		describe_core(mode64, n, d);
	} else if (n < first_st + 8) {
		snprintf(name, sizeof name, "st%d", n - first_st);
		set(d, name, 80, RK_ST, (unsigned)(n - first_st), "i387_ext", NULL, F_CORE);
	} else if (n < first_xmm) {
		unsigned k = (unsigned)(n - first_st - 8);
		set(d, fpu_names[k], 32, (enum reg_kind)(RK_FCTRL + k), 0, "int", "float", F_CORE);
	} else if (n < first_xmm + nxmm) {
		snprintf(name, sizeof name, "xmm%d", n - first_xmm);
		set(d, name, 128, RK_XMM, (unsigned)(n - first_xmm), "vec128", NULL, F_SSE);
	} else if (n == first_xmm + nxmm) {
		set(d, "mxcsr", 32, RK_MXCSR, 0, "i386_mxcsr", "vector", F_SSE);
	} else if (n == gdb_reg_orig_ax(mode64)) {
		set(d, mode64 ? "orig_rax" : "orig_eax", mode64 ? 64 : 32, RK_ORIG_AX, 0, "int",
		    "system", F_LINUX);
	} else {
		int fs = n == first_xmm + nxmm + 2;
		set(d, fs ? "fs_base" : "gs_base", 64, fs ? RK_FS_BASE : RK_GS_BASE, 0, "int", NULL,
		    F_SEGMENTS);
	}
	return 0;
}

unsigned gdb_reg_size(int mode64, int n)
{
	struct reg_desc d;
	return describe(mode64, n, &d) ? 0 : d.bits / 8;
}

static uint64_t fpu_control(struct cpu *c, enum reg_kind kind)
{
	switch (kind) {
	case RK_FCTRL: return c->fpu.fcw;
	case RK_FSTAT: return x87_fsw(c);
	case RK_FTAG: return x87_tag_word(c);
	case RK_FISEG: return x87_fcs(c);
	case RK_FIOFF: return (uint32_t)c->fpu.fip;
	case RK_FOSEG: return x87_fds(c);
	case RK_FOOFF: return (uint32_t)c->fpu.fdp;
	default: return c->fpu.fop & FOP_MASK;
	}
}

static uint64_t scalar_value(struct cpu *c, const struct reg_desc *d)
{
	switch (d->kind) {
	case RK_GPR: return c->r[d->index];
	case RK_PC: return c->rip;
	case RK_FLAGS: return cpu_get_eflags(c);
	case RK_SEG: return c->seg_sel[d->index];
	case RK_MXCSR: return c->mxcsr;
	case RK_ORIG_AX: return ~0ull; /* no system call to restart: gdb may move the pc */
	case RK_FS_BASE: return c->seg_base[SEG_FS];
	case RK_GS_BASE: return c->seg_base[SEG_GS];
	default: return fpu_control(c, d->kind);
	}
}

unsigned gdb_reg_read(struct cpu *c, int mode64, int n, uint8_t *out)
{
	struct reg_desc d;
	if (describe(mode64, n, &d))
		return 0;
	unsigned size = d.bits / 8;
	if (d.kind == RK_ST) {
		memcpy(out, x87_st(c, d.index)->bytes, size);
	} else if (d.kind == RK_XMM) {
		memcpy(out, c->xmm[d.index].b, size);
	} else {
		uint64_t v = scalar_value(c, &d);
		memcpy(out, &v, size);
	}
	return size;
}

static void write_fpu_control(struct cpu *c, enum reg_kind kind, uint32_t v)
{
	switch (kind) {
	case RK_FCTRL: c->fpu.fcw = (uint16_t)((v & FCW_WRITABLE) | FCW_FIXED); break;
	case RK_FSTAT: x87_load_fsw(c, (uint16_t)v); break;
	case RK_FTAG: x87_load_tag_word(c, (uint16_t)v); break;
	case RK_FIOFF: c->fpu.fip = v; break;
	case RK_FOOFF: c->fpu.fdp = v; break;
	case RK_FOP: c->fpu.fop = (uint16_t)((c->fpu.fop & ~FOP_MASK) | (v & FOP_MASK)); break;
	default: break; /* the selectors follow the segment registers */
	}
}

int gdb_reg_write(struct cpu *c, int mode64, int n, const uint8_t *in)
{
	struct reg_desc d;
	uint64_t v = 0;
	if (describe(mode64, n, &d))
		return -1;
	if (d.kind == RK_ST) {
		fpreg_t r = *x87_st(c, d.index);
		memcpy(r.bytes, in, 10);
		x87_write(c, d.index, &r);
		return 0;
	}
	if (d.kind == RK_XMM) {
		memcpy(c->xmm[d.index].b, in, 16);
		return 0;
	}
	memcpy(&v, in, d.bits / 8);
	switch (d.kind) {
	case RK_GPR: c->r[d.index] = v; break;
	case RK_PC: c->rip = v; break;
	case RK_FLAGS: cpu_set_eflags(c, (uint32_t)v, F_ARITH | F_TF | F_DF | F_AC | F_ID); break;
	case RK_MXCSR: c->mxcsr = (uint32_t)v & 0xffff; break;
	case RK_FS_BASE: c->seg_base[SEG_FS] = v; break;
	case RK_GS_BASE: c->seg_base[SEG_GS] = v; break;
	case RK_SEG:
	case RK_ORIG_AX: break;
	default: write_fpu_control(c, d.kind, (uint32_t)v); break;
	}
	return 0;
}

/* Target description: the features' types, then one <reg> per register. */
struct xml {
	char *buf;
	size_t size, len;
};

static void put(struct xml *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct xml *x, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(x->len < x->size ? x->buf + x->len : NULL,
			  x->len < x->size ? x->size - x->len : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		x->len += (size_t)n;
}

static void eflags_type(struct xml *x)
{
	static const struct {
		const char *name;
		int bit;
	} f[] = {{"CF", 0},  {"", 1},	 {"PF", 2},   {"AF", 4},   {"ZF", 6},  {"SF", 7},
		 {"TF", 8},  {"IF", 9},	 {"DF", 10},  {"OF", 11},  {"NT", 14}, {"RF", 16},
		 {"VM", 17}, {"AC", 18}, {"VIF", 19}, {"VIP", 20}, {"ID", 21}};
	put(x, "<flags id=\"i386_eflags\" size=\"4\">\n");
	for (size_t k = 0; k < sizeof f / sizeof f[0]; k++)
		put(x, "<field name=\"%s\" start=\"%d\" end=\"%d\"/>\n", f[k].name, f[k].bit,
		    f[k].bit);
	put(x, "</flags>\n");
}

static void sse_types(struct xml *x)
{
	static const char *const mxcsr[] = {"IE", "DE", "ZE", "OE", "UE", "PE", "DAZ",
					    "IM", "DM", "ZM", "OM", "UM", "PM", "FZ"};
	put(x,
	    "<vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>\n"
	    "<vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>\n"
	    "<vector id=\"v16i8\" type=\"int8\" count=\"16\"/>\n"
	    "<vector id=\"v8i16\" type=\"int16\" count=\"8\"/>\n"
	    "<vector id=\"v4i32\" type=\"int32\" count=\"4\"/>\n"
	    "<vector id=\"v2i64\" type=\"int64\" count=\"2\"/>\n"
	    "<union id=\"vec128\">\n"
	    "<field name=\"v4_float\" type=\"v4f\"/>\n<field name=\"v2_double\" type=\"v2d\"/>\n"
	    "<field name=\"v16_int8\" type=\"v16i8\"/>\n<field name=\"v8_int16\" type=\"v8i16\"/>\n"
	    "<field name=\"v4_int32\" type=\"v4i32\"/>\n<field name=\"v2_int64\" type=\"v2i64\"/>\n"
	    "<field name=\"uint128\" type=\"uint128\"/>\n"
	    "</union>\n<flags id=\"i386_mxcsr\" size=\"4\">\n");
	for (int k = 0; k < 14; k++)
		put(x, "<field name=\"%s\" start=\"%d\" end=\"%d\"/>\n", mxcsr[k], k == 13 ? 15 : k,
		    k == 13 ? 15 : k);
	put(x, "</flags>\n");
}

static void open_feature(struct xml *x, enum feature f)
{
	static const char *const names[] = {"core", "sse", "linux", "segments"};
	put(x, "<feature name=\"org.gnu.gdb.i386.%s\">\n", names[f]);
	if (f == F_CORE)
		eflags_type(x);
	else if (f == F_SSE)
		sse_types(x);
}

size_t gdb_target_xml(int mode64, char *buf, size_t size)
{
	struct xml x = {buf, size, 0};
	struct reg_desc d;
	int open = -1;
	put(&x,
	    "<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
	    "<target version=\"1.0\">\n<architecture>%s</architecture>\n"
	    "<osabi>GNU/Linux</osabi>\n",
	    mode64 ? "i386:x86-64" : "i386");
	for (int n = 0; !describe(mode64, n, &d); n++) {
		if ((int)d.feature != open) {
			if (open >= 0)
				put(&x, "</feature>\n");
			open_feature(&x, d.feature);
			open = (int)d.feature;
		}
		put(&x, "<reg name=\"%s\" bitsize=\"%u\" type=\"%s\" regnum=\"%d\"%s%s%s/>\n",
		    d.name, d.bits, d.type, n, d.group ? " group=\"" : "", d.group ? d.group : "",
		    d.group ? "\"" : "");
	}
	put(&x, "</feature>\n</target>\n");
	return x.len;
}
