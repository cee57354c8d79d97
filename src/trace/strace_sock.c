/* -s socket structures: sendmsg/recvmsg's message header with its control
 * messages, the addresses accept, recvfrom and getsockname fill in with
 * their in-out lengths, and socket option values. */
#include <string.h>

#include "kernel/abi/layout.h"
#include "trace/strace.h"
#include "trace/strace_names.h"

#define CMSG_MAX_SHOWN 16
#define SCM_FDS_SHOWN  64

/* Where struct msghdr's fields are, by ABI. */
struct msghdr_layout {
	unsigned name, namelen, iov, iovlen, control, controllen, flags, size;
};

static struct msghdr_layout msghdr_layout(int is64)
{
	if (is64)
		return (struct msghdr_layout){0, 8, 16, 24, 32, 40, 48, 56};
	return (struct msghdr_layout){0, 4, 8, 12, 16, 20, 24, 28};
}

uint32_t strace_entry_value(const struct arg_ctx *x, unsigned kind, unsigned index)
{
	uint8_t raw[4];
	uint64_t at = x->a[index];
	if (kind == K_MSGHDR_OUT)
		at += msghdr_layout(x->is64).namelen;
	else if (kind != K_SOCKLEN_INOUT)
		return 0;
	return x->a[index] && strace_read(x, at, raw, 4) ? get32(raw, 0) : 0;
}

static void socklen(struct tbuf *b, uint32_t in, uint32_t out, int failed)
{
	if (failed || in == out)
		tb_printf(b, "[%u]", in);
	else
		tb_printf(b, "[%u => %u]", in, out);
}

/* SCM_RIGHTS descriptors, SCM_CREDENTIALS, or the bytes of another kind. */
static void cmsg_data(struct tbuf *b, const struct arg_ctx *x, uint64_t at, int level, int type,
		      uint64_t len)
{
	if (level == 1 && type == 1) {
		uint8_t raw[4 * SCM_FDS_SHOWN];
		uint64_t n = len / 4 < SCM_FDS_SHOWN ? len / 4 : SCM_FDS_SHOWN;
		if (!strace_fetch(b, x, at, raw, (unsigned)(4 * n)))
			return;
		tb_putc(b, '[');
		for (uint64_t k = 0; k < n; k++)
			tb_printf(b, k ? ", %d" : "%d", (int)get32(raw, (unsigned)(4 * k)));
		tb_puts(b, n < len / 4 ? ", ...]" : "]");
	} else if (level == 1 && type == 2 && len >= 12) {
		uint8_t raw[12];
		if (strace_fetch(b, x, at, raw, 12))
			tb_printf(b, "{pid=%d, uid=%u, gid=%u}", (int)get32(raw, 0), get32(raw, 4),
				  get32(raw, 8));
	} else {
		strace_data(b, x->t, at, len, QUOTE_HEX);
	}
}

/* The control messages in [addr, addr + size): cmsg_len is a size_t, and
 * each message is aligned to one. */
static void cmsgs(struct tbuf *b, const struct arg_ctx *x, uint64_t addr, uint64_t size)
{
	unsigned w = x->is64 ? 8 : 4, head = w + 8;
	uint64_t off = 0;
	tb_putc(b, '[');
	for (int k = 0; off + head <= size; k++) {
		uint8_t raw[16];
		if (k == CMSG_MAX_SHOWN || !strace_read(x, addr + off, raw, head)) {
			tb_puts(b, k ? ", ..." : "...");
			break;
		}
		uint64_t len = get_long(raw, 0, x->is64);
		int level = (int)get32(raw, w), type = (int)get32(raw, w + 4);
		tb_printf(b, "%s{cmsg_len=%llu, cmsg_level=", k ? ", " : "",
			  (unsigned long long)len);
		tb_enum(b, socket_levels, (uint64_t)level, 1);
		tb_puts(b, ", cmsg_type=");
		if (level == 1)
			tb_enum(b, scm_types, (uint64_t)type, 1);
		else
			tb_printf(b, "%d", type);
		if (len > head && off + len <= size) {
			tb_puts(b, ", cmsg_data=");
			cmsg_data(b, x, addr + off + head, level, type, len - head);
		}
		tb_putc(b, '}');
		if (len < head)
			break;
		off += (len + w - 1) & ~(uint64_t)(w - 1);
	}
	tb_putc(b, ']');
}

/* A message header; `out`: recvmsg's, once it returned `ret` bytes. */
static void msghdr_at(struct tbuf *b, const struct arg_ctx *x, uint64_t addr, unsigned index,
		      int out)
{
	struct msghdr_layout l = msghdr_layout(x->is64);
	uint8_t raw[56];
	if (out && x->failed) {
		tb_printf(b, "{msg_namelen=%u}", x->entry[index]);
		return;
	}
	if (!strace_fetch(b, x, addr, raw, l.size))
		return;
	uint64_t name = get_long(raw, l.name, x->is64), control = get_long(raw, l.control, x->is64);
	uint32_t namelen = get32(raw, l.namelen);
	uint64_t controllen = get_long(raw, l.controllen, x->is64);
	tb_puts(b, "{msg_name=");
	if (name && namelen)
		strace_sockaddr(b, x, name, namelen);
	else
		strace_ptr(b, name);
	tb_printf(b, ", msg_namelen=%u", out ? x->entry[index] : namelen);
	if (out && x->entry[index] != namelen)
		tb_printf(b, " => %u", namelen);
	tb_puts(b, ", msg_iov=");
	uint64_t iovlen = get_long(raw, l.iovlen, x->is64);
	strace_iovec(b, x, get_long(raw, l.iov, x->is64), iovlen, out);
	tb_printf(b, ", msg_iovlen=%llu", (unsigned long long)iovlen);
	if (controllen) {
		tb_puts(b, ", msg_control=");
		cmsgs(b, x, control, controllen);
	}
	tb_printf(b, ", msg_controllen=%llu, msg_flags=", (unsigned long long)controllen);
	tb_flags(b, msg_flags, get32(raw, l.flags), "0");
	tb_putc(b, '}');
}

/* An address the call filled in: as long as the length after it says. */
static void sockaddr_out(struct tbuf *b, const struct arg_ctx *x, uint64_t addr, unsigned index)
{
	uint8_t raw[4];
	uint64_t len_at = index + 1 < STRACE_ARGS ? x->a[index + 1] : 0;
	uint32_t len = len_at && strace_read(x, len_at, raw, 4) ? get32(raw, 0) : 0;
	uint32_t room = x->entry[index + 1];
	if (len)
		strace_sockaddr(b, x, addr, len < room ? len : room);
	else
		strace_ptr(b, addr);
}

/* A socket option's value of len bytes: a linger or peer credentials
 * structure, an int, or the bytes. */
static void sockopt_value(struct tbuf *b, const struct arg_ctx *x, uint64_t addr, uint64_t len)
{
	uint8_t raw[12];
	if (x->a[1] == 1 && x->a[2] == 13 && len >= 8) { /* SOL_SOCKET, SO_LINGER */
		if (strace_fetch(b, x, addr, raw, 8))
			tb_printf(b, "{l_onoff=%d, l_linger=%d}", (int)get32(raw, 0),
				  (int)get32(raw, 4));
	} else if (x->a[1] == 1 && x->a[2] == 17 && len >= 12) { /* SO_PEERCRED */
		if (strace_fetch(b, x, addr, raw, 12))
			tb_printf(b, "{pid=%d, uid=%u, gid=%u}", (int)get32(raw, 0), get32(raw, 4),
				  get32(raw, 8));
	} else if (len == 4) {
		if (strace_fetch(b, x, addr, raw, 4))
			tb_printf(b, "[%d]", (int)get32(raw, 0));
	} else {
		strace_data(b, x->t, addr, len, QUOTE_HEX);
	}
}

int strace_sock_struct(struct tbuf *b, const struct arg_ctx *x, unsigned kind, unsigned index)
{
	uint64_t v = x->a[index];
	uint8_t raw[4];
	switch (kind) {
	case K_MSGHDR: msghdr_at(b, x, v, index, 0); return 1;
	case K_MSGHDR_OUT: msghdr_at(b, x, v, index, 1); return 1;
	case K_SOCKADDR_OUT: sockaddr_out(b, x, v, index); return 1;
	case K_SOCKLEN_INOUT:
		if (x->failed)
			socklen(b, x->entry[index], 0, 1);
		else if (strace_fetch(b, x, v, raw, 4))
			socklen(b, x->entry[index], get32(raw, 0), 0);
		return 1;
	case K_SOCKOPT_IN: sockopt_value(b, x, v, x->a[index + 1]); return 1;
	case K_SOCKOPT_OUT:
		if (strace_read(x, x->a[index + 1], raw, 4))
			sockopt_value(b, x, v, get32(raw, 0));
		else
			strace_ptr(b, v);
		return 1;
	default: return 0;
	}
}
