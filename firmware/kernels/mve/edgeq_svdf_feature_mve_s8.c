/*
 * The SVDF feature FC on Helium (contract: edgeq_svdf_feature_mve_t in edgeq_kernels_recurrent.h): four filters
 * at a time, each filter's dot product with the input row by VMLADAVA (16 products per step; an input of up to
 * 16 bytes as one block of assembly, longer ones in C, where GCC loads each input chunk once for the four), the
 * four sums plus their biases requantized as one vector with the one feature rescale (edgeq_svdf_mve.h, exact for
 * every accumulator), saturated to the state's range and stored as int16. Weights are the model's own
 * [filters][input_size] bytes; a last partial block reads row 0 again for its missing filters and does not
 * store them.
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
        for (f = 0; f < filters; f += 4) {
            const int32_t left = filters - f;
            const int8_t *w0 = weights_feature + f * n;
            const int8_t *w1 = left > 1 ? w0 + n : w0, *w2 = left > 2 ? w0 + 2 * n : w0;
            const int8_t *w3 = left > 3 ? w0 + 3 * n : w0;
            const int32x4_t sums = left >= 4 ? edgeq_svdf_dot4_shared_mve_s8(input, w0, n, n)
                                             : edgeq_svdf_dot4_mve_s8(input, w0, input, w1, input, w2, input, w3, n);
            const int32x4_t acc = vaddq_s32(sums, vldrwq_s32(bias + f));
            vstrhq_p_s32(newest + f, edgeq_svdf_requant4_mve(&rescale, acc, bits), vctp32q((uint32_t)left));
        }
    }
}
