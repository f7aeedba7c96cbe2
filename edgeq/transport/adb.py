"""Android devices over `adb` (Debian's `adb` package): discovery and a small command wrapper.

Lifecycle:
  1. `find_adb()` locates the executable (PATH; tests put a stand-in first on PATH).
  2. `list_devices()` runs `adb devices -l`; `parse_devices()` turns its text into `AdbDevice`s (pure).
  3. `choose_device()` picks the one to use and turns none / several / offline / unauthorized /
     no-permissions into an `EdgeqError` saying what to do (pure).
  4. `Adb(serial)` runs `push`, `shell` and clean-up with `-s SERIAL` and a timeout on every call; adb's own
     error lines (`error: device offline`, `more than one device/emulator`, `failed to copy ...`) become
     `EdgeqError`s with a hint.

`adb shell` returns the remote command's exit status (shell protocol v2, Android 7+); callers that parse
output (benchmark_model) also judge the text, so an old device that always returns 0 is still caught.
"""
from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from edgeq.errors import EdgeqError

# Connection states adb prints (adb's connection_state_name); "no permissions" is followed by an explanation.
STATES = ("device", "offline", "unauthorized", "authorizing", "connecting", "bootloader", "recovery",
          "rescue", "sideload", "host", "unknown")
_NO_PERMISSIONS = "no permissions"
_HEADER = "List of devices attached"

_STATE_HINTS = {
    "offline": "the device does not answer adb: unplug and replug the USB cable (or `adb reconnect`), "
               "then check `adb devices`",
    "unauthorized": "unlock the phone and accept the 'Allow USB debugging?' dialog (replug the cable if it "
                    "does not show), then check `adb devices`",
    "authorizing": "accept the 'Allow USB debugging?' dialog on the phone, then retry",
    "connecting": "the device is still connecting: wait a few seconds and retry",
    _NO_PERMISSIONS: "this user may not open the USB device: install udev rules (Debian package "
                     "`android-sdk-platform-tools-common`), add yourself to the `plugdev` group, replug the "
                     "cable and run `adb kill-server`",
}


@dataclass(frozen=True)
class AdbDevice:
    serial: str
    state: str  # one of STATES or "no permissions"
    detail: str = ""  # the explanation after "no permissions", if any
    properties: tuple[tuple[str, str], ...] = ()  # usb, product, model, device, transport_id (`-l`)

    def prop(self, name: str) -> str | None:
        return dict(self.properties).get(name)

    def describe(self) -> str:
        model = self.prop("model")
        return f"{self.serial} ({self.state}{', ' + model if model else ''})"


def parse_devices(text: str) -> tuple[AdbDevice, ...]:
    """Devices in `adb devices [-l]` output. Tabs or any run of spaces separate fields (pasted and real
    output differ); lines that are not device lines (header, `* daemon started`, blank) are skipped."""
    devices = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("*", _HEADER)):
            continue
        parts = line.split(None, 1)
        if len(parts) != 2:
            continue
        serial, rest = parts
        if rest.startswith(_NO_PERMISSIONS):
            devices.append(AdbDevice(serial, _NO_PERMISSIONS, rest[len(_NO_PERMISSIONS):].strip()))
            continue
        state, *props = rest.split()
        if state not in STATES:
            continue
        pairs = tuple(tuple(p.split(":", 1)) for p in props if ":" in p)
        devices.append(AdbDevice(serial, state, "", pairs))  # type: ignore[arg-type]
    return tuple(devices)


def choose_device(devices: tuple[AdbDevice, ...], serial: str | None) -> AdbDevice:
    """The device to use, or an EdgeqError that says what is wrong and what to do."""
    if serial is not None:
        match = [d for d in devices if d.serial == serial]
        if not match:
            attached = ", ".join(d.describe() for d in devices) or "none"
            raise EdgeqError(f"no Android device with serial {serial!r} (attached: {attached})",
                             "check the serial with `adb devices -l`")
        device = match[0]
    elif not devices:
        raise EdgeqError("no Android device attached (`adb devices` lists none)",
                         "connect the phone by USB with USB debugging enabled (Settings > Developer options), "
                         "or measure on this machine with --host")
    elif len(devices) > 1:
        raise EdgeqError(f"{len(devices)} Android devices attached: " + ", ".join(d.describe() for d in devices),
                         "choose one: --adb SERIAL")
    else:
        device = devices[0]
    if device.state != "device":
        hint = _STATE_HINTS.get(device.state, f"the device is in {device.state} mode: boot it into Android")
        detail = f" {device.detail}" if device.detail else ""
        raise EdgeqError(f"Android device {device.serial} is {device.state}{detail}", hint)
    return device


def find_adb() -> str:
    path = shutil.which("adb")
    if path is None:
        raise EdgeqError("adb not found on PATH",
                         "install Android's adb (tools/setup.sh does it; or `apt install adb`)")
    return path


def _run(argv: list[str], timeout: float, merge: bool = False) -> subprocess.CompletedProcess[str]:
    """Run adb; `merge` interleaves stderr into stdout in the order the remote wrote them."""
    try:
        return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT if merge else subprocess.PIPE,
                              text=True, errors="replace", timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as exc:
        raise EdgeqError(f"`{' '.join(argv[1:4])} ...` did not finish within {timeout:g} s",
                         "check that the phone is awake and connected (`adb devices`); a long benchmark may "
                         "need fewer --runs") from exc


def list_devices(timeout: float = 30.0) -> tuple[AdbDevice, ...]:
    result = _run([find_adb(), "devices", "-l"], timeout)
    if result.returncode != 0:
        raise explain_failure(result.stderr or result.stdout, "adb devices")
    return parse_devices(result.stdout)


def explain_failure(stderr: str, what: str) -> EdgeqError:
    """An adb error message as an EdgeqError with what to do (pure)."""
    text = " ".join(line.strip() for line in stderr.splitlines() if line.strip() and not line.startswith("*"))
    if "more than one device" in text:
        return EdgeqError(f"{what}: more than one Android device is attached", "choose one: --adb SERIAL")
    if "no devices/emulators found" in text or re.search(r"device '.*' not found", text):
        return EdgeqError(f"{what}: the Android device is not attached", "check `adb devices -l`")
    for state in ("offline", "unauthorized"):
        if f"device {state}" in text:
            return EdgeqError(f"{what}: the Android device is {state}", _STATE_HINTS[state])
    if "insufficient permissions" in text:
        return EdgeqError(f"{what}: no permission to open the USB device", _STATE_HINTS[_NO_PERMISSIONS])
    if m := re.search(r"failed to copy '(.*?)' to '(.*?)': (.*)", text):
        return EdgeqError(f"{what}: could not copy {m.group(1)} to the device: {m.group(3)}",
                          f"choose a writable directory on the device (e.g. /data/local/tmp) instead of "
                          f"{m.group(2)}")
    return EdgeqError(f"{what} failed: {text or 'no message'}", "run the same adb command by hand to see why")


@dataclass(frozen=True)
class ShellResult:
    returncode: int
    output: str  # stdout and stderr of the remote command, interleaved as adb delivered them


class Adb:
    """adb commands for one device (`-s SERIAL`), each with a timeout."""

    def __init__(self, serial: str, executable: str | None = None):
        self.serial = serial
        self.executable = executable or find_adb()

    def _argv(self, *args: str) -> list[str]:
        return [self.executable, "-s", self.serial, *args]

    def push(self, local: Path, remote: str, timeout: float = 120.0) -> None:
        result = _run(self._argv("push", str(local), remote), timeout)
        if result.returncode != 0:
            raise explain_failure(result.stderr or result.stdout, f"adb push {local.name}")

    def shell(self, argv: list[str], timeout: float = 60.0) -> ShellResult:
        """Run a command on the device; arguments are quoted for the device's shell."""
        result = _run(self._argv("shell", " ".join(shlex.quote(a) for a in argv)), timeout, merge=True)
        if result.returncode != 0 and _is_adb_error(result.stdout):
            raise explain_failure(result.stdout, f"adb shell {argv[0]}")
        return ShellResult(result.returncode, result.stdout)

    def check_shell(self, argv: list[str], timeout: float = 60.0) -> str:
        result = self.shell(argv, timeout)
        if result.returncode != 0:
            raise EdgeqError(f"`{' '.join(argv)}` failed on {self.serial} (exit {result.returncode}): "
                             f"{result.output.strip() or 'no output'}",
                             "run it by hand with `adb shell` to see why")
        return result.output

    def exists(self, remote: str) -> bool:
        return self.shell(["ls", remote], timeout=30.0).returncode == 0

    def remove(self, remote: str) -> None:
        self.shell(["rm", "-rf", remote], timeout=30.0)


def _is_adb_error(stderr: str) -> bool:
    # adb's own failures (not the remote command's) start with "error:" or "adb: error:".
    return any(line.startswith(("error:", "adb: error:", "adb: ")) for line in stderr.splitlines())


def connect(serial: str | None) -> Adb:
    """Steps 1-3: find adb, list devices, choose one."""
    return Adb(choose_device(list_devices(), serial).serial)
