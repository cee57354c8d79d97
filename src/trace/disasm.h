/* Disassembly for instruction traces and fault reports: capstone when hexvm
 * was built with it, else (or on request) hexvm's own printer, which writes
 * what hexvm's decoder made of the bytes. */
#ifndef HEXVM_TRACE_DISASM_H
#define HEXVM_TRACE_DISASM_H

#include <stddef.h>
#include <stdint.h>

struct disasm {
	int builtin;	   /* hexvm's own printer even when capstone is there */
	size_t handle[2];  /* capstone's csh for 32- and 64-bit code, once opened */
	int opened[2];
};

void disasm_init(struct disasm *d, int builtin);
void disasm_close(struct disasm *d);
/* Writes the instruction whose n bytes (n >= 1) are at guest address addr
 * into out, Intel syntax; returns its length, or 0 when the bytes are not
 * an instruction (out: "(bad)"). */
unsigned disasm_insn(struct disasm *d, const uint8_t *bytes, unsigned n, uint64_t addr,
		     int mode64, char *out, size_t size);
/* "capstone" or "hexvm": which printer disasm_insn uses. */
const char *disasm_engine(const struct disasm *d);

/* hexvm's own printer (disasm_hexvm.c): decodes with hexvm's decoder and
 * writes the table row's mnemonic and operands. */
unsigned disasm_hexvm(const uint8_t *bytes, unsigned n, uint64_t addr, int mode64, char *out,
		      size_t size);

#endif
