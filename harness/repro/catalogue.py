"""The review-thread bugs `repro` knows: id, how each shows, where, and its bug patch."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Optional, Tuple

from harness.errors import UserError
from scripts.series import ports

RUNTIME = "runtime"  # a reproducer in /selftests/refpage_rt fails on the bug kernel
BUILD = "build"      # the series with the bug patch does not compile
APPLY = "apply"      # the series does not apply on a base lacking a prerequisite

PROGRAM = "refpage_rt"  # the guest program holding one kselftest TEST per runtime id


@dataclass(frozen=True)
class Bug:
    id: str
    kind: str = RUNTIME
    arches: Tuple[str, ...] = ()  # empty: every arch
    why_arches: str = ""          # said when skipped on another arch
    variants: Dict[str, str] = field(default_factory=dict)  # arch -> config variant to run it on

    @property
    def test(self) -> Optional[str]:
        """The kselftest TEST name: RT-shared-write -> rt_shared_write."""
        if self.kind != RUNTIME:
            return None
        return self.id.lower().replace("-", "_")

    def command(self) -> str:
        return f"/selftests/{PROGRAM} -t {self.test}"

    def patch(self, patches_dir) -> Path:
        return ports.shared_file(patches_dir, f"bugs/{self.id}.patch")

    def skip_reason(self, arch) -> Optional[str]:
        if self.arches and arch not in self.arches:
            return f"shows on {', '.join(self.arches)} only: {self.why_arches}"
        return None

    def variant(self, arch) -> Optional[str]:
        return self.variants.get(arch)


BUGS = (
    Bug("RT-shared-write"),
    Bug("RT-refcount"),
    Bug("RT-vma-merge"),
    Bug("RT-gfp-account"),
    Bug("RT-content-copy"),
    Bug("RT-semicolon", kind=BUILD),
    Bug("RT-no-apply", kind=APPLY),
    Bug("RT-page-size", arches=("arm64",), variants={"arm64": "64k"},
        why_arches="it needs pages larger than 4K (the arm64 64k config); x86_64 pages are 4K"),
    Bug("RT-zeropage-refcount"),
    Bug("RT-error-path"),
    Bug("RT-thp"),
    Bug("RT-mte-tags", arches=("arm64",), why_arches="MTE (memory tagging) is an arm64 feature"),
    Bug("RT-force-write"),
    Bug("RT-uffd"),
)


def ids():
    return [b.id for b in BUGS]


def lookup(name) -> Bug:
    """The bug for an id, case-insensitively; the test name (rt_thp) is accepted too."""
    for bug in BUGS:
        if name.lower() in (bug.id.lower(), bug.test or ""):
            return bug
    raise UserError(f"repro: no bug {name!r}; the ids are {', '.join(ids())}")


def select(names, everything=False):
    """The bugs to run, in catalogue order, each once."""
    if everything and names:
        raise UserError("repro: give ids or --all, not both")
    if not everything and not names:
        raise UserError(f"repro: give an id ({', '.join(ids())}) or --all")
    if everything:
        return list(BUGS)
    wanted = {lookup(n).id for n in names}
    return [b for b in BUGS if b.id in wanted]
