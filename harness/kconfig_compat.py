"""kconfiglib 14.1 against today's Kconfig syntax.

kconfiglib 14.1 is the newest release and predates some syntax the kernel
now uses. Rather than fork it, the text is rewritten as it is read, into the
older spelling kconfiglib knows. Each rule names the kernel change it covers.
"""

import io
import os
import re

import kconfiglib

# v6.3 (kernel/module/Kconfig): `option modules` became a bare `modules` line.
_BARE_MODULES = re.compile(r"^(\s+)modules\s*$", re.M)

REWRITES = (
    (_BARE_MODULES, r"\1option modules"),
)


def rewrite(text):
    for pattern, replacement in REWRITES:
        text = pattern.sub(replacement, text)
    return text


class CompatKconfig(kconfiglib.Kconfig):
    """A kconfiglib.Kconfig that reads Kconfig files through `rewrite`."""

    def _open(self, filename, mode):
        if "r" not in mode or "+" in mode:
            return super()._open(filename, mode)
        with open(filename, encoding=getattr(self, "_encoding", "utf-8"), errors="surrogateescape") as f:
            return io.StringIO(rewrite(f.read()))


def kconfig_env(machine, tree, version):
    """The variables kbuild exports before it runs conf, for the $(...) macros."""
    cc = machine.compiler()
    return {
        "srctree": str(tree),
        "ARCH": machine.kernel_arch,
        "SRCARCH": machine.srcarch,
        "KERNELVERSION": version,
        "CC": cc,
        "LD": f"{machine.cross_compile}ld",
        "CROSS_COMPILE": machine.cross_compile,
        "HOSTCC": "gcc",
        "HOSTCXX": "g++",
        "RUSTC": "rustc",
        "BINDGEN": "bindgen",
        "CC_VERSION_TEXT": _first_line_of([cc, "--version"]),
    }


def _first_line_of(cmd):
    import subprocess
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, check=False).stdout
    except OSError:
        return ""
    return out.splitlines()[0] if out else ""


def load(machine, tree, version, config=None):
    """Parse the tree's Kconfig for `machine`, then load `config` (a .config) if given."""
    saved = dict(os.environ)
    os.environ.update(kconfig_env(machine, tree, version))
    try:
        kconf = CompatKconfig(os.path.join(str(tree), "Kconfig"), warn=False, suppress_traceback=False)
        if config:
            kconf.load_config(str(config), replace=True, verbose=False)
        return kconf
    finally:
        os.environ.clear()
        os.environ.update(saved)
