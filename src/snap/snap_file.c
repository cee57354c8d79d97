/* Writing and reading the snapshot container. */
#include "snap/snap_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#ifdef HAVE_ZSTD
#include <zstd.h>
#endif

const uint8_t snap_magic[SNAP_MAGIC_LEN] = {0x89, 'h', 'e', 'x', 'v', 'm', '-', 's',
					    'n', 'a', 'p', '\r', '\n', 0x1a, '\n', 0};

#define HEADER_LEN	(SNAP_MAGIC_LEN + 16)
#define SECTION_HEADER	24
#define TAG_END		"END!"
#define ZSTD_LEVEL	1
#define IOV_BATCH	512

static int write_all(struct snap_writer *w, const void *p, size_t n)
{
	const uint8_t *b = p;
	while (n && !w->failed) {
		ssize_t k = write(w->fd, b, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			snprintf(w->msg, sizeof w->msg, "%s: %s", w->path, strerror(k < 0 ? errno : EIO));
			w->failed = 1;
			return -1;
		}
		b += k;
		n -= (size_t)k;
		w->file_bytes += (uint64_t)k;
	}
	return w->failed ? -1 : 0;
}

#ifdef HAVE_ZSTD
static int zstd_push(struct snap_writer *w, const void *p, size_t n, ZSTD_EndDirective mode)
{
	ZSTD_inBuffer in = {p, n, 0};
	for (;;) {
		ZSTD_outBuffer out = {w->zbuf, w->zbuf_size, 0};
		size_t left = ZSTD_compressStream2(w->zstd, &out, &in, mode);
		if (ZSTD_isError(left)) {
			snprintf(w->msg, sizeof w->msg, "zstd: %s", ZSTD_getErrorName(left));
			w->failed = 1;
			return -1;
		}
		if (write_all(w, w->zbuf, out.pos))
			return -1;
		if (mode == ZSTD_e_end ? left == 0 : in.pos == in.size)
			return 0;
	}
}
#endif

static int body_write(struct snap_writer *w, const void *p, size_t n)
{
#ifdef HAVE_ZSTD
	if (w->zstd)
		return zstd_push(w, p, n, ZSTD_e_continue);
#endif
	return write_all(w, p, n);
}

static int start_compression(struct snap_writer *w)
{
#ifdef HAVE_ZSTD
	w->zstd = ZSTD_createCCtx();
	w->zbuf_size = ZSTD_CStreamOutSize();
	w->zbuf = malloc(w->zbuf_size);
	if (!w->zstd || !w->zbuf) {
		snprintf(w->msg, sizeof w->msg, "out of memory");
		return -1;
	}
	ZSTD_CCtx_setParameter(w->zstd, ZSTD_c_compressionLevel, ZSTD_LEVEL);
	w->flags |= SNAP_FLAG_ZSTD;
#endif
	return 0;
}

int snapw_open(struct snap_writer *w, const char *path, int compress)
{
	memset(w, 0, sizeof *w);
	w->fd = -1;
	w->path = strdup(path);
	if (!strcmp(path, "-")) {
		w->to_stdout = 1;
		w->fd = STDOUT_FILENO;
	} else {
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
	}
	if (compress && start_compression(w))
		return -1;
	uint8_t h[HEADER_LEN];
	memcpy(h, snap_magic, SNAP_MAGIC_LEN);
	snap_put_le(h + SNAP_MAGIC_LEN, SNAP_VERSION, 4);
	snap_put_le(h + SNAP_MAGIC_LEN + 4, w->flags, 4);
	snap_put_le(h + SNAP_MAGIC_LEN + 8, snap_hash(h, SNAP_MAGIC_LEN + 8), 8);
	return write_all(w, h, sizeof h);
}

int snapw_section(struct snap_writer *w, const char *tag, const struct snap_buf *b)
{
	if (b->oom) {
		snprintf(w->msg, sizeof w->msg, "out of memory while encoding section %.4s", tag);
		w->failed = 1;
	}
	struct iovec one = {b->data, b->len};
	return snapw_section_iov(w, tag, &one, 1);
}

/* Plain output: the pieces go to the file as they are, with no copy. */
static int write_pieces(struct snap_writer *w, const struct iovec *iov, int n)
{
	struct iovec part[IOV_BATCH];
	for (int k = 0; k < n && !w->failed;) {
		int m = n - k < IOV_BATCH ? n - k : IOV_BATCH;
		memcpy(part, iov + k, (size_t)m * sizeof *part);
		struct iovec *at = part;
		while (m > 0) {
			ssize_t done = writev(w->fd, at, m);
			if (done < 0 && errno == EINTR)
				continue;
			if (done <= 0) {
				snprintf(w->msg, sizeof w->msg, "%s: %s", w->path,
					 strerror(done < 0 ? errno : EIO));
				w->failed = 1;
				return -1;
			}
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

int snapw_section_iov(struct snap_writer *w, const char *tag, const struct iovec *iov, int n)
{
	if (w->failed)
		return -1;
	struct snap_hasher hs;
	uint64_t len = 0;
	snap_hash_init(&hs);
	for (int k = 0; k < n; k++) {
		snap_hash_update(&hs, iov[k].iov_base, iov[k].iov_len);
		len += iov[k].iov_len;
	}
	uint8_t h[SECTION_HEADER] = {0};
	memcpy(h, tag, 4);
	snap_put_le(h + 8, len, 8);
	snap_put_le(h + 16, snap_hash_final(&hs), 8);
	if (body_write(w, h, sizeof h))
		return -1;
	if (!len)
		return 0;
	if (!w->zstd) {
		return write_pieces(w, iov, n);
	}
	for (int k = 0; k < n; k++)
		if (body_write(w, iov[k].iov_base, iov[k].iov_len))
			return -1;
	return 0;
}

void snapw_abort(struct snap_writer *w)
{
	if (w->fd >= 0 && !w->to_stdout)
		close(w->fd);
	if (w->tmp_path)
		unlink(w->tmp_path);
#ifdef HAVE_ZSTD
	ZSTD_freeCCtx(w->zstd);
#endif
	free(w->zbuf);
	free(w->tmp_path);
	free(w->path);
	w->fd = -1;
	w->zstd = NULL;
	w->zbuf = NULL;
	w->tmp_path = w->path = NULL;
}

int snapw_close(struct snap_writer *w)
{
	struct snap_buf end = {0};
	if (snapw_section(w, TAG_END, &end))
		goto fail;
#ifdef HAVE_ZSTD
	if (w->zstd && zstd_push(w, NULL, 0, ZSTD_e_end))
		goto fail;
#endif
	if (!w->to_stdout) {
		if (fsync(w->fd) || close(w->fd)) {
			w->fd = -1;
			snprintf(w->msg, sizeof w->msg, "%s: %s", w->path, strerror(errno));
			goto fail;
		}
		w->fd = -1;
		if (rename(w->tmp_path, w->path)) {
			snprintf(w->msg, sizeof w->msg, "%s: %s", w->path, strerror(errno));
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
