"""Phones are data: `devices/phones/<id>.toml` (schema in devices/phones/README.md), read with the same strict
reader as boards (`edgeq.targets.schema`): typed keys, unknown keys refused, every error naming the file."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from edgeq.data import PHONES_DIR
from edgeq.errors import EdgeqError
from edgeq.targets.schema import TomlReader

DEVICE_TMP = "/data/local/tmp"
DEFAULT_BINARY_ON_DEVICE = f"{DEVICE_TMP}/benchmark_model"
POWER_SUPPLY = "/sys/class/power_supply/battery"
CURRENT_UNITS = ("auto", "uA", "mA")
SCHEMA_DOC = "devices/phones/README.md for the phone schema"


@dataclass(frozen=True)
class Phone:
    """A phone description (schema in devices/phones/README.md)."""

    id: str
    name: str
    benchmark_binary: Path | None
    benchmark_binary_on_device: str
    current_now: str
    voltage_now: str
    current_unit: str  # "auto" | "uA" | "mA"


GENERIC = Phone("generic", "any Android phone", None, DEFAULT_BINARY_ON_DEVICE,
                f"{POWER_SUPPLY}/current_now", f"{POWER_SUPPLY}/voltage_now", "auto")


def load_phone(phone_id: str, directory: Path = PHONES_DIR) -> Phone:
    path = Path(directory) / f"{phone_id}.toml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in Path(directory).glob("*.toml"))) or "none"
        raise EdgeqError(f"no phone description {phone_id!r} (known: {known})",
                         f"add {path} (schema in devices/phones/README.md) or leave out --phone")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise EdgeqError(f"{path} is not valid TOML: {exc}", "fix the file") from exc
    top = TomlReader(path, data, doc=SCHEMA_DOC)
    name = top.str("name")
    top.str("abi", required=False)  # informative only
    bench = top.table_("benchmark", required=False) or TomlReader(path, {}, "benchmark.", SCHEMA_DOC)
    battery = top.table_("battery", required=False) or TomlReader(path, {}, "battery.", SCHEMA_DOC)
    binary = bench.str("binary", required=False)
    on_device = bench.str("binary_on_device", required=False) or GENERIC.benchmark_binary_on_device
    current_now = battery.str("current_now", required=False) or GENERIC.current_now
    voltage_now = battery.str("voltage_now", required=False) or GENERIC.voltage_now
    unit = battery.str("current_unit", required=False, choices=CURRENT_UNITS) or "auto"
    for reader in (top, bench, battery):
        reader.done()
    # a relative binary path means next to the phone's TOML file, wherever edgeq is run from
    binary_path = None if binary is None else path.parent / Path(binary).expanduser()
    return Phone(phone_id, name, binary_path, on_device, current_now, voltage_now, unit)
