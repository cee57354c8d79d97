/* x86 / x86-64 instruction decoder: bytes → struct insn. */
#ifndef HEXVM_DECODE_DECODE_H
#define HEXVM_DECODE_DECODE_H

#include <stdint.h>

#include "decode/insn.h"

#define INSN_MAX_LEN 15

enum decode_status {
	DECODE_OK = 0,
	DECODE_UD = -1,	   /* undefined or not implemented: #UD */
	DECODE_FETCH = -2, /* the instruction runs past the readable bytes */
	DECODE_GP = -3,	   /* longer than 15 bytes: #GP */
};

/* Decodes the instruction at guest address `addr`, whose bytes are at `p`
 * with `avail` of them fetchable. Returns DECODE_OK with *out filled in (and
 * out->len set), or a negative decode_status; for DECODE_FETCH, out->len is
 * the number of bytes that were needed. */
int decode_insn(struct insn *out, const uint8_t *p, unsigned avail, uint64_t addr, int mode64);

#endif
