/*
 * edgeq_console.h — what a console UART driver gives the Cortex-M port.
 *
 * Exactly one driver (firmware/ports/<kind>/uart.c) is linked, chosen by the board's `console.kind`.
 * A driver reads its base address, baud rate and clock from edgeq_board.h (rendered from the board's
 * TOML), so no driver names a board. All three calls poll: the firmware never needs UART interrupts.
 *  - edgeq_console_init(): clocks and pins are already set up by the board's init steps; enable TX and RX.
 *  - edgeq_console_putc(): returns once the byte is accepted by the transmitter.
 *  - edgeq_console_getc(): blocks until a byte arrives; recovers from receiver overrun by dropping
 *    the lost bytes (the protocol notices a malformed command and answers e-[...]).
 */
#ifndef EDGEQ_CONSOLE_H
#define EDGEQ_CONSOLE_H

#include <stdint.h>

void edgeq_console_init(void);
void edgeq_console_putc(uint8_t byte);
uint8_t edgeq_console_getc(void);

#endif /* EDGEQ_CONSOLE_H */
