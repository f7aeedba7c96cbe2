"""`edgeq` entry point.

Commands live in `edgeq/cli/<name>.py`, each exposing a click command called `command`.
They are imported only when invoked, so `edgeq --help` stays fast and never imports TensorFlow.
"""
from __future__ import annotations

import importlib
import signal
import sys
import warnings

import click

from edgeq.errors import EdgeqError

# name -> one-line help; the module edgeq.cli.<module> defines `command`.
COMMANDS: dict[str, tuple[str, str]] = {
    "convert": ("convert", "Quantize a Keras model to .tflite (fp32, fp16, dynamic, int8, int16x8, qat, mixed, int4)."),
    "inspect": ("inspect_cmd", "Show a .tflite model's operators, MACs, memory and MCU compatibility."),
    "evaluate": ("evaluate", "Compare a float Keras model with its quantized .tflite on labelled data."),
    "plan": ("plan", "Plan the activation arena of a .tflite model and chart it."),
    "build": ("build", "Generate C code and build firmware (or a host program) for a model."),
    "validate": ("validate", "Run inputs through built firmware and compare with TFLite Micro."),
    "bench": ("bench", "Measure latency, energy and memory on a board, in QEMU, on a phone or on the host."),
    "flash": ("flash", "Flash built firmware to a board (pyocd, openocd or gdb remote)."),
    "targets": ("targets", "List the boards and phones edgeq knows."),
    "ops": ("ops", "List the operators and dtypes the microcontroller runtime runs."),
    "sweep": ("sweep", "Convert, build and measure every quantization mode on a target."),
    "report": ("report", "Render a sweep directory as an HTML report."),
    "lab": ("lab", "Serve this computer's boards to the lab's Ray cluster (edgeq lab serve)."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name, (module, _) in COMMANDS.items() if _module_exists(module))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module_name, _ = COMMANDS[name]
        if not _module_exists(module_name):
            return None
        module = importlib.import_module(f"edgeq.cli.{module_name}")
        return module.command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _module_exists(module_name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(f"edgeq.cli.{module_name}") is not None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="edgeq")
def cli() -> None:
    """edgeq: from a Keras model to quantized firmware and measured numbers on the target."""


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised where Ctrl-C's KeyboardInterrupt would be, so both take the same way out:
    every `except BaseException`/`finally`/context manager on the way ends its child process groups (QEMU,
    make/gcc, the converter, the reference child) and removes its temporary directories."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _terminate(signum: int, _frame) -> None:
    # Once: a second signal during the cleanup must not interrupt the cleanup itself.
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)
    raise Terminated(signum)


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    from edgeq.sanity import DataWarning

    if issubclass(category, DataWarning):
        click.echo(f"warning: {message}", err=True)
    else:
        _default_showwarning(message, category, filename, lineno, file, line)


_default_showwarning = warnings.showwarning


def main(argv: list[str] | None = None) -> None:
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _terminate)
    warnings.showwarning = _show_warning
    try:
        cli.main(args=argv, standalone_mode=False)
    except EdgeqError as err:
        click.echo(f"error: {err.message}", err=True)
        if err.hint:
            click.echo(f"  hint: {err.hint}", err=True)
        sys.exit(err.exit_code)
    except click.exceptions.Abort as err:
        cause = err.__cause__
        if isinstance(cause, Terminated):
            click.echo(f"terminated ({signal.Signals(cause.signum).name})", err=True)
            sys.exit(128 + cause.signum)
        click.echo("aborted", err=True)
        sys.exit(130)
    except Terminated as err:  # raised outside click's own handling (e.g. while it parsed arguments)
        click.echo(f"terminated ({signal.Signals(err.signum).name})", err=True)
        sys.exit(128 + err.signum)
    except click.ClickException as err:
        err.show()
        sys.exit(err.exit_code)
    except click.exceptions.Exit as err:
        sys.exit(err.exit_code)


if __name__ == "__main__":
    main()
