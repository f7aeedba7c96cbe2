/*
 * Internal to the element-wise kernels: walks an output of up to EDGEQ_MAX_DIMS dimensions and the two
 * input offsets that feed each output element (edgeq_broadcast_t strides, 0 along broadcast axes).
 * EDGEQ_BROADCAST_LOOP(shape, i1, i2, out, BODY) runs BODY with int32_t i1, i2, out set per element,
 * output in row-major order.
 */
#ifndef EDGEQ_BROADCAST_H
#define EDGEQ_BROADCAST_H

#include "edgeq_kernels.h"

#define EDGEQ_BROADCAST_LOOP(s, i1, i2, out, BODY)                                                    \
    do {                                                                                              \
        int32_t d0_, d1_, d2_, d3_, d4_, d5_;                                                         \
        int32_t out = 0;                                                                              \
        for (d0_ = 0; d0_ < (s)->dims[0]; ++d0_)                                                      \
        for (d1_ = 0; d1_ < (s)->dims[1]; ++d1_)                                                      \
        for (d2_ = 0; d2_ < (s)->dims[2]; ++d2_)                                                      \
        for (d3_ = 0; d3_ < (s)->dims[3]; ++d3_)                                                      \
        for (d4_ = 0; d4_ < (s)->dims[4]; ++d4_)                                                      \
        for (d5_ = 0; d5_ < (s)->dims[5]; ++d5_) {                                                    \
            const int32_t i1 = d0_ * (s)->stride1[0] + d1_ * (s)->stride1[1] + d2_ * (s)->stride1[2]  \
                             + d3_ * (s)->stride1[3] + d4_ * (s)->stride1[4] + d5_ * (s)->stride1[5]; \
            const int32_t i2 = d0_ * (s)->stride2[0] + d1_ * (s)->stride2[1] + d2_ * (s)->stride2[2]  \
                             + d3_ * (s)->stride2[3] + d4_ * (s)->stride2[4] + d5_ * (s)->stride2[5]; \
            BODY;                                                                                     \
            ++out;                                                                                    \
        }                                                                                             \
    } while (0)

#endif /* EDGEQ_BROADCAST_H */
