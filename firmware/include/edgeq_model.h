/*
 * edgeq_model.h — the contract between generated model code and the firmware.
 *
 * The code generator writes model.c implementing exactly this API for one model; main.c, the
 * protocol and every port use only this API, so one main.c serves every model and every target.
 * Nothing here allocates: all buffers are static (weights const in flash, activations in one arena).
 *
 * Multi-input models: inputs are loaded back to back in input order (the protocol's `db load N`
 * expects the sum of edgeq_model_input(i).bytes); outputs are reported the same way.
 *
 * Inputs are consumed: an input tensor lives in the arena, and the planner reuses its bytes once their last
 * reader is done — including in the middle of an operator whose output may overlap its input (edgeq/plan/
 * overlap.py). Write every input before every edgeq_model_invoke(); after it, only the outputs hold data.
 */
#ifndef EDGEQ_MODEL_H
#define EDGEQ_MODEL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    EDGEQ_DTYPE_FLOAT32 = 0,
    EDGEQ_DTYPE_INT8 = 1,
    EDGEQ_DTYPE_UINT8 = 2,
    EDGEQ_DTYPE_INT16 = 3,
    EDGEQ_DTYPE_INT32 = 4,
} edgeq_dtype_t;

typedef struct {
    void *data;           /* points into the arena; valid for the program's lifetime */
    uint32_t bytes;       /* element count × element size */
    edgeq_dtype_t dtype;
    float scale;          /* quantization of an int tensor (0 for float tensors) */
    int32_t zero_point;
} edgeq_tensor_t;

const char *edgeq_model_name(void);        /* e.g. "kws_ref_model" (ASCII, no spaces) */
const char *edgeq_model_hash(void);        /* hex SHA-256 of the source .tflite */
uint32_t edgeq_model_arena_bytes(void);    /* planned arena size, including kernel scratch */

uint32_t edgeq_model_num_inputs(void);
uint32_t edgeq_model_num_outputs(void);
edgeq_tensor_t edgeq_model_input(uint32_t index);
edgeq_tensor_t edgeq_model_output(uint32_t index);

/* One operator at a time, for per-operator profiling; edgeq_model_invoke() runs them all in order. */
uint32_t edgeq_model_op_count(void);
const char *edgeq_model_op_name(uint32_t index);   /* builtin name, e.g. "CONV_2D" */
void edgeq_model_run_op(uint32_t index);
void edgeq_model_invoke(void);

/* Recurrent state (TFLite variable tensors, e.g. an LSTM's hidden and cell state, an SVDF's memory) lives in
 * the arena and persists from one invoke to the next, as in TFLite Micro: an inference of a streaming model
 * depends on the ones before it. It starts at TFLM's initial values (int8: the zero point, otherwise 0)
 * before the first operator runs; edgeq_model_reset() restores them, like TFLM's reset_all_variables /
 * MicroInterpreter::Reset(). A model without state does nothing here. */
void edgeq_model_reset(void);

#ifdef __cplusplus
}
#endif

#endif /* EDGEQ_MODEL_H */
