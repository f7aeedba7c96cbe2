/*
 * The SVDF feature FC on Helium (contract: edgeq_svdf_feature_mve_t in edgeq_kernels_recurrent.h): four filters
 * at a time, each 16-byte chunk of the input row loaded once for the four VMLADAVAs (edgeq_svdf_mve.h, assembly),
 * the four sums plus their biases requantized as one vector with the one feature rescale (exact for every
 * accumulator), saturated to the state's range and stored as int16. Weights are the model's own
 * [filters][input_size] bytes; 1-3 leftover filters take the C dot products, their missing lanes repeating the
 * first filter, not stored.
 */
#include "edgeq_svdf_mve.h"

void edgeq_svdf_feature_mve_s8(const edgeq_svdf_geom_t *geom, const edgeq_svdf_feature_mve_t *p, const int8_t *input,
                               const int8_t *weights_feature, int16_t *newest)
{
    const int32_t n = geom->input_size, filters = geom->filters;
    const edgeq_svdf_rescale_mve_t rescale = {p->multiplier, p->left_shift, p->right_shift, 0};
    const int32_t bits = p->state_bits;
    const int32_t *bias = p->bias;
    int32_t b, f;
    for (b = 0; b < geom->batches; ++b, input += n, newest += filters) {
        for (f = 0; f + 4 <= filters; f += 4) {
            const int32x4_t acc = vaddq_s32(edgeq_svdf_dot4_shared_mve_s8(input, weights_feature + f * n, n, n),
                                            vldrwq_s32(bias + f));
            vstrhq_s32(newest + f, edgeq_svdf_requant4_mve(&rescale, acc, bits));
        }
        if (f < filters) { /* 1-3 filters: the missing lanes repeat the first one and are not stored */
            const int32_t left = filters - f;
            const int8_t *w0 = weights_feature + f * n;
            const int8_t *w1 = left > 1 ? w0 + n : w0, *w2 = left > 2 ? w0 + 2 * n : w0;
            const int32x4_t acc = vaddq_s32(edgeq_svdf_dot4_mve_s8(input, w0, input, w1, input, w2, input, w0, n),
                                            vldrwq_s32(bias + f));
            vstrhq_p_s32(newest + f, edgeq_svdf_requant4_mve(&rescale, acc, bits), vctp32q((uint32_t)left));
        }
    }
}
