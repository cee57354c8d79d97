/* SSE4.2 CRC32: the CRC-32C (Castagnoli) of the source's bytes, lowest
 * first, accumulated into the low 32 bits of the destination, with neither
 * the initial nor the final inversion (software does those). */
#include "interp/operand.h"
#include "isa_handlers.h"

/* The polynomial 0x1EDC6F41 with its bits reversed: the CRC is kept
 * reflected, so a byte enters at the low end. */
#define CRC32C_POLY 0x82f63b78u

static uint32_t crc32c(uint32_t crc, uint64_t v, unsigned bytes)
{
	for (unsigned k = 0; k < bytes; k++) {
		crc ^= (uint8_t)(v >> (8 * k));
		for (unsigned bit = 0; bit < 8; bit++)
			crc = crc >> 1 ^ (CRC32C_POLY & (0u - (crc & 1)));
	}
	return crc;
}

/* The result is 32 bits, zero-extended into a 64-bit destination. */
void op_crc32_byte(struct cpu *c, const struct insn *i)
{
	uint64_t v = opE_get(c, i, OSZ_8);
	gpr_set(c, i->reg, OSZ_32, crc32c((uint32_t)c->r[i->reg], v, 1));
}

void op_crc32(struct cpu *c, const struct insn *i)
{
	uint64_t v = opE_get(c, i, i->osz);
	gpr_set(c, i->reg, OSZ_32, crc32c((uint32_t)c->r[i->reg], v, 1u << i->osz));
}
