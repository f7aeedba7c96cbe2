/* Internal to the kernels: element offsets over dims/strides (last dim fastest, dims padded with leading 1s). */
#ifndef EDGEQ_INDEX_H
#define EDGEQ_INDEX_H

#include "edgeq_kernels.h"

/* The offsets of dims/strides in order, as an odometer: a step adds the last dimension's stride and carries only when a
 * dimension wraps, so a walk over n elements costs O(n) additions instead of n divisions per dimension. */
typedef struct {
    const int32_t *dims, *strides;
    int32_t index[EDGEQ_MAX_DIMS];
    int32_t offset;
} edgeq_walk_t;

static inline void edgeq_walk_start(edgeq_walk_t *w, const int32_t *dims, const int32_t *strides)
{
    int32_t d;
    w->dims = dims;
    w->strides = strides;
    w->offset = 0;
    for (d = 0; d < EDGEQ_MAX_DIMS; ++d) {
        w->index[d] = 0;
    }
}

/* The current offset; then advances to the next element (past the last one, the offset is not used). */
static inline int32_t edgeq_walk_next(edgeq_walk_t *w)
{
    const int32_t current = w->offset;
    int32_t d = EDGEQ_MAX_DIMS - 1;
    while (d > 0 && w->index[d] + 1 == w->dims[d]) {
        w->offset -= w->index[d] * w->strides[d];
        w->index[d] = 0;
        --d;
    }
    ++w->index[d];
    w->offset += w->strides[d];
    return current;
}

#endif /* EDGEQ_INDEX_H */
