"""The selftests commit: the project's selftests/ carried into the tree under tools/testing/selftests/mm/.

Rendered at apply time, like the wiring, so the programs the harness runs and
the ones the series carries are the same files: only the kselftest includes
change (the tree's mm tests reach kselftest.h and its harness as "../kselftest*.h").
"""

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Tuple

from harness import wholefile
from harness.errors import UserError

SUBJECT = "selftests/mm: add reference page tests"
DEST = "tools/testing/selftests/mm"
_LOCAL_INCLUDE = re.compile(r'^#include "(kselftest[\w.-]*\.h)"', re.M)
_TREE_INCLUDE = re.compile(r'^#include "\.\./(kselftest[\w.-]*\.h)"', re.M)
_MTE = re.compile(r"^\$\(OUT\)/(\S+):\s*CFLAGS\s*\+=\s*\$\(MTE_CFLAGS\)", re.M)
# The first TEST_PROGS line: `TEST_PROGS := run_vmtests.sh` up to 6.x, `TEST_PROGS += ksft_*.sh` in 7.x.
_MAKEFILE_ANCHOR = re.compile(r"^TEST_PROGS\s*(?::=|\+=|=)", re.M)
MTE_FLAGS = "-march=armv8.5-a+memtag"
_TESTS = re.compile(r"^TESTS\s*:=\s*(.*)$", re.M)


@dataclass(frozen=True)
class Sources:
    folder: Path
    programs: Tuple[str, ...]   # built and run, one <name>.c each
    mte: Tuple[str, ...]        # the programs built with MTE instructions on arm64
    headers: Tuple[str, ...]
    shared: Tuple[str, ...] = ()  # other .c files, linked into every program

    @property
    def files(self):
        return tuple(f"{p}.c" for p in self.programs) + self.shared + self.headers


def programs(folder):
    """The programs selftests/Makefile builds, in run order (its `TESTS :=` line)."""
    folder = Path(folder)
    makefile = folder / "Makefile"
    if not makefile.is_file():
        raise UserError(f"{makefile}: no such file; the test programs are listed in selftests/Makefile")
    found = _TESTS.search(makefile.read_text())
    if not found:
        raise UserError(f"{makefile}: no `TESTS := ...` line naming the programs")
    names = tuple(found.group(1).split())
    missing = [p for p in names if not (folder / f"{p}.c").is_file()]
    if missing:
        raise UserError(f"{makefile} lists {', '.join(missing)} without a .c file in {folder}")
    return names


def is_selftests(subject_line):
    return subject_line.strip() == SUBJECT


def sources(folder):
    """The programs and headers the project's selftests/Makefile builds."""
    folder = Path(folder)
    names = programs(folder)
    text = (folder / "Makefile").read_text()
    headers = tuple(sorted(p.name for p in folder.glob("*.h")))
    shared = tuple(sorted(p.name for p in folder.glob("*.c") if p.stem not in names))
    mte = tuple(_MTE.findall(text)) or (names if MTE_FLAGS.split("+", 1)[1] in text else ())
    return Sources(folder, names, mte, headers, shared)


def to_tree(text):
    return _LOCAL_INCLUDE.sub(r'#include "../\1"', text)


def from_tree(text):
    return _TREE_INCLUDE.sub(r'#include "\1"', text)


def makefile(text, src, origin):
    """tools/testing/selftests/mm/Makefile with the programs added (unchanged if they are there)."""
    missing = [p for p in src.programs if not re.search(rf"^TEST_GEN_FILES \+= {re.escape(p)}$", text, re.M)]
    if not missing:
        return text
    anchor = _MAKEFILE_ANCHOR.search(text)
    if not anchor:
        raise UserError(f"{origin}: no TEST_PROGS line to add the refpage programs before; "
                        "add them to TEST_GEN_FILES by hand in the tree, then apply again")
    block = "".join(f"TEST_GEN_FILES += {p}\n" for p in missing) + "\n"
    text = text[:anchor.start()] + block + text[anchor.start():]
    tail = ""
    if src.shared:
        tail += "".join(f"$(OUTPUT)/{p}: {' '.join(src.shared)}\n" for p in missing)
    mte = [p for p in src.mte if p in missing]
    if mte:
        rules = "".join(f"$(OUTPUT)/{p}: CFLAGS += {MTE_FLAGS}\n" for p in mte)
        tail += f"{chr(10) if tail else ''}ifeq ($(ARCH),arm64)\n{rules}endif\n"
    return text.rstrip("\n") + "\n\n" + tail if tail else text


def gitignore(text, src):
    have = set(text.splitlines())
    extra = [p for p in src.programs if p not in have]
    if not extra:
        return text
    return text.rstrip("\n") + "\n" + "".join(f"{p}\n" for p in extra)


def changes(tree, src):
    """{path in the tree: new text} for every file the commit writes or changes (nothing written)."""
    tree = Path(tree)
    out = {}
    for name in src.files:
        out[f"{DEST}/{name}"] = to_tree((src.folder / name).read_text())
    for name, edit in (("Makefile", lambda t, o: makefile(t, src, o)), (".gitignore", lambda t, o: gitignore(t, src))):
        path = tree / DEST / name
        if not path.is_file():
            raise UserError(f"{path}: no such file; this tree has no mm selftests to add the refpage tests to")
        out[f"{DEST}/{name}"] = edit(path.read_text(), path)
    return {p: t for p, t in out.items() if not (tree / p).is_file() or (tree / p).read_text() != t}


def message(src, signoffs=()):
    programs = ", ".join(src.programs)
    lines = [SUBJECT, "",
             *textwrap.wrap(f"Add the reference page selftests ({programs}): every rule of the refpage_create(2) "
                    "contract, and one rt_* test per finding of the review of earlier versions, each "
                    "failing while its bug is present.", 72, break_on_hyphens=False),
             "",
             *textwrap.wrap("These files are the refpage-ci project's selftests/, carried into the tree when the "
                    "series is applied, so the tests the series is checked with are the ones it ships.", 72, break_on_hyphens=False),
             ""]
    lines += [f"Signed-off-by: {s}" for s in signoffs]
    return "\n".join(lines).rstrip("\n") + "\n"


def commit(git, folder, author, signoffs):
    """Write the selftests into git's tree and commit them; None when the tree already has them."""
    src = sources(folder)
    todo = changes(git.tree, src)
    if not todo:
        return None, src
    for path, text in todo.items():
        target = Path(git.tree) / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    return git.commit_rendered(list(todo), message(src, signoffs), author, signoffs), src


def write_back(git, sha, folder):
    """`series refresh`: the commit's copies of the project's files back into selftests/; the names changed."""
    src = sources(folder)
    changed = []
    for name in src.files:
        res = git("show", f"{sha}:{DEST}/{name}")
        if not res.ok:
            continue
        text = from_tree(res.stdout)
        target = src.folder / name
        if target.read_text() != text:
            wholefile.write_text(target, text)
            changed.append(name)
    return changed
