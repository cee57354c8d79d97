/* The -s system call trace, one strace-like line per call:
 *   [pid] name(arg, "string"..., 0x7f00) = 3
 *   [pid] open("/nope", 0, 0) = -1 ENOENT (No such file or directory) */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kernel/entry.h"
#include "kernel/sys/syscall.h"
#include "mem/uaccess.h"

#define STRING_CUT 32

static size_t format_string(struct task *t, uint64_t addr, char *out, size_t size)
{
	char buf[STRING_CUT + 1];
	long n = strncpy_from_user(t->proc->mm, buf, addr, sizeof buf);
	if (n == -EFAULT)
		return (size_t)snprintf(out, size, "%#llx", (unsigned long long)addr);
	size_t len = n < 0 ? STRING_CUT : (size_t)n, used = 0;
	used += (size_t)snprintf(out + used, size - used, "\"");
	for (size_t k = 0; k < len && used + 5 < size; k++) {
		unsigned char ch = (unsigned char)buf[k];
		if (ch == '"' || ch == '\\')
			used += (size_t)snprintf(out + used, size - used, "\\%c", ch);
		else if (ch == '\n')
			used += (size_t)snprintf(out + used, size - used, "\\n");
		else if (ch < 32 || ch > 126)
			used += (size_t)snprintf(out + used, size - used, "\\%o", ch);
		else
			out[used++] = (char)ch, out[used] = 0;
	}
	used += (size_t)snprintf(out + used, size - used, n < 0 ? "\"..." : "\"");
	return used;
}

static size_t format_arg(struct task *t, char kind, uint64_t v, char *out, size_t size)
{
	switch (kind) {
	case 'i': return (size_t)snprintf(out, size, "%d", (int)v);
	case 'l': return (size_t)snprintf(out, size, "%lld", (long long)sys_sarg(t, v));
	case 'u': return (size_t)snprintf(out, size, "%llu", (unsigned long long)v);
	case 'o': return (size_t)snprintf(out, size, "%#llo", (unsigned long long)v);
	case 's': return format_string(t, v, out, size);
	default:
		return v ? (size_t)snprintf(out, size, "%#llx", (unsigned long long)v)
			 : (size_t)snprintf(out, size, "0");
	}
}

void syscall_format_args(struct task *t, const struct syscall_desc *d, const uint64_t *a, char *out,
			 size_t size)
{
	size_t used = 0;
	out[0] = 0;
	for (int k = 0; d->fmt[k] && k < 6 && used + 2 < size; k++) {
		if (k)
			used += (size_t)snprintf(out + used, size - used, ", ");
		if (used < size)
			used += format_arg(t, d->fmt[k], a[k], out + used, size - used);
	}
}

void syscall_trace(struct task *t, int abi, uint64_t nr, const uint64_t *a, int64_t ret,
		   const char *args_text)
{
	FILE *log = t->vm->log;
	const struct syscall_desc *d = syscall_lookup(abi, nr);
	if (d)
		fprintf(log, "[%d] %s(%s)", t->tid, d->name, args_text);
	else
		fprintf(log, "[%d] syscall_%llu(%#llx, %#llx, %#llx, ...)", t->tid,
			(unsigned long long)nr, (unsigned long long)a[0], (unsigned long long)a[1],
			(unsigned long long)a[2]);
	if (ret == SYSCALL_REGS_SET)
		fprintf(log, " = ?\n");
	else if (ret < 0 && ret >= -4095)
		fprintf(log, " = -1 %s (%s)%s\n", strerrorname_np((int)-ret), strerror((int)-ret),
			d ? "" : " [unsupported]");
	else if (ret > 0xffff)
		fprintf(log, " = %#llx\n", (unsigned long long)ret);
	else
		fprintf(log, " = %lld\n", (long long)ret);
}
