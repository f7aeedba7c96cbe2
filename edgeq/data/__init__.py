"""edgeq's package data: the firmware sources, the build templates and the board and phone files.

Every module finds them here, through `importlib.resources`, never by walking up from `__file__`. In a checkout
`firmware`, `templates` and `devices` below this package are symlinks to the top-level directories where they
are edited; a wheel (`pip wheel .`) carries copies (pyproject.toml's package-data globs follow the links), so an
installed edgeq builds firmware without a checkout.

The compiler and `make` need real directories, so a data directory that is not one on disk (edgeq imported
from a zip) is refused by name.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path

from edgeq.errors import EdgeqError


def _directory(*parts: str) -> Path:
    found = resources.files(__name__).joinpath(*parts)
    if not isinstance(found, Path) or not found.is_dir():
        raise EdgeqError(f"edgeq's package data {'/'.join(parts)} is missing (looked in {found})",
                         "reinstall edgeq (`pip install edgeq`, or `pip install -e .` in a checkout)")
    return found


FIRMWARE = _directory("firmware")  # firmware/: main.c, protocol/, include/, ports/, kernels/
TEMPLATES = _directory("templates")  # Makefile.j2, linker.ld.j2
BOARDS_DIR = _directory("devices", "boards")  # one <id>.toml per board
PHONES_DIR = _directory("devices", "phones")  # one <id>.toml per phone
