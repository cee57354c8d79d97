/* x87 FPU: exceptions, stack faults, instruction pointers, status and tag
 * words, and the FNSTENV environment image. */
#include <signal.h>

#include "interp/x87.h"

void x87_update_es(struct cpu *c)
{
	if (c->fpu.fsw & ~c->fpu.fcw & FCW_MASKS)
		c->fpu.fsw |= FSW_ES | FSW_B;
	else
		c->fpu.fsw &= (uint16_t) ~(FSW_ES | FSW_B);
}

/* The si_code Linux gives an x87 exception: the first unmasked flag in the
 * kernel's order of precedence. */
static int trap_code(uint16_t unmasked)
{
	if (unmasked & FSW_IE)
		return FPE_FLTINV;
	if (unmasked & FSW_ZE)
		return FPE_FLTDIV;
	if (unmasked & FSW_OE)
		return FPE_FLTOVF;
	if (unmasked & (FSW_UE | FSW_DE))
		return FPE_FLTUND;
	return FPE_FLTRES;
}

void x87_trap(struct cpu *c, const struct insn *i)
{
	cpu_fault(c, SIGFPE, trap_code(c->fpu.fsw & ~c->fpu.fcw & FCW_MASKS), i->addr);
}

/* The flags an operation abandoned for unmasked exception `first` can have
 * raised: those of its priority and above (invalid, denormal, zero divide,
 * then overflow and underflow, then precision). */
static uint16_t flags_up_to(uint16_t first)
{
	if (first & FSW_IE)
		return FSW_IE;
	if (first & FSW_DE)
		return FSW_IE | FSW_DE;
	if (first & FSW_ZE)
		return FSW_IE | FSW_DE | FSW_ZE;
	return FSW_EXC & ~FSW_PE;
}

int x87_status_unmasked(struct cpu *c, uint16_t sw, uint16_t cc_mask, uint16_t abort_on)
{
	uint16_t raised = sw & FSW_EXC;
	uint16_t abandon = raised & ~c->fpu.fcw & abort_on;
	if (abandon) { /* nothing was rounded, so nothing rounded up */
		raised &= flags_up_to(abandon);
		sw &= (uint16_t)~FSW_C1;
	}
	c->fpu.fsw = (uint16_t)((c->fpu.fsw & ~cc_mask) | (sw & cc_mask) | raised);
	x87_update_es(c);
	return !abandon;
}

int x87_underflow(struct cpu *c)
{
	c->fpu.fsw = (uint16_t)((c->fpu.fsw & ~FSW_C1) | FSW_IE | FSW_SF);
	x87_update_es(c);
	return (c->fpu.fcw & FSW_IE) != 0;
}

int x87_overflow(struct cpu *c)
{
	c->fpu.fsw |= FSW_IE | FSW_SF | FSW_C1;
	x87_update_es(c);
	return (c->fpu.fcw & FSW_IE) != 0;
}

void x87_load_fsw(struct cpu *c, uint16_t v)
{
	c->fpu.top = (v & FSW_TOP) >> FSW_TOP_SHIFT;
	c->fpu.fsw = v & (uint16_t)~FSW_TOP;
	x87_update_es(c);
}

uint16_t x87_tag_word(const struct cpu *c)
{
	uint16_t tw = 0;
	for (unsigned p = 0; p < 8; p++) {
		unsigned tag = x87_tag(c, p);
		if (tag != TAG_EMPTY)
			tag = x87_classify(&c->fpu.st[p]);
		tw |= (uint16_t)(tag << (2 * p));
	}
	return tw;
}

void x87_load_tag_word(struct cpu *c, uint16_t tw)
{
	for (unsigned p = 0; p < 8; p++) {
		unsigned empty = ((tw >> (2 * p)) & 3) == TAG_EMPTY;
		x87_set_tag(c, p, empty ? TAG_EMPTY : TAG_VALID);
	}
}

uint16_t x87_fcs(const struct cpu *c) { return c->fpu.fop & FOP_FCS_SET ? c->seg_sel[SEG_CS] : 0; }

uint16_t x87_fds(const struct cpu *c)
{
	unsigned field = (c->fpu.fop & FOP_SEG_FIELD) >> FOP_SEG_SHIFT;
	return field ? c->seg_sel[field - 1] : 0;
}

/* A selector no segment register holds is kept as 0. */
void x87_load_selectors(struct cpu *c, uint16_t fcs, uint16_t fds)
{
	unsigned field = 0;
	for (unsigned s = 0; s < SEG_COUNT && fds && !field; s++)
		if (c->seg_sel[s] == fds)
			field = s + 1;
	c->fpu.fop = (uint16_t)((c->fpu.fop & FOP_MASK) | field << FOP_SEG_SHIFT |
				(fcs ? FOP_FCS_SET : 0));
}

void x87_init(struct cpu *c)
{
	c->fpu.fcw = FCW_DEFAULT;
	c->fpu.fsw = 0;
	c->fpu.top = 0;
	c->fpu.ftw = 0xffff;
	c->fpu.fip = c->fpu.fdp = 0;
	c->fpu.fop = 0;
}

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }

static uint16_t get16(const uint8_t *p)
{
	uint16_t v;
	memcpy(&v, p, 2);
	return v;
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

/* The 32-bit format pads its 16-bit fields with ones. */
void x87_store_env(const struct cpu *c, uint8_t *env, int format16)
{
	if (format16) {
		put16(env + 0, c->fpu.fcw);
		put16(env + 2, x87_fsw(c));
		put16(env + 4, x87_tag_word(c));
		put16(env + 6, (uint16_t)c->fpu.fip);
		put16(env + 8, x87_fcs(c));
		put16(env + 10, (uint16_t)c->fpu.fdp);
		put16(env + 12, x87_fds(c));
		return;
	}
	put32(env + 0, 0xffff0000u | c->fpu.fcw);
	put32(env + 4, 0xffff0000u | x87_fsw(c));
	put32(env + 8, 0xffff0000u | x87_tag_word(c));
	put32(env + 12, (uint32_t)c->fpu.fip);
	put32(env + 16, x87_fcs(c) | (uint32_t)(c->fpu.fop & FOP_MASK) << 16);
	put32(env + 20, (uint32_t)c->fpu.fdp);
	put32(env + 24, 0xffff0000u | x87_fds(c));
}

/* Returns the tag word, for the caller to take once the registers it
 * describes are in place (FRSTOR loads them after the environment). */
uint16_t x87_load_env(struct cpu *c, const uint8_t *env, int format16)
{
	uint16_t fcw = get16(env);
	c->fpu.fcw = (uint16_t)((fcw & FCW_WRITABLE) | FCW_FIXED);
	x87_load_fsw(c, get16(env + (format16 ? 2 : 4)));
	if (format16) {
		c->fpu.fip = get16(env + 6);
		c->fpu.fdp = get16(env + 10);
		x87_load_selectors(c, get16(env + 8), get16(env + 12));
	} else {
		c->fpu.fip = get32(env + 12);
		c->fpu.fdp = get32(env + 20);
		x87_load_selectors(c, get16(env + 16), get16(env + 24));
		c->fpu.fop =
			(uint16_t)((c->fpu.fop & ~FOP_MASK) | (get32(env + 16) >> 16 & FOP_MASK));
	}
	return get16(env + (format16 ? 4 : 8));
}

int x87_try_resident(struct cpu *c)
{
	if (c->hooks || !x87_all_masked(c) || (c->fpu.fsw & FSW_ES))
		return 0;
	x87r_enter(c);
	return 1;
}
