/* Disassembly: capstone when it was found at build time (HAVE_CAPSTONE),
 * hexvm's own printer otherwise or when asked for. Capstone's handles are
 * opened at the first use, one per mode. */
#include "trace/disasm.h"

#include <stdio.h>
#include <string.h>

#ifdef HAVE_CAPSTONE
#include <capstone/capstone.h>
#endif

void disasm_init(struct disasm *d, int builtin)
{
	memset(d, 0, sizeof *d);
	d->builtin = builtin;
}

#ifdef HAVE_CAPSTONE
void disasm_close(struct disasm *d)
{
	for (int m = 0; m < 2; m++)
		if (d->opened[m]) {
			csh h = (csh)d->handle[m];
			cs_close(&h);
			d->opened[m] = 0;
		}
}

static int capstone_handle(struct disasm *d, int mode64, csh *h)
{
	if (!d->opened[mode64]) {
		if (cs_open(CS_ARCH_X86, mode64 ? CS_MODE_64 : CS_MODE_32, h) != CS_ERR_OK)
			return 0;
		d->handle[mode64] = (size_t)*h;
		d->opened[mode64] = 1;
	}
	*h = (csh)d->handle[mode64];
	return 1;
}

/* capstone writes "syscall " for instructions without operands */
static unsigned capstone_insn(struct disasm *d, const uint8_t *bytes, unsigned n, uint64_t addr,
			      int mode64, char *out, size_t size)
{
	csh h;
	cs_insn *insn;
	if (!capstone_handle(d, mode64, &h) || cs_disasm(h, bytes, n, addr, 1, &insn) != 1) {
		snprintf(out, size, "(bad)");
		return 0;
	}
	snprintf(out, size, insn->op_str[0] ? "%s %s" : "%s", insn->mnemonic, insn->op_str);
	unsigned len = insn->size;
	cs_free(insn, 1);
	return len;
}

unsigned disasm_insn(struct disasm *d, const uint8_t *bytes, unsigned n, uint64_t addr, int mode64,
		     char *out, size_t size)
{
	if (d->builtin)
		return disasm_hexvm(bytes, n, addr, mode64, out, size);
	return capstone_insn(d, bytes, n, addr, mode64 != 0, out, size);
}

const char *disasm_engine(const struct disasm *d) { return d->builtin ? "hexvm" : "capstone"; }

#else

void disasm_close(struct disasm *d) { (void)d; }

unsigned disasm_insn(struct disasm *d, const uint8_t *bytes, unsigned n, uint64_t addr, int mode64,
		     char *out, size_t size)
{
	(void)d;
	return disasm_hexvm(bytes, n, addr, mode64, out, size);
}

const char *disasm_engine(const struct disasm *d)
{
	(void)d;
	return "hexvm";
}

#endif
