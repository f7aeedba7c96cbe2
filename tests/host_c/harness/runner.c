/*
 * Test runner for generated model code on the host: reads samples from stdin (all inputs of a sample
 * back to back, raw bytes), invokes the model, writes the raw outputs to stdout; repeats until EOF.
 * Exit 0 at a clean EOF between samples, 2 on a truncated sample. Recurrent state is reset before every
 * sample (edgeq_model_reset), as edgeq.reference's TFLM runner resets its variables, so samples are
 * independent; tests of streaming use the DUT protocol instead.
 */
#include <stdio.h>

#include "edgeq_model.h"

int main(void)
{
    for (;;) {
        uint32_t i;
        for (i = 0; i < edgeq_model_num_inputs(); ++i) {
            edgeq_tensor_t t = edgeq_model_input(i);
            size_t got = fread(t.data, 1, t.bytes, stdin);
            if (got != t.bytes) {
                return (i == 0 && got == 0 && feof(stdin)) ? 0 : 2;
            }
        }
        edgeq_model_reset();
        edgeq_model_invoke();
        for (i = 0; i < edgeq_model_num_outputs(); ++i) {
            edgeq_tensor_t t = edgeq_model_output(i);
            if (fwrite(t.data, 1, t.bytes, stdout) != t.bytes) {
                return 3;
            }
        }
    }
}
