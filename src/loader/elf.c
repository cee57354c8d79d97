/* ELF validation and mapping. Every header field the kernel would trust is
 * checked here first, and each kind of damage gets its own message. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kernel/abi/layout.h"
#include "kernel/vm.h"
#include "loader/loader.h"
#include "mem/mm.h"

#define EM_386	  3
#define EM_X86_64 62
#define ET_EXEC	  2
#define ET_DYN	  3
#define PT_LOAD	  1
#define PT_INTERP 3
#define PT_PHDR	  6
#define PF_X	  1
#define PF_W	  2
#define PF_R	  4

int elf_fail(struct exec_error *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	err->status = 126;
	err->err = ENOEXEC;
	return -1;
}

static const char *machine_name(unsigned m)
{
	switch (m) {
	case 0: return "none";
	case 8: return "MIPS";
	case 20: return "PowerPC";
	case 21: return "PowerPC64";
	case 40: return "ARM";
	case 183: return "AArch64";
	case 243: return "RISC-V";
	default: return "unknown";
	}
}

struct phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, filesz, memsz, align;
};

static struct phdr read_phdr(const struct elf_image *img, unsigned k)
{
	const uint8_t *p = img->data + img->phoff + (uint64_t)k * img->phentsize;
	struct phdr h;
	h.type = get32(p, 0);
	if (img->is64) {
		h.flags = get32(p, 4);
		h.offset = get64(p, 8);
		h.vaddr = get64(p, 16);
		h.filesz = get64(p, 32);
		h.memsz = get64(p, 40);
		h.align = get64(p, 48);
	} else {
		h.offset = get32(p, 4);
		h.vaddr = get32(p, 8);
		h.filesz = get32(p, 16);
		h.memsz = get32(p, 20);
		h.flags = get32(p, 24);
		h.align = get32(p, 28);
	}
	return h;
}

static int check_header(struct elf_image *img, const uint8_t *d, size_t size,
			struct exec_error *err)
{
	if (size < 4 || memcmp(d, "\177ELF", 4) != 0)
		return elf_fail(err, "not an ELF executable");
	if (size < 16 || (d[4] == 2 ? size < 64 : size < 52))
		return elf_fail(err, "truncated ELF header (%zu bytes)", size);
	if (d[4] != 1 && d[4] != 2)
		return elf_fail(err, "bad ELF class %u", d[4]);
	if (d[5] != 1)
		return elf_fail(err, "not little-endian (EI_DATA %u)", d[5]);
	if (d[6] != 1 || get32(d, 20) != 1)
		return elf_fail(err, "bad ELF version");
	img->is64 = d[4] == 2;
	unsigned machine = d[18] | d[19] << 8, type = d[16] | d[17] << 8;
	if (machine != EM_386 && machine != EM_X86_64)
		return elf_fail(err, "wrong machine: %s (e_machine %u), not x86",
				machine_name(machine), machine);
	if ((machine == EM_X86_64) != img->is64)
		return elf_fail(err, "ELF class does not match machine");
	if (type != ET_EXEC && type != ET_DYN)
		return elf_fail(err, "not an executable (e_type %u)", type);
	img->pie = type == ET_DYN;
	img->entry = img->is64 ? get64(d, 24) : get32(d, 24);
	img->phoff = img->is64 ? get64(d, 32) : get32(d, 28);
	img->phentsize =
		img->is64 ? (unsigned)(d[54] | d[55] << 8) : (unsigned)(d[42] | d[43] << 8);
	img->phnum = img->is64 ? (unsigned)(d[56] | d[57] << 8) : (unsigned)(d[44] | d[45] << 8);
	if (img->phentsize != (img->is64 ? 56u : 32u))
		return elf_fail(err, "bad program header size %llu",
				(unsigned long long)img->phentsize);
	if (img->phnum == 0)
		return elf_fail(err, "no program headers");
	if (img->phoff > size || img->phnum * img->phentsize > size - img->phoff)
		return elf_fail(err, "program headers outside the file");
	return 0;
}

static int check_segment(const struct elf_image *img, const struct phdr *h, size_t size,
			 struct exec_error *err)
{
	uint64_t limit = img->is64 ? MM_WINDOW_64 : MM_WINDOW_32;
	if (h->offset > size || h->filesz > size - h->offset)
		return elf_fail(err, "segment outside the file");
	if (h->filesz > h->memsz)
		return elf_fail(err, "segment file size exceeds memory size");
	if (h->align > 1 && (h->offset % h->align) != (h->vaddr % h->align))
		return elf_fail(err, "misaligned segment (offset %#llx, address %#llx)",
				(unsigned long long)h->offset, (unsigned long long)h->vaddr);
	if (h->vaddr + h->memsz < h->vaddr || h->vaddr + h->memsz > limit)
		return elf_fail(err, "segment outside the address space (%#llx)",
				(unsigned long long)h->vaddr);
	return 0;
}

/* The interpreter's path: inside the file, NUL-terminated, one only. */
static int check_interp(struct elf_image *img, const struct phdr *h, struct exec_error *err)
{
	if (img->interp_len)
		return elf_fail(err, "more than one PT_INTERP");
	if (h->offset > img->size || h->filesz > img->size - h->offset || h->filesz < 2 ||
	    h->filesz > 4096)
		return elf_fail(err, "PT_INTERP outside the file");
	if (img->data[h->offset + h->filesz - 1] != 0 ||
	    memchr(img->data + h->offset, 0, (size_t)h->filesz - 1))
		return elf_fail(err, "PT_INTERP is not one NUL-terminated path");
	img->interp_off = h->offset;
	img->interp_len = h->filesz - 1;
	return 0;
}

int elf_check(struct elf_image *img, const uint8_t *data, size_t size, struct exec_error *err)
{
	int loads = 0, entry_ok = 0;
	memset(img, 0, sizeof *img);
	img->host_fd = -1;
	img->data = data;
	img->size = size;
	if (check_header(img, data, size, err))
		return -1;
	for (unsigned k = 0; k < img->phnum; k++) {
		struct phdr h = read_phdr(img, k);
		if (h.type == PT_INTERP && check_interp(img, &h, err))
			return -1;
		if (h.type != PT_LOAD)
			continue;
		if (check_segment(img, &h, size, err))
			return -1;
		loads++;
		if ((h.flags & PF_X) && img->entry >= h.vaddr && img->entry < h.vaddr + h.memsz)
			entry_ok = 1;
	}
	if (!loads)
		return elf_fail(err, "no loadable segment");
	if (!entry_ok)
		return elf_fail(err, "entry point outside the image (%#llx)",
				(unsigned long long)img->entry);
	return 0;
}

static int guest_prot(uint32_t flags)
{
	return (flags & PF_R ? GPROT_READ : 0) | (flags & PF_W ? GPROT_WRITE : 0) |
	       (flags & PF_X ? GPROT_EXEC : 0);
}

static void page_range(const struct phdr *h, uint64_t bias, uint64_t *lo, uint64_t *hi)
{
	*lo = PAGE_DOWN(h->vaddr + bias);
	*hi = PAGE_UP(h->vaddr + bias + h->memsz);
}

/* The pages segments a and b (loaded, not empty) share, [*lo, *hi): 1 when
 * there are any. */
static int shared_pages(const struct phdr *a, const struct phdr *b, uint64_t bias, uint64_t *lo,
			uint64_t *hi)
{
	uint64_t alo, ahi, blo, bhi;
	page_range(a, bias, &alo, &ahi);
	page_range(b, bias, &blo, &bhi);
	*lo = alo > blo ? alo : blo;
	*hi = ahi < bhi ? ahi : bhi;
	return *lo < *hi;
}

/* The file bytes of segment h, whose pages from lo on are fresh. A host
 * file's whole pages are mapped from it, as Linux does, so that only the
 * pages the program touches are read; the rest, and everything of a file
 * hexvm serves itself, is copied. */
static void fill_segment(struct mm *mm, const struct elf_image *img, const struct phdr *h,
			 uint64_t bias, uint64_t lo)
{
	uint64_t va = h->vaddr + bias, file_end = va + h->filesz, whole = PAGE_DOWN(file_end);
	uint64_t from = va;
	if (img->host_fd >= 0 && lo == PAGE_DOWN(va) && whole > lo &&
	    ((va - h->offset) & (PAGE_SIZE_G - 1)) == 0 &&
	    !mm_map_host_file(mm, lo, whole - lo, img->host_fd, h->offset - (va - lo)))
		from = whole;
	memcpy(mm_host(mm, from), img->data + h->offset + (from - va), (size_t)(file_end - from));
}

/* Whether a host file's segments can each be mapped on their own, as
 * Linux maps them: each at a file offset congruent to its address, and no
 * two sharing a page (as old linkers laid them out). */
static int maps_alone(const struct elf_image *img, uint64_t bias)
{
	if (img->host_fd < 0)
		return 0;
	for (unsigned k = 0; k < img->phnum; k++) {
		struct phdr a = read_phdr(img, k);
		if (a.type != PT_LOAD || !a.memsz)
			continue;
		if (((a.vaddr + bias - a.offset) & (PAGE_SIZE_G - 1)) != 0)
			return 0;
		for (unsigned j = 0; j < k; j++) {
			struct phdr b = read_phdr(img, j);
			uint64_t lo, hi;
			if (b.type == PT_LOAD && b.memsz && shared_pages(&a, &b, bias, &lo, &hi))
				return 0;
		}
	}
	return 1;
}

/* Segment h as Linux maps it: its file pages from the file with its own
 * protection, the last partial one too unless zeroes follow it; the zeroes
 * (.bss) in fresh memory, with the file's bytes of that partial page. One
 * host mapping for most segments, instead of a fresh mapping, a file
 * mapping over it and a change of protection. */
static int map_alone(struct mm *mm, const struct elf_image *img, const struct phdr *h,
		     uint64_t bias, const char *path)
{
	uint64_t va = h->vaddr + bias, lo, hi, file_end = va + h->filesz;
	page_range(h, bias, &lo, &hi);
	uint64_t from_file = h->memsz > h->filesz ? PAGE_DOWN(file_end) : hi;
	uint64_t offset = h->offset - (va - lo);
	int prot = guest_prot(h->flags);
	if (from_file > lo && mm_map_file(mm, lo, from_file - lo, prot, path, img->host_fd, offset))
		return -1;
	if (from_file == hi)
		return 0;
	if (mm_map(mm, from_file, hi - from_file, prot | GPROT_WRITE, 0, path,
		   offset + (from_file - lo)))
		return -1;
	/* the file's bytes from the page's start (before va when the segment's
	 * file part begins in this page, as Linux maps them) to file_end */
	uint64_t at = h->offset + from_file - va;
	if (h->filesz && file_end > from_file)
		memcpy(mm_host(mm, from_file), img->data + at, (size_t)(file_end - from_file));
	return prot & GPROT_WRITE ? 0 : mm_protect(mm, from_file, hi - from_file, prot);
}

/* Maps every segment read-write, fills it, then gives each its protection:
 * neighbouring segments may share a page, which gets the union of both. */
static int map_by_copy(struct mm *mm, const struct elf_image *img, uint64_t bias,
		       const char *path, struct exec_error *err)
{
	uint64_t lo, hi;
	for (unsigned k = 0; k < img->phnum; k++) {
		struct phdr h = read_phdr(img, k);
		if (h.type != PT_LOAD || h.memsz == 0)
			continue;
		page_range(&h, bias, &lo, &hi);
		while (lo < hi && !mm_range_free(mm, lo, PAGE_SIZE_G))
			lo += PAGE_SIZE_G;
		if (lo < hi && !mm_range_free(mm, lo, hi - lo))
			return elf_fail(err, "overlapping segments at %#llx",
					(unsigned long long)lo);
		if (lo < hi && mm_map(mm, lo, hi - lo, GPROT_READ | GPROT_WRITE, 0, path,
				      h.offset + (lo - (h.vaddr + bias))))
			return elf_fail(err, "cannot map segment at %#llx", (unsigned long long)lo);
		fill_segment(mm, img, &h, bias, lo);
	}
	for (unsigned k = 0; k < img->phnum; k++) {
		struct phdr h = read_phdr(img, k);
		if (h.type == PT_LOAD && h.memsz) {
			page_range(&h, bias, &lo, &hi);
			mm_protect(mm, lo, hi - lo, guest_prot(h.flags));
		}
	}
	for (unsigned k = 0; k < img->phnum; k++)
		for (unsigned j = 0; j < img->phnum; j++) {
			struct phdr a = read_phdr(img, k), b = read_phdr(img, j);
			if (j != k && a.type == PT_LOAD && b.type == PT_LOAD && a.memsz && b.memsz &&
			    shared_pages(&a, &b, bias, &lo, &hi))
				mm_protect(mm, lo, hi - lo,
					   guest_prot(a.flags) | guest_prot(b.flags));
		}
	return 0;
}

/* Maps the PT_LOAD segments at `bias`, into free address space only. Sets
 * the image's end. */
int elf_map(struct mm *mm, const struct elf_image *img, uint64_t bias, const char *path,
	    uint64_t *image_end, struct exec_error *err)
{
	uint64_t end = 0, lo, hi;
	int alone = maps_alone(img, bias);
	if (!alone && map_by_copy(mm, img, bias, path, err))
		return -1;
	for (unsigned k = 0; k < img->phnum; k++) {
		struct phdr h = read_phdr(img, k);
		if (h.type != PT_LOAD || h.memsz == 0)
			continue;
		page_range(&h, bias, &lo, &hi);
		if (alone) {
			if (!mm_range_free(mm, lo, hi - lo))
				return elf_fail(err, "overlapping segments at %#llx",
						(unsigned long long)lo);
			if (map_alone(mm, img, &h, bias, path))
				return elf_fail(err, "cannot map segment at %#llx",
						(unsigned long long)lo);
		}
		end = hi > end ? hi : end;
	}
	*image_end = end;
	return 0;
}

void elf_span(const struct elf_image *img, uint64_t *lo, uint64_t *hi)
{
	*lo = ~0ull;
	*hi = 0;
	for (unsigned k = 0; k < img->phnum; k++) {
		struct phdr h = read_phdr(img, k);
		if (h.type != PT_LOAD || !h.memsz)
			continue;
		if (PAGE_DOWN(h.vaddr) < *lo)
			*lo = PAGE_DOWN(h.vaddr);
		if (PAGE_UP(h.vaddr + h.memsz) > *hi)
			*hi = PAGE_UP(h.vaddr + h.memsz);
	}
}

/* Where the program headers are in memory, for AT_PHDR. */
uint64_t elf_phdr_addr(const struct elf_image *img, uint64_t bias)
{
	for (unsigned k = 0; k < img->phnum; k++) {
		struct phdr h = read_phdr(img, k);
		if (h.type == PT_PHDR)
			return h.vaddr + bias;
	}
	for (unsigned k = 0; k < img->phnum; k++) {
		struct phdr h = read_phdr(img, k);
		if (h.type == PT_LOAD && img->phoff >= h.offset && img->phoff < h.offset + h.filesz)
			return h.vaddr + (img->phoff - h.offset) + bias;
	}
	return 0;
}
