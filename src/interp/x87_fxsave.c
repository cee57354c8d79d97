/* FXSAVE and FXRSTOR: the x87, MXCSR and XMM state in one 512-byte image.
 *
 * Layout: FCW FSW, abridged tag byte, FOP, FIP and FDP (32-bit offsets with
 * selectors, or with REX.W 64-bit offsets), MXCSR and its mask, the eight
 * registers in stack order in 16-byte slots, then XMM0-7 (XMM0-15 in 64-bit
 * mode). The processor leaves the rest of the area alone, and so does this.
 *
 * Like the AMD processors hexvm is checked against, FXSAVE stores FOP, FIP
 * and FDP only while an unmasked exception is pending (FSW.ES), zeros
 * otherwise. FXSAVE and FXRSTOR do not wait for pending exceptions. */
#include "cpu/mxcsr.h"
#include "interp/x87.h"
#include "isa_handlers.h"

#define FX_FOP	      6
#define FX_FIP	      8
#define FX_FDP	      16
#define FX_MXCSR      24
#define FX_MXCSR_MASK 28
#define FX_ST	      32
#define FX_XMM	      160

/* Bytes FXSAVE writes and FXRSTOR reads. */
unsigned x87_fxsave_size(const struct cpu *c) { return FX_XMM + 16 * (c->mode64 ? 16 : 8); }

/* The operand must be 16-byte aligned (#GP otherwise). */
static uint64_t image_address(struct cpu *c, const struct insn *i)
{
	uint64_t a = mem_ea(c, i);
	if (a & 15)
		cpu_gp(c);
	return a;
}

/* One bit per physical register: in use. */
static uint8_t abridged_tags(const struct cpu *c)
{
	uint8_t t = 0;
	for (unsigned p = 0; p < 8; p++)
		if (x87_tag(c, p) != TAG_EMPTY)
			t |= (uint8_t)(1u << p);
	return t;
}

static void put_pointers(const struct cpu *c, uint8_t *img, int format64)
{
	uint16_t fop = c->fpu.fop & FOP_MASK;
	memcpy(img + FX_FOP, &fop, 2);
	if (format64) {
		memcpy(img + FX_FIP, &c->fpu.fip, 8);
		memcpy(img + FX_FDP, &c->fpu.fdp, 8);
	} else {
		uint32_t fip = (uint32_t)c->fpu.fip, fdp = (uint32_t)c->fpu.fdp;
		uint16_t fcs = x87_fcs(c), fds = x87_fds(c);
		memcpy(img + FX_FIP, &fip, 4);
		memcpy(img + FX_FIP + 4, &fcs, 2);
		memcpy(img + FX_FDP, &fdp, 4);
		memcpy(img + FX_FDP + 4, &fds, 2);
	}
}

void x87_fxsave_image(const struct cpu *c, uint8_t *img, int format64)
{
	uint16_t fsw = x87_fsw(c);
	uint32_t mxcsr_mask = MXCSR_WRITABLE;
	memset(img, 0, x87_fxsave_size(c));
	memcpy(img + 0, &c->fpu.fcw, 2);
	memcpy(img + 2, &fsw, 2);
	img[4] = abridged_tags(c);
	if (fsw & FSW_ES)
		put_pointers(c, img, format64);
	memcpy(img + FX_MXCSR, &c->mxcsr, 4);
	memcpy(img + FX_MXCSR_MASK, &mxcsr_mask, 4);
	for (unsigned k = 0; k < 8; k++)
		memcpy(img + FX_ST + 16 * k, c->fpu.st[(c->fpu.top + k) & 7].bytes, 10);
	memcpy(img + FX_XMM, c->xmm, x87_fxsave_size(c) - FX_XMM);
}

void op_fxsave(struct cpu *c, const struct insn *i)
{
	uint8_t img[X87_FXSAVE_MAX];
	uint64_t a = image_address(c, i);
	x87r_unload(c);
	mxcsr_sync(c);
	x87_fxsave_image(c, img, i->osz == OSZ_64);
	mem_write(c, a, img, x87_fxsave_size(c));
	if (c->hooks)
		c->hooks->external(c, i);
}

static void get_pointers(struct cpu *c, const uint8_t *img, int format64)
{
	uint16_t fop;
	memcpy(&fop, img + FX_FOP, 2);
	c->fpu.fop = (uint16_t)((c->fpu.fop & ~FOP_MASK) | (fop & FOP_MASK));
	if (format64) {
		memcpy(&c->fpu.fip, img + FX_FIP, 8);
		memcpy(&c->fpu.fdp, img + FX_FDP, 8);
	} else {
		uint32_t fip, fdp;
		uint16_t fcs, fds;
		memcpy(&fip, img + FX_FIP, 4);
		memcpy(&fcs, img + FX_FIP + 4, 2);
		memcpy(&fdp, img + FX_FDP, 4);
		memcpy(&fds, img + FX_FDP + 4, 2);
		c->fpu.fip = fip;
		c->fpu.fdp = fdp;
		x87_load_selectors(c, fcs, fds);
	}
}

int x87_fxrstor_image(struct cpu *c, const uint8_t *img, int format64)
{
	uint16_t fcw, fsw;
	uint32_t mxcsr;
	memcpy(&mxcsr, img + FX_MXCSR, 4);
	if (!mxcsr_valid(mxcsr))
		return 0;
	memcpy(&fcw, img + 0, 2);
	memcpy(&fsw, img + 2, 2);
	c->fpu.fcw = (uint16_t)((fcw & FCW_WRITABLE) | FCW_FIXED);
	x87_load_fsw(c, fsw);
	get_pointers(c, img, format64);
	for (unsigned k = 0; k < 8; k++) {
		fpreg_t *r = x87_st(c, k);
		memset(r, 0, sizeof *r);
		memcpy(r->bytes, img + FX_ST + 16 * k, 10);
	}
	/* abridged tag bit set: in use; the full tag follows from the contents */
	uint16_t tw = 0;
	for (unsigned p = 0; p < 8; p++)
		if (!(img[4] >> p & 1))
			tw |= (uint16_t)(TAG_EMPTY << (2 * p));
	x87_load_tag_word(c, tw);
	c->mxcsr = mxcsr;
	memcpy(c->xmm, img + FX_XMM, x87_fxsave_size(c) - FX_XMM);
	return 1;
}

/* A reserved MXCSR bit set in the image is #GP, before anything changes. */
void op_fxrstor(struct cpu *c, const struct insn *i)
{
	uint8_t img[X87_FXSAVE_MAX];
	uint64_t a = image_address(c, i);
	x87r_unload(c);
	mem_read(c, a, img, x87_fxsave_size(c));
	if (!x87_fxrstor_image(c, img, i->osz == OSZ_64))
		cpu_gp(c);
	mxcsr_load(c);
}
