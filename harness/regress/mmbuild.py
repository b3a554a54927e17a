"""The tree's own mm selftests, cross-compiled static with the tree's Makefile against the built
kernel's uapi headers; once per tree, arch and sources (a folder in the cache keyed on them)."""

import json
import re
from dataclasses import dataclass
from pathlib import Path

from harness import buildlock, keptbuild, paths, process, selftests
from harness.builddir import tree_id

from .programs import MM

MANIFEST = "manifest.json"
_ERROR = re.compile(r"^(\S+?\.c):\d+:\d+: error: .*$", re.M)


@dataclass(frozen=True)
class Built:
    folder: Path
    binaries: dict         # binary name -> path
    failed: dict           # binary name -> the compiler's first error (it does not build in this tree)
    cached: bool


def _sources(tree):
    """What the programs are made of: the mm folder, kselftest's shared headers and makefiles,
    and the kernel headers the Makefile reaches into."""
    tree = Path(tree)
    ksft = tree / "tools/testing/selftests"
    files = [p for p in (tree / MM).rglob("*") if p.is_file() and not p.name.startswith("local_config")]
    files += [p for p in ksft.glob("*") if p.is_file() and p.suffix in (".h", ".mk")]
    files += [p for p in (tree / "mm").glob("*.h")]
    return sorted(files)


def digest(machine, tree, headers, binaries):
    headers = Path(headers)
    return keptbuild.digest(machine, [(Path(tree), _sources(tree)),
                                      (headers, sorted(p for p in headers.rglob("*") if p.is_file()))],
                            " ".join(binaries))


def folder_for(machine, tree, key):
    return paths.cache_dir() / "regress-mm" / f"{tree_id(tree)}-{machine.name}-{key}"


def build(site, binaries, log, progress):
    """Built for `binaries` (names) against the uapi headers at `site` (kbuild.Site): from the cache
    when their sources are unchanged."""
    machine, tree = site.machine, site.tree
    folder = folder_for(machine, tree, digest(machine, tree, selftests.headers(site.build_dir), binaries))
    with buildlock.held(folder.parent, progress):
        if (folder / MANIFEST).is_file():
            return _load(folder, cached=True)
        _make(site, binaries, folder, log, progress)
    return _load(folder, cached=False)


def _make(site, binaries, folder, log, progress):
    machine, tree, headers = site.machine, site.tree, selftests.headers(site.build_dir)
    with keptbuild.publishing(folder) as work:
        progress(f"regress: building {len(binaries)} mm selftests of {tree} for {machine.name} "
                 f"(the tree's Makefile, static); log: {log}")
        cmd = ["make", "-k", "-C", str(Path(tree) / MM), f"ARCH={machine.name}",
               f"CROSS_COMPILE={machine.cross_compile}", f"CC={machine.compiler()}", f"OUTPUT={work}",
               f"KHDR_INCLUDES=-isystem {headers}", "LDFLAGS=-static", *(str(work / b) for b in binaries)]
        start = Path(log).stat().st_size if Path(log).exists() else 0
        process.run_logged(cmd, log)
        output = Path(log).read_bytes()[start:].decode(errors="replace")
        built = [b for b in binaries if (work / b).is_file()]
        failed = {b: _first_error(output, b) for b in binaries if b not in built}
        (work / MANIFEST).write_text(json.dumps({"built": built, "failed": failed}, indent=2) + "\n")


def _first_error(output, binary):
    for m in _ERROR.finditer(output):
        if Path(m.group(1)).stem == binary:
            return m.group(0).strip()
    return "make did not build it; see the log"


def _load(folder, cached):
    manifest = json.loads((folder / MANIFEST).read_text())
    return Built(folder, {b: folder / b for b in manifest["built"]}, manifest["failed"], cached)
