/* The native process at its first instruction, made a start both sides can
 * share, then copied into hexvm.
 *
 * - Its vDSO is hidden (AT_SYSINFO_EHDR and AT_SYSINFO become AT_IGNORE), so
 *   that time calls are real system calls whose results lockstep copies,
 *   rather than reads of kernel pages that change behind its back; hexvm
 *   offers no vDSO either.
 * - Its stack moves where hexvm's loader puts one: an x86-64 kernel puts it
 *   near 2^47, far above hexvm's 64 GiB window. The new stack is a fixed
 *   8 MiB mapping (hexvm's size, not growing), and the pointers into the old
 *   one (argv, envp, the auxv strings and random bytes) are moved with it. */
#if defined(__linux__) && defined(__x86_64__) /* else lockstep.c says it is not available */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "debug/lockstep_int.h"
#include "loader/loader.h"
#include "mem/mm.h"

#define STACK_TOP_64 (MM_WINDOW_64 - PAGE_SIZE_G) /* as hexvm's loader */
#define STACK_TOP_32 0xffffe000ull		  /* as Linux and hexvm */

enum {
	AT_NULL_ = 0,
	AT_IGNORE_ = 1,
	AT_PLATFORM_ = 15,
	AT_BASE_PLATFORM_ = 24,
	AT_RANDOM_ = 25,
	AT_EXECFN_ = 31,
	AT_SYSINFO_ = 32,
	AT_SYSINFO_EHDR_ = 33,
};

/* The native mapping around `addr` (any, outside the window too). */
static int native_mapping(struct lockstep *ls, uint64_t addr, uint64_t *lo, uint64_t *hi)
{
	char path[64], line[512];
	unsigned long long s, t;
	int found = 0;
	snprintf(path, sizeof path, "/proc/%d/maps", (int)ls->proc_pid);
	FILE *f = fopen(path, "re");
	while (f && !found && fgets(line, sizeof line, f))
		if (sscanf(line, "%llx-%llx", &s, &t) == 2 && s <= addr && addr < t)
			*lo = s, *hi = t, found = 1;
	if (f)
		fclose(f);
	return found ? 0 : -1;
}

/* The initial stack image [sp, hi): its words, and what moves. */
struct stack_image {
	uint8_t *buf;
	uint64_t sp, hi, delta; /* the image moves down by delta */
	unsigned w;		/* word size */
};

static uint64_t get_word(const struct stack_image *s, size_t off)
{
	uint64_t v = 0;
	memcpy(&v, s->buf + off, s->w);
	return v;
}

static void put_word(struct stack_image *s, size_t off, uint64_t v)
{
	memcpy(s->buf + off, &v, s->w);
}

static void move_pointer(struct stack_image *s, size_t off)
{
	uint64_t v = get_word(s, off);
	if (v >= s->sp && v < s->hi)
		put_word(s, off, v - s->delta);
}

/* argc, argv[], NULL, envp[], NULL, auxv pairs up to AT_NULL. */
static int rewrite_stack(struct stack_image *s)
{
	size_t len = (size_t)(s->hi - s->sp), off = s->w;
	uint64_t argc = get_word(s, 0);
	for (uint64_t k = 0; k < argc && off < len; k++, off += s->w)
		move_pointer(s, off);
	off += s->w;
	for (; off < len && get_word(s, off); off += s->w)
		move_pointer(s, off);
	for (off += s->w; off + 2 * s->w <= len; off += 2 * s->w) {
		uint64_t type = get_word(s, off);
		if (type == AT_NULL_)
			return 0;
		if (type == AT_SYSINFO_ || type == AT_SYSINFO_EHDR_)
			put_word(s, off, AT_IGNORE_);
		if (type == AT_PLATFORM_ || type == AT_BASE_PLATFORM_ || type == AT_RANDOM_ ||
		    type == AT_EXECFN_)
			move_pointer(s, off + s->w);
	}
	return -1;
}

/* A fresh fixed stack mapping in the native, made by the native itself. */
static int map_native_stack(struct lockstep *ls, uint64_t top)
{
	enum { PROT_RW = 3, FLAGS = 0x32 /* MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED */ };
	const uint64_t args[6] = {top - LS_STACK_SIZE, LS_STACK_SIZE, PROT_RW, FLAGS,
				  (uint64_t)-1, 0};
	uint64_t ret;
	if (ls_native_syscall(ls, ls->mode64 ? 9 /* mmap */ : 192 /* mmap2 */, args, &ret))
		return -1;
	return (ls->mode64 ? ret : (uint32_t)ret) == top - LS_STACK_SIZE ? 0 : -1;
}

static int prepare_stack(struct lockstep *ls, char *msg, size_t msg_size)
{
	struct user_regs_struct r;
	struct stack_image s = {.w = ls->mode64 ? 8 : 4};
	uint64_t lo, top = ls->mode64 ? STACK_TOP_64 : STACK_TOP_32;
	if (ls_native_regs(ls, &r) || native_mapping(ls, r.rsp, &lo, &s.hi)) {
		snprintf(msg, msg_size, "cannot find the native stack");
		return -1;
	}
	s.sp = r.rsp;
	s.delta = s.hi - top;
	if (s.hi - s.sp > LS_STACK_SIZE / 2 || !(s.buf = malloc((size_t)(s.hi - s.sp)))) {
		snprintf(msg, msg_size, "the initial stack is too large");
		return -1;
	}
	int rc = ls_native_read(ls, s.sp, s.buf, (size_t)(s.hi - s.sp)) || rewrite_stack(&s) ||
		 map_native_stack(ls, top) ||
		 ls_native_write(ls, s.sp - s.delta, s.buf, (size_t)(s.hi - s.sp));
	free(s.buf);
	r.rsp -= s.delta;
	if (rc || ls_native_set_regs(ls, &r)) {
		snprintf(msg, msg_size, "cannot move the native stack");
		return -1;
	}
	return 0;
}

/* Static programs only: a dynamic one's loader and libraries would come
 * from the host at the native kernel's addresses (above the x86-64 window). */
int ls_check_program(const char *path, int *mode64)
{
	struct exec_error err;
	struct elf_image img;
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = -1;
	void *data = MAP_FAILED;
	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size == 0) {
		fprintf(stderr, "hexvm: lockstep: %s: %s\n", path,
			fd < 0 ? strerror(errno) : "not a regular file");
	} else if ((data = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0)) ==
		   MAP_FAILED) {
		fprintf(stderr, "hexvm: lockstep: %s: %s\n", path, strerror(errno));
	} else if (elf_check(&img, data, (size_t)st.st_size, &err)) {
		fprintf(stderr, "hexvm: lockstep: %s: %s\n", path, err.msg);
	} else if (img.interp_len) {
		fprintf(stderr, "hexvm: lockstep: %s: not a static program (it has an ELF "
				"interpreter)\n", path);
	} else if (img.is64 && img.pie) {
		fprintf(stderr, "hexvm: lockstep: %s: a static PIE, which the native kernel loads "
				"above hexvm's 64 GiB window\n", path);
	} else {
		*mode64 = img.is64;
		rc = 0;
	}
	if (data != MAP_FAILED)
		munmap(data, (size_t)st.st_size);
	if (fd >= 0)
		close(fd);
	return rc;
}

int ls_start(struct lockstep *ls, char *msg, size_t msg_size)
{
	struct user_regs_struct r;
	if (ls_native_regs(ls, &r)) {
		snprintf(msg, msg_size, "ptrace cannot read the registers");
		return -1;
	}
	ls->entry = r.rip;
	if (prepare_stack(ls, msg, msg_size))
		return -1;
	if (ls_mirror_maps(ls, 0, 0) || ls_take_native_regs(ls)) {
		snprintf(msg, msg_size, "cannot copy the native process into hexvm");
		return -1;
	}
	return 0;
}

#endif
