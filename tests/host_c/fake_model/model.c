/*
 * A hand-written model implementing firmware/include/edgeq_model.h, for testing the DUT protocol and
 * the host port independently of the code generator. Its arithmetic is trivial so the tests can
 * compute the expected outputs in numpy:
 *   input  0: int8[10]   (scale 0.5, zero point -3)
 *   output 0: int8[10]   = saturate(2 * x)            (op 0, "MUL")
 *   output 1: float32[2] = {sum(x), max(x)}          (op 1, "SUM")
 * Op 1 then overwrites the input with 0x55, as a planned arena may reuse an input's memory once its
 * last reader has run: a second inference is only right if the protocol re-copies the staged input.
 */
#include <string.h>

#include "edgeq_model.h"

#define N_IN 10

static int8_t g_arena[N_IN + N_IN + 2 * 4 + 2];

static float *out1(void)
{
    return (float *)(void *)(g_arena + 2 * N_IN);
}

const char *edgeq_model_name(void) { return "fake_model"; }
const char *edgeq_model_hash(void) { return "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"; }
uint32_t edgeq_model_arena_bytes(void) { return (uint32_t)sizeof g_arena; }
uint32_t edgeq_model_num_inputs(void) { return 1u; }
uint32_t edgeq_model_num_outputs(void) { return 2u; }

edgeq_tensor_t edgeq_model_input(uint32_t index)
{
    edgeq_tensor_t t;
    (void)index;
    t.data = g_arena;
    t.bytes = N_IN;
    t.dtype = EDGEQ_DTYPE_INT8;
    t.scale = 0.5f;
    t.zero_point = -3;
    return t;
}

edgeq_tensor_t edgeq_model_output(uint32_t index)
{
    edgeq_tensor_t t;
    if (index == 0u) {
        t.data = g_arena + N_IN;
        t.bytes = N_IN;
        t.dtype = EDGEQ_DTYPE_INT8;
        t.scale = 0.25f;
        t.zero_point = 1;
    } else {
        t.data = out1();
        t.bytes = 2u * 4u;
        t.dtype = EDGEQ_DTYPE_FLOAT32;
        t.scale = 0.0f;
        t.zero_point = 0;
    }
    return t;
}

uint32_t edgeq_model_op_count(void) { return 2u; }

const char *edgeq_model_op_name(uint32_t index) { return index == 0u ? "MUL" : "SUM"; }

void edgeq_model_run_op(uint32_t index)
{
    int i;
    if (index == 0u) {
        for (i = 0; i < N_IN; ++i) {
            int v = 2 * g_arena[i];
            g_arena[N_IN + i] = (int8_t)(v > 127 ? 127 : (v < -128 ? -128 : v));
        }
    } else {
        float sum = 0.0f;
        float max = -128.0f;
        float result[2];
        for (i = 0; i < N_IN; ++i) {
            sum += (float)g_arena[i];
            max = (float)g_arena[i] > max ? (float)g_arena[i] : max;
        }
        result[0] = sum;
        result[1] = max;
        memcpy(out1(), result, sizeof result);
        memset(g_arena, 0x55, N_IN);
    }
}

void edgeq_model_reset(void)
{
    /* the fake model has no recurrent state */
}

void edgeq_model_invoke(void)
{
    uint32_t i;
    for (i = 0u; i < edgeq_model_op_count(); ++i) {
        edgeq_model_run_op(i);
    }
}
