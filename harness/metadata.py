"""metadata.json (written early, rewritten as the run goes, always atomically) and reproducer.sh."""

import json
import stat
from pathlib import Path

from . import qemu, wholefile


def write_json(path, data):
    wholefile.write_text(path, json.dumps(data, indent=2, sort_keys=True, default=str) + "\n")


class Metadata:
    """The run's log, metadata.json: each phase adds its fields and timings as it goes. Mutable on
    purpose, unlike the phases' values (harness.phases), which all share one."""

    def __init__(self, out_dir, **fields):
        self.path = Path(out_dir) / "metadata.json"
        self.data = dict(fields, timings={})
        self.save()

    def update(self, **fields):
        self.data.update(fields)
        self.save()

    def time(self, stage, seconds):
        self.data["timings"][stage] = round(seconds, 2)
        self.save()

    def save(self):
        write_json(self.path, self.data)


def write_reproducer(out_dir, machine, kernel, initrd, accel):
    """A script that boots the same kernel and image by hand, with an interactive shell."""
    argv = qemu.command(machine, kernel, initrd, accel, mode="shell")
    path = Path(out_dir) / "reproducer.sh"
    path.write_text("#!/bin/sh\n"
                    "# Boots the kernel and initramfs of this run with an interactive shell.\n"
                    "# The selftests are in /selftests; Ctrl-A x quits QEMU.\n"
                    f"exec {qemu.shell_line(argv)}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path
