/* zstd frames over scattered memory. */
#include "snap/snap_zstd.h"

#include <stdio.h>
#include <sys/uio.h>
#ifdef HAVE_ZSTD
#include <zstd.h>
#endif

#ifdef HAVE_ZSTD
int snapz_available(void) { return 1; }

void *snapz_cctx_new(int level)
{
	ZSTD_CCtx *c = ZSTD_createCCtx();
	if (c)
		ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, level);
	return c;
}

void snapz_cctx_free(void *cctx) { ZSTD_freeCCtx(cctx); }

static size_t total_of(const struct iovec *iov, int n)
{
	size_t total = 0;
	for (int k = 0; k < n; k++)
		total += iov[k].iov_len;
	return total;
}

size_t snapz_compress(void *cctx, void *dst, size_t cap, const struct iovec *iov, int n)
{
	ZSTD_CCtx *c = cctx;
	if (n == 1) {
		size_t got = ZSTD_compress2(c, dst, cap, iov[0].iov_base, iov[0].iov_len);
		return ZSTD_isError(got) ? 0 : got;
	}
	ZSTD_CCtx_reset(c, ZSTD_reset_session_only);
	ZSTD_CCtx_setPledgedSrcSize(c, total_of(iov, n)); /* the frame records its size */
	ZSTD_outBuffer out = {dst, cap, 0};
	for (int k = 0; k <= n; k++) {
		ZSTD_inBuffer in = {k < n ? iov[k].iov_base : NULL, k < n ? iov[k].iov_len : 0, 0};
		ZSTD_EndDirective mode = k < n ? ZSTD_e_continue : ZSTD_e_end;
		size_t left;
		do {
			left = ZSTD_compressStream2(c, &out, &in, mode);
			if (ZSTD_isError(left) || (out.pos == out.size && left)) {
				ZSTD_CCtx_reset(c, ZSTD_reset_session_only);
				return 0; /* does not fit: not worth it */
			}
		} while (mode == ZSTD_e_end ? left != 0 : in.pos < in.size);
	}
	return out.pos;
}

void *snapz_dctx_new(void) { return ZSTD_createDCtx(); }
void snapz_dctx_free(void *dctx) { ZSTD_freeDCtx(dctx); }

static int fail(char *why, size_t size, const char *what, size_t code)
{
	if (ZSTD_isError(code))
		snprintf(why, size, "%s: %s", what, ZSTD_getErrorName(code));
	else
		snprintf(why, size, "%s", what);
	return -1;
}

int snapz_decompress(void *dctx, const struct iovec *out, int n, const void *src, size_t len,
		     char *why, size_t size)
{
	ZSTD_DCtx *d = dctx;
	size_t want = total_of(out, n);
	if (ZSTD_getFrameContentSize(src, len) != want)
		return fail(why, size, "compressed data of the wrong size", 0);
	if (n == 1) {
		size_t got = ZSTD_decompressDCtx(d, out[0].iov_base, out[0].iov_len, src, len);
		if (ZSTD_isError(got) || got != want)
			return fail(why, size, "corrupt compressed data", got);
		return 0;
	}
	ZSTD_DCtx_reset(d, ZSTD_reset_session_only);
	ZSTD_inBuffer in = {src, len, 0};
	size_t rc = 1;
	for (int k = 0; k < n; k++) {
		ZSTD_outBuffer ob = {out[k].iov_base, out[k].iov_len, 0};
		while (ob.pos < ob.size) {
			size_t before_in = in.pos, before_out = ob.pos;
			rc = ZSTD_decompressStream(d, &ob, &in);
			if (ZSTD_isError(rc))
				return fail(why, size, "corrupt compressed data", rc);
			if (in.pos == before_in && ob.pos == before_out)
				return fail(why, size, "the compressed data ends early", 0);
		}
	}
	while (rc != 0) { /* every byte is out: the frame's end may still be to read */
		ZSTD_outBuffer none = {NULL, 0, 0};
		size_t before_in = in.pos;
		rc = ZSTD_decompressStream(d, &none, &in);
		if (ZSTD_isError(rc))
			return fail(why, size, "corrupt compressed data", rc);
		if (in.pos == before_in)
			break;
	}
	if (rc != 0 || in.pos != in.size)
		return fail(why, size, "the compressed data does not end where it should", 0);
	return 0;
}
#else
int snapz_available(void) { return 0; }
void *snapz_cctx_new(int level) { return NULL; }
void snapz_cctx_free(void *cctx) {}

size_t snapz_compress(void *cctx, void *dst, size_t cap, const struct iovec *iov, int n)
{
	return 0;
}

void *snapz_dctx_new(void) { return NULL; }
void snapz_dctx_free(void *dctx) {}

int snapz_decompress(void *dctx, const struct iovec *out, int n, const void *src, size_t len,
		     char *why, size_t size)
{
	snprintf(why, size, "compressed with zstd, which this hexvm was built without");
	return -1;
}
#endif
