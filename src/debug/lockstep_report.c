/* What lockstep tells: the two states at the first difference, the
 * instruction (disassembled by capstone when hexvm is built with it, else by
 * hexvm's own decoder), and the instructions that led there. */
#if defined(__linux__) && defined(__x86_64__) /* else lockstep.c says it is not available */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "debug/lockstep_int.h"
#include "decode/decode.h"
#include "decode/isa.h"

#ifdef HAVE_CAPSTONE
#include <capstone/capstone.h>
#endif

void ls_trail_add(struct lockstep *ls, uint64_t addr, const uint8_t *bytes, unsigned len)
{
	struct ls_trail_entry *e = &ls->trail[ls->trail_next];
	e->addr = addr;
	e->thread = ls->cur->number;
	e->len = (uint8_t)(len > sizeof e->bytes ? sizeof e->bytes : len);
	memcpy(e->bytes, bytes, e->len);
	ls->trail_next = (ls->trail_next + 1) % LS_TRAIL;
	if (ls->trail_len < LS_TRAIL)
		ls->trail_len++;
}

/* One instruction as text; *len becomes its length when it decodes. */
static void disassemble(const struct lockstep *ls, uint64_t addr, const uint8_t *bytes,
			unsigned *len, char *out, size_t size)
{
#ifdef HAVE_CAPSTONE
	csh h;
	cs_insn *insn;
	if (cs_open(CS_ARCH_X86, ls->mode64 ? CS_MODE_64 : CS_MODE_32, &h) == CS_ERR_OK) {
		size_t n = cs_disasm(h, bytes, *len, addr, 1, &insn);
		if (n) {
			snprintf(out, size, "%.31s %.96s", insn[0].mnemonic, insn[0].op_str);
			*len = insn[0].size;
			cs_free(insn, n);
		}
		cs_close(&h);
		if (n)
			return;
	}
#endif
	struct insn in;
	if (decode_insn(&in, bytes, *len, addr, ls->mode64) == DECODE_OK) {
		*len = in.len;
		snprintf(out, size, "%s %s (hexvm decodes %u bytes)", isa_descs[in.desc].mnemonic,
			 isa_descs[in.desc].operands, in.len);
	} else {
		snprintf(out, size, "(hexvm cannot decode it)");
	}
}

static void print_insn(const struct lockstep *ls, const char *indent, uint64_t addr,
		       const uint8_t *bytes, unsigned avail)
{
	char text[160], hex[64] = "";
	unsigned len = avail;
	disassemble(ls, addr, bytes, &len, text, sizeof text);
	for (unsigned k = 0; k < len && k < 15; k++)
		snprintf(hex + 3 * k, sizeof hex - 3 * k, "%02x ", bytes[k]);
	fprintf(stderr, "%s%#010" PRIx64 "  %-45s %s\n", indent, addr, hex, text);
}

/* w: hex digits */
static void print_row(const char *name, uint64_t n, uint64_t h, int w)
{
	fprintf(stderr, "    %-8s 0x%0*" PRIx64 "  0x%0*" PRIx64 "%s\n", name, w, n, w, h,
		n != h ? "  <--" : "");
}

static void print_vector(const char *name, const uint8_t *n, const uint8_t *h, unsigned bytes)
{
	char a[48] = "", b[48] = "";
	for (unsigned k = 0; k < bytes; k++) {
		snprintf(a + 2 * k, sizeof a - 2 * k, "%02x", n[bytes - 1 - k]);
		snprintf(b + 2 * k, sizeof b - 2 * k, "%02x", h[bytes - 1 - k]);
	}
	fprintf(stderr, "    %-8s %s  %s%s\n", name, a, b, memcmp(n, h, bytes) ? "  <--" : "");
}

static void print_states(const struct lockstep *ls, const struct ls_state *n,
			 const struct ls_state *h)
{
	static const char *const names[2][16] = {
		{"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"},
		{"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r10", "r11",
		 "r12", "r13", "r14", "r15"}};
	int w = ls->mode64 ? 16 : 8, nregs = ls->mode64 ? 16 : 8;
	fprintf(stderr, "    %-8s %-*s  %s\n", "", w + 2, "native", "hexvm");
	print_row(ls->mode64 ? "rip" : "eip", n->rip, h->rip, w);
	for (int k = 0; k < nregs; k++)
		print_row(names[ls->mode64][k], n->r[k], h->r[k], w);
	print_row("flags", n->flags & 0x2c0fd5, h->flags & 0x2c0fd5, 8);
	print_row("fs.base", n->fs_base, h->fs_base, w);
	print_row("gs.base", n->gs_base, h->gs_base, w);
	print_vector("mxcsr", n->fx + 24, h->fx + 24, 4);
	print_vector("fcw,fsw", n->fx, h->fx, 4);
	for (int k = 0; k < nregs; k++) {
		char name[8];
		snprintf(name, sizeof name, "xmm%d", k);
		print_vector(name, n->fx + 160 + 16 * k, h->fx + 160 + 16 * k, 16);
	}
	for (int k = 0; k < 8; k++) {
		char name[8];
		snprintf(name, sizeof name, "st(%d)", k);
		print_vector(name, n->fx + 32 + 16 * k, h->fx + 32 + 16 * k, 10);
	}
}

static void print_trail(const struct lockstep *ls)
{
	if (!ls->trail_len) {
		fprintf(stderr, "  no instructions recorded before it\n");
		return;
	}
	fprintf(stderr, "  the last %u instructions hexvm executed, oldest first%s:\n",
		ls->trail_len,
		ls->opt.mode == LOCKSTEP_SYSCALL ? " (syscall mode: its last block only)" : "");
	for (unsigned k = 0; k < ls->trail_len; k++) {
		const struct ls_trail_entry *e =
			&ls->trail[(ls->trail_next + LS_TRAIL - ls->trail_len + k) % LS_TRAIL];
		char indent[16] = "    ";
		if (ls->threads_made > 1) /* whose instruction it was */
			snprintf(indent, sizeof indent, "    t%-3d ", e->thread);
		print_insn(ls, indent, e->addr, e->bytes, e->len);
	}
}

static void print_ending(const struct lockstep *ls)
{
	char thread[64] = "";
	if (ls->threads_made > 1)
		snprintf(thread, sizeof thread, " in thread %d (native thread %d)", ls->cur->number,
			 (int)ls->cur->tid);
	fprintf(stderr,
		"hexvm: lockstep: stopped at the first difference%s after %" PRIu64
		" instructions, %" PRIu64 " system calls (exit status %d)\n",
		thread, ls->insns, ls->syscalls, LOCKSTEP_EXIT_DIFFERENCE);
}

void ls_report_difference(struct lockstep *ls, const char *what, const struct ls_state *n,
			  const struct ls_state *h, uint64_t at)
{
	char label[32];
	fprintf(stderr, "hexvm: lockstep: difference at %#" PRIx64 "%s: %s\n", at,
		ls_thread_label(ls, label, sizeof label), what);
	if (ls->trail_len) {
		const struct ls_trail_entry *e = &ls->trail[(ls->trail_next + LS_TRAIL - 1) % LS_TRAIL];
		print_insn(ls, "  instruction ", e->addr, e->bytes, e->len);
	}
	print_states(ls, n, h);
	print_trail(ls);
	print_ending(ls);
}

void ls_report_memory(struct lockstep *ls, uint64_t where, const char *when)
{
	uint8_t n[16] = {0}, h[16] = {0};
	uint64_t at = where & ~15ull;
	char label[32];
	ls_native_read(ls, at, n, sizeof n);
	ls_hexvm_read(ls, at, h, sizeof h);
	fprintf(stderr, "hexvm: lockstep: difference at %#" PRIx64 "%s: memory at %#" PRIx64 " %s\n",
		ls->cur->cpu.rip, ls_thread_label(ls, label, sizeof label), where, when);
	fprintf(stderr, "    native %#" PRIx64 ":", at);
	for (int k = 0; k < 16; k++)
		fprintf(stderr, " %02x", n[k]);
	fprintf(stderr, "\n    hexvm  %#" PRIx64 ":", at);
	for (int k = 0; k < 16; k++)
		fprintf(stderr, " %02x", h[k]);
	fputc('\n', stderr);
	print_trail(ls);
	print_ending(ls);
}

/* "thread N: " when the program has had more than one, else "". */
static const char *thread_prefix(const struct lockstep *ls, char *buf, size_t size)
{
	buf[0] = 0;
	if (ls->threads_made > 1 && ls->cur)
		snprintf(buf, size, "thread %d: ", ls->cur->number);
	return buf;
}

void ls_report_message(struct lockstep *ls, const char *fmt, ...)
{
	va_list ap;
	char prefix[32];
	va_start(ap, fmt);
	fprintf(stderr, "hexvm: lockstep: %s", thread_prefix(ls, prefix, sizeof prefix));
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, " (after %" PRIu64 " instructions)\n", ls->insns);
	va_end(ap);
}

void ls_report_unfollowed(struct lockstep *ls, const char *fmt, ...)
{
	va_list ap;
	char prefix[32];
	va_start(ap, fmt);
	fprintf(stderr, "hexvm: lockstep: %s", thread_prefix(ls, prefix, sizeof prefix));
	vfprintf(stderr, fmt, ap);
	fprintf(stderr,
		"; compared %" PRIu64 " instructions and %" PRIu64
		" system calls up to it without a difference (exit status %d)\n",
		ls->insns, ls->syscalls, LOCKSTEP_EXIT_NOT_FOLLOWED);
	va_end(ap);
}

#endif
