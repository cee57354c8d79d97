/* A bounded text buffer for building trace lines: appends never overflow
 * (what does not fit is cut), so a printer need not check sizes. */
#ifndef HEXVM_TRACE_TBUF_H
#define HEXVM_TRACE_TBUF_H

#include <stddef.h>
#include <stdint.h>

struct tbuf {
	char *p;
	size_t len, cap; /* p[len] is always 0; cap counts the terminator */
};

#define TBUF_ON(array) ((struct tbuf){(array), 0, sizeof(array)})

static inline void tb_reset(struct tbuf *b)
{
	b->len = 0;
	b->p[0] = 0;
}

void tb_printf(struct tbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tb_puts(struct tbuf *b, const char *s);
void tb_putc(struct tbuf *b, char ch);

enum { QUOTE_OCTAL, QUOTE_HEX };
/* Appends n bytes as a C string literal the way strace writes one: quotes,
 * \n \t ... and octal escapes (every byte as \xNN with QUOTE_HEX), and
 * "..." after it when `more` says the data went on. */
void tb_quote(struct tbuf *b, const uint8_t *data, size_t n, int more, int style);

/* Names of the set bits of v, "A|B", from a table ending in {0, NULL}; bits
 * without a name are added as one hex number. An empty set prints `zero`. */
struct flag_name {
	uint64_t bit;
	const char *name;
};
void tb_flags(struct tbuf *b, const struct flag_name *names, uint64_t v, const char *zero);
/* The name of value v from a table, or NULL. */
const char *flag_lookup(const struct flag_name *names, uint64_t v);
/* v by its name from a table, else as a number: `as_int` decimal, or hex. */
void tb_enum(struct tbuf *b, const struct flag_name *names, uint64_t v, int as_int);

#endif
