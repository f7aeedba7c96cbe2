/*
 * STM32 USART / LPUART console. Two register layouts exist across the families, picked by the board's
 * `console.registers` (rendered as EDGEQ_STM32_ISR_TDR or not):
 *  - "sr-dr"   (F1/F2/F4, RM0090 §30.6): SR 0x00, DR 0x04, BRR 0x08, CR1 0x0C (UE bit 13)
 *  - "isr-tdr" (F7/L4/G4/H7, RM0432 §50.8): CR1 0x00 (UE bit 0), BRR 0x0C, ISR 0x1C, ICR 0x20,
 *    RDR 0x24, TDR 0x28; an LPUART (EDGEQ_STM32_LPUART) divides by 256 * f / baud.
 * Clocks and pins are enabled by the board's init steps before edgeq_console_init() runs.
 */
#include <stdint.h>

#include "edgeq_board.h"
#include "edgeq_console.h"

#define UART_REG(off) (*(volatile uint32_t *)(uintptr_t)(EDGEQ_CONSOLE_BASE + (off)))

#define FLAG_ORE  (1u << 3)
#define FLAG_RXNE (1u << 5)
#define FLAG_TXE  (1u << 7)
#define CR1_RE    (1u << 2)
#define CR1_TE    (1u << 3)

#if defined(EDGEQ_STM32_ISR_TDR)
#define UART_CR1  UART_REG(0x00u)
#define UART_BRR  UART_REG(0x0Cu)
#define UART_ISR  UART_REG(0x1Cu)
#define UART_ICR  UART_REG(0x20u)
#define UART_RDR  UART_REG(0x24u)
#define UART_TDR  UART_REG(0x28u)
#define CR1_UE    (1u << 0)
#else
#define UART_ISR  UART_REG(0x00u)   /* SR */
#define UART_RDR  UART_REG(0x04u)   /* DR */
#define UART_TDR  UART_REG(0x04u)
#define UART_BRR  UART_REG(0x08u)
#define UART_CR1  UART_REG(0x0Cu)
#define CR1_UE    (1u << 13)
#endif

void edgeq_console_init(void)
{
#if defined(EDGEQ_STM32_LPUART)
    UART_BRR = (uint32_t)(((uint64_t)EDGEQ_CONSOLE_CLOCK_HZ * 256u + EDGEQ_CONSOLE_BAUD / 2u) / EDGEQ_CONSOLE_BAUD);
#else
    /* Oversampling by 16: mantissa and fraction together equal f / baud. */
    UART_BRR = (EDGEQ_CONSOLE_CLOCK_HZ + EDGEQ_CONSOLE_BAUD / 2u) / EDGEQ_CONSOLE_BAUD;
#endif
    UART_CR1 = CR1_UE | CR1_TE | CR1_RE;
}

void edgeq_console_putc(uint8_t byte)
{
    while (!(UART_ISR & FLAG_TXE)) {
    }
    UART_TDR = byte;
}

uint8_t edgeq_console_getc(void)
{
    for (;;) {
        uint32_t status = UART_ISR;
        if (status & FLAG_RXNE) {
            return (uint8_t)UART_RDR;
        }
        if (status & FLAG_ORE) {
#if defined(EDGEQ_STM32_ISR_TDR)
            UART_ICR = FLAG_ORE;
#else
            (void)UART_RDR;   /* SR read followed by DR read clears ORE */
#endif
        }
    }
}
