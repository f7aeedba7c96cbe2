/* HARD_SWISH, int8 (TFLite reference_ops::HardSwish): 16-bit fixed point. The input is moved to a "hires"
 * scale (x 2^7), multiplied to the output scale, and by a "relu-ish" factor in [0, 1] that maps [-3, 3] to
 * [0, 1] with saturation; the order of roundings and saturations below is TFLite's, so results match bit
 * for bit. */
#include "edgeq_activations.h"
#include "edgeq_requant.h"

/* value * 2^amount saturated to int16 (amount in [0, 30]). */
static int32_t sat_shl_s16(int32_t value, int32_t amount)
{
    const int64_t result = (int64_t)value * ((int64_t)1 << amount);
    return result > INT16_MAX ? INT16_MAX : (result < INT16_MIN ? INT16_MIN : (int32_t)result);
}

/* gemmlowp SaturatingRoundingDoublingHighMul on int16 (rounds half away from zero). */
static int32_t srdhm_s16(int32_t a, int32_t b)
{
    const int32_t ab = a * b;
    const int32_t nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));
    if (a == INT16_MIN && b == INT16_MIN) {
        return INT16_MAX;
    }
    return (ab + nudge) / (1 << 15);
}

/* TFLite's SaturatingDoublingHighMul on int16: like the above but truncating toward zero. */
static int32_t sdhm_s16(int32_t a, int32_t b)
{
    if (a == INT16_MIN && b == INT16_MIN) {
        return INT16_MAX;
    }
    return (a * b) / (1 << 15);
}

/* Wrap to int16 as TFLite's int16_t arithmetic does (defined here, no implementation-defined cast). */
static int32_t wrap_s16(int32_t value)
{
    return (int32_t)(((uint32_t)value + 32768u) & 0xFFFFu) - 32768;
}

void edgeq_hard_swish_s8(const edgeq_hard_swish_params_s8_t *params, int32_t size, const int8_t *input,
                         int8_t *output)
{
    int32_t i;
    for (i = 0; i < size; ++i) {
        const int32_t value = wrap_s16((int32_t)input[i] - params->input_zero_point);
        const int32_t hires = wrap_s16(value * (1 << 7));
        const int32_t preshift_output = srdhm_s16(hires, params->output_multiplier_fixedpoint_int16);
        int32_t reluish = hires;
        int32_t out;
        if (params->reluish_multiplier_exponent > 0) {
            reluish = sat_shl_s16(reluish, params->reluish_multiplier_exponent - 1);
        }
        reluish = srdhm_s16(reluish, params->reluish_multiplier_fixedpoint_int16);
        if (params->reluish_multiplier_exponent > 0) {
            reluish = sat_shl_s16(reluish, 1);
        }
        if (params->reluish_multiplier_exponent < 0) {
            reluish = edgeq_rounding_divide_by_pot(reluish, -params->reluish_multiplier_exponent);
        }
        reluish = (reluish + (1 << 15)) >> 1; /* [-1, 1] → [0, 1] in Q0.15 */
        out = edgeq_rounding_divide_by_pot(sdhm_s16(reluish, preshift_output), -params->output_multiplier_exponent);
        out = wrap_s16(out + params->output_zero_point);
        output[i] = (int8_t)edgeq_clamp_s32(out, INT8_MIN, INT8_MAX);
    }
}
