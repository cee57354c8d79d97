/* Writing the snapshot container. */
#include "snap/snap_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "snap/snap_pool.h"
#include "snap/snap_zstd.h"

const uint8_t snap_magic[SNAP_MAGIC_LEN] = {0x89, 'h', 'e', 'x', 'v', 'm', '-', 's',
					    'n', 'a', 'p', '\r', '\n', 0x1a, '\n', 0};

#define TAG_END	      "END!"
#define IOV_BATCH     512
#define COMPRESS_MIN  256 /* smaller sections are stored as they are */
#define PAGE_HEAD_MAX (8 + 16 * SNAP_PAGE_CHUNK)

/* A page section on its way out: compressed and hashed by whichever
 * thread runs its job, then written by the writer's thread. */
struct page_slot {
	struct snap_job job; /* first: the job is the slot */
	char tag[4];
	uint8_t header[SNAP_SECTION_HEADER];
	uint8_t head[PAGE_HEAD_MAX];
	size_t head_len;
	struct iovec data[SNAP_PAGE_CHUNK];
	int n;
	size_t data_len;
	void *cctx;   /* NULL: stored as it is */
	uint8_t *out; /* the frame, SNAP_PAGE_CHUNK pages at most */
	size_t out_len; /* 0: stored as it is */
};

static int fail_errno(struct snap_writer *w, int err)
{
	if (!w->failed)
		snprintf(w->msg, sizeof w->msg, "%s: %s", w->path, strerror(err));
	w->failed = 1;
	return -1;
}

/* The pieces go to the file as they are, with no copy. */
static int write_pieces(struct snap_writer *w, const struct iovec *iov, int n)
{
	struct iovec part[IOV_BATCH];
	for (int k = 0; k < n && !w->failed;) {
		int m = n - k < IOV_BATCH ? n - k : IOV_BATCH;
		memcpy(part, iov + k, (size_t)m * sizeof *part);
		struct iovec *at = part;
		for (;;) {
			while (m > 0 && !at->iov_len) /* writev would say 0: nothing written */
				at++, m--, k++;
			if (m == 0)
				break;
			ssize_t done = writev(w->fd, at, m);
			if (done < 0 && errno == EINTR)
				continue;
			if (done <= 0)
				return fail_errno(w, done < 0 ? errno : EIO);
			w->file_bytes += (uint64_t)done;
			while (m > 0 && (size_t)done >= at->iov_len) {
				done -= (ssize_t)at->iov_len;
				at++, m--, k++;
			}
			if (m > 0) {
				at->iov_base = (uint8_t *)at->iov_base + done;
				at->iov_len -= (size_t)done;
			}
		}
	}
	return w->failed ? -1 : 0;
}

/* Header fields, then the checksum of them and the n stored pieces. */
static void seal_section(uint8_t *h, const char *tag, uint32_t flags, uint64_t len,
			 uint64_t head_len, const struct iovec *stored, int n)
{
	uint64_t stored_len = 0;
	for (int k = 0; k < n; k++)
		stored_len += stored[k].iov_len;
	memcpy(h, tag, 4);
	snap_put_le(h + 4, flags, 4);
	snap_put_le(h + 8, len, 8);
	snap_put_le(h + 16, stored_len, 8);
	snap_put_le(h + 24, head_len, 8);
	struct snap_hasher hs;
	snap_hash_init(&hs);
	snap_hash_update(&hs, h, 32);
	for (int k = 0; k < n; k++)
		snap_hash_update(&hs, stored[k].iov_base, stored[k].iov_len);
	snap_put_le(h + 32, snap_hash_final(&hs), 8);
}

/* Whether the section's data is worth compressing: SAMPLES pages from
 * across it must shrink by 1/32 together. Incompressible memory (random
 * bytes, compressed data, keys) then costs compressing 16 KiB a MiB, and a
 * section tells from its own bytes only, so the file is the same whichever
 * thread did it. */
#define SAMPLES	    4
#define SAMPLE_FROM (SAMPLES * 16 * 4096) /* smaller sections are tried whole */
static int worth_compressing(struct page_slot *s)
{
	if (s->data_len < SAMPLE_FROM)
		return 1;
	struct iovec sample[SAMPLES];
	size_t step = s->data_len / SAMPLES / 4096 * 4096, want = 0;
	int k = 0;
	for (int n = 0; n < SAMPLES; n++, want += step) {
		size_t at = want;
		while (at >= s->data[k].iov_len) /* the piece the sample begins in */
			at -= s->data[k].iov_len, want -= s->data[k].iov_len, k++;
		sample[n] = (struct iovec){(uint8_t *)s->data[k].iov_base + at, 4096};
	}
	size_t len = SAMPLES * 4096;
	return snapz_compress(s->cctx, s->out, len - len / 32, sample, SAMPLES) != 0;
}

static void page_job(struct snap_job *job, int worker)
{
	struct page_slot *s = (struct page_slot *)job;
	struct iovec stored[2 + SNAP_PAGE_CHUNK];
	s->out_len = s->cctx && s->data_len >= COMPRESS_MIN && worth_compressing(s)
			     ? snapz_compress(s->cctx, s->out, s->data_len - s->data_len / 32,
					      s->data, s->n)
			     : 0;
	stored[0] = (struct iovec){s->head, s->head_len};
	int n = 1;
	if (s->out_len)
		stored[n++] = (struct iovec){s->out, s->out_len};
	else
		for (int k = 0; k < s->n; k++)
			stored[n++] = s->data[k];
	seal_section(s->header, s->tag, s->out_len ? SNAP_SECTION_ZSTD : 0,
		     s->head_len + s->data_len, s->head_len, stored, n);
}

/* Waits for the oldest queued page section and writes it. */
static void retire_oldest(struct snap_writer *w)
{
	struct page_slot *s = &w->slots[w->first];
	snap_pool_wait(w->pool, &s->job);
	w->first = (w->first + 1) % w->nslots;
	w->pending--;
	if (w->failed)
		return;
	struct iovec iov[2 + SNAP_PAGE_CHUNK];
	iov[0] = (struct iovec){s->header, sizeof s->header};
	iov[1] = (struct iovec){s->head, s->head_len};
	int n = 2;
	if (s->out_len)
		iov[n++] = (struct iovec){s->out, s->out_len};
	else
		for (int k = 0; k < s->n; k++)
			iov[n++] = s->data[k];
	w->sections++;
	w->compressed += s->out_len != 0;
	write_pieces(w, iov, n);
}

int snapw_flush(struct snap_writer *w)
{
	while (w->pending)
		retire_oldest(w);
	return w->failed ? -1 : 0;
}

int snapw_pages(struct snap_writer *w, const char *tag, const void *head, size_t head_len,
		const struct iovec *data, int n)
{
	if (w->failed)
		return -1;
	if (head_len > PAGE_HEAD_MAX || n > SNAP_PAGE_CHUNK) {
		snprintf(w->msg, sizeof w->msg, "a page section is too large");
		w->failed = 1;
		return -1;
	}
	if (w->pending == w->nslots)
		retire_oldest(w);
	struct page_slot *s = &w->slots[(w->first + w->pending) % w->nslots];
	memcpy(s->tag, tag, 4);
	memcpy(s->head, head, head_len);
	s->head_len = head_len;
	memcpy(s->data, data, (size_t)n * sizeof *data);
	s->n = n;
	s->data_len = 0;
	for (int k = 0; k < n; k++)
		s->data_len += data[k].iov_len;
	s->job.run = page_job;
	w->pending++;
	snap_pool_submit(w->pool, &s->job);
	return w->failed ? -1 : 0;
}

/* A section the calling thread compresses (when that shrinks it). */
int snapw_section_iov(struct snap_writer *w, const char *tag, const struct iovec *iov, int n)
{
	if (snapw_flush(w))
		return -1;
	uint64_t len = 0;
	for (int k = 0; k < n; k++)
		len += iov[k].iov_len;
	uint8_t *frame = w->zctx && len >= COMPRESS_MIN ? malloc((size_t)len) : NULL;
	size_t frame_len = frame ? snapz_compress(w->zctx, frame, (size_t)(len - len / 32), iov, n)
				 : 0;
	uint8_t h[SNAP_SECTION_HEADER];
	struct iovec out[2];
	out[0] = (struct iovec){h, sizeof h};
	int rc;
	if (frame_len) {
		out[1] = (struct iovec){frame, frame_len};
		seal_section(h, tag, SNAP_SECTION_ZSTD, len, 0, out + 1, 1);
		rc = write_pieces(w, out, 2);
		w->compressed++;
	} else {
		seal_section(h, tag, 0, len, 0, iov, n);
		rc = write_pieces(w, out, 1) || write_pieces(w, iov, n) ? -1 : 0;
	}
	w->sections++;
	free(frame);
	return rc;
}

int snapw_section(struct snap_writer *w, const char *tag, const struct snap_buf *b)
{
	if (b->oom) {
		snprintf(w->msg, sizeof w->msg, "out of memory while encoding section %.4s", tag);
		w->failed = 1;
	}
	struct iovec one = {b->data, b->len};
	return w->failed ? -1 : snapw_section_iov(w, tag, &one, 1);
}

static int make_slots(struct snap_writer *w, int compress)
{
	int threads = snap_pool_cores();
	w->pool = snap_pool_create(threads);
	w->nslots = 2 * threads + 2; /* every thread busy, and as many written meanwhile */
	w->slots = calloc((size_t)w->nslots, sizeof *w->slots);
	if (!w->slots)
		return -1;
	for (int k = 0; compress && k < w->nslots; k++) {
		w->slots[k].cctx = snapz_cctx_new(SNAPZ_LEVEL);
		w->slots[k].out = malloc(SNAP_PAGE_CHUNK * 4096);
		if (!w->slots[k].cctx || !w->slots[k].out)
			return -1;
	}
	if (compress && !(w->zctx = snapz_cctx_new(SNAPZ_LEVEL)))
		return -1;
	return 0;
}

static int create_file(struct snap_writer *w, const char *path)
{
	if (!strcmp(path, "-")) {
		w->to_stdout = 1;
		w->fd = STDOUT_FILENO;
		return 0;
	}
	size_t n = strlen(path) + 16;
	w->tmp_path = malloc(n);
	if (w->tmp_path) {
		snprintf(w->tmp_path, n, "%s.tmpXXXXXX", path);
		w->fd = mkstemp(w->tmp_path);
	}
	if (w->fd < 0) {
		snprintf(w->msg, sizeof w->msg, "%s: %s", path, strerror(errno));
		free(w->tmp_path);
		w->tmp_path = NULL;
		return -1;
	}
	return 0;
}

int snapw_open(struct snap_writer *w, const char *path, int compress)
{
	memset(w, 0, sizeof *w);
	w->fd = -1;
	w->path = strdup(path);
	if (!w->path || create_file(w, path))
		goto fail;
	compress = compress && snapz_available();
	if (make_slots(w, compress)) {
		snprintf(w->msg, sizeof w->msg, "out of memory");
		goto fail;
	}
	w->flags = compress ? SNAP_FLAG_ZSTD : 0;
	uint8_t h[SNAP_HEADER_LEN];
	memcpy(h, snap_magic, SNAP_MAGIC_LEN);
	snap_put_le(h + SNAP_MAGIC_LEN, SNAP_VERSION, 4);
	snap_put_le(h + SNAP_MAGIC_LEN + 4, w->flags, 4);
	snap_put_le(h + SNAP_MAGIC_LEN + 8, snap_hash(h, SNAP_MAGIC_LEN + 8), 8);
	struct iovec one = {h, sizeof h};
	if (!write_pieces(w, &one, 1))
		return 0;
fail:
	if (!w->path)
		snprintf(w->msg, sizeof w->msg, "out of memory");
	snapw_abort(w);
	return -1;
}

void snapw_abort(struct snap_writer *w)
{
	w->failed = 1;
	snapw_flush(w); /* the helpers let go of every slot */
	snap_pool_destroy(w->pool);
	for (int k = 0; w->slots && k < w->nslots; k++) {
		snapz_cctx_free(w->slots[k].cctx);
		free(w->slots[k].out);
	}
	free(w->slots);
	snapz_cctx_free(w->zctx);
	if (w->fd >= 0 && !w->to_stdout)
		close(w->fd);
	if (w->tmp_path)
		unlink(w->tmp_path);
	free(w->tmp_path);
	free(w->path);
	w->fd = -1;
	w->pool = NULL;
	w->slots = NULL;
	w->zctx = NULL;
	w->tmp_path = w->path = NULL;
}

int snapw_close(struct snap_writer *w)
{
	struct snap_buf end = {0};
	if (snapw_section(w, TAG_END, &end))
		goto fail;
	if (!w->to_stdout) {
		if (fsync(w->fd) || close(w->fd)) {
			w->fd = -1;
			fail_errno(w, errno);
			goto fail;
		}
		w->fd = -1;
		if (rename(w->tmp_path, w->path)) {
			fail_errno(w, errno);
			goto fail;
		}
		free(w->tmp_path);
		w->tmp_path = NULL;
	}
	snapw_abort(w);
	return 0;
fail:
	snapw_abort(w);
	return -1;
}
