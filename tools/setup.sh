#!/usr/bin/env bash
# Idempotent set-up for a fresh Debian/Ubuntu machine: system tools + a Python venv in .venv.
# Usage: tools/setup.sh            (everything)
# Re-running is cheap: apt is skipped when every tool is present, pip when pyproject.toml is unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."

SYSTEM_PACKAGES=(gcc make gcc-arm-none-eabi libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib
                 qemu-system-arm gdb-multiarch adb openocd chromium python3-venv)
REQUIRED_COMMANDS=(gcc make arm-none-eabi-gcc qemu-system-arm gdb-multiarch adb openocd chromium)

missing=()
for c in "${REQUIRED_COMMANDS[@]}"; do command -v "$c" >/dev/null 2>&1 || missing+=("$c"); done
if [ ${#missing[@]} -gt 0 ]; then
    echo "edgeq setup: installing system packages (missing: ${missing[*]})" >&2
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${SYSTEM_PACKAGES[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PY" -m venv .venv
fi
stamp=.venv/.edgeq-installed
want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "edgeq setup: installing Python dependencies into .venv (first time: a few minutes)" >&2
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e '.[convert,dev,report,devices,cluster]'
    echo "$want" > "$stamp"
fi
