/*
 * port.c — edgeq_port.h for every Cortex-M board: console through the board's UART driver, a 64-bit
 * tick counter, and exit.
 *
 * The counter follows the board's `timer.cycle_counter`:
 *  - "dwt": DWT CYCCNT counts core cycles; the SysTick interrupt (every 2^24 cycles) folds it into a
 *    64-bit total before the 32-bit counter can wrap twice unseen.
 *  - "systick-icount": QEMU has no cycle model (CYCCNT reads 0), but under `-icount shift=0` one
 *    instruction is one virtual nanosecond, so SysTick at EDGEQ_SYSTICK_HZ advances once per
 *    1e9/EDGEQ_SYSTICK_HZ instructions, identically on every run. Ticks are reported in instructions
 *    (EDGEQ_ICOUNT_NUM / EDGEQ_ICOUNT_DEN per SysTick count); QEMU's SysTick reads 0 until its first
 *    decrement, so init waits for that. Resolution is one SysTick period (40 instructions at 25 MHz).
 */
#include <stdint.h>

#include "edgeq_board.h"
#include "edgeq_console.h"
#include "edgeq_cortexm.h"
#include "edgeq_port.h"

#define SYSTICK_RELOAD 0x00FFFFFFu

static volatile uint32_t g_systick_wraps;

#if defined(EDGEQ_TIMER_DWT)
static const edgeq_port_timer_t g_timer = {"dwt", "cycles", 1u, EDGEQ_BOARD_CLOCK_HZ};
static volatile uint32_t g_cyc_last;
static volatile uint64_t g_cyc_total;

static void dwt_fold(void)
{
    uint32_t now = DWT_CYCCNT;
    g_cyc_total += (uint32_t)(now - g_cyc_last);
    g_cyc_last = now;
}
#elif defined(EDGEQ_TIMER_SYSTICK_ICOUNT)
/* Virtual nanoseconds per second: under -icount shift=0 these are instructions per second. */
static const edgeq_port_timer_t g_timer = {"systick-icount", "instructions", 1u, 1000000000u};
#else
#error "edgeq_board.h must define EDGEQ_TIMER_DWT or EDGEQ_TIMER_SYSTICK_ICOUNT"
#endif

void SysTick_Handler(void)
{
    g_systick_wraps++;
#if defined(EDGEQ_TIMER_DWT)
    dwt_fold();
#endif
}

static void timer_start(void)
{
#if defined(EDGEQ_TIMER_DWT)
    DEMCR |= (1u << 24);            /* TRCENA */
    DWT_LAR = 0xC5ACCE55u;          /* unlock (Cortex-M7); ignored where there is no lock */
    DWT_CYCCNT = 0u;
    DWT_CTRL |= 1u;                 /* CYCCNTENA */
    g_cyc_last = 0u;
    g_cyc_total = 0u;
#endif
    SYST_RVR = SYSTICK_RELOAD;
    SYST_CVR = 0u;
    SYST_CSR = 0x7u;                /* processor clock, interrupt on wrap, enable */
#if defined(EDGEQ_TIMER_SYSTICK_ICOUNT)
    while (SYST_CVR == 0u) {
    }
#endif
}

uint64_t edgeq_port_ticks(void)
{
#if defined(EDGEQ_TIMER_DWT)
    uint64_t total;
    __asm volatile("cpsid i" ::: "memory");
    dwt_fold();
    total = g_cyc_total;
    __asm volatile("cpsie i" ::: "memory");
    return total;
#else
    uint32_t wraps, again, value, pending, edge;
    uint64_t counts;
    /* Wait for the next SysTick decrement, so every reading sits on a tick edge: what runs between two
     * readings is deterministic, so their difference no longer depends on the phase at which the host's
     * command arrived (the UART polling before it runs for a host-dependent number of instructions). */
    edge = SYST_CVR;
    while (SYST_CVR == edge) {
    }
    do {
        wraps = g_systick_wraps;
        value = SYST_CVR;
        pending = SCB_ICSR & ICSR_PENDSTSET;
        again = g_systick_wraps;
    } while (wraps != again);
    if (pending && value > SYSTICK_RELOAD / 2u) {
        wraps++;   /* the counter wrapped but its interrupt has not run yet */
    }
    counts = (uint64_t)wraps * (SYSTICK_RELOAD + 1u) + (SYSTICK_RELOAD - value);
    return counts * EDGEQ_ICOUNT_NUM / EDGEQ_ICOUNT_DEN;
#endif
}

const edgeq_port_timer_t *edgeq_port_timer(void)
{
    return &g_timer;
}

void edgeq_port_init(void)
{
    edgeq_console_init();
    edgeq_cortexm_report_init();
    timer_start();
}

int edgeq_port_getc(void)
{
    return (int)edgeq_console_getc();
}

void edgeq_port_write(const char *data, uint32_t len)
{
    uint32_t i;
    for (i = 0u; i < len; i++) {
        edgeq_console_putc((uint8_t)data[i]);
    }
}

void edgeq_cortexm_raw_write(const char *text)
{
    while (*text) {
        edgeq_console_putc((uint8_t)*text++);
    }
}

void edgeq_port_exit(int code)
{
    edgeq_cortexm_exit(code);
}

void edgeq_cortexm_exit(int code)
{
#if defined(EDGEQ_SEMIHOSTING)
    /* SYS_EXIT_EXTENDED (0x20) with {ADP_Stopped_ApplicationExit, code}: QEMU exits with `code`. */
    volatile uint32_t block[2] = {0x20026u, (uint32_t)code};
    register uint32_t r0 __asm("r0") = 0x20u;
    register uint32_t r1 __asm("r1") = (uint32_t)(uintptr_t)block;
    __asm volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
#else
    (void)code;
#endif
    /* Real board (or a semihosting call that returned): stop here; the host has the last lines. */
    __asm volatile("cpsid i" ::: "memory");
    for (;;) {
        __asm volatile("wfi");
    }
}

/* newlib-nano's libc may reference these when linked with -nostartfiles. */
void _init(void) {}
void _fini(void) {}
