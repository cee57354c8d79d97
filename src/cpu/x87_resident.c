/* x87 residency (see x87_resident.h): the stubs, and the moves of the state
 * between struct x87 and the host. */
#include "cpu/x87_resident.h"

#include <string.h>

#if X87_RESIDENT_HOST

/* Only the guest's decoder decides which stubs run, so the table holds every
 * opcode, the encodings that are #UD included: those are never called. */
__asm__(".pushsection .text\n\t"
	".p2align 6\n\t"
	".globl x87r_stubs\n"
	"x87r_stubs:\n\t"
	".set x87r_esc, 0xd8\n\t"
	".rept 8\n\t"
	".set x87r_modrm, 0\n\t"
	".rept 256\n\t"
	".if x87r_modrm >= 0xc0\n\t"
	".byte x87r_esc, x87r_modrm, 0xc3, 0xcc\n\t"
	".else\n\t"
	".byte x87r_esc, x87r_modrm & 0x38, 0xc3, 0xcc\n\t"
	".endif\n\t"
	".set x87r_modrm, x87r_modrm + 1\n\t"
	".endr\n\t"
	".set x87r_esc, x87r_esc + 1\n\t"
	".endr\n\t"
	".popsection");

/* FNSAVE's image in the 32-bit protected-mode format, the one 64-bit mode
 * uses: the environment, then the registers in stack order from ST(0). */
struct fsave_image {
	uint32_t fcw, fsw, ftw, fip, fcs_fop, fdp, fds;
	uint8_t st[8][10];
};

void x87r_enter(struct cpu *c)
{
	struct fsave_image img;
	memset(&img, 0, sizeof img);
	img.fcw = c->fpu.fcw;
	img.fsw = (uint32_t)(c->fpu.fsw & ~(7u << 11)) | (uint32_t)c->fpu.top << 11;
	img.ftw = c->fpu.ftw;
	for (unsigned k = 0; k < 8; k++)
		memcpy(img.st[k], c->fpu.st[(c->fpu.top + k) & 7].bytes, 10);
	__asm__ volatile("frstor %0" : : "m"(img));
	c->x87_resident = 1;
}

/* Only empty versus in use matters in struct x87's tags (interp/x87.h). */
void x87r_leave(struct cpu *c)
{
	struct fsave_image img;
	__asm__ volatile("fnsave %0" : "=m"(img));
	c->fpu.fcw = (uint16_t)img.fcw;
	c->fpu.top = (uint8_t)(img.fsw >> 11 & 7);
	c->fpu.fsw = (uint16_t)(img.fsw & ~(7u << 11));
	c->fpu.ftw = 0;
	for (unsigned k = 0; k < 8; k++) {
		unsigned p = (c->fpu.top + k) & 7;
		fpreg_t *r = &c->fpu.st[p];
		memset(r, 0, sizeof *r);
		memcpy(r->bytes, img.st[k], 10);
		if ((img.ftw >> (2 * p) & 3) == 3)
			c->fpu.ftw |= (uint16_t)(3u << (2 * p));
	}
	c->x87_resident = 0;
	c->x87_host_sw = 0; /* FNSAVE initializes the host x87 */
}

#else

void x87r_enter(struct cpu *c) { (void)c; }

void x87r_leave(struct cpu *c) { c->x87_resident = 0; }

#endif
