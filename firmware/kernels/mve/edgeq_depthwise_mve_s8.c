/*
 * edgeq_depthwise_mve_s8.c — DEPTHWISE_CONV_2D int8 with depth multiplier 1 on Helium: four channels per
 * int32 vector (VLDRB.S32 widens four int8), a VMUL + VADD per tap (MVE has no vector-by-vector integer
 * multiply-accumulate), up to four horizontally adjacent output pixels per weight load.
 *
 * Row buffers: the input rows an output row reads are copied into a ring of filter_h slots in scratch, in
 * channel-block-major order [channel block of 4][column][4 bytes] (one VSTRW scatter moves 16 channels of a
 * column into four blocks), with the padding columns and the rows outside the image written as the input
 * zero point (which the folded bias makes contribute nothing, as in TFLM). So a block's window is a plain
 * run of 4-byte words: the pixels of a group sit 4 * stride_w bytes apart and a tap is one word further, at
 * immediate offsets in the 3x3 assembly path (strides 1 and 2, four real channels on the fast requantization;
 * other blocks and filters take the C loops). Each slot remembers which input row it holds
 * (a tag after the slots), and input row iy lives in slot floor(iy / dilation_h) mod filter_h: the rows of one
 * output row never share a slot, and a row the next output row reads again is not copied again.
 *
 * Accumulators start at the bias (the folded bias wraps modulo 2^32 as TFLM's accumulator does). Weights:
 * [channel block][filter_h * filter_w][4] (channels rounded up to 4, zero past `channels`); p->requant holds
 * 16 words per block, its 12 requantization words then its 4 biases (p->bias is unused). Scratch:
 * edgeq_depthwise_mve_s8_scratch_size(g). Not in place.
 */
#include "edgeq_mve_util.h"

#define PAD_ROW (-1) /* tag of a slot holding an all-padding row (every row outside the image is the same) */
#define NO_ROW (-2)  /* tag of a slot not loaded yet */

/* The filter rows' slots of one output row: filter row ky is in slot (first + ky) mod filter_h. */
typedef struct {
    const int8_t *base;
    int32_t first, slot_bytes;
} ring_t;

/* Accumulators of `count` (1..4, a constant after inlining) pixels `step` bytes apart, one channel block, any
 * filter: `offset` is the group's first word within a slot. */
EDGEQ_INLINE void group_taps(ring_t ring, int32_t offset, const int8_t *w, int32_t filter_h, int32_t filter_w,
                             int32_t tap_step, int32_t step, int32_t count, int32x4_t bias, int32x4_t *acc)
{
    int32x4_t a0 = bias, a1 = bias, a2 = bias, a3 = bias;
    int32_t ky, kx, slot = ring.first;
    for (ky = 0; ky < filter_h; ++ky) {
        const int8_t *x = ring.base + slot * ring.slot_bytes + offset;
        slot = slot + 1 == filter_h ? 0 : slot + 1;
        for (kx = 0; kx < filter_w; ++kx) {
            const int32x4_t wv = vldrbq_s32(w);
            w += 4;
            a0 = vaddq_s32(a0, vmulq_s32(vldrbq_s32(x), wv));
            if (count > 1) {
                a1 = vaddq_s32(a1, vmulq_s32(vldrbq_s32(x + step), wv));
            }
            if (count > 2) {
                a2 = vaddq_s32(a2, vmulq_s32(vldrbq_s32(x + 2 * step), wv));
            }
            if (count > 3) {
                a3 = vaddq_s32(a3, vmulq_s32(vldrbq_s32(x + 3 * step), wv));
            }
            x += tap_step;
        }
    }
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = a3;
}

/*
 * The 3x3 (dilation_w 1) group in assembly, for blocks of four real channels whose requantization is all on
 * the fast form: `n` pixels (1..4) `s` bytes apart (immediate offsets), accumulators a0..a3 starting at the
 * bias, per tap a weight load and per pixel a VLDRB.S32 + VMUL + VADD, then each pixel requantized as
 * edgeq_mve_requant4q's fast path (VQRDMULH, + offset + sign, VSHL by the negative shift words, clamp) and
 * stored, `ch` bytes apart. Written in assembly because GCC 12 hoists the loads of the unrolled C version
 * far enough to spill most of the eight vector registers; this uses exactly the eight. The widening loads
 * take their base in r0-r7 ("l"), as does the narrowing store.
 */
#define EDGEQ_DW_PIXEL(k, ky, kx)                                                                           \
    ".if %c[n] > " #k "\n\t"                                                                               \
    "vldrb.s32 %q[xv], [%[r" #ky "], #4*" #kx "+" #k "*%c[s]]\n\t"                                         \
    "vmul.i32 %q[xv], %q[xv], %q[wv]\n\t"                                                                  \
    "vadd.i32 %q[a" #k "], %q[a" #k "], %q[xv]\n\t"                                                        \
    ".endif\n\t"
#define EDGEQ_DW_TAP(ky, kx)                                                                                \
    "vldrb.s32 %q[wv], [%[w], #4*(3*" #ky "+" #kx ")]\n\t" EDGEQ_DW_PIXEL(0, ky, kx)                       \
        EDGEQ_DW_PIXEL(1, ky, kx) EDGEQ_DW_PIXEL(2, ky, kx) EDGEQ_DW_PIXEL(3, ky, kx)
/* here wv = multipliers, xv = shift words, m = offsets, t = the value being requantized */
#define EDGEQ_DW_REQUANT(k)                                                                                 \
    ".if %c[n] > " #k "\n\t"                                                                               \
    "vqrdmulh.s32 %q[t], %q[a" #k "], %q[wv]\n\t"                                                          \
    "vshr.s32 %q[a" #k "], %q[t], #31\n\t"                                                                 \
    "vadd.i32 %q[t], %q[t], %q[m]\n\t"                                                                     \
    "vadd.i32 %q[t], %q[t], %q[a" #k "]\n\t"                                                               \
    "vshl.s32 %q[t], %q[t], %q[xv]\n\t"                                                                    \
    "vldrw.u32 %q[a" #k "], [%[act]]\n\t"                                                                 \
    "vmax.s32 %q[t], %q[t], %q[a" #k "]\n\t"                                                               \
    "vldrw.u32 %q[a" #k "], [%[act], #16]\n\t"                                                            \
    "vmin.s32 %q[t], %q[t], %q[a" #k "]\n\t"                                                               \
    "vstrb.32 %q[t], [%[out]]\n\t"                                                                         \
    "add %[out], %[out], %[ch]\n\t"                                                                        \
    ".endif\n\t"
#define EDGEQ_DW_GROUP(count, step, r, w, rq, act, out, ch)                                        \
    do {                                                                                                     \
        int32x4_t a0_, a1_, a2_, a3_, wv_, xv_, m_, t_;                                                      \
        int8_t *out_ = (out);                                                                                \
        __asm__ volatile("vldrw.u32 %q[a0], [%[rq], #48]\n\t"                                                   \
                         "vmov %q[a1], %q[a0]\n\t"                                                           \
                         "vmov %q[a2], %q[a0]\n\t"                                                           \
                         "vmov %q[a3], %q[a0]\n\t" EDGEQ_DW_TAP(0, 0) EDGEQ_DW_TAP(0, 1) EDGEQ_DW_TAP(0, 2)  \
                             EDGEQ_DW_TAP(1, 0) EDGEQ_DW_TAP(1, 1) EDGEQ_DW_TAP(1, 2) EDGEQ_DW_TAP(2, 0)     \
                                 EDGEQ_DW_TAP(2, 1) EDGEQ_DW_TAP(2, 2)                                       \
                         "vldrw.u32 %q[wv], [%[rq]]\n\t"                                                     \
                         "vldrw.u32 %q[xv], [%[rq], #16]\n\t"                                                \
                         "vldrw.u32 %q[m], [%[rq], #32]\n\t" EDGEQ_DW_REQUANT(0) EDGEQ_DW_REQUANT(1)         \
                             EDGEQ_DW_REQUANT(2) EDGEQ_DW_REQUANT(3)                                         \
                         : [a0] "=&w"(a0_), [a1] "=&w"(a1_), [a2] "=&w"(a2_), [a3] "=&w"(a3_),               \
                           [wv] "=&w"(wv_), [xv] "=&w"(xv_), [m] "=&w"(m_), [t] "=&w"(t_), [out] "+l"(out_)  \
                         : [r0] "l"((r)[0]), [r1] "l"((r)[1]), [r2] "l"((r)[2]), [w] "l"(w), [rq] "r"(rq),      \
                           [act] "r"(act), [ch] "r"(ch), [s] "i"(step), [n] "i"(count)                       \
                         : "memory");                                                                        \
    } while (0)

/* One channel block of a 3x3 (dilation_w 1) output row on the assembly path, pixels `step` (4 or 8, a
 * constant after inlining) bytes apart; r[ky] points at the block's first word in filter row ky's slot. */
EDGEQ_INLINE void block_row_3x3_asm(const edgeq_conv_geom_t *g, const int8_t *const *r, const int8_t *w,
                                    int32_t step, const int32_t *rq, const int32_t *act, int8_t *out)
{
    const int32_t ch = g->input_c;
    const int8_t *rows[3] = {r[0], r[1], r[2]};
    int32_t ox;
    for (ox = 0; ox + 4 <= g->output_w; ox += 4, out += 4 * ch) {
        EDGEQ_DW_GROUP(4, step, rows, w, rq, act, out, ch);
        rows[0] += 4 * step;
        rows[1] += 4 * step;
        rows[2] += 4 * step;
    }
    switch (g->output_w - ox) {
    case 3: EDGEQ_DW_GROUP(3, step, rows, w, rq, act, out, ch); break;
    case 2: EDGEQ_DW_GROUP(2, step, rows, w, rq, act, out, ch); break;
    case 1: EDGEQ_DW_GROUP(1, step, rows, w, rq, act, out, ch); break;
    default: break;
    }
}

/* Out of line: the caller's vector values (activation range, requantization words) must not be live across
 * the assembly, which takes all eight vector registers. */
static EDGEQ_NOINLINE void block_row_3x3_asm_s1(const edgeq_conv_geom_t *g, const int8_t *const *r,
                                                   const int8_t *w, const int32_t *rq, const int32_t *act, int8_t *out)
{
    block_row_3x3_asm(g, r, w, 4, rq, act, out);
}

static EDGEQ_NOINLINE void block_row_3x3_asm_s2(const edgeq_conv_geom_t *g, const int8_t *const *r,
                                                   const int8_t *w, const int32_t *rq, const int32_t *act, int8_t *out)
{
    block_row_3x3_asm(g, r, w, 8, rq, act, out);
}

/* The requantized outputs of `count` pixels' accumulators, `ch` bytes apart. */
EDGEQ_INLINE void store(const int32x4_t *acc, int32_t count, const edgeq_mve_rq4_t *q, edgeq_mve_act_t act,
                        int32_t n, int32_t ch, int8_t *out)
{
    int32_t i;
    for (i = 0; i < count; ++i) {
        edgeq_mve_requant4q(acc[i], q, act, out + i * ch, n);
    }
}

/* One channel block of an output row, any filter: pixel groups of four, then the last 1..3 pixels. */
static void block_row(const edgeq_conv_geom_t *g, ring_t rows, int32_t offset, const int8_t *w, int32x4_t bias,
                      const edgeq_mve_rq4_t *q, edgeq_mve_act_t act, int32_t n, int8_t *out)
{
    const int32_t ch = g->input_c, fh = g->filter_h, fw = g->filter_w;
    const int32_t tap_step = 4 * g->dilation_w, step = 4 * g->stride_w;
    int32x4_t acc[4];
    int32_t ox;
    for (ox = 0; ox + 4 <= g->output_w; ox += 4, offset += 4 * step, out += 4 * ch) {
        group_taps(rows, offset, w, fh, fw, tap_step, step, 4, bias, acc);
        store(acc, 4, q, act, n, ch, out);
    }
    for (; ox < g->output_w; ++ox, offset += step, out += ch) { /* the last 1..3 pixels one by one (code size) */
        group_taps(rows, offset, w, fh, fw, tap_step, step, 1, bias, acc);
        store(acc, 1, q, act, n, ch, out);
    }
}

/* Column x of every block of a slot set to the padding word (four blocks per VSTRW scatter). */
static void pad_column(int32_t *slot, int32_t x, int32_t blocks, int32_t cols, uint32x4_t words, int32x4_t pad4)
{
    int32_t b;
    for (b = 0; b < blocks; b += 4, slot += 4 * cols) {
        vstrwq_scatter_shifted_offset_p_s32(slot + x, words, pad4, vctp32q((uint32_t)(blocks - b)));
    }
}

/* Input row iy (PAD_ROW: outside the image) into a slot: a padding row is written whole; an image row gets its
 * padding columns per block and each image column's channels scattered into their blocks, 16 per VSTRW. */
static void load_row(const edgeq_conv_geom_t *g, int8_t pad, const int8_t *image, int32_t iy, int32_t cols,
                     int8_t *slot)
{
    const int32_t ch = g->input_c;
    const int32_t blocks = (ch + 3) >> 2;
    const int32_t left = g->pad_left < cols ? g->pad_left : cols;
    const int32_t avail = g->input_w < cols - left ? g->input_w : cols - left; /* image columns kept */
    const uint32x4_t words = vmulq_n_u32(vidupq_n_u32(0, 1), (uint32_t)cols); /* block b + j at word j * cols */
    const int32x4_t pad4 = vreinterpretq_s32_s8(vdupq_n_s8(pad));
    int32_t *const base = (int32_t *)(void *)slot;
    const int8_t *src;
    int32_t x, c;
    if (iy == PAD_ROW) {
        edgeq_mve_fill_s8(slot, pad, blocks * cols * 4);
        return;
    }
    for (x = 0; x < left; ++x) {
        pad_column(base, x, blocks, cols, words, pad4);
    }
    for (x = left + avail; x < cols; ++x) {
        pad_column(base, x, blocks, cols, words, pad4);
    }
    src = image + iy * g->input_w * ch;
    for (x = 0; x < avail; ++x, src += ch) {
        int32_t *dst = base + left + x;
        for (c = 0; c + 16 <= ch; c += 16, dst += 4 * cols) {
            vstrwq_scatter_shifted_offset_s32(dst, words, vreinterpretq_s32_s8(vld1q_s8(src + c)));
        }
        if (c < ch) {
            const mve_pred16_t bytes = vctp8q((uint32_t)(ch - c));
            vstrwq_scatter_shifted_offset_p_s32(dst, words, vreinterpretq_s32_s8(vldrbq_z_s8(src + c, bytes)),
                                                vctp32q((uint32_t)(blocks - (c >> 2))));
        }
    }
}

void edgeq_depthwise_mve_s8(const edgeq_conv_geom_t *g, const edgeq_mve_gemm_s8_t *p, int32_t pad_value,
                            const int8_t *input, int8_t *output, void *scratch)
{
    const int32_t ch = g->input_c, fh = g->filter_h;
    const int32_t blocks = (ch + 3) >> 2;
    const int32_t cols = edgeq_depthwise_mve_cols(g);
    const int32_t slot_bytes = blocks * cols * 4;
    const int32_t taps = fh * g->filter_w;
    const int32_t unrolled = fh == 3 && g->filter_w == 3 && g->dilation_w == 1 && g->stride_w <= 2;
    int32_t *tags = (int32_t *)(void *)((int8_t *)scratch + fh * slot_bytes);
    const edgeq_mve_act_t act = edgeq_mve_act(p->act_min, p->act_max);
    const int32_t act_words[8] = {p->act_min, p->act_min, p->act_min, p->act_min,
                                  p->act_max, p->act_max, p->act_max, p->act_max};
    int32_t b, oy, ky, k;
    for (b = 0; b < g->batches; ++b) {
        const int8_t *image = input + b * g->input_h * g->input_w * ch;
        for (k = 0; k < fh; ++k) {
            tags[k] = NO_ROW; /* a new image */
        }
        for (oy = 0; oy < g->output_h; ++oy) {
            int8_t *out_row = output + (b * g->output_h + oy) * g->output_w * ch;
            const int32_t iy0 = oy * g->stride_h - g->pad_top;
            /* floor(iy0 / dilation_h) (iy0 may be negative): the first filter row's slot, the others follow */
            const int32_t q0 = iy0 >= 0 ? iy0 / g->dilation_h : -((-iy0 + g->dilation_h - 1) / g->dilation_h);
            const ring_t rows = {(const int8_t *)scratch, ((q0 % fh) + fh) % fh, slot_bytes};
            const int8_t *r[3] = {0, 0, 0};
            int32_t slot = rows.first;
            for (ky = 0; ky < fh; ++ky) {
                const int32_t iy = iy0 + ky * g->dilation_h;
                const int32_t tag = iy < 0 || iy >= g->input_h ? PAD_ROW : iy;
                if (tags[slot] != tag) {
                    load_row(g, (int8_t)pad_value, image, tag, cols, (int8_t *)scratch + slot * slot_bytes);
                    tags[slot] = tag;
                }
                if (ky < 3) {
                    r[ky] = rows.base + slot * slot_bytes;
                }
                slot = slot + 1 == fh ? 0 : slot + 1;
            }
            for (k = 0; k < blocks; ++k, r[0] += 4 * cols, r[1] += 4 * cols, r[2] += 4 * cols) {
                const int32_t c = 4 * k;
                const int32_t *rq = p->requant + 4 * c; /* the block's 16 words: requantization, then bias */
                const int8_t *w = p->weights + c * taps;
                const int32_t n = ch - c < 4 ? ch - c : 4;
                /* the assembly: four real channels, every shift word on the fast form (< 0) */
                if (unrolled && n == 4 && (!p->exact_channels || (rq[4] < 0 && rq[5] < 0 && rq[6] < 0 && rq[7] < 0))) {
                    if (g->stride_w == 1) {
                        block_row_3x3_asm_s1(g, r, w, rq, act_words, out_row + c);
                    } else {
                        block_row_3x3_asm_s2(g, r, w, rq, act_words, out_row + c);
                    }
                } else {
                    const edgeq_mve_rq4_t q = edgeq_mve_rq4(rq, p->exact_channels);
                    block_row(g, rows, k * cols * 4, w, vld1q_s32(rq + 12), &q, act, n, out_row + c);
                }
            }
        }
    }
}
