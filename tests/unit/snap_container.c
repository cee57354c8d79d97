/* The snapshot container (src/snap/snap_file.c, snap_read.c, snap_pool.c):
 * sections and page sections written (the page ones on helper threads)
 * and read back byte for byte, in order; the same file however many
 * threads wrote it (all the cores, then one); damage in a stored byte or a header field, a cut-off
 * file and, in a build without zstd, a compressed section refused with the
 * reason. Built as the unit suite builds, without libzstd. */
/* unit-sources: src/snap/snap_file.c src/snap/snap_read.c src/snap/snap_buf.c
 * unit-sources: src/snap/snap_pool.c src/snap/snap_zstd.c */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "snap/snap_file.h"
#include "snap/snap_pool.h"
#include "snap/snap_zstd.h"

#define PAGE	4096
#define NPAGES	(3 * SNAP_PAGE_CHUNK + 17)
#define SECTION 32 /* pages a page section of the test holds */

static int failed;

static void check(int ok, const char *what)
{
	printf("%s %s\n", ok ? "ok" : "FAIL", what);
	failed += !ok;
}

/* "Guest memory": every page different. */
static uint8_t *make_memory(void)
{
	uint8_t *m = malloc((size_t)NPAGES * PAGE);
	uint64_t x = 0x9e3779b97f4a7c15ull;
	for (size_t k = 0; m && k < (size_t)NPAGES * PAGE; k++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		m[k] = (uint8_t)x;
	}
	return m;
}

/* A section MACH, then page sections of SECTION pages as two runs each
 * (the second page of every section left out), then INFO. */
static int write_snapshot(const char *path, const uint8_t *mem)
{
	struct snap_writer w;
	struct snap_buf b = {0};
	if (snapw_open(&w, path, 1))
		return -1;
	sb_bytes(&b, "machine", 7);
	snapw_section(&w, "MACH", &b);
	for (int first = 0; first + SECTION <= NPAGES; first += SECTION) {
		uint8_t head[8 + 32];
		struct iovec runs[2] = {{(void *)(mem + (size_t)first * PAGE), PAGE},
					{(void *)(mem + (size_t)(first + 2) * PAGE),
					 (size_t)(SECTION - 2) * PAGE}};
		snap_put_le(head, 1, 4);
		snap_put_le(head + 4, 2, 4);
		snap_put_le(head + 8, (uint64_t)first * PAGE, 8);
		snap_put_le(head + 16, 1, 8);
		snap_put_le(head + 24, (uint64_t)(first + 2) * PAGE, 8);
		snap_put_le(head + 32, SECTION - 2, 8);
		snapw_pages(&w, "PAGE", head, sizeof head, runs, 2);
	}
	b.len = 0;
	sb_bytes(&b, "summary", 7);
	snapw_section(&w, "INFO", &b);
	sb_free(&b);
	return snapw_close(&w);
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *d = NULL;
	if (f && !fseek(f, 0, SEEK_END) && (*len = (size_t)ftell(f)) && !fseek(f, 0, SEEK_SET) &&
	    (d = malloc(*len)) && fread(d, 1, *len, f) != *len) {
		free(d);
		d = NULL;
	}
	if (f)
		fclose(f);
	return d;
}

static int spill(const char *path, const uint8_t *d, size_t len)
{
	FILE *f = fopen(path, "wb");
	int ok = f && fwrite(d, 1, len, f) == len;
	return (f && fclose(f)) || !ok ? -1 : 0;
}

/* Every page section holds what was written, in order. */
static int pages_match(struct snap_image *img, const uint8_t *mem)
{
	int first = 0;
	for (size_t k = 1; k + 1 < img->nsections; k++, first += SECTION) {
		struct snap_section *s = &img->sections[k];
		const uint8_t *p = s->stored + s->head_len;
		if (strcmp(s->tag, "PAGE") || s->head_len != 40 || !snap_section_sound(s) ||
		    snap_get_le(s->stored + 8, 8) != (uint64_t)first * PAGE ||
		    memcmp(p, mem + (size_t)first * PAGE, PAGE) ||
		    memcmp(p + PAGE, mem + (size_t)(first + 2) * PAGE, (size_t)(SECTION - 2) * PAGE))
			return 0;
	}
	return first == NPAGES / SECTION * SECTION;
}

static void read_back(const char *path, const uint8_t *mem)
{
	struct snap_image img;
	char msg[256] = "";
	int rc = snap_image_read(&img, path, NULL, NULL, msg, sizeof msg);
	check(!rc, "a written snapshot reads back");
	if (rc) {
		printf("    %s\n", msg);
		return;
	}
	check(img.nsections == 2 + NPAGES / SECTION, "every section, END! not among them");
	check(!strcmp(img.sections[0].tag, "MACH") && img.sections[0].len == 7 &&
		      !memcmp(snap_section_payload(&img.sections[0], msg, sizeof msg), "machine", 7),
	      "the first section's payload");
	check(pages_match(&img, mem), "page sections in order, their runs' bytes as written");
	check(!strcmp(img.sections[img.nsections - 1].tag, "INFO"), "the last section");
	snap_image_free(&img);
}

/* Reading a damaged copy fails, with a reason containing `want`. */
static void refused(const char *dir, const uint8_t *d, size_t len, const char *lazy,
		    const char *want, const char *what)
{
	char path[4096], msg[256] = "";
	struct snap_image img;
	snprintf(path, sizeof path, "%s/bad.snap", dir);
	int rc = spill(path, d, len) ? 0 : snap_image_read(&img, path, NULL, lazy, msg, sizeof msg);
	check(rc && strstr(msg, want), what);
	if (!rc)
		snap_image_free(&img);
	else if (!strstr(msg, want))
		printf("    got: %s\n", msg);
}

static void damage(const char *dir, const char *path)
{
	size_t len = 0;
	uint8_t *d = slurp(path, &len);
	if (!d) {
		check(0, "the snapshot can be read as bytes");
		return;
	}
	size_t page1 = SNAP_HEADER_LEN + SNAP_SECTION_HEADER + 7; /* the first PAGE header */
	size_t mid = page1 + SNAP_SECTION_HEADER + 40 + PAGE;
	d[mid] ^= 1;
	refused(dir, d, len, NULL, "corrupt section PAGE", "a flipped page byte, every checksum checked");
	d[mid] ^= 1;
	d[page1 + 8] ^= 1; /* the payload length */
	refused(dir, d, len, "PAGE", "corrupt section PAGE", "a flipped header field, pages left to the caller");
	d[page1 + 8] ^= 1;
	d[SNAP_HEADER_LEN + 4] |= SNAP_SECTION_ZSTD; /* MACH, said to be compressed */
	if (!snapz_available())
		refused(dir, d, len, NULL, "compressed with zstd, which this hexvm was built without",
			"a compressed section in a build without zstd");
	d[SNAP_HEADER_LEN + 4] &= (uint8_t)~SNAP_SECTION_ZSTD;
	refused(dir, d, len / 2, NULL, "truncated", "cut in the middle");
	refused(dir, d, len - 1, NULL, "truncated", "one byte short");
	free(d);
}

struct counted {
	struct snap_job job;
	int *count;
};

static void count_job(struct snap_job *job, int worker)
{
	__atomic_fetch_add(((struct counted *)job)->count, 1, __ATOMIC_RELAXED);
}

/* Every job runs once, whichever thread takes it. */
static void pool_runs_all(void)
{
	struct counted jobs[500];
	int count = 0;
	struct snap_pool *p = snap_pool_create(3);
	for (int k = 0; k < 500; k++) {
		jobs[k] = (struct counted){.job.run = count_job, .count = &count};
		snap_pool_submit(p, &jobs[k].job);
	}
	for (int k = 0; k < 500; k++)
		snap_pool_wait(p, &jobs[k].job);
	snap_pool_destroy(p);
	check(count == 500, "a pool runs every job once");
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : ".";
	char a[4096], b[4096];
	uint8_t *mem = make_memory();
	size_t alen = 0, blen = 0;
	snprintf(a, sizeof a, "%s/a.snap", dir);
	snprintf(b, sizeof b, "%s/b.snap", dir);
	pool_runs_all();
	check(mem && !write_snapshot(a, mem), "a snapshot is written");
	read_back(a, mem);
	cpu_set_t one;
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	check(!sched_setaffinity(0, sizeof one, &one) && snap_pool_cores() == 1, "down to one core");
	check(!write_snapshot(b, mem), "written again, without helper threads");
	uint8_t *da = slurp(a, &alen), *db = slurp(b, &blen);
	check(da && db && alen == blen && !memcmp(da, db, alen), "the same bytes both times");
	free(da);
	free(db);
	damage(dir, a);
	free(mem);
	return failed ? 1 : 0;
}
