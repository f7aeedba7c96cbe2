"""Energy per inference: measured by a power monitor from the lab file, or estimated from the board.

Measured: a monitor samples the board's supply current while the host runs the timed inferences; the
energy is integrated (trapezoids) between the host timestamps bracketing those runs and divided by the
run count. Each monitor is an optional import (`pip install edgeq[devices]`): Nordic PPK2 (`ppk2_api`,
source-meter mode) and Joulescope (`joulescope`); an ST LPM01A is accepted in the lab file but not driven
yet (clear error).
Estimated: the board's power model (active µA/MHz × clock × supply voltage) × latency, labelled
`estimated` wherever it appears.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Protocol, Sequence

from edgeq.errors import EdgeqError
from edgeq.targets.boards import Board
from edgeq.targets.lab import PowerMonitorConfig


@dataclass(frozen=True)
class EnergyFigure:
    energy_uj: float
    source: str      # "measured" | "estimated"
    note: str


def estimate_energy(board: Board, latency_ms: float) -> EnergyFigure:
    """Energy of one inference from the board's power model: mW × ms = µJ."""
    power_mw = board.power.active_power_mw(board.clock_hz)
    return EnergyFigure(power_mw * latency_ms, "estimated",
                        f"{board.power.ua_per_mhz:g} uA/MHz x {board.clock_hz / 1e6:g} MHz x {board.power.supply_v:g} V "
                        f"= {power_mw:.2f} mW ({board.power.basis}: {board.power.source})")


def integrate_uj(samples: Sequence[tuple[float, float]], voltage_v: float, t0: float, t1: float) -> float:
    """∫ V·I dt over [t0, t1] in µJ, from (time s, current A) samples sorted by time (trapezoids,
    with the samples at the window edges interpolated)."""
    if t1 <= t0:
        raise ValueError("empty integration window")
    points = [(t, i) for t, i in samples]
    if len(points) < 2 or points[0][0] > t0 or points[-1][0] < t1:
        raise EdgeqError("the power monitor's samples do not cover the timed runs",
                         "check the monitor's connection; its sampling stopped early")

    def at(t: float) -> float:
        for (ta, ia), (tb, ib) in zip(points, points[1:]):
            if ta <= t <= tb:
                return ia if tb == ta else ia + (ib - ia) * (t - ta) / (tb - ta)
        raise AssertionError("t inside the sample range")

    window = [(t0, at(t0)), *((t, i) for t, i in points if t0 < t < t1), (t1, at(t1))]
    joules = sum((tb - ta) * (ia + ib) / 2 for (ta, ia), (tb, ib) in zip(window, window[1:])) * voltage_v
    return joules * 1e6


class PowerMonitor(Protocol):
    voltage_v: float

    def start(self) -> None: ...
    def stop(self) -> list[tuple[float, float]]: ...   # (host monotonic s, current A)


class _Sampler:
    """Reads a monitor's stream in a thread, stamping each batch with the host's monotonic clock."""

    def __init__(self, read_batch, sample_period_s: float) -> None:
        self._read_batch = read_batch
        self._period = sample_period_s
        self._samples: list[tuple[float, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            batch = self._read_batch()
            now = time.monotonic()
            n = len(batch)
            self._samples += [(now - (n - 1 - k) * self._period, amps) for k, amps in enumerate(batch)]

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> list[tuple[float, float]]:
        self._stop.set()
        self._thread.join(timeout=5)
        return self._samples


class Ppk2Monitor:
    """Nordic Power Profiler Kit II in source-meter mode (ppk2-api: get_data/get_samples give µA)."""

    def __init__(self, config: PowerMonitorConfig) -> None:
        try:
            from ppk2_api.ppk2_api import PPK2_API
        except ImportError:
            raise EdgeqError("the lab file configures a PPK2 but ppk2-api is not installed",
                             "pip install ppk2-api (or edgeq[devices])") from None
        if not config.port:
            raise EdgeqError("the PPK2 entry in the lab file has no port", "add port = \"/dev/ttyACM1\"")
        self.voltage_v = config.voltage_v or 3.3
        self._ppk = PPK2_API(config.port)
        self._ppk.get_modifiers()
        self._ppk.use_source_meter()
        self._ppk.set_source_voltage(int(self.voltage_v * 1000))
        self._ppk.toggle_DUT_power("ON")

        def batch() -> list[float]:
            raw = self._ppk.get_data()
            if not raw:
                time.sleep(0.01)
                return []
            micro_amps, _ = self._ppk.get_samples(raw)
            return [ua * 1e-6 for ua in micro_amps]

        self._sampler = _Sampler(batch, 1e-5)   # 100 kS/s

    def start(self) -> None:
        self._ppk.start_measuring()
        self._sampler.start()

    def stop(self) -> list[tuple[float, float]]:
        samples = self._sampler.stop()
        self._ppk.stop_measuring()
        return samples


class JoulescopeMonitor:
    """Joulescope JS110/JS220 through its `joulescope` package (statistics-free raw current samples)."""

    def __init__(self, config: PowerMonitorConfig) -> None:
        try:
            import joulescope
        except ImportError:
            raise EdgeqError("the lab file configures a Joulescope but `joulescope` is not installed",
                             "pip install joulescope (or edgeq[devices])") from None
        devices = joulescope.scan(config="auto")
        if config.serial:
            devices = [d for d in devices if config.serial in str(d)]
        if not devices:
            raise EdgeqError("no Joulescope found" + (f" with serial {config.serial}" if config.serial else ""),
                             "plug it in, or fix `serial` in the lab file")
        self._device = devices[0]
        self._device.open()
        self.voltage_v = config.voltage_v or 3.3
        self._t0 = 0.0

    def start(self) -> None:
        self._t0 = time.monotonic()
        self._device.start(stop_fn=None, duration=None)

    def stop(self) -> list[tuple[float, float]]:
        end = time.monotonic()
        self._device.stop()
        data = self._device.stream_buffer.samples_get(*self._device.stream_buffer.sample_id_range,
                                                      fields=["current"])
        current = data["signals"]["current"]["value"]
        n = len(current)
        if n < 2:
            return []
        step = (end - self._t0) / (n - 1)
        return [(self._t0 + k * step, float(c)) for k, c in enumerate(current)]


def open_monitor(config: PowerMonitorConfig) -> PowerMonitor:
    if config.monitor == "ppk2":
        return Ppk2Monitor(config)
    if config.monitor == "joulescope":
        return JoulescopeMonitor(config)
    raise EdgeqError(f"power monitor {config.monitor!r} is configured but edgeq cannot drive it yet",
                     "use ppk2 or joulescope, or remove the [power] table to get estimated energy")
