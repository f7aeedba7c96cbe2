"""Ways to reach a target (serial, QEMU, host, adb); protocol parsing is kept pure."""
