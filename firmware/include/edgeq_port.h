/*
 * edgeq_port.h — what a target port provides to main.c and the DUT protocol.
 *
 * A port is the only target-specific C code: the console (a UART on a board, stdin/stdout on the
 * host), a free-running tick counter and a way to stop. main.c, firmware/protocol and the generated
 * model use nothing else, so the same protocol runs unchanged on every target.
 *
 * Contract:
 *  - edgeq_port_init() is called once, first; after it the console and the counter work.
 *  - edgeq_port_getc() blocks until one byte arrives and returns it (0..255); it returns
 *    EDGEQ_PORT_EOF only when the console can never deliver another byte (host: stdin closed).
 *  - edgeq_port_write() sends `len` bytes and returns when they are handed to the hardware/OS
 *    (the protocol only writes printable ASCII, CR and LF).
 *  - edgeq_port_ticks() is a monotonic 64-bit count (a port extends a narrower hardware counter);
 *    edgeq_port_timer() describes what one tick is, so the host can turn ticks into time,
 *    cycles or instructions without guessing.
 *  - edgeq_port_exit(code) ends the program (host: exit; emulator: semihosting exit with `code`;
 *    real board: stop or reset). It does not return.
 */
#ifndef EDGEQ_PORT_H
#define EDGEQ_PORT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define EDGEQ_PORT_EOF (-1)

typedef struct {
    /* The `timing_source` label the host reports: "wall" (host clock), "dwt" (cycle counter of a
     * real core) or "systick-icount" (QEMU SysTick under -icount: instructions, not real time). */
    const char *source;
    /* What one tick counts, in `unit` ("ns", "cycles" or "instructions"): units = ticks * units_per_tick. */
    const char *unit;
    uint32_t units_per_tick;
    /* Nominal ticks per second, used to print the MLPerf Tiny `m-lap-us-` timestamps. */
    uint32_t ticks_per_second;
} edgeq_port_timer_t;

void edgeq_port_init(void);
int edgeq_port_getc(void);
void edgeq_port_write(const char *data, uint32_t len);
uint64_t edgeq_port_ticks(void);
const edgeq_port_timer_t *edgeq_port_timer(void);
void edgeq_port_exit(int code);

#ifdef __cplusplus
}
#endif

#endif /* EDGEQ_PORT_H */
