/* int8 -> int8 table lookup (ABS): table indexed by the value's bit pattern, as TFLM's LUTLookup. */
#include "edgeq_kernels_math.h"

void edgeq_lut_s8(const int8_t *table, int32_t size, const int8_t *input, int8_t *output)
{
    int32_t i;
    for (i = 0; i < size; ++i) {
        output[i] = table[(uint8_t)input[i]];
    }
}
