/*
 * main.c — the one entry point of every edgeq firmware and host program.
 *
 * Start the port, announce the DUT, then feed the console to the protocol until the console ends
 * (only the host port's stdin ever ends). Everything target-specific is behind edgeq_port.h.
 */
#include "edgeq_port.h"
#include "dut.h"

int main(void)
{
    int byte;

    edgeq_port_init();
    if (edgeq_dut_init() != 0) {
        edgeq_port_exit(3);
        return 3;
    }
    for (;;) {
        byte = edgeq_port_getc();
        if (byte == EDGEQ_PORT_EOF) {
            break;
        }
        edgeq_dut_feed(byte);
    }
    edgeq_port_exit(0);
    return 0;
}
