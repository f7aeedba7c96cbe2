/*
 * CONV_2D (dilation 1) as im2col + packed GEMM: for each output pixel the filter window is gathered
 * from the zero-point-padded row ring (filter_h contiguous copies of filter_w * input_c bytes, in the
 * filter's [fy][fx][ic] order) into one GEMM row. Safe in place (see edgeq_ring_load_s8.c).
 */
#include "edgeq_kernels_packed.h"
#include "edgeq_simd.h"

void edgeq_conv2d_im2col_s8(const edgeq_conv_geom_t *g, const edgeq_packed_s8_t *p, int32_t pad_value,
                            const int8_t *input, int8_t *output, int8_t *scratch)
{
    const int32_t row_bytes = edgeq_ring_row_bytes(g);
    const int32_t tap_bytes = g->filter_w * g->input_c;
    const int32_t step = g->stride_w * g->input_c;
    int8_t *col = scratch + row_bytes * g->filter_h;
    int32_t b, oy, ox, fy;
    for (b = 0; b < g->batches; ++b) {
        const int8_t *image = input + b * g->input_h * g->input_w * g->input_c;
        int8_t *out = output + b * g->output_h * g->output_w * g->output_c;
        int32_t next_row = 0;
        for (oy = 0; oy < g->output_h; ++oy) {
            const int32_t slot0 = (oy * g->stride_h) % g->filter_h; /* slot of row oy*stride - pad_top */
            edgeq_ring_load_s8(g, pad_value, image, scratch, oy, &next_row);
            for (ox = 0; ox < g->output_w; ++ox) {
                int32_t slot = slot0;
                for (fy = 0; fy < g->filter_h; ++fy) {
                    edgeq_copy_s8(col + fy * tap_bytes, scratch + slot * row_bytes + ox * step, tap_bytes);
                    slot = slot + 1 == g->filter_h ? 0 : slot + 1;
                }
                edgeq_gemm_row_s8(p, col, out);
                out += g->output_c;
            }
        }
    }
}
