/* The initial process stack, laid out as Linux's ELF loader does: strings at
 * the top (execfn highest), then the platform string and AT_RANDOM bytes,
 * then, 16-byte aligned, argc, argv[], envp[] and the auxiliary vector. */
#include <string.h>

#include "kernel/abi/layout.h"
#include "kernel/vm.h"
#include "loader/loader.h"
#include "mem/mm.h"

enum {
	AT_NULL = 0,
	AT_PHDR = 3,
	AT_PHENT = 4,
	AT_PHNUM = 5,
	AT_PAGESZ = 6,
	AT_BASE = 7,
	AT_FLAGS = 8,
	AT_ENTRY = 9,
	AT_UID = 11,
	AT_EUID = 12,
	AT_GID = 13,
	AT_EGID = 14,
	AT_PLATFORM = 15,
	AT_HWCAP = 16,
	AT_CLKTCK = 17,
	AT_SECURE = 23,
	AT_RANDOM = 25,
	AT_HWCAP2 = 26,
	AT_EXECFN = 31,
	AT_MINSIGSTKSZ = 51,
};

struct builder {
	struct mm *mm;
	uint64_t sp, bottom;
	int failed;
};

static uint64_t push_bytes(struct builder *b, const void *data, size_t n)
{
	if (b->sp - b->bottom < n + 64) {
		b->failed = 1;
		return 0;
	}
	b->sp -= n;
	memcpy(mm_host(b->mm, b->sp), data, n);
	return b->sp;
}

static uint64_t push_string(struct builder *b, const char *s)
{
	return push_bytes(b, s, strlen(s) + 1);
}

static size_t count(char *const v[])
{
	size_t n = 0;
	while (v && v[n])
		n++;
	return n;
}

uint64_t stack_build(struct process *p, uint64_t top, uint64_t bottom, char *const argv[],
		     char *const envp[], const struct stack_layout *lay)
{
	struct builder b = {p->mm, top, bottom, 0};
	int is64 = p->mode64;
	unsigned w = is64 ? 8 : 4;
	size_t argc = count(argv), envc = count(envp);
	uint64_t execfn = push_string(&b, lay->execfn);
	uint64_t env_addr[envc + 1], arg_addr[argc + 1];
	for (size_t k = envc; k-- > 0;)
		env_addr[k] = push_string(&b, envp[k]);
	for (size_t k = argc; k-- > 0;)
		arg_addr[k] = push_string(&b, argv[k]);
	/* the strings lie back to back: arguments below the environment */
	b.mm->env_end = execfn;
	b.mm->env_start = b.mm->arg_end = envc ? env_addr[0] : execfn;
	b.mm->arg_start = argc ? arg_addr[0] : b.mm->arg_end;
	uint64_t platform = push_string(&b, lay->platform);
	uint64_t random = push_bytes(&b, lay->random, 16);
	const uint64_t aux[][2] = {
		{AT_HWCAP, lay->hwcap}, {AT_PAGESZ, 4096},	{AT_CLKTCK, 100},
		{AT_PHDR, lay->phdr},	{AT_PHENT, lay->phent}, {AT_PHNUM, lay->phnum},
		{AT_BASE, lay->base},	{AT_FLAGS, 0},		{AT_ENTRY, lay->entry},
		{AT_UID, lay->uid},	{AT_EUID, lay->uid},	{AT_GID, lay->gid},
		{AT_EGID, lay->gid},	{AT_SECURE, 0},		{AT_RANDOM, random},
		{AT_HWCAP2, 0},		{AT_EXECFN, execfn},	{AT_PLATFORM, platform},
		{AT_MINSIGSTKSZ, 2048}, {AT_NULL, 0},
	};
	size_t naux = sizeof aux / sizeof aux[0];
	size_t words = 1 + argc + 1 + envc + 1 + 2 * naux;
	b.sp = (b.sp - words * w) & ~15ull;
	if (b.failed || b.sp < bottom + 64)
		return 0;
	uint8_t *q = mm_host(b.mm, b.sp);
	unsigned off = 0;
	put_long(q, off, argc, is64), off += w;
	for (size_t k = 0; k < argc; k++)
		put_long(q, off, arg_addr[k], is64), off += w;
	put_long(q, off, 0, is64), off += w;
	for (size_t k = 0; k < envc; k++)
		put_long(q, off, env_addr[k], is64), off += w;
	put_long(q, off, 0, is64), off += w;
	b.mm->auxv_start = b.sp + off;
	for (size_t k = 0; k < naux; k++) {
		put_long(q, off, aux[k][0], is64), off += w;
		put_long(q, off, aux[k][1], is64), off += w;
	}
	b.mm->auxv_end = b.sp + off;
	return b.sp;
}
