/* mkbad OUTDIR: writes the inputs of the bad-ELF suite into OUTDIR and prints its
 * manifest on stdout, one line per file:
 *
 *     NAME <TAB> EXPECTED-EXIT-STATUS <TAB> PHRASE
 *
 * PHRASE is what hexvm's one-line error message must contain, or "-" for the two valid
 * images (which exit with status 42 and print nothing).
 *
 * Every malformed file starts from a minimal valid image built here, ELF32/i386 or
 * ELF64/x86-64: one ELF header, one PT_LOAD program header covering the whole file, and
 * code that exits with status 42 through a raw system call. Each mutation breaks exactly
 * one rule, so the check that fires is unambiguous.
 */
#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- valid images */

/* x86-64: mov eax, 60 (exit); mov edi, 42; syscall */
static const unsigned char code64[] = {0xb8, 0x3c, 0x00, 0x00, 0x00, 0xbf, 0x2a,
                                       0x00, 0x00, 0x00, 0x0f, 0x05};
/* i386: mov eax, 1 (exit); mov ebx, 42; int 0x80 */
static const unsigned char code32[] = {0xb8, 0x01, 0x00, 0x00, 0x00, 0xbb, 0x2a,
                                       0x00, 0x00, 0x00, 0xcd, 0x80};

#define BASE64 0x400000ull
#define BASE32 0x8048000u

struct image {
    unsigned char bytes[512];
    size_t size;
    int is64;
};

static Elf64_Ehdr *eh64(struct image *im) { return (Elf64_Ehdr *)im->bytes; }
static Elf32_Ehdr *eh32(struct image *im) { return (Elf32_Ehdr *)im->bytes; }
static Elf64_Phdr *ph64(struct image *im) { return (Elf64_Phdr *)(im->bytes + sizeof(Elf64_Ehdr)); }
static Elf32_Phdr *ph32(struct image *im) { return (Elf32_Phdr *)(im->bytes + sizeof(Elf32_Ehdr)); }

static void ident(unsigned char *e, int cls)
{
    memcpy(e, ELFMAG, SELFMAG);
    e[EI_CLASS] = (unsigned char)cls;
    e[EI_DATA] = ELFDATA2LSB;
    e[EI_VERSION] = EV_CURRENT;
    e[EI_OSABI] = ELFOSABI_SYSV;
}

static struct image valid64(void)
{
    struct image im;
    memset(&im, 0, sizeof im);
    im.is64 = 1;
    size_t code_off = sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr);
    im.size = code_off + sizeof code64;
    Elf64_Ehdr *e = eh64(&im);
    ident(e->e_ident, ELFCLASS64);
    e->e_type = ET_EXEC;
    e->e_machine = EM_X86_64;
    e->e_version = EV_CURRENT;
    e->e_entry = BASE64 + code_off;
    e->e_phoff = sizeof(Elf64_Ehdr);
    e->e_ehsize = sizeof(Elf64_Ehdr);
    e->e_phentsize = sizeof(Elf64_Phdr);
    e->e_phnum = 1;
    Elf64_Phdr *p = ph64(&im);
    p->p_type = PT_LOAD;
    p->p_flags = PF_R | PF_X;
    p->p_offset = 0;
    p->p_vaddr = p->p_paddr = BASE64;
    p->p_filesz = p->p_memsz = im.size;
    p->p_align = 0x1000;
    memcpy(im.bytes + code_off, code64, sizeof code64);
    return im;
}

static struct image valid32(void)
{
    struct image im;
    memset(&im, 0, sizeof im);
    size_t code_off = sizeof(Elf32_Ehdr) + sizeof(Elf32_Phdr);
    im.size = code_off + sizeof code32;
    Elf32_Ehdr *e = eh32(&im);
    ident(e->e_ident, ELFCLASS32);
    e->e_type = ET_EXEC;
    e->e_machine = EM_386;
    e->e_version = EV_CURRENT;
    e->e_entry = BASE32 + (Elf32_Addr)code_off;
    e->e_phoff = sizeof(Elf32_Ehdr);
    e->e_ehsize = sizeof(Elf32_Ehdr);
    e->e_phentsize = sizeof(Elf32_Phdr);
    e->e_phnum = 1;
    Elf32_Phdr *p = ph32(&im);
    p->p_type = PT_LOAD;
    p->p_flags = PF_R | PF_X;
    p->p_offset = 0;
    p->p_vaddr = p->p_paddr = BASE32;
    p->p_filesz = p->p_memsz = (Elf32_Word)im.size;
    p->p_align = 0x1000;
    memcpy(im.bytes + code_off, code32, sizeof code32);
    return im;
}

/* ---------------------------------------------------------------- output */

static const char *outdir;

static void emit(const char *name, const void *bytes, size_t n, int status, const char *phrase)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", outdir, name);
    FILE *f = fopen(path, "wb");
    if (!f || (n && fwrite(bytes, 1, n, f) != n) || fclose(f) != 0) {
        fprintf(stderr, "mkbad: %s: %s\n", path, strerror(errno));
        exit(1);
    }
    printf("%s\t%d\t%s\n", name, status, phrase);
}

static void emit_image(const char *name, const struct image *im, const char *phrase)
{
    emit(name, im->bytes, im->size, phrase[0] == '-' ? 42 : 126, phrase);
}

/* ---------------------------------------------------------------- the classes */

/* Not ELF at all. */
static void not_elf(void)
{
    const char text[] = "This is a text file without a #! line.\nIt is not a program.\n";
    emit("text", text, sizeof text - 1, 126, "not an ELF executable");
    unsigned char rnd[256];
    uint32_t x = 2463534242u;
    for (size_t i = 0; i < sizeof rnd; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5; /* xorshift32, fixed seed */
        rnd[i] = (unsigned char)x;
    }
    rnd[0] = 0x42; /* never the ELF magic by accident */
    emit("random-bytes", rnd, sizeof rnd, 126, "not an ELF executable");
    emit("empty", "", 0, 126, "not an ELF executable");
    struct image im = valid64();
    im.bytes[3] = 'G'; /* "\x7f" "ELG" */
    emit_image("bad-magic", &im, "not an ELF executable");
}

static void truncated(void)
{
    struct image im = valid64();
    im.size = 40;
    emit_image("64-truncated-header", &im, "truncated ELF header");
    im = valid64();
    im.size = 60; /* longer than an ELF32 header, shorter than an ELF64 one */
    emit_image("64-truncated-at-60", &im, "truncated ELF header");
    im = valid32();
    im.size = 30;
    emit_image("32-truncated-header", &im, "truncated ELF header");
}

static void ident_fields(void)
{
    struct image im = valid64();
    im.bytes[EI_CLASS] = ELFCLASSNONE;
    emit_image("64-class-0", &im, "bad ELF class");
    im = valid32();
    im.bytes[EI_CLASS] = 3;
    emit_image("32-class-3", &im, "bad ELF class");

    im = valid64();
    im.bytes[EI_DATA] = ELFDATA2MSB;
    emit_image("64-big-endian", &im, "not little-endian");
    im = valid32();
    im.bytes[EI_DATA] = ELFDATA2MSB;
    emit_image("32-big-endian", &im, "not little-endian");
    im = valid64();
    im.bytes[EI_DATA] = ELFDATANONE;
    emit_image("64-data-none", &im, "not little-endian");

    im = valid64();
    im.bytes[EI_VERSION] = EV_NONE;
    emit_image("64-ei-version-0", &im, "bad ELF version");
    im = valid32();
    im.bytes[EI_VERSION] = 2;
    emit_image("32-ei-version-2", &im, "bad ELF version");
    im = valid64();
    eh64(&im)->e_version = 2;
    emit_image("64-e-version-2", &im, "bad ELF version");
    im = valid32();
    eh32(&im)->e_version = EV_NONE;
    emit_image("32-e-version-0", &im, "bad ELF version");
}

static void header_fields(void)
{
    struct image im = valid64();
    eh64(&im)->e_machine = EM_AARCH64;
    emit_image("64-machine-aarch64", &im, "wrong machine");
    im = valid32();
    eh32(&im)->e_machine = EM_ARM;
    emit_image("32-machine-arm", &im, "wrong machine");
    im = valid64();
    eh64(&im)->e_machine = EM_NONE;
    emit_image("64-machine-none", &im, "wrong machine");

    im = valid32();
    eh32(&im)->e_machine = EM_X86_64;
    emit_image("32-class-with-x86-64", &im, "class does not match machine");
    im = valid64();
    eh64(&im)->e_machine = EM_386;
    emit_image("64-class-with-i386", &im, "class does not match machine");

    im = valid64();
    eh64(&im)->e_type = ET_REL;
    emit_image("64-type-rel", &im, "not an executable");
    im = valid32();
    eh32(&im)->e_type = ET_CORE;
    emit_image("32-type-core", &im, "not an executable");
    im = valid64();
    eh64(&im)->e_type = ET_NONE;
    emit_image("64-type-none", &im, "not an executable");

    im = valid64();
    eh64(&im)->e_phentsize = sizeof(Elf32_Phdr);
    emit_image("64-phentsize-32", &im, "bad program header size");
    im = valid32();
    eh32(&im)->e_phentsize = sizeof(Elf64_Phdr);
    emit_image("32-phentsize-56", &im, "bad program header size");
    im = valid64();
    eh64(&im)->e_phentsize = 0;
    emit_image("64-phentsize-0", &im, "bad program header size");

    im = valid64();
    eh64(&im)->e_phnum = 0;
    emit_image("64-phnum-0", &im, "no program headers");
    im = valid32();
    eh32(&im)->e_phnum = 0;
    emit_image("32-phnum-0", &im, "no program headers");

    im = valid64();
    eh64(&im)->e_phoff = im.size - 10;
    emit_image("64-phdrs-past-eof", &im, "program headers outside the file");
    im = valid32();
    eh32(&im)->e_phoff = (Elf32_Off)im.size + 100;
    emit_image("32-phdrs-past-eof", &im, "program headers outside the file");
    im = valid64();
    eh64(&im)->e_phoff = 0xffffffffffffffc0ull; /* offset + size wraps around */
    emit_image("64-phoff-wraps", &im, "program headers outside the file");
    im = valid64();
    eh64(&im)->e_phnum = 1000;
    emit_image("64-phnum-1000", &im, "program headers outside the file");
}

static void segment_fields(void)
{
    struct image im = valid64();
    ph64(&im)->p_filesz = ph64(&im)->p_memsz = im.size + 0x1000;
    emit_image("64-segment-past-eof", &im, "segment outside the file");
    im = valid32();
    ph32(&im)->p_filesz = ph32(&im)->p_memsz = (Elf32_Word)im.size + 1;
    emit_image("32-segment-one-past-eof", &im, "segment outside the file");
    im = valid64();
    /* offset far beyond the file, congruent with the address so alignment is fine */
    ph64(&im)->p_offset = 0x100000;
    emit_image("64-segment-offset-past-eof", &im, "segment outside the file");
    im = valid64();
    ph64(&im)->p_offset = 0xfffffffffffff000ull; /* offset + filesz wraps */
    emit_image("64-segment-offset-wraps", &im, "segment outside the file");

    im = valid64();
    ph64(&im)->p_memsz = ph64(&im)->p_filesz - 1;
    emit_image("64-filesz-above-memsz", &im, "file size exceeds memory size");
    im = valid32();
    ph32(&im)->p_memsz = 0;
    emit_image("32-memsz-0", &im, "file size exceeds memory size");

    im = valid64();
    ph64(&im)->p_type = PT_NULL;
    emit_image("64-no-load", &im, "no loadable segment");
    im = valid32();
    ph32(&im)->p_type = PT_GNU_STACK;
    emit_image("32-no-load", &im, "no loadable segment");

    im = valid64();
    ph64(&im)->p_vaddr += 0x10;
    eh64(&im)->e_entry += 0x10;
    emit_image("64-misaligned", &im, "misaligned segment");
    im = valid32();
    ph32(&im)->p_vaddr += 0x800;
    eh32(&im)->e_entry += 0x800;
    emit_image("32-misaligned", &im, "misaligned segment");

    im = valid64();
    ph64(&im)->p_vaddr = 0xffff800000000000ull;
    eh64(&im)->e_entry = 0xffff800000000000ull + (eh64(&im)->e_entry - BASE64);
    emit_image("64-kernel-half", &im, "segment outside the address space");
    im = valid64();
    ph64(&im)->p_vaddr = 0xfffffffffffff000ull;
    ph64(&im)->p_memsz = 0x2000; /* vaddr + memsz wraps */
    eh64(&im)->e_entry = 0xfffffffffffff000ull + (eh64(&im)->e_entry - BASE64);
    emit_image("64-vaddr-wraps", &im, "segment outside the address space");
    im = valid64();
    ph64(&im)->p_vaddr = 0x7ffffffff000ull;
    ph64(&im)->p_memsz = 0x2000; /* crosses the top of the 47-bit user space */
    eh64(&im)->e_entry = 0x7ffffffff000ull + (eh64(&im)->e_entry - BASE64);
    emit_image("64-crosses-user-top", &im, "segment outside the address space");
    im = valid32();
    ph32(&im)->p_vaddr = 0xfffff000u;
    ph32(&im)->p_memsz = 0x2000; /* wraps the 32-bit space */
    eh32(&im)->e_entry = 0xfffff000u + (eh32(&im)->e_entry - BASE32);
    emit_image("32-vaddr-wraps", &im, "segment outside the address space");

    im = valid64();
    eh64(&im)->e_entry = 0x1000;
    emit_image("64-entry-unmapped", &im, "entry point outside the image");
    im = valid32();
    eh32(&im)->e_entry = BASE32 + ph32(&im)->p_memsz; /* one past the end */
    emit_image("32-entry-past-end", &im, "entry point outside the image");
    im = valid64();
    ph64(&im)->p_flags = PF_R; /* the only segment is not executable */
    emit_image("64-entry-not-executable", &im, "entry point outside the image");
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: mkbad OUTDIR\n");
        return 2;
    }
    outdir = argv[1];
    struct image v = valid64();
    emit_image("64-valid", &v, "-");
    v = valid32();
    emit_image("32-valid", &v, "-");
    not_elf();
    truncated();
    ident_fields();
    header_fields();
    segment_fields();
    return 0;
}
