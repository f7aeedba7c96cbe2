"""`edgeq lab serve [--head | --address HEAD:PORT]`: make this computer a node of the lab's Ray cluster.

The node advertises what it can do as Ray custom resources (`node_resources`):
  board:<id>   one per board in this computer's lab file (`edgeq.targets.lab`): a sweep's bench step on that
               board requests it, so it lands here, and one at a time (the resource's amount is 1);
  qemu         when qemu-system-arm is installed: emulated boards (as many at once as the node has CPUs).
Conversion needs only CPUs. The command runs `ray start --block` in the foreground (Ctrl-C or SIGTERM
stops the node and its workers); Ray comes with `pip install 'edgeq[cluster]'`.
"""
from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import click


def node_resources(board_ids, has_qemu: bool, cpus: int) -> dict[str, float]:
    resources = {f"board:{board_id}": 1.0 for board_id in board_ids}
    if has_qemu:
        resources["qemu"] = float(max(1, cpus))
    return resources


def ray_start_command(ray: str, resources: dict[str, float], *, address: str | None, port: int, cpus: int,
                      loopback: bool, temp_dir: str | None) -> list[str]:
    """`ray start` for a head (address None) or a node joining the head at `address`."""
    cmd = [ray, "start", "--block", "--disable-usage-stats", f"--num-cpus={cpus}",
           f"--resources={json.dumps(resources)}"]
    cmd += ["--head", f"--port={port}", "--include-dashboard=false"] if address is None else [f"--address={address}"]
    if loopback:
        cmd.append("--node-ip-address=127.0.0.1")
    if temp_dir:
        cmd.append(f"--temp-dir={temp_dir}")
    return cmd


@click.group("lab")
def command() -> None:
    """This computer's boards in the lab's Ray cluster."""


@command.command("serve")
@click.option("--head", is_flag=True, help="Start the cluster's head here (the first lab computer).")
@click.option("--address", default=None, metavar="HOST:PORT", help="Join the cluster whose head is at HOST:PORT.")
@click.option("--port", type=int, default=6379, show_default=True, help="--head: the port the head listens on.")
@click.option("--num-cpus", type=int, default=None, help="CPUs to offer (default: this computer's cores).")
@click.option("--lab", "lab_file", type=click.Path(dir_okay=False), default=None,
              help="The lab file (default: EDGEQ_LAB or ~/.config/edgeq/lab.toml).")
@click.option("--no-qemu", is_flag=True, help="Do not offer emulated boards even if QEMU is installed.")
@click.option("--loopback", is_flag=True, help="Use 127.0.0.1 as this node's address (a cluster on one computer).")
@click.option("--temp-dir", default=None, help="Ray's session directory (default: Ray's own).")
def serve(head, address, port, num_cpus, lab_file, no_qemu, loopback, temp_dir) -> None:
    """Start a Ray node advertising this computer's boards (board:<id>) and QEMU (qemu); runs until stopped."""
    from edgeq.errors import EdgeqError
    from edgeq.targets.lab import load_lab

    if head == (address is not None):
        raise EdgeqError("choose exactly one of --head, --address HOST:PORT",
                         "--head on the first lab computer, --address HEAD:6379 on every other one")
    ray = Path(sys.executable).parent / "ray"
    if not ray.exists():
        found = shutil.which("ray")
        if found is None:
            raise EdgeqError("`edgeq lab serve` needs Ray, which is not installed", "pip install 'edgeq[cluster]'")
        ray = Path(found)
    cpus = num_cpus or os.cpu_count() or 1
    boards = sorted(load_lab(Path(lab_file) if lab_file else None))
    resources = node_resources(boards, not no_qemu and shutil.which("qemu-system-arm") is not None, cpus)
    click.echo(f"lab node: {cpus} CPU(s), resources {json.dumps(resources)}", err=True)
    cmd = ray_start_command(str(ray), resources, address=address, port=port, cpus=cpus, loopback=loopback,
                            temp_dir=temp_dir)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(cmd[0], cmd)  # the node in the foreground: its signals are Ray's
