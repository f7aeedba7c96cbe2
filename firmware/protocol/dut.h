/*
 * dut.h — the MLPerf Tiny DUT serial protocol (plus edgeq's own commands) over edgeq_port.h.
 *
 * Feed every received byte to edgeq_dut_feed(); a command ends with '%' and is executed at once,
 * its reply written through edgeq_port_write() and always closed by exactly one "m-ready" line.
 * The command set and every reply line are documented in PROTOCOL.md next to this file.
 *
 * Build-time configuration:
 *   EDGEQ_INPUT_BYTES  (required) total bytes of the model's inputs; sizes the `db` staging buffer.
 *                      Checked against the model at start-up.
 *   EDGEQ_DUT_CMD_MAX  longest command accepted, without the '%' (default 128); longer commands are
 *                      answered with an error, never written past the buffer.
 */
#ifndef EDGEQ_DUT_H
#define EDGEQ_DUT_H

#ifdef __cplusplus
extern "C" {
#endif

#ifndef EDGEQ_DUT_CMD_MAX
#define EDGEQ_DUT_CMD_MAX 128
#endif

/* Announces the firmware ("m-init-done", "m-ready"). Returns 0, or non-zero when the firmware was
 * built for a different input size than the linked model has (an "e-[...]" line is printed). */
int edgeq_dut_init(void);

/* Consumes one received byte. */
void edgeq_dut_feed(int byte);

#ifdef __cplusplus
}
#endif

#endif /* EDGEQ_DUT_H */
