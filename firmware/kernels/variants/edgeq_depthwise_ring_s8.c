/*
 * DEPTHWISE_CONV_2D (depth multiplier 1, dilation 1, channels a multiple of 4) over the padded row
 * ring: four channels per 32-bit load, sign-extended into even and odd pairs (SXTB16) and accumulated
 * with SMLABB/SMLATT against packed int16 weights (one LDRD per tap). 3x3 filters are unrolled.
 * Safe in place (see edgeq_ring_load_s8.c).
 */
#include "edgeq_kernels_packed.h"
#include "edgeq_simd.h"

typedef struct {
    int32_t a0, a1, a2, a3;
} edgeq_acc4_t;

/* One tap: four channels of input at src against the next two packed weight words. */
static inline void edgeq_dw_tap(edgeq_acc4_t *a, const int8_t *src, const int32_t **w)
{
    const uint32_t v = edgeq_read_u32(src);
    const uint32_t even = edgeq_sxtb16(v), odd = edgeq_sxtb16_ror8(v);
    uint32_t w0, w1;
    edgeq_load2(w, &w0, &w1);
    a->a0 = edgeq_smlabb(even, w0, a->a0);
    a->a2 = edgeq_smlatt(even, w0, a->a2);
    a->a1 = edgeq_smlabb(odd, w1, a->a1);
    a->a3 = edgeq_smlatt(odd, w1, a->a3);
}

void edgeq_depthwise_ring_s8(const edgeq_conv_geom_t *g, const edgeq_packed_s8_t *p, int32_t pad_value,
                             const int8_t *input, int8_t *output, int8_t *scratch)
{
    const int32_t row_bytes = edgeq_ring_row_bytes(g);
    const int32_t channels = g->input_c;
    const int32_t step = g->stride_w * channels;
    const int32_t lo = p->act_min, hi = p->act_max;
    int32_t b, oy, ox, c, fy, fx;
    for (b = 0; b < g->batches; ++b) {
        const int8_t *image = input + b * g->input_h * g->input_w * channels;
        int8_t *out = output + b * g->output_h * g->output_w * channels;
        int32_t next_row = 0;
        for (oy = 0; oy < g->output_h; ++oy) {
            const int32_t slot0 = (oy * g->stride_h) % g->filter_h;
            edgeq_ring_load_s8(g, pad_value, image, scratch, oy, &next_row);
            for (ox = 0; ox < g->output_w; ++ox) {
                const int32_t *w = p->weights;
                const int32_t *rq = p->requant;
                const int32_t *bias = p->bias;
                const int8_t *pixel = scratch + ox * step;
                const int8_t *row0 = pixel + slot0 * row_bytes;
                const int8_t *row1 = pixel + (slot0 + 1 == g->filter_h ? 0 : slot0 + 1) * row_bytes;
                const int8_t *row2 = pixel + (slot0 + 2 >= g->filter_h ? slot0 + 2 - g->filter_h : slot0 + 2) * row_bytes;
                for (c = 0; c < channels; c += 4) {
                    edgeq_acc4_t a;
                    a.a0 = bias[0];
                    a.a1 = bias[1];
                    a.a2 = bias[2];
                    a.a3 = bias[3];
                    bias += 4;
                    if (g->filter_h == 3 && g->filter_w == 3) { /* the common case, fully unrolled */
                        edgeq_dw_tap(&a, row0 + c, &w);
                        edgeq_dw_tap(&a, row0 + c + channels, &w);
                        edgeq_dw_tap(&a, row0 + c + 2 * channels, &w);
                        edgeq_dw_tap(&a, row1 + c, &w);
                        edgeq_dw_tap(&a, row1 + c + channels, &w);
                        edgeq_dw_tap(&a, row1 + c + 2 * channels, &w);
                        edgeq_dw_tap(&a, row2 + c, &w);
                        edgeq_dw_tap(&a, row2 + c + channels, &w);
                        edgeq_dw_tap(&a, row2 + c + 2 * channels, &w);
                    } else {
                        int32_t slot = slot0;
                        for (fy = 0; fy < g->filter_h; ++fy) {
                            const int8_t *src = pixel + slot * row_bytes + c;
                            for (fx = 0; fx < g->filter_w; ++fx) {
                                edgeq_dw_tap(&a, src + fx * channels, &w);
                            }
                            slot = slot + 1 == g->filter_h ? 0 : slot + 1;
                        }
                    }
                    out[0] = edgeq_requant_out(a.a0, rq, lo, hi);
                    out[1] = edgeq_requant_out(a.a1, rq + 3, lo, hi);
                    out[2] = edgeq_requant_out(a.a2, rq + 6, lo, hi);
                    out[3] = edgeq_requant_out(a.a3, rq + 9, lo, hi);
                    rq += 12;
                    out += 4;
                }
            }
        }
    }
}
