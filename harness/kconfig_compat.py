"""kconfiglib 14.1 against today's Kconfig syntax.

kconfiglib 14.1 is the newest release and predates some syntax the kernel
now uses. Rather than fork it, the text is rewritten as it is read, into the
older spelling kconfiglib knows; only a conditional dependency, whose meaning
needs its parsed condition, is handled where kconfiglib parses `depends on`.
Each rule names the kernel change it covers.
"""

import io
import os
import re

import kconfiglib
from kconfiglib import AND, EQUAL, NOT, OR, UNEQUAL

from . import process

# v6.3 (kernel/module/Kconfig): `option modules` became a bare `modules` line.
_BARE_MODULES = re.compile(r"^([ \t]+)modules[ \t]*$", re.M)

# v6.18 (arch/Kconfig CFI_CLANG, mm/Kconfig RANDOM_KMALLOC_CACHES): a
# `transitional` symbol only passes an old .config's value on to the symbols
# defaulting to it and is never written to a .config. The line goes (blank, so
# line numbers hold) and CompatKconfig.transitional keeps the names.
_TRANSITIONAL = re.compile(r"^[ \t]+transitional[ \t]*$", re.M)
_ENTRY = re.compile(r"^[ \t]*(?:menu)?config[ \t]+(\w+)")

REWRITES = (
    (_BARE_MODULES, r"\1option modules"),
    (_TRANSITIONAL, ""),
)


def rewrite(text):
    for pattern, replacement in REWRITES:
        text = pattern.sub(replacement, text)
    return text


def transitional_names(text):
    """The symbols a Kconfig file marks `transitional`."""
    names, entry = [], None
    for line in text.splitlines():
        m = _ENTRY.match(line)
        if m:
            entry = m.group(1)
        elif entry and _TRANSITIONAL.fullmatch(line):
            names.append(entry)
    return names


def if_n(expr, n):
    """`expr = n` in kconfiglib's terms, as scripts/kconfig/expr.c's expr_trans_compare() builds it
    (not !expr, which is m when expr is m)."""
    if expr.__class__ is not tuple:
        return (EQUAL, expr, n)
    if expr[0] is AND:
        return (OR, if_n(expr[1], n), if_n(expr[2], n))
    if expr[0] is OR:
        return (AND, if_n(expr[1], n), if_n(expr[2], n))
    if expr[0] is NOT:
        return _unless_n(expr[1], n)
    return (NOT, expr)


def _unless_n(expr, n):
    if expr.__class__ is not tuple:
        return (UNEQUAL, expr, n)
    if expr[0] is NOT:
        return if_n(expr[1], n)
    if expr[0] in (AND, OR):
        return (NOT, if_n(expr, n))
    return expr


class CompatKconfig(kconfiglib.Kconfig):
    """A kconfiglib.Kconfig that reads Kconfig files through `rewrite`.

    `transitional` holds the names of the tree's transitional symbols.
    """

    def __init__(self, *args, **kwargs):
        self.transitional = set()
        try:
            super().__init__(*args, **kwargs)
        except kconfiglib.KconfigError:
            raise
        except Exception as exc:
            # Syntax newer than kconfiglib can trip it anywhere: say where, as its own errors do.
            where = f"{self.filename}:{self.linenr}: " if getattr(self, "filename", None) else ""
            raise kconfiglib.KconfigError(f"{where}{type(exc).__name__}: {exc}") from exc
        self._start_numbers_at_zero()

    def _start_numbers_at_zero(self):
        # scripts/kconfig's sym_calc_value() starts an int at "0" and a hex at "0x0", kconfiglib
        # at "": 7.3's mm/Kconfig tells them apart (PAGE_BLOCK_MAX_ORDER, `ARCH_FORCE_MAX_ORDER = 0`).
        zero = {kconfiglib.INT: self._lookup_const_sym("0"), kconfiglib.HEX: self._lookup_const_sym("0x0")}
        for sym in self.unique_defined_syms:
            if sym.orig_type in zero:
                sym.defaults.append((zero[sym.orig_type], self.y))
        self._invalidate_all()

    def _open(self, filename, mode):
        if "r" not in mode or "+" in mode:
            return super()._open(filename, mode)
        with open(filename, encoding=getattr(self, "_encoding", "utf-8"), errors="surrogateescape") as f:
            text = f.read()
        self.transitional.update(transitional_names(text))
        return io.StringIO(rewrite(text))

    def _expect_expr_and_eol(self):
        # 7.3 (drivers/usb/cdns3/Kconfig, drivers/hv/Kconfig): `depends on X if Y` is
        # X || (Y = n), as scripts/kconfig/menu.c's menu_add_dep() builds it.
        if self._tokens[0] is not kconfiglib._T_DEPENDS:
            return super()._expect_expr_and_eol()
        dep = self._parse_expr(True)
        if self._check_token(kconfiglib._T_IF):
            dep = (OR, dep, if_n(self._parse_expr(True), self.n))
        if self._tokens[self._tokens_i] is not None:
            self._trailing_tokens_error()
        return dep


# arch/um/Makefile exports these; arch/um/Kconfig sources arch/$(HEADER_ARCH)/um/Kconfig,
# and only x86 has one.
_UM_ENV = {"SUBARCH": "x86", "HEADER_ARCH": "x86"}


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
        "AR": f"{machine.cross_compile}ar",
        "NM": f"{machine.cross_compile}nm",
        "OBJCOPY": f"{machine.cross_compile}objcopy",
        "PAHOLE": "pahole",
        # 7.3's init/Kconfig takes this from kbuild (6.12 ran the script itself).
        "PAHOLE_VERSION": _first_line_of([os.path.join(str(tree), "scripts", "pahole-version.sh"), "pahole"]) or "0",
        **(_UM_ENV if machine.srcarch == "um" else {}),
    }


def _first_line_of(cmd):
    try:
        out = process.run(cmd).stdout
    except OSError:
        return ""
    return out.splitlines()[0] if out else ""


def load(machine, tree, version, config=None):
    """Parse the tree's Kconfig for `machine`, then load `config` (a .config) if given."""
    saved = dict(os.environ)
    os.environ.update(kconfig_env(machine, tree, version))
    try:
        # Relative to $srctree, so that every file:line reads as in the kernel's own messages.
        kconf = CompatKconfig("Kconfig", warn=False, suppress_traceback=False)
        if config:
            kconf.load_config(str(config), replace=True)
        return kconf
    finally:
        os.environ.clear()
        os.environ.update(saved)
