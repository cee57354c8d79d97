/* Program loading: ELF32/ELF64 static executables (ET_EXEC, static PIE) and
 * #! scripts, into a fresh address space with the initial stack Linux builds. */
#ifndef HEXVM_LOADER_LOADER_H
#define HEXVM_LOADER_LOADER_H

#include <stddef.h>
#include <stdint.h>

struct process;
struct vm;

/* Why a program could not be started: a message for people and the exit
 * status a shell would give (126 cannot execute, 127 not found). */
struct exec_error {
	int status;
	int err; /* the errno an execve would return */
	char path[4096];
	char msg[256];
};

/* An ELF image, read and validated, not yet mapped. */
struct elf_image {
	const uint8_t *data;
	size_t size;
	int is64;
	int pie;
	uint64_t entry, phoff, phnum, phentsize;
	uint64_t interp_off, interp_len; /* PT_INTERP: the interpreter's path in the file (len 0: none) */
	int host_fd; /* the file on the host, whose pages elf_map maps rather than copies, or -1 */
};

/* Loads `path` into process p (which gets a new address space), with argv
 * and envp (NULL-terminated host string arrays). Returns 0, or -1 with *err. */
int loader_exec(struct vm *vm, struct process *p, const char *path, char *const argv[],
		char *const envp[], struct exec_error *err);

/* Validation, exposed for the tests of malformed files. */
int elf_check(struct elf_image *img, const uint8_t *data, size_t size, struct exec_error *err);
/* Fills err with a cannot-execute message; returns -1. */
int elf_fail(struct exec_error *err, const char *fmt, ...);
struct mm;
/* Maps the image's segments at `bias`; *image_end is the end of the last. */
int elf_map(struct mm *mm, const struct elf_image *img, uint64_t bias, const char *path,
	    uint64_t *image_end, struct exec_error *err);
/* The lowest and highest address its PT_LOAD segments cover (unbiased). */
void elf_span(const struct elf_image *img, uint64_t *lo, uint64_t *hi);
/* The address of the program headers in memory, for AT_PHDR. */
uint64_t elf_phdr_addr(const struct elf_image *img, uint64_t bias);

struct stack_layout {
	uint64_t phdr, phnum, phent, entry, base;
	const char *execfn, *platform;
	uint64_t hwcap;
	uint32_t uid, gid;
	uint8_t random[16];
};

/* Builds argc/argv/envp/auxv under `top`; returns the initial stack pointer,
 * or 0 when it does not fit. */
uint64_t stack_build(struct process *p, uint64_t top, uint64_t bottom, char *const argv[],
		     char *const envp[], const struct stack_layout *lay);

#endif
