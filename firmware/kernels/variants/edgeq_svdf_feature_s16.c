/*
 * The feature FC of the int16-state SVDF (contract: edgeq_svdf_feature_q_t in edgeq_kernels_recurrent.h): each
 * filter's dot product with the input row, requantized by its triple and clamped to int16 (the state zero point
 * is added later, by edgeq_svdf_state_s16). Four filters at a time share each input word's SXTB16
 * (edgeq_dot4_s8); the triples are edgeq_simd.h's, so the branch-free SMMULR form runs wherever the generator
 * proved it exact and TFLM's full-range rescale elsewhere.
 */
#include "edgeq_dot.h"
#include "edgeq_kernels.h"
#include "edgeq_simd.h"

static inline int16_t requant_s16(int32_t acc, const int32_t *rq, int32_t exact_filters)
{
    int32_t v;
    if (!exact_filters || rq[1] < EDGEQ_RQ_EXACT - 31) {
        const int32_t x = edgeq_smmulr((int32_t)((uint32_t)acc << 1), rq[0]);
        v = (x + rq[2] - (int32_t)((uint32_t)x >> 31)) >> rq[1];
    } else {
        v = edgeq_requantize(acc, rq[0], rq[1] - EDGEQ_RQ_EXACT);
    }
#if defined(__ARM_FEATURE_DSP)
    return (int16_t)__ssat(v, 16);
#else
    return (int16_t)edgeq_clamp_s32(v, -32768, 32767);
#endif
}

void edgeq_svdf_feature_s16(const edgeq_svdf_geom_t *geom, const edgeq_svdf_feature_q_t *q, const int8_t *input,
                            const int8_t *weights_feature, int16_t *newest)
{
    const int32_t n = geom->input_size, filters = geom->filters;
    int32_t b, f, k;
    for (b = 0; b < geom->batches; ++b, input += n, newest += filters) {
        for (f = 0; f + 4 <= filters; f += 4) {
            int32_t acc[4];
            for (k = 0; k < 4; ++k) {
                acc[k] = q->bias[f + k];
            }
            edgeq_dot4_s8(input, weights_feature + f * n, n, n, acc);
            for (k = 0; k < 4; ++k) {
                newest[f + k] = requant_s16(acc[k], q->requant + 3 * (f + k), q->exact_filters);
            }
        }
        for (; f < filters; ++f) {
            newest[f] = requant_s16(edgeq_dot_s8(weights_feature + f * n, input, n, q->bias[f]), q->requant + 3 * f,
                                    q->exact_filters);
        }
    }
}
