/* Internal to the kernels: element offset of flat index `flat` over dims/strides (last dim fastest). */
#ifndef EDGEQ_INDEX_H
#define EDGEQ_INDEX_H

#include "edgeq_kernels.h"

static inline int32_t edgeq_strided_offset(int32_t flat, const int32_t *dims, const int32_t *strides)
{
    int32_t offset = 0;
    int32_t d;
    for (d = EDGEQ_MAX_DIMS - 1; d >= 0; --d) {
        offset += (flat % dims[d]) * strides[d];
        flat /= dims[d];
    }
    return offset;
}

#endif /* EDGEQ_INDEX_H */
