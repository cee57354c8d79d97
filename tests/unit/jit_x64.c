/* The translator's assembler (src/jit/x64.h) against the encodings GNU as
 * gives for the same instructions, one by one: REX bits, SIB for r12 and
 * index registers, r13's forced displacement, byte registers, immediates
 * of each width, SSE prefixes and the 0F 38 and 0F 3A maps. */
#include <stdio.h>
#include <string.h>

#include "jit/x64.h"

struct fixture {
	int failed, checked;
};

/* Runs `emit` into a fresh buffer and compares with `want` (hex bytes). */
static void expect(struct fixture *fx, const char *what, void (*emit)(struct x64 *e),
		   const char *want)
{
	uint8_t buf[32], expect_bytes[32];
	unsigned n = 0, v;
	for (const char *p = want; sscanf(p, "%x", &v) == 1; p += 3)
		expect_bytes[n++] = (uint8_t)v;
	struct x64 e = {buf, buf + sizeof buf, 0};
	emit(&e);
	unsigned got = (unsigned)(e.p - buf);
	fx->checked++;
	if (e.full || got != n || memcmp(buf, expect_bytes, n)) {
		fx->failed++;
		printf("FAIL %s: got", what);
		for (unsigned k = 0; k < got; k++)
			printf(" %02x", buf[k]);
		printf(", want %s\n", want);
	}
}

#define CASE(what, body)                                                                           \
	static void emit_##what(struct x64 *e) { body; }
#define RUN(what, want) expect(fx, #what, emit_##what, want)

CASE(load_cpu, x64_load(e, 8, RCX, x64_at(RBX, 0x10)))
CASE(load_guest32, x64_load(e, 4, RCX, x64_at_index(R12, RAX, 0, 0)))
CASE(load_byte, x64_load(e, 1, RCX, x64_at(RBX, 1)))
CASE(store_disp32, x64_store(e, 8, x64_at(RBX, 0x200), RDX))
CASE(store_word_guest, x64_store(e, 2, x64_at_index(R12, RAX, 0, 0), RCX))
CASE(movzx_r13, x64_load_zx(e, 1, RDX, x64_at_index(R13, RDX, 0, 0)))
CASE(lea_sib8, x64_lea(e, 8, RAX, x64_at_index(RAX, RCX, 3, 0x7f)))
CASE(lea32_neg, x64_lea(e, 4, RAX, x64_at_index(RAX, RCX, 2, -0x80)))
CASE(add_rr, x64_alu_rr(e, 8, 0, RCX, RDX))
CASE(sub_rr16, x64_alu_rr(e, 2, 5, RCX, RDX))
CASE(cmp_rm, x64_alu_rm(e, 8, 7, RAX, x64_at(RBX, 0x2f0)))
CASE(and_imm8, x64_alu_ri(e, 4, 4, RCX, 0x3f))
CASE(cmp_byte_mem_imm, x64_alu_mi(e, 1, 7, x64_at(RBX, 0x10), 0))
CASE(add_mem_imm, x64_alu_mi(e, 8, 0, x64_at(RBX, 0x2e8), 5))
CASE(sub_rsp, x64_alu_ri(e, 8, 5, RSP, 8))
CASE(shr_imm, x64_shift_ri(e, 8, 5, RDX, 12))
CASE(sar_byte, x64_shift_ri(e, 1, 7, RCX, 3))
CASE(setb_r14, x64_setcc(e, X64_CC_B, R14))
CASE(test_r14b, x64_test_rr(e, 1, R14, R14))
CASE(cmovne, x64_rr(e, 8, 0x0f45, RDX, RCX))
CASE(bt_imm, { x64_ext_r(e, 4, 0x0fba, 4, R14); x64_byte(e, 0); })
CASE(mov_imm64, x64_mov_imm(e, RAX, 0x123456789aull))
CASE(mov_imm_neg, x64_mov_imm(e, RAX, (uint64_t)-5))
CASE(mov_imm32, x64_mov_imm(e, RAX, 0x80000000u))
CASE(movdqu_load, x64_sse_m(e, X64_MOVDQU_LOAD, 0, x64_at(RBX, 0x100)))
CASE(movdqu_store, x64_sse_m(e, X64_MOVDQU_STORE, 0, x64_at_index(R12, RAX, 0, 0)))
CASE(pxor_rr, x64_sse_r(e, 0x66ef, 0, 1))
CASE(addsd_guest, x64_sse_m(e, 0xf258, 0, x64_at_index(R12, RAX, 0, 0)))
CASE(pmovmskb, x64_sse_r(e, 0x66d7, RCX, 0))
CASE(pcmpistri_guest, { x64_sse_m(e, 0x663a63, 0, x64_at_index(R12, RAX, 0, 0)); x64_byte(e, 0x1a); })
CASE(palignr_rr, { x64_sse_r(e, 0x663a0f, 9, 1); x64_byte(e, 8); })
CASE(imul_rr, x64_rr(e, 8, 0x0faf, RCX, RDX))
CASE(push_r14, x64_push(e, R14))
CASE(pop_rbx, x64_pop(e, RBX))
CASE(movsx_byte, x64_rm(e, 8, 0x0fbe, RCX, x64_at(RBX, 1)))

int main(void)
{
	struct fixture f = {0, 0}, *fx = &f;
	RUN(load_cpu, "48 8b 4b 10");
	RUN(load_guest32, "41 8b 0c 04");
	RUN(load_byte, "8a 4b 01");
	RUN(store_disp32, "48 89 93 00 02 00 00");
	RUN(store_word_guest, "66 41 89 0c 04");
	RUN(movzx_r13, "41 0f b6 54 15 00");
	RUN(lea_sib8, "48 8d 44 c8 7f");
	RUN(lea32_neg, "8d 44 88 80");
	RUN(add_rr, "48 01 d1");
	RUN(sub_rr16, "66 29 d1");
	RUN(cmp_rm, "48 3b 83 f0 02 00 00");
	RUN(and_imm8, "83 e1 3f");
	RUN(cmp_byte_mem_imm, "80 7b 10 00");
	RUN(add_mem_imm, "48 83 83 e8 02 00 00 05");
	RUN(sub_rsp, "48 83 ec 08");
	RUN(shr_imm, "48 c1 ea 0c");
	RUN(sar_byte, "c0 f9 03");
	RUN(setb_r14, "41 0f 92 c6");
	RUN(test_r14b, "45 84 f6");
	RUN(cmovne, "48 0f 45 d1");
	RUN(bt_imm, "41 0f ba e6 00");
	RUN(mov_imm64, "48 b8 9a 78 56 34 12 00 00 00");
	RUN(mov_imm_neg, "48 c7 c0 fb ff ff ff");
	RUN(mov_imm32, "b8 00 00 00 80");
	RUN(movdqu_load, "f3 0f 6f 83 00 01 00 00");
	RUN(movdqu_store, "f3 41 0f 7f 04 04");
	RUN(pxor_rr, "66 0f ef c1");
	RUN(addsd_guest, "f2 41 0f 58 04 04");
	RUN(pmovmskb, "66 0f d7 c8");
	RUN(pcmpistri_guest, "66 41 0f 3a 63 04 04 1a");
	RUN(palignr_rr, "66 44 0f 3a 0f c9 08");
	RUN(imul_rr, "48 0f af ca");
	RUN(push_r14, "41 56");
	RUN(pop_rbx, "5b");
	RUN(movsx_byte, "48 0f be 4b 01");
	printf("%d of %d encodings as GNU as gives them\n", f.checked - f.failed, f.checked);
	return f.failed ? 1 : 0;
}
