"""The kernel's make: its command lines and what the compiler's environment adds (harness.process runs it)."""

import os
from pathlib import Path

from . import ccache


def compiler_env(stats_log=None, base_dir=None, distcc=None):
    """ccache, when present, keeps rebuilds in fresh build folders cheap; distcc spreads the misses.

    Only what is added to harness.process.environment(); a ccache setting of the user's own stays.
    """
    env = {}
    if distcc:
        env.update(distcc.env())
    if ccache.available():
        settings = ccache.settings(stats_log, base_dir, "distcc" if distcc else None)
        for key, value in settings.items():
            if key in ("CCACHE_STATSLOG", "CCACHE_PREFIX") or key not in os.environ:
                env[key] = value
    return env


def cc_value(machine, distcc=None):
    cc = machine.compiler()
    if ccache.available():
        return f"ccache {cc}"
    return f"distcc {cc}" if distcc else cc


def make_command(machine, tree, build_dir, *targets, jobs=None, extra=(), cc=None, distcc=None):
    """`cc` for another machine's compiler line (a build host's); this one's by default."""
    cmd = ["make", "-C", str(tree), f"O={build_dir}", f"ARCH={machine.kernel_arch}",
           f"CC={cc or cc_value(machine, distcc)}"]
    if machine.cross_compile:
        cmd.append(f"CROSS_COMPILE={machine.cross_compile}")
    if cc is None and not distcc and ccache.available():
        # kconfig's conf, fixdep, kallsyms...: rebuilt in every new build folder, like the kernel's objects
        cmd.append("HOSTCC=ccache gcc")
    if jobs:
        cmd.append(f"-j{jobs}")
    return cmd + list(extra) + list(targets)


def default_jobs():
    return (os.cpu_count() or 1) + 1


def kernel_image(machine, build_dir):
    return Path(build_dir) / machine.image
