/* The gdb remote protocol's transport: one socket to gdb, packets framed
 * as $data#checksum with acknowledgements until gdb turns them off, and
 * gdb's interrupt byte (0x03) outside packets. */
#ifndef HEXVM_DEBUG_GDB_CONN_H
#define HEXVM_DEBUG_GDB_CONN_H

#include <stddef.h>
#include <stdint.h>

/* What qSupported announces as PacketSize, and the largest packet taken. */
#define GDB_PACKET_MAX 16384
#define GDB_IN_BUF     (2 * GDB_PACKET_MAX + 16)

struct gdb_conn {
	int fd; /* -1: not connected */
	int noack;
	uint8_t in[GDB_IN_BUF]; /* received, not yet taken */
	size_t in_len;
};

/* Listens on `address` ("PORT", "HOST:PORT", "unix:PATH"), says where on
 * stderr, and waits for gdb. 0, or -1 with a reason in msg. */
int gdb_conn_accept(struct gdb_conn *c, const char *address, char *msg, size_t msgsize);
void gdb_conn_close(struct gdb_conn *c);

/* The next packet's payload, unescaped and NUL-terminated, acknowledged.
 * Its length, GDB_TOO_LONG when it does not fit, or -1 when gdb went away.
 * Interrupt bytes between packets set *interrupted. */
#define GDB_TOO_LONG (-2)
int gdb_conn_recv(struct gdb_conn *c, char *buf, size_t size, int *interrupted);
/* Sends one packet (retransmitted on a negative acknowledgement). */
int gdb_conn_send(struct gdb_conn *c, const char *data, size_t len);
/* Waiting at most timeout_ms (-1: until something comes): 1 when gdb sent
 * its interrupt byte, -1 when it went away, 0 otherwise. */
int gdb_conn_interrupted(struct gdb_conn *c, int timeout_ms);
/* Without waiting: 1 when a whole packet has come, 0 when not, -1 when gdb
 * went away. */
int gdb_conn_packet_ready(struct gdb_conn *c);

/* A reply being built: text, hex and escaped binary. Overflow marks it
 * bad rather than writing past the end. */
struct gdb_reply {
	char buf[GDB_PACKET_MAX];
	size_t len;
	int overflow;
};
void reply_str(struct gdb_reply *r, const char *s);
void reply_fmt(struct gdb_reply *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void reply_hex(struct gdb_reply *r, const void *data, size_t n);
/* Binary data with $, #, } and * escaped; returns how many bytes fit. */
size_t reply_bin(struct gdb_reply *r, const void *data, size_t n);
/* Room left for hex or binary data. */
static inline size_t reply_room(const struct gdb_reply *r) { return sizeof r->buf - r->len; }

/* Hex helpers: 0 on success. */
int hex_decode(const char *hex, size_t nbytes, uint8_t *out);
/* Parses a hex number up to a character not a hex digit; *end after it. */
int hex_number(const char *s, uint64_t *v, const char **end);

#endif
