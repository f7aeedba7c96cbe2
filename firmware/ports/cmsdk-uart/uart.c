/*
 * CMSDK APB UART (Arm Cortex-M System Design Kit, DDI 0479 §4.3): the console of the MPS2/MPS3 FPGA
 * images and of their QEMU models. Registers: DATA 0x00, STATE 0x04 (bit0 TX full, bit1 RX full),
 * CTRL 0x08 (bit0 TX enable, bit1 RX enable), BAUDDIV 0x10 (>= 16). No FIFO: one byte each way.
 */
#include <stdint.h>

#include "edgeq_board.h"
#include "edgeq_console.h"

#define UART_REG(off) (*(volatile uint32_t *)(uintptr_t)(EDGEQ_CONSOLE_BASE + (off)))
#define UART_DATA     UART_REG(0x00u)
#define UART_STATE    UART_REG(0x04u)
#define UART_CTRL     UART_REG(0x08u)
#define UART_BAUDDIV  UART_REG(0x10u)

#define STATE_TX_FULL (1u << 0)
#define STATE_RX_FULL (1u << 1)
#define STATE_RX_OVERRUN (1u << 3)

void edgeq_console_init(void)
{
    uint32_t div = EDGEQ_CONSOLE_CLOCK_HZ / EDGEQ_CONSOLE_BAUD;
    UART_BAUDDIV = div < 16u ? 16u : div;
    UART_CTRL = 0x3u;
}

void edgeq_console_putc(uint8_t byte)
{
    while (UART_STATE & STATE_TX_FULL) {
    }
    UART_DATA = byte;
}

uint8_t edgeq_console_getc(void)
{
    uint32_t state;
    while (!((state = UART_STATE) & STATE_RX_FULL)) {
    }
    if (state & STATE_RX_OVERRUN) {
        UART_STATE = STATE_RX_OVERRUN;   /* write 1 to clear */
    }
    return (uint8_t)UART_DATA;
}
