"""virtme-ng's kernel config, built on the same tree: the comparison for our config's cold build.

`vng --kconfig` runs virtme-configkernel --defconfig: the arch's defconfig,
virtme's options appended, olddefconfig. `vng --build --skip-modules` then
builds only the kernel image (its fastest build). Both get `O=<scratch>` so
the tree stays clean, and no ccache.
"""

import os
import shutil
import sys
from pathlib import Path

from harness import machine as machines
from harness.errors import UserError



def executable():
    local = Path(sys.executable).parent / "vng"
    found = str(local) if local.is_file() else shutil.which("vng")
    if not found:
        raise UserError("bench --tool: virtme-ng is not installed; `.venv/bin/pip install virtme-ng` "
                        "(or run `tox -e bench`, which installs it)")
    return found


def config_command(arch, build_dir):
    return [executable(), "--kconfig", "--arch", machines.load(arch).vng_arch, f"O={build_dir}"]


def build_command(arch, build_dir, jobs):
    return [executable(), "--build", "--skip-modules", "--verbose", "--arch", machines.load(arch).vng_arch,
            "--jobs", str(jobs), f"O={build_dir}"]  # --verbose: make's lines, for the log and progress


def env():
    """What vng's environment adds: it runs virtme-configkernel by name, so its folder goes first on PATH."""
    folder = str(Path(executable()).parent)
    return {"PATH": folder + os.pathsep + os.environ.get("PATH", ""), "CCACHE_DISABLE": "1"}
