/*
 * edgeq_cortexm.h — System Control Space registers used by the Cortex-M port (Armv7-M and Armv8-M).
 * Addresses from the Armv7-M / Armv8-M Architecture Reference Manuals (System Control Space, B3.2 / D1.2).
 */
#ifndef EDGEQ_CORTEXM_H
#define EDGEQ_CORTEXM_H

#include <stdint.h>

#define EDGEQ_REG(addr) (*(volatile uint32_t *)(uintptr_t)(addr))

#define SCB_ICSR   EDGEQ_REG(0xE000ED04u)
#define SCB_VTOR   EDGEQ_REG(0xE000ED08u)
#define SCB_AIRCR  EDGEQ_REG(0xE000ED0Cu)
#define SCB_SHCSR  EDGEQ_REG(0xE000ED24u)
#define SCB_CFSR   EDGEQ_REG(0xE000ED28u)
#define SCB_HFSR   EDGEQ_REG(0xE000ED2Cu)
#define SCB_MMFAR  EDGEQ_REG(0xE000ED34u)
#define SCB_BFAR   EDGEQ_REG(0xE000ED38u)
#define SCB_CPACR  EDGEQ_REG(0xE000ED88u)

#define SYST_CSR   EDGEQ_REG(0xE000E010u)
#define SYST_RVR   EDGEQ_REG(0xE000E014u)
#define SYST_CVR   EDGEQ_REG(0xE000E018u)

#define DEMCR      EDGEQ_REG(0xE000EDFCu)
#define DWT_CTRL   EDGEQ_REG(0xE0001000u)
#define DWT_CYCCNT EDGEQ_REG(0xE0001004u)
#define DWT_LAR    EDGEQ_REG(0xE0001FB0u)

#define MPU_TYPE   EDGEQ_REG(0xE000ED90u)
#define MPU_CTRL   EDGEQ_REG(0xE000ED94u)
#define MPU_RNR    EDGEQ_REG(0xE000ED98u)
#define MPU_RBAR   EDGEQ_REG(0xE000ED9Cu)
#define MPU_RASR   EDGEQ_REG(0xE000EDA0u)   /* Armv7-M */
#define MPU_RLAR   EDGEQ_REG(0xE000EDA0u)   /* Armv8-M */
#define MPU_MAIR0  EDGEQ_REG(0xE000EDC0u)   /* Armv8-M */

#define ICSR_PENDSTSET (1u << 26)

#if defined(__ARM_ARCH_8M_MAIN__) || defined(__ARM_ARCH_8_1M_MAIN__)
#define EDGEQ_ARMV8M 1
#else
#define EDGEQ_ARMV8M 0
#endif

/* Exit codes seen by the host when the emulator ends (semihosting SYS_EXIT_EXTENDED). */
#define EDGEQ_EXIT_HARDFAULT 10
#define EDGEQ_EXIT_STACK_OVERFLOW 11

void edgeq_cortexm_exit(int code) __attribute__((noreturn));
void edgeq_cortexm_raw_write(const char *text);
/* Print one `m-edgeq-init-timeout-[step=N,what=...]` line per board init step whose wait timed out (startup.c);
 * called by the port once the console works. */
void edgeq_cortexm_report_init(void);

#endif /* EDGEQ_CORTEXM_H */
