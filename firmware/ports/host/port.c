/*
 * Host port: the console is stdin/stdout, the counter is CLOCK_MONOTONIC in nanoseconds.
 *
 * Lets the generated model and the DUT protocol run as an ordinary program (under sanitizers too),
 * driven by edgeq over pipes exactly as a board is driven over its UART. POSIX is allowed here only.
 */
#define _POSIX_C_SOURCE 199309L

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "edgeq_port.h"

static const edgeq_port_timer_t g_timer = {"wall", "ns", 1u, 1000000000u};

void edgeq_port_init(void)
{
    /* Replies must reach the host as soon as each line is complete; dut.c writes whole lines or
     * 64-byte chunks, so full buffering plus a flush per write costs one syscall per chunk. */
    setvbuf(stdout, NULL, _IOFBF, 4096);
}

int edgeq_port_getc(void)
{
    int c = getchar();
    return c == EOF ? EDGEQ_PORT_EOF : c;
}

void edgeq_port_write(const char *data, uint32_t len)
{
    if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0) {
        /* The host end is gone: nobody can read a reply any more. */
        exit(4);
    }
}

uint64_t edgeq_port_ticks(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

const edgeq_port_timer_t *edgeq_port_timer(void)
{
    return &g_timer;
}

void edgeq_port_exit(int code)
{
    fflush(stdout);
    exit(code);
}
