// C shim over libjpeg (Debian's libjpeg62-turbo) for what Swift cannot do safely: libjpeg reports
// a fatal error by calling `error_exit`, which must not return, and the standard answer is to
// setjmp before calling libjpeg and longjmp back from the handler. A longjmp must never cross
// Swift frames (it would skip Swift's releases and cleanups), so every libjpeg call that can fail
// runs inside these C functions, which setjmp first and turn an error into a message.
#ifndef HOOKD_CJPEG_SHIM_H
#define HOOKD_CJPEG_SHIM_H

#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jerror.h>
#include <jpeglib.h>

/// One decode: libjpeg's state, its error manager and the jump buffer in one heap block, so their
/// addresses never change (libjpeg keeps pointers to `err`, the handler finds `jump` through
/// `cinfo`, which is the first member).
typedef struct {
    struct jpeg_decompress_struct cinfo;
    struct jpeg_error_mgr err;
    jmp_buf jump;
    FILE *file;
    /// Set by hookd_jpeg_open from the header: size, components and colour space of the file.
    int width;
    int height;
    int components;
    J_COLOR_SPACE color_space;
    /// Why the last call failed; "" while nothing has.
    char message[JMSG_LENGTH_MAX];
} hookd_jpeg;

/// libjpeg's fatal-error hook: keep the message and jump back into the shim function that called libjpeg.
static inline void hookd_jpeg_error_exit(j_common_ptr cinfo) {
    hookd_jpeg *j = (hookd_jpeg *)cinfo;
    (*cinfo->err->format_message)(cinfo, j->message);
    longjmp(j->jump, 1);
}

/// libjpeg's message hook (level -1: a warning about corrupt data; 0 and up: tracing). Warnings
/// are data libjpeg can decode around, such as stray bytes between markers, which PIL accepts
/// silently too; the default hook would print them to stderr. A premature end of file is the
/// exception: libjpeg pads the missing rows with gray where PIL raises "image file is truncated",
/// so a cut-off file fails instead of training on made-up pixels.
static inline void hookd_jpeg_emit_message(j_common_ptr cinfo, int level) {
    if (level < 0 && cinfo->err->msg_code == JWRN_JPEG_EOF) hookd_jpeg_error_exit(cinfo);
}

/// Allocates a decoder, opens `path` and reads the JPEG header. Returns NULL only when out of
/// memory; otherwise `message` is "" on success and says why not on failure. Either way the
/// caller owns the result and releases it with hookd_jpeg_close.
static inline hookd_jpeg *hookd_jpeg_open(const char *path) {
    hookd_jpeg *j = (hookd_jpeg *)calloc(1, sizeof *j);
    if (j == NULL) return NULL;
    j->file = fopen(path, "rb");
    if (j->file == NULL) {
        snprintf(j->message, sizeof j->message, "%s", strerror(errno));
        return j;
    }
    j->cinfo.err = jpeg_std_error(&j->err);
    j->err.error_exit = hookd_jpeg_error_exit;
    j->err.emit_message = hookd_jpeg_emit_message;
    if (setjmp(j->jump)) return j;
    jpeg_create_decompress(&j->cinfo);
    jpeg_stdio_src(&j->cinfo, j->file);
    (void)jpeg_read_header(&j->cinfo, TRUE);
    j->width = (int)j->cinfo.image_width;
    j->height = (int)j->cinfo.image_height;
    j->components = j->cinfo.num_components;
    j->color_space = j->cinfo.jpeg_color_space;
    return j;
}

/// Decodes the pixels as `channels` interleaved 8-bit samples per pixel (1: gray, libjpeg's luma
/// for a colour file; 3: RGB, gray repeated for a gray file), row after row, into `pixels`
/// (height * width * channels bytes). Keeps libjpeg's default decoding (JDCT_ISLOW, fancy
/// upsampling), which is what PIL uses, so the pixels equal PIL's. Returns 0, or -1 with
/// `message` set. Call at most once, after a successful hookd_jpeg_open.
static inline int hookd_jpeg_decode(hookd_jpeg *j, int channels, unsigned char *pixels) {
    if (setjmp(j->jump)) return -1;
    j->cinfo.out_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    (void)jpeg_start_decompress(&j->cinfo);
    if (j->cinfo.output_components != channels) {
        snprintf(j->message, sizeof j->message, "libjpeg gave %d components, expected %d",
                 j->cinfo.output_components, channels);
        return -1;
    }
    size_t stride = (size_t)j->cinfo.output_width * (size_t)channels;
    while (j->cinfo.output_scanline < j->cinfo.output_height) {
        JSAMPROW row = pixels + (size_t)j->cinfo.output_scanline * stride;
        (void)jpeg_read_scanlines(&j->cinfo, &row, 1);
    }
    (void)jpeg_finish_decompress(&j->cinfo);
    return 0;
}

/// Why the last call on `j` failed ("" if none); valid until the next call on `j`.
static inline const char *hookd_jpeg_message(const hookd_jpeg *j) { return j->message; }

/// Releases everything hookd_jpeg_open allocated, whatever state the decode stopped in
/// (jpeg_destroy_decompress is safe after a longjmp and on a never-created decompressor). NULL is a no-op.
static inline void hookd_jpeg_close(hookd_jpeg *j) {
    if (j == NULL) return;
    jpeg_destroy_decompress(&j->cinfo);
    if (j->file != NULL) fclose(j->file);
    free(j);
}

#endif
