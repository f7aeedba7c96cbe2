"""Battery readings of an Android phone and the energy they imply. Pure: text and samples in, numbers out.

Sources (formats and caveats in ../shared/fixtures/android/SOURCES.md):
- `dumpsys battery`: `AC/USB/Wireless powered`, `status` (BatteryManager codes: 2 charging, 3 discharging,
  4 not charging, 5 full), `voltage` in mV.
- `/sys/class/power_supply/battery/uevent` (`POWER_SUPPLY_KEY=value`, or without the prefix as tools print it).
- `current_now` / `voltage_now` sysfs files, sampled during a run.

Units: `voltage_now` is µV (dumpsys `voltage` mV); told apart by magnitude, since a Li-ion cell sits at
2.5-5 V. `current_now` is µA on most phones but mA on some (Huawei MediaPad): during a benchmark a phone draws
at least 10 mA, so magnitudes below 10000 mean mA -- unless the phone's description names the unit.
Sign: the kernel ABI says negative = discharging, many Qualcomm phones report the opposite. The sign is never
assumed: while the phone discharges, the dominant sign of the samples *is* the discharge sign.

Energy per inference = (mean power during the timed runs - mean idle power) x steady-state latency. The
phone's whole-system excess power is attributed to the model; the caveats say how coarse this is.
"""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

from edgeq.errors import EdgeqError

STATUS_NAMES = {1: "unknown", 2: "charging", 3: "discharging", 4: "not charging", 5: "full"}
_KEY_VALUE = re.compile(r"^\s*([A-Za-z][A-Za-z0-9 _-]*?):\s*(.*?)\s*$")
MILLIAMP_BELOW = 10_000  # |current_now| below this during a run means the counter is in mA


@dataclass(frozen=True)
class PowerState:
    """What `dumpsys battery` says about the supply."""

    ac_powered: bool
    usb_powered: bool
    wireless_powered: bool
    status: str  # "charging", "discharging", "not charging", "full", "unknown"
    level: int | None
    voltage_mv: int | None

    @property
    def external_power(self) -> str | None:
        """Why battery readings do not show the phone's consumption, or None when it runs on battery."""
        sources = [n for n, on in (("USB", self.usb_powered), ("AC", self.ac_powered),
                                    ("wireless", self.wireless_powered)) if on]
        if sources:
            return f"the phone is powered over {'/'.join(sources)} (battery status: {self.status})"
        if self.status in ("charging", "full"):
            return f"the battery is {self.status}"
        return None


def parse_dumpsys_battery(text: str) -> PowerState:
    """Parse `dumpsys battery` (AOSP and vendor-extended; the first occurrence of a key wins)."""
    fields: dict[str, str] = {}
    for line in text.splitlines():
        if m := _KEY_VALUE.match(line):
            fields.setdefault(m.group(1).strip(), m.group(2))
    required = ("AC powered", "USB powered", "status")
    missing = [k for k in required if k not in fields]
    if missing:
        raise EdgeqError(f"`dumpsys battery` output lacks {', '.join(missing)}",
                         "check `adb shell dumpsys battery` by hand; the phone may not expose a battery service")

    def flag(key: str) -> bool:
        return fields.get(key, "false").lower() == "true"

    def number(key: str) -> int | None:
        value = fields.get(key)
        return int(value) if value is not None and re.fullmatch(r"-?\d+", value) else None

    code = number("status")
    return PowerState(flag("AC powered"), flag("USB powered"), flag("Wireless powered"),
                      STATUS_NAMES.get(code or 1, "unknown"), number("level"), number("voltage"))


def parse_uevent(text: str) -> dict[str, str]:
    """`KEY=value` lines of a power_supply uevent, with or without the `POWER_SUPPLY_` prefix. Vendors repeat
    keys (CAPACITY, CHARGE_COUNTER on a OnePlus 7): the first value is kept."""
    fields: dict[str, str] = {}
    for line in text.splitlines():
        m = re.match(r"^\s*(?:POWER_SUPPLY_)?([A-Z][A-Z0-9_]*)=(.*)$", line)
        if m:
            fields.setdefault(m.group(1), m.group(2).strip())
    return fields


def uevent_status(fields: dict[str, str]) -> str:
    return fields.get("STATUS", "Unknown").lower()


def voltage_volts(raw: int) -> float:
    """A cell voltage reading (µV from sysfs, mV from dumpsys) in volts."""
    if 2_500 <= raw <= 5_000:
        return raw / 1e3
    if 2_500_000 <= raw <= 5_000_000:
        return raw / 1e6
    raise EdgeqError(f"battery voltage reads {raw}: not a Li-ion cell voltage in mV or µV",
                     "this phone (or emulator) does not report a real battery; energy cannot be measured")


def parse_sample(text: str) -> tuple[int, int]:
    """The output of `cat current_now voltage_now`: two integers, one per line."""
    values = [line.strip() for line in text.splitlines() if line.strip()]
    if len(values) != 2 or not all(re.fullmatch(r"-?\d+", v) for v in values):
        raise EdgeqError(f"unexpected battery counter output: {text.strip()[:80]!r}",
                         "check the current_now/voltage_now paths in the phone's TOML ([battery] section)")
    return int(values[0]), int(values[1])


@dataclass(frozen=True)
class Sample:
    t_s: float  # host monotonic time of the reading
    current_raw: int
    voltage_raw: int


@dataclass(frozen=True)
class EnergyEstimate:
    energy_uj: float | None  # None when the excess power is not above the idle baseline
    idle_power_mw: float
    active_power_mw: float
    current_unit: str  # "uA" | "mA"
    discharge_sign: int  # +1: positive current_now means discharging; -1: kernel ABI (negative)
    samples: int
    sample_period_ms: float
    counter_updates_per_s: float
    caveats: tuple[str, ...]


def discharge_sign(raws: list[int], charging: bool) -> int:
    """+1 or -1 such that sign * current_now is the discharge current. While discharging, most samples carry
    the discharge sign; while charging, most carry the charge sign."""
    median = statistics.median(raws)
    if median == 0:
        raise EdgeqError("battery current_now reads 0 during the run",
                         "this phone does not report battery current; energy cannot be measured here")
    sign = 1 if median > 0 else -1
    return -sign if charging else sign


def current_unit(raws: list[int], declared: str = "auto") -> str:
    if declared in ("uA", "mA"):
        return declared
    return "mA" if max(abs(r) for r in raws) < MILLIAMP_BELOW else "uA"


def _mean_power_w(samples: list[Sample], scale: float) -> float:
    """Time-weighted mean of I*V (trapezoid rule) over the samples' span."""
    if len(samples) < 2 or samples[-1].t_s <= samples[0].t_s:
        raise EdgeqError(f"only {len(samples)} battery sample(s) in a window: too few to integrate",
                         "run longer (more --runs) so the battery counter is sampled several times")
    power = [s.current_raw * scale * voltage_volts(s.voltage_raw) for s in samples]
    area = sum((b.t_s - a.t_s) * (pa + pb) / 2 for a, b, pa, pb in zip(samples, samples[1:], power, power[1:]))
    return area / (samples[-1].t_s - samples[0].t_s)


def _updates_per_s(samples: list[Sample]) -> float:
    changes = sum(1 for a, b in zip(samples, samples[1:]) if a.current_raw != b.current_raw)
    return changes / (samples[-1].t_s - samples[0].t_s)


def estimate_energy(idle: list[Sample], active: list[Sample], latency_ms: float, *, charging: bool,
                    declared_unit: str = "auto") -> EnergyEstimate:
    raws = [s.current_raw for s in idle + active]
    sign = discharge_sign(raws, charging)
    unit = current_unit([s.current_raw for s in active], declared_unit)
    scale = sign * (1e-3 if unit == "mA" else 1e-6)  # raw -> discharge amps
    idle_w, active_w = _mean_power_w(idle, scale), _mean_power_w(active, scale)
    period_ms = 1e3 * (active[-1].t_s - active[0].t_s) / (len(active) - 1)
    updates = _updates_per_s(active)
    caveats = [
        f"battery counters read over adb every {period_ms:.0f} ms on average (host timestamps); "
        f"current_now changed {updates:.1f} times/s during the run: the fuel gauge refreshes at its own, "
        "vendor-specific rate, so runs shorter than a few seconds are unreliable",
        "energy = (mean power during the runs - idle mean power) x steady-state latency: the whole phone's "
        "excess power (CPU frequency ramp, memory, other apps) is attributed to the model",
        f"current_now unit taken as {unit}"
        + (" (declared in the phone's TOML)" if declared_unit in ("uA", "mA") else " (from its magnitude)")
        + f"; {'positive' if sign > 0 else 'negative'} current_now means discharging on this phone",
    ]
    if charging:
        caveats.append("the phone was on external power (--allow-charging): the charger supplies part of the "
                       "load, so this figure understates the model's energy")
    excess_w = active_w - idle_w
    energy = excess_w * latency_ms * 1e3 if excess_w > 0 else None  # W * ms = mJ -> µJ
    if energy is None:
        caveats.append("power during the runs was not above the idle baseline: below the gauge's resolution")
    return EnergyEstimate(energy, idle_w * 1e3, active_w * 1e3, unit, sign, len(active), period_ms, updates,
                          tuple(caveats))
