/* media_image.c - images with libvips: the header without decoding, then
 * (in the worker) decoded with the loader of the sniffed type only,
 * turned upright, converted to sRGB, at most MEDIA_MAX_OUT_PIXELS, saved
 * with every metadata block stripped; a preview and a blurhash. */
#include "core/media.h"

#include "util/log.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <vips/vips.h>

/* libvips starts on the first image, not with the server: its start
 * touches about 10 MB of the libraries' pages and memory that a server
 * taking no images never needs. */
static pthread_once_t vips_once = PTHREAD_ONCE_INIT;
static atomic_bool vips_up;

static void vips_start(void)
{
	if (VIPS_INIT("rapport")) {
		log_error("media: libvips did not start: %s", vips_error_buffer());
		return;
	}
	/* Only the loaders of the types we take, whatever vips could open. */
	vips_block_untrusted_set(TRUE);
	vips_concurrency_set(1);
	vips_cache_set_max(0);
	atomic_store(&vips_up, true);
}

void media_image_shutdown(void)
{
	if (atomic_load(&vips_up))
		vips_shutdown();
}

/* The loader of one sniffed type; never vips's own guess. */
static VipsImage *load(const char *path, const char *mime, bool header_only)
{
	pthread_once(&vips_once, vips_start);
	if (!atomic_load(&vips_up))
		return NULL;
	VipsImage *im = NULL;
	int rc = -1;
	VipsFailOn fail = header_only ? VIPS_FAIL_ON_NONE : VIPS_FAIL_ON_ERROR;
	if (!strcmp(mime, "image/jpeg"))
		rc = vips_jpegload(path, &im, "fail_on", fail, NULL);
	else if (!strcmp(mime, "image/png"))
		rc = vips_pngload(path, &im, "fail_on", fail, NULL);
	else if (!strcmp(mime, "image/webp"))
		rc = vips_webpload(path, &im, "fail_on", fail, NULL);
	else if (!strcmp(mime, "image/gif"))
		rc = vips_gifload(path, &im, "fail_on", fail, NULL);
	if (rc) {
		vips_error_clear();
		return NULL;
	}
	return im;
}

void media_image_thread_end(void)
{
	if (atomic_load(&vips_up))
		vips_thread_shutdown();
}

int media_image_header(const char *path, const char *mime, int *w, int *h, int *pages)
{
	VipsImage *im = load(path, mime, true);
	if (!im)
		return -1;
	*w = vips_image_get_width(im);
	*h = vips_image_get_height(im);
	if (vips_image_get_int(im, "n-pages", pages))
		*pages = 1;
	vips_error_clear();
	g_object_unref(im);
	return *w > 0 && *h > 0 ? 0 : -1;
}

/* ---- blurhash (https://blurha.sh), 4x3 components ---- */

static const char B83[] =
	"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~";

static char *b83(char *out, long v, int len)
{
	for (int i = len - 1; i >= 0; i--) {
		out[i] = B83[v % 83];
		v /= 83;
	}
	return out + len;
}

static double to_linear(int v)
{
	double x = v / 255.0;
	return x <= 0.04045 ? x / 12.92 : pow((x + 0.055) / 1.055, 2.4);
}

static long to_srgb(double v)
{
	v = v < 0 ? 0 : v > 1 ? 1 : v;
	return v <= 0.0031308 ? (long)(v * 12.92 * 255 + 0.5)
			      : (long)((1.055 * pow(v, 1 / 2.4) - 0.055) * 255 + 0.5);
}

static double sign_pow(double v, double e)
{
	return copysign(pow(fabs(v), e), v);
}

#define BH_X 4
#define BH_Y 3

static void bh_factor(const unsigned char *px, int w, int h, int i, int j, double f[3])
{
	f[0] = f[1] = f[2] = 0;
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			double b = cos(M_PI * i * x / w) * cos(M_PI * j * y / h);
			const unsigned char *p = px + 3 * ((size_t)y * w + x);
			for (int k = 0; k < 3; k++)
				f[k] += b * to_linear(p[k]);
		}
	double scale = (i == 0 && j == 0 ? 1.0 : 2.0) / (w * h);
	for (int k = 0; k < 3; k++)
		f[k] *= scale;
}

static void blurhash(const unsigned char *px, int w, int h, char out[64])
{
	double f[BH_X * BH_Y][3], maxv = 0;
	for (int j = 0; j < BH_Y; j++)
		for (int i = 0; i < BH_X; i++)
			bh_factor(px, w, h, i, j, f[j * BH_X + i]);
	for (int n = 1; n < BH_X * BH_Y; n++)
		for (int k = 0; k < 3; k++)
			maxv = fmax(maxv, fabs(f[n][k]));
	char *o = b83(out, (BH_X - 1) + (BH_Y - 1) * 9, 1);
	long q = (long)fmax(0, fmin(82, floor(maxv * 166 - 0.5)));
	double maxq = (q + 1) / 166.0;
	o = b83(o, q, 1);
	o = b83(o, (to_srgb(f[0][0]) << 16) + (to_srgb(f[0][1]) << 8) + to_srgb(f[0][2]), 4);
	for (int n = 1; n < BH_X * BH_Y; n++) {
		long v = 0;
		for (int k = 0; k < 3; k++)
			v = v * 19 + (long)fmax(0, fmin(18, floor(sign_pow(f[n][k] / maxq, 0.5) * 9 + 9.5)));
		o = b83(o, v, 2);
	}
	*o = '\0';
}

/* An sRGB, 8-bit version of im with its alpha flattened on white: what a
 * JPEG or a blurhash takes. */
static VipsImage *flat_srgb(VipsImage *im)
{
	VipsImage *a = NULL, *b = NULL;
	if (vips_colourspace(im, &a, VIPS_INTERPRETATION_sRGB, NULL))
		return NULL;
	if (vips_image_hasalpha(a)) {
		double white[3] = {255, 255, 255};
		VipsArrayDouble *bg = vips_array_double_new(white, 3);
		int rc = vips_flatten(a, &b, "background", bg, NULL);
		vips_area_unref(VIPS_AREA(bg));
		g_object_unref(a);
		if (rc)
			return NULL;
		a = b;
	}
	if (vips_cast_uchar(a, &b, NULL)) {
		g_object_unref(a);
		return NULL;
	}
	g_object_unref(a);
	return b;
}

/* im fitted in a side x side box (never enlarged): a box filter for
 * the whole factor, then a small reduce ("gap" 0), ten times cheaper than
 * vips_thumbnail_image on an image already in memory. */
static int fit(VipsImage *im, int side, VipsImage **out)
{
	int w = vips_image_get_width(im), h = vips_image_get_height(im);
	double scale = (double)side / (w > h ? w : h);
	if (scale >= 1) {
		*out = im;
		g_object_ref(im);
		return 0;
	}
	return vips_resize(im, out, scale, "gap", 0.0, NULL);
}

/* The blurhash of im, from a copy at most 32 pixels wide and high. */
static int hash_of(VipsImage *im, char out[64])
{
	VipsImage *t = NULL, *f = NULL;
	int rc = -1;
	if (fit(im, 32, &t) || !(f = flat_srgb(t)))
		goto out;
	size_t n;
	unsigned char *px = vips_image_write_to_memory(f, &n);
	if (px && vips_image_get_bands(f) == 3) {
		blurhash(px, vips_image_get_width(f), vips_image_get_height(f), out);
		rc = 0;
	}
	g_free(px);
out:
	if (t)
		g_object_unref(t);
	if (f)
		g_object_unref(f);
	return rc;
}

/* Drops a WebP's EXIF and XMP chunks in place (and their flags in VP8X);
 * the new length, or 0 when b is not a well-formed WebP. */
static size_t webp_drop_meta(unsigned char *b, size_t n)
{
	if (n < 12 || memcmp(b, "RIFF", 4) || memcmp(b + 8, "WEBP", 4))
		return 0;
	size_t in = 12, out = 12;
	while (in + 8 <= n) {
		size_t len = (size_t)b[in + 4] | (size_t)b[in + 5] << 8 | (size_t)b[in + 6] << 16 |
			     (size_t)b[in + 7] << 24;
		size_t whole = 8 + len + (len & 1);
		if (whole > n - in)
			return 0;
		if (memcmp(b + in, "EXIF", 4) && memcmp(b + in, "XMP ", 4)) {
			memmove(b + out, b + in, whole);
			out += whole;
		}
		in += whole;
	}
	if (in != n)
		return 0;
	if (out >= 21 && !memcmp(b + 12, "VP8X", 4))
		b[20] &= (unsigned char)~0x0c; /* the EXIF and XMP flags */
	size_t riff = out - 8;
	for (int i = 0; i < 4; i++)
		b[4 + i] = (unsigned char)(riff >> (8 * i));
	return out;
}

/* WebP with no metadata chunk: libvips 8.14 writes an EXIF block of its
 * own (resolution, size) even with "strip". 0 or -1. */
static int webp_save(VipsImage *im, const char *path, int q)
{
	void *buf = NULL;
	size_t n = 0;
	if (vips_webpsave_buffer(im, &buf, &n, "Q", q, "strip", TRUE, NULL))
		return -1;
	size_t len = webp_drop_meta(buf, n);
	FILE *f = len ? fopen(path, "wbe") : NULL;
	int rc = f && fwrite(buf, 1, len, f) == len ? 0 : -1;
	if (f && fclose(f))
		rc = -1;
	g_free(buf);
	return rc;
}

static int save_preview(VipsImage *im, const char *path, char blurhash_out[64], int *w, int *h)
{
	VipsImage *small = NULL;
	int rc = fit(im, MEDIA_PREVIEW_SIDE, &small);
	if (!rc)
		rc = webp_save(small, path, 80);
	if (!rc) {
		*w = vips_image_get_width(small);
		*h = vips_image_get_height(small);
		rc = hash_of(small, blurhash_out);
	}
	if (small)
		g_object_unref(small);
	return rc;
}

/* A copy of im with every metadata field removed (EXIF, its parsed
 * exif-* fields, XMP, IPTC, ICC, comments): libvips 8.14's webpsave kept
 * the EXIF block despite "strip", since it rebuilds it from the fields. */
static VipsImage *without_meta(VipsImage *im)
{
	VipsImage *out = NULL;
	if (vips_copy(im, &out, NULL))
		return NULL;
	gchar **names = vips_image_get_fields(out);
	for (int i = 0; names && names[i]; i++)
		vips_image_remove(out, names[i]); /* header fields are not removed */
	g_strfreev(names);
	return out;
}

/* The upright sRGB image, at most MEDIA_MAX_OUT_PIXELS (or the size of a
 * profile picture: avatars 400x400, headers 1500x500, cropped). */
static VipsImage *shaped(VipsImage *in, const char *purpose)
{
	VipsImage *up = NULL, *rgb = NULL, *out = NULL;
	if (vips_autorot(in, &up, NULL))
		return NULL;
	int rc = vips_colourspace(up, &rgb, VIPS_INTERPRETATION_sRGB, NULL);
	g_object_unref(up);
	if (rc)
		return NULL;
	if (rgb->BandFmt != VIPS_FORMAT_UCHAR) {
		VipsImage *u = NULL;
		rc = vips_cast_uchar(rgb, &u, NULL);
		g_object_unref(rgb);
		if (rc)
			return NULL;
		rgb = u;
	}
	double px = (double)vips_image_get_width(rgb) * vips_image_get_height(rgb);
	if (purpose) {
		bool av = !strcmp(purpose, "avatar");
		rc = vips_thumbnail_image(rgb, &out, av ? 400 : 1500, "height", av ? 400 : 500,
					  "crop", VIPS_INTERESTING_CENTRE, "size", VIPS_SIZE_DOWN,
					  NULL);
	} else if (px > MEDIA_MAX_OUT_PIXELS) {
		rc = vips_resize(rgb, &out, sqrt(MEDIA_MAX_OUT_PIXELS / px) * 0.999, NULL);
	} else {
		out = rgb;
		g_object_ref(out);
	}
	g_object_unref(rgb);
	if (rc)
		return NULL;
	/* Computed once, into memory: the original, the preview and the
	 * blurhash are all made from it. */
	VipsImage *mem = vips_image_copy_memory(out);
	g_object_unref(out);
	VipsImage *clean = mem ? without_meta(mem) : NULL;
	if (mem)
		g_object_unref(mem);
	return clean;
}

static int save_original(VipsImage *im, const char *mime, const char *prefix,
			 struct media_out *out)
{
	const char *ext = !strcmp(mime, "image/jpeg") ? "jpg"
			  : !strcmp(mime, "image/webp") ? "webp"
							: "png";
	snprintf(out->file, sizeof out->file, "%s.%s", prefix, ext);
	if (!strcmp(ext, "jpg")) {
		VipsImage *f = flat_srgb(im);
		int rc = f ? vips_jpegsave(f, out->file, "Q", 85, "strip", TRUE,
					  "optimize_coding", TRUE, NULL)
			   : -1;
		if (f)
			g_object_unref(f);
		return rc;
	}
	if (!strcmp(ext, "webp"))
		return webp_save(im, out->file, 85);
	return vips_pngsave(im, out->file, "strip", TRUE, "compression", 6, NULL);
}

static char *meta_json(int w, int h, int pw, int ph)
{
	char *s = NULL;
	if (asprintf(&s,
		     "{\"original\":{\"width\":%d,\"height\":%d,\"size\":\"%dx%d\",\"aspect\":%.6g},"
		     "\"small\":{\"width\":%d,\"height\":%d,\"size\":\"%dx%d\",\"aspect\":%.6g}}",
		     w, h, w, h, (double)w / h, pw, ph, pw, ph, (double)pw / ph) < 0)
		return NULL;
	return s;
}

int media_image_process(const char *in, const char *mime, const char *prefix,
			const char *purpose, struct media_out *out)
{
	VipsImage *src = load(in, mime, false), *im = NULL;
	int rc = -1, pw = 0, ph = 0;
	snprintf(out->preview, sizeof out->preview, "%s-small.webp", prefix);
	if (!src || !(im = shaped(src, purpose)) || save_original(im, mime, prefix, out) ||
	    save_preview(im, out->preview, out->blurhash, &pw, &ph)) {
		snprintf(out->error, sizeof out->error, "the image could not be decoded");
		goto done;
	}
	out->meta = meta_json(vips_image_get_width(im), vips_image_get_height(im), pw, ph);
	out->kind = purpose ? purpose : "image";
	rc = out->meta ? 0 : -1;
done:
	vips_error_clear();
	if (src)
		g_object_unref(src);
	if (im)
		g_object_unref(im);
	return rc;
}

int media_image_preview(const char *in, const char *mime, const char *out_path, char bh[64],
			int *w, int *h)
{
	VipsImage *src = load(in, mime, false), *im = NULL;
	int rc = -1;
	if (src && (im = shaped(src, NULL)))
		rc = save_preview(im, out_path, bh, w, h);
	vips_error_clear();
	if (src)
		g_object_unref(src);
	if (im)
		g_object_unref(im);
	return rc;
}
