"""Config: fragments -> the kernel's own allnoconfig + olddefconfig -> checked.

kconfiglib resolves every requested symbol against the tree before make runs
(unknown symbols, values the type cannot take) and explains afterwards any
request that did not stick. The kernel's olddefconfig writes the final .config.
A tree whose Kconfig kconfiglib cannot read is still configured by the kernel's
tools; its requests are then checked against the .config alone.
"""

import hashlib
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import kconfiglib

from . import kconfig_compat, kbuild, paths, process
from .errors import StageFailed, UserError

_SET = re.compile(r"^CONFIG_([A-Za-z0-9_]+)=(.*)$")
_UNSET = re.compile(r"^# CONFIG_([A-Za-z0-9_]+) is not set$")
_OPTIONAL = re.compile(r"^(CONFIG_[A-Za-z0-9_]+=\S*)\s+#\s*optional\b")
STAMP = ".refpage-ci-config"


@dataclass(frozen=True)
class Request:
    name: str
    value: str
    where: str
    optional: bool = False   # `# optional`: asked of trees that have the symbol, dropped where it is gone


def parse_fragment(text, source):
    """Requests from a fragment's lines; any other non-comment line is an error."""
    requests = []
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        where = f"{source}:{lineno}"
        optional = _OPTIONAL.match(line)
        m = _match(optional.group(1) if optional else line)
        if m:
            requests.append(Request(m.group(1), _value(m), where, bool(optional)))
        elif line and not line.startswith("#"):
            raise UserError(f"{where}: not a config line: {line!r}; write CONFIG_NAME=value")
    return requests


def parse_dotconfig(text):
    values = {}
    for line in text.splitlines():
        m = _match(line)
        if m:
            values[m.group(1)] = _value(m)
    return values


def _match(line):
    return _SET.match(line) or _UNSET.match(line)


def _value(m):
    if m.re is _UNSET:
        return "n"
    value = m.group(2)
    return value[1:-1] if value.startswith('"') and value.endswith('"') else value


def merge(requests):
    """Later fragments win, as with merge_config.sh."""
    merged = {}
    for req in requests:
        merged[req.name] = req
    return list(merged.values())


def mismatches(requests, actual):
    return [r for r in requests if actual.get(r.name, "n") != r.value]


def fragment_files(machine, variant=None, extra=()):
    files = [paths.QEMU_IMAGES / "common.config", machine.folder / "base.config"]
    if variant:
        files.append(_variant_file(machine, variant))
    files += [Path(f) for f in extra]
    for f in files:
        if not f.is_file():
            hint = (f"known variants: {', '.join(known_variants(machine)) or 'none'}"
                    if f.parent == machine.folder else "check the path")
            raise UserError(f"config fragment {f} not found; {hint}")
    return files


def _variant_file(machine, variant):
    """The arch's own fragment (64k on arm64), else the one every arch shares (debug)."""
    own = machine.folder / f"{variant}.config"
    return own if own.is_file() or not (paths.QEMU_IMAGES / f"{variant}.config").is_file() \
        else paths.QEMU_IMAGES / f"{variant}.config"


def known_variants(machine):
    own = {p.stem for p in machine.folder.glob("*.config")} - {"base"}
    shared = {p.stem for p in paths.QEMU_IMAGES.glob("*.config")} - {"common"}
    return sorted(own | shared)


def load_requests(files):
    requests = []
    for f in files:
        requests += parse_fragment(Path(f).read_text(), str(f))
    return merge(requests)


def config_hash(machine, requests):
    text = machine.name + "\n" + "\n".join(f"{r.name}={r.value}" for r in requests)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _fmt(sc):
    return sc.name if sc.is_constant else f"{sc.name} (={sc.str_value or 'n'})"


def _term_str(term, among_others):
    """A dependency term; an || among && terms in parentheses, as `depends on X if Y` makes them."""
    text = kconfiglib.expr_str(term, _fmt)
    return f"({text})" if among_others and term.__class__ is tuple and term[0] is kconfiglib.OR else text


def _unmet_terms(expr, want):
    """The &&-terms of a dependency that hold `want` back."""
    need = 1 if want == "m" else 2
    terms = kconfiglib.split_expr(expr, kconfiglib.AND)
    return [t for t in terms if kconfiglib.expr_value(t) < need]


def _transitional(kconf, sym):
    """Why a request for a transitional symbol cannot stick, or None for any other symbol."""
    if sym.name not in getattr(kconf, "transitional", ()):
        return None
    heirs = ["CONFIG_" + s.name for s in kconf.unique_defined_syms if any(d is sym for d, _ in s.defaults)]
    if not heirs:
        return "transitional in this tree (read from old .config files only, never written to .config)"
    return (f"transitional in this tree (it only carries an old .config's value over to {' and '.join(heirs)}, "
            f"and is never written to .config): request {' or '.join(heirs)} instead")


def explain(kconf, request):
    """One line saying why `request` did not end up as asked."""
    head = f"CONFIG_{request.name}={request.value} ({request.where})"
    sym = kconf.syms.get(request.name)
    if sym is None or not sym.nodes:
        return f"{head}: no such symbol in this tree"
    have = sym.str_value or "n"
    renamed = _transitional(kconf, sym)
    if renamed:
        return f"{head} not set (is {have}): {renamed}"
    reasons = []
    if request.value != "n":
        unmet = _unmet_terms(sym.direct_dep, request.value)
        if unmet:
            reasons.append("depends on " + " && ".join(_term_str(t, len(unmet) > 1) for t in unmet))
        if sym.choice is not None and sym.choice.selection is not sym and sym.choice.selection:
            reasons.append(f"its choice picked {sym.choice.selection.name}")
        if not reasons and sym.visibility == 0 and not unmet:
            reasons.append("has no prompt here (only set by select or default)")
        if request.value == "m" and kconf.modules.tri_value == 0:
            reasons.append("MODULES is not set")
    elif kconfiglib.expr_value(sym.rev_dep):
        reasons.append("selected by " + kconfiglib.expr_str(sym.rev_dep, _fmt))
    reason = "; ".join(reasons) or "the kernel's olddefconfig chose otherwise"
    return f"{head} not set (is {have}): {reason}"


def explain_without_kconfig(request, actual):
    """explain() for a tree kconfiglib cannot read: what the .config (`actual`) alone shows."""
    head = f"CONFIG_{request.name}={request.value} ({request.where})"
    if request.name in actual:
        state = f"is {actual[request.name]}"
    else:
        state = "absent from .config: not in this tree, or hidden by unmet dependencies"
    return f"{head} not set ({state}); the dependency explanation is unavailable"


def validate(kconf, requests):
    """Requests kconfiglib cannot resolve against this tree, as explained lines."""
    problems = []
    for req in requests:
        sym = kconf.syms.get(req.name)
        if sym is None or not sym.nodes:
            problems.append(f"CONFIG_{req.name} ({req.where}): no such symbol in this tree")
        elif req.value != "n" and (renamed := _transitional(kconf, sym)):
            problems.append(f"CONFIG_{req.name}={req.value} ({req.where}): {renamed}")
        elif sym.orig_type in (kconfiglib.BOOL,) and req.value not in ("y", "n"):
            problems.append(f"CONFIG_{req.name}={req.value} ({req.where}): a bool takes y or n")
        elif sym.orig_type == kconfiglib.TRISTATE and req.value not in ("y", "m", "n"):
            problems.append(f"CONFIG_{req.name}={req.value} ({req.where}): a tristate takes y, m or n")
    return problems


def configure(site, requests, version, log, progress=print):
    """Make the site's build_dir/.config from `requests`; raise StageFailed naming what did not stick."""
    build_dir = Path(site.build_dir)
    build_dir.mkdir(parents=True, exist_ok=True)
    digest = config_hash(site.machine, requests)
    stamp = build_dir / STAMP
    dotconfig = build_dir / ".config"
    if not (stamp.is_file() and stamp.read_text() == digest and dotconfig.is_file()):
        stamp.unlink(missing_ok=True)  # before .config changes: an interrupted config is redone
        progress(f"config: resolving {len(requests)} requested symbols against the tree")
        kconf = readable_kconfig(site.machine, site.tree, version, progress)
        if kconf is not None:
            requests = applicable(kconf, requests, progress)
            _fail_on(validate(kconf, requests), "config: bad requests")
        fragment = build_dir / "refpage-ci.fragment"
        fragment.write_text("".join(_line(r) for r in requests))
        progress("config: make allnoconfig + fragments, olddefconfig")
        _make(site, log, "allnoconfig", f"KCONFIG_ALLCONFIG={fragment}")
        _make(site, log, "olddefconfig")
    verify(site, requests, version, progress)
    stamp.write_text(digest)
    return dotconfig


def applicable(kconf, requests, progress=None):
    """The requests this tree can take: an optional one whose symbol the tree lacks is dropped."""
    kept = []
    for req in requests:
        sym = kconf.syms.get(req.name)
        if req.optional and (sym is None or not sym.nodes):
            if progress:
                progress(f"config: CONFIG_{req.name} ({req.where}, optional) is not in this tree; not requested")
            continue
        kept.append(req)
    return kept


def verify(site, requests, version, progress=None):
    """The site's .config has every request; else StageFailed explaining each one that did not stick."""
    dotconfig = Path(site.build_dir) / ".config"
    actual = parse_dotconfig(dotconfig.read_text())
    bad = [r for r in mismatches(requests, actual) if not (r.optional and r.name not in actual)]
    if bad:
        kconf = readable_kconfig(site.machine, site.tree, version, progress, config=dotconfig)
        lines = [explain_without_kconfig(r, actual) if kconf is None else explain(kconf, r) for r in bad]
        _fail_on(lines, "config: requested symbols did not stick")


_warned = set()


def readable_kconfig(machine, tree, version, progress=None, config=None):
    """The tree's Kconfig through kconfiglib, or None when kconfiglib cannot read it.

    None is said once per tree and reason: the kernel's own tools still configure
    such a tree, only the explanations get poorer.
    """
    try:
        return kconfig_compat.load(machine, tree, version, config)
    except kconfiglib.KconfigError as exc:
        why = str(exc).strip().splitlines()[0]
        if (str(tree), why) not in _warned:
            _warned.add((str(tree), why))
            (progress or _to_stderr)(f"config: warning: kconfiglib cannot read this tree ({why}); requests are "
                                     "checked against .config alone, without dependency explanations")
        return None


def _to_stderr(line):
    print(line, file=sys.stderr)


def _fail_on(problems, title):
    if problems:
        raise StageFailed(f"{title}: {problems[0]}" + (f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""),
                          "\n".join(problems))


def _line(req):
    if req.value == "n":
        return f"# CONFIG_{req.name} is not set\n"
    if req.value in ("y", "m") or re.fullmatch(r"-?(0x)?[0-9a-fA-F]+", req.value):
        return f"CONFIG_{req.name}={req.value}\n"
    return f'CONFIG_{req.name}="{req.value}"\n'


def _make(site, log, *args):
    target, extra = args[0], args[1:]
    cmd = kbuild.make_command(site, target, extra=extra)
    returncode = process.run_logged(cmd, log, env=kbuild.compiler_env())
    if returncode:
        raise StageFailed(f"config: `make {target}` failed (exit {returncode}); log: {log}",
                          process.tail(log, lines=20))
