/* The socket to gdb and the remote protocol's packet framing. */
#include "debug/gdb_conn.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "host/termsig.h"

#define INTERRUPT_BYTE 0x03
#define ESCAPE_BYTE    0x7d
#define ACCEPT_POLL_MS 200
#define SEND_TRIES     8

static int fail(char *msg, size_t size, const char *what, const char *address)
{
	snprintf(msg, size, "--gdb %s: %s: %s", address, what, strerror(errno));
	return -1;
}

static int listen_unix(const char *path, const char *address, char *msg, size_t size)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct stat st;
	if (strlen(path) >= sizeof sa.sun_path) {
		errno = ENAMETOOLONG;
		return fail(msg, size, "socket path", address);
	}
	strcpy(sa.sun_path, path);
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path); /* left by an earlier run */
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) || listen(fd, 1)) {
		fail(msg, size, "cannot listen", address);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	fprintf(stderr, "hexvm: waiting for gdb on unix:%s\n", path);
	return fd;
}

/* "PORT" (and "localhost:PORT") listens on the loopback address only;
 * "HOST:PORT" on HOST, an IPv4 address. */
static int listen_tcp(const char *address, char *msg, size_t size)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	const char *colon = strrchr(address, ':'), *port = colon ? colon + 1 : address;
	char host[64] = "127.0.0.1", *end;
	long n = strtol(port, &end, 10);
	if (colon && (size_t)(colon - address) < sizeof host && strncmp(address, "localhost:", 10))
		snprintf(host, sizeof host, "%.*s", (int)(colon - address), address);
	if (!*port || *end || n < 0 || n > 65535 || inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
		snprintf(msg, size, "--gdb %s: expected PORT, HOST:PORT or unix:PATH", address);
		return -1;
	}
	sa.sin_port = htons((uint16_t)n);
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	socklen_t len = sizeof sa;
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) ||
	    bind(fd, (struct sockaddr *)&sa, sizeof sa) || listen(fd, 1) ||
	    getsockname(fd, (struct sockaddr *)&sa, &len)) {
		fail(msg, size, "cannot listen", address);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	fprintf(stderr, "hexvm: waiting for gdb on %s:%u\n", host, ntohs(sa.sin_port));
	return fd;
}

/* Waits for the connection; Ctrl-C at hexvm's terminal gives up. */
static int wait_for_gdb(int listen_fd, const char *address, char *msg, size_t size)
{
	struct pollfd p = {listen_fd, POLLIN, 0};
	for (;;) {
		if (termsig_take()) {
			snprintf(msg, size, "--gdb %s: interrupted while waiting for gdb", address);
			return -1;
		}
		int n = poll(&p, 1, ACCEPT_POLL_MS);
		if (n < 0 && errno != EINTR)
			return fail(msg, size, "poll", address);
		if (n <= 0)
			continue;
		int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd >= 0)
			return fd;
		if (errno != EINTR && errno != ECONNABORTED)
			return fail(msg, size, "accept", address);
	}
}

int gdb_conn_accept(struct gdb_conn *c, const char *address, char *msg, size_t msgsize)
{
	int is_unix = !strncmp(address, "unix:", 5), one = 1;
	int lfd = is_unix ? listen_unix(address + 5, address, msg, msgsize)
			  : listen_tcp(address, msg, msgsize);
	c->fd = -1;
	c->noack = 0;
	c->in_len = 0;
	if (lfd < 0)
		return -1;
	c->fd = wait_for_gdb(lfd, address, msg, msgsize);
	close(lfd);
	if (is_unix)
		unlink(address + 5);
	if (c->fd < 0)
		return -1;
	if (!is_unix)
		setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return 0;
}

void gdb_conn_close(struct gdb_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

/* Reads more into c->in, waiting for it. 0, or -1 when gdb went away. */
static int fill(struct gdb_conn *c)
{
	if (c->in_len == sizeof c->in)
		c->in_len = 0; /* garbage without a packet end: start over */
	for (;;) {
		ssize_t n = recv(c->fd, c->in + c->in_len, sizeof c->in - c->in_len, 0);
		if (n > 0) {
			c->in_len += (size_t)n;
			return 0;
		}
		if (n == 0 || errno != EINTR)
			return -1;
	}
}

static void consume(struct gdb_conn *c, size_t n)
{
	memmove(c->in, c->in + n, c->in_len - n);
	c->in_len -= n;
}

static int send_all(struct gdb_conn *c, const void *data, size_t len)
{
	const char *p = data;
	while (len) {
		ssize_t n = send(c->fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int hex_digit(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Drops what comes before a packet start, noting interrupt bytes; the
 * offset of '#' of a complete packet at the front, or 0 when incomplete. */
static size_t frame(struct gdb_conn *c, int *interrupted)
{
	size_t k = 0;
	while (k < c->in_len && c->in[k] != '$') {
		if (c->in[k] == INTERRUPT_BYTE)
			*interrupted = 1;
		k++;
	}
	consume(c, k);
	uint8_t *hash = c->in_len ? memchr(c->in, '#', c->in_len) : NULL;
	if (!hash || (size_t)(hash - c->in) + 3 > c->in_len)
		return 0;
	return (size_t)(hash - c->in);
}

/* Copies the payload between '$' and '#' into buf, unescaped. */
static int unescape(const uint8_t *p, size_t n, char *buf, size_t size)
{
	size_t out = 0;
	for (size_t k = 0; k < n; k++) {
		uint8_t b = p[k];
		if (b == ESCAPE_BYTE && k + 1 < n)
			b = p[++k] ^ 0x20;
		if (out + 1 >= size)
			return -1;
		buf[out++] = (char)b;
	}
	buf[out] = 0;
	return (int)out;
}

int gdb_conn_recv(struct gdb_conn *c, char *buf, size_t size, int *interrupted)
{
	for (;;) {
		size_t hash = frame(c, interrupted);
		if (!hash) {
			if (fill(c))
				return -1;
			continue;
		}
		uint8_t sum = 0;
		for (size_t k = 1; k < hash; k++)
			sum = (uint8_t)(sum + c->in[k]);
		int hi = hex_digit(c->in[hash + 1]), lo = hex_digit(c->in[hash + 2]);
		int ok = hi >= 0 && lo >= 0 && (uint8_t)(hi << 4 | lo) == sum;
		int len = ok ? unescape(c->in + 1, hash - 1, buf, size) : -1;
		consume(c, hash + 3);
		if (!c->noack && send_all(c, ok ? "+" : "-", 1))
			return -1;
		if (ok)
			return len < 0 ? GDB_TOO_LONG : len;
		if (c->noack) {
			buf[0] = 0; /* nobody will resend it: answer it as unknown */
			return 0;
		}
	}
}

/* Waits for gdb's acknowledgement: 1 for '+', 0 for '-', -1 when gone. */
static int await_ack(struct gdb_conn *c)
{
	for (;;) {
		for (size_t k = 0; k < c->in_len; k++)
			if (c->in[k] == '+' || c->in[k] == '-') {
				int ack = c->in[k] == '+';
				consume(c, k + 1);
				return ack;
			}
		if (c->in_len && c->in[0] != '$')
			consume(c, c->in_len);
		if (fill(c))
			return -1;
	}
}

int gdb_conn_send(struct gdb_conn *c, const char *data, size_t len)
{
	char *frame_buf = malloc(len + 5); /* $, data, #, two digits, NUL */
	uint8_t sum = 0;
	if (!frame_buf)
		return -1;
	for (size_t k = 0; k < len; k++)
		sum = (uint8_t)(sum + (uint8_t)data[k]);
	frame_buf[0] = '$';
	memcpy(frame_buf + 1, data, len);
	snprintf(frame_buf + 1 + len, 4, "#%02x", sum);
	int rc = -1;
	for (int tries = 0; tries < SEND_TRIES; tries++) {
		if (send_all(c, frame_buf, len + 4))
			break;
		int ack = c->noack ? 1 : await_ack(c);
		if (ack != 0) {
			rc = ack > 0 ? 0 : -1;
			break;
		}
	}
	free(frame_buf);
	return rc;
}

/* Takes what gdb sent, waiting at most timeout_ms: 1 when bytes came, 0
 * when none did, -1 when gdb went away. */
static int take_waiting(struct gdb_conn *c, int timeout_ms)
{
	struct pollfd p = {c->fd, POLLIN, 0};
	if (poll(&p, 1, timeout_ms) <= 0)
		return 0;
	if (c->in_len == sizeof c->in)
		c->in_len = 0;
	ssize_t n = recv(c->fd, c->in + c->in_len, sizeof c->in - c->in_len, MSG_DONTWAIT);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
		return -1;
	if (n > 0)
		c->in_len += (size_t)n;
	return n > 0;
}

int gdb_conn_interrupted(struct gdb_conn *c, int timeout_ms)
{
	/* it may have come right behind the packet that resumed the machine */
	uint8_t *brk = c->in_len ? memchr(c->in, INTERRUPT_BYTE, c->in_len) : NULL;
	if (!brk) {
		int rc = take_waiting(c, timeout_ms);
		if (rc <= 0)
			return rc;
		brk = memchr(c->in, INTERRUPT_BYTE, c->in_len);
	}
	if (!brk)
		return 0;
	consume(c, (size_t)(brk - c->in) + 1);
	return 1;
}

int gdb_conn_packet_ready(struct gdb_conn *c)
{
	if (take_waiting(c, 0) < 0)
		return -1;
	uint8_t *start = c->in_len ? memchr(c->in, '$', c->in_len) : NULL;
	uint8_t *hash = start ? memchr(start, '#', c->in_len - (size_t)(start - c->in)) : NULL;
	return hash && (size_t)(hash - c->in) + 3 <= c->in_len;
}

void reply_str(struct gdb_reply *r, const char *s)
{
	size_t n = strlen(s);
	if (n > reply_room(r)) {
		r->overflow = 1;
		return;
	}
	memcpy(r->buf + r->len, s, n);
	r->len += n;
}

void reply_fmt(struct gdb_reply *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(r->buf + r->len, reply_room(r), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= reply_room(r))
		r->overflow = 1;
	else
		r->len += (size_t)n;
}

void reply_hex(struct gdb_reply *r, const void *data, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	const uint8_t *p = data;
	if (2 * n > reply_room(r)) {
		r->overflow = 1;
		return;
	}
	for (size_t k = 0; k < n; k++) {
		r->buf[r->len++] = digits[p[k] >> 4];
		r->buf[r->len++] = digits[p[k] & 15];
	}
}

size_t reply_bin(struct gdb_reply *r, const void *data, size_t n)
{
	const uint8_t *p = data;
	size_t k = 0;
	for (; k < n; k++) {
		uint8_t b = p[k];
		int esc = b == '$' || b == '#' || b == ESCAPE_BYTE || b == '*';
		if (reply_room(r) < (size_t)(esc ? 2 : 1))
			break;
		if (esc) {
			r->buf[r->len++] = ESCAPE_BYTE;
			b ^= 0x20;
		}
		r->buf[r->len++] = (char)b;
	}
	return k;
}

int hex_decode(const char *hex, size_t nbytes, uint8_t *out)
{
	for (size_t k = 0; k < nbytes; k++) {
		int hi = hex_digit(hex[2 * k]), lo = hi < 0 ? -1 : hex_digit(hex[2 * k + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[k] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

int hex_number(const char *s, uint64_t *v, const char **end)
{
	uint64_t x = 0;
	int digits = 0, d;
	for (; (d = hex_digit(*s)) >= 0 && digits < 16; s++, digits++)
		x = x << 4 | (uint64_t)d;
	*v = x;
	if (end)
		*end = s;
	return digits > 0 && hex_digit(*s) < 0 ? 0 : -1;
}
