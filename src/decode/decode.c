/* x86 / x86-64 decoder: prefixes, opcode maps, ModRM/SIB/displacement and
 * immediates, driven by the generated tables (decode/isa.h). */
#include "decode/decode.h"

#include <string.h>

#include "cpu/cpu.h"
#include "decode/isa.h"
#include "interp/operand.h"

/* Byte reader that remembers when it ran past what may be fetched: the
 * readable bytes, and never more than INSN_MAX_LEN of them (lim). */
struct cursor {
	const uint8_t *p;
	unsigned pos, lim;
	int short_fetch;
};

static uint8_t next_byte(struct cursor *cur)
{
	if (cur->pos >= cur->lim) {
		cur->short_fetch = 1;
		cur->pos++;
		return 0;
	}
	return cur->p[cur->pos++];
}

/* A little-endian field of 2, 4 or 8 bytes: one load where all of it may
 * be read, as almost always. */
static uint64_t next_le(struct cursor *cur, unsigned bytes)
{
	uint64_t v = 0;
	if (cur->pos + bytes <= cur->lim) {
		const uint8_t *at = cur->p + cur->pos;
		uint16_t v16;
		uint32_t v32;
		cur->pos += bytes;
		if (bytes == 2) {
			memcpy(&v16, at, 2);
			return v16;
		}
		if (bytes == 4) {
			memcpy(&v32, at, 4);
			return v32;
		}
		memcpy(&v, at, 8);
		return v;
	}
	for (unsigned k = 0; k < bytes; k++)
		v |= (uint64_t)next_byte(cur) << (8 * k);
	return v;
}

struct prefixes {
	int opsize, addrsize, lock, rep, seg;
	unsigned rex; /* 0, or 0x40..0x4f */
};

/* Which bytes may start an instruction as a prefix: most opcodes are
 * none, and one table load tells so without a chain of compares. */
enum { PB_NONE, PB_LEGACY, PB_REX };
static const uint8_t prefix_byte[2][256] = {
	[0] = {[0x66] = PB_LEGACY, [0x67] = PB_LEGACY, [0xf0] = PB_LEGACY, [0xf2] = PB_LEGACY,
	       [0xf3] = PB_LEGACY, [0x26] = PB_LEGACY, [0x2e] = PB_LEGACY, [0x36] = PB_LEGACY,
	       [0x3e] = PB_LEGACY, [0x64] = PB_LEGACY, [0x65] = PB_LEGACY},
	[1] = {[0x66] = PB_LEGACY, [0x67] = PB_LEGACY, [0xf0] = PB_LEGACY, [0xf2] = PB_LEGACY,
	       [0xf3] = PB_LEGACY, [0x26] = PB_LEGACY, [0x2e] = PB_LEGACY, [0x36] = PB_LEGACY,
	       [0x3e] = PB_LEGACY, [0x64] = PB_LEGACY, [0x65] = PB_LEGACY, [0x40] = PB_REX,
	       [0x41] = PB_REX,	   [0x42] = PB_REX,    [0x43] = PB_REX,	   [0x44] = PB_REX,
	       [0x45] = PB_REX,	   [0x46] = PB_REX,    [0x47] = PB_REX,	   [0x48] = PB_REX,
	       [0x49] = PB_REX,	   [0x4a] = PB_REX,    [0x4b] = PB_REX,	   [0x4c] = PB_REX,
	       [0x4d] = PB_REX,	   [0x4e] = PB_REX,    [0x4f] = PB_REX},
};

/* Applies the legacy prefix byte b. */
static void apply_legacy_prefix(struct prefixes *px, uint8_t b)
{
	switch (b) {
	case 0x66: px->opsize = 1; break;
	case 0x67: px->addrsize = 1; break;
	case 0xf0: px->lock = 1; break;
	case 0xf2: px->rep = REP_NE; break;
	case 0xf3: px->rep = REP_E; break;
	case 0x26: px->seg = SEG_ES; break;
	case 0x2e: px->seg = SEG_CS; break;
	case 0x36: px->seg = SEG_SS; break;
	case 0x3e: px->seg = SEG_DS; break;
	case 0x64: px->seg = SEG_FS; break;
	default: px->seg = SEG_GS; break; /* 0x65 */
	}
}

static void read_prefixes(struct cursor *cur, struct prefixes *px, int mode64)
{
	memset(px, 0, sizeof *px);
	px->seg = -1;
	const uint8_t *kinds = prefix_byte[mode64 != 0];
	while (cur->pos < cur->lim) {
		uint8_t b = cur->p[cur->pos];
		unsigned kind = kinds[b];
		if (kind == PB_NONE)
			return;
		if (kind == PB_REX) {
			px->rex = b; /* only the last REX before the opcode counts */
		} else {
			apply_legacy_prefix(px, b);
			px->rex = 0; /* a REX followed by a legacy prefix is ignored */
		}
		cur->pos++;
	}
}

static int read_opcode(struct cursor *cur, unsigned *map)
{
	uint8_t b = next_byte(cur);
	*map = MAP_1B;
	if (b != 0x0f)
		return b;
	b = next_byte(cur);
	*map = MAP_0F;
	if (b == 0x38 || b == 0x3a) {
		*map = b == 0x38 ? MAP_0F38 : MAP_0F3A;
		b = next_byte(cur);
	}
	return b;
}

/* Picks the table slot: a 66/F2/F3 prefix that the opcode defines rows for
 * becomes part of the opcode; otherwise prefixes keep their usual meaning. */
static int select_slot(const struct prefixes *px, unsigned map, unsigned op)
{
	unsigned explicit = isa_explicit_pfx[map][op];
	if (px->rep == REP_E && (explicit & (1u << PFX_F3)))
		return PFX_F3;
	if (px->rep == REP_NE && (explicit & (1u << PFX_F2)))
		return PFX_F2;
	if (px->opsize && (explicit & (1u << PFX_66)))
		return PFX_66;
	return PFX_NONE;
}

static void decode_modrm16(struct insn *in, struct cursor *cur, uint8_t modrm)
{
	static const uint8_t base16[8] = {R_BX, R_BX, R_BP, R_BP, R_SI, R_DI, R_BP, R_BX};
	static const uint8_t index16[8] = {R_SI, R_DI, R_SI, R_DI, R_NONE, R_NONE, R_NONE, R_NONE};
	unsigned mod = modrm >> 6, rm = modrm & 7;
	in->base = base16[rm];
	in->index = index16[rm];
	in->scale = 0;
	if (mod == 0 && rm == 6) {
		in->base = R_NONE;
		in->disp = (uint16_t)next_le(cur, 2);
	} else if (mod == 1) {
		in->disp = (uint64_t)(int64_t)(int8_t)next_byte(cur);
	} else if (mod == 2) {
		in->disp = (uint64_t)(int64_t)(int16_t)next_le(cur, 2);
	}
}

/* Returns 1 when the operand is RIP-relative (disp needs the length added). */
static int decode_modrm32(struct insn *in, struct cursor *cur, uint8_t modrm, unsigned rex,
			  int mode64)
{
	unsigned mod = modrm >> 6, rm = modrm & 7;
	int riprel = 0;
	in->index = R_NONE;
	in->scale = 0;
	if (rm == 4) {
		uint8_t sib = next_byte(cur);
		unsigned index = ((sib >> 3) & 7) | ((rex & 2) << 2);
		in->scale = sib >> 6;
		in->index = index == R_SP ? R_NONE : (uint8_t)index;
		in->base = (uint8_t)((sib & 7) | ((rex & 1) << 3));
		if ((sib & 7) == 5 && mod == 0) {
			in->base = R_NONE;
			mod = 2; /* disp32 follows */
		}
	} else if (rm == 5 && mod == 0) {
		in->base = R_NONE;
		riprel = mode64;
		mod = 2;
	} else {
		in->base = (uint8_t)(rm | ((rex & 1) << 3));
	}
	if (mod == 1)
		in->disp = (uint64_t)(int64_t)(int8_t)next_byte(cur);
	else if (mod == 2)
		in->disp = (uint64_t)(int64_t)(int32_t)next_le(cur, 4);
	return riprel;
}

static unsigned operand_size(unsigned flags, const struct prefixes *px, int opsize66, int mode64)
{
	if (flags & ISA_BYTE)
		return OSZ_8;
	if (mode64) {
		if ((px->rex & 8) || (flags & ISA_F64))
			return OSZ_64;
		if (flags & ISA_D64)
			return opsize66 ? OSZ_16 : OSZ_64;
	}
	return opsize66 ? OSZ_16 : OSZ_32;
}

static uint64_t read_immediate(struct cursor *cur, unsigned kind, struct insn *in)
{
	if (kind == IMM_WB) {
		uint64_t w = next_le(cur, 2);
		in->imm2 = next_byte(cur);
		return w;
	}
	switch (kind) {
	case IMM_B: return (uint64_t)(int64_t)(int8_t)next_byte(cur);
	case IMM_W: return (uint16_t)next_le(cur, 2);
	case IMM_Z:
		if (in->osz == OSZ_16)
			return (uint64_t)(int64_t)(int16_t)next_le(cur, 2);
		return (uint64_t)(int64_t)(int32_t)next_le(cur, 4);
	case IMM_V:
		if (in->osz == OSZ_16)
			return (uint16_t)next_le(cur, 2);
		if (in->osz == OSZ_64)
			return next_le(cur, 8);
		return (uint32_t)next_le(cur, 4);
	case IMM_MOFFS: return next_le(cur, 2u << (in->asz - 1));
	default: return 0;
	}
}

/* Walks the decode tree below `node` using the ModRM byte. */
static struct isa_node walk_tree(struct isa_node node, uint8_t modrm)
{
	while (node.kind != NK_LEAF && node.kind != NK_INVALID) {
		unsigned pick;
		switch (node.kind) {
		case NK_REG: pick = (modrm >> 3) & 7; break;
		case NK_MOD: pick = (modrm >> 6) == 3; break;
		default: pick = modrm & 7; break;
		}
		node = isa_nodes[node.arg + pick];
	}
	return node;
}

static void fill_registers(struct insn *in, unsigned flags, const struct prefixes *px,
			   uint8_t modrm, unsigned opcode)
{
	int rex = px->rex != 0;
	in->reg = (uint8_t)(((modrm >> 3) & 7) | ((px->rex & 4) << 1));
	if (in->mod == 3)
		in->rm = (uint8_t)((modrm & 7) | ((px->rex & 1) << 3));
	if (flags & ISA_REG_Z)
		in->reg = (uint8_t)((opcode & 7) | ((px->rex & 1) << 3));
	if ((flags & ISA_BYTE_G) || (flags & ISA_BYTE_Z))
		in->reg = (uint8_t)byte_reg_offset(in->reg, rex);
	if ((flags & ISA_BYTE_E) && in->mod == 3)
		in->rm = (uint8_t)byte_reg_offset(in->rm, rex);
}

int decode_insn(struct insn *in, const uint8_t *p, unsigned avail, uint64_t addr, int mode64)
{
	struct cursor cur = {p, 0, avail < INSN_MAX_LEN ? avail : INSN_MAX_LEN, 0};
	struct prefixes px;
	unsigned map, slot, flags;
	uint8_t modrm = 0;
	int have_modrm = 0, riprel = 0;

	memset(in, 0, sizeof *in);
	in->addr = addr;
	in->base = in->index = R_NONE;
	read_prefixes(&cur, &px, mode64);
	unsigned opcode = (unsigned)read_opcode(&cur, &map);
	slot = (unsigned)select_slot(&px, map, opcode);
	struct isa_node node = isa_root[map][opcode][slot];
	if (node.kind != NK_LEAF && node.kind != NK_INVALID) {
		modrm = next_byte(&cur);
		have_modrm = 1;
		node = walk_tree(node, modrm);
	}
	if (cur.short_fetch)
		goto short_fetch;
	if (node.kind != NK_LEAF)
		return DECODE_UD;
	const struct isa_desc *d = &isa_descs[node.arg];
	flags = d->flags;
	if ((mode64 && (flags & ISA_I64)) || (!mode64 && (flags & ISA_O64)))
		return DECODE_UD;
	if ((flags & ISA_MODRM) && !have_modrm) {
		modrm = next_byte(&cur);
		have_modrm = 1;
	}

	int opsize66 = px.opsize && !(slot == PFX_66 && (flags & ISA_MANDATORY));
	in->desc = (uint16_t)node.arg;
	in->opc = (uint8_t)opcode;
	in->osz = (uint8_t)operand_size(flags, &px, opsize66, mode64);
	in->asz = mode64 ? (px.addrsize ? OSZ_32 : OSZ_64) : (px.addrsize ? OSZ_16 : OSZ_32);
	in->seg = (uint8_t)(px.seg >= 0 ? px.seg : SEG_DS);
	if (mode64 && in->seg != SEG_FS && in->seg != SEG_GS)
		in->seg = SEG_DS;
	in->rep = (uint8_t)(slot == PFX_F3 || slot == PFX_F2 ? REP_NONE : px.rep);
	in->lock = (uint8_t)px.lock;
	in->stop = (flags & ISA_STOP) != 0;
	in->mod = 3;
	if (have_modrm) {
		in->mod = modrm >> 6;
		if (in->mod != 3) {
			if (in->asz == OSZ_16)
				decode_modrm16(in, &cur, modrm);
			else
				riprel = decode_modrm32(in, &cur, modrm, px.rex, mode64);
		}
	}
	fill_registers(in, flags, &px, modrm, opcode);
	in->imm = read_immediate(&cur, flags & ISA_IMM_MASK, in);
	if (map == MAP_1B && (opcode & 0xf8) == 0xd8)
		in->imm2 = (uint16_t)((opcode & 7) << 8 | modrm);
	if (cur.short_fetch)
		goto short_fetch;
	in->len = (uint8_t)cur.pos;
	if (riprel) {
		in->disp += addr + in->len;
		if (in->asz == OSZ_32)
			in->disp = (uint32_t)in->disp;
	}
	if (px.lock && (!(flags & ISA_LOCK) || in->mod == 3))
		return DECODE_UD;
	return DECODE_OK;

short_fetch:
	in->len = (uint8_t)(cur.pos > INSN_MAX_LEN ? INSN_MAX_LEN + 1 : cur.pos);
	return cur.pos > INSN_MAX_LEN || avail >= INSN_MAX_LEN ? DECODE_GP : DECODE_FETCH;
}

insn_fn *insn_handler(const struct insn *i)
{
	if (i->patched)
		return i->run;
	const struct isa_desc *d = &isa_descs[i->desc];
	return d->spec ? d->spec(i) : d->fn;
}
