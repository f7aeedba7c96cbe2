/*
 * nRF52 UARTE console (nRF52840 PS §6.34). The UARTE moves data only by EasyDMA, from and to RAM:
 *  - TX copies each chunk into a RAM buffer (flash is not reachable by EasyDMA), starts STARTTX and
 *    waits for ENDTX.
 *  - RX stays armed continuously with two one-byte buffers: the ENDRX_STARTRX shortcut restarts
 *    reception at once, and after each RXSTARTED the pointer is moved to the other buffer, so bytes
 *    arriving while the protocol is busy wait in the UARTE's RX FIFO instead of being lost.
 * Base address, pins and baud come from edgeq_board.h.
 */
#include <stdint.h>

#include "edgeq_board.h"
#include "edgeq_console.h"

#define UARTE_REG(off) (*(volatile uint32_t *)(uintptr_t)(EDGEQ_CONSOLE_BASE + (off)))
#define TASKS_STARTRX   UARTE_REG(0x000u)
#define TASKS_STARTTX   UARTE_REG(0x008u)
#define EVENTS_ENDRX    UARTE_REG(0x110u)
#define EVENTS_ENDTX    UARTE_REG(0x120u)
#define EVENTS_RXSTARTED UARTE_REG(0x14Cu)
#define SHORTS          UARTE_REG(0x200u)
#define ENABLE          UARTE_REG(0x500u)
#define PSEL_TXD        UARTE_REG(0x50Cu)
#define PSEL_RXD        UARTE_REG(0x514u)
#define BAUDRATE        UARTE_REG(0x524u)
#define RXD_PTR         UARTE_REG(0x534u)
#define RXD_MAXCNT      UARTE_REG(0x538u)
#define TXD_PTR         UARTE_REG(0x544u)
#define TXD_MAXCNT      UARTE_REG(0x548u)
#define CONFIG          UARTE_REG(0x56Cu)

#define SHORTS_ENDRX_STARTRX (1u << 5)

static volatile uint8_t g_rx[2];
static uint32_t g_rx_next;     /* buffer the next received byte lands in */
static volatile uint8_t g_tx;

/* UARTE BAUDRATE register values (PS §6.34.9 table; not f/baud). */
static uint32_t baud_register(uint32_t baud)
{
    switch (baud) {
    case 9600u: return 0x00275000u;
    case 19200u: return 0x004EA000u;
    case 38400u: return 0x009D0000u;
    case 57600u: return 0x00EB0000u;
    case 230400u: return 0x03B00000u;
    case 460800u: return 0x07400000u;
    case 921600u: return 0x0F000000u;
    case 1000000u: return 0x10000000u;
    default: return 0x01D60000u;   /* 115200 (the loader only accepts the rates above) */
    }
}

void edgeq_console_init(void)
{
    PSEL_TXD = EDGEQ_CONSOLE_TX_PIN;
    PSEL_RXD = EDGEQ_CONSOLE_RX_PIN;
    BAUDRATE = baud_register(EDGEQ_CONSOLE_BAUD);
    CONFIG = 0u;                       /* 8N1, no flow control */
    ENABLE = 8u;
    SHORTS = SHORTS_ENDRX_STARTRX;
    RXD_PTR = (uint32_t)(uintptr_t)&g_rx[0];
    RXD_MAXCNT = 1u;
    EVENTS_RXSTARTED = 0u;
    TASKS_STARTRX = 1u;
    while (!EVENTS_RXSTARTED) {
    }
    EVENTS_RXSTARTED = 0u;
    RXD_PTR = (uint32_t)(uintptr_t)&g_rx[1];   /* used by the restart after the first byte */
    g_rx_next = 0u;
}

void edgeq_console_putc(uint8_t byte)
{
    g_tx = byte;
    TXD_PTR = (uint32_t)(uintptr_t)&g_tx;
    TXD_MAXCNT = 1u;
    EVENTS_ENDTX = 0u;
    TASKS_STARTTX = 1u;
    while (!EVENTS_ENDTX) {
    }
}

uint8_t edgeq_console_getc(void)
{
    uint8_t byte;
    while (!EVENTS_ENDRX) {
    }
    EVENTS_ENDRX = 0u;
    byte = g_rx[g_rx_next];
    /* The shortcut restarted RX into the other buffer; point the restart after that one back here. */
    while (!EVENTS_RXSTARTED) {
    }
    EVENTS_RXSTARTED = 0u;
    RXD_PTR = (uint32_t)(uintptr_t)&g_rx[g_rx_next];
    g_rx_next ^= 1u;
    return byte;
}
