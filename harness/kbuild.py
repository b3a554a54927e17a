"""The one seam to the kernel's make: command lines and the environment."""

import hashlib
import os
import shutil
from pathlib import Path

from . import paths


def compiler_env():
    """ccache, when present, keeps rebuilds in fresh build folders cheap."""
    env = dict(os.environ)
    if shutil.which("ccache"):
        env.setdefault("CCACHE_DIR", str(paths.cache_dir() / "ccache"))
        env.setdefault("CCACHE_NOHASHDIR", "1")
        env.setdefault("CCACHE_MAXSIZE", "5G")
    return env


def cc_value(machine):
    cc = machine.compiler()
    return f"ccache {cc}" if shutil.which("ccache") else cc


def make_command(machine, tree, build_dir, *targets, jobs=None, extra=(), cc=None):
    """`cc` for another machine's compiler line (a build host's); this one's by default."""
    cmd = ["make", "-C", str(tree), f"O={build_dir}", f"ARCH={machine.kernel_arch}",
           f"CC={cc or cc_value(machine)}"]
    if machine.cross_compile:
        cmd.append(f"CROSS_COMPILE={machine.cross_compile}")
    if jobs:
        cmd.append(f"-j{jobs}")
    return cmd + list(extra) + list(targets)


def default_jobs():
    return (os.cpu_count() or 1) + 1


def build_dir_for(machine, config_hash, tree):
    """One build folder per tree and config: `make O=` stays incremental for each tree."""
    tree = Path(tree).resolve()
    tree_id = f"{tree.name}-{hashlib.sha256(str(tree).encode()).hexdigest()[:8]}"
    return paths.builds_dir() / tree_id / f"{machine.name}-{config_hash}"


def kernel_image(machine, build_dir):
    return Path(build_dir) / machine.image
