/* Index-map copy of 2-byte elements (int16): see edgeq_kernels_movement.h for the contract.
 * Offsets are summed as integers and turned into a pointer only once they name a real element, so a
 * reversed (negative-stride) walk never forms a pointer before the input. */
#include <string.h>

#include "edgeq_kernels_movement.h"

static int32_t step(const edgeq_copy_map_t *m, int d, int32_t i)
{
    return m->tables[d] != NULL ? m->tables[d][i] : i * m->strides[d];
}

/* One output row along the last dimension: a block copy when contiguous, else a strided or table walk. */
static void copy_row(const edgeq_copy_map_t *m, const int16_t *in, int16_t *out)
{
    const int32_t n = m->dims[EDGEQ_MAX_DIMS - 1];
    const int32_t *table = m->tables[EDGEQ_MAX_DIMS - 1];
    const int32_t stride = m->strides[EDGEQ_MAX_DIMS - 1];
    int32_t k;
    if (table != NULL) {
        for (k = 0; k < n; ++k) {
            out[k] = in[table[k]];
        }
    } else if (stride == 1) {
        memcpy(out, in, (size_t)n * sizeof(int16_t));
    } else {
        for (k = 0; k < n; ++k) {
            out[k] = in[k * stride];
        }
    }
}

void edgeq_copy_map_x16(const edgeq_copy_map_t *m, const int16_t *input, int16_t *output)
{
    const int32_t row = m->dims[EDGEQ_MAX_DIMS - 1];
    int32_t i0, i1, i2, i3, i4;
    for (i0 = 0; i0 < m->dims[0]; ++i0) {
        const int32_t o0 = m->offset + step(m, 0, i0);
        for (i1 = 0; i1 < m->dims[1]; ++i1) {
            const int32_t o1 = o0 + step(m, 1, i1);
            for (i2 = 0; i2 < m->dims[2]; ++i2) {
                const int32_t o2 = o1 + step(m, 2, i2);
                for (i3 = 0; i3 < m->dims[3]; ++i3) {
                    const int32_t o3 = o2 + step(m, 3, i3);
                    for (i4 = 0; i4 < m->dims[4]; ++i4) {
                        copy_row(m, input + (o3 + step(m, 4, i4)), output);
                        output += row;
                    }
                }
            }
        }
    }
}
