"""Benchmark a .tflite model on an Android phone with TFLite's `benchmark_model` over adb.

Steps:
  1. Resolve the phone target (`edgeq.targets.resolver.resolve_phone`: its description devices/phones/<id>.toml,
     if named) and connect to it over adb.
  2. Read `dumpsys battery`: on external power, energy is refused unless `allow_charging`.
  3. Push the model (and the benchmark binary, unless one already on the device is used) into a fresh
     directory under /data/local/tmp.
  4. Sample `current_now`/`voltage_now` while idle (baseline), then run benchmark_model with the chosen
     threads and delegate while a thread keeps sampling.
  5. Parse the output (edgeq.bench.benchmark_model), judge the delegate, integrate energy (edgeq.bench.battery).
  6. Remove everything that was pushed, whatever happened.
"""
from __future__ import annotations

import shlex
import threading
import time
import uuid
from pathlib import Path

from edgeq.bench import battery, benchmark_model
from edgeq.bench.results import InferenceBench
from edgeq.errors import EdgeqError
from edgeq.targets.phones import DEVICE_TMP, Phone
from edgeq.targets.resolver import resolve_phone
from edgeq.transport.adb import Adb

DELEGATE_FLAGS = {
    "cpu": ["--use_xnnpack=false"],
    "xnnpack": ["--use_xnnpack=true"],
    "gpu": ["--use_gpu=true"],
    "nnapi": ["--use_nnapi=true"],
}


class _Sampler:
    """Reads current_now and voltage_now over adb in a loop (each read is one `adb shell cat`)."""

    def __init__(self, adb: Adb, phone: Phone):
        self.adb, self.phone = adb, phone
        self.samples: list[battery.Sample] = []
        self._stop = threading.Event()
        self._error: EdgeqError | None = None
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def read(self) -> battery.Sample:
        out = self.adb.check_shell(["cat", self.phone.current_now, self.phone.voltage_now], timeout=15.0)
        current, voltage = battery.parse_sample(out)
        return battery.Sample(time.monotonic(), current, voltage)

    def _loop(self) -> None:
        try:
            while not self._stop.is_set():
                self.samples.append(self.read())
        except EdgeqError as err:
            self._error = err

    def __enter__(self) -> "_Sampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        if self._error is not None and exc[0] is None:
            raise self._error


def _idle_baseline(adb: Adb, phone: Phone, seconds: float) -> list[battery.Sample]:
    sampler = _Sampler(adb, phone)
    end = time.monotonic() + seconds
    samples = [sampler.read()]
    while time.monotonic() < end or len(samples) < 2:
        samples.append(sampler.read())
    return samples


def run_on_phone(model: Path, *, serial: str | None, phone_id: str | None, benchmark_binary: Path | None,
                 threads: int, delegate: str, runs: int, warmups: int, allow_charging: bool,
                 measure_energy: bool = True, idle_seconds: float = 2.0, timeout: float = 600.0) -> InferenceBench:
    if delegate not in DELEGATE_FLAGS:
        raise EdgeqError(f"unknown delegate {delegate!r}", f"choose one of {', '.join(DELEGATE_FLAGS)}")
    target = resolve_phone(serial, phone_id)
    phone = target.phone
    adb = target.connect()
    binary = benchmark_binary or phone.benchmark_binary
    if binary is not None and not binary.is_file():
        raise EdgeqError(f"benchmark binary {binary} does not exist",
                         "download TFLite's prebuilt android_aarch64_benchmark_model, or fix the path")

    state = battery.parse_dumpsys_battery(adb.check_shell(["dumpsys", "battery"]))
    external = state.external_power
    energy_note = "battery current_now x voltage_now during the runs, idle baseline subtracted"
    if not measure_energy:
        energy_note = "energy not requested"
    elif external and not allow_charging:
        energy_note = (f"energy refused: {external}, so the battery counters do not show the phone's "
                       "consumption (use adb over Wi-Fi and unplug, or pass --allow-charging)")
    sample = measure_energy and (not external or allow_charging)

    workdir = f"{DEVICE_TMP}/edgeq-{uuid.uuid4().hex[:12]}"
    adb.check_shell(["mkdir", "-p", workdir])
    try:
        remote_model = f"{workdir}/{model.name}"
        adb.push(model, remote_model)
        if binary is not None:
            remote_binary = f"{workdir}/benchmark_model"
            adb.push(binary, remote_binary)
            adb.check_shell(["chmod", "755", remote_binary])
        elif adb.exists(phone.benchmark_binary_on_device):
            remote_binary = phone.benchmark_binary_on_device
        else:
            raise EdgeqError(f"no benchmark_model binary: none given and none at {phone.benchmark_binary_on_device} "
                             "on the device",
                             "pass --benchmark-binary PATH (TFLite's prebuilt android_aarch64_benchmark_model), "
                             "or name it in the phone's TOML ([benchmark] binary)")
        argv = [remote_binary, f"--graph={remote_model}", f"--num_threads={threads}", f"--num_runs={runs}",
                f"--warmup_runs={warmups}", *DELEGATE_FLAGS[delegate]]
        idle = _idle_baseline(adb, phone, idle_seconds) if sample else []
        if sample:
            with _Sampler(adb, phone) as sampler:
                result = adb.shell(argv, timeout=timeout)
            active = sampler.samples
        else:
            result, active = adb.shell(argv, timeout=timeout), []
    except EdgeqError as err:
        # the benchmark's failure is the one to report; a failed cleanup (e.g. the phone is gone) only adds to it
        try:
            adb.remove(workdir)
        except EdgeqError as cleanup:
            raise EdgeqError(f"{err.message}\n(could not remove {workdir} from the phone afterwards: "
                             f"{cleanup.message})", err.hint) from err
        raise
    adb.remove(workdir)

    try:
        run = benchmark_model.parse(result.output)
    except EdgeqError as err:
        raise EdgeqError(f"{err.message} (command: {shlex.join(argv)}, exit {result.returncode})",
                         err.hint) from err
    timing = target.timing("benchmark_model")
    applied, detail = benchmark_model.delegate_status(run.delegation, delegate, run.output_format)

    energy_uj = energy_source = None
    caveats: tuple[str, ...] = ()
    if sample:
        estimate = battery.estimate_energy(idle, active, run.avg_ms, charging=external is not None,
                                           declared_unit=phone.current_unit)
        energy_uj, caveats = estimate.energy_uj, estimate.caveats
        energy_source = "measured" if energy_uj is not None else None
        energy_note = (f"{energy_note} (battery gauge {phone.current_now}, {phone.voltage_now}): idle {estimate.idle_power_mw:.0f} mW, during runs "
                       f"{estimate.active_power_mw:.0f} mW, {estimate.samples} samples")
    return InferenceBench(
        target=f"adb:{adb.serial}", model=str(model), tool=f"benchmark_model ({run.output_format} output)",
        threads=threads, delegate=delegate, delegate_applied=applied, delegate_detail=detail,
        latency_ms=run.avg_ms, latency_source=timing.latency(run.avg_ms * 1e3).source, timing_source=timing.source,
        latency_std_ms=run.std_ms, latency_min_ms=run.min_ms,
        latency_max_ms=run.max_ms, runs=run.runs, warmups=run.warmup_runs, init_ms=run.init_ms,
        first_inference_ms=run.first_inference_ms, memory_kind=run.memory.kind if run.memory else None,
        memory_overall_mb=run.memory.overall_mb if run.memory else None, energy_uj=energy_uj,
        energy_source=energy_source, energy_note=energy_note, energy_caveats=caveats)
