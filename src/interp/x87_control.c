/* x87 control instructions: FNINIT FNCLEX FLDCW FNSTCW FNSTSW FNSTENV FLDENV
 * FNSAVE FRSTOR FWAIT, and the stack-pointer ones FINCSTP FDECSTP FNOP.
 *
 * The FN- forms do not wait: they run with an unmasked exception pending,
 * and FNSTENV/FNSAVE store it. FLDCW, FLDENV and FRSTOR do wait. None of the
 * control instructions changes the instruction and data pointers. */
#include "interp/x87.h"
#include "isa_handlers.h"

/* The 80-bit registers follow the environment in FNSAVE's image, in stack
 * order from ST(0). */
#define X87_SAVE_REGS_SIZE 80u

void op_fninit(struct cpu *c, const struct insn *i)
{
	x87r_unload(c);
	x87_init(c);
}

void op_fnclex(struct cpu *c, const struct insn *i)
{
#if X87_RESIDENT_HOST
	if (c->x87_resident) {
		x87r_call(x87r_stub(i), NULL);
		return;
	}
#endif
	c->fpu.fsw &= (uint16_t) ~(FSW_EXC | FSW_SF | FSW_ES | FSW_B);
}

/* FENI, FDISI, FSETPM: 8087 and 287 controls, ignored since the 387. */
void op_fnop_nowait(struct cpu *c, const struct insn *i) {}

void op_fnop(struct cpu *c, const struct insn *i)
{
	if (!x87_resident(c))
		x87_wait(c, i);
	x87_retire(c, i);
}

/* Nothing is ever pending while resident. */
void op_fwait(struct cpu *c, const struct insn *i)
{
	if (!c->x87_resident)
		x87_wait(c, i);
}

/* Unmasking an exception whose flag is set makes it pending: the next
 * waiting instruction traps. A control word that masks everything stays
 * resident (c->fpu.fcw is kept as the host's); any other leaves. */
void op_fldcw(struct cpu *c, const struct insn *i)
{
#if X87_RESIDENT_HOST
	if (c->x87_resident) {
		uint8_t *p = mem_rptr(c, mem_ea(c, i));
		uint16_t v;
		memcpy(&v, p, 2);
		if ((v & FCW_MASKS) == FCW_MASKS) {
			x87r_call(x87r_stub(i), p);
			c->fpu.fcw = (uint16_t)((v & FCW_WRITABLE) | FCW_FIXED);
			return;
		}
	}
#endif
	x87_wait(c, i);
	uint16_t v = mem_ld16(c, mem_ea(c, i));
	c->fpu.fcw = (uint16_t)((v & FCW_WRITABLE) | FCW_FIXED);
	x87_update_es(c);
}

void op_fnstcw(struct cpu *c, const struct insn *i) { mem_st16(c, mem_ea(c, i), c->fpu.fcw); }

/* The status word of the resident x87 is the host's, TOP included. */
static uint16_t current_fsw(struct cpu *c)
{
#if X87_RESIDENT_HOST
	if (c->x87_resident)
		return x87r_fnstsw();
#endif
	return x87_fsw(c);
}

void op_fnstsw_m16(struct cpu *c, const struct insn *i)
{
	uint64_t ea = mem_ea(c, i);
	mem_st16(c, ea, current_fsw(c));
}

void op_fnstsw_ax(struct cpu *c, const struct insn *i) { gpr_set(c, R_AX, OSZ_16, current_fsw(c)); }

static int env_format16(const struct insn *i) { return i->osz == OSZ_16; }

static unsigned env_size(const struct insn *i)
{
	return env_format16(i) ? X87_ENV16_SIZE : X87_ENV32_SIZE;
}

/* Stores the environment, then masks every exception (which clears ES). */
void op_fnstenv(struct cpu *c, const struct insn *i)
{
	uint8_t env[X87_ENV32_SIZE];
	x87r_unload(c);
	x87_store_env(c, env, env_format16(i));
	mem_write(c, mem_ea(c, i), env, env_size(i));
	c->fpu.fcw |= FCW_MASKS;
	x87_update_es(c);
	if (c->hooks)
		c->hooks->external(c, i);
}

void op_fldenv(struct cpu *c, const struct insn *i)
{
	uint8_t env[X87_ENV32_SIZE];
	x87_wait(c, i);
	mem_read(c, mem_ea(c, i), env, env_size(i));
	x87_load_tag_word(c, x87_load_env(c, env, env_format16(i)));
}

/* FNSAVE stores what FNSTENV does plus the registers, then initializes. */
void op_fnsave(struct cpu *c, const struct insn *i)
{
	uint8_t image[X87_ENV32_SIZE + X87_SAVE_REGS_SIZE];
	unsigned head = env_size(i);
	x87r_unload(c);
	x87_store_env(c, image, env_format16(i));
	for (unsigned k = 0; k < 8; k++)
		memcpy(image + head + 10 * k, x87_st(c, k)->bytes, 10);
	mem_write(c, mem_ea(c, i), image, head + X87_SAVE_REGS_SIZE);
	x87_init(c);
	if (c->hooks)
		c->hooks->external(c, i);
}

/* The registers are in stack order of the TOP being loaded. */
void op_frstor(struct cpu *c, const struct insn *i)
{
	uint8_t image[X87_ENV32_SIZE + X87_SAVE_REGS_SIZE];
	unsigned head = env_size(i);
	x87_wait(c, i);
	mem_read(c, mem_ea(c, i), image, head + X87_SAVE_REGS_SIZE);
	uint16_t tw = x87_load_env(c, image, env_format16(i));
	for (unsigned k = 0; k < 8; k++) {
		fpreg_t *r = x87_st(c, k);
		memset(r, 0, sizeof *r);
		memcpy(r->bytes, image + head + 10 * k, 10);
	}
	x87_load_tag_word(c, tw);
}

/* FINCSTP and FDECSTP rotate the stack without touching tags. */
static void move_top(struct cpu *c, const struct insn *i, unsigned delta)
{
	X87_RESIDENT_REG(c, i);
	x87_wait(c, i);
	c->fpu.top = (c->fpu.top + delta) & 7;
	c->fpu.fsw &= (uint16_t)~FSW_C1;
	x87_retire(c, i);
}

void op_fincstp(struct cpu *c, const struct insn *i) { move_top(c, i, 1); }

void op_fdecstp(struct cpu *c, const struct insn *i) { move_top(c, i, 7); }
