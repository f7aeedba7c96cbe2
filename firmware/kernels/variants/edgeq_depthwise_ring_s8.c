/*
 * DEPTHWISE_CONV_2D (depth multiplier 1, dilation 1, channels a multiple of 4) over the padded row
 * ring: four channels per 32-bit load, sign-extended into even and odd pairs (SXTB16) and accumulated
 * with SMLABB/SMLATT against packed int16 weights. Safe in place (see edgeq_ring_load_s8.c).
 */
#include "edgeq_kernels_packed.h"
#include "edgeq_simd.h"

void edgeq_depthwise_ring_s8(const edgeq_conv_geom_t *g, const edgeq_packed_s8_t *p, int32_t pad_value,
                             const int8_t *input, int8_t *output, int8_t *scratch)
{
    const int32_t row_bytes = edgeq_ring_row_bytes(g);
    const int32_t channels = g->input_c;
    const int32_t step = g->stride_w * channels;
    const int32_t zp = p->output_zero_point, lo = p->act_min, hi = p->act_max;
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
                for (c = 0; c < channels; c += 4) {
                    int32_t a0 = p->bias[c], a1 = p->bias[c + 1], a2 = p->bias[c + 2], a3 = p->bias[c + 3];
                    int32_t slot = slot0;
                    for (fy = 0; fy < g->filter_h; ++fy) {
                        const int8_t *src = scratch + slot * row_bytes + ox * step + c;
                        for (fx = 0; fx < g->filter_w; ++fx) {
                            const uint32_t v = edgeq_read_u32(src);
                            const uint32_t even = edgeq_sxtb16(v), odd = edgeq_sxtb16_ror8(v);
                            a0 = edgeq_smlabb(even, (uint32_t)w[0], a0);
                            a2 = edgeq_smlatt(even, (uint32_t)w[0], a2);
                            a1 = edgeq_smlabb(odd, (uint32_t)w[1], a1);
                            a3 = edgeq_smlatt(odd, (uint32_t)w[1], a3);
                            w += 2;
                            src += channels;
                        }
                        slot = slot + 1 == g->filter_h ? 0 : slot + 1;
                    }
                    out[0] = edgeq_requant_out(a0, rq, zp, lo, hi);
                    out[1] = edgeq_requant_out(a1, rq + 2, zp, lo, hi);
                    out[2] = edgeq_requant_out(a2, rq + 4, zp, lo, hi);
                    out[3] = edgeq_requant_out(a3, rq + 6, zp, lo, hi);
                    rq += 8;
                    out += 4;
                }
            }
        }
    }
}
