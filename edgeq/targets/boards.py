"""Boards as data: load and validate `devices/boards/<id>.toml` into frozen `Board` objects.

Contract: `load_board(path)` either returns a fully validated `Board` or raises `EdgeqError` naming the
file and the offending key, so nothing downstream re-checks board data. The schema is documented in
`devices/README.md`; this module is its single implementation.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from edgeq.errors import EdgeqError
from edgeq.targets.cores import CORES, allowed_fpus
from edgeq.targets.schema import TomlReader

CONSOLE_KINDS = ("cmsdk-uart", "stm32-usart", "nrf-uarte")
CYCLE_COUNTERS = ("dwt", "systick-icount")
FLASH_METHODS = ("pyocd", "openocd", "gdb")
POWER_BASES = ("datasheet", "proxy", "assumed")
STM32_REGISTER_LAYOUTS = ("sr-dr", "isr-tdr")
# The UARTE's BAUDRATE register takes values from a table, not a divisor (nRF52840 PS §6.34.9).
NRF_UARTE_BAUDS = (9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600, 1000000)


@dataclass(frozen=True)
class MemoryRegion:
    origin: int
    size: int

    @property
    def end(self) -> int:
        return self.origin + self.size


@dataclass(frozen=True)
class Console:
    kind: str
    base: int
    baud: int
    clock_hz: int
    registers: str | None = None   # stm32-usart only
    lpuart: bool = False           # stm32-usart only
    tx_pin: int | None = None      # nrf-uarte only
    rx_pin: int | None = None


@dataclass(frozen=True)
class Timer:
    cycle_counter: str             # "dwt" | "systick-icount"
    systick_hz: int | None         # systick-icount: SysTick clock, to turn ticks into instructions

    @property
    def counts_instructions(self) -> bool:
        """SysTick under QEMU's -icount (instructions, emulated boards) rather than the DWT cycle counter."""
        return self.cycle_counter == "systick-icount"


@dataclass(frozen=True)
class FlashMethod:
    method: str
    target: str | None = None                      # a name for the gdb server / emulator
    pyocd_target: str | None = None
    openocd_config: tuple[str, ...] = ()


@dataclass(frozen=True)
class PowerModel:
    basis: str                     # "datasheet" | "proxy" | "assumed"
    ua_per_mhz: float
    supply_v: float
    source: str

    def active_power_mw(self, clock_hz: int) -> float:
        return self.ua_per_mhz * (clock_hz / 1e6) * self.supply_v / 1000.0


@dataclass(frozen=True)
class Emulator:
    machine: str                   # qemu-system-arm -M
    cpi: float                     # cycles per instruction used for estimated latency
    cpi_source: str


# Polls of a ready flag before an init step gives up: about 0.3 s on a 16 MHz reset clock (HSE start-up and
# PLL lock take ~2 ms and ~0.1 ms), a few ms of QEMU time. A step that times out does not hang the board: the
# startup code goes on and the port reports the step on the console (`m-edgeq-init-timeout-[...]`).
DEFAULT_WAIT_POLLS = 1_000_000


@dataclass(frozen=True)
class InitStep:
    """One register operation run by the startup code before main(): write, read-modify-write, then an optional
    bounded wait for `(reg & wait_mask) == wait_value` of at most `wait_polls` reads."""

    what: str
    reg: int
    clear: int = 0
    set: int = 0
    write: int | None = None
    wait_mask: int = 0
    wait_value: int = 0
    wait_polls: int = DEFAULT_WAIT_POLLS


@dataclass(frozen=True)
class Board:
    id: str
    name: str
    core: str
    fpu: str
    clock_hz: int
    flash_memory: MemoryRegion
    ram_memory: MemoryRegion
    console: Console
    timer: Timer
    flash: FlashMethod
    power: PowerModel
    emulator: Emulator | None
    init: tuple[InitStep, ...]
    default_for: str | None
    path: Path

    @property
    def emulated(self) -> bool:
        return self.emulator is not None


def load_board(path: Path) -> Board:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise EdgeqError(f"board file {path} does not exist", "run `edgeq targets` to list known boards") from None
    except tomllib.TOMLDecodeError as err:
        raise EdgeqError(f"{path}: not valid TOML: {err}", "fix the syntax; see devices/README.md") from None
    top = TomlReader(path, data)

    board_id = top.str("id")
    if board_id != path.stem:
        raise top.error("id", f"is {board_id!r} but the file is named {path.name}",
                        "a board file is named by its id: <id>.toml")
    core = top.str("core", choices=tuple(CORES))
    fpu = top.str("fpu", choices=allowed_fpus(core))
    clock_hz = top.int("clock_hz", minimum=1)
    default_for = top.str("default_for", required=False, choices=tuple(CORES))
    if default_for is not None and default_for != core:
        raise top.error("default_for", f"is {default_for!r} but the board's core is {core!r}")

    memory = top.table_("memory")
    regions = {}
    for name in ("flash", "ram"):
        region = memory.table_(name)
        origin = region.u32("origin", required=True)
        size = region.int("size", minimum=1)
        if origin + size > 1 << 32:
            raise region.error("size", f"{size:#x} at {origin:#x} runs past the 4 GiB address space")
        region.done()
        regions[name] = MemoryRegion(origin, size)
    memory.done()
    flash_mem, ram_mem = regions["flash"], regions["ram"]
    if flash_mem.origin < ram_mem.end and ram_mem.origin < flash_mem.end:
        raise memory.error("ram", "overlaps memory.flash")

    con = top.table_("console")
    kind = con.str("kind", choices=CONSOLE_KINDS)
    console = Console(
        kind=kind,
        base=con.u32("base", required=True),
        baud=con.int("baud", minimum=300),
        clock_hz=con.int("clock_hz", minimum=1),
        registers=con.str("registers", required=kind == "stm32-usart", choices=STM32_REGISTER_LAYOUTS)
        if kind == "stm32-usart" else None,
        lpuart=con.bool("lpuart") if kind == "stm32-usart" else False,
        tx_pin=con.int("tx_pin") if kind == "nrf-uarte" else None,
        rx_pin=con.int("rx_pin") if kind == "nrf-uarte" else None,
    )
    con.done()
    if kind == "nrf-uarte" and console.baud not in NRF_UARTE_BAUDS:
        raise con.error("baud", f"is {console.baud}; the nRF UARTE supports {', '.join(map(str, NRF_UARTE_BAUDS))}")

    tim = top.table_("timer")
    counter = tim.str("cycle_counter", choices=CYCLE_COUNTERS)
    systick_hz = tim.int("systick_hz", required=counter == "systick-icount", minimum=1)
    # Under -icount shift=0 one instruction is one virtual ns, so SysTick ticks every 1e9/systick_hz
    # instructions: exactly 40 on mps2 (25 MHz), 5.95 on an STM32F4 at 168 MHz (the port converts with the
    # exact ratio; the resolution is one tick). Faster than one tick per instruction is not a real clock.
    if counter == "systick-icount" and systick_hz > 1_000_000_000:
        raise tim.error("systick_hz", f"is {systick_hz}: under QEMU -icount shift=0 the core runs 1e9 "
                        "instructions/s, so SysTick cannot tick faster than that")
    tim.done()

    fl = top.table_("flash")
    flash = FlashMethod(
        method=fl.str("method", choices=FLASH_METHODS),
        target=fl.str("target", required=False),
        pyocd_target=fl.str("pyocd_target", required=False),
        openocd_config=fl.str_list("openocd_config"),
    )
    if flash.method == "pyocd" and not flash.pyocd_target:
        raise fl.error("pyocd_target", "is missing (needed by method = \"pyocd\")")
    if flash.method == "openocd" and not flash.openocd_config:
        raise fl.error("openocd_config", "is missing (needed by method = \"openocd\")")
    fl.done()

    pw = top.table_("power")
    power = PowerModel(
        basis=pw.str("basis", choices=POWER_BASES),
        ua_per_mhz=pw.float("ua_per_mhz"),
        supply_v=pw.float("supply_v"),
        source=pw.str("source"),
    )
    pw.done()

    em = top.table_("emulator", required=False)
    emulator = None
    if em is not None:
        emulator = Emulator(machine=em.str("machine"), cpi=em.float("cpi"), cpi_source=em.str("cpi_source"))
        em.done()
        if counter != "systick-icount":
            raise tim.error("cycle_counter", "must be \"systick-icount\" on an emulated board (QEMU has no cycle counter)")
    elif counter == "systick-icount":
        raise tim.error("cycle_counter", "is \"systick-icount\" but the board has no [emulator] table",
                        "real cores count cycles with \"dwt\"")
    if default_for is not None and emulator is None:
        raise top.error("default_for", "is set on a board without [emulator]: a core's default board must be emulated")

    steps = []
    raw_init = top._get("init", (list,), "an array of tables ([[init]])", False) or []
    for index, item in enumerate(raw_init):
        if not isinstance(item, dict):
            raise top.error(f"init[{index}]", "must be a table")
        step = TomlReader(path, item, f"init[{index}].")
        parsed = InitStep(
            what=step.str("what"),
            reg=step.u32("reg", required=True),
            clear=step.u32("clear") or 0,
            set=step.u32("set") or 0,
            write=step.u32("write"),
            wait_mask=step.u32("wait_mask") or 0,
            wait_value=step.u32("wait_value") or 0,
            wait_polls=step.int("wait_polls", required=False, minimum=1) or DEFAULT_WAIT_POLLS,
        )
        if "wait_polls" in item and not parsed.wait_mask:
            raise step.error("wait_polls", "is set but the step has no wait_mask to wait for")
        if parsed.wait_polls > 0xFFFFFFFF:
            raise step.error("wait_polls", f"is {parsed.wait_polls}; must fit in 32 bits")
        if parsed.write is not None and (parsed.clear or parsed.set):
            raise step.error("write", "cannot be combined with clear/set (a write replaces the register)")
        if parsed.wait_value & ~parsed.wait_mask:
            raise step.error("wait_value", "has bits outside wait_mask: the wait would never end")
        if parsed.write is None and not (parsed.clear or parsed.set or parsed.wait_mask):
            raise step.error("reg", "names a register but no operation (write, clear/set or wait_mask)")
        step.done()
        steps.append(parsed)

    board = Board(
        id=board_id, name=top.str("name"), core=core, fpu=fpu, clock_hz=clock_hz,
        flash_memory=flash_mem, ram_memory=ram_mem, console=console,
        timer=Timer(counter, systick_hz), flash=flash, power=power, emulator=emulator,
        init=tuple(steps), default_for=default_for, path=path,
    )
    top.done()
    return board
