/* -s for select and pselect6: the descriptor sets as lists, pselect6's
 * signal mask argument, and the result naming the ready sets and the time
 * left, as strace writes them. */
#include "kernel/abi/layout.h"
#include "trace/strace.h"

#define FDSET_BYTES_MAX 128 /* FD_SETSIZE bits; a larger nfds is shown up to it */

/* The descriptors in the set at addr below nfds: "[3 4]"; 0 when it
 * cannot be read (the address is written instead). */
static int fdset_at(struct tbuf *b, const struct arg_ctx *x, uint64_t addr, uint64_t nfds)
{
	uint8_t raw[FDSET_BYTES_MAX];
	unsigned bits = nfds < 8 * FDSET_BYTES_MAX ? (unsigned)nfds : 8 * FDSET_BYTES_MAX;
	unsigned word = x->is64 ? 8 : 4, bytes = (bits + 8 * word - 1) / (8 * word) * word;
	if (!strace_fetch(b, x, addr, raw, bytes))
		return 0;
	tb_putc(b, '[');
	for (unsigned fd = 0, first = 1; fd < bits; fd++)
		if (raw[fd / 8] & (1u << (fd % 8))) {
			tb_printf(b, first ? "%u" : " %u", fd);
			first = 0;
		}
	tb_putc(b, ']');
	return 1;
}

/* pselect6's sixth argument: {const sigset_t *ss; size_t ss_len;} */
static void pselect_mask_at(struct tbuf *b, const struct arg_ctx *x, uint64_t addr)
{
	uint8_t raw[16], set[8];
	unsigned w = x->is64 ? 8 : 4;
	if (!strace_fetch(b, x, addr, raw, 2 * w))
		return;
	uint64_t ss = get_long(raw, 0, x->is64), len = get_long(raw, w, x->is64);
	tb_puts(b, "{sigmask=");
	if (!ss)
		tb_puts(b, "NULL");
	else if (len == 8 && strace_read(x, ss, set, 8))
		strace_sigset(b, get64(set, 0));
	else
		strace_ptr(b, ss);
	tb_printf(b, ", sigsetsize=%llu}", (unsigned long long)len);
}

int strace_select_struct(struct tbuf *b, const struct arg_ctx *x, unsigned kind, unsigned index)
{
	switch (kind) {
	case K_FDSET: fdset_at(b, x, x->a[index], x->a[0]); return 1;
	case K_PSELECT_MASK: pselect_mask_at(b, x, x->a[index]); return 1;
	default: return 0;
	}
}

void strace_select_result(struct tbuf *b, const struct arg_ctx *x, int ret_kind)
{
	static const char *const names[3] = {"in", "out", "except"};
	uint8_t raw[16];
	tb_printf(b, " = %lld", (long long)x->ret);
	if (x->ret == 0) {
		tb_puts(b, " (Timeout)");
		return;
	}
	int parts = 0;
	for (int k = 0; k < 3; k++) {
		char text[8 * FDSET_BYTES_MAX * 5];
		struct tbuf one = TBUF_ON(text);
		if (!x->a[1 + k] || !fdset_at(&one, x, x->a[1 + k], x->a[0]) || one.len == 2)
			continue; /* a set with nothing ready ("[]") is left out */
		tb_printf(b, "%s%s %s", parts++ ? ", " : " (", names[k], text);
	}
	uint64_t left = x->a[4];
	int wide = ret_kind == R_PSELECT64 || x->is64;
	if (left && strace_read(x, left, raw, wide ? 16 : 8)) {
		tb_puts(b, parts++ ? ", left " : " (left ");
		strace_time_pair(b, raw, wide, ret_kind == R_SELECT ? "usec" : "nsec");
	}
	if (parts)
		tb_putc(b, ')');
}
