/* The bounded text buffer and strace's ways of writing strings and flags. */
#include "trace/tbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void tb_printf(struct tbuf *b, const char *fmt, ...)
{
	va_list ap;
	if (b->len + 1 >= b->cap)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		b->len = b->len + (size_t)n < b->cap ? b->len + (size_t)n : b->cap - 1;
}

void tb_puts(struct tbuf *b, const char *s)
{
	size_t n = strlen(s);
	if (b->len + n >= b->cap)
		n = b->cap - 1 - b->len;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = 0;
}

void tb_putc(struct tbuf *b, char ch)
{
	if (b->len + 1 >= b->cap)
		return;
	b->p[b->len++] = ch;
	b->p[b->len] = 0;
}

/* strace's escapes: the usual letters, else octal in as few digits as
 * possible unless the next byte is an octal digit itself. */
static void quote_byte(struct tbuf *b, uint8_t ch, int next_is_digit)
{
	static const char letters[] = "\f\n\r\t\v\"\\";
	static const char names[] = "fnrtv\"\\";
	const char *hit = ch ? strchr(letters, ch) : NULL;
	if (hit) {
		tb_putc(b, '\\');
		tb_putc(b, names[hit - letters]);
	} else if (ch >= ' ' && ch < 0x7f) {
		tb_putc(b, (char)ch);
	} else if (next_is_digit) {
		tb_printf(b, "\\%03o", ch);
	} else {
		tb_printf(b, "\\%o", ch);
	}
}

void tb_quote(struct tbuf *b, const uint8_t *data, size_t n, int more, int style)
{
	tb_putc(b, '"');
	for (size_t k = 0; k < n; k++) {
		if (style == QUOTE_HEX)
			tb_printf(b, "\\x%02x", data[k]);
		else
			quote_byte(b, data[k], k + 1 < n && data[k + 1] >= '0' && data[k + 1] <= '7');
	}
	tb_puts(b, more ? "\"..." : "\"");
}

void tb_flags(struct tbuf *b, const struct flag_name *names, uint64_t v, const char *zero)
{
	int any = 0;
	for (const struct flag_name *f = names; f->name && v; f++)
		if (f->bit && (v & f->bit) == f->bit) {
			tb_printf(b, "%s%s", any ? "|" : "", f->name);
			v &= ~f->bit;
			any = 1;
		}
	if (v)
		tb_printf(b, "%s%#llx", any ? "|" : "", (unsigned long long)v);
	else if (!any)
		tb_puts(b, zero);
}

const char *flag_lookup(const struct flag_name *names, uint64_t v)
{
	for (const struct flag_name *f = names; f->name; f++)
		if (f->bit == v)
			return f->name;
	return NULL;
}

void tb_enum(struct tbuf *b, const struct flag_name *names, uint64_t v, int as_int)
{
	const char *name = flag_lookup(names, v);
	if (name)
		tb_puts(b, name);
	else if (as_int)
		tb_printf(b, "%d", (int)v);
	else
		tb_printf(b, "%#llx", (unsigned long long)v);
}
