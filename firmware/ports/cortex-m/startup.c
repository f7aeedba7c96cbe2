/*
 * startup.c — reset, vector table, board bring-up and fault reporting for every Cortex-M board.
 *
 * Reset sequence (numbered because the order matters):
 *  1. run the board's init steps from edgeq_board.h (clock tree, pin muxing, peripheral clocks), so
 *     the UART works before anything can go wrong;
 *  2. copy .data from flash and zero .bss (the arena lives there);
 *  3. enable the FPU (CPACR) before any floating-point instruction can run;
 *  4. arm the MPU stack guard: a no-write region at the bottom of the main stack, so an overflow
 *     faults instead of silently corrupting (QEMU's mps2 RAM below the stack reads as zero);
 *  5. call main().
 * HardFault switches to its own stack first (the main stack may be the thing that overflowed),
 * disables the MPU so the stacked frame can be read, prints `e-[HardFault ...]` with the registers,
 * and exits: in emulation through semihosting SYS_EXIT_EXTENDED, so QEMU itself ends non-zero.
 */
#include <stdint.h>

#include "edgeq_board.h"
#include "edgeq_console.h"
#include "edgeq_cortexm.h"

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss;
extern uint32_t _estack, _sstack, _guard_start, _guard_end, _fault_stack_top;

int main(void);
void Reset_Handler(void);
void Default_Handler(void);
void HardFault_Handler(void);
void SysTick_Handler(void);
void edgeq_fault_report(const uint32_t *frame, uint32_t exc_return);

/* ---- vector table ---------------------------------------------------------------------------- */

typedef void (*edgeq_vector_t)(void);

__attribute__((section(".isr_vector"), used))
const edgeq_vector_t edgeq_vectors[16 + 32] = {
    (edgeq_vector_t)(uintptr_t)&_estack,
    Reset_Handler,
    Default_Handler,    /* NMI */
    HardFault_Handler,
    Default_Handler,    /* MemManage (escalates to HardFault: not enabled) */
    Default_Handler,    /* BusFault */
    Default_Handler,    /* UsageFault */
    Default_Handler,    /* SecureFault (Armv8-M) */
    0, 0, 0,
    Default_Handler,    /* SVCall */
    Default_Handler,    /* DebugMonitor */
    0,
    Default_Handler,    /* PendSV */
    SysTick_Handler,
    /* 32 external interrupts, none used: every one lands in Default_Handler. */
    Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler,
};

/* ---- board bring-up -------------------------------------------------------------------------- */

typedef struct {
    uint32_t reg;
    uint32_t clear;
    uint32_t set;
    uint32_t write;
    uint32_t has_write;
    uint32_t wait_mask;
    uint32_t wait_value;
    uint32_t wait_polls;    /* bound of the wait, in register reads */
    const char *what;       /* the step's `what`, for the timeout report */
} edgeq_init_step_t;

#if EDGEQ_BOARD_INIT_COUNT > 0
static const edgeq_init_step_t g_init_steps[EDGEQ_BOARD_INIT_COUNT] = {EDGEQ_BOARD_INIT_STEPS};
#endif

/* Steps whose ready-flag wait timed out (bit i = step i, the first 32). A missing crystal (or an emulator
 * without an RCC model, like QEMU's STM32s) must neither hang the board nor go unreported: the steps run
 * before the console works and before .bss is zeroed, so the mask is returned, stored here after .bss is
 * initialised, and printed by edgeq_cortexm_report_init() once the console is up. */
static uint32_t g_init_timeouts;

static uint32_t run_board_init(void)
{
    uint32_t timeouts = 0u;
#if EDGEQ_BOARD_INIT_COUNT > 0
    uint32_t i;
    for (i = 0u; i < EDGEQ_BOARD_INIT_COUNT; i++) {
        const edgeq_init_step_t *step = &g_init_steps[i];
        volatile uint32_t *reg = (volatile uint32_t *)(uintptr_t)step->reg;
        if (step->has_write) {
            *reg = step->write;
        } else if (step->clear | step->set) {
            *reg = (*reg & ~step->clear) | step->set;
        }
        if (step->wait_mask) {
            uint32_t polls = 0u;
            while ((*reg & step->wait_mask) != step->wait_value) {
                if (++polls >= step->wait_polls) {
                    if (i < 32u) {
                        timeouts |= 1u << i;
                    }
                    break;
                }
            }
        }
    }
#endif
    return timeouts;
}

void edgeq_cortexm_report_init(void)
{
#if EDGEQ_BOARD_INIT_COUNT > 0
    uint32_t i;
    char number[4];
    for (i = 0u; i < EDGEQ_BOARD_INIT_COUNT && i < 32u; i++) {
        if (!(g_init_timeouts & (1u << i))) {
            continue;
        }
        number[0] = (char)('0' + (i + 1u) / 10u % 10u);
        number[1] = (char)('0' + (i + 1u) % 10u);
        number[2] = '\0';
        edgeq_cortexm_raw_write("m-edgeq-init-timeout-[step=");
        edgeq_cortexm_raw_write(number[0] == '0' ? number + 1 : number);
        edgeq_cortexm_raw_write(",what=");
        edgeq_cortexm_raw_write(g_init_steps[i].what);
        edgeq_cortexm_raw_write("]\r\n");
    }
#endif
}

static void enable_fpu(void)
{
#if defined(__ARM_FP)
    SCB_CPACR |= (0xFu << 20);   /* CP10 and CP11 full access */
    __asm volatile("dsb\n\tisb" ::: "memory");
#endif
}

static void arm_stack_guard(void)
{
    uint32_t start = (uint32_t)(uintptr_t)&_guard_start;
    uint32_t end = (uint32_t)(uintptr_t)&_guard_end;
    if ((MPU_TYPE >> 8 & 0xFFu) == 0u || end <= start) {
        return;   /* no MPU regions implemented */
    }
    MPU_RNR = 0u;
#if EDGEQ_ARMV8M
    /* Armv8-M has no "no access" permission: read-only + execute-never catches the overflowing push. */
    MPU_MAIR0 = 0x44u;                                   /* attr 0: normal memory, non-cacheable */
    MPU_RBAR = (start & ~0x1Fu) | (0x2u << 1) | 1u;      /* AP = RO privileged, XN */
    MPU_RLAR = ((end - 1u) & ~0x1Fu) | 1u;               /* attr 0, enabled */
#else
    {
        uint32_t size = end - start;                     /* a power of two >= 32, aligned to itself */
        uint32_t log2 = 0u;
        while ((1u << log2) < size) {
            log2++;
        }
        MPU_RBAR = start;
        MPU_RASR = (1u << 28) | ((log2 - 1u) << 1) | 1u;  /* XN, AP = no access, SIZE, enabled */
    }
#endif
    MPU_CTRL = (1u << 2) | 1u;                           /* PRIVDEFENA: default map elsewhere */
    __asm volatile("dsb\n\tisb" ::: "memory");
}

void Reset_Handler(void)
{
    uint32_t *src = &_sidata;
    uint32_t *dst;
    uint32_t init_timeouts;

    SCB_VTOR = (uint32_t)(uintptr_t)edgeq_vectors;
    init_timeouts = run_board_init();
    for (dst = &_sdata; dst < &_edata;) {
        *dst++ = *src++;
    }
    for (dst = &_sbss; dst < &_ebss;) {
        *dst++ = 0u;
    }
    g_init_timeouts = init_timeouts;
    enable_fpu();
    arm_stack_guard();
    (void)main();
    edgeq_cortexm_exit(0);
}

void Default_Handler(void)
{
    edgeq_cortexm_raw_write("e-[unexpected exception]\r\n");
    edgeq_cortexm_exit(EDGEQ_EXIT_HARDFAULT);
}

/* ---- fault reporting ------------------------------------------------------------------------- */

__attribute__((naked)) void HardFault_Handler(void)
{
    __asm volatile(
        "mrs r0, msp\n\t"
        "tst lr, #4\n\t"
        "it ne\n\t"
        "mrsne r0, psp\n\t"
        "mov r1, lr\n\t"
        "ldr r2, =_fault_stack_top\n\t"
        "mov sp, r2\n\t"
        "b edgeq_fault_report\n\t");
}

static void put_hex(const char *label, uint32_t value)
{
    char text[20];
    int i;
    int n = 0;
    while (*label) {
        text[n++] = *label++;
    }
    text[n++] = '0';
    text[n++] = 'x';
    for (i = 7; i >= 0; i--) {
        text[n++] = "0123456789abcdef"[(value >> (4 * i)) & 0xFu];
    }
    text[n] = '\0';
    edgeq_cortexm_raw_write(text);
}

void edgeq_fault_report(const uint32_t *frame, uint32_t exc_return)
{
    uint32_t sp = (uint32_t)(uintptr_t)frame;
    uint32_t cfsr = SCB_CFSR;
    uint32_t mmfar = SCB_MMFAR;
    uint32_t guard_start = (uint32_t)(uintptr_t)&_guard_start;
    uint32_t stack_bottom = (uint32_t)(uintptr_t)&_sstack;
    int overflow = sp < stack_bottom + 32u ||
                   ((cfsr & (1u << 7)) != 0u && mmfar >= guard_start && mmfar < stack_bottom);
    /* MSTKERR/STKERR: the exception frame was never written, so its contents mean nothing. */
    int frame_readable = sp >= EDGEQ_RAM_ORIGIN && sp + 32u <= EDGEQ_RAM_ORIGIN + EDGEQ_RAM_SIZE &&
                         (cfsr & ((1u << 4) | (1u << 12))) == 0u;

    MPU_CTRL = 0u;   /* the frame may sit in the guard region */
    __asm volatile("dsb\n\tisb" ::: "memory");

    edgeq_cortexm_raw_write(overflow ? "\r\ne-[HardFault stack-overflow" : "\r\ne-[HardFault");
    if (frame_readable) {
        put_hex(" pc=", frame[6]);
        put_hex(" lr=", frame[5]);
        put_hex(" psr=", frame[7]);
        put_hex(" r0=", frame[0]);
        put_hex(" r1=", frame[1]);
        put_hex(" r2=", frame[2]);
        put_hex(" r3=", frame[3]);
        put_hex(" r12=", frame[4]);
    }
    put_hex(" sp=", sp);
    put_hex(" exc_return=", exc_return);
    put_hex(" cfsr=", cfsr);
    put_hex(" hfsr=", SCB_HFSR);
    put_hex(" mmfar=", mmfar);
    put_hex(" bfar=", SCB_BFAR);
    edgeq_cortexm_raw_write("]\r\n");
    edgeq_cortexm_exit(overflow ? EDGEQ_EXIT_STACK_OVERFLOW : EDGEQ_EXIT_HARDFAULT);
}
