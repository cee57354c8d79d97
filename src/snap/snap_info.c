/* Describing snapshots. The writer leaves a readable summary (section
 * INFO) that restoring skips; info prints it after checking every
 * section, so that it never describes a snapshot that would not restore. */
#include "snap/snap_info.h"

#include <stdarg.h>
#include <string.h>

#include "kernel/vfs/file.h"
#include "kernel/vfs/pipe.h"
#include "kernel/vm.h"
#include "mem/mm.h"
#include "snap/snap_ctx.h"
#include "snap/snap.h"
#include "snap/snap_file.h"
#include "snap/snap_sock.h"

static void line(struct snap_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void line(struct snap_buf *b, const char *fmt, ...)
{
	char text[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof text - 2)
		n = (int)sizeof text - 2;
	text[n++] = '\n';
	sb_bytes(b, text, (size_t)n);
}

static void summarize_memory(struct snap_save *s, struct snap_buf *b)
{
	for (size_t k = 0; k < s->mms.n; k++) {
		const struct mm *mm = s->mms.order[k];
		uint64_t mapped = 0, nvmas = 0;
		for (const struct vma *v = mm->vmas; v; v = v->next, nvmas++)
			mapped += v->end - v->start;
		line(b, "address space %zu: %s, %llu mappings, %llu KiB mapped", k + 1,
		     mm->mode64 ? "x86-64" : "i386", (unsigned long long)nvmas,
		     (unsigned long long)(mapped >> 10));
	}
	line(b, "pages stored: %llu (%llu KiB); by reference to host files: %llu (%llu KiB); "
		"all-zero pages left out: %llu",
	     (unsigned long long)s->pages_written, (unsigned long long)(s->pages_written * 4),
	     (unsigned long long)s->pages_ref, (unsigned long long)(s->pages_ref * 4),
	     (unsigned long long)s->pages_zero);
}

static void summarize_files(struct snap_save *s, struct snap_buf *b)
{
	size_t held = 0;
	for (size_t k = 0; k < s->pipes.n; k++) {
		struct pipe_image img;
		pipe_image_of(s->pipes.order[k], &img);
		held += img.part_len[0] + img.part_len[1];
	}
	char socks[160];
	line(b, "open files: %zu in %zu descriptor tables; pipes: %zu holding %zu bytes",
	     s->files.n, s->fdtables.n, s->pipes.n, held);
	snap_socks_summary(s, socks, sizeof socks);
	line(b, "%s", socks);
	for (size_t k = 0; k < s->files.n; k++) {
		const struct file *f = s->files.order[k];
		line(b, "  file %zu: %s %s", k + 1,
		     f->ops ? (f->ops->name ? f->ops->name : "?") : f->host_role ? "host (by role)" : "host",
		     file_path(f) ? file_path(f) : "");
	}
}

void snap_put_summary(struct snap_save *s, struct snap_buf *b)
{
	const struct vm *vm = s->vm;
	line(b, "instructions: %llu; root: %s%s", (unsigned long long)vm->icount,
	     vm->snap->root_dir, vm->snap->overlay ? " under an overlay" : "");
	for (const struct process *p = vm->procs; p; p = p->next)
		line(b, "process %d (parent %d, group %d): %s, %d thread%s, %s, cwd %s", p->pid,
		     p->ppid, p->pgid, p->state == PROC_LIVE ? "live" : "zombie", p->nthreads,
		     p->nthreads == 1 ? "" : "s", p->exe ? p->exe : "-", p->cwd ? p->cwd : "-");
	summarize_memory(s, b);
	summarize_files(s, b);
}

/* One line a tag: how many sections, their payload and what the file
 * holds of them. */
static void list_sections(const struct snap_image *img, FILE *out)
{
	for (size_t k = 0; k < img->nsections; k++) {
		const char *tag = img->sections[k].tag;
		size_t first = 0, count = 0;
		uint64_t len = 0, stored = 0, compressed = 0;
		while (strcmp(img->sections[first].tag, tag))
			first++;
		if (first < k || !strcmp(tag, "INFO"))
			continue; /* listed with the first of its tag */
		for (size_t j = k; j < img->nsections; j++)
			if (!strcmp(img->sections[j].tag, tag)) {
				count++;
				len += img->sections[j].len;
				stored += img->sections[j].stored_len;
				compressed += (img->sections[j].flags & SNAP_SECTION_ZSTD) != 0;
			}
		fprintf(out, "  %s %6zu section%s %13llu bytes, %13llu stored (%llu compressed)\n",
			tag, count, count == 1 ? ", " : "s,",
			(unsigned long long)len, (unsigned long long)stored,
			(unsigned long long)compressed);
	}
}

int snap_info(const char *path, FILE *out)
{
	struct snap_image img;
	char msg[256];
	if (snap_image_read(&img, path, NULL, NULL, msg, sizeof msg)) {
		fprintf(stderr, "hexvm: %s: %s\n", path, msg);
		return 65;
	}
	fprintf(out, "snapshot %s: format version %u, %s, %llu bytes\n", path, img.version,
		(img.flags & SNAP_FLAG_ZSTD) ? "zstd-compressed" : "uncompressed",
		(unsigned long long)img.file_bytes);
	fprintf(out, "sections (every checksum verified):\n");
	list_sections(&img, out);
	int rc = 0;
	for (size_t k = 0; k < img.nsections && !rc; k++) {
		struct snap_section *sec = &img.sections[k];
		const uint8_t *text = strcmp(sec->tag, "INFO") ? NULL
					: snap_section_payload(sec, msg, sizeof msg);
		if (text)
			fwrite(text, 1, (size_t)sec->len, out);
		else if (!strcmp(sec->tag, "INFO")) {
			fprintf(stderr, "hexvm: %s: %s\n", path, msg);
			rc = 65;
		}
	}
	snap_image_free(&img);
	return rc;
}
