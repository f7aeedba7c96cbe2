/* ABS, int16 (zero points 0, TFLM's AbsEvalQuantized): |x|, rescaled only when the scales differ, saturated
 * (|-32768| becomes 32767 without rescaling). Element-wise. */
#include "edgeq_kernels_math.h"
#include "edgeq_requant.h"

void edgeq_abs_s16(const edgeq_abs_params_s16_t *p, int32_t size, const int16_t *input, int16_t *output)
{
    int32_t i;
    for (i = 0; i < size; ++i) {
        const int32_t v = input[i] < 0 ? -(int32_t)input[i] : input[i];
        const int32_t out = p->rescale ? edgeq_requantize(v, p->multiplier, p->shift) : v;
        output[i] = (int16_t)edgeq_clamp_s32(out, -32768, 32767);
    }
}
