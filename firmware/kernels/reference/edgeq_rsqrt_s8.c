/* RSQRT, int8 (TFLM's RsqrtEvalQuantized): v = x - zp; v == 0 saturates to 127; otherwise 1/sqrt(v) as a
 * fixed-point multiplier applied to 1 << 20, then rescaled by 1 / (sqrt(s_in) s_out) 2^-20. Element-wise. */
#include "edgeq_inv_sqrt.h"
#include "edgeq_kernels_math.h"

void edgeq_rsqrt_s8(const edgeq_rsqrt_params_t *p, int32_t size, const int8_t *input, int8_t *output)
{
    int32_t i;
    for (i = 0; i < size; ++i) {
        const int32_t v = input[i] - p->input_zero_point;
        int32_t multiplier, shift, data, out;
        if (v == 0) {
            output[i] = 127;
            continue;
        }
        edgeq_inv_sqrt_multiplier(v < 0 ? -v : v, &multiplier, &shift);
        data = edgeq_requantize(1, multiplier, shift + 20);
        out = edgeq_requantize(data, p->multiplier, p->shift - 20) + p->output_zero_point;
        output[i] = (int8_t)edgeq_clamp_s32(out, -128, 127);
    }
}
