/* Building the XML documents gdb reads (thread list, process list) into a
 * fixed buffer. */
#include <stdarg.h>
#include <stdio.h>

#include "debug/gdb_internal.h"

void gdb_xml_append(char *out, size_t size, size_t *len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(*len < size ? out + *len : NULL, *len < size ? size - *len : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		*len += (size_t)n;
}

void gdb_xml_escaped(char *out, size_t size, size_t *len, const char *s)
{
	for (; *s; s++) {
		const char *e = *s == '<'   ? "&lt;"
				: *s == '>' ? "&gt;"
				: *s == '&' ? "&amp;"
				: *s == '"' ? "&quot;"
					    : NULL;
		if (e)
			gdb_xml_append(out, size, len, "%s", e);
		else
			gdb_xml_append(out, size, len, "%c", *s);
	}
}
