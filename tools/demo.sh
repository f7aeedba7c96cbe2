#!/usr/bin/env bash
# The README's main-job command: set up (idempotent), then run edgeq end to end on the bundled default.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
exec .venv/bin/python tools/demo.py "$@"
