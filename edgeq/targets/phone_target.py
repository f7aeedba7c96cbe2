"""A phone as a target: an Android device over adb that runs a .tflite itself with TFLite's `benchmark_model`
(`edgeq.bench.phone`). `Phone` stays pure data (`edgeq.targets.phones`); this object adds reaching the device."""
from __future__ import annotations

from dataclasses import dataclass

from edgeq.targets.phones import Phone
from edgeq.targets.target import Capability, Unsupported
from edgeq.targets.timing import Timing, timing_for
from edgeq.transport.adb import Adb


@dataclass(frozen=True)
class PhoneTarget(Unsupported):
    phone: Phone
    serial: str | None = None  # None: the only attached device
    kind: str = "phone"
    capabilities: Capability = Capability.TFLITE
    instead = "a phone runs the .tflite itself: `edgeq bench MODEL.tflite --adb [SERIAL]`"

    @property
    def name(self) -> str:
        return f"adb:{self.serial}" if self.serial else "adb"

    def connect(self) -> Adb:
        """Finds adb, lists the attached devices and picks `serial` (or the only one); EdgeqError if none fits.
        Nothing is pushed or started on the phone."""
        from edgeq.transport.adb import connect

        return connect(self.serial)

    def timing(self, reported: str) -> Timing:
        """`benchmark_model`'s own timer (microseconds, measured on the phone)."""
        return timing_for(reported, None)
