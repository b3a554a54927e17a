"""The kernel's make: its command lines and what the compiler's environment adds (harness.process runs it)."""

import os
from dataclasses import dataclass, replace
from pathlib import Path

from . import ccache


@dataclass(frozen=True)
class Site:
    """Where a kernel is built: which machine's kernel, from which tree, into which build folder.

    Every make of a kernel, and every compile against its uapi headers, takes these three together."""
    machine: object                 # machine.Machine
    tree: Path
    build_dir: Path

    @property
    def image(self):
        return Path(self.build_dir) / self.machine.image

    def at(self, build_dir):
        """The same kernel in another folder (a remote build's files, fetched back)."""
        return replace(self, build_dir=build_dir)


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


def make_command(site, *targets, jobs=None, extra=(), cc=None, distcc=None):
    """`cc` for another machine's compiler line (a build host's); this one's by default."""
    machine = site.machine
    cmd = ["make", "-C", str(site.tree), f"O={site.build_dir}", f"ARCH={machine.kernel_arch}",
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
